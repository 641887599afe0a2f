/**
 * The festival model's documents as typed objects, parsed from materialised documents.
 * Everything here comes from untrusted peers: values that break a rule make the document
 * invalid (listed with the reason, left out of queries), and links are only ever
 * http(s) URLs. The rules for single values live in rules.ts, shared with the forms.
 */
import type { DocumentView, FieldValues } from '../document/document.js';
import type { Hash } from '../hash/hash.js';
import {
  checkCount,
  checkDocumentIds,
  checkEndAfter,
  checkPublicKeys,
  checkQuorum,
  checkTime,
  checkTimeZone,
  DocumentInvalid,
  invalid,
  optionalDocumentId,
  parseCoordinate,
  parseGeoUri,
  safeUrl,
  type GeoPosition,
} from './rules.js';

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

export type { GeoPosition };

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

export { DocumentInvalid, parseGeoUri, safeUrl };

function text(fields: FieldValues, name: string): string {
  const value = fields.get(name);
  return typeof value === 'string' ? value : invalid(`${name} is not text`, 'not-text');
}

const time = (fields: FieldValues, name: string): number => checkTime(fields.get(name), name);

/** A relation field's document id (schema validation has checked its form already). */
function relation(fields: FieldValues, name: string): Hash {
  const value = fields.get(name);
  return typeof value === 'string' ? value : invalid(`${name} is not a document id`, 'document-id');
}

/** A copy of `ids` without repeats, first occurrence kept (no Set for the usual few ids). */
function distinct(ids: readonly Hash[]): Hash[] {
  for (let i = 1; i < ids.length; i++) if (ids.lastIndexOf(ids[i]!, i - 1) >= 0) return [...new Set(ids)];
  return ids.slice();
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
    end: checkEndAfter(start, time(fields, 'end')),
    timezone: checkTimeZone(text(fields, 'timezone')),
  };
  const parent = optionalDocumentId(text(fields, 'parent'), 'parent');
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
    devices: checkPublicKeys(text(fields, 'devices'), 'devices').filter((key) => key !== view.owner),
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
  const members = checkPublicKeys(text(fields, 'members'), 'members');
  const quorum = checkCount(fields.get('quorum'), 'quorum', 0);
  checkQuorum(policy, quorum, members.length);
  return {
    id: view.id,
    owner: view.owner,
    viewId: view.viewId,
    festival: relation(fields, 'festival'),
    title: text(fields, 'title'),
    description: text(fields, 'description'),
    kind: text(fields, 'kind'),
    location,
    capacity: checkCount(fields.get('capacity'), 'capacity', 1),
    policy,
    quorum,
    members,
    dependsOn: checkDocumentIds(text(fields, 'depends_on'), 'depends_on').filter((id) => id !== view.id),
  };
}

export function parseEvent(view: DocumentView): FestivalEvent {
  const { fields } = view;
  const resources = fields.get('resources');
  if (!Array.isArray(resources)) invalid('resources is not a list', 'not-list');
  const start = time(fields, 'start');
  return {
    id: view.id,
    owner: view.owner,
    viewId: view.viewId,
    festival: relation(fields, 'festival'),
    title: text(fields, 'title'),
    description: text(fields, 'description'),
    start,
    end: checkEndAfter(start, time(fields, 'end')),
    resources: distinct(resources as Hash[]),
    createdAt: time(fields, 'created_at'),
  };
}

export function parseAuthorization(view: DocumentView): Authorization {
  const { fields } = view;
  const decision = text(fields, 'decision');
  if (decision !== 'confirm' && decision !== 'deny') invalid('decision is neither confirm nor deny', 'decision');
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
