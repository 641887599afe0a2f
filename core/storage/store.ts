import type { Hash } from '../hash/hash.js';
import type { OperationAction } from '../operation/operation.js';

/**
 * Storage for entries, operations and logs. Implementations: `MemoryStore` (tests, bots,
 * short-lived peers) and `DexieStore` (IndexedDB in pages, extensions and workers).
 *
 * Log ids and sequence numbers are stored as JS numbers, so Panda Kit keeps logs of up to
 * 2^53 - 1 entries and log ids below 2^53 (the wire format allows 2^64 - 1; nothing
 * realistic gets near either).
 */
export interface StoredEntry {
  /** Hash of the encoded entry: the id of its operation. */
  hash: Hash;
  publicKey: string;
  logId: number;
  seqNum: number;
  /** The encoded entry. */
  bytes: Uint8Array;
}

export interface StoredOperation {
  /** The operation id: the hash of the entry that signs it. */
  id: Hash;
  documentId: Hash;
  schemaId: string;
  publicKey: string;
  logId: number;
  seqNum: number;
  action: OperationAction;
  /** Document view id this operation follows (update and delete). */
  previous?: Hash[];
  /** The encoded operation. */
  bytes: Uint8Array;
}

/** One author's log: one document, written by one author, entry after entry. */
export interface LogInfo {
  publicKey: string;
  logId: number;
  documentId: Hash;
  schemaId: string;
  /** Sequence number of the latest entry held. */
  latestSeqNum: number;
  /** Hash of the latest entry held. */
  latestHash: Hash;
}

/** Proof that an author signed two different entries for one place in a log. */
export interface ForkEvidence {
  publicKey: string;
  logId: number;
  seqNum: number;
  /** `seq`: two entries at the same position; `backlink`: an entry whose backlink names a different predecessor than the one held. */
  kind: 'seq' | 'backlink';
  /** The entry this store holds. */
  stored: Uint8Array;
  /** The entry that contradicts it. */
  conflicting: Uint8Array;
  /** When the fork was detected (ms since the epoch). */
  detectedAt: number;
}

/** Everything one published entry adds: written all together or not at all. */
export interface EntryRecord {
  entry: StoredEntry;
  operation: StoredOperation;
  /** The log after this entry. */
  log: LogInfo;
}

export interface Store {
  getEntry(publicKey: string, logId: number, seqNum: number): Promise<StoredEntry | undefined>;
  getEntryByHash(hash: Hash): Promise<StoredEntry | undefined>;
  /** Entries of one log with seqNum >= fromSeqNum, ascending, at most `limit`. */
  getEntries(publicKey: string, logId: number, fromSeqNum: number, limit?: number): Promise<StoredEntry[]>;

  getLog(publicKey: string, logId: number): Promise<LogInfo | undefined>;
  /** All logs, or one author's, ordered by author and log id. */
  getLogs(publicKey?: string): Promise<LogInfo[]>;
  getLogForDocument(publicKey: string, documentId: Hash): Promise<LogInfo | undefined>;

  getOperation(id: Hash): Promise<StoredOperation | undefined>;
  getOperationsByDocument(documentId: Hash): Promise<StoredOperation[]>;
  getOperationsBySchema(schemaId: string): Promise<StoredOperation[]>;

  /**
   * Writes an entry, its operation and the log's new head atomically. Rejects with
   * `ENTRY_DUPLICATE` if the log already holds an entry at that position, and with
   * `STORE_WRITE_FAILED` if the storage fails; either way nothing is written.
   */
  insert(record: EntryRecord): Promise<void>;

  addForkEvidence(evidence: ForkEvidence): Promise<void>;
  getForkEvidence(publicKey?: string): Promise<ForkEvidence[]>;

  /**
   * Runs `work` with the reads and writes it makes through `store` in one transaction of
   * the storage: a sync's entries are checked against the store and written in one go, not
   * in a transaction each. `work` may await only calls of `store` (IndexedDB ends a
   * transaction that waits for anything else). Reads inside see the writes before them;
   * nothing is written if the transaction fails. Stores without it run `work` on themselves
   * (see `inBatch`).
   */
  batch?<T>(work: (store: Store) => Promise<T>): Promise<T>;
}

/** Runs `work` in one batch of `store` where it has them, else on the store as it is. */
export const inBatch = <T>(store: Store, work: (store: Store) => Promise<T>): Promise<T> => (store.batch ? store.batch(work) : work(store));
