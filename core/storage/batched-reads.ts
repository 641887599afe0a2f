/**
 * Reads of one kind inside a store batch (./dexie-batch.ts), answered together: keys asked
 * for in the same microtask go to the storage in one request, and every answer is kept for
 * the rest of the batch. Nothing else writes while a batch's transaction is open, and the
 * batch looks up its own writes first, so a kept answer stays true.
 */
export class BatchedReads<K, V> {
  /** Answers by key text (undefined: asked, not there). */
  readonly #answers = new Map<string, V | undefined>();
  /** Keys asked for and not read yet, and the read that will answer them. */
  #wanted = new Map<string, K>();
  #reading: Promise<void> | undefined;

  /** `readMany` answers keys in their order, undefined where there is nothing. */
  constructor(private readonly readMany: (keys: K[]) => Promise<Array<V | undefined>>) {}

  /** Whether `id` was read already (its answer may be undefined: not there). */
  has(id: string): boolean {
    return this.#answers.has(id);
  }

  /** The kept answer for `id` (see `has`). */
  known(id: string): V | undefined {
    return this.#answers.get(id);
  }

  /** What the storage holds at `key` (named `id` as text), asked for together with the keys of the same microtask. */
  async get(id: string, key: K): Promise<V | undefined> {
    if (this.#answers.has(id)) return this.#answers.get(id);
    this.#wanted.set(id, key);
    this.#reading ??= Promise.resolve().then(() => this.#read());
    await this.#reading;
    return this.#answers.get(id);
  }

  /** Keeps `value` as the answer for `id` (a read answered some other way, or the batch's own write). */
  set(id: string, value: V | undefined): void {
    this.#answers.set(id, value);
  }

  async #read(): Promise<void> {
    const wanted = this.#wanted;
    this.#wanted = new Map();
    this.#reading = undefined;
    const values = await this.readMany([...wanted.values()]);
    let i = 0;
    for (const id of wanted.keys()) {
      const value = values[i++];
      // A write of the batch may have come while the read was under way.
      if (!this.#answers.has(id)) this.#answers.set(id, value);
    }
  }
}
