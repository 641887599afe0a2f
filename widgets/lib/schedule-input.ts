/**
 * Checks on untrusted schedule input, shared by the model adapter (./schedule-data.ts) and
 * the frab importer (./import-frab.ts): anything that is not what a schedule needs throws a
 * `PandaError` with code `SCHEDULE_INVALID` (and `details.path` saying where), never a
 * TypeError. Also what makes untrusted text safe to show: names, http(s) URLs, slugs.
 *
 * DOM-free: runs in Node and in a page.
 */
import { PandaError } from '../../core/errors.js';
import { canonicalTimeZone, isValidTimeZone } from './time.js';

/** Throws SCHEDULE_INVALID; `path` says where in the input. */
export function invalidSchedule(message: string, path = ''): never {
  throw new PandaError('SCHEDULE_INVALID', path === '' ? message : `${path}: ${message}`, { path });
}

export type Json = Record<string, unknown>;
export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function object(value: unknown, path: string): Json {
  return isObject(value) ? value : invalidSchedule('is not an object', path);
}

export function array(value: unknown, path: string, max = 100_000): unknown[] {
  if (!Array.isArray(value)) invalidSchedule('is not a list', path);
  if (value.length > max) invalidSchedule(`has more than ${max} entries`, path);
  return value;
}

export function string(value: unknown, path: string): string {
  return typeof value === 'string' ? value : invalidSchedule('is not text', path);
}

/** A string, or undefined for absent/null/"" (wrong types are errors). */
export function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return string(value, path);
}

function finite(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : invalidSchedule('is not a number', path);
}

/** Unix seconds as epoch ms. */
export function seconds(value: unknown, path: string): number {
  const number = finite(value, path);
  if (number < 0 || number > 253402300799) invalidSchedule('is not a time between 1970 and 9999', path);
  return number * 1000;
}

/** How long a person's name may be where widgets show it. */
const MAX_NAME = 120;

/**
 * A profile name as the query answers carry it (`ownerName`, `voterName`): untrusted text,
 * trimmed, control characters taken out, at most MAX_NAME characters; undefined when there
 * is none (then widgets show the short key).
 */
export function personName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const name = value
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return name === '' ? undefined : [...name].slice(0, MAX_NAME).join('');
}

/** An http(s) URL, else undefined (links are only ever http(s): never javascript: or data:). */
export function httpUrl(value: unknown, base?: string): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > 4096) return undefined;
  try {
    const url = base === undefined ? new URL(value) : new URL(value, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** A zone Intl knows, canonical; else `fallback`. */
export function timezoneOr(value: unknown, fallback: string): string {
  return isValidTimeZone(value) ? canonicalTimeZone(value) : fallback;
}

/** A slug of text: lower case ASCII letters and digits, others as `separator`. */
export function slugify(text: string, separator = '-'): string {
  const plain = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, separator);
  const edge = separator === '' ? '' : separator.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return edge === '' ? plain : plain.replace(new RegExp(`^${edge}+|${edge}+$`, 'g'), '');
}
