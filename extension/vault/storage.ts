/**
 * Where the vault keeps its state. The background injects two areas:
 *
 * - `persistent`: `browser.storage.local` (on disk, survives restarts);
 * - `session`: `browser.storage.session` (in memory, survives the Chrome service worker or the
 *   Firefox event page being stopped, cleared when the browser closes).
 *
 * Values are plain data (strings, numbers, arrays, objects), so both structured clone
 * (`storage.*`) and JSON work. A `set` replaces one key's value as a whole or fails as a
 * whole: the vault relies on that for atomic writes.
 *
 * An adapter for the extension is a few lines, e.g.
 *
 *   const area = (a: browser.Storage.StorageArea): VaultStorage => ({
 *     get: async (key) => (await a.get(key))[key],
 *     set: (key, value) => a.set({ [key]: value }),
 *     remove: (key) => a.remove(key),
 *   });
 */
export interface VaultStorage {
  /** The value stored under `key`, or `undefined`. */
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

/** A storage area in memory, copying values in and out as the browser does. For tests. */
export class MemoryVaultStorage implements VaultStorage {
  readonly values = new Map<string, unknown>();

  async get(key: string): Promise<unknown> {
    return structuredClone(this.values.get(key));
  }

  async set(key: string, value: unknown): Promise<void> {
    this.values.set(key, structuredClone(value));
  }

  async remove(key: string): Promise<void> {
    this.values.delete(key);
  }

  /** Everything stored, as JSON text (to look for what must not be there). */
  dump(): string {
    return JSON.stringify(Object.fromEntries(this.values));
  }
}
