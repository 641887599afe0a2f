/**
 * The index page of a festival's archive (./archive.ts): `<panda-schedule>` reading the
 * archive's frab JSON, and inside it, for browsers that run no script (or none from file://),
 * the schedule as a plain list with the downloads. Under a Content Security Policy of its
 * own (a meta element: a static host may send no headers): scripts only from the archive
 * itself, no inline script, no eval, fetches only of its own files. Styles may be inline:
 * Lit falls back to <style> elements where constructable stylesheets are missing, and the
 * grid places events with style attributes.
 *
 * Every text is the festival's, from untrusted peers: escaped, links only http(s).
 */
import { httpUrl } from '../widgets/lib/schedule-input.js';
import type { ScheduleData } from '../widgets/lib/schedule-view.js';
import { festivalDayKey, formatDate, formatTimeRange } from '../widgets/lib/time.js';

export const ARCHIVE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; connect-src 'self'; base-uri 'none'; form-action 'none'";

/** The files the page names, by role. */
export interface ArchiveNames {
  widgets: string;
  frabJson: string;
  frabXml: string;
  ical: string;
  bundle: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const STYLE = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; }
header p, footer p { margin: 0.25rem 0; }
footer { border-top: 1px solid #8886; margin-top: 2rem; padding-top: 1rem; font-size: 0.9rem; }
code { overflow-wrap: anywhere; }
.fallback ol { padding-left: 1.25rem; }`;

/** The schedule as a list, day by day, on the festival's wall clock. */
function fallbackList(schedule: ScheduleData): string {
  const format = { locale: 'en-GB', timeZone: schedule.festival.timezone };
  const rooms = new Map(schedule.locations.map((location) => [location.id, location.name]));
  const days: string[] = [];
  let day = '';
  let items: string[] = [];
  const flush = () => {
    if (items.length > 0) days.push(`<h2>${escapeHtml(day)}</h2>\n<ol>\n${items.join('\n')}\n</ol>`);
    items = [];
  };
  for (const event of schedule.events) {
    const date = formatDate(event.start, format, 'full');
    if (date !== day) {
      flush();
      day = date;
    }
    const where = event.locationIds.map((id) => rooms.get(id) ?? '').filter((name) => name !== '');
    items.push(
      `<li>${escapeHtml(formatTimeRange(event.start, event.end, format))}${where.length > 0 ? `, ${escapeHtml(where.join(', '))}` : ''}: ${escapeHtml(event.title)}</li>`,
    );
  }
  flush();
  return days.join('\n') || '<p>No events.</p>';
}

export function archivePage(schedule: ScheduleData, names: ArchiveNames, archived: { at: number; by: string }): string {
  const { festival } = schedule;
  const format = { locale: 'en-GB', timeZone: festival.timezone };
  const url = httpUrl(festival.url);
  // Shown later, a festival over when archived opens on its first day (the widget's default,
  // today or else the last day, would be an empty one); one still on, on today's.
  const first = schedule.events[0];
  const day = first !== undefined && festival.end <= archived.at ? ` day="${festivalDayKey(first.start, festival.timezone)}"` : '';
  const file = (name: string, what: string) => `<a href="${escapeHtml(encodeURI(name))}">${what}</a>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${ARCHIVE_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(festival.name)}</title>
<style>
${STYLE}
</style>
<script type="module" src="${escapeHtml(encodeURI(names.widgets))}"></script>
</head>
<body>
<header>
<h1>${escapeHtml(festival.name)}</h1>
<p>${escapeHtml(formatDate(festival.start, format, 'full'))} to ${escapeHtml(formatDate(festival.end, format, 'full'))} (${escapeHtml(festival.timezone)})</p>
${festival.description.trim() === '' ? '' : `<p>${escapeHtml(festival.description)}</p>\n`}${url ? `<p><a href="${escapeHtml(url)}" rel="noopener noreferrer">${escapeHtml(url)}</a></p>\n` : ''}</header>
<main>
<panda-schedule src="${escapeHtml(encodeURI(names.frabJson))}"${day}>
<div class="fallback">
${fallbackList(schedule)}
</div>
</panda-schedule>
</main>
<footer>
<p>Download the schedule as ${file(names.frabJson, 'frab/c3voc JSON')}, ${file(names.frabXml, 'schedule.xml')} or ${file(names.ical, 'iCalendar')},
and every entry of the festival as ${file(names.bundle, 'a signed Panda Kit bundle')}: each entry carries its author's signature,
so anyone can check it and take the festival up again (<code>panda import ${escapeHtml(names.bundle)} --join</code>).</p>
<p>Festival <code>${escapeHtml(festival.id)}</code>, archived ${escapeHtml(new Date(archived.at).toISOString().slice(0, 16).replace('T', ' '))} UTC by <code>${escapeHtml(archived.by)}</code>.</p>
</footer>
</body>
</html>
`;
}
