/**
 * A festival's schedule answer sent across to the page in changes: while a sync brings
 * thousands of entries, the page asks for the schedule again and again, and most of its
 * events are as they were. The worker (`ScheduleDeltas`) sends the order of the events and
 * those that are new or changed since its last answer; the page (`ScheduleCopies`) keeps the
 * items it has and puts the answer together again. An unchanged event is the very object it
 * was, so that what the page makes of it can be kept too (widgets/lib/schedule-data.ts).
 *
 * Both ends see the same answers in the same order (one worker, messages in order), so their
 * copies agree; a new worker starts both afresh.
 */
import type { Hash } from '../../core/index.js';

/** An item of the provider's `schedule` answer, as far as this module looks. */
interface Item {
  event: { id: string };
}

/** The schedule as sent: every event's id in order, and the items not sent before (as they are now). */
export interface ScheduleDelta {
  order: string[];
  changed: unknown[];
}

const isItem = (value: unknown): value is Item =>
  typeof value === 'object' && value !== null && typeof (value as Item).event === 'object' && typeof (value as Item).event?.id === 'string';

/** The worker's end: what it last sent of each festival's schedule, as text to compare. */
export class ScheduleDeltas {
  readonly #sent = new Map<Hash, Map<string, string>>();

  /** `items` as changes from the previous answer for `festivalId`. */
  delta(festivalId: Hash, items: unknown[]): ScheduleDelta {
    const previous = this.#sent.get(festivalId) ?? new Map<string, string>();
    const now = new Map<string, string>();
    const order: string[] = [];
    const changed: unknown[] = [];
    for (const item of items) {
      if (!isItem(item)) continue;
      const text = JSON.stringify(item);
      order.push(item.event.id);
      now.set(item.event.id, text);
      if (previous.get(item.event.id) !== text) changed.push(item);
    }
    this.#sent.set(festivalId, now);
    return { order, changed };
  }
}

/** The page's end: each festival's items as last put together. */
export class ScheduleCopies {
  readonly #items = new Map<Hash, Map<string, unknown>>();

  /** The whole schedule answer again, from `delta` and the items kept. */
  apply(festivalId: Hash, delta: ScheduleDelta): unknown[] {
    const kept = this.#items.get(festivalId) ?? new Map<string, unknown>();
    for (const item of delta.changed) if (isItem(item)) kept.set(item.event.id, item);
    const items = delta.order.flatMap((id) => (kept.has(id) ? [kept.get(id)] : []));
    this.#items.set(festivalId, new Map(delta.order.flatMap((id) => (kept.has(id) ? [[id, kept.get(id)] as const] : []))));
    return items;
  }
}
