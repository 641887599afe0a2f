/**
 * The page side of test/e2e/interrupted-write.test.ts, bundled with esbuild and loaded in
 * Chromium next to the bundled core. It publishes into a DexieStore as fast as it can (one
 * document per author, several authors at once, so a write is nearly always in flight when
 * the browser is killed) and reports the raw contents of the store for the test to check.
 */
import { DexieStore, KeyPair, Schema, SchemaRegistry, decodeEntry, generateHash, parseEntry, publishOperation, type LogInfo } from '../../core/index.js';

export const SCHEMA = new Schema({
  id: `crash_note_${generateHash(new TextEncoder().encode('crash_note definition'))}`,
  description: 'Notes written while the browser gets killed',
  fields: { title: 'str', n: 'int', notes: 'str' },
});
const registry = new SchemaRegistry([SCHEMA]);

export const AUTHOR_SEEDS = ['c1', 'c2', 'c3'];
const authors = AUTHOR_SEEDS.map((seed) => KeyPair.fromPrivateKey(seed.repeat(32)));
/** A few kilobytes per operation, so that each transaction has something to write. */
const NOTES = 'festival '.repeat(300);

export interface Progress {
  /** Publishes that resolved (their transaction committed). */
  acknowledged: number;
  /** Highest sequence number acknowledged, by author public key. */
  heads: Record<string, number>;
  errors: string[];
}

export interface EntryFacts {
  hash: string;
  publicKey: string;
  logId: number;
  seqNum: number;
  backlink: string | null;
  skiplink: string | null;
  payloadHash: string;
  payloadSize: number;
  /** decodeEntry accepted it (signature valid under the strict rule). */
  signatureValid: boolean;
}

export interface OperationFacts {
  id: string;
  documentId: string;
  schemaId: string;
  publicKey: string;
  logId: number;
  seqNum: number;
  action: string;
  previous: string[] | null;
  /** YASMF hash and length of the stored operation bytes. */
  bytesHash: string;
  bytesLength: number;
}

export interface StoreReport {
  /** Whether the database existed before this look opened (and so created) it. */
  existed: boolean;
  entries: EntryFacts[];
  operations: OperationFacts[];
  logs: LogInfo[];
  forks: number;
}

const progress: Progress = { acknowledged: 0, heads: {}, errors: [] };
let writing = false;

async function writeLoop(store: DexieStore, author: KeyPair): Promise<void> {
  const publicKey = author.publicKey();
  let latest = (await store.getLogs(publicKey))[0]?.latestHash;
  while (writing) {
    const fields = { title: `note ${progress.acknowledged}`, n: progress.acknowledged, notes: NOTES };
    const result = await publishOperation(
      store,
      registry,
      author,
      latest === undefined ? { schemaId: SCHEMA.id, fields } : { schemaId: SCHEMA.id, action: 'update', previous: latest, fields },
    );
    latest = result.hash;
    progress.acknowledged += 1;
    progress.heads[publicKey] = Number(result.entry.seqNum);
  }
}

/** Starts every author's write loop on database `name` and returns at once. */
function startWriting(name: string): void {
  const store = new DexieStore(name);
  writing = true;
  for (const author of authors) {
    writeLoop(store, author).catch((error: unknown) => progress.errors.push(String(error)));
  }
}

/** Publishes `count` more entries per author, one after another, and returns their seq numbers. */
async function publishMore(name: string, count: number): Promise<Record<string, number[]>> {
  const store = new DexieStore(name);
  const seqs: Record<string, number[]> = {};
  try {
    for (const author of authors) {
      const publicKey = author.publicKey();
      seqs[publicKey] = [];
      for (let i = 0; i < count; i++) {
        const latest = (await store.getLogs(publicKey))[0]?.latestHash;
        const fields = { title: `after ${i}`, n: i, notes: 'calm' };
        const result = await publishOperation(
          store,
          registry,
          author,
          latest === undefined ? { schemaId: SCHEMA.id, fields } : { schemaId: SCHEMA.id, action: 'update', previous: latest, fields },
        );
        if (result.duplicate) throw new Error(`publish ${i} of ${publicKey} was a duplicate`);
        seqs[publicKey].push(Number(result.entry.seqNum));
      }
    }
  } finally {
    store.close();
  }
  return seqs;
}

/** Everything in database `name`, read straight from its tables. */
async function inspect(name: string): Promise<StoreReport> {
  const existed = (await indexedDB.databases()).some((database) => database.name === name);
  const store = new DexieStore(name);
  try {
    const [entries, operations, logs, forks] = await Promise.all([
      store.db.entries.toArray(),
      store.db.operations.toArray(),
      store.db.logs.toArray(),
      store.db.forks.count(),
    ]);
    const entryFacts: EntryFacts[] = [];
    for (const row of entries) {
      const parsed = parseEntry(row.bytes);
      let signatureValid = true;
      try {
        await decodeEntry(row.bytes);
      } catch {
        signatureValid = false;
      }
      entryFacts.push({
        hash: row.hash,
        publicKey: row.publicKey,
        logId: row.logId,
        seqNum: row.seqNum,
        backlink: parsed.backlink ?? null,
        skiplink: parsed.skiplink ?? null,
        payloadHash: parsed.payloadHash,
        payloadSize: Number(parsed.payloadSize),
        signatureValid: signatureValid && generateHash(row.bytes) === row.hash && parsed.seqNum === BigInt(row.seqNum) && parsed.publicKey === row.publicKey,
      });
    }
    const operationFacts: OperationFacts[] = operations.map((row) => ({
      id: row.id,
      documentId: row.documentId,
      schemaId: row.schemaId,
      publicKey: row.publicKey,
      logId: row.logId,
      seqNum: row.seqNum,
      action: row.action,
      previous: row.previous ?? null,
      bytesHash: generateHash(row.bytes),
      bytesLength: row.bytes.length,
    }));
    return { existed, entries: entryFacts, operations: operationFacts, logs, forks };
  } finally {
    store.close();
  }
}

export interface CrashPage {
  startWriting: typeof startWriting;
  progress: () => Progress;
  publishMore: typeof publishMore;
  inspect: typeof inspect;
  authors: string[];
}

declare global {
  interface Window {
    crashPage?: CrashPage;
  }
}

window.crashPage = {
  startWriting,
  progress: () => structuredClone(progress),
  publishMore,
  inspect,
  authors: authors.map((author) => author.publicKey()),
};
