import { Dexie, type DexieOptions, type Table, type Transaction } from 'dexie';
import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import { DexieBatch } from './dexie-batch.js';
import { DexieTables } from './dexie-tables.js';
import type { EntryRecord, ForkEvidence, LogInfo, Store, StoredEntry, StoredOperation } from './store.js';

class PandaDatabase extends Dexie {
  entries!: Table<StoredEntry, Hash>;
  operations!: Table<StoredOperation, Hash>;
  logs!: Table<LogInfo, [string, number]>;
  forks!: Table<ForkEvidence & { id?: number }, number>;

  constructor(name: string, options?: DexieOptions) {
    super(name, options);
    this.version(1).stores({
      entries: 'hash, &[publicKey+logId+seqNum]',
      operations: 'id, documentId, schemaId',
      logs: '[publicKey+logId], &[publicKey+documentId], publicKey',
      forks: '++id, publicKey',
    });
  }
}

/**
 * A `Store` on IndexedDB through Dexie. Works wherever IndexedDB does: pages, extension
 * service workers and offscreen documents, web workers (and Node with an IndexedDB shim).
 */
export class DexieStore extends DexieTables {
  readonly db: PandaDatabase;

  /** Opens (or creates) the database `name`; `options` go to Dexie (e.g. an `indexedDB` shim). */
  constructor(name = 'panda-kit', options?: DexieOptions) {
    const db = new PandaDatabase(name, options);
    super(db);
    this.db = db;
  }

  close(): void {
    this.db.close();
  }

  /** One read-write transaction over every table, handed to `work` as a store of its own (./dexie-batch.ts). */
  async batch<T>(work: (store: Store) => Promise<T>): Promise<T> {
    const { entries, operations, logs, forks } = this.db;
    try {
      return await this.db.transaction('rw', [entries, operations, logs, forks], (transaction) => this.#inTransaction(transaction, work));
    } catch (error) {
      if (error instanceof PandaError) throw error;
      throw new PandaError('STORE_WRITE_FAILED', `A batch of writes failed, nothing of it was written: ${(error as Error).message}`, {
        cause: (error as { name?: string }).name,
      });
    }
  }

  async #inTransaction<T>(transaction: Transaction, work: (store: Store) => Promise<T>): Promise<T> {
    const batch = new DexieBatch(
      new DexieTables({
        entries: transaction.table<StoredEntry, Hash>('entries'),
        operations: transaction.table<StoredOperation, Hash>('operations'),
        logs: transaction.table<LogInfo, [string, number]>('logs'),
        forks: transaction.table<ForkEvidence & { id?: number }, number>('forks'),
      }),
    );
    const result = await work(batch);
    await batch.flush();
    return result;
  }

  override async insert({ entry, operation, log }: EntryRecord) {
    const { entries, operations, logs } = this.db;
    try {
      await this.db.transaction('rw', entries, operations, logs, async () => {
        await entries.add(entry);
        await operations.add(operation);
        await logs.put(log);
      });
    } catch (error) {
      const name = (error as { name?: string; inner?: { name?: string } }).name;
      if (name === 'ConstraintError' && (await this.getEntry(entry.publicKey, entry.logId, entry.seqNum))) {
        throw new PandaError('ENTRY_DUPLICATE', `The log already holds entry ${entry.seqNum} of log ${entry.logId}`);
      }
      throw new PandaError('STORE_WRITE_FAILED', `Storing entry ${entry.hash} failed, nothing was written: ${(error as Error).message}`, {
        cause: name,
      });
    }
  }
}
