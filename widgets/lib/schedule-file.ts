/**
 * A schedule file in any of the c3voc/frab formats (../shared/reference describes them):
 * JSON v1 (frab, pretalx), JSON v2 and schedule.xml, told apart by their content. Each
 * becomes JSON v1 and is read by the one reader, ./import-frab.ts.
 *
 * Whole-file failures throw: SCHEDULE_FORMAT_UNKNOWN for a file that is none of the formats
 * (not JSON or XML, or JSON or XML of something else), SCHEDULE_INVALID for one that is a
 * schedule but broken. Talks are read leniently: one that breaks a rule is left out and
 * listed in `skipped`.
 *
 * DOM-free: runs in Node and in a page.
 */
import { PandaError } from '../../core/errors.js';
import { frabV2ToJson, isFrabV2 } from './frab-v2.js';
import { frabXmlToJson } from './frab-xml.js';
import { readFrabJson, type FrabReading } from './import-frab.js';
import { invalidSchedule, isObject } from './schedule-input.js';
import { parseXml } from './xml-reader.js';

export type ScheduleFileFormat = 'frab-json' | 'frab-json-v2' | 'frab-xml';

export interface ScheduleFile extends FrabReading {
  format: ScheduleFileFormat;
}

/** Larger than any real programme (camp2019's JSON is 210 KB). */
export const MAX_SCHEDULE_FILE = 64 * 1024 * 1024;

function unknownFormat(message: string): never {
  throw new PandaError('SCHEDULE_FORMAT_UNKNOWN', message);
}

/** Reads a schedule file's text; `timeZone` reads times without an offset in that zone instead of the file's. */
export function readScheduleFile(text: string, options: { timeZone?: string } = {}): ScheduleFile {
  if (text.length > MAX_SCHEDULE_FILE) unknownFormat(`is larger than ${MAX_SCHEDULE_FILE / 1024 / 1024} MB; no schedule is`);
  const start = text.replace(/^\uFEFF/, '').trimStart();
  const read = { lenient: true, ...options };
  if (start.startsWith('<')) {
    const root = parseXml(text);
    if (root.name !== 'schedule') unknownFormat(`is XML, but its root is <${root.name}>, not a c3voc/frab <schedule>`);
    return { format: 'frab-xml', ...readFrabJson(frabXmlToJson(root), read) };
  }
  let value: unknown;
  try {
    value = JSON.parse(start);
  } catch {
    if (start.startsWith('{')) invalidSchedule('starts as JSON but is not valid JSON');
    unknownFormat('is neither JSON nor XML (a c3voc/frab schedule is one of them)');
  }
  if (!isObject(value) || !isObject(value.schedule)) unknownFormat('is JSON, but not a c3voc/frab schedule (it has no "schedule" object)');
  if (isFrabV2(value)) return { format: 'frab-json-v2', ...readFrabJson(frabV2ToJson(value), read) };
  return { format: 'frab-json', ...readFrabJson(value, read) };
}
