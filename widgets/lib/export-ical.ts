/**
 * RFC 5545 iCalendar export of a schedule (or a part of it, such as a visitor's favourites),
 * hand-written on top of Intl.
 *
 * Times are written as local times of the festival's zone (`DTSTART;TZID=Europe/Berlin:...`)
 * with a VTIMEZONE for that zone, so calendars show them as the festival plans them and keep
 * them right across daylight-saving changes. The VTIMEZONE is computed from Intl: one
 * observance from 1 January of the first year the events touch, then one per change of the
 * zone's UTC offset up to the end of the last year (explicit dates, no RRULEs: exact for the
 * years covered, whatever rule the zone follows). Two exceptions are written in UTC ("Z"):
 * a zone of offset 0 throughout ("UTC"), and any instant in the hour that happens twice when
 * clocks go back. RFC 5545 reads such a local time as its first occurrence, so the second
 * could not be named at all, and readers disagree even on the first (ical.js takes the
 * second): a UTC time means the same instant to all of them.
 *
 * STATUS says what the widgets say in words (lib/filter.ts `eventStatus`): CONFIRMED when
 * everything requested is confirmed, CANCELLED when a request was declined, else TENTATIVE.
 * For a subscription (`panda serve --http`), the feed gives each event its SEQUENCE and
 * LAST-MODIFIED and the calendar its refresh interval; `exportEventICal` is one event alone,
 * for "add to my calendar".
 *
 * Text values are escaped (\\ \; \, \n), control characters dropped, lines folded at 75
 * octets without splitting a UTF-8 sequence, and every line ends in CRLF. DOM-free.
 */
import { eventStatus } from './filter.js';
import { slugify, type ScheduleData, type ScheduleEvent } from './schedule-data.js';
import { formatTimeZoneName, offsetMinutes, startOfDay, wallTime, wallTimeToEpoch, zoneTransitions, type WallTime } from './time.js';

export const ICAL_MEDIA_TYPE = 'text/calendar;charset=utf-8';
export const DEFAULT_PRODID = '-//Panda Kit//Festival schedule//EN';

export interface ICalOptions {
  /** When the calendar is made (DTSTAMP): epoch ms, a Date or a clock. Default: now. */
  now?: number | Date | (() => number);
  /** Zone for DTSTART/DTEND; default the festival's. */
  timeZone?: string;
  /** Only these events (e.g. favourites); default all. */
  eventIds?: Iterable<string>;
  /** Calendar name (X-WR-CALNAME); default the festival's name; '' for none. */
  calendarName?: string;
  prodId?: string;
  /** How an event stands in a feed that follows it: SEQUENCE and LAST-MODIFIED (epoch ms). */
  revision?: (event: ScheduleEvent) => EventRevision | undefined;
  /** How often a subscribed calendar should fetch again, in minutes (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
  refreshMinutes?: number;
}

export interface EventRevision {
  /** 0 for the first version, one more for every change. */
  sequence: number;
  /** Epoch ms. */
  lastModified: number;
}

/** The iCalendar STATUS of each overall request state (lib/filter.ts). */
const STATUS = { confirmed: 'CONFIRMED', pending: 'TENTATIVE', denied: 'CANCELLED' } as const;

const CRLF = '\r\n';

/** Drops characters iCalendar text must not hold: controls other than tab and newlines, lone surrogates. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

/** Escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma, and newlines as \n. */
export function escapeText(text: string): string {
  return clean(text)
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const utf8Length = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/**
 * Folds a content line (RFC 5545 3.1): at most 75 octets per line, continuation lines
 * starting with one space; never splits a UTF-8 sequence (whole code points per line).
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const char of line) {
    const bytes = utf8Length(char.codePointAt(0)!);
    if (size + bytes > limit) {
      parts.push(current);
      current = '';
      size = 0;
      limit = 74; // the leading space counts
    }
    current += char;
    size += bytes;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

const pad = (value: number, length = 2) => String(Math.abs(value)).padStart(length, '0');

function formatWall(wall: WallTime): string {
  return `${pad(wall.year, 4)}${pad(wall.month)}${pad(wall.day)}T${pad(wall.hour)}${pad(wall.minute)}${pad(wall.second)}`;
}

/** An instant in UTC: 20251026T013000Z. */
export function formatUtc(epochMs: number): string {
  return `${formatWall(wallTime(epochMs, 'UTC'))}Z`;
}

/** A UTC offset in minutes as +HHMM / -HHMM. */
function formatOffset(minutes: number): string {
  return `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
}

/** A parameter value, quoted if it holds : ; or , (RFC 5545 3.2). */
function paramValue(value: string): string {
  const safe = clean(value).replace(/["\r\n]/g, '');
  return /[:;,]/.test(safe) ? `"${safe}"` : safe;
}

function zoneAbbreviation(timeZone: string, at: number): string | undefined {
  for (const locale of ['en-US', 'en-GB']) {
    const name = formatTimeZoneName(timeZone, locale, at);
    if (/^[A-Za-z]{2,6}$/.test(name)) return name;
  }
  return undefined;
}

/** Whether the zone has offset 0 and no transitions over [from, to): written in UTC. */
function isUtcLike(timeZone: string, from: number, to: number): boolean {
  return offsetMinutes(from, timeZone) === 0 && zoneTransitions(timeZone, from, to).length === 0;
}

/**
 * The VTIMEZONE lines for `timeZone` covering the years of [from, to]: STANDARD/DAYLIGHT
 * observances, DAYLIGHT for offsets above the lowest one of those years.
 */
export function vtimezoneLines(timeZone: string, from: number, to: number): string[] {
  const firstYear = wallTime(from, timeZone).year;
  const lastYear = wallTime(to, timeZone).year;
  const rangeStart = startOfDay(`${pad(firstYear, 4)}-01-01`, timeZone);
  const rangeEnd = startOfDay(`${pad(lastYear + 1, 4)}-01-01`, timeZone);
  const transitions = zoneTransitions(timeZone, rangeStart, rangeEnd);
  const initial = offsetMinutes(rangeStart, timeZone);
  const standard = Math.min(initial, ...transitions.map((transition) => transition.offsetAfter));
  const observance = (onset: number, before: number, after: number) => {
    const kind = after > standard ? 'DAYLIGHT' : 'STANDARD';
    // DTSTART is the onset in the local time in effect before it (RFC 5545 3.6.5).
    const lines = [
      `BEGIN:${kind}`,
      `DTSTART:${formatWall(wallTime(onset + before * 60_000, 'UTC'))}`,
      `TZOFFSETFROM:${formatOffset(before)}`,
      `TZOFFSETTO:${formatOffset(after)}`,
    ];
    const name = zoneAbbreviation(timeZone, onset);
    if (name) lines.push(`TZNAME:${name}`);
    lines.push(`END:${kind}`);
    return lines;
  };
  return [
    'BEGIN:VTIMEZONE',
    `TZID:${escapeText(timeZone)}`,
    ...observance(rangeStart, initial, initial),
    ...transitions.flatMap((transition) => observance(transition.at, transition.offsetBefore, transition.offsetAfter)),
    'END:VTIMEZONE',
  ];
}

/** DTSTART/DTEND: local time with TZID, or UTC where the local time happens twice (or the zone is UTC). */
function dateTimeLine(name: string, epochMs: number, timeZone: string | undefined): string {
  if (timeZone !== undefined) {
    const instant = Math.floor(epochMs / 1000) * 1000;
    const wall = wallTime(instant, timeZone);
    if (wallTimeToEpoch(wall, timeZone, 'earlier') === instant && wallTimeToEpoch(wall, timeZone, 'later') === instant) {
      return `${name};TZID=${paramValue(timeZone)}:${formatWall(wall)}`;
    }
  }
  return `${name}:${formatUtc(epochMs)}`;
}

function nowOf(option: ICalOptions['now']): number {
  if (option === undefined) return Date.now();
  if (typeof option === 'function') return option();
  return option instanceof Date ? option.getTime() : option;
}

function eventLines(
  data: ScheduleData,
  event: ScheduleEvent,
  stamp: string,
  timeZone: string | undefined,
  locations: ReadonlyMap<string, ScheduleData['locations'][number]>,
  revision: EventRevision | undefined,
): string[] {
  const places = event.locationIds.map((id) => locations.get(id)).filter((location) => location !== undefined);
  const lines = [
    'BEGIN:VEVENT',
    `UID:${escapeText(`${event.id}@pandakit`)}`,
    `DTSTAMP:${stamp}`,
    ...(revision ? [`SEQUENCE:${Math.max(0, Math.floor(revision.sequence))}`, `LAST-MODIFIED:${formatUtc(revision.lastModified)}`] : []),
    dateTimeLine('DTSTART', event.start, timeZone),
    dateTimeLine('DTEND', Math.max(event.end, event.start + 1000), timeZone),
    `SUMMARY:${escapeText(event.subtitle ? `${event.title} – ${event.subtitle}` : event.title)}`,
  ];
  const description = event.description || event.abstract || '';
  if (description !== '') lines.push(`DESCRIPTION:${escapeText(description)}`);
  if (places.length > 0) {
    const text = places.length === 1 && places[0]!.address ? `${places[0]!.name}, ${places[0]!.address}` : places.map((place) => place.name).join(', ');
    lines.push(`LOCATION:${escapeText(text)}`);
    const position = places.length === 1 ? places[0]!.position : undefined;
    if (position) lines.push(`GEO:${position.latitude};${position.longitude}`);
  }
  const categories = [event.track, event.kind, event.festivalId !== data.festival.id ? event.festivalName : undefined].filter(
    (value): value is string => !!value,
  );
  if (categories.length > 0) lines.push(`CATEGORIES:${[...new Set(categories)].map(escapeText).join(',')}`);
  if (event.url) lines.push(`URL:${clean(event.url).replace(/[\s"]/g, encodeURIComponent)}`);
  lines.push(`STATUS:${STATUS[eventStatus(event)]}`, 'END:VEVENT');
  return lines;
}

/** The iCalendar text of `data` (or the events `options.eventIds` names). */
export function exportICal(data: ScheduleData, options: ICalOptions = {}): string {
  const ids = options.eventIds === undefined ? undefined : new Set(options.eventIds);
  const events = ids ? data.events.filter((event) => ids.has(event.id)) : data.events;
  const zone = options.timeZone ?? data.festival.timezone;
  const from = events.reduce((min, event) => Math.min(min, event.start), events.length > 0 ? Infinity : data.festival.start);
  const to = events.reduce((max, event) => Math.max(max, event.end), events.length > 0 ? -Infinity : data.festival.end);
  const timeZone = events.length === 0 || isUtcLike(zone, from, to) ? undefined : zone;
  const stamp = formatUtc(nowOf(options.now));
  const locations = new Map(data.locations.map((location) => [location.id, location]));
  const name = options.calendarName ?? data.festival.name;
  const refresh = options.refreshMinutes === undefined ? undefined : `PT${Math.max(1, Math.round(options.refreshMinutes))}M`;
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${escapeText(options.prodId ?? DEFAULT_PRODID)}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    ...(name === '' ? [] : [`X-WR-CALNAME:${escapeText(name)}`]),
    ...(refresh ? [`REFRESH-INTERVAL;VALUE=DURATION:${refresh}`, `X-PUBLISHED-TTL:${refresh}`] : []),
    ...(timeZone ? [`X-WR-TIMEZONE:${escapeText(timeZone)}`, ...vtimezoneLines(timeZone, from, to)] : []),
    ...events.flatMap((event) => eventLines(data, event, stamp, timeZone, locations, options.revision?.(event))),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/**
 * One event alone, for "add this event to my calendar": no calendar name, so that calendar
 * apps offer to add the event to one of the person's calendars rather than make a new one.
 * Undefined when the schedule has no such event.
 */
export function exportEventICal(data: ScheduleData, eventId: string, options: Omit<ICalOptions, 'eventIds'> = {}): string | undefined {
  if (!data.events.some((event) => event.id === eventId)) return undefined;
  return exportICal(data, { calendarName: '', ...options, eventIds: [eventId] });
}

/** A file name for one event's calendar, e.g. "opening-night.ics". */
export function eventICalFileName(event: ScheduleEvent): string {
  return `${slugify(event.title) || 'event'}.ics`;
}

/** A file name for the export, e.g. "hoffnung-3000.ics" or "hoffnung-3000-favourites.ics". */
export function icalFileName(data: ScheduleData, suffix?: string): string {
  const base = slugify(data.festival.name) || 'schedule';
  return `${base}${suffix ? `-${slugify(suffix) || 'part'}` : ''}.ics`;
}
