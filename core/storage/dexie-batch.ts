/**
 * The store a Dexie batch hands out (`DexieStore.batch`): reads and writes of one
 * IndexedDB transaction, with what the batch wrote kept in memory until its end. Every
 * IndexedDB request is a round trip to the browser's storage process; a batch waits for
 * none of its writes (they go out together, `bulkAdd`, when `work` is done) and asks for
 * each log, operation and entry (by hash) once (./batched-reads.ts: the answer is kept, the
 * batch's own writes being the only ones meanwhile); those asked for together (in the same
 * microtask) are read in one request, so that a batch that asks first for everything it will
 * need (replication's `ingestBatch`) waits for a few requests, not for one per entry.
 * Reads see the batch's writes before them.
 */
import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import { BatchedReads } from './batched-reads.js';
import type { DexieTables } from './dexie-tables.js';
import type { EntryRecord, ForkEvidence, LogInfo, Store, StoredEntry, StoredOperation } from './store.js';

const position = (publicKey: string, logId: number, seqNum: number) => `${publicKey}/${logId}/${seqNum}`;
const logKey = (publicKey: string, logId: number) => `${publicKey}/${logId}`;
const byLog = (a: LogInfo, b: LogInfo) => (a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : a.logId - b.logId);

export class DexieBatch implements Store {
  readonly #entries = new Map<string, StoredEntry>();
  readonly #entriesByHash = new Map<Hash, StoredEntry>();
  readonly #operations = new Map<Hash, StoredOperation>();
  /** Logs as read or written in this batch. */
  readonly #logs: BatchedReads<[string, number], LogInfo>;
  readonly #written = new Map<string, LogInfo>();
  readonly #logsByDocument = new Map<string, LogInfo>();
  /** Operations and entries as read (the batch's own are in `#operations` and `#entries`). */
  readonly #readOperations: BatchedReads<Hash, StoredOperation>;
  readonly #readEntries: BatchedReads<Hash, StoredEntry>;
  /** Entries read by hash, by their position too. */
  readonly #readPositions = new Map<string, StoredEntry>();

  constructor(private readonly tables: DexieTables) {
    this.#logs = new BatchedReads((keys) => tables.getLogsAt(keys));
    this.#readOperations = new BatchedReads((ids) => tables.tables.operations.bulkGet(ids));
    this.#readEntries = new BatchedReads((hashes) => tables.tables.entries.bulkGet(hashes));
  }

  async getEntry(publicKey: string, logId: number, seqNum: number) {
    const at = position(publicKey, logId, seqNum);
    const known = this.#entries.get(at) ?? this.#readPositions.get(at);
    if (known) return known;
    // A log holds no entry after its head: no need to ask.
    const key = logKey(publicKey, logId);
    const log = this.#logs.known(key);
    if (this.#logs.has(key) && (log === undefined || seqNum > log.latestSeqNum)) return undefined;
    return this.tables.getEntry(publicKey, logId, seqNum);
  }

  async getEntryByHash(hash: Hash) {
    const written = this.#entriesByHash.get(hash);
    if (written) return written;
    const entry = await this.#readEntries.get(hash, hash);
    if (entry) this.#readPositions.set(position(entry.publicKey, entry.logId, entry.seqNum), entry);
    return entry;
  }

  async getEntries(publicKey: string, logId: number, fromSeqNum: number, limit = Infinity) {
    const stored = await this.tables.getEntries(publicKey, logId, fromSeqNum);
    const written = [...this.#entries.values()].filter((entry) => entry.publicKey === publicKey && entry.logId === logId && entry.seqNum >= fromSeqNum);
    return [...stored, ...written].sort((a, b) => a.seqNum - b.seqNum).slice(0, limit);
  }

  getLog(publicKey: string, logId: number) {
    return this.#logs.get(logKey(publicKey, logId), [publicKey, logId]);
  }

  async getLogs(publicKey?: string) {
    const logs = new Map((await this.tables.getLogs(publicKey)).map((log) => [logKey(log.publicKey, log.logId), log]));
    for (const [key, log] of this.#written) if (publicKey === undefined || log.publicKey === publicKey) logs.set(key, log);
    return [...logs.values()].sort(byLog);
  }

  async getLogForDocument(publicKey: string, documentId: Hash) {
    return this.#logsByDocument.get(`${publicKey}/${documentId}`) ?? this.tables.getLogForDocument(publicKey, documentId);
  }

  async getOperation(id: Hash) {
    return this.#operations.get(id) ?? this.#readOperations.get(id, id);
  }

  async getOperationsByDocument(documentId: Hash) {
    const written = [...this.#operations.values()].filter((operation) => operation.documentId === documentId);
    return [...(await this.tables.getOperationsByDocument(documentId)), ...written];
  }

  async getOperationsBySchema(schemaId: string) {
    const written = [...this.#operations.values()].filter((operation) => operation.schemaId === schemaId);
    return [...(await this.tables.getOperationsBySchema(schemaId)), ...written];
  }

  async insert({ entry, operation, log }: EntryRecord) {
    // What publishing checked against the store, against the batch's own writes too.
    if (this.#entries.has(position(entry.publicKey, entry.logId, entry.seqNum)) || this.#entriesByHash.has(entry.hash)) {
      throw new PandaError('ENTRY_DUPLICATE', `The log already holds entry ${entry.seqNum} of log ${entry.logId}`);
    }
    this.#entries.set(position(entry.publicKey, entry.logId, entry.seqNum), entry);
    this.#entriesByHash.set(entry.hash, entry);
    this.#operations.set(operation.id, operation);
    const key = logKey(log.publicKey, log.logId);
    this.#logs.set(key, log);
    this.#written.set(key, log);
    this.#logsByDocument.set(`${log.publicKey}/${log.documentId}`, log);
  }

  addForkEvidence(evidence: ForkEvidence) {
    return this.tables.addForkEvidence(evidence);
  }

  getForkEvidence(publicKey?: string) {
    return this.tables.getForkEvidence(publicKey);
  }

  /** Sends the batch's writes, all at once. */
  async flush(): Promise<void> {
    await Promise.all([
      this.tables.tables.entries.bulkAdd([...this.#entries.values()]),
      this.tables.tables.operations.bulkAdd([...this.#operations.values()]),
      this.tables.tables.logs.bulkPut([...this.#written.values()]),
    ]);
  }
}
