/**
 * The one view of a schedule every widget renders from, whatever it came from:
 *
 * - the Panda Kit extension's provider (`panda_query` `festival` and `schedule`: JSON, see
 *   `fromProviderQueries`),
 * - a peer running in the page (a `FestivalModel`'s live `ScheduleItem`s, `fromScheduleItems`),
 * - a static c3voc/frab schedule JSON file (`fromFrabJson`; read-only).
 *
 * Times are epoch **milliseconds** throughout (the festival model counts Unix seconds; the
 * converters multiply), so they go straight into `Date`, `Intl` and ./time.ts. Everything
 * coming in is untrusted: input that is not a schedule throws a `PandaError` with code
 * `SCHEDULE_INVALID` (and `details.path` saying where), never a TypeError.
 *
 * DOM-free: runs in Node and in a page.
 */
import { PandaError } from '../../core/errors.js';
import { canonicalTimeZone, isValidTimeZone, parseDayKey, startOfDay, wallTimeToEpoch, addDays } from './time.js';

// ---------------------------------------------------------------------------------------
// The view
// ---------------------------------------------------------------------------------------

/** Where the data came from. */
export type ScheduleSource = 'extension' | 'peer' | 'frab';

/** A resource request as the widgets show it. */
export type RequestStatusView = 'confirmed' | 'denied' | 'pending';

export interface FestivalInfo {
  id: string;
  name: string;
  description: string;
  /** IANA zone the festival is planned in ("UTC" if it named none Intl knows). */
  timezone: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms. */
  end: number;
  url?: string;
  image?: string;
  /** The festival this one is nested in. */
  parentId?: string;
}

export interface GeoPosition {
  latitude: number;
  longitude: number;
  altitude?: number;
}

/** A place events happen at: a resource of kind `location`, or a frab room. */
export interface ScheduleLocation {
  id: string;
  name: string;
  /** Resource kind ("location"), or the frab room type if given ("stage", ...). */
  kind: string;
  description?: string;
  address?: string;
  position?: GeoPosition;
  url?: string;
  capacity?: number;
  /** frab room guid. */
  guid?: string;
}

/** One resource an event requests, with how the request stands. */
export interface ResourceRequest {
  /** The resource's document id. */
  id: string;
  /** Its title (its id while the resource is not known here yet). */
  title: string;
  /** Its kind ("location", "equipment", ...); "" while unknown. */
  kind: string;
  /**
   * 'confirmed'; 'denied' (denied, lost to an earlier request: `conflict`, or the resource
   * was deleted); 'pending' (waiting for a decision, for a dependency: `blocked`, or for
   * the resource to arrive).
   */
  status: RequestStatusView;
  /** The festival model's state: confirmed, denied, pending, conflict or blocked. */
  state: string;
  /** Why it is not confirmed, in (English) words, if the model said. */
  reason?: string;
  /** Whether the resource document is known here. */
  known: boolean;
}

export interface Person {
  name: string;
  id?: string;
}

export interface Link {
  url: string;
  title?: string;
  /** frab link type ("slides", "web", ...). */
  type?: string;
}

export interface ScheduleEvent {
  /** Document id (p2panda), or the frab guid (else its numeric id). */
  id: string;
  title: string;
  subtitle?: string;
  description: string;
  /** frab's short abstract. */
  abstract?: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms; after start (festival model), not before it (frab allows zero length). */
  end: number;
  /** The (possibly nested) festival the event belongs to. */
  festivalId: string;
  festivalName: string;
  /** Its locations, in the order the event names them; [] when it has none. */
  locationIds: string[];
  /** Every requested resource, locations included. */
  resources: ResourceRequest[];
  /** Resources confirmed / requested; `confirmation` = confirmed / requested, 1 when none are requested. */
  confirmed: number;
  requested: number;
  confirmation: number;
  /** frab event type ("talk", "workshop", ...). */
  kind?: string;
  /** frab track; for festival-model events in a nested festival, that festival's name. */
  track?: string;
  language?: string;
  url?: string;
  persons: Person[];
  links: Link[];
  /** Public key of the event's author (festival-model events). */
  owner?: string;
  /** frab numeric id, kept for export. */
  frabId?: number;
}

export interface ScheduleData {
  /** The festival shown (the root of `festivals`). */
  festival: FestivalInfo;
  /** It and every festival nested in it, root first. */
  festivals: FestivalInfo[];
  /** Locations that events use, by name. */
  locations: ScheduleLocation[];
  /** By start, end, title (code units), id. */
  events: ScheduleEvent[];
  source: ScheduleSource;
  /** Nobody can take part through this data (a static file, or no extension to sign with). */
  readOnly: boolean;
}

// ---------------------------------------------------------------------------------------
// Input checks
// ---------------------------------------------------------------------------------------

/** Throws SCHEDULE_INVALID; `path` says where in the input. */
export function invalidSchedule(message: string, path = ''): never {
  throw new PandaError('SCHEDULE_INVALID', path === '' ? message : `${path}: ${message}`, { path });
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function object(value: unknown, path: string): Json {
  return isObject(value) ? value : invalidSchedule('is not an object', path);
}

function array(value: unknown, path: string, max = 100_000): unknown[] {
  if (!Array.isArray(value)) invalidSchedule('is not a list', path);
  if (value.length > max) invalidSchedule(`has more than ${max} entries`, path);
  return value;
}

function string(value: unknown, path: string): string {
  return typeof value === 'string' ? value : invalidSchedule('is not text', path);
}

/** A string, or undefined for absent/null/"" (wrong types are errors). */
function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return string(value, path);
}

function finite(value: unknown, path: string): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : invalidSchedule('is not a number', path);
}

/** Unix seconds as epoch ms. */
function seconds(value: unknown, path: string): number {
  const number = finite(value, path);
  if (number < 0 || number > 253402300799) invalidSchedule('is not a time between 1970 and 9999', path);
  return number * 1000;
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

function timezoneOr(value: unknown, fallback: string): string {
  return isValidTimeZone(value) ? canonicalTimeZone(value) : fallback;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The model's schedule order: start, end, title by code unit, id. */
export function compareEvents(a: ScheduleEvent, b: ScheduleEvent): number {
  return a.start - b.start || a.end - b.end || compareText(a.title, b.title) || compareText(a.id, b.id);
}

// ---------------------------------------------------------------------------------------
// From the festival model (provider JSON or live objects)
// ---------------------------------------------------------------------------------------

/** A festival as the model has it (a `Festival`, or its JSON). Times in Unix seconds. */
export interface FestivalInput {
  id: string;
  name: string;
  description?: string | undefined;
  start: number;
  end: number;
  timezone: string;
  parent?: string | undefined;
  image?: string | undefined;
  url?: string | undefined;
}

/** A resource as the model has it (a `Resource`, or its JSON). */
export interface ResourceInput {
  id: string;
  title: string;
  description?: string | undefined;
  kind: string;
  location?: { position?: GeoPosition | undefined; address?: string | undefined; url?: string | undefined } | undefined;
  capacity?: number | undefined;
}

/** A `ScheduleItem` of `FestivalModel.schedule()`, live or as the provider's JSON. Times in Unix seconds. */
export interface ScheduleItemInput {
  event: { id: string; title: string; description?: string | undefined; start: number; end: number; festival: string; owner?: string | undefined; resources?: readonly string[] | undefined };
  festival?: FestivalInput | null | undefined;
  resources: ReadonlyArray<{ resource?: ResourceInput | null | undefined; status: { state: string; reason?: string | undefined; resource?: string | undefined } }>;
  locations?: readonly ResourceInput[] | undefined;
  confirmed?: number | undefined;
  requested?: number | undefined;
  confirmation?: number | undefined;
}

export interface ModelOptions {
  /** Default 'extension'. */
  source?: 'extension' | 'peer';
  /** Default false. */
  readOnly?: boolean;
}

function festivalInfo(value: unknown, path: string): FestivalInfo {
  const input = object(value, path);
  const start = seconds(input.start, `${path}.start`);
  const end = seconds(input.end, `${path}.end`);
  const info: FestivalInfo = {
    id: string(input.id, `${path}.id`),
    name: string(input.name, `${path}.name`),
    description: optionalString(input.description, `${path}.description`) ?? '',
    timezone: timezoneOr(input.timezone, 'UTC'),
    start,
    end: Math.max(end, start),
  };
  const url = httpUrl(input.url);
  const image = httpUrl(input.image);
  const parent = optionalString(input.parent, `${path}.parent`);
  if (url) info.url = url;
  if (image) info.image = image;
  if (parent) info.parentId = parent;
  return info;
}

function statusView(state: string): RequestStatusView {
  if (state === 'confirmed') return 'confirmed';
  if (state === 'denied' || state === 'conflict') return 'denied';
  return 'pending';
}

function locationOf(resource: Json, path: string): ScheduleLocation {
  const location: ScheduleLocation = {
    id: string(resource.id, `${path}.id`),
    name: string(resource.title, `${path}.title`),
    kind: string(resource.kind, `${path}.kind`),
  };
  const description = optionalString(resource.description, `${path}.description`);
  if (description) location.description = description;
  if (typeof resource.capacity === 'number' && Number.isFinite(resource.capacity)) location.capacity = resource.capacity;
  if (isObject(resource.location)) {
    const { address, url, position } = resource.location;
    if (typeof address === 'string' && address !== '') location.address = address;
    const safe = httpUrl(url);
    if (safe) location.url = safe;
    if (isObject(position) && typeof position.latitude === 'number' && typeof position.longitude === 'number') {
      location.position = { latitude: position.latitude, longitude: position.longitude };
      if (typeof position.altitude === 'number') location.position.altitude = position.altitude;
    }
  }
  return location;
}

/**
 * The view of a festival's schedule from the festival model: `festival` and `tree` as the
 * provider's `festival` query returns them (`tree` = the festival and its nested ones; may
 * be omitted), `items` = `FestivalModel.schedule(festivalId)`, live or as JSON. Throws
 * SCHEDULE_INVALID for data of another shape (including an unknown festival).
 */
export function fromScheduleItems(
  festival: FestivalInput | null | undefined,
  tree: readonly FestivalInput[] | null | undefined,
  items: readonly ScheduleItemInput[],
  options: ModelOptions = {},
): ScheduleData {
  if (festival === undefined || festival === null) invalidSchedule('the festival is not known here (yet)', 'festival');
  const root = festivalInfo(festival, 'festival');
  const festivals = new Map<string, FestivalInfo>([[root.id, root]]);
  array(tree ?? [], 'tree', 10_000).forEach((entry, index) => {
    const info = festivalInfo(entry, `tree[${index}]`);
    if (!festivals.has(info.id)) festivals.set(info.id, info);
  });
  const locations = new Map<string, ScheduleLocation>();
  const events = array(items, 'items').map((value, index): ScheduleEvent => {
    const path = `items[${index}]`;
    const item = object(value, path);
    const input = object(item.event, `${path}.event`);
    const start = seconds(input.start, `${path}.event.start`);
    const end = seconds(input.end, `${path}.event.end`);
    if (end <= start) invalidSchedule('end is not after start', `${path}.event`);
    const festivalId = string(input.festival, `${path}.event.festival`);
    if (isObject(item.festival) && !festivals.has(festivalId)) festivals.set(festivalId, festivalInfo(item.festival, `${path}.festival`));
    const resources = array(item.resources, `${path}.resources`, 10_000).map((entry, r): ResourceRequest => {
      const rPath = `${path}.resources[${r}]`;
      const request = object(entry, rPath);
      const status = object(request.status, `${rPath}.status`);
      const state = string(status.state, `${rPath}.status.state`);
      const resource = request.resource === undefined || request.resource === null ? undefined : object(request.resource, `${rPath}.resource`);
      const id = resource ? string(resource.id, `${rPath}.resource.id`) : string(status.resource, `${rPath}.status.resource`);
      const view: ResourceRequest = {
        id,
        title: resource ? string(resource.title, `${rPath}.resource.title`) : id,
        kind: resource ? string(resource.kind, `${rPath}.resource.kind`) : '',
        status: statusView(state),
        state,
        known: resource !== undefined,
      };
      const reason = optionalString(status.reason, `${rPath}.status.reason`);
      if (reason) view.reason = reason;
      if (resource && view.kind === 'location' && !locations.has(id)) locations.set(id, locationOf(resource, `${rPath}.resource`));
      return view;
    });
    const confirmed = resources.filter((request) => request.status === 'confirmed').length;
    const festivalName = festivals.get(festivalId)?.name ?? '';
    const event: ScheduleEvent = {
      id: string(input.id, `${path}.event.id`),
      title: string(input.title, `${path}.event.title`),
      description: optionalString(input.description, `${path}.event.description`) ?? '',
      start,
      end,
      festivalId,
      festivalName,
      locationIds: [...new Set(resources.filter((request) => request.kind === 'location').map((request) => request.id))],
      resources,
      confirmed,
      requested: resources.length,
      confirmation: resources.length === 0 ? 1 : confirmed / resources.length,
      persons: [],
      links: [],
    };
    if (festivalId !== root.id && festivalName !== '') event.track = festivalName;
    const owner = optionalString(input.owner, `${path}.event.owner`);
    if (owner) event.owner = owner;
    return event;
  });
  // Festivals of the tree that only arrived with items keep their names on events.
  for (const event of events) if (event.festivalName === '') event.festivalName = festivals.get(event.festivalId)?.name ?? '';
  return {
    festival: root,
    festivals: [...festivals.values()],
    locations: [...locations.values()].sort((a, b) => a.name.localeCompare(b.name) || compareText(a.id, b.id)),
    events: events.sort(compareEvents),
    source: options.source ?? 'extension',
    readOnly: options.readOnly ?? false,
  };
}

/**
 * The view from the provider's two query results as they arrive (`unknown`):
 * `panda_query {query: 'festival'}` → `{ festival, tree }` and `{query: 'schedule'}` → items.
 */
export function fromProviderQueries(festivalResult: unknown, schedule: unknown, options: ModelOptions = {}): ScheduleData {
  const result = object(festivalResult, 'festivalResult');
  return fromScheduleItems(result.festival as FestivalInput | undefined, result.tree as FestivalInput[] | undefined, array(schedule, 'schedule') as ScheduleItemInput[], options);
}

// ---------------------------------------------------------------------------------------
// From c3voc/frab schedule JSON
// ---------------------------------------------------------------------------------------

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const DURATION = /^(\d+):(\d{2})(?::(\d{2}))?$/;

/** An ISO date-time; without an offset it is wall time in `timeZone`. */
function parseDateTime(value: string, timeZone: string, path: string): number {
  const match = DATE_TIME.exec(value.trim());
  if (!match) return invalidSchedule(`"${value.slice(0, 40)}" is not a date and time`, path);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) invalidSchedule(`"${value.slice(0, 40)}" is not a date and time`, path);
  const zone = match[7];
  if (zone === undefined) return wallTimeToEpoch({ year, month, day, hour, minute, second }, timeZone);
  const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  return Date.UTC(year, month - 1, day, hour, minute, second) - offset * 60_000;
}

/** "HH:MM" or "HH:MM:SS" in ms. */
function parseDuration(value: string, path: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) return invalidSchedule(`"${value.slice(0, 20)}" is not a duration`, path);
  const [hours, minutes, secs] = [1, 2, 3].map((i) => Number(match[i] ?? 0)) as [number, number, number];
  if (minutes > 59 || secs > 59) invalidSchedule(`"${value.slice(0, 20)}" is not a duration`, path);
  return ((hours * 60 + minutes) * 60 + secs) * 1000;
}

/** A date or date-time (conference start/end): a date is that day's start in `timeZone`. */
function dateOrDateTime(value: unknown, timeZone: string, path: string, endOfDay: boolean): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      parseDayKey(value);
    } catch {
      return invalidSchedule(`"${value.slice(0, 20)}" is not a date`, path);
    }
    return startOfDay(endOfDay ? addDays(value, 1) : value, timeZone);
  }
  return parseDateTime(value, timeZone, path);
}

function persons(value: unknown, path: string): Person[] {
  if (value === undefined || value === null) return [];
  return array(value, path, 1000).flatMap((entry, index) => {
    if (typeof entry === 'string') return entry === '' ? [] : [{ name: entry }];
    const person = object(entry, `${path}[${index}]`);
    const name = [person.name, person.public_name, person.full_public_name].find((candidate) => typeof candidate === 'string' && candidate !== '') as string | undefined;
    if (name === undefined) return [];
    const id = [person.guid, person.code, person.id].find((candidate) => typeof candidate === 'string' || typeof candidate === 'number');
    return [id === undefined ? { name } : { name, id: String(id) }];
  });
}

function links(value: unknown, path: string, base: string | undefined): Link[] {
  if (value === undefined || value === null) return [];
  return array(value, path, 1000).flatMap((entry) => {
    if (!isObject(entry)) return [];
    const url = httpUrl(entry.url ?? entry.href, base);
    if (!url) return [];
    const link: Link = { url };
    if (typeof entry.title === 'string' && entry.title !== '') link.title = entry.title;
    if (typeof entry.type === 'string' && entry.type !== '') link.type = entry.type;
    return [link];
  });
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

/**
 * The view of a c3voc/frab schedule (JSON format v1, as frab and pretalx publish it; a JSON
 * text or the parsed value). Read-only. Times come from each event's `date` (its offset
 * kept; wall time in the conference's `time_zone_name` without one), else from its day's
 * date and `start`; ends from `end`, else `duration`. Rooms become locations (id = room
 * name, as events name their room); events' ids are their guids (else numeric ids).
 * Throws SCHEDULE_INVALID for anything that is not such a schedule.
 */
export function fromFrabJson(json: unknown): ScheduleData {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      invalidSchedule('is not JSON');
    }
  }
  const root = object(value, '');
  const schedule = object(root.schedule, 'schedule');
  if (Array.isArray(schedule.events) && schedule.conference !== undefined && !isObject(schedule.conference)) invalidSchedule('schedule format v2 is not supported', 'schedule');
  const conference = object(schedule.conference, 'schedule.conference');
  const title = optionalString(conference.title, 'schedule.conference.title') ?? optionalString(conference.acronym, 'schedule.conference.acronym');
  if (title === undefined) invalidSchedule('has neither title nor acronym', 'schedule.conference');
  const timezone = timezoneOr(conference.time_zone_name, 'UTC');
  const baseUrl = httpUrl(schedule.base_url);
  const festivalId = optionalString(conference.acronym, 'schedule.conference.acronym') ?? (slugify(title) || 'schedule');

  const locations = new Map<string, ScheduleLocation>();
  const roomOf = (name: string): ScheduleLocation => {
    let location = locations.get(name);
    if (!location) locations.set(name, (location = { id: name, name, kind: 'room' }));
    return location;
  };
  if (conference.rooms !== undefined && conference.rooms !== null) {
    array(conference.rooms, 'schedule.conference.rooms', 10_000).forEach((entry, index) => {
      const path = `schedule.conference.rooms[${index}]`;
      const room = object(entry, path);
      const location = roomOf(string(room.name, `${path}.name`));
      if (typeof room.type === 'string' && room.type !== '') location.kind = room.type;
      if (typeof room.guid === 'string' && room.guid !== '') location.guid = room.guid;
      if (typeof room.description === 'string' && room.description !== '') location.description = room.description;
      if (typeof room.capacity === 'number' && Number.isFinite(room.capacity)) location.capacity = room.capacity;
      const url = httpUrl(room.url, baseUrl);
      if (url) location.url = url;
    });
  }

  const events: ScheduleEvent[] = [];
  const ids = new Set<string>();
  array(conference.days, 'schedule.conference.days', 10_000).forEach((dayValue, d) => {
    const dayPath = `schedule.conference.days[${d}]`;
    const day = object(dayValue, dayPath);
    const date = optionalString(day.date, `${dayPath}.date`);
    const rooms = object(day.rooms, `${dayPath}.rooms`);
    for (const [roomName, list] of Object.entries(rooms)) {
      if (roomName !== '') roomOf(roomName);
      const roomPath = `${dayPath}.rooms[${JSON.stringify(roomName.slice(0, 40))}]`;
      array(list, roomPath).forEach((eventValue, e) => {
        if (events.length >= 100_000) invalidSchedule('has more than 100000 events', 'schedule');
        const path = `${roomPath}[${e}]`;
        const input = object(eventValue, path);
        const eventTitle = string(input.title, `${path}.title`);
        let start: number;
        const dateTime = optionalString(input.date, `${path}.date`);
        if (dateTime !== undefined) start = parseDateTime(dateTime, timezone, `${path}.date`);
        else {
          const clock = CLOCK.exec(optionalString(input.start, `${path}.start`) ?? '');
          if (!clock || date === undefined) return invalidSchedule('has neither date nor day date and start', path);
          const { year, month, day: dayOfMonth } = (() => {
            try {
              return parseDayKey(date);
            } catch {
              return invalidSchedule('is not a date', `${dayPath}.date`);
            }
          })();
          start = wallTimeToEpoch({ year, month, day: dayOfMonth, hour: Number(clock[1]), minute: Number(clock[2]), second: Number(clock[3] ?? 0) }, timezone);
        }
        const endText = optionalString(input.end, `${path}.end`);
        const durationText = optionalString(input.duration, `${path}.duration`);
        let end: number;
        if (endText !== undefined) end = parseDateTime(endText, timezone, `${path}.end`);
        else if (durationText !== undefined) end = start + parseDuration(durationText, `${path}.duration`);
        else return invalidSchedule('has neither end nor duration', path);
        if (end < start) invalidSchedule('ends before it starts', path);

        const room = optionalString(input.room, `${path}.room`) ?? roomName;
        const frabId = typeof input.id === 'number' && Number.isSafeInteger(input.id) && input.id > 0 ? input.id : undefined;
        let id = optionalString(input.guid, `${path}.guid`) ?? (frabId !== undefined ? String(frabId) : optionalString(input.code, `${path}.code`) ?? `${festivalId}-${events.length + 1}`);
        // The same guid twice (a talk in two slots): the later ones get a suffix.
        for (let n = 2; ids.has(id); n++) id = `${id.replace(/#\d+$/, '')}#${n}`;
        ids.add(id);
        const description = optionalString(input.description, `${path}.description`);
        const abstract = optionalString(input.abstract, `${path}.abstract`);
        const event: ScheduleEvent = {
          id,
          title: eventTitle,
          description: description ?? abstract ?? '',
          start,
          end,
          festivalId,
          festivalName: title,
          locationIds: room === '' ? [] : [roomOf(room).id],
          resources: [],
          confirmed: 0,
          requested: 0,
          confirmation: 1,
          persons: persons(input.persons, `${path}.persons`),
          links: links(input.links, `${path}.links`, baseUrl),
        };
        const subtitle = optionalString(input.subtitle, `${path}.subtitle`);
        const track = optionalString(input.track, `${path}.track`);
        const kind = optionalString(input.type, `${path}.type`);
        const language = optionalString(input.language, `${path}.language`);
        const url = httpUrl(input.url, baseUrl);
        if (subtitle) event.subtitle = subtitle;
        if (abstract) event.abstract = abstract;
        if (track) event.track = track;
        if (kind) event.kind = kind;
        if (language) event.language = language;
        if (url) event.url = url;
        if (frabId !== undefined) event.frabId = frabId;
        events.push(event);
      });
    }
  });

  events.sort(compareEvents);
  const start = dateOrDateTime(conference.start, timezone, 'schedule.conference.start', false) ?? events[0]?.start;
  const end = dateOrDateTime(conference.end, timezone, 'schedule.conference.end', true) ?? events.reduce((max, event) => Math.max(max, event.end), -Infinity);
  if (start === undefined || !Number.isFinite(end)) invalidSchedule('has neither start and end nor events', 'schedule.conference');
  const festival: FestivalInfo = {
    id: festivalId,
    name: title,
    description: optionalString(conference.description, 'schedule.conference.description') ?? '',
    timezone,
    start,
    end: Math.max(start, end),
  };
  const url = httpUrl(conference.url) ?? baseUrl;
  if (url) festival.url = url;
  const logo = httpUrl(conference.logo, baseUrl);
  if (logo) festival.image = logo;
  return {
    festival,
    festivals: [festival],
    locations: [...locations.values()],
    events,
    source: 'frab',
    readOnly: true,
  };
}

// ---------------------------------------------------------------------------------------
// Helpers on the view
// ---------------------------------------------------------------------------------------

/** The same data with only the events whose ids are given (e.g. favourites). */
export function subsetSchedule(data: ScheduleData, eventIds: Iterable<string>): ScheduleData {
  const ids = new Set(eventIds);
  return { ...data, events: data.events.filter((event) => ids.has(event.id)) };
}

/** Locations by id. */
export function locationMap(data: ScheduleData): Map<string, ScheduleLocation> {
  return new Map(data.locations.map((location) => [location.id, location]));
}

/**
 * Events per location, in `data.locations` order, for grid columns; an event at several
 * locations is in each; events without a location come last under the id "" (if any).
 */
export function eventsByLocation(data: ScheduleData, events: readonly ScheduleEvent[] = data.events): Array<{ location: ScheduleLocation | undefined; events: ScheduleEvent[] }> {
  const columns = new Map<string, ScheduleEvent[]>(data.locations.map((location) => [location.id, []]));
  const unplaced: ScheduleEvent[] = [];
  for (const event of events) {
    const placed = event.locationIds.filter((id) => columns.has(id));
    if (placed.length === 0) unplaced.push(event);
    for (const id of placed) columns.get(id)!.push(event);
  }
  const map = locationMap(data);
  const result: Array<{ location: ScheduleLocation | undefined; events: ScheduleEvent[] }> = [...columns].map(([id, list]) => ({ location: map.get(id), events: list }));
  if (unplaced.length > 0) result.push({ location: undefined, events: unplaced });
  return result;
}

/** Whether every requested resource is confirmed (events requesting none count as confirmed). */
export const isFullyConfirmed = (event: ScheduleEvent): boolean => event.confirmed === event.requested;
