/**
 * The c3voc/frab schedule format as Panda Kit writes it (./export-frab.ts): the JSON types,
 * and the identifiers both formats carry: guids as UUIDs version 5 (SHA-1) in the Panda Kit
 * namespace, and conference acronyms.
 *
 * DOM-free.
 */
import { slugify } from './schedule-input.js';
import type { ScheduleData, ScheduleEvent } from './schedule-view.js';

export const FRAB_SCHEMA_URL = 'https://c3voc.de/schedule/schema.json';
/** The namespace of Panda Kit's version 5 UUIDs. */
export const PANDA_KIT_UUID_NAMESPACE = '5b0c5f4e-8a54-4d0e-9a35-70616e64616b';

// ---------------------------------------------------------------------------------------
// JSON types (the parts we write)
// ---------------------------------------------------------------------------------------

export interface FrabPerson {
  name: string;
}

export interface FrabLink {
  url: string;
  title?: string;
  type?: string;
}

export interface FrabEvent {
  guid: string;
  id: number;
  date: string;
  start: string;
  end: string;
  duration: string;
  room: string;
  slug: string;
  url: string;
  title: string;
  subtitle: string;
  track: string | null;
  type: string;
  language: string | null;
  abstract: string;
  description: string;
  persons: FrabPerson[];
  links: FrabLink[];
}

export interface FrabRoom {
  name: string;
  guid: string;
  description?: string;
  capacity?: number;
  url?: string;
  type?: string;
}

export interface FrabDay {
  index: number;
  date: string;
  day_start: string;
  day_end: string;
  rooms: Record<string, FrabEvent[]>;
}

export interface FrabScheduleJson {
  $schema: string;
  generator: { name: string; version?: string };
  schedule: {
    version: string;
    base_url?: string;
    conference: {
      acronym: string;
      title: string;
      description?: string;
      start: string;
      end: string;
      daysCount: number;
      timeslot_duration: string;
      time_zone_name?: string;
      url?: string;
      tracks: Array<{ name: string; slug?: string }>;
      rooms: FrabRoom[];
      days: FrabDay[];
    };
  };
}

// ---------------------------------------------------------------------------------------
// Identifiers
// ---------------------------------------------------------------------------------------

/**
 * SHA-1 (FIPS 180-4), only for name-based UUIDs (RFC 9562 v5), not for security: small,
 * synchronous, no dependency.
 */
export function sha1(message: Uint8Array): Uint8Array {
  const length = message.length;
  const blocks = ((length + 8) >>> 6) + 1;
  const words = new Uint32Array(blocks * 16);
  for (let i = 0; i < length; i++) words[i >>> 2]! |= message[i]! << (24 - (i % 4) * 8);
  words[length >>> 2]! |= 0x80 << (24 - (length % 4) * 8);
  words[blocks * 16 - 2] = Math.floor(length / 0x20000000);
  words[blocks * 16 - 1] = (length * 8) >>> 0;
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  for (let block = 0; block < blocks; block++) {
    for (let t = 0; t < 80; t++) {
      if (t < 16) w[t] = words[block * 16 + t]!;
      else {
        const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
        w[t] = (x << 1) | (x >>> 31);
      }
    }
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let t = 0; t < 80; t++) {
      const f = t < 20 ? (b & c) | (~b & d) : t < 40 ? b ^ c ^ d : t < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = t < 20 ? 0x5a827999 : t < 40 ? 0x6ed9eba1 : t < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const next = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) >>> 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
  }
  const out = new Uint8Array(20);
  h.forEach((value, i) => {
    out[i * 4] = value >>> 24;
    out[i * 4 + 1] = value >>> 16;
    out[i * 4 + 2] = value >>> 8;
    out[i * 4 + 3] = value;
  });
  return out;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Hex of a few bytes. Not core/bytes.ts's bytesToHex: that module brings @noble/hashes'
 * utilities into the bundle every page loads (1.5 KB gzipped of its 40 KB budget).
 */
export const hex = (bytes: Uint8Array) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

/** A version 5 UUID (RFC 9562: SHA-1 of namespace and name) of `name`. */
export function uuidV5(name: string, namespace = PANDA_KIT_UUID_NAMESPACE): string {
  const ns = namespace.replace(/-/g, '');
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(16 + nameBytes.length);
  for (let i = 0; i < 16; i++) input[i] = parseInt(ns.slice(i * 2, i * 2 + 2), 16);
  input.set(nameBytes, 16);
  const hash = sha1(input).slice(0, 16);
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hex(hash);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The frab guid of an event: its own if it is a UUID, else derived from its id. */
export function eventGuid(event: Pick<ScheduleEvent, 'id'>): string {
  return UUID.test(event.id) ? event.id.toLowerCase() : uuidV5(`event:${event.id}`);
}

const ACRONYM_JSON = /^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$/;

/** A conference acronym both formats accept: [a-z0-9_], at least 4, at most 32 characters. */
export function frabAcronym(data: ScheduleData): string {
  if (data.source === 'frab' && ACRONYM_JSON.test(data.festival.id) && !data.festival.id.includes('-') && data.festival.id.length <= 32)
    return data.festival.id;
  let acronym = slugify(data.festival.name, '_').slice(0, 32).replace(/_+$/, '');
  if (acronym.length < 4) acronym = `${acronym}${acronym ? '_' : 'festival_'}${hex(sha1(new TextEncoder().encode(data.festival.id))).slice(0, 6)}`;
  return acronym;
}
