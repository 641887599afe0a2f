/**
 * What `<panda-schedule>` shows, worked out without the DOM: the days in a time zone, one
 * day's time grid (columns per location, rows of 15 minutes, side-by-side lanes for events
 * that overlap), the now-line, and the URL hash of deep links.
 */
import { eventsByLocation, type ScheduleData, type ScheduleEvent } from '../lib/schedule-data.js';
import { buildGrid, DAY, gridPosition, HOUR, localTimeZone, MINUTE, overlapLanes, scheduleDays, wallTime, type Grid, type ScheduleDay } from '../lib/time.js';

export type View = 'grid' | 'list' | 'now';
export type TimeZoneMode = 'festival' | 'local';

export const zoneOf = (data: ScheduleData, mode: TimeZoneMode): string => (mode === 'local' ? localTimeZone() : data.festival.timezone);

/** The days to offer: every day of the festival (if it spans at most a month) and every day an event starts on. */
export function daysOf(data: ScheduleData, timeZone: string): Array<ScheduleDay<ScheduleEvent>> {
  const span = data.festival.end - data.festival.start;
  return scheduleDays(data.events, timeZone, span > 0 && span <= 31 * DAY ? { from: data.festival.start, to: data.festival.end } : {});
}

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
  /** Locations with events (those without a location last, id ""), each with its cells by start. */
  columns: Array<{ id: string; name: string; cells: Cell[] }>;
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
      return { id: column.location?.id ?? '', name: column.location?.name ?? '', cells };
    });
  const rows = grid.slots.flatMap((slot, row) =>
    slot.startsHour || byRow.has(row) ? [{ row, start: slot.start, startsHour: slot.startsHour, cells: (byRow.get(row) ?? []).sort((a, b) => a.column - b.column) }] : [],
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

/** A deep link in a URL hash: `#panda-day=2026-07-03` or `#panda-event=<id>`. */
export type DeepLink = { day: string } | { event: string };

export function readHash(hash: string): DeepLink | undefined {
  for (const part of hash.replace(/^#/, '').split('&')) {
    const [name, value = ''] = part.split('=');
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (name === 'panda-day' && /^\d{4}-\d{2}-\d{2}$/.test(decoded)) return { day: decoded };
    if (name === 'panda-event' && decoded !== '' && decoded.length <= 256) return { event: decoded };
  }
  return undefined;
}

export const hashFor = (link: DeepLink): string => ('day' in link ? `#panda-day=${link.day}` : `#panda-event=${encodeURIComponent(link.event)}`);

/** A grid cell's neighbour for an arrow key (visual layout: columns are locations, down is later). */
export function moveInGrid(columns: ReadonlyArray<{ cells: readonly Cell[] }>, key: string, ctrl: boolean, current: Cell | undefined): Cell | undefined {
  const column = current ? columns[current.column]?.cells : undefined;
  const index = current && column ? column.findIndex((cell) => cell.key === current.key) : -1;
  const all = columns.flatMap((c) => c.cells);
  if (!current || !column || index < 0) return all[0];
  const nearest = (target: readonly Cell[] | undefined) =>
    target?.find((cell) => cell.event.start <= current.event.start && current.event.start < cell.event.end) ??
    target?.reduce<Cell | undefined>((best, cell) => (!best || Math.abs(cell.event.start - current.event.start) < Math.abs(best.event.start - current.event.start) ? cell : best), undefined);
  switch (key) {
    case 'ArrowDown':
      return column[index + 1];
    case 'ArrowUp':
      return column[index - 1];
    case 'ArrowRight':
      return nearest(columns[current.column + 1]?.cells);
    case 'ArrowLeft':
      return nearest(columns[current.column - 1]?.cells);
    case 'Home':
      return ctrl ? all[0] : column[0];
    case 'End':
      return ctrl ? columns.at(-1)?.cells.at(-1) : column.at(-1);
  }
  return undefined;
}
