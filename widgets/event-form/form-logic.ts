/**
 * `<panda-event-form>`'s logic without the DOM: `datetime-local` values as wall times of the
 * festival's zone, validation, the resources one can request, and the `panda_publish`
 * parameters.
 */
import type { MessageKey } from '../lib/i18n.js';
import type { ScheduleData, ScheduleEvent } from '../lib/schedule-data.js';
import { wallTime, wallTimeToEpoch } from '../lib/time.js';

export interface FormValues {
  title: string;
  description: string;
  /** `datetime-local` values (YYYY-MM-DDTHH:MM) in the festival's zone. */
  start: string;
  end: string;
  /** Resource ids to request. */
  resources: string[];
}

export type FormErrors = Partial<Record<'title' | 'start' | 'end', MessageKey>>;

const pad = (value: number) => String(value).padStart(2, '0');

/** An instant as a `datetime-local` value on the wall clock of `timeZone`. */
export function toInputValue(epochMs: number, timeZone: string): string {
  const wall = wallTime(epochMs, timeZone);
  return `${String(wall.year).padStart(4, '0')}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** A `datetime-local` value read on the wall clock of `timeZone` (epoch ms), or undefined. */
export function fromInputValue(value: string, timeZone: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return undefined;
  return wallTimeToEpoch({ year, month, day, hour, minute, second }, timeZone);
}

export interface Checked {
  errors: FormErrors;
  /** Unix seconds, when valid. */
  start?: number;
  end?: number;
}

/** Title required; start and end given, end after start. */
export function validate(values: FormValues, timeZone: string): Checked {
  const errors: FormErrors = {};
  if (values.title.trim() === '') errors.title = 'form.error.titleRequired';
  const start = fromInputValue(values.start, timeZone);
  const end = fromInputValue(values.end, timeZone);
  if (start === undefined) errors.start = 'form.error.timesRequired';
  if (end === undefined) errors.end = 'form.error.timesRequired';
  else if (start !== undefined && end <= start) errors.end = 'form.error.endBeforeStart';
  return Object.keys(errors).length > 0 ? { errors } : { errors, start: Math.floor(start! / 1000), end: Math.floor(end! / 1000) };
}

export interface ResourceOption {
  id: string;
  title: string;
  kind: string;
}

/**
 * What can be requested: the festival's locations and every resource its events request,
 * by title; `include` adds ids not among them (every resource of the festival, as the
 * `resources` query lists them, and a resource given by the page).
 */
export function resourceOptions(data: ScheduleData | undefined, include: readonly ResourceOption[] = []): ResourceOption[] {
  const options = new Map<string, ResourceOption>();
  for (const location of data?.source === 'frab' ? [] : (data?.locations ?? []))
    options.set(location.id, { id: location.id, title: location.name, kind: location.kind });
  for (const event of data?.events ?? [])
    for (const request of event.resources)
      if (request.known && !options.has(request.id)) options.set(request.id, { id: request.id, title: request.title, kind: request.kind });
  for (const option of include) if (!options.has(option.id)) options.set(option.id, option);
  return [...options.values()].sort((a, b) => a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1));
}

/** The `resources` query's answer (untrusted JSON) as options; entries of another shape are left out. */
export function resourcesOf(answer: unknown): ResourceOption[] {
  if (!Array.isArray(answer)) return [];
  return answer.slice(0, 5000).flatMap((item: unknown): ResourceOption[] => {
    const resource = item as Partial<Record<keyof ResourceOption, unknown>> | null;
    return typeof resource === 'object' &&
      resource !== null &&
      typeof resource.id === 'string' &&
      typeof resource.title === 'string' &&
      typeof resource.kind === 'string'
      ? [{ id: resource.id, title: resource.title, kind: resource.kind }]
      : [];
  });
}

/** The form's values for an existing event. */
export function valuesOf(event: ScheduleEvent, timeZone: string): FormValues {
  return {
    title: event.title,
    description: event.description,
    start: toInputValue(event.start, timeZone),
    end: toInputValue(event.end, timeZone),
    resources: event.resources.map((request) => request.id),
  };
}

/** `panda_publish` parameters: create in `festivalId`, or update `documentId`. */
export function publishParams(values: FormValues, checked: Required<Pick<Checked, 'start' | 'end'>>, target: { festivalId: string } | { documentId: string }) {
  const fields = { title: values.title.trim(), description: values.description, start: checked.start, end: checked.end, resources: [...values.resources] };
  return 'documentId' in target
    ? { type: 'event', action: 'update', documentId: target.documentId, fields }
    : { type: 'event', action: 'create', fields: { festival: target.festivalId, ...fields } };
}
