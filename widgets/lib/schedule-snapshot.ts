/**
 * The last schedule the in-page peer showed of a festival, kept in the page's IndexedDB
 * ('panda-kit-schedules') so that a revisit draws it at once: before the peer's chunk has
 * loaded, read its copy of the festival's entries and rebuilt the model from them. The
 * peer's own data replaces it as soon as it is there. Only what the page showed anyway is
 * kept, for the festivals shown most recently.
 *
 * Every failure (no IndexedDB, a private window, a full disk) is only a missed shortcut:
 * reading gives undefined, writing nothing. DOM-free: needs only `indexedDB`.
 */
import type { ScheduleData } from './schedule-view.js';

export const SNAPSHOT_DATABASE = 'panda-kit-schedules';
const STORE = 'schedules';
/** Festivals kept; the least recently shown go first. */
const KEEP = 10;
/** A burst of changes (a sync) is written once, this long after the last. */
const WRITE_DELAY_MS = 1000;

interface Snapshot {
  festivalId: string;
  shownAt: number;
  data: ScheduleData;
}

const request = <T>(operation: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    operation.onsuccess = () => resolve(operation.result);
    operation.onerror = () => reject(operation.error ?? new Error('IndexedDB request failed'));
  });

let opening: Promise<IDBDatabase> | undefined;

function database(): Promise<IDBDatabase> {
  opening ??= (async () => {
    const open = indexedDB.open(SNAPSHOT_DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'festivalId' }).createIndex('shownAt', 'shownAt');
    const db = await request(open);
    // Another tab upgrading or deleting the database: let it.
    db.onversionchange = () => {
      db.close();
      opening = undefined;
    };
    return db;
  })().catch((error: unknown) => {
    opening = undefined;
    throw error;
  });
  return opening;
}

/** The schedule last shown of `festivalId` in this browser, if any. */
export async function readSnapshot(festivalId: string): Promise<ScheduleData | undefined> {
  try {
    const db = await database();
    const snapshot = (await request(db.transaction(STORE).objectStore(STORE).get(festivalId))) as Snapshot | undefined;
    return snapshot?.data;
  } catch {
    return undefined;
  }
}

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
    const store = db.transaction(STORE, 'readwrite').objectStore(STORE);
    store.put(snapshot);
    // Oldest first: all but the last KEEP go.
    const byAge = await request(store.index('shownAt').getAllKeys());
    for (const old of byAge.slice(0, Math.max(0, byAge.length - KEEP))) store.delete(old);
  } catch {
    // A missed shortcut only: the next visit reads the peer's copy instead.
  }
}
