/**
 * A festival's schedule in the formats calendar and schedule apps read (iCalendar; c3voc/frab
 * JSON and XML for EventFahrplan, Giggity, ConfClerk), from a festival model: what
 * `panda export-schedule` writes and the demo server offers for download.
 */
import type { FestivalModel, Hash } from '../core/index.js';
import { exportFrabJson, exportFrabXml } from '../widgets/lib/export-frab.js';
import { exportICal, ICAL_MEDIA_TYPE } from '../widgets/lib/export-ical.js';
import { fromScheduleItems, type ScheduleData } from '../widgets/lib/schedule-data.js';

export interface ScheduleFormat {
  mediaType: string;
  write(schedule: ScheduleData): string;
}

export const SCHEDULE_FORMATS = {
  ical: { mediaType: ICAL_MEDIA_TYPE, write: (schedule) => exportICal(schedule) },
  'frab-json': { mediaType: 'application/json;charset=utf-8', write: (schedule) => `${JSON.stringify(exportFrabJson(schedule), null, 2)}\n` },
  'frab-xml': { mediaType: 'application/xml;charset=utf-8', write: (schedule) => exportFrabXml(schedule) },
} satisfies Record<string, ScheduleFormat>;

export type ScheduleFormatName = keyof typeof SCHEDULE_FORMATS;

export const isScheduleFormat = (name: unknown): name is ScheduleFormatName => typeof name === 'string' && Object.hasOwn(SCHEDULE_FORMATS, name);

/** The schedule of a festival (nested festivals included), or undefined while the festival is not known here. */
export function festivalSchedule(model: FestivalModel, festivalId: Hash): ScheduleData | undefined {
  const festival = model.festivals.get(festivalId);
  if (!festival) return undefined;
  const tree = model.festivalTree(festivalId).flatMap((id) => model.festivals.get(id) ?? []);
  return fromScheduleItems(festival, tree, model.schedule(festivalId), { source: 'peer', readOnly: true });
}
