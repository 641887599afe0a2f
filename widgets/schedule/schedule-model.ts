/**
 * What `<panda-schedule>` shows, worked out without the DOM: the days in a time zone, the
 * names of locations, one day's time grid (columns per location, rows of 15 minutes,
 * side-by-side lanes for events that overlap; laid out by ./grid-layout.ts) and the now-line.
 */
import { filterEvents, type ScheduleFilter } from '../lib/filter.js';
import { eventsByLocation, type ScheduleData, type ScheduleEvent } from '../lib/schedule-data.js';
import { scheduleDays, type ScheduleDay } from '../lib/schedule-time.js';
import { DAY, formatTimeZoneName, HOUR, localTimeZone, MINUTE, wallTime, type TimeSpan } from '../lib/time.js';
import { buildGrid, gridPosition, overlapLanes, type Grid } from './grid-layout.js';

export type View = 'grid' | 'list' | 'now';
export type TimeZoneMode = 'festival' | 'local';

const VIEWS: readonly View[] = ['grid', 'list', 'now'];

/** The view on screen for the one asked for: the grid does not fit a narrow element, which shows the list instead. */
export function shownView(view: View, narrow: boolean): View {
  const known = VIEWS.includes(view) ? view : 'grid';
  return known === 'grid' && narrow ? 'list' : known;
}

export const zoneOf = (data: ScheduleData, mode: TimeZoneMode): string => (mode === 'local' ? localTimeZone() : data.festival.timezone);

/**
 * The name of the zone the times on screen are in, for "Times in …": its name on the shown
 * day, not today (a festival in August looked at in December is in summer time). On a day
 * the clocks change, times before and after the change are shown, so it names both in the
 * order they come: "GMT+2 / GMT+1" (en-US), "MESZ / MEZ" (de). The offset at the start of
 * the day alone would mislabel most of it (clocks change in the small hours). Without a day
 * (now and next), the name now.
 */
export function shownZoneName(zone: string, locale: string, now: number, day: TimeSpan | undefined): string {
  // A day holds at most one change (widgets/lib/time.ts relies on the same): its first and last instants tell.
  const names = new Set((day ? [day.start, day.end - 1] : [now]).map((at) => formatTimeZoneName(zone, locale, at)));
  return [...names].join(' / ');
}

/** The days to offer: every day of the festival (if it spans at most a month) and every day an event starts on. */
export function daysOf(data: ScheduleData, timeZone: string): Array<ScheduleDay<ScheduleEvent>> {
  const span = data.festival.end - data.festival.start;
  return scheduleDays(data.events, timeZone, span > 0 && span <= 31 * DAY ? { from: data.festival.start, to: data.festival.end } : {});
}

/** A day as shown: its filtered events, and their grid once the grid view drew them. */
export interface ShownDay {
  events: ScheduleEvent[];
  grid?: GridModel;
}

/**
 * The days, made anew only for new data or another zone, and each day's filtered events and
 * grid, kept while the filter and favourites stay: a focus move, a star or a return to a day
 * already seen redraws without working them out again.
 */
export class DayCache {
  #days: { data: ScheduleData; zone: string; days: Array<ScheduleDay<ScheduleEvent>> } | undefined;
  #perDay: { filter: object; favourites: string; days: WeakMap<ScheduleDay<ScheduleEvent>, ShownDay> } | undefined;

  days(data: ScheduleData, zone: string): Array<ScheduleDay<ScheduleEvent>> {
    if (this.#days?.data !== data || this.#days.zone !== zone) this.#days = { data, zone, days: daysOf(data, zone) };
    return this.#days.days;
  }

  /** `day` under `filter`; `state` is the filter as the element holds it (another object: worked out anew). */
  shown(data: ScheduleData, day: ScheduleDay<ScheduleEvent>, filter: ScheduleFilter, state: object): ShownDay {
    const favourites = filter.favouritesOnly ? [...(filter.favourites ?? [])].sort().join(' ') : '';
    if (this.#perDay?.filter !== state || this.#perDay.favourites !== favourites) this.#perDay = { filter: state, favourites, days: new WeakMap() };
    let shown = this.#perDay.days.get(day);
    if (!shown) this.#perDay.days.set(day, (shown = { events: filterEvents(data, filter, day.events) }));
    return shown;
  }

  /** The nearest day after `dayKey` with events under `filter`, else the nearest before; with how many. */
  elsewhere(data: ScheduleData, days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, dayKey: string, filter: ScheduleFilter, state: object) {
    const index = days.findIndex((day) => day.key === dayKey);
    for (const day of [...days.slice(index + 1), ...days.slice(0, Math.max(0, index)).reverse()]) {
      const count = this.shown(data, day, filter, state).events.length;
      if (count > 0) return { key: day.key, count };
    }
    return undefined;
  }
}

const namesOf = new WeakMap<ScheduleData, ReadonlyMap<string, string>>();

/** Location names by id: made once per schedule, shared by the list, now-and-next and details. */
export function locationNames(data: ScheduleData): ReadonlyMap<string, string> {
  let names = namesOf.get(data);
  if (!names) namesOf.set(data, (names = new Map(data.locations.map((location) => [location.id, location.name]))));
  return names;
}

/** The names of an event's locations, in its order (unknown ones left out). */
export const placesOf = (names: ReadonlyMap<string, string>, event: ScheduleEvent): string[] =>
  event.locationIds.map((id) => names.get(id) ?? '').filter(Boolean);

/** An event placed in the grid (once per location it is at). */
export interface Cell {
  /** Unique in the grid: column and event id. */
  key: string;
  event: ScheduleEvent;
  column: number;
  row: number;
  span: number;
  lane: number;
  lanes: number;
}

export interface GridModel {
  grid: Grid;
  /** Locations with events (those without a location last, id ""), each with its cells by start and the most lanes side by side. */
  columns: Array<{ id: string; name: string; cells: Cell[]; lanes: number }>;
  /** The ARIA rows: slots that begin an hour or an event. */
  rows: Array<{ row: number; start: number; startsHour: boolean; cells: Cell[] }>;
}

const floorToHour = (epochMs: number, timeZone: string) => {
  const wall = wallTime(epochMs, timeZone);
  return epochMs - (epochMs % 1000) - (wall.minute * 60 + wall.second) * 1000;
};

export const SLOT_MINUTES = 15;

/** The grid of one day's (filtered) events. */
export function gridModel(data: ScheduleData, events: readonly ScheduleEvent[], timeZone: string): GridModel {
  const first = events.reduce((min, event) => Math.min(min, event.start), Infinity);
  const last = events.reduce((max, event) => Math.max(max, event.end), -Infinity);
  const grid = Number.isFinite(first)
    ? buildGrid(events, { timeZone, slotMinutes: SLOT_MINUTES, from: floorToHour(first, timeZone), to: floorToHour(last + HOUR - 1, timeZone) })
    : buildGrid([], { timeZone });
  const byRow = new Map<number, Cell[]>();
  const columns = eventsByLocation(data, events)
    .filter((column) => column.events.length > 0)
    .map((column, index) => {
      const lanes = overlapLanes(column.events);
      const cells = column.events.flatMap((event): Cell[] => {
        const position = gridPosition(grid, event);
        if (!position) return [];
        const lane = lanes.get(event.id) ?? { lane: 0, lanes: 1 };
        const cell = { key: `${index}:${event.id}`, event, column: index, ...position, ...lane };
        const list = byRow.get(cell.row);
        if (list) list.push(cell);
        else byRow.set(cell.row, [cell]);
        return [cell];
      });
      const most = cells.reduce((max, cell) => Math.max(max, cell.lanes), 1);
      return { id: column.location?.id ?? '', name: column.location?.name ?? '', cells, lanes: most };
    });
  const rows = grid.slots.flatMap((slot, row) =>
    slot.startsHour || byRow.has(row)
      ? [{ row, start: slot.start, startsHour: slot.startsHour, cells: (byRow.get(row) ?? []).sort((a, b) => a.column - b.column) }]
      : [],
  );
  return { grid, columns, rows };
}

/** Where the now-line goes: its row and how far into it (0..1); undefined outside the grid. */
export function nowPosition(grid: Grid, now: number): { row: number; offset: number } | undefined {
  if (grid.slots.length === 0 || now < grid.start || now >= grid.end) return undefined;
  const slot = grid.slotMinutes * MINUTE;
  const row = Math.floor((now - grid.start) / slot);
  return { row, offset: (now - grid.start - row * slot) / slot };
}
