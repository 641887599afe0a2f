/**
 * Keeps the schedule the in-page peer shows of a festival for the next visit
 * (../lib/schedule-snapshot.ts reads it): in a chunk of its own, loaded once there is such a
 * schedule, so that pages with other sources never load it. Written once changes stop for a
 * moment (a sync brings many; writing one costs the main thread a while), or before the page
 * is hidden or left, for the festivals shown most recently. A failure is only a missed
 * shortcut.
 */
import { database, request, SNAPSHOT_STORE, type Snapshot } from '../lib/schedule-snapshot.js';
import type { ScheduleData } from '../lib/schedule-view.js';

/** Festivals kept; the least recently shown go first. */
const KEEP = 10;
/** A burst of changes (a sync) is written once, this long after the last. */
const WRITE_DELAY_MS = 1000;

/** Per festival: the data not written yet, and the timer that writes it. */
const pending = new Map<string, { data: ScheduleData | undefined; timer: ReturnType<typeof setTimeout> | undefined }>();

/**
 * Keeps `data` as the schedule of `festivalId`: written once changes stop for a moment (a
 * sync brings many; writing one costs the main thread a while), or before the page is
 * hidden or left.
 */
export function saveSnapshot(festivalId: string, data: ScheduleData): void {
  listenForLeaving();
  const state = pending.get(festivalId) ?? { data: undefined, timer: undefined };
  pending.set(festivalId, state);
  state.data = data;
  clearTimeout(state.timer);
  state.timer = setTimeout(() => flush(festivalId), WRITE_DELAY_MS);
}

function flush(festivalId: string): void {
  const state = pending.get(festivalId);
  if (!state?.data) return;
  clearTimeout(state.timer);
  const data = state.data;
  state.data = undefined;
  state.timer = undefined;
  void write({ festivalId, shownAt: Date.now(), data });
}

let listening = false;

/** What is not written yet goes before the page is hidden (a phone's last reliable moment) or left. */
function listenForLeaving(): void {
  if (listening || typeof addEventListener !== 'function') return;
  listening = true;
  const flushAll = () => {
    for (const festivalId of pending.keys()) flush(festivalId);
  };
  addEventListener('pagehide', flushAll);
  addEventListener('visibilitychange', () => (globalThis as { document?: { visibilityState?: string } }).document?.visibilityState === 'hidden' && flushAll());
}

async function write(snapshot: Snapshot): Promise<void> {
  try {
    const db = await database();
    const store = db.transaction(SNAPSHOT_STORE, 'readwrite').objectStore(SNAPSHOT_STORE);
    store.put(snapshot);
    // Oldest first: all but the last KEEP go.
    const byAge = await request(store.index('shownAt').getAllKeys());
    for (const old of byAge.slice(0, Math.max(0, byAge.length - KEEP))) store.delete(old);
  } catch {
    // A missed shortcut only: the next visit reads the peer's copy instead.
  }
}
