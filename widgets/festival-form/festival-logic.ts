/**
 * A festival's form without the DOM, for `<panda-festival-form>` and the planner alike: the
 * values as inputs hold them, validation with the festival model's own rules
 * (core/festival/rules.ts, so that nothing signed here is later listed as invalid), and the
 * `panda_publish` parameters.
 *
 * Start and end are `datetime-local` values on the wall clock of the festival's IANA time
 * zone. A sub-festival must lie within its parent, when the parent is known here: the model
 * does not require that (a parent may arrive later), but a demanding organiser would.
 */
import { brokenRule, checkEndAfter, checkTime, checkTimeZone, optionalDocumentId, safeUrl } from '../../core/festival/rules.js';
import { fromInputValue, toInputValue } from '../event-form/form-logic.js';
import { fieldError, ruleError, type FieldError } from '../lib/form-i18n.js';
import { localTimeZone } from '../lib/time.js';

export interface FestivalValues {
  name: string;
  description: string;
  /** `datetime-local` values (YYYY-MM-DDTHH:MM) in `timezone`. */
  start: string;
  end: string;
  /** IANA time zone. */
  timezone: string;
  /** http(s) URL of the festival's website, or "". */
  url: string;
  /** http(s) URL of an image, or "". */
  image: string;
  /** Document id of the festival this one is part of, or "". */
  parent: string;
}

export type FestivalField = 'name' | 'start' | 'end' | 'timezone' | 'url' | 'image' | 'parent';
export type FestivalErrors = Partial<Record<FestivalField, FieldError>>;

/** A festival one may pick as the parent (times in Unix seconds, as the `festival` query answers). */
export interface FestivalChoice {
  id: string;
  name: string;
  start: number;
  end: number;
  timezone: string;
}

/** The fields of a festival document, checked (times in Unix seconds). */
export interface FestivalFields {
  name: string;
  description: string;
  start: number;
  end: number;
  timezone: string;
  parent: string;
  image: string;
  url: string;
}

export interface CheckedFestival {
  errors: FestivalErrors;
  /** Present exactly when there are no errors. */
  fields?: FestivalFields;
}

/** An empty form: the browser's time zone, and `parent` if given. */
export function emptyFestival(parent = '', timezone = localTimeZone()): FestivalValues {
  return { name: '', description: '', start: '', end: '', timezone, url: '', image: '', parent };
}

/** The form's values for an existing festival (the `festival` query's JSON: Unix seconds). */
export function festivalValuesOf(festival: {
  name: string;
  description?: string;
  start: number;
  end: number;
  timezone: string;
  url?: string;
  image?: string;
  parent?: string;
}): FestivalValues {
  return {
    name: festival.name,
    description: festival.description ?? '',
    start: toInputValue(festival.start * 1000, festival.timezone),
    end: toInputValue(festival.end * 1000, festival.timezone),
    timezone: festival.timezone,
    url: festival.url ?? '',
    image: festival.image ?? '',
    parent: festival.parent ?? '',
  };
}

/** IANA zones to choose from (Intl's list), with `current` and UTC among them. */
export function timeZoneOptions(current = localTimeZone()): string[] {
  const intl = Intl as { supportedValuesOf?: (key: 'timeZone') => string[] };
  const zones = new Set(intl.supportedValuesOf?.('timeZone') ?? []);
  zones.add('UTC');
  if (current) zones.add(current);
  return [...zones].sort();
}

/** A `datetime-local` value in `zone` as Unix seconds, or the field's error. */
export function inputSeconds(value: string, zone: string): number | FieldError {
  const ms = fromInputValue(value, zone);
  if (ms === undefined) return value.trim() === '' ? fieldError('required', undefined, 'f.error.timesRequired') : fieldError('time-range');
  const seconds = Math.floor(ms / 1000);
  const broken = brokenRule(() => checkTime(seconds, 'time'));
  return broken ? fieldError(broken) : seconds;
}

/**
 * Validates the values. `festivals` are those known here (for the parent); `self` is the id
 * of the festival being edited (it cannot be its own parent).
 */
export function validateFestival(values: FestivalValues, context: { festivals?: readonly FestivalChoice[]; self?: string } = {}): CheckedFestival {
  const errors: FestivalErrors = {};
  const name = values.name.trim();
  if (name === '') errors.name = fieldError('required', undefined, 'f.error.nameRequired');
  let zone = values.timezone.trim();
  const zoneError = ruleError(() => (zone = checkTimeZone(zone)));
  if (zoneError) errors.timezone = zoneError;
  const reading = zoneError ? 'UTC' : zone;
  const start = inputSeconds(values.start, reading);
  const end = inputSeconds(values.end, reading);
  if (typeof start !== 'number') errors.start = start;
  if (typeof end !== 'number') errors.end = end;
  else if (typeof start === 'number') {
    const order = ruleError(() => checkEndAfter(start, end));
    if (order) errors.end = order;
  }
  const url = values.url.trim();
  const image = values.image.trim();
  const urlError = ruleError(() => safeUrl(url, 'url'));
  const imageError = ruleError(() => safeUrl(image, 'image'));
  if (urlError) errors.url = urlError;
  if (imageError) errors.image = imageError;
  const parent = values.parent.trim();
  const parentError = ruleError(() => optionalDocumentId(parent, 'parent'));
  if (parentError) errors.parent = parentError;
  else if (parent !== '') {
    const known = context.festivals?.find((festival) => festival.id === parent);
    if (parent === context.self) errors.parent = fieldError('parent-unknown');
    else if (context.festivals && !known) errors.parent = fieldError('parent-unknown');
    else if (known && typeof start === 'number' && typeof end === 'number' && !errors.end && (start < known.start || end > known.end)) {
      const shown = (seconds: number) => toInputValue(seconds * 1000, reading).replace('T', ' ');
      const outside = fieldError('outside-parent', { start: shown(known.start), end: shown(known.end) });
      if (start < known.start) errors.start = outside;
      else errors.end = outside;
    }
  }
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    fields: {
      name,
      description: values.description,
      start: start as number,
      end: end as number,
      timezone: zone,
      parent,
      image: image === '' ? '' : safeUrl(image, 'image')!,
      url: url === '' ? '' : safeUrl(url, 'url')!,
    },
  };
}

/** `panda_publish` parameters: create a festival, or update `documentId` with every field. */
export function festivalPublishParams(fields: FestivalFields, documentId?: string) {
  return documentId === undefined
    ? { type: 'festival', action: 'create', fields: { ...fields } }
    : { type: 'festival', action: 'update', documentId, fields: { ...fields } };
}
