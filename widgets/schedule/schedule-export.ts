/**
 * What the export menu of `<panda-schedule>` downloads: iCalendar of the whole schedule or
 * of the favourites, frab JSON and XML. The exporters come in chunks of their own, loaded
 * when a visitor asks for them (few do; every page would carry them otherwise). One event's
 * iCalendar, from its details, is in the details' chunk (event-details.ts).
 */
import type { ScheduleData } from '../lib/schedule-data.js';
import { download } from '../shared/dom.js';
import { lazily } from './lazy.js';

/** One load for all: downloads asked for one after another come in that order. */
const icalExporter = lazily(() => import('../lib/export-ical.js'));
const frabExporter = lazily(() => import('../lib/export-frab.js'));

/** What the export menu offers; 'share' is the favourites' link to another device (./share-controller.ts). */
export type ExportKind = 'ical' | 'favourites' | 'json' | 'xml' | 'share';

/** Downloads what the export menu offers; `favourites` are the events of the favourites' calendar. */
export async function downloadExport(data: ScheduleData, kind: Exclude<ExportKind, 'share'>, favourites: ReadonlySet<string>): Promise<void> {
  if (kind === 'ical' || kind === 'favourites') {
    const { exportICal, ICAL_MEDIA_TYPE, icalFileName } = await icalExporter();
    if (kind === 'ical') download(exportICal(data), ICAL_MEDIA_TYPE, icalFileName(data));
    else download(exportICal(data, { eventIds: favourites }), ICAL_MEDIA_TYPE, icalFileName(data, 'favourites'));
    return;
  }
  const { exportFrabJson, exportFrabXml, frabFileName } = await frabExporter();
  if (kind === 'json') download(JSON.stringify(exportFrabJson(data), null, 2), 'application/json', frabFileName(data, 'json'));
  else download(exportFrabXml(data), 'application/xml', frabFileName(data, 'xml'));
}
