/**
 * What the export menu of `<panda-schedule>` downloads: iCalendar of the whole schedule or
 * of the favourites, frab JSON and XML; and one event's iCalendar from its details. The frab
 * exporter comes in its own chunk, loaded when a visitor asks for it (few do; every page
 * would carry it otherwise).
 */
import { eventICalFileName, exportEventICal, exportICal, ICAL_MEDIA_TYPE, icalFileName } from '../lib/export-ical.js';
import type { ScheduleData, ScheduleEvent } from '../lib/schedule-data.js';
import { download } from '../shared/dom.js';
import { lazily } from './lazy.js';

/** One load for all: downloads asked for one after another come in that order. */
const frabExporter = lazily(() => import('../lib/export-frab.js'));

/** What the export menu offers; 'share' is the favourites' link to another device (./share-controller.ts). */
export type ExportKind = 'ical' | 'favourites' | 'json' | 'xml' | 'share';

/** Downloads what the export menu offers; `favouritesICal` makes the favourites' calendar. */
export async function downloadExport(data: ScheduleData, kind: Exclude<ExportKind, 'share'>, favouritesICal: () => string): Promise<void> {
  if (kind === 'ical') return download(exportICal(data), ICAL_MEDIA_TYPE, icalFileName(data));
  if (kind === 'favourites') return download(favouritesICal(), ICAL_MEDIA_TYPE, icalFileName(data, 'favourites'));
  const { exportFrabJson, exportFrabXml, frabFileName } = await frabExporter();
  if (kind === 'json') download(JSON.stringify(exportFrabJson(data), null, 2), 'application/json', frabFileName(data, 'json'));
  else download(exportFrabXml(data), 'application/xml', frabFileName(data, 'xml'));
}

/** Downloads one event as iCalendar, for "add to my calendar". */
export function downloadEvent(data: ScheduleData, event: ScheduleEvent): void {
  const text = exportEventICal(data, event.id);
  if (text !== undefined) download(text, ICAL_MEDIA_TYPE, eventICalFileName(event));
}
