/**
 * The last schedule the in-page peer showed of a festival, kept in the page's IndexedDB
 * ('panda-kit-schedules') so that a revisit draws it at once: before the peer's chunk has
 * loaded, read its copy of the festival's entries and rebuilt the model from them. The
 * peer's own data replaces it as soon as it is there. Only what the page showed anyway is
 * kept, for the festivals shown most recently.
 *
 * Every failure (no IndexedDB, a private window, a full disk) is only a missed shortcut:
 * reading gives undefined, writing nothing. DOM-free: needs only `indexedDB`. Reading is
 * here, in what every page loads; writing (widgets/shared/snapshot-saver.ts) comes in a chunk
 * once there is a peer's schedule to keep.
 */
import type { ScheduleData } from './schedule-view.js';

export const SNAPSHOT_DATABASE = 'panda-kit-schedules';
export const SNAPSHOT_STORE = 'schedules';

export interface Snapshot {
  festivalId: string;
  shownAt: number;
  data: ScheduleData;
}

export const request = <T>(operation: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    operation.onsuccess = () => resolve(operation.result);
    operation.onerror = () => reject(operation.error ?? new Error('IndexedDB request failed'));
  });

let opening: Promise<IDBDatabase> | undefined;

/** The snapshots' database, opened once. */
export function database(): Promise<IDBDatabase> {
  opening ??= (async () => {
    const open = indexedDB.open(SNAPSHOT_DATABASE, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(SNAPSHOT_STORE, { keyPath: 'festivalId' }).createIndex('shownAt', 'shownAt');
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
    const snapshot = (await request(db.transaction(SNAPSHOT_STORE).objectStore(SNAPSHOT_STORE).get(festivalId))) as Snapshot | undefined;
    return snapshot?.data;
  } catch {
    return undefined;
  }
}
