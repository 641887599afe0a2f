/**
 * The festival model's documents as typed objects, parsed from materialised documents.
 * Everything here comes from untrusted peers: values that break a rule make the document
 * invalid (listed with the reason, left out of queries), and links are only ever
 * http(s) URLs.
 */
import type { DocumentView, FieldValues } from '../document/document.js';
import { isHash, type Hash } from '../hash/hash.js';

interface Base {
  /** Document id. */
  id: Hash;
  /** Public key of the user who owns it: the author of its CREATE. */
  owner: string;
  viewId: Hash[];
}

export interface Festival extends Base {
  name: string;
  description: string;
  start: number;
  end: number;
  timezone: string;
  parent?: Hash;
  image?: string;
  url?: string;
}

export interface Profile extends Base {
  name: string;
  description: string;
  avatar?: string;
  /** Further device keys that act as this user. */
  devices: string[];
}

export interface GeoPosition {
  latitude: number;
  longitude: number;
  altitude?: number;
}

export interface Location {
  position?: GeoPosition;
  address?: string;
  url?: string;
  coordinate?: { x: number; y: number; z: number };
}

export interface Resource extends Base {
  festival: Hash;
  title: string;
  description: string;
  kind: string;
  location: Location;
  capacity: number;
  policy: string;
  quorum: number;
  members: string[];
  dependsOn: Hash[];
}

export interface FestivalEvent extends Base {
  festival: Hash;
  title: string;
  description: string;
  start: number;
  end: number;
  resources: Hash[];
  createdAt: number;
}

export type Decision = 'confirm' | 'deny';

export interface Authorization extends Base {
  festival: Hash;
  resource: Hash;
  event: Hash;
  decision: Decision;
  note: string;
  decidedAt: number;
}

/** A document left out of the model, and why. */
export interface InvalidDocument {
  id: Hash;
  schemaId: string;
  reason: string;
}

export class DocumentInvalid extends Error {}

const invalid = (reason: string): never => {
  throw new DocumentInvalid(reason);
};

const PUBLIC_KEY = /^[0-9a-f]{64}$/;
const MAX_TIME = 253402300799n; // 9999-12-31T23:59:59Z
const MAX_COUNT = 1_000_000n;

function text(fields: FieldValues, name: string): string {
  const value = fields.get(name);
  return typeof value === 'string' ? value : invalid(`${name} is not text`);
}

function time(fields: FieldValues, name: string): number {
  const value = fields.get(name);
  if (typeof value !== 'bigint' || value < 0n || value > MAX_TIME) return invalid(`${name} is not a time between 1970 and 9999`);
  return Number(value);
}

function count(fields: FieldValues, name: string, min: bigint): number {
  const value = fields.get(name);
  if (typeof value !== 'bigint' || value < min || value > MAX_COUNT) return invalid(`${name} must be a whole number from ${min} to 1000000`);
  return Number(value);
}

/** An http(s) URL, or undefined for empty; anything else (javascript:, data:, ...) is invalid. */
export function safeUrl(value: string, name: string): string | undefined {
  if (value === '') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid(`${name} is not a URL`);
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : invalid(`${name} must be an http or https URL`);
}

function optionalHash(value: string, name: string): Hash | undefined {
  if (value === '') return undefined;
  return isHash(value) ? value : invalid(`${name} is not a document id`);
}

/** A copy of `ids` without repeats, first occurrence kept (no Set for the usual few ids). */
function distinct(ids: readonly Hash[]): Hash[] {
  for (let i = 1; i < ids.length; i++) if (ids.lastIndexOf(ids[i]!, i - 1) >= 0) return [...new Set(ids)];
  return ids.slice();
}

function words(value: string): string[] {
  return value.split(/\s+/).filter((word) => word !== '');
}

function publicKeys(value: string, name: string): string[] {
  const keys = words(value);
  return keys.every((key) => PUBLIC_KEY.test(key)) ? [...new Set(keys)] : invalid(`${name} holds something that is not a public key`);
}

function documentIds(value: string, name: string): Hash[] {
  const ids = words(value);
  return ids.every(isHash) ? [...new Set(ids)] : invalid(`${name} holds something that is not a document id`);
}

const NUMBER = '[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?';
const GEO_URI = new RegExp(`^geo:(${NUMBER}),(${NUMBER})(?:,(${NUMBER}))?(?:;.*)?$`);
const COORDINATE = new RegExp(`^(${NUMBER}),(${NUMBER}),(${NUMBER})$`);

/** Parses an RFC 5870 geo URI (`geo:lat,lon[,alt]`), or undefined for empty. */
export function parseGeoUri(value: string): GeoPosition | undefined {
  if (value === '') return undefined;
  const match = GEO_URI.exec(value);
  if (!match) return invalid('position is not a geo URI such as geo:52.52,13.40');
  const latitude = Number(match[1]);
  const longitude = Number(match[2]);
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return invalid('position is outside the globe');
  return match[3] === undefined ? { latitude, longitude } : { latitude, longitude, altitude: Number(match[3]) };
}

function parseCoordinate(value: string): Location['coordinate'] {
  if (value === '') return undefined;
  const match = COORDINATE.exec(value);
  if (!match) return invalid('coordinate is not "x,y,z"');
  const [x, y, z] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return [x, y, z].every(Number.isFinite) ? { x, y, z } : invalid('coordinate is not finite');
}

/** A relation field's document id (schema validation has checked its form already). */
function relation(fields: FieldValues, name: string): Hash {
  const value = fields.get(name);
  return typeof value === 'string' ? value : invalid(`${name} is not a document id`);
}

/** Checks that `end` is after `start`; returns `end`. */
function endAfter(start: number, fields: FieldValues): number {
  const end = time(fields, 'end');
  return end > start ? end : invalid('end is not after start');
}

// Asking Intl costs about 0.1 ms a time: names it has accepted are remembered (bounded).
const TIME_ZONES_KEPT = 512;
const timeZones = new Map<string, string>();

function timezone(value: string): string {
  const known = timeZones.get(value);
  if (known !== undefined) return known;
  let zone: string;
  try {
    zone = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return invalid(`timezone "${value.slice(0, 40)}" is not an IANA time zone`);
  }
  if (timeZones.size >= TIME_ZONES_KEPT) timeZones.clear();
  timeZones.set(value, zone);
  return zone;
}

export function parseFestival(view: DocumentView): Festival {
  const { fields } = view;
  // Object literals without spread: spreading costs microseconds per object in V8, and a
  // festival has tens of thousands of documents.
  const start = time(fields, 'start');
  const festival: Festival = {
    id: view.id,
    owner: view.owner,
    viewId: view.viewId,
    name: text(fields, 'name'),
    description: text(fields, 'description'),
    start,
    end: endAfter(start, fields),
    timezone: timezone(text(fields, 'timezone')),
  };
  const parent = optionalHash(text(fields, 'parent'), 'parent');
  const image = safeUrl(text(fields, 'image'), 'image');
  const url = safeUrl(text(fields, 'url'), 'url');
  if (parent !== undefined) festival.parent = parent;
  if (image !== undefined) festival.image = image;
  if (url !== undefined) festival.url = url;
  return festival;
}

export function parseProfile(view: DocumentView): Profile {
  const { fields } = view;
  const profile: Profile = {
    id: view.id,
    owner: view.owner,
    viewId: view.viewId,
    name: text(fields, 'name'),
    description: text(fields, 'description'),
    devices: publicKeys(text(fields, 'devices'), 'devices').filter((key) => key !== view.owner),
  };
  const avatar = safeUrl(text(fields, 'avatar'), 'avatar');
  if (avatar !== undefined) profile.avatar = avatar;
  return profile;
}

export function parseResource(view: DocumentView): Resource {
  const { fields } = view;
  const location: Location = {};
  const position = parseGeoUri(text(fields, 'position'));
  const address = text(fields, 'address');
  const url = safeUrl(text(fields, 'url'), 'url');
  const coordinate = parseCoordinate(text(fields, 'coordinate'));
  if (position) location.position = position;
  if (address !== '') location.address = address;
  if (url) location.url = url;
  if (coordinate) location.coordinate = coordinate;
  const policy = text(fields, 'policy');
  const members = publicKeys(text(fields, 'members'), 'members');
  const quorum = count(fields, 'quorum', 0n);
  if (policy === 'quorum' && (quorum < 1 || quorum > members.length)) invalid('quorum must be between 1 and the number of members');
  return {
    id: view.id,
    owner: view.owner,
    viewId: view.viewId,
    festival: relation(fields, 'festival'),
    title: text(fields, 'title'),
    description: text(fields, 'description'),
    kind: text(fields, 'kind'),
    location,
    capacity: count(fields, 'capacity', 1n),
    policy,
    quorum,
    members,
    dependsOn: documentIds(text(fields, 'depends_on'), 'depends_on').filter((id) => id !== view.id),
  };
}

export function parseEvent(view: DocumentView): FestivalEvent {
  const { fields } = view;
  const resources = fields.get('resources');
  if (!Array.isArray(resources)) invalid('resources is not a list');
  const start = time(fields, 'start');
  return {
    id: view.id,
    owner: view.owner,
    viewId: view.viewId,
    festival: relation(fields, 'festival'),
    title: text(fields, 'title'),
    description: text(fields, 'description'),
    start,
    end: endAfter(start, fields),
    resources: distinct(resources as Hash[]),
    createdAt: time(fields, 'created_at'),
  };
}

export function parseAuthorization(view: DocumentView): Authorization {
  const { fields } = view;
  const decision = text(fields, 'decision');
  if (decision !== 'confirm' && decision !== 'deny') invalid('decision is neither confirm nor deny');
  return {
    id: view.id,
    owner: view.owner,
    viewId: view.viewId,
    festival: relation(fields, 'festival'),
    resource: relation(fields, 'resource'),
    event: relation(fields, 'event'),
    decision: decision as Decision,
    note: text(fields, 'note'),
    decidedAt: time(fields, 'decided_at'),
  };
}
