import { Dexie, type DexieOptions, type Table } from 'dexie';
import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
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
export class DexieStore implements Store {
  readonly db: PandaDatabase;

  /** Opens (or creates) the database `name`; `options` go to Dexie (e.g. an `indexedDB` shim). */
  constructor(name = 'panda-kit', options?: DexieOptions) {
    this.db = new PandaDatabase(name, options);
  }

  close(): void {
    this.db.close();
  }

  getEntry(publicKey: string, logId: number, seqNum: number) {
    return this.db.entries.where('[publicKey+logId+seqNum]').equals([publicKey, logId, seqNum]).first();
  }

  getEntryByHash(hash: Hash) {
    return this.db.entries.get(hash);
  }

  getEntries(publicKey: string, logId: number, fromSeqNum: number, limit = Infinity) {
    const query = this.db.entries
      .where('[publicKey+logId+seqNum]')
      .between([publicKey, logId, fromSeqNum], [publicKey, logId, Infinity], true, true);
    return (Number.isFinite(limit) ? query.limit(limit) : query).toArray();
  }

  getLog(publicKey: string, logId: number) {
    return this.db.logs.get([publicKey, logId]);
  }

  getLogs(publicKey?: string) {
    return publicKey === undefined ? this.db.logs.toArray() : this.db.logs.where('publicKey').equals(publicKey).toArray();
  }

  getLogForDocument(publicKey: string, documentId: Hash) {
    return this.db.logs.where('[publicKey+documentId]').equals([publicKey, documentId]).first();
  }

  getOperation(id: Hash) {
    return this.db.operations.get(id);
  }

  getOperationsByDocument(documentId: Hash) {
    return this.db.operations.where('documentId').equals(documentId).toArray();
  }

  getOperationsBySchema(schemaId: string) {
    return this.db.operations.where('schemaId').equals(schemaId).toArray();
  }

  async insert({ entry, operation, log }: EntryRecord) {
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

  async addForkEvidence(evidence: ForkEvidence) {
    await this.db.forks.add({ ...evidence });
  }

  async getForkEvidence(publicKey?: string) {
    const rows = publicKey === undefined ? await this.db.forks.toArray() : await this.db.forks.where('publicKey').equals(publicKey).toArray();
    return rows.map(({ id: _id, ...evidence }) => evidence);
  }
}
