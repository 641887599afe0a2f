/**
 * Noticing that festival data vanished. Chromium deletes an extension's IndexedDB when it
 * finds it corrupt, and the festival node would start on an empty store without a word.
 * So the background keeps, beside the vault in extension storage, how much it held (the
 * festival documents' logs and their entries); a store found holding fewer logs than that
 * — logs are never removed, a delete is one more entry — is a loss: the popup says so, and
 * the peer fetches the festivals again from other peers (their settings live in extension
 * storage, not in IndexedDB, and the vault is elsewhere too). The loss is forgotten once
 * the data is back, or when the person dismisses it.
 */
import { FESTIVAL_SCHEMA_IDS, type Store } from '../../core/index.js';
import type { KeyValueStorage } from './stored-records.js';
import { isRecord } from '../../core/guards.js';

export interface DataFigures {
  /** Logs of festival documents held (one per document and author). */
  logs: number;
  /** Entries in them. */
  entries: number;
}

export interface DataLoss {
  /** What was held before. */
  had: DataFigures;
  /** What the store held when the loss was noticed. */
  found: DataFigures;
  /** When it was noticed (ms since 1970). */
  noticedAt: number;
}

interface Record {
  figures: DataFigures;
  loss?: DataLoss;
}

const STORAGE_KEY = 'festival-data';
const APPLICATION_SCHEMAS = new Set<string>(Object.values(FESTIVAL_SCHEMA_IDS));

const isFigures = (value: unknown): value is DataFigures => isRecord(value) && Number.isSafeInteger(value.logs) && Number.isSafeInteger(value.entries);

/** How much festival data `store` holds. */
export async function figuresOf(store: Store): Promise<DataFigures> {
  const logs = (await store.getLogs()).filter((log) => APPLICATION_SCHEMAS.has(log.schemaId));
  return { logs: logs.length, entries: logs.reduce((sum, log) => sum + log.latestSeqNum, 0) };
}

export class DataWatch {
  #record: Record;
  #queue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly storage: KeyValueStorage,
    private readonly store: Store,
    record: Record,
  ) {
    this.#record = record;
  }

  /** Compares what the store holds with what was recorded; a shortfall is a loss. */
  static async open(storage: KeyValueStorage, store: Store, now = Date.now()): Promise<DataWatch> {
    const stored = (await storage.get(STORAGE_KEY)) as Partial<Record> | undefined;
    const figures = await figuresOf(store);
    const had = isFigures(stored?.figures) ? stored.figures : undefined;
    let record: Record = { figures };
    if (stored?.loss && isFigures(stored.loss.had) && figures.logs < stored.loss.had.logs) record = { figures: stored.loss.had, loss: stored.loss };
    else if (had && figures.logs < had.logs) record = { figures: had, loss: { had, found: figures, noticedAt: now } };
    const watch = new DataWatch(storage, store, record);
    await storage.set(STORAGE_KEY, record);
    return watch;
  }

  /** The loss noticed and not yet made good, if any. */
  loss(): DataLoss | undefined {
    return this.#record.loss && structuredClone(this.#record.loss);
  }

  /** What the store holds now (after entries were stored); a loss is over once as much is back. */
  update(): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      const figures = await figuresOf(this.store);
      const loss = this.#record.loss;
      if (loss && figures.logs < loss.had.logs) return;
      this.#record = { figures };
      await this.storage.set(STORAGE_KEY, this.#record);
    });
    return this.#queue;
  }

  /** The person read the notice: forget the loss, and count from what is there now. */
  dismiss(): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      this.#record = { figures: await figuresOf(this.store) };
      await this.storage.set(STORAGE_KEY, this.#record);
    });
    return this.#queue;
  }
}
