/**
 * The one view of a schedule every widget renders from, whatever it came from:
 *
 * - the Panda Kit extension's provider (`panda_query` `festival` and `schedule`: JSON, see
 *   `fromProviderQueries`),
 * - a peer running in the page (a `FestivalModel`'s live `ScheduleItem`s, `fromScheduleItems`),
 * - a static c3voc/frab schedule JSON file (`fromFrabJson`; read-only).
 *
 * This module is the model adapter (the first two); the rooms around it:
 * - ./schedule-view.ts: the view's types (`ScheduleData`, `ScheduleEvent`, ...) and helpers on it,
 * - ./schedule-input.ts: the checks on untrusted input, and safe names, URLs and slugs,
 * - ./import-frab.ts: the frab importer (next to ./export-frab.ts, the exporter).
 * Everything they export is importable from here too.
 *
 * Times are epoch **milliseconds** throughout (the festival model counts Unix seconds; the
 * converters multiply), so they go straight into `Date`, `Intl` and ./time.ts. Everything
 * coming in is untrusted: input that is not a schedule throws a `PandaError` with code
 * `SCHEDULE_INVALID` (and `details.path` saying where), never a TypeError.
 *
 * DOM-free: runs in Node and in a page.
 */
import { array, httpUrl, invalidSchedule, isObject, object, optionalString, personName, seconds, string, timezoneOr, type Json } from './schedule-input.js';
import {
  compareEvents,
  compareLocations,
  type FestivalInfo,
  type GeoPosition,
  type RequestStatusView,
  type RequestVote,
  type ResourceRequest,
  type ScheduleData,
  type ScheduleEvent,
  type ScheduleLocation,
} from './schedule-view.js';

// The view, its checks and the frab importer live in their own modules; their names stay
// importable from here, where every widget and the CLI has always found them.
export * from './schedule-view.js';
export { httpUrl, invalidSchedule, personName, slugify } from './schedule-input.js';
export { fromFrabJson } from './import-frab.js';

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
  owner?: string | undefined;
  /** As the query answers add it (core/festival/queries.ts). */
  ownerName?: string | undefined;
}

/** A `ScheduleItem` of `FestivalModel.schedule()`, live or as the provider's JSON. Times in Unix seconds. */
export interface ScheduleItemInput {
  event: {
    id: string;
    title: string;
    description?: string | undefined;
    start: number;
    end: number;
    festival: string;
    owner?: string | undefined;
    ownerName?: string | undefined;
    resources?: readonly string[] | undefined;
  };
  festival?: FestivalInput | null | undefined;
  resources: ReadonlyArray<{
    resource?: ResourceInput | null | undefined;
    status: {
      state: string;
      reason?: string | undefined;
      resource?: string | undefined;
      votes?: ReadonlyArray<{ voter: string; voterName?: string | undefined; decision: string }> | undefined;
    };
  }>;
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

/** Sets `owner` and `ownerName` where the input has them (a key, and a profile's name). */
function named(view: { owner?: string; ownerName?: string }, owner: unknown, ownerName: unknown): void {
  if (typeof owner === 'string' && owner !== '') view.owner = owner;
  const name = personName(ownerName);
  if (name) view.ownerName = name;
}

/** A request's votes; those of another shape are left out (they only name people). */
function votesOf(value: unknown): RequestVote[] {
  return (Array.isArray(value) ? value.slice(0, 1000) : []).flatMap((vote: unknown): RequestVote[] => {
    if (!isObject(vote) || typeof vote.voter !== 'string' || (vote.decision !== 'confirm' && vote.decision !== 'deny')) return [];
    const view: RequestVote = { voter: vote.voter, decision: vote.decision };
    const name = personName(vote.voterName);
    if (name) view.voterName = name;
    return [view];
  });
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
        votes: votesOf(status.votes),
      };
      const reason = optionalString(status.reason, `${rPath}.status.reason`);
      if (reason) view.reason = reason;
      if (resource) named(view, resource.owner, resource.ownerName);
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
    named(event, optionalString(input.owner, `${path}.event.owner`), input.ownerName);
    return event;
  });
  // Festivals of the tree that only arrived with items keep their names on events.
  for (const event of events) if (event.festivalName === '') event.festivalName = festivals.get(event.festivalId)?.name ?? '';
  return {
    festival: root,
    festivals: [...festivals.values()],
    locations: [...locations.values()].sort(compareLocations),
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
  return fromScheduleItems(
    result.festival as FestivalInput | undefined,
    result.tree as FestivalInput[] | undefined,
    array(schedule, 'schedule') as ScheduleItemInput[],
    options,
  );
}

// ---------------------------------------------------------------------------------------
