/**
 * Vault storage in the extension origin's IndexedDB: one object store of records by key.
 * Content scripts cannot open it — they use the IndexedDB of the page they run in — so the
 * vault kept here is out of their reach (unlike `storage.local`, which the extension's content
 * scripts read from any page). A `set` is one IndexedDB transaction: stored as a whole or not
 * at all, as the vault requires. Plain IndexedDB, so it runs in a service worker, an event
 * page and in Node (fake-indexeddb).
 */
import type { VaultStorage } from './storage.js';

const STORE = 'records';

export class IndexedDbVaultStorage implements VaultStorage {
  #db: Promise<IDBDatabase> | undefined;

  constructor(
    private readonly name: string,
    private readonly factory: IDBFactory = indexedDB,
  ) {}

  #open(): Promise<IDBDatabase> {
    this.#db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = this.factory.open(this.name, 1);
      request.onupgradeneeded = () => request.result.createObjectStore(STORE);
      request.onsuccess = () => {
        const db = request.result;
        // Another version elsewhere wants the database: give way, reopen on the next call.
        db.onversionchange = () => {
          db.close();
          this.#db = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error ?? new Error(`IndexedDB ${this.name} could not be opened`));
    }).catch((error: unknown) => {
      this.#db = undefined;
      throw error;
    });
    return this.#db;
  }

  async #run<T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const db = await this.#open();
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? request.error ?? new Error('IndexedDB transaction failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
  }

  get(key: string): Promise<unknown> {
    return this.#run('readonly', (store) => store.get(key));
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.#run('readwrite', (store) => store.put(value, key));
  }

  async remove(key: string): Promise<void> {
    await this.#run('readwrite', (store) => store.delete(key));
  }

  close(): void {
    void this.#db?.then(
      (db) => db.close(),
      () => {},
    );
    this.#db = undefined;
  }
}

/**
 * Moves the record under `key` from `from` (an older vault in `storage.local`) into `to`,
 * losing nothing: it is written and read back before the old copy is removed; a copy left
 * by an interrupted move is removed on the next start (the moved record wins).
 */
export async function moveRecord(from: VaultStorage, to: VaultStorage, key: string): Promise<void> {
  const old = await from.get(key);
  if (old === undefined || old === null) return;
  const current = await to.get(key);
  if (current === undefined || current === null) {
    await to.set(key, old);
    if (JSON.stringify(await to.get(key)) !== JSON.stringify(old)) throw new Error('The vault could not be moved: what was written reads back differently');
  }
  await from.remove(key);
}
