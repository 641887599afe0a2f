/**
 * Time for the widgets, on top of Intl only (no time-zone database of our own): wall-clock
 * times in an IANA zone, a zone's UTC-offset transitions (for iCalendar's VTIMEZONE), day
 * keys, and formatting per locale. A schedule's days and "now and next" are in
 * ./schedule-time.ts; the schedule grid and its lanes in ../schedule/grid-layout.ts.
 *
 * Every instant here is epoch **milliseconds** (what `Date` and `Intl` take). Days are keyed
 * `YYYY-MM-DD` as the calendar date in a given zone. Arithmetic happens on instants, so a
 * day on which clocks change is 23 or 25 hours long, and a local time that happens twice
 * (clocks going back) or never (clocks going forward) is resolved as RFC 5545 and
 * Temporal's "compatible" do: the first of two, or shifted forward by the gap.
 *
 * DOM-free: runs in Node and in a page.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Anything with a start and an end instant (epoch ms), end after start. */
export interface TimeSpan {
  start: number;
  end: number;
}

/** A calendar date and clock time as seen on a wall in some zone. */
export interface WallTime {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
  second: number;
}

// ---------------------------------------------------------------------------------------
// Zones
// ---------------------------------------------------------------------------------------

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Whether Intl knows `timeZone` as an IANA zone (or UTC). */
export function isValidTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '' || timeZone.length > 64) return false;
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical name as Intl reports it (e.g. "UTC" for "Etc/UTC" in some engines). */
export function canonicalTimeZone(timeZone: string): string {
  return partsFormatter(timeZone).resolvedOptions().timeZone;
}

/** The visitor's zone (from Intl), "UTC" if the platform does not say. */
export function localTimeZone(): string {
  try {
    return new Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** The wall-clock time of `epochMs` in `timeZone` (milliseconds dropped). */
export function wallTime(epochMs: number, timeZone: string): WallTime {
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  let bc = false;
  for (const part of partsFormatter(timeZone).formatToParts(epochMs)) {
    switch (part.type) {
      case 'year':
        wall.year = Number(part.value);
        break;
      case 'month':
        wall.month = Number(part.value);
        break;
      case 'day':
        wall.day = Number(part.value);
        break;
      case 'hour':
        wall.hour = Number(part.value) % 24;
        break;
      case 'minute':
        wall.minute = Number(part.value);
        break;
      case 'second':
        wall.second = Number(part.value);
        break;
      case 'era':
        bc = part.value === 'BC' || part.value === 'B';
        break;
    }
  }
  if (bc) wall.year = 1 - wall.year;
  return wall;
}

/** `wall` read as if it were UTC, in epoch ms. */
function wallAsUtc(wall: WallTime): number {
  const date = new Date(0);
  date.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  date.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  return date.getTime();
}

/** The zone's offset from UTC at `epochMs`, in minutes (east positive: Berlin in summer is 120). */
export function offsetMinutes(epochMs: number, timeZone: string): number {
  const whole = Math.floor(epochMs / 1000) * 1000;
  return Math.round((wallAsUtc(wallTime(whole, timeZone)) - whole) / MINUTE);
}

export type Disambiguation = 'compatible' | 'earlier' | 'later';

/**
 * The instant at which the wall clock in `timeZone` shows `wall`. A time that happens twice
 * gives the first ('compatible', 'earlier') or the second ('later'); a time that never
 * happens is moved forward by the gap ('compatible', 'later': 02:30 becomes 03:30 when
 * clocks jump from 02:00 to 03:00) or backward ('earlier'). 'compatible' is RFC 5545's rule.
 */
export function wallTimeToEpoch(wall: WallTime, timeZone: string, disambiguation: Disambiguation = 'compatible'): number {
  const utc = wallAsUtc(wall);
  // Offsets a day either side: no zone changes its offset twice within two days.
  const before = offsetMinutes(utc - DAY, timeZone);
  const after = offsetMinutes(utc + DAY, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => utc - offset * MINUTE)
    .filter((instant) => wallAsUtc(wallTime(instant, timeZone)) === utc)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return disambiguation === 'later' ? candidates.at(-1)! : candidates[0]!;
  // A gap: read the time with the offset before it (forward) or after it (backward).
  return disambiguation === 'earlier' ? utc - after * MINUTE : utc - before * MINUTE;
}

/** A change of the zone's UTC offset. */
export interface ZoneTransition {
  /** The first instant with the new offset (epoch ms). */
  at: number;
  offsetBefore: number;
  offsetAfter: number;
}

/**
 * Every change of `timeZone`'s UTC offset within [from, to), found by sampling Intl every
 * 12 hours and bisecting to the second. Zones change at most a few times a year.
 */
export function zoneTransitions(timeZone: string, from: number, to: number): ZoneTransition[] {
  const transitions: ZoneTransition[] = [];
  const step = 12 * HOUR;
  let previous = Math.floor(from / 1000) * 1000;
  let previousOffset = offsetMinutes(previous, timeZone);
  while (previous < to) {
    const probe = Math.min(previous + step, Math.ceil(to / 1000) * 1000);
    const offset = offsetMinutes(probe, timeZone);
    if (offset !== previousOffset) {
      let low = previous; // has previousOffset
      let high = probe; // has the new offset
      while (high - low > 1000) {
        const middle = low + Math.floor((high - low) / 2000) * 1000;
        if (offsetMinutes(middle, timeZone) === previousOffset) low = middle;
        else high = middle;
      }
      if (high < to) transitions.push({ at: high, offsetBefore: previousOffset, offsetAfter: offset });
      previousOffset = offset;
    }
    previous = probe;
  }
  return transitions;
}

// ---------------------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------------------

const pad = (value: number, length = 2) => String(value).padStart(length, '0');
const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` of a wall time. */
export function wallDayKey(wall: Pick<WallTime, 'year' | 'month' | 'day'>): string {
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** The calendar date of `epochMs` in `timeZone`, as `YYYY-MM-DD`. */
export function dayKey(epochMs: number, timeZone: string): string {
  return wallDayKey(wallTime(epochMs, timeZone));
}

/** Year, month and day of a day key; throws a RangeError for anything else. */
export function parseDayKey(key: string): { year: number; month: number; day: number } {
  const match = DAY_KEY.exec(key);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const check = new Date(0);
  check.setUTCFullYear(year, month - 1, day);
  if (!match || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) throw new RangeError(`not a day key: ${key.slice(0, 20)}`);
  return { year, month, day };
}

/** The day key `days` days after `key` (negative: before). */
export function addDays(key: string, days: number): string {
  const { year, month, day } = parseDayKey(key);
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day + days);
  return wallDayKey({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
}

/**
 * The festival day an instant belongs to: its calendar date, or the date before while the
 * clock is before `dayChangeHour` (a night that ends at 04:00 still belongs to its evening).
 */
export function festivalDayKey(epochMs: number, timeZone: string, dayChangeHour = 0): string {
  const wall = wallTime(epochMs, timeZone);
  const key = wallDayKey(wall);
  return wall.hour < dayChangeHour ? addDays(key, -1) : key;
}

/** When the day `key` begins in `timeZone` (at `dayChangeHour`, 0 = midnight). */
export function startOfDay(key: string, timeZone: string, dayChangeHour = 0): number {
  return wallTimeToEpoch({ ...parseDayKey(key), hour: dayChangeHour, minute: 0, second: 0 }, timeZone);
}

/** The instants the day `key` spans in `timeZone`: 23 or 25 hours on days clocks change. */
export function dayRange(key: string, timeZone: string, dayChangeHour = 0): TimeSpan {
  return { start: startOfDay(key, timeZone, dayChangeHour), end: startOfDay(addDays(key, 1), timeZone, dayChangeHour) };
}

// ---------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------

/** A BCP 47 locale (e.g. navigator.language) and an IANA zone to show times in. */
export interface FormatOptions {
  locale: string;
  timeZone: string;
}

const intlCache = new Map<string, unknown>();

/** An Intl formatter, made once per kind, locale and options; an invalid locale tag falls back to English. */
function cachedIntl<T>(kind: string, locale: string, options: object, make: (locale: string) => T): T {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let cached = intlCache.get(key) as T | undefined;
  if (cached === undefined) {
    try {
      cached = make(locale);
    } catch {
      cached = make('en');
    }
    intlCache.set(key, cached);
  }
  return cached;
}

function formatter(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  return cachedIntl('date', locale, options, (tag) => new Intl.DateTimeFormat(tag, options));
}

/** Clock time, e.g. "02:30" (de, en-GB) or "2:30 PM" (en-US). */
export function formatTime(epochMs: number, { locale, timeZone }: FormatOptions): string {
  return formatter(locale, { timeZone, timeStyle: 'short' }).format(epochMs);
}

export type DateStyle = 'full' | 'long' | 'medium' | 'short' | 'weekday';

const DATE_STYLES: Record<DateStyle, Intl.DateTimeFormatOptions> = {
  full: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' },
  long: { weekday: 'long', month: 'long', day: 'numeric' },
  medium: { weekday: 'short', month: 'short', day: 'numeric' },
  short: { day: 'numeric', month: 'numeric' },
  weekday: { weekday: 'long' },
};

/** The date of an instant in the zone, e.g. "Sunday, 26 October" (en-GB, 'long'). */
export function formatDate(epochMs: number, { locale, timeZone }: FormatOptions, style: DateStyle = 'long'): string {
  return formatter(locale, { timeZone, ...DATE_STYLES[style] }).format(epochMs);
}

/** A day key as a date, e.g. "Sonntag, 26. Oktober" (de, 'long'); zone-independent. */
export function formatDayKey(key: string, locale: string, style: DateStyle = 'long'): string {
  const { year, month, day } = parseDayKey(key);
  return formatter(locale, { timeZone: 'UTC', ...DATE_STYLES[style] }).format(wallAsUtc({ year, month, day, hour: 12, minute: 0, second: 0 }));
}

/** Start to end, e.g. "14:00–16:00", with dates when they fall on different days. */
export function formatTimeRange(start: number, end: number, { locale, timeZone }: FormatOptions): string {
  const sameDay = dayKey(start, timeZone) === dayKey(end - 1, timeZone);
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { timeZone, timeStyle: 'short' }
    : { timeZone, weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' };
  const format = formatter(locale, options);
  return typeof format.formatRange === 'function' ? format.formatRange(start, end) : `${format.format(start)} – ${format.format(end)}`;
}

/** Labels by locale, zone, start and end; emptied when it grows past `RANGE_LABELS_MAX`. */
const rangeLabels = new Map<string, string>();
const RANGE_LABELS_MAX = 20_000;

/**
 * `formatTimeRange` of a schedule's event, worked out once per locale, zone and times: a
 * schedule redraws on every focus move, day switch and data refresh (a live source makes
 * its events anew each time), and formatting is most of what an event costs to draw.
 */
export function spanTimeRange(span: TimeSpan, format: FormatOptions): string {
  const key = `${format.locale}|${format.timeZone}|${span.start}|${span.end}`;
  let label = rangeLabels.get(key);
  if (label === undefined) {
    if (rangeLabels.size >= RANGE_LABELS_MAX) rangeLabels.clear();
    label = formatTimeRange(span.start, span.end, format);
    rangeLabels.set(key, label);
  }
  return label;
}

/** The zone's short name at an instant in the locale, e.g. "CEST" (en-GB), "MESZ" (de), "GMT+2" (en-US). */
export function formatTimeZoneName(timeZone: string, locale: string, at: number): string {
  const parts = formatter(locale, { timeZone, timeZoneName: 'short' }).formatToParts(at);
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** A duration, e.g. "1 hr, 30 min" (en) or "1 Std., 30 Min." (de); whole minutes. */
export function formatDuration(ms: number, locale: string): string {
  const total = Math.max(0, Math.round(ms / MINUTE));
  const [hours, minutes] = [Math.floor(total / 60), total % 60];
  const unit = (value: number, name: 'hour' | 'minute') => {
    const options = { style: 'unit', unit: name, unitDisplay: 'short' } as const;
    return cachedIntl('number', locale, options, (tag) => new Intl.NumberFormat(tag, options)).format(value);
  };
  const parts = [...(hours > 0 ? [unit(hours, 'hour')] : []), ...(minutes > 0 || hours === 0 ? [unit(minutes, 'minute')] : [])];
  if (parts.length === 1) return parts[0]!;
  const options = { type: 'unit', style: 'narrow' } as const;
  return cachedIntl('list', locale, options, (tag) => new Intl.ListFormat(tag, options)).format(parts);
}

/** How far `epochMs` is from `now`, e.g. "in 10 minutes" / "vor 2 Stunden". */
export function formatRelative(epochMs: number, now: number, locale: string): string {
  const diff = epochMs - now;
  const format = cachedIntl('relative', locale, { numeric: 'auto' }, (tag) => new Intl.RelativeTimeFormat(tag, { numeric: 'auto' }));
  const abs = Math.abs(diff);
  if (abs < HOUR) return format.format(Math.round(diff / MINUTE), 'minute');
  if (abs < DAY) return format.format(Math.round(diff / HOUR), 'hour');
  return format.format(Math.round(diff / DAY), 'day');
}
