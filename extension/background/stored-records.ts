/**
 * Records the background keeps in extension storage under one key, as a list, and reads by
 * a key of their own (a site's origin, a festival's id). What storage holds is checked
 * when read: anything that is not such a record is left out, never trusted.
 */
export interface KeyValueStorage {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export class StoredRecords<K, T> {
  readonly #records = new Map<K, T>();

  private constructor(
    private readonly storage: KeyValueStorage,
    private readonly storageKey: string,
  ) {}

  /** The records under `storageKey`: those that pass `isRecord`, by `keyOf`. */
  static async open<K, T>(
    storage: KeyValueStorage,
    storageKey: string,
    isRecord: (value: unknown) => value is T,
    keyOf: (record: T) => K,
  ): Promise<StoredRecords<K, T>> {
    const records = new StoredRecords<K, T>(storage, storageKey);
    const stored = await storage.get(storageKey);
    if (Array.isArray(stored)) for (const record of stored) if (isRecord(record)) records.#records.set(keyOf(record), record);
    return records;
  }

  get(key: K): T | undefined {
    return this.#records.get(key);
  }

  keys(): K[] {
    return [...this.#records.keys()];
  }

  values(): T[] {
    return [...this.#records.values()];
  }

  async set(key: K, record: T): Promise<void> {
    this.#records.set(key, record);
    await this.save();
  }

  /** Forgets the record of `key`, if there is one. */
  async delete(key: K): Promise<void> {
    if (this.#records.delete(key)) await this.save();
  }

  /** Writes the records as they are now (after a record was changed in place). */
  async save(): Promise<void> {
    await this.storage.set(this.storageKey, [...this.#records.values()]);
  }
}
