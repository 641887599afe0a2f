/**
 * Filtering a schedule: by location, kind, track, (nested) festival, request status, free
 * text (case- and diacritics-insensitive: "Cafe" finds "Café", "strasse" finds "Straße"),
 * and favourites only. Plus the values the filter controls offer. DOM-free.
 */
import type { RequestStatusView, ScheduleData, ScheduleEvent } from './schedule-data.js';

export interface ScheduleFilter {
  /** Keep events at any of these locations (ids); empty or absent: all. */
  locationIds?: readonly string[];
  /** Keep events of any of these kinds (frab types); empty or absent: all. */
  kinds?: readonly string[];
  /** Keep events of any of these tracks; empty or absent: all. */
  tracks?: readonly string[];
  /** Keep events of any of these festivals (nested ones); empty or absent: all. */
  festivalIds?: readonly string[];
  /**
   * Keep events whose overall state is one of these: 'confirmed' (everything requested is
   * confirmed), 'denied' (some request denied), 'pending' (otherwise). Empty or absent: all.
   */
  statuses?: readonly RequestStatusView[];
  /** Words that must all occur in the event's text (title, subtitle, description, people, location, track, ...). */
  text?: string;
  /** Keep only events in `favourites`. */
  favouritesOnly?: boolean;
  favourites?: ReadonlySet<string> | readonly string[];
}

/** Letters that do not decompose into a base letter and marks. */
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ſ: 's' };

/** Text for comparing: lower case, without diacritics, ß as ss, whitespace collapsed. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþıſ]/g, (letter) => FOLD[letter] ?? letter)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The words of a search query, normalised. */
export function searchTerms(query: string): string[] {
  const normalized = normalizeText(query);
  return normalized === '' ? [] : normalized.split(' ');
}

/** The overall request state of an event (see ScheduleFilter.statuses). */
export function eventStatus(event: ScheduleEvent): RequestStatusView {
  if (event.confirmed === event.requested) return 'confirmed';
  return event.resources.some((request) => request.status === 'denied') ? 'denied' : 'pending';
}

/** Location names by id, per locations list. */
const namesOf = new WeakMap<ScheduleData['locations'], ReadonlyMap<string, string>>();
/** Normalised texts of events, made once per event object (views are never changed in place: converters make new ones). */
const searchable = new WeakMap<ScheduleEvent, { names: ReadonlyMap<string, string>; text: string }>();

function searchableText(event: ScheduleEvent, locationNames: ReadonlyMap<string, string>): string {
  const cached = searchable.get(event);
  if (cached && cached.names === locationNames) return cached.text;
  const text = normalizeText(
    [
      event.title,
      event.subtitle,
      event.abstract,
      event.description,
      event.track,
      event.kind,
      event.festivalName,
      ...event.persons.map((person) => person.name),
      ...event.locationIds.map((id) => locationNames.get(id)),
      ...event.resources.map((request) => request.title),
    ]
      .filter((part) => part !== undefined && part !== '')
      .join(' \u0000 '),
  );
  searchable.set(event, { names: locationNames, text });
  return text;
}

const anyOf = (wanted: readonly string[] | undefined, value: string | undefined) =>
  !wanted || wanted.length === 0 || (value !== undefined && wanted.includes(value));

/** Whether any filter is set (to show "clear filters"). */
export function isFilterActive(filter: ScheduleFilter): boolean {
  return (
    (filter.locationIds?.length ?? 0) > 0 ||
    (filter.kinds?.length ?? 0) > 0 ||
    (filter.tracks?.length ?? 0) > 0 ||
    (filter.festivalIds?.length ?? 0) > 0 ||
    (filter.statuses?.length ?? 0) > 0 ||
    searchTerms(filter.text ?? '').length > 0 ||
    filter.favouritesOnly === true
  );
}

/** The events of `data` that pass `filter`, in their order. */
export function filterEvents(data: ScheduleData, filter: ScheduleFilter, events: readonly ScheduleEvent[] = data.events): ScheduleEvent[] {
  const terms = searchTerms(filter.text ?? '');
  const locationNames =
    namesOf.get(data.locations) ?? namesOf.set(data.locations, new Map(data.locations.map((location) => [location.id, location.name]))).get(data.locations)!;
  const favourites = filter.favouritesOnly ? new Set(filter.favourites ?? []) : undefined;
  const locations = filter.locationIds && filter.locationIds.length > 0 ? new Set(filter.locationIds) : undefined;
  return events.filter(
    (event) =>
      (!favourites || favourites.has(event.id)) &&
      (!locations || event.locationIds.some((id) => locations.has(id))) &&
      anyOf(filter.kinds, event.kind) &&
      anyOf(filter.tracks, event.track) &&
      anyOf(filter.festivalIds, event.festivalId) &&
      anyOf(filter.statuses, eventStatus(event)) &&
      (terms.length === 0 || ((text) => terms.every((term) => text.includes(term)))(searchableText(event, locationNames))),
  );
}

export interface FilterOption {
  /** The value to put into the filter (location id, kind, track, festival id). */
  value: string;
  /** What to show. */
  label: string;
  /** Events with it. */
  count: number;
}

export interface FilterOptions {
  locations: FilterOption[];
  kinds: FilterOption[];
  tracks: FilterOption[];
  /** Only when the schedule spans nested festivals. */
  festivals: FilterOption[];
  /** Events with a declined request ('denied'), which a schedule may hide until asked. */
  declined: number;
}

/**
 * What the filter controls can offer for `data`: locations in the schedule's order, kinds and
 * tracks by label (in `locale`), festivals root first. Values without events are left out;
 * an empty list means "hide this control".
 */
export function filterOptions(data: ScheduleData, locale = 'en'): FilterOptions {
  const count = (values: Array<string | undefined>) => {
    const counts = new Map<string, number>();
    for (const value of values) if (value !== undefined && value !== '') counts.set(value, (counts.get(value) ?? 0) + 1);
    return counts;
  };
  const byLabel = (counts: Map<string, number>) =>
    [...counts]
      .map(([value, n]) => ({ value, label: value, count: n }))
      .sort((a, b) => a.label.localeCompare(b.label, locale, { sensitivity: 'base' }) || (a.value < b.value ? -1 : 1));
  const locationCounts = count(data.events.flatMap((event) => event.locationIds));
  const festivalCounts = count(data.events.map((event) => event.festivalId));
  return {
    locations: data.locations
      .filter((location) => locationCounts.has(location.id))
      .map((location) => ({ value: location.id, label: location.name, count: locationCounts.get(location.id)! })),
    kinds: byLabel(count(data.events.map((event) => event.kind))),
    tracks: byLabel(count(data.events.map((event) => event.track))),
    festivals:
      festivalCounts.size > 1 || (festivalCounts.size === 1 && !festivalCounts.has(data.festival.id))
        ? data.festivals
            .filter((festival) => festivalCounts.has(festival.id))
            .map((festival) => ({ value: festival.id, label: festival.name, count: festivalCounts.get(festival.id)! }))
        : [],
    declined: data.events.filter((event) => eventStatus(event) === 'denied').length,
  };
}
