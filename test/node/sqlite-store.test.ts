import { test, describe, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeEntry, nextArgs, publish, publishOperation, type EntryRecord, type Store } from '../../core/index.js';
import { SQLITE_APPLICATION_ID, SQLITE_SCHEMA_VERSION, SqliteStore } from '../../node/sqlite-store.js';
import { hasCode } from '../core/support.js';
import { STAGE_ID, VENUE_ID, alice, bob, craft, createArgs, schemas, snapshot, storeSuites, updateArgs } from '../core/store-suites.js';

// Every test gets its own directory under the OS temp dir (the database file and its WAL
// and shared-memory files), removed after the test with every store it opened closed.
const openStores: SqliteStore[] = [];
const tempDirs: string[] = [];

afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A path for a new database file in a fresh temp directory. */
function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'panda-kit-sqlite-'));
  tempDirs.push(dir);
  return join(dir, 'store.sqlite');
}

function open(path: string): SqliteStore {
  const store = new SqliteStore(path);
  openStores.push(store);
  return store;
}

function reopen(store: SqliteStore): SqliteStore {
  store.close();
  return open(store.path);
}

storeSuites('SqliteStore', () => open(tempPath()));

/** Everything a store holds for the given authors and documents, in the order it returns it. */
async function dump(store: Store, publicKeys: string[], documentIds: string[], schemaIds: string[]) {
  const logs = await store.getLogs();
  const entries = [];
  for (const log of logs) entries.push(...(await store.getEntries(log.publicKey, log.logId, 1)));
  const byHash = [];
  for (const entry of entries) byHash.push(await store.getEntryByHash(entry.hash));
  const operations = [];
  for (const entry of entries) operations.push(await store.getOperation(entry.hash));
  const byDocument = [];
  for (const id of documentIds) byDocument.push(await store.getOperationsByDocument(id));
  const bySchema = [];
  for (const id of schemaIds) bySchema.push(await store.getOperationsBySchema(id));
  const logsForDocuments = [];
  for (const publicKey of publicKeys) {
    logsForDocuments.push(await store.getLogs(publicKey));
    for (const id of documentIds) logsForDocuments.push(await store.getLogForDocument(publicKey, id));
  }
  const forks = [await store.getForkEvidence(), ...(await Promise.all(publicKeys.map((key) => store.getForkEvidence(key))))];
  return { logs, entries, byHash, operations, byDocument, bySchema, logsForDocuments, forks };
}

/** True if `value` is a plain Uint8Array (not a Buffer or another subclass). */
const isPlainBytes = (value: unknown) => value instanceof Uint8Array && Object.getPrototypeOf(value) === Uint8Array.prototype;

describe('SqliteStore on disk', () => {
  test('opens in WAL mode with the schema version and application id in the file header', () => {
    const path = tempPath();
    open(path);
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('user_version', { simple: true }), SQLITE_SCHEMA_VERSION);
      assert.equal(SQLITE_SCHEMA_VERSION, 1);
      assert.equal(db.pragma('application_id', { simple: true }), SQLITE_APPLICATION_ID);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      assert.deepEqual(tables, ['entries', 'forks', 'logs', 'operations']);
    } finally {
      db.close();
    }
  });

  test('an in-memory store works', async () => {
    const store = open(':memory:');
    const created = await publishOperation(store, schemas, alice, createArgs());
    assert.equal((await store.getLog(alice.publicKey(), 0))?.latestHash, created.hash);
  });

  test('entries, operations, logs and fork evidence survive closing and reopening the file, byte for byte', async () => {
    let store = open(tempPath());
    const a = await publishOperation(store, schemas, alice, createArgs('A'));
    const b = await publishOperation(store, schemas, alice, createArgs('B'));
    let latest = a.hash;
    for (let i = 0; i < 5; i++) latest = (await publishOperation(store, schemas, alice, updateArgs(latest, BigInt(i)))).hash;
    const bobs = await publishOperation(store, schemas, bob, updateArgs(latest, 99n));
    const bobOnB = await publishOperation(store, schemas, bob, updateArgs(b.hash, 7n));
    await publishOperation(store, schemas, bob, { schemaId: VENUE_ID, action: 'delete', previous: [bobs.hash] });
    // a fork: a second entry at alice's seq 2 of log 0
    const fork = await craft(alice, { logId: 0, seqNum: 2, backlink: a.hash }, updateArgs(a.hash, 1234n));
    await assert.rejects(publish(store, schemas, fork.entryBytes, fork.operationBytes), hasCode('LOG_FORK'));
    await store.addForkEvidence({
      publicKey: bob.publicKey(),
      logId: 9,
      seqNum: 3,
      kind: 'backlink',
      stored: new Uint8Array(0),
      conflicting: Uint8Array.of(0, 255, 0),
      detectedAt: 1_700_000_000_123,
    });

    const keys = [alice.publicKey(), bob.publicKey()];
    const before = await dump(store, keys, [a.hash, b.hash], [VENUE_ID, STAGE_ID]);
    assert.equal(before.entries.length, 10);
    assert.equal(before.forks[0]!.length, 2);
    assert.deepEqual(before.forks[0]![0]!.conflicting, fork.entryBytes);

    store = reopen(store);
    const after = await dump(store, keys, [a.hash, b.hash], [VENUE_ID, STAGE_ID]);
    assert.deepEqual(after, before);
    for (const entry of after.entries) assert.ok(isPlainBytes(entry.bytes));
    for (const operation of after.operations) assert.ok(isPlainBytes(operation!.bytes));
    for (const evidence of after.forks[0]!) assert.ok(isPlainBytes(evidence.stored) && isPlainBytes(evidence.conflicting));
    assert.deepEqual(after.forks[0]![1]!.stored, new Uint8Array(0));

    // and publishing carries on where the logs left off (bob deleted document A)
    await assert.rejects(nextArgs(store, alice.publicKey(), [latest]), hasCode('DOCUMENT_DELETED'));
    assert.deepEqual(await nextArgs(store, alice.publicKey(), [bobOnB.hash]), { logId: 1n, seqNum: 2n, backlink: b.hash });
    assert.deepEqual(await nextArgs(store, alice.publicKey()), { logId: 2n, seqNum: 1n });
    const next = await publishOperation(store, schemas, alice, updateArgs(bobOnB.hash, 1n));
    assert.equal(next.entry.seqNum, 2n);
    assert.equal(next.entry.logId, 1n);
  });

  test('a file that is not a database -> STORE_OPEN_FAILED, and the file is left as it was', () => {
    const path = tempPath();
    const garbage = new TextEncoder().encode('This is a festival programme, not a database.\n'.repeat(200));
    writeFileSync(path, garbage);
    assert.throws(() => open(path), hasCode('STORE_OPEN_FAILED'));
    assert.deepEqual(new Uint8Array(readFileSync(path)), garbage);
  });

  test('a store whose header is damaged -> STORE_OPEN_FAILED', async () => {
    const store = open(tempPath());
    await publishOperation(store, schemas, alice, createArgs());
    store.close();
    const file = readFileSync(store.path);
    file.fill(0x5a, 0, 16); // "SQLite format 3\0"
    writeFileSync(store.path, file);
    assert.throws(() => open(store.path), hasCode('STORE_OPEN_FAILED'));
  });

  test("another application's SQLite database, a newer schema version, or a missing directory -> STORE_OPEN_FAILED", () => {
    const foreign = tempPath();
    const db = new Database(foreign);
    db.exec('CREATE TABLE bands (name TEXT)');
    db.close();
    assert.throws(() => open(foreign), hasCode('STORE_OPEN_FAILED'));

    const newer = tempPath();
    open(newer).close();
    const raw = new Database(newer);
    raw.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    raw.close();
    assert.throws(() => open(newer), hasCode('STORE_OPEN_FAILED'));

    assert.throws(() => open(join(tempPath(), 'no', 'such', 'dir', 'store.sqlite')), hasCode('STORE_OPEN_FAILED'));
  });

  test('an insert that violates a constraint part way through -> STORE_WRITE_FAILED, and nothing of it is written', async () => {
    let store = open(tempPath());
    const created = await publishOperation(store, schemas, alice, createArgs());
    const publicKey = alice.publicKey();
    const before = await snapshot(store, alice, [created.hash]);
    const intruder = await craft(alice, { logId: 1, seqNum: 1 }, updateArgs(created.hash, 5n));
    // A second log (1) for a document alice already writes in log 0: the entry and the
    // operation rows go in, then the log row breaks UNIQUE (public_key, document_id).
    const secondLog: EntryRecord = {
      entry: { hash: intruder.hash, publicKey, logId: 1, seqNum: 1, bytes: intruder.entryBytes },
      operation: {
        id: intruder.hash,
        documentId: created.hash,
        schemaId: VENUE_ID,
        publicKey,
        logId: 1,
        seqNum: 1,
        action: 'update',
        previous: [created.hash],
        bytes: intruder.operationBytes,
      },
      log: { publicKey, logId: 1, documentId: created.hash, schemaId: VENUE_ID, latestSeqNum: 1, latestHash: intruder.hash },
    };
    // An action the operations table refuses: fails on the second of three rows.
    const badAction = { ...secondLog, operation: { ...secondLog.operation, action: 'rename' } } as unknown as EntryRecord;

    const check = async (store: Store) => {
      assert.deepEqual(await snapshot(store, alice, [created.hash]), before);
      assert.equal(await store.getEntryByHash(intruder.hash), undefined);
      assert.equal(await store.getEntry(publicKey, 1, 1), undefined);
      assert.equal(await store.getOperation(intruder.hash), undefined);
      assert.equal(await store.getLog(publicKey, 1), undefined);
      assert.equal((await store.getLogForDocument(publicKey, created.hash))?.logId, 0);
    };
    for (const record of [secondLog, badAction]) {
      await assert.rejects(store.insert(record), (error) => {
        assert.ok(hasCode('STORE_WRITE_FAILED')(error), String(error));
        return true;
      });
      await check(store);
    }
    // nothing half-written reached the file either, and the store still takes entries
    store = reopen(store);
    await check(store);
    const update = await publishOperation(store, schemas, alice, updateArgs(created.hash, 6n));
    assert.equal(update.entry.seqNum, 2n);
    assert.equal((await store.getLog(publicKey, 0))?.latestHash, update.hash);
  });

  test('writing to a closed store rejects with STORE_WRITE_FAILED', async () => {
    const store = open(tempPath());
    store.close();
    await assert.rejects(publishOperation(store, schemas, alice, createArgs()), (error) => error instanceof Error);
    const record: EntryRecord = {
      entry: { hash: 'x', publicKey: 'p', logId: 0, seqNum: 1, bytes: new Uint8Array(1) },
      operation: { id: 'x', documentId: 'x', schemaId: VENUE_ID, publicKey: 'p', logId: 0, seqNum: 1, action: 'create', bytes: new Uint8Array(1) },
      log: { publicKey: 'p', logId: 0, documentId: 'x', schemaId: VENUE_ID, latestSeqNum: 1, latestHash: 'x' },
    };
    await assert.rejects(store.insert(record), hasCode('STORE_WRITE_FAILED'));
  });

  test('2,000 entries published through publishOperation read back correctly, before and after reopening', async () => {
    let store = open(tempPath());
    // 2 authors x 5 documents x 200 entries (a create and 199 updates), interleaved
    const authors = [alice, bob];
    const published = new Map<string, Array<{ hash: string; entryBytes: Uint8Array; operationBytes: Uint8Array }>>();
    const heads: string[][] = [[], []];
    for (const [a, author] of authors.entries()) {
      for (let d = 0; d < 5; d++) {
        const result = await publishOperation(store, schemas, author, createArgs(`${a}/${d}`, 0n));
        published.set(`${author.publicKey()}/${d}`, [result]);
        heads[a]!.push(result.hash);
      }
    }
    for (let seq = 2; seq <= 200; seq++) {
      for (const [a, author] of authors.entries()) {
        for (let d = 0; d < 5; d++) {
          const result = await publishOperation(store, schemas, author, updateArgs(heads[a]![d]!, BigInt(seq)));
          assert.equal(result.entry.seqNum, BigInt(seq));
          assert.equal(result.entry.logId, BigInt(d));
          published.get(`${author.publicKey()}/${d}`)!.push(result);
          heads[a]![d] = result.hash;
        }
      }
    }

    const verify = async (store: Store) => {
      let count = 0;
      const logs = await store.getLogs();
      assert.equal(logs.length, 10);
      for (const log of logs) {
        const expected = published.get(`${log.publicKey}/${log.logId}`)!;
        assert.equal(log.latestSeqNum, 200);
        assert.equal(log.latestHash, expected.at(-1)!.hash);
        assert.equal(log.documentId, expected[0]!.hash);
        const entries = await store.getEntries(log.publicKey, log.logId, 1);
        assert.deepEqual(
          entries.map((e) => e.seqNum),
          Array.from({ length: 200 }, (_, i) => i + 1),
        );
        for (const [i, entry] of entries.entries()) {
          assert.equal(entry.hash, expected[i]!.hash);
          assert.deepEqual(entry.bytes, expected[i]!.entryBytes);
          const decoded = await decodeEntry(entry.bytes);
          assert.equal(decoded.backlink, i === 0 ? undefined : expected[i - 1]!.hash);
          assert.deepEqual((await store.getOperation(entry.hash))?.bytes, expected[i]!.operationBytes);
          count++;
        }
        const operations = await store.getOperationsByDocument(log.documentId);
        assert.deepEqual(
          operations.map((o) => o.id),
          expected.map((e) => e.hash),
        );
        assert.deepEqual(
          (await store.getEntries(log.publicKey, log.logId, 150, 10)).map((e) => e.hash),
          expected.slice(149, 159).map((e) => e.hash),
        );
      }
      assert.equal(count, 2000);
      assert.equal((await store.getOperationsBySchema(VENUE_ID)).length, 2000);
      assert.deepEqual(await store.getForkEvidence(), []);
    };
    await verify(store);
    store = reopen(store);
    await verify(store);
  });
});
