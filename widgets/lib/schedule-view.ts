/**
 * The one view of a schedule every widget renders from (see ./schedule-data.ts for where it
 * comes from): its types, its order, and small helpers on it.
 *
 * Times are epoch **milliseconds** throughout. DOM-free: runs in Node and in a page.
 */

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
  /** Public key of the resource's owner, who looks after it (when it is known here). */
  owner?: string;
  /** The owner's profile name, where they have one (untrusted text). */
  ownerName?: string;
  /** The latest decision of each person whose decision counts, by voter. */
  votes: RequestVote[];
}

/** One person's decision on a request. */
export interface RequestVote {
  /** Their public key. */
  voter: string;
  /** Their profile name, where they have one (untrusted text). */
  voterName?: string;
  decision: 'confirm' | 'deny';
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
  /** The author's profile name, where they have one (untrusted text). */
  ownerName?: string;
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

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The model's schedule order: start, end, title by code unit, id. */
export function compareEvents(a: ScheduleEvent, b: ScheduleEvent): number {
  return a.start - b.start || a.end - b.end || compareText(a.title, b.title) || compareText(a.id, b.id);
}

/** Locations in the model's order: by name (locale), then id by code unit. */
export function compareLocations(a: ScheduleLocation, b: ScheduleLocation): number {
  return a.name.localeCompare(b.name) || compareText(a.id, b.id);
}

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
export function eventsByLocation(
  data: ScheduleData,
  events: readonly ScheduleEvent[] = data.events,
): Array<{ location: ScheduleLocation | undefined; events: ScheduleEvent[] }> {
  const columns = new Map<string, ScheduleEvent[]>(data.locations.map((location) => [location.id, []]));
  const unplaced: ScheduleEvent[] = [];
  for (const event of events) {
    const placed = event.locationIds.filter((id) => columns.has(id));
    if (placed.length === 0) unplaced.push(event);
    for (const id of placed) columns.get(id)!.push(event);
  }
  const map = locationMap(data);
  const result: Array<{ location: ScheduleLocation | undefined; events: ScheduleEvent[] }> = [...columns].map(([id, list]) => ({
    location: map.get(id),
    events: list,
  }));
  if (unplaced.length > 0) result.push({ location: undefined, events: unplaced });
  return result;
}

/** Whether every requested resource is confirmed (events requesting none count as confirmed). */
export const isFullyConfirmed = (event: ScheduleEvent): boolean => event.confirmed === event.requested;
