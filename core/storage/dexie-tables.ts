/**
 * The Dexie store's queries and writes on a set of tables: the database's (`DexieStore`), or
 * those of one transaction (`DexieBatch`: its tables are bound to it, so calls made deep in
 * async code still run in it, whatever Dexie's zones lost on the way).
 */
import type { Table } from 'dexie';
import type { Hash } from '../hash/hash.js';
import type { EntryRecord, ForkEvidence, LogInfo, Store, StoredEntry, StoredOperation } from './store.js';

export interface Tables {
  entries: Table<StoredEntry, Hash>;
  operations: Table<StoredOperation, Hash>;
  logs: Table<LogInfo, [string, number]>;
  forks: Table<ForkEvidence & { id?: number }, number>;
}

export class DexieTables implements Store {
  constructor(readonly tables: Tables) {}

  getEntry(publicKey: string, logId: number, seqNum: number) {
    return this.tables.entries.where('[publicKey+logId+seqNum]').equals([publicKey, logId, seqNum]).first();
  }

  getEntryByHash(hash: Hash) {
    return this.tables.entries.get(hash);
  }

  getEntries(publicKey: string, logId: number, fromSeqNum: number, limit = Infinity) {
    const query = this.tables.entries.where('[publicKey+logId+seqNum]').between([publicKey, logId, fromSeqNum], [publicKey, logId, Infinity], true, true);
    return (Number.isFinite(limit) ? query.limit(limit) : query).toArray();
  }

  getLog(publicKey: string, logId: number) {
    return this.tables.logs.get([publicKey, logId]);
  }

  /** The logs at these keys, in their order (undefined where there is none): one request for all. */
  getLogsAt(keys: ReadonlyArray<[string, number]>) {
    return this.tables.logs.bulkGet(keys as Array<[string, number]>);
  }

  getLogs(publicKey?: string) {
    return publicKey === undefined ? this.tables.logs.toArray() : this.tables.logs.where('publicKey').equals(publicKey).toArray();
  }

  getLogForDocument(publicKey: string, documentId: Hash) {
    return this.tables.logs.where('[publicKey+documentId]').equals([publicKey, documentId]).first();
  }

  getOperation(id: Hash) {
    return this.tables.operations.get(id);
  }

  getOperationsByDocument(documentId: Hash) {
    return this.tables.operations.where('documentId').equals(documentId).toArray();
  }

  getOperationsBySchema(schemaId: string) {
    return this.tables.operations.where('schemaId').equals(schemaId).toArray();
  }

  async insert({ entry, operation, log }: EntryRecord) {
    await this.tables.entries.add(entry);
    await this.tables.operations.add(operation);
    await this.tables.logs.put(log);
  }

  async addForkEvidence(evidence: ForkEvidence) {
    await this.tables.forks.add({ ...evidence });
  }

  async getForkEvidence(publicKey?: string) {
    const rows = publicKey === undefined ? await this.tables.forks.toArray() : await this.tables.forks.where('publicKey').equals(publicKey).toArray();
    return rows.map(({ id: _id, ...evidence }) => evidence);
  }
}
