import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import { MemoryStore } from './memory-store.js';
import type { EntryRecord, ForkEvidence, LogInfo, Store, StoredEntry, StoredOperation } from './store.js';

const logKey = (log: { publicKey: string; logId: number }) => `${log.publicKey}/${log.logId}`;

/**
 * A store seen as it would be after some writes, without making them: reads see `base` and
 * the writes made here, writes stay in memory and `base` is never written (fork evidence
 * included). What a bundle would add is found by importing it here (bundle-preview.ts).
 * Entries are appended to logs in order, so a log's entries here all lie above the entries
 * `base` holds of it.
 */
export class LayeredStore implements Store {
  readonly #added = new MemoryStore();
  readonly #records: EntryRecord[] = [];

  constructor(readonly base: Store) {}

  /** What was written here, in the order it was. */
  added(): readonly EntryRecord[] {
    return this.#records;
  }

  async getEntry(publicKey: string, logId: number, seqNum: number) {
    return (await this.#added.getEntry(publicKey, logId, seqNum)) ?? this.base.getEntry(publicKey, logId, seqNum);
  }

  async getEntryByHash(hash: Hash) {
    return (await this.#added.getEntryByHash(hash)) ?? this.base.getEntryByHash(hash);
  }

  async getEntries(publicKey: string, logId: number, fromSeqNum: number, limit = Infinity) {
    const held = await this.base.getEntries(publicKey, logId, fromSeqNum, limit);
    const top = await this.#added.getLog(publicKey, logId);
    if (!top) return held;
    const baseLatest = (await this.base.getLog(publicKey, logId))?.latestSeqNum ?? 0;
    const entries: StoredEntry[] = [...held];
    for (let seq = Math.max(fromSeqNum, baseLatest + 1); seq <= top.latestSeqNum && entries.length < limit; seq++) {
      const entry = await this.#added.getEntry(publicKey, logId, seq);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  async getLog(publicKey: string, logId: number) {
    return (await this.#added.getLog(publicKey, logId)) ?? this.base.getLog(publicKey, logId);
  }

  async getLogs(publicKey?: string) {
    const logs = new Map<string, LogInfo>();
    for (const log of await this.base.getLogs(publicKey)) logs.set(logKey(log), log);
    for (const log of await this.#added.getLogs(publicKey)) logs.set(logKey(log), log);
    return [...logs.values()].sort((a, b) => (a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : a.logId - b.logId));
  }

  async getLogForDocument(publicKey: string, documentId: Hash) {
    return (await this.#added.getLogForDocument(publicKey, documentId)) ?? this.base.getLogForDocument(publicKey, documentId);
  }

  async getOperation(id: Hash) {
    return (await this.#added.getOperation(id)) ?? this.base.getOperation(id);
  }

  async getOperationsByDocument(documentId: Hash): Promise<StoredOperation[]> {
    return [...(await this.base.getOperationsByDocument(documentId)), ...(await this.#added.getOperationsByDocument(documentId))];
  }

  async getOperationsBySchema(schemaId: string): Promise<StoredOperation[]> {
    return [...(await this.base.getOperationsBySchema(schemaId)), ...(await this.#added.getOperationsBySchema(schemaId))];
  }

  async insert(record: EntryRecord) {
    const { entry } = record;
    if ((await this.base.getEntry(entry.publicKey, entry.logId, entry.seqNum)) || (await this.base.getEntryByHash(entry.hash))) {
      throw new PandaError('ENTRY_DUPLICATE', `The log already holds entry ${entry.seqNum} of log ${entry.logId}`);
    }
    await this.#added.insert(record);
    this.#records.push(record);
  }

  async addForkEvidence(evidence: ForkEvidence) {
    await this.#added.addForkEvidence(evidence);
  }

  async getForkEvidence(publicKey?: string) {
    return [...(await this.base.getForkEvidence(publicKey)), ...(await this.#added.getForkEvidence(publicKey))];
  }
}
