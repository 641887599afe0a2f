import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import type { EntryRecord, ForkEvidence, LogInfo, Store, StoredEntry, StoredOperation } from './store.js';

const logKey = (publicKey: string, logId: number) => `${publicKey}/${logId}`;
const entryKey = (publicKey: string, logId: number, seqNum: number) => `${publicKey}/${logId}/${seqNum}`;

/** A `Store` in memory: for tests, bots and short-lived peers. */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, StoredEntry>();
  readonly #entriesByHash = new Map<Hash, StoredEntry>();
  readonly #operations = new Map<Hash, StoredOperation>();
  readonly #operationsByDocument = new Map<Hash, StoredOperation[]>();
  readonly #operationsBySchema = new Map<string, StoredOperation[]>();
  readonly #logs = new Map<string, LogInfo>();
  readonly #logsByDocument = new Map<string, LogInfo>();
  readonly #forks: ForkEvidence[] = [];

  async getEntry(publicKey: string, logId: number, seqNum: number) {
    return this.#entries.get(entryKey(publicKey, logId, seqNum));
  }

  async getEntryByHash(hash: Hash) {
    return this.#entriesByHash.get(hash);
  }

  async getEntries(publicKey: string, logId: number, fromSeqNum: number, limit = Infinity) {
    const log = this.#logs.get(logKey(publicKey, logId));
    const result: StoredEntry[] = [];
    if (!log) return result;
    for (let seq = Math.max(1, fromSeqNum); seq <= log.latestSeqNum && result.length < limit; seq++) {
      result.push(this.#entries.get(entryKey(publicKey, logId, seq))!);
    }
    return result;
  }

  async getLog(publicKey: string, logId: number) {
    const log = this.#logs.get(logKey(publicKey, logId));
    return log && { ...log };
  }

  async getLogs(publicKey?: string) {
    return [...this.#logs.values()]
      .filter((log) => publicKey === undefined || log.publicKey === publicKey)
      .sort((a, b) => (a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : a.logId - b.logId))
      .map((log) => ({ ...log }));
  }

  async getLogForDocument(publicKey: string, documentId: Hash) {
    const log = this.#logsByDocument.get(`${publicKey}/${documentId}`);
    return log && { ...log };
  }

  async getOperation(id: Hash) {
    return this.#operations.get(id);
  }

  async getOperationsByDocument(documentId: Hash) {
    return [...(this.#operationsByDocument.get(documentId) ?? [])];
  }

  async getOperationsBySchema(schemaId: string) {
    return [...(this.#operationsBySchema.get(schemaId) ?? [])];
  }

  async insert({ entry, operation, log }: EntryRecord) {
    const key = entryKey(entry.publicKey, entry.logId, entry.seqNum);
    if (this.#entries.has(key) || this.#entriesByHash.has(entry.hash)) {
      throw new PandaError('ENTRY_DUPLICATE', `The log already holds entry ${entry.seqNum} of log ${entry.logId}`);
    }
    this.#entries.set(key, entry);
    this.#entriesByHash.set(entry.hash, entry);
    this.#operations.set(operation.id, operation);
    push(this.#operationsByDocument, operation.documentId, operation);
    push(this.#operationsBySchema, operation.schemaId, operation);
    const stored = { ...log };
    this.#logs.set(logKey(log.publicKey, log.logId), stored);
    this.#logsByDocument.set(`${log.publicKey}/${log.documentId}`, stored);
  }

  async addForkEvidence(evidence: ForkEvidence) {
    this.#forks.push({ ...evidence });
  }

  async getForkEvidence(publicKey?: string) {
    return this.#forks.filter((fork) => publicKey === undefined || fork.publicKey === publicKey);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
