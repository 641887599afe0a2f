/**
 * What the person is asked, built from what will be signed: a summary in the extension's own
 * words ("Create an event") and the signed fields one by one, each with the value it gets
 * (and, for a change, the value it had). Values are data — the page's text, or names stored
 * in the festival model — and the prompt shows them as quoted data, never as the extension's
 * own sentence (visible-text.ts makes control and bidi characters visible there). Times are
 * shown in the festival's time zone; linked documents by their names, their owners' profile
 * names and a short id; people by their profile names and short keys.
 */
import type { FestivalModel, Hash } from '../../core/index.js';
import type { PromptDetail } from '../shared/popup-protocol.js';
import type { DocumentType } from './publish-request.js';

export type { PromptDetail } from '../shared/popup-protocol.js';

export interface Prompt {
  /** The extension's words only: nothing a page sent. */
  description: string;
  details: PromptDetail[];
}

const LABELS: Record<string, string> = {
  name: 'Name',
  title: 'Title',
  description: 'Description',
  start: 'Starts',
  end: 'Ends',
  timezone: 'Time zone',
  parent: 'Part of festival',
  image: 'Image',
  url: 'Web address',
  festival: 'Festival',
  kind: 'Kind',
  position: 'Position',
  address: 'Address',
  coordinate: 'Coordinate',
  capacity: 'Capacity',
  policy: 'Policy',
  quorum: 'Quorum',
  members: 'Members who vote',
  dependsOn: 'Depends on',
  depends_on: 'Depends on',
  resources: 'Resources',
  avatar: 'Avatar',
  devices: 'Devices that act as you',
  decision: 'Decision',
  resource: 'Resource',
  event: 'Event',
  note: 'Note',
  created_at: 'Requested at',
};
const TIMES = new Set(['start', 'end', 'created_at']);
const LINKS = new Set(['festival', 'parent', 'resource', 'event', 'resources', 'dependsOn', 'depends_on']);
const KEYS = new Set(['members', 'devices']);

const NOUNS: Record<DocumentType, string> = {
  festival: 'a festival',
  profile: 'your profile',
  resource: 'a resource',
  event: 'an event',
  authorization: 'a decision on a booking request',
};

export function timeRange(start: number, end: number, timeZone: string, locale = 'en-GB'): string {
  const zone = timeZone || 'UTC';
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: zone });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
  const from = new Date(start * 1000);
  const to = new Date(end * 1000);
  const sameDay = day.format(from) === day.format(to) && end - start < 86400;
  return sameDay
    ? `${day.format(from)} ${time.format(from)}-${time.format(to)}`
    : `${day.format(from)} ${time.format(from)} - ${day.format(to)} ${time.format(to)}`;
}

/** "Fri 3 Jul 2026, 21:00 (Europe/Berlin)" */
export function instant(seconds: number, timeZone: string, locale = 'en-GB'): string {
  const zone = timeZone || 'UTC';
  if (!Number.isFinite(seconds)) return String(seconds);
  const format = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
  });
  return `${format.format(new Date(seconds * 1000))} (${zone})`;
}

const shortId = (id: string) => (id.length > 16 ? `${id.slice(4, 12)}…` : id);
const shortKey = (key: string) => (key.length > 14 ? `${key.slice(0, 8)}…${key.slice(-4)}` : key);

/** A user by their profile's name and short key, or by the short key alone. */
function personOf(model: FestivalModel, key: string): string {
  const name = model.profileOf(key)?.name;
  return name ? `${name} (${shortKey(key)})` : shortKey(key);
}

/** A linked document by its name (data), whose it is (where its owner has a profile) and a short id. */
function nameOf(model: FestivalModel, id: string): string {
  const item = model.events.get(id) ?? model.resources.get(id) ?? model.festivals.get(id);
  const name = item ? ('title' in item ? item.title : item.name) : model.profiles.get(id)?.name;
  if (name === undefined) return `unknown ${shortId(id)}`;
  const owner = item && model.profileOf(item.owner)?.name;
  return owner ? `${name} (by ${owner}, ${shortId(id)})` : `${name} (${shortId(id)})`;
}

/** A value as text: an object (array, map) as JSON, anything else as String() gives it. */
const textOf = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value));

const listOf = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.map(String)
    : textOf(value ?? '')
        .split(/\s+/)
        .filter((item) => item !== '');

/** One field's value as shown in the prompt. */
function shown(model: FestivalModel, name: string, value: unknown, timeZone: string): string {
  if (value === undefined || value === null || value === '') return '(none)';
  if (TIMES.has(name)) return instant(Number(value), timeZone);
  if (LINKS.has(name)) {
    const ids = listOf(value);
    return ids.length === 0 ? '(none)' : ids.map((id) => nameOf(model, id)).join(', ');
  }
  if (KEYS.has(name)) {
    const keys = listOf(value);
    return keys.length === 0 ? '(none)' : keys.map((key) => personOf(model, key)).join(', ');
  }
  return textOf(value);
}

const label = (name: string) => LABELS[name] ?? name;

function zoneOf(model: FestivalModel, festival: unknown): string {
  return typeof festival === 'string' ? (model.festivals.get(festival)?.timezone ?? 'UTC') : 'UTC';
}

/** A new document: every field that will be signed. */
export function describeCreate(type: DocumentType, fields: Record<string, unknown>, model: FestivalModel): Prompt {
  const zone = type === 'festival' ? textOf(fields.timezone || 'UTC') : zoneOf(model, fields.festival);
  const details = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ({ label: label(name), value: shown(model, name, value, zone) }));
  const verb = type === 'profile' ? 'Publish' : type === 'authorization' ? 'Sign' : 'Create';
  return { description: `${verb} ${NOUNS[type]}`, details };
}

/** A change: the document, then each changed field as old → new. */
export function describeUpdate(
  type: DocumentType,
  documentId: Hash,
  changes: Record<string, unknown>,
  current: Record<string, unknown>,
  model: FestivalModel,
): Prompt {
  const zone = type === 'festival' ? textOf(current.timezone || 'UTC') : zoneOf(model, current.festival);
  const details: PromptDetail[] = [{ label: 'Document', value: nameOf(model, documentId) }];
  for (const [name, value] of Object.entries(changes))
    details.push({ label: label(name), old: shown(model, name, current[name], zone), value: shown(model, name, value, zone) });
  return { description: `Change ${NOUNS[type]}`, details };
}

export function describeDelete(type: DocumentType, documentId: Hash, model: FestivalModel): Prompt {
  const details: PromptDetail[] = [{ label: 'Document', value: nameOf(model, documentId) }];
  const festival = model.events.get(documentId)?.festival ?? model.resources.get(documentId)?.festival ?? model.festivals.get(documentId)?.parent;
  if (festival) details.push({ label: 'Festival', value: nameOf(model, festival) });
  return { description: `Delete ${NOUNS[type]}`, details };
}

/** Joining: the festival (its name if this peer knows it) and every server its topic goes to. */
export function describeJoin(festivalId: Hash, signaling: readonly string[], secret: boolean, model: FestivalModel, alreadyReplicated: boolean): Prompt {
  const details: PromptDetail[] = [
    { label: 'Festival', value: nameOf(model, festivalId) },
    {
      label: alreadyReplicated ? 'Servers (not used: it keeps its own)' : 'Servers that will learn this festival',
      value: signaling.length === 0 ? '(none)' : signaling.join('\n'),
    },
  ];
  details.push({ label: 'Secret', value: secret ? 'given' : '(none)' });
  return { description: 'Join a festival: this browser will replicate it and meet its peers through the servers below', details };
}
