/**
 * The time grid of `<panda-schedule>`: rows of a few minutes through real time, where an
 * event sits in them, and side-by-side lanes for events that overlap. ./schedule-model.ts
 * makes a day's grid of columns per location from them.
 *
 * Instants are epoch **milliseconds**. DOM-free: runs in Node and in a page.
 */
import { byTime } from '../lib/schedule-time.js';
import { MINUTE, wallTime, type TimeSpan } from '../lib/time.js';

export interface GridSlot {
  start: number;
  end: number;
  /** The slot starts on a full hour of the wall clock (for a label or a stronger line). */
  startsHour: boolean;
}

/** Rows of `slotMinutes` from the first start (rounded down) to the last end (rounded up). */
export interface Grid {
  start: number;
  end: number;
  slotMinutes: number;
  slots: GridSlot[];
}

export interface GridOptions {
  timeZone: string;
  /** Row height in minutes; default 15. */
  slotMinutes?: number;
  /** Extend the grid to cover these instants too (e.g. the whole day). */
  from?: number;
  to?: number;
}

/** Rounds `epochMs` down to a multiple of `slotMinutes` on the wall clock of `timeZone`. */
function floorToSlot(epochMs: number, timeZone: string, slotMinutes: number): number {
  const wall = wallTime(epochMs, timeZone);
  const minutes = wall.hour * 60 + wall.minute;
  const floored = Math.floor(minutes / slotMinutes) * slotMinutes;
  return Math.floor(epochMs / 1000) * 1000 - ((minutes - floored) * 60 + wall.second) * 1000;
}

/**
 * The rows of a time grid for `events` (typically one day's). Rows step through real time,
 * so on the night clocks go back the wall-clock hour 02:00-03:00 has rows twice, and on the
 * night they go forward it has none: events keep their true lengths.
 */
export function buildGrid(events: readonly TimeSpan[], options: GridOptions): Grid {
  const slotMinutes = Math.max(1, Math.min(24 * 60, Math.round(options.slotMinutes ?? 15)));
  const slotMs = slotMinutes * MINUTE;
  const starts = events.map((event) => event.start);
  const ends = events.map((event) => Math.max(event.end, event.start + 1));
  if (options.from !== undefined) starts.push(options.from);
  if (options.to !== undefined) ends.push(options.to);
  if (starts.length === 0 || ends.length === 0) return { start: 0, end: 0, slotMinutes, slots: [] };
  const start = floorToSlot(
    starts.reduce((a, b) => Math.min(a, b)),
    options.timeZone,
    slotMinutes,
  );
  const last = ends.reduce((a, b) => Math.max(a, b));
  const count = Math.min(Math.ceil((last - start) / slotMs), 10_000);
  const slots: GridSlot[] = [];
  for (let i = 0; i < count; i++) {
    const slotStart = start + i * slotMs;
    const wall = wallTime(slotStart, options.timeZone);
    slots.push({ start: slotStart, end: slotStart + slotMs, startsHour: wall.minute === 0 && wall.second === 0 });
  }
  return { start, end: start + count * slotMs, slotMinutes, slots };
}

/**
 * Where an event sits in the grid: its first row (0-based) and how many rows it spans (at
 * least 1), clipped to the grid; undefined if it lies outside.
 */
export function gridPosition(grid: Grid, event: TimeSpan): { row: number; span: number } | undefined {
  if (grid.slots.length === 0 || event.end <= grid.start || event.start >= grid.end) return undefined;
  const slotMs = grid.slotMinutes * MINUTE;
  const row = Math.max(0, Math.floor((event.start - grid.start) / slotMs));
  const endRow = Math.min(grid.slots.length, Math.ceil((event.end - grid.start) / slotMs));
  return { row, span: Math.max(1, endRow - row) };
}

export interface Lane {
  /** 0-based lane (column within the location's column). */
  lane: number;
  /** Lanes in the event's cluster of overlapping events: its width is 1 / lanes. */
  lanes: number;
}

/**
 * Side-by-side lanes for events that overlap in time (pass one location's events): each
 * event gets the lowest lane free at its start; events that overlap directly or through
 * others form a cluster sharing one lane count. Deterministic: by start, end, then id.
 */
export function overlapLanes<E extends TimeSpan & { id: string }>(events: readonly E[]): Map<string, Lane> {
  const result = new Map<string, Lane>();
  const sorted = events.slice().sort((a, b) => byTime(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let cluster: Lane[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -Infinity;
  const close = () => {
    for (const lane of cluster) lane.lanes = laneEnds.length;
    cluster = [];
    laneEnds = [];
  };
  for (const event of sorted) {
    const end = Math.max(event.end, event.start + 1);
    if (event.start >= clusterEnd) close();
    let lane = laneEnds.findIndex((laneEnd) => laneEnd <= event.start);
    if (lane < 0) lane = laneEnds.push(end) - 1;
    else laneEnds[lane] = end;
    const entry: Lane = { lane, lanes: 1 };
    cluster.push(entry);
    result.set(event.id, entry);
    clusterEnd = Math.max(clusterEnd === -Infinity ? end : clusterEnd, end);
  }
  close();
  return result;
}
