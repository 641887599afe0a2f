import type { Store } from '../storage/store.js';

/**
 * Runs tasks one after another per key. Publishing reads a log's head and then appends to
 * it; two publishes for the same author running interleaved would both claim the same
 * sequence number and fork the author's own log.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

const locks = new WeakMap<Store, KeyedLock>();

/** The lock of writes to `store`, per author: one for every publisher of the same store. */
export function lockFor(store: Store): KeyedLock {
  let lock = locks.get(store);
  if (!lock) locks.set(store, (lock = new KeyedLock()));
  return lock;
}
