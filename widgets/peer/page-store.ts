/**
 * Where the in-page peer keeps the festivals it receives: IndexedDB ('panda-kit-widgets'),
 * so that a returning visitor sees the schedule at once, even offline. Only one tab (or its
 * peer's worker) uses the database at a time, under a Web Lock: a replicator keeps its own
 * index of what the store holds and would miss entries another tab wrote into it. Further
 * tabs keep their copy in memory and fill it from the first over BroadcastChannel, as does
 * every tab where IndexedDB or Web Locks are missing. Works in a page and in a worker alike.
 */
import { DexieStore } from '../../core/storage/dexie-store.js';
import { MemoryStore } from '../../core/storage/memory-store.js';
import type { Store } from '../../core/storage/store.js';

export const DATABASE_NAME = 'panda-kit-widgets';

/** The database if this tab may have it (see the module comment), else a memory store. */
export async function openPageStore(): Promise<{ store: Store; release: () => void }> {
  const memory = { store: new MemoryStore(), release: () => {} };
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (typeof indexedDB === 'undefined' || locks === undefined) return memory;
  let unlock!: () => void;
  const held = new Promise<void>((resolve) => (unlock = resolve));
  const granted = await new Promise<boolean>((resolve) => {
    locks
      .request(DATABASE_NAME, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : held;
      })
      .catch(() => resolve(false));
  });
  if (!granted) return memory;
  const store = new DexieStore(DATABASE_NAME);
  try {
    // Opens the database: private windows and sandboxed frames may refuse.
    await store.getLogs();
  } catch {
    store.close();
    unlock();
    return memory;
  }
  return {
    store,
    release: () => {
      store.close();
      unlock();
    },
  };
}
