/**
 * `<panda-resource>`'s data without the DOM: the `panda_query` answers for a resource, its
 * bookings and free slots (festival-model JSON, Unix seconds, untrusted) as views with epoch
 * milliseconds and only http(s) links; and the same from a static schedule's room.
 */
import type { Translate } from '../lib/i18n.js';

type PlainKey = 'status.confirmed' | 'status.denied' | 'status.pending' | 'resource.conflict' | 'resource.blocked';
import { httpUrl, personName, type ScheduleData } from '../lib/schedule-data.js';

export interface ResourceView {
  id: string;
  title: string;
  description: string;
  kind: string;
  /** Public key of its owner ("" if unknown). */
  owner: string;
  /** The owner's profile name, where they have one (untrusted text). */
  ownerName?: string;
  policy: string;
  quorum: number;
  capacity?: number;
  address?: string;
  url?: string;
  position?: { latitude: number; longitude: number };
}

export interface BookingView {
  eventId: string;
  title: string;
  start: number;
  end: number;
  /** confirmed, denied, pending, conflict or blocked. */
  state: string;
}

export interface SlotView {
  start: number;
  end: number;
  /** How many more events could hold the resource then. */
  available: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown) => (typeof value === 'string' ? value : '');
const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
/** Unix seconds as epoch ms, if sane. */
const ms = (value: unknown) => (typeof value === 'number' && value >= 0 && value <= 253402300799 ? value * 1000 : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value.slice(0, 5000) : []);

/** The `resource` query's answer (null while the resource is not known). */
export function parseResource(value: unknown): ResourceView | undefined {
  if (!isObject(value) || typeof value.id !== 'string' || typeof value.title !== 'string') return undefined;
  const view: ResourceView = {
    id: value.id,
    title: value.title,
    description: text(value.description),
    kind: text(value.kind),
    owner: text(value.owner),
    policy: text(value.policy),
    quorum: count(value.quorum) ?? 0,
  };
  const capacity = count(value.capacity);
  if (capacity !== undefined) view.capacity = capacity;
  const ownerName = personName(value.ownerName);
  if (ownerName) view.ownerName = ownerName;
  if (isObject(value.location)) {
    const { address, url, position } = value.location;
    if (typeof address === 'string' && address !== '') view.address = address;
    const safe = httpUrl(url);
    if (safe) view.url = safe;
    if (
      isObject(position) &&
      typeof position.latitude === 'number' &&
      typeof position.longitude === 'number' &&
      Math.abs(position.latitude) <= 90 &&
      Math.abs(position.longitude) <= 180
    ) {
      view.position = { latitude: position.latitude, longitude: position.longitude };
    }
  }
  return view;
}

export function parseBookings(value: unknown): BookingView[] {
  return list(value).flatMap((item): BookingView[] => {
    if (!isObject(item) || !isObject(item.event) || !isObject(item.status)) return [];
    const start = ms(item.event.start);
    const end = ms(item.event.end);
    if (typeof item.event.id !== 'string' || start === undefined || end === undefined) return [];
    return [{ eventId: item.event.id, title: text(item.event.title), start, end, state: text(item.status.state) || 'pending' }];
  });
}

export function parseSlots(value: unknown): SlotView[] {
  return list(value).flatMap((item): SlotView[] => {
    if (!isObject(item)) return [];
    const [start, end, available] = [ms(item.start), ms(item.end), count(item.available)];
    return start === undefined || end === undefined || available === undefined || end <= start ? [] : [{ start, end, available }];
  });
}

/** A location of a schedule without a festival model (a frab room): what is known of it, and its events as bookings. */
export function fromSchedule(data: ScheduleData, id: string): { resource: ResourceView; bookings: BookingView[] } | undefined {
  const location = data.locations.find((item) => item.id === id);
  if (!location) return undefined;
  const resource: ResourceView = { id, title: location.name, description: location.description ?? '', kind: location.kind, owner: '', policy: '', quorum: 0 };
  if (location.capacity !== undefined) resource.capacity = location.capacity;
  if (location.address) resource.address = location.address;
  if (location.url) resource.url = location.url;
  if (location.position) resource.position = { latitude: location.position.latitude, longitude: location.position.longitude };
  const bookings = data.events
    .filter((event) => event.locationIds.includes(id))
    .map((event) => ({ eventId: event.id, title: event.title, start: event.start, end: event.end, state: 'confirmed' }));
  return { resource, bookings };
}

/** How the resource's owner decides, in words (the policy's name for policies we do not know). */
export function policyText(t: Translate, resource: ResourceView): string {
  switch (resource.policy) {
    case 'manual':
      return t('resource.policy.manual');
    case 'first-come-first-served':
      return t('resource.policy.firstCome');
    case 'quorum':
      return t('resource.policy.quorum', { count: resource.quorum });
    default:
      return resource.policy;
  }
}

/** A request state in words, and the colour class of it. */
export function stateText(state: string): { key: PlainKey; status: 'confirmed' | 'pending' | 'denied' } {
  switch (state) {
    case 'confirmed':
      return { key: 'status.confirmed', status: 'confirmed' };
    case 'denied':
      return { key: 'status.denied', status: 'denied' };
    case 'conflict':
      return { key: 'resource.conflict', status: 'denied' };
    case 'blocked':
      return { key: 'resource.blocked', status: 'pending' };
    default:
      return { key: 'status.pending', status: 'pending' };
  }
}

/** An OpenStreetMap link to a position. */
export const mapUrl = ({ latitude, longitude }: { latitude: number; longitude: number }) =>
  `https://www.openstreetmap.org/?mlat=${latitude.toFixed(6)}&mlon=${longitude.toFixed(6)}#map=17/${latitude.toFixed(6)}/${longitude.toFixed(6)}`;
