/**
 * The planner's "Import a schedule file": a frab/c3voc file's text, read in the planner page,
 * imported here into a festival the person owns, signed as them — by the same importer as
 * `panda import-schedule` (node/schedule-import.ts, which needs neither DOM nor Node), so a
 * second import of a changed file changes only what changed, and the same file nothing.
 *
 * Whole-file failures are -32602 with a stable `data.code`: PLANNER_FILE_TOO_LARGE,
 * PLANNER_FESTIVAL_UNKNOWN, PLANNER_NOT_OWNER, and the reader's SCHEDULE_FORMAT_UNKNOWN and
 * SCHEDULE_INVALID. No browser APIs in here.
 */
import { isHash, isPandaError, type FestivalNode, type KeyPair } from '../../core/index.js';
import { describeImport, importSchedule } from '../../node/schedule-import.js';
import { readScheduleFile, type ScheduleFile } from '../../widgets/lib/schedule-file.js';
import { MAX_PLANNER_SCHEDULE_BYTES, type PlannerImportResult } from '../shared/planner-protocol.js';
import { fileNameParam, invalid } from './request-params.js';

const MEGABYTES = MAX_PLANNER_SCHEDULE_BYTES / 1024 / 1024;

/** The file read; a time zone it names that is not one reads its times in the festival's zone instead. */
function readFile(text: string, name: string, festivalZone: string): { file: ScheduleFile; notes: string[] } {
  try {
    const file = readScheduleFile(text);
    if (file.unknownTimeZone === undefined) return { file, notes: [] };
    return {
      file: readScheduleFile(text, { timeZone: festivalZone }),
      notes: [`The schedule's time zone “${file.unknownTimeZone}” is not a time zone: its times were read in the festival's, ${festivalZone}.`],
    };
  } catch (error) {
    if (isPandaError(error, 'SCHEDULE_FORMAT_UNKNOWN') || isPandaError(error, 'SCHEDULE_INVALID')) invalid(`${name} ${error.message}`, { code: error.code });
    throw error;
  }
}

/** Imports `params.text` into `params.festivalId` as `signer`, who must own the festival. */
export async function importScheduleAsPerson(node: FestivalNode, signer: KeyPair, params: Record<string, unknown>): Promise<PlannerImportResult> {
  const { festivalId, text } = params;
  if (!isHash(festivalId)) invalid('festivalId is a document id');
  if (typeof text !== 'string') invalid('text is the schedule file’s text');
  const name = fileNameParam(params.name);
  // Characters never outnumber UTF-8 bytes: a text this long is too large without encoding it.
  if (text.length > MAX_PLANNER_SCHEDULE_BYTES || new TextEncoder().encode(text).byteLength > MAX_PLANNER_SCHEDULE_BYTES)
    invalid(`${name} is larger than ${MEGABYTES} MB; a festival’s schedule is far smaller`, { code: 'PLANNER_FILE_TOO_LARGE' });
  const festival = (await node.model()).festivals.get(festivalId);
  if (!festival) invalid('That festival is not known here (deleted, or its data has not arrived yet)', { code: 'PLANNER_FESTIVAL_UNKNOWN' });
  if (festival.owner !== signer.publicKey())
    invalid(`Only the festival’s owner imports schedules into ${festival.name}: ask them, or create a festival of your own`, { code: 'PLANNER_NOT_OWNER' });
  const { file, notes } = readFile(text, name, festival.timezone);
  const report = await importSchedule(node, signer, file, { festival: festival.id });
  return {
    words: describeImport(report),
    events: report.events,
    rooms: { added: report.rooms.added, updated: report.rooms.updated, removed: report.rooms.removed },
    skipped: report.skipped.map(({ talk, reason }) => ({ talk, reason })),
    notes: [...notes, ...(report.rooms.kept.length === 0 ? [] : [`Kept ${report.rooms.kept.join(', ')}: gone from the file, but others’ events ask for it.`])],
  };
}
