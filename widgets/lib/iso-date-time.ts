/**
 * ISO 8601 date-times typed by people (the `panda` command's --start and --end): a local
 * date and time read on the wall clock of a given IANA zone, or with an explicit offset or
 * `Z` taken as given. On top of time.ts's `wallTimeToEpoch`, so a time clocks skip (spring
 * forward) moves forward by the gap and a time that happens twice (autumn) means the first
 * of the two — RFC 5545's and Temporal's "compatible" rule — and the result says which.
 *
 * DOM-free and pure: runs in Node and in a page.
 */
import { wallTime, wallTimeToEpoch, type WallTime } from './time.js';

/** How a local time was read where the zone's clocks change. */
export type ClockChange =
  /** The time never happens (clocks jump over it): read as that much later. */
  | 'gap'
  /** The time happens twice (clocks go back): read as the first. */
  | 'repeated';

export type IsoDateTimeResult =
  /** `shiftMinutes`: with a gap, how much later than written the time was read. */
  { ok: true; epochMs: number; clockChange?: ClockChange; shiftMinutes?: number } | { ok: false; reason: string };

// YYYY-MM-DD, T or a space, HH:MM, optional :SS and fraction, optional Z or ±HH[:MM].
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** `wall` read as UTC (setUTCFullYear: Date.UTC would take years below 100 as 19xx). */
function asUtc(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

const daysInMonth = (year: number, month: number) => new Date(asUtc({ year, month: month + 1, day: 0, hour: 0, minute: 0, second: 0 })).getUTCDate();

/** Minutes east of UTC of `Z`, `+01`, `+0530`, `-03:00`; undefined for an offset beyond ±18:00. */
function offsetOf(text: string): number | undefined {
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (minutes > 59 || hours * 60 + minutes > 18 * 60) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * Reads `text` (e.g. `2027-06-04T14:00`, `2027-06-04 14:00:30`, `2027-06-04T14:00+01:00`,
 * `2027-06-04T13:00Z`) as an instant. Without an offset it is a wall time in `timeZone`
 * (which must be valid). Seconds' fractions are dropped. A date without a time is refused:
 * whether "the 6th" as an end means its first or its last moment is a guess.
 */
export function parseIsoDateTime(text: string, timeZone: string): IsoDateTimeResult {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) {
    const reason = DATE_ONLY.test(text.trim()) ? 'needs a time of day too, e.g. 2027-06-04T14:00' : 'is not an ISO 8601 date and time such as 2027-06-04T14:00';
    return { ok: false, reason };
  }
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? 0)) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return { ok: false, reason: `has no such day (${match[1]}-${match[2]}-${match[3]})` };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'has no such time of day (00:00 to 23:59:59)' };
  const wall: WallTime = { year, month, day, hour, minute, second };
  const zone = match[7];
  if (zone !== undefined) {
    const offset = offsetOf(zone);
    if (offset === undefined) return { ok: false, reason: `has an offset beyond ±18:00 (${zone})` };
    return { ok: true, epochMs: asUtc(wall) - offset * 60_000 };
  }
  const epochMs = wallTimeToEpoch(wall, timeZone, 'compatible');
  const shiftMinutes = (asUtc(wallTime(epochMs, timeZone)) - asUtc(wall)) / 60_000;
  if (shiftMinutes !== 0) return { ok: true, epochMs, clockChange: 'gap', shiftMinutes };
  if (wallTimeToEpoch(wall, timeZone, 'later') !== epochMs) return { ok: true, epochMs, clockChange: 'repeated' };
  return { ok: true, epochMs };
}
