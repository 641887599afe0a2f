/**
 * The festival model's rules for single values, one function each. The model applies them
 * to every document peers send (model.ts: a broken rule makes the document invalid), and
 * the forms apply the very same functions before anything is signed (widgets/forms/), so
 * that nothing Panda Kit signs is later listed as invalid.
 *
 * Each rule returns the checked value or throws `DocumentInvalid` with a stable `rule` code
 * (what the forms translate) and a reason in words (what the model lists). No DOM, no
 * hashing code: the widgets load this.
 */
import { isHash } from '../hash/hash-id.js';

export type RuleCode =
  | 'not-text'
  | 'not-list'
  | 'time-range'
  | 'count-range'
  | 'end-not-after-start'
  | 'url-invalid'
  | 'url-not-http'
  | 'document-id'
  | 'public-key'
  | 'geo-invalid'
  | 'geo-outside'
  | 'coordinate-invalid'
  | 'timezone-unknown'
  | 'quorum-range'
  | 'decision';

export class DocumentInvalid extends Error {
  constructor(
    message: string,
    readonly rule: RuleCode,
  ) {
    super(message);
  }
}

export const invalid = (reason: string, rule: RuleCode): never => {
  throw new DocumentInvalid(reason, rule);
};

/** The rule `check` breaks, or undefined when it passes (for forms: a code per field). */
export function brokenRule(check: () => unknown): RuleCode | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof DocumentInvalid) return error.rule;
    throw error;
  }
}

const PUBLIC_KEY = /^[0-9a-f]{64}$/;
/** 9999-12-31T23:59:59Z in Unix seconds: the latest time a document may name. */
export const MAX_TIME = 253402300799;
/** The largest count (capacity, quorum) a document may name. */
export const MAX_COUNT = 1_000_000;

/** A time in Unix seconds from 1970 to 9999 (int fields arrive as bigints, form values as numbers). */
export function checkTime(value: unknown, name: string): number {
  if (
    typeof value === 'bigint'
      ? value < 0n || value > BigInt(MAX_TIME)
      : typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_TIME
  ) {
    return invalid(`${name} is not a time between 1970 and 9999`, 'time-range');
  }
  return Number(value);
}

/** A whole number from `min` to 1000000. */
export function checkCount(value: unknown, name: string, min: number): number {
  if (
    typeof value === 'bigint'
      ? value < BigInt(min) || value > BigInt(MAX_COUNT)
      : typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > MAX_COUNT
  ) {
    return invalid(`${name} must be a whole number from ${min} to 1000000`, 'count-range');
  }
  return Number(value);
}

/** Checks that `end` is after `start`; returns `end`. */
export function checkEndAfter(start: number, end: number): number {
  return end > start ? end : invalid('end is not after start', 'end-not-after-start');
}

/** An http(s) URL, or undefined for empty; anything else (javascript:, data:, ...) is invalid. */
export function safeUrl(value: string, name: string): string | undefined {
  if (value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(`${name} is not a URL`, 'url-invalid');
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : invalid(`${name} must be an http or https URL`, 'url-not-http');
}

/** A document id, or undefined for empty. */
export function optionalDocumentId(value: string, name: string): string | undefined {
  if (value === '') return undefined;
  return isHash(value) ? value : invalid(`${name} is not a document id`, 'document-id');
}

/** Space-separated words as a list. */
export function words(value: string): string[] {
  return value.split(/\s+/).filter((word) => word !== '');
}

/** Space-separated public keys (hex), without repeats. */
export function checkPublicKeys(value: string, name: string): string[] {
  const keys = words(value);
  return keys.every((key) => PUBLIC_KEY.test(key)) ? [...new Set(keys)] : invalid(`${name} holds something that is not a public key`, 'public-key');
}

/** Whether `value` is a public key as documents name them (64 lower-case hex characters). */
export const isPublicKey = (value: string): boolean => PUBLIC_KEY.test(value);

/** Space-separated document ids, without repeats. */
export function checkDocumentIds(value: string, name: string): string[] {
  const ids = words(value);
  return ids.every(isHash) ? [...new Set(ids)] : invalid(`${name} holds something that is not a document id`, 'document-id');
}

export interface GeoPosition {
  latitude: number;
  longitude: number;
  altitude?: number;
}

const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
const GEO_URI = new RegExp(`^geo:(${NUMBER}),(${NUMBER})(?:,(${NUMBER}))?(?:;.*)?$`);
const COORDINATE = new RegExp(`^(${NUMBER}),(${NUMBER}),(${NUMBER})$`);

/** Checks a latitude and longitude on the globe. */
export function checkGlobe(latitude: number, longitude: number): void {
  if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) invalid('position is outside the globe', 'geo-outside');
}

/** Parses an RFC 5870 geo URI (`geo:lat,lon[,alt]`), or undefined for empty. */
export function parseGeoUri(value: string): GeoPosition | undefined {
  if (value === '') return undefined;
  const match = GEO_URI.exec(value);
  if (!match) return invalid('position is not a geo URI such as geo:52.52,13.40', 'geo-invalid');
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  checkGlobe(latitude, longitude);
  return match[3] === undefined ? { latitude, longitude } : { latitude, longitude, altitude: Number(match[3]) };
}

/** A 3D coordinate "x,y,z" (metres), or undefined for empty. */
export function parseCoordinate(value: string): { x: number; y: number; z: number } | undefined {
  if (value === '') return undefined;
  const match = COORDINATE.exec(value);
  if (!match) return invalid('coordinate is not "x,y,z"', 'coordinate-invalid');
  const [x, y, z] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return [x, y, z].every(Number.isFinite) ? { x, y, z } : invalid('coordinate is not finite', 'coordinate-invalid');
}

// Asking Intl costs about 0.1 ms a time: names it has accepted are remembered (bounded).
const TIME_ZONES_KEPT = 512;
const timeZones = new Map<string, string>();

/** An IANA time zone, in Intl's canonical spelling. */
export function checkTimeZone(value: string): string {
  const known = timeZones.get(value);
  if (known !== undefined) return known;
  let zone: string;
  try {
    zone = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return invalid(`timezone "${value.slice(0, 40)}" is not an IANA time zone`, 'timezone-unknown');
  }
  if (timeZones.size >= TIME_ZONES_KEPT) timeZones.clear();
  timeZones.set(value, zone);
  return zone;
}

/** With the quorum policy: from 1 to the number of members must confirm. */
export function checkQuorum(policy: string, quorum: number, members: number): void {
  if (policy === 'quorum' && (quorum < 1 || quorum > members)) invalid('quorum must be between 1 and the number of members', 'quorum-range');
}
