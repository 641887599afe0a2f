/**
 * A schedule's events in time: the days it has in a zone (festival days, with the hour at
 * which one changes to the next), the day to show first, and what is on now and next.
 * Zones, day keys and formatting are in ./time.ts.
 *
 * Instants are epoch **milliseconds**. DOM-free: runs in Node and in a page.
 */
import { addDays, dayRange, festivalDayKey, type TimeSpan } from './time.js';

/** By start, then end. */
export const byTime = (a: TimeSpan, b: TimeSpan): number => a.start - b.start || a.end - b.end;

/** One day of a schedule. */
export interface ScheduleDay<E extends TimeSpan = TimeSpan> {
  /** `YYYY-MM-DD` in the zone the days were made for. */
  key: string;
  start: number;
  end: number;
  /** Events that start on this day, by start, then end (input order otherwise). */
  events: E[];
}

export interface DayOptions {
  /** Hour (0-23) at which one festival day ends and the next begins; default 0. */
  dayChangeHour?: number;
  /** Days from the one of `from` to the one of `to` are listed even when empty (a festival's span). */
  from?: number;
  to?: number;
}

/**
 * The days of a schedule in `timeZone` (the festival's or the visitor's): every day an event
 * starts on, plus every day of [from, to) if given, in order.
 */
export function scheduleDays<E extends TimeSpan>(events: readonly E[], timeZone: string, options: DayOptions = {}): Array<ScheduleDay<E>> {
  const dayChangeHour = options.dayChangeHour ?? 0;
  const days = new Map<string, ScheduleDay<E>>();
  const dayOf = (key: string) => {
    let day = days.get(key);
    if (!day) days.set(key, (day = { key, ...dayRange(key, timeZone, dayChangeHour), events: [] }));
    return day;
  };
  if (options.from !== undefined && options.to !== undefined && options.to > options.from) {
    const last = festivalDayKey(options.to - 1, timeZone, dayChangeHour);
    // At most ten years of empty days: a bogus span must not hang the page.
    for (let key = festivalDayKey(options.from, timeZone, dayChangeHour), n = 0; key <= last && n < 3660; key = addDays(key, 1), n++) dayOf(key);
  }
  // Most events start on a few days: an event within a day already found is placed by its
  // instants, without working out its wall time in the zone again (the costly part).
  let found: Array<ScheduleDay<E>> = [];
  for (const event of events) {
    let day = found.find((candidate) => candidate.start <= event.start && event.start < candidate.end);
    if (!day) {
      day = dayOf(festivalDayKey(event.start, timeZone, dayChangeHour));
      found = [day, ...found.filter((other) => other !== day)];
    }
    day.events.push(event);
  }
  return [...days.values()].sort((a, b) => (a.key < b.key ? -1 : 1)).map((day) => ({ ...day, events: day.events.sort(byTime) }));
}

/**
 * The day to show first: today's if the schedule has it, else the next day to come, else the
 * last day (a festival that is over). Undefined when there are no days.
 */
export function initialDayKey(days: ReadonlyArray<{ key: string }>, now: number, timeZone: string, dayChangeHour = 0): string | undefined {
  const today = festivalDayKey(now, timeZone, dayChangeHour);
  return (days.find((day) => day.key >= today) ?? days.at(-1))?.key;
}

export interface NowAndNext<E> {
  /** Running at `now` (start <= now < end), by start. */
  now: E[];
  /** Starting after `now`, by start, at most `limit`. */
  next: E[];
}

export interface NowAndNextOptions {
  /** Most upcoming events to return; default 10. */
  limit?: number;
  /** Only upcoming events that start within this many ms of now. */
  within?: number;
}

/** What is on now and what comes next. */
export function nowAndNext<E extends TimeSpan>(events: readonly E[], now: number, options: NowAndNextOptions = {}): NowAndNext<E> {
  const limit = options.limit ?? 10;
  const horizon = options.within === undefined ? Infinity : now + options.within;
  const sorted = events.slice().sort(byTime);
  return {
    now: sorted.filter((event) => event.start <= now && now < event.end),
    next: sorted.filter((event) => event.start > now && event.start <= horizon).slice(0, Math.max(0, limit)),
  };
}

/** Per location: what runs there now and what starts there next (events list each of their locations). */
export function nowAndNextByLocation<E extends TimeSpan & { locationIds: readonly string[] }>(
  events: readonly E[],
  now: number,
): Map<string, { now: E[]; next: E | undefined }> {
  const result = new Map<string, { now: E[]; next: E | undefined }>();
  for (const event of events.slice().sort(byTime)) {
    for (const id of event.locationIds) {
      let entry = result.get(id);
      if (!entry) result.set(id, (entry = { now: [], next: undefined }));
      if (event.start <= now && now < event.end) entry.now.push(event);
      else if (event.start > now && entry.next === undefined) entry.next = event;
    }
  }
  return result;
}
