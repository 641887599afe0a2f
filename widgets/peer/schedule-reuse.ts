/**
 * A new schedule that keeps what did not change: while a festival streams in, the in-page
 * peer's widgets load its schedule again and again, and most events are as they were. Each event of the
 * new data that equals one of the old (the same id, the same values throughout) is the old
 * object, so that what a widget made of it (its grid cell, its formatted times) is kept.
 *
 * DOM-free: the data is plain (strings, numbers, booleans, arrays and records).
 */
import type { ScheduleData, ScheduleEvent } from '../lib/schedule-view.js';

/** Whether two plain values are equal throughout. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  return true;
}

/** `next`, with each of its events that equals one of `previous` replaced by that one. */
export function keepUnchanged(previous: ScheduleData | undefined, next: ScheduleData): ScheduleData {
  if (!previous) return next;
  const old = new Map<string, ScheduleEvent>(previous.events.map((event) => [event.id, event]));
  let kept = 0;
  const events = next.events.map((event) => {
    const before = old.get(event.id);
    if (before === undefined || !same(before, event)) return event;
    kept++;
    return before;
  });
  return kept === 0 ? next : { ...next, events };
}
