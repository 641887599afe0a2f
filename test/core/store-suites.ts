/**
 * The `Store` conformance suites, shared by test/core/publish.test.ts (MemoryStore,
 * DexieStore) and test/node/sqlite-store.test.ts (SqliteStore), with the fixtures they use.
 * Not a test file itself (no `.test.ts` suffix): suites run when `storeSuites` is called.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  KeyPair,
  Schema,
  SchemaRegistry,
  decodeEntry,
  encodeOperation,
  generateHash,
  isSkiplinkRequired,
  lipmaa,
  nextArgs,
  publish,
  publishOperation,
  schemaIdFor,
  signAndEncodeEntry,
  type EntryArgs,
  type EntryRecord,
  type OperationArgs,
  type Store,
} from '../../core/index.js';
import { checkEntry, storeCheckedEntry } from '../../core/api/publish.js';
import { MemoryStore } from '../../core/storage/memory-store.js';
import { inBatch } from '../../core/storage/store.js';
import { hasCode } from './support.js';

export const VENUE_ID = schemaIdFor('venue', [generateHash(Uint8Array.of(1))]);
export const STAGE_ID = schemaIdFor('stage', [generateHash(Uint8Array.of(2))]);
export const UNKNOWN_ID = schemaIdFor('ghost', [generateHash(Uint8Array.of(3))]);
export const venue = new Schema({ id: VENUE_ID, description: 'A place', fields: { name: 'str', capacity: 'int' } });
export const stage = new Schema({ id: STAGE_ID, description: 'A stage', fields: { name: 'str', capacity: 'int' } });
export const schemas = new SchemaRegistry([venue, stage]);

export const alice = new KeyPair('01'.repeat(32));
export const bob = new KeyPair('02'.repeat(32));
export const RANDOM_HASH = generateHash(Uint8Array.of(0xff));

export const createArgs = (name = 'Hall', capacity = 100n): OperationArgs => ({ schemaId: VENUE_ID, fields: { name, capacity } });
export const updateArgs = (previous: string | string[], capacity: bigint, schemaId = VENUE_ID): OperationArgs => ({
  schemaId,
  action: 'update',
  previous,
  fields: { capacity },
});

/** An entry and operation signed by hand, for positions publishOperation would never choose. */
export async function craft(keyPair: KeyPair, links: Omit<EntryArgs, 'operation'>, args: OperationArgs) {
  const operationBytes = encodeOperation(args);
  const entryBytes = await signAndEncodeEntry({ ...links, operation: operationBytes }, keyPair);
  return { entryBytes, operationBytes, hash: generateHash(entryBytes) };
}

/** A store's whole visible state for one author, to check that failures write nothing. */
export async function snapshot(store: Store, keyPair: KeyPair, documentIds: string[] = []) {
  const publicKey = keyPair.publicKey();
  const logs = await store.getLogs(publicKey);
  const entries = [];
  for (const log of logs) entries.push(...(await store.getEntries(publicKey, log.logId, 1)));
  const operations = [];
  for (const id of documentIds) operations.push(...(await store.getOperationsByDocument(id)));
  return {
    logs,
    entries: entries.map((e) => e.hash),
    operations: operations.map((o) => o.id).sort(),
    bySchema: (await store.getOperationsBySchema(VENUE_ID)).length,
  };
}

/**
 * The conformance suites every `Store` must pass: publishing through core on it, and its
 * own query and insert semantics. Each test calls `makeStore` for a fresh, empty store.
 */
export function storeSuites(name: string, makeStore: () => Store) {
  describe(`publishing on ${name}`, () => {
    test('a create starts log 0 at seq 1; the operation id is the document id', async () => {
      const store = makeStore();
      const result = await publishOperation(store, schemas, alice, createArgs());
      assert.equal(result.duplicate, false);
      assert.equal(result.entry.logId, 0n);
      assert.equal(result.entry.seqNum, 1n);
      assert.equal(result.entry.backlink, undefined);
      assert.equal(result.entry.skiplink, undefined);
      assert.equal(result.hash, generateHash(result.entryBytes));
      assert.equal(result.documentId, result.hash);
      assert.equal(result.operation.action, 'create');
      assert.equal(result.operation.fields!.get('capacity'), 100n);

      const publicKey = alice.publicKey();
      assert.deepEqual(await store.getLog(publicKey, 0), {
        publicKey,
        logId: 0,
        documentId: result.hash,
        schemaId: VENUE_ID,
        latestSeqNum: 1,
        latestHash: result.hash,
      });
      const stored = await store.getEntry(publicKey, 0, 1);
      assert.deepEqual(stored, { hash: result.hash, publicKey, logId: 0, seqNum: 1, bytes: result.entryBytes });
      assert.deepEqual(await store.getEntryByHash(result.hash), stored);
      const operation = await store.getOperation(result.hash);
      assert.equal(operation?.documentId, result.hash);
      assert.equal(operation?.action, 'create');
      assert.equal(operation?.previous, undefined);
      assert.deepEqual(operation?.bytes, result.operationBytes);
      assert.deepEqual(await store.getLogForDocument(publicKey, result.hash), await store.getLog(publicKey, 0));
    });

    test('every new document of an author gets a new log id', async () => {
      const store = makeStore();
      const logIds = [];
      for (let i = 0; i < 4; i++) logIds.push((await publishOperation(store, schemas, alice, createArgs(`Hall ${i}`))).entry.logId);
      assert.deepEqual(logIds, [0n, 1n, 2n, 3n]);
      assert.deepEqual(
        (await store.getLogs(alice.publicKey())).map((log) => log.logId),
        [0, 1, 2, 3],
      );
      // bob's logs are counted separately
      assert.equal((await publishOperation(store, schemas, bob, createArgs())).entry.logId, 0n);
    });

    test('updates by the same author go to the same log; another author gets their own log at seq 1', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      await publishOperation(store, schemas, alice, createArgs('Other'));
      const update = await publishOperation(store, schemas, alice, updateArgs(created.hash, 200n));
      assert.equal(update.entry.logId, 0n);
      assert.equal(update.entry.seqNum, 2n);
      assert.equal(update.entry.backlink, created.hash);
      assert.equal(update.documentId, created.hash);
      assert.deepEqual(update.operation.previous, [created.hash]);

      const bobs = await publishOperation(store, schemas, bob, updateArgs(update.hash, 300n));
      assert.equal(bobs.entry.logId, 0n);
      assert.equal(bobs.entry.seqNum, 1n);
      assert.equal(bobs.entry.backlink, undefined);
      assert.equal(bobs.documentId, created.hash);
      assert.equal((await store.getLogForDocument(bob.publicKey(), created.hash))?.logId, 0);

      // alice continues her log after bob's update
      const again = await publishOperation(store, schemas, alice, updateArgs(bobs.hash, 400n));
      assert.equal(again.entry.logId, 0n);
      assert.equal(again.entry.seqNum, 3n);
      assert.equal(again.entry.backlink, update.hash);

      const deleted = await publishOperation(store, schemas, bob, { schemaId: VENUE_ID, action: 'delete', previous: again.hash });
      assert.equal(deleted.entry.logId, 0n);
      assert.equal(deleted.entry.seqNum, 2n);
      assert.equal(deleted.operation.action, 'delete');
      assert.deepEqual(
        (await store.getOperationsByDocument(created.hash)).map((o) => o.id).sort(),
        [created.hash, update.hash, bobs.hash, again.hash, deleted.hash].sort(),
      );
      assert.equal((await store.getOperationsBySchema(VENUE_ID)).length, 6);
    });

    test('nextArgs: new logs, backlinks and skiplinks over 20 updates (skiplinks at 4, 8, 12, 13, 17, 21)', async () => {
      const store = makeStore();
      const publicKey = alice.publicKey();
      await publishOperation(store, schemas, alice, createArgs('first'));
      assert.deepEqual(await nextArgs(store, publicKey), { logId: 1n, seqNum: 1n });
      const created = await publishOperation(store, schemas, alice, createArgs());
      assert.equal(created.entry.logId, 1n);
      const hashes = new Map<number, string>([[1, created.hash]]);
      let latest = created.hash;
      for (let seq = 2; seq <= 21; seq++) {
        const args = await nextArgs(store, publicKey, [latest]);
        const expected: Record<string, unknown> = { logId: 1n, seqNum: BigInt(seq), backlink: hashes.get(seq - 1) };
        if (isSkiplinkRequired(BigInt(seq))) expected.skiplink = hashes.get(Number(lipmaa(BigInt(seq))));
        assert.deepEqual(args, expected, `nextArgs for seq ${seq}`);
        const result = await publishOperation(store, schemas, alice, updateArgs(latest, BigInt(seq)));
        assert.equal(result.entry.seqNum, BigInt(seq));
        assert.equal(result.entry.backlink, hashes.get(seq - 1));
        assert.equal(result.entry.skiplink, expected.skiplink);
        hashes.set(seq, result.hash);
        latest = result.hash;
      }
      const withSkiplink = [];
      for (const entry of await store.getEntries(publicKey, 1, 1)) {
        if ((await decodeEntry(entry.bytes)).skiplink !== undefined) withSkiplink.push(entry.seqNum);
      }
      assert.deepEqual(withSkiplink, [4, 8, 12, 13, 17, 21]);
      assert.equal(hashes.get(4) !== undefined && (await decodeEntry((await store.getEntry(publicKey, 1, 4))!.bytes)).skiplink, hashes.get(1));
      assert.equal((await decodeEntry((await store.getEntry(publicKey, 1, 13))!.bytes)).skiplink, hashes.get(4));
      assert.equal((await decodeEntry((await store.getEntry(publicKey, 1, 17))!.bytes)).skiplink, hashes.get(13));
      // a new author on an existing document starts a log of their own
      assert.deepEqual(await nextArgs(store, bob.publicKey(), [latest]), { logId: 0n, seqNum: 1n });
      // getEntries: range and limit
      assert.deepEqual(
        (await store.getEntries(publicKey, 1, 5, 3)).map((e) => e.seqNum),
        [5, 6, 7],
      );
      assert.deepEqual(
        (await store.getEntries(publicKey, 1, 20)).map((e) => e.seqNum),
        [20, 21],
      );
      assert.deepEqual(await store.getEntries(publicKey, 7, 1), []);
    });

    test('nextArgs for an unknown view id -> DOCUMENT_UNKNOWN', async () => {
      const store = makeStore();
      await assert.rejects(nextArgs(store, alice.publicKey(), [RANDOM_HASH]), hasCode('DOCUMENT_UNKNOWN'));
    });

    test('publishing the same entry again returns duplicate: true and stores nothing new', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      const update = await publishOperation(store, schemas, alice, updateArgs(created.hash, 1n));
      await publishOperation(store, schemas, alice, updateArgs(update.hash, 2n));
      const before = await snapshot(store, alice, [created.hash]);
      for (const { entryBytes, operationBytes, hash } of [update, created]) {
        const again = await publish(store, schemas, entryBytes, operationBytes);
        assert.equal(again.duplicate, true);
        assert.equal(again.hash, hash);
        assert.equal(again.documentId, created.hash);
      }
      assert.deepEqual(await snapshot(store, alice, [created.hash]), before);
      assert.equal(before.entries.length, 3);
      assert.deepEqual(await store.getForkEvidence(), []);
    });

    test('two different entries at one position -> LOG_FORK, with both entries kept as evidence', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      const first = await craft(alice, { logId: 0, seqNum: 2, backlink: created.hash }, updateArgs(created.hash, 1n));
      const second = await craft(alice, { logId: 0, seqNum: 2, backlink: created.hash }, updateArgs(created.hash, 2n));
      assert.notEqual(first.hash, second.hash);
      assert.equal((await publish(store, schemas, first.entryBytes, first.operationBytes)).duplicate, false);
      const before = await snapshot(store, alice, [created.hash]);
      await assert.rejects(publish(store, schemas, second.entryBytes, second.operationBytes), hasCode('LOG_FORK'));
      assert.deepEqual(await snapshot(store, alice, [created.hash]), before);
      assert.equal(await store.getOperation(second.hash), undefined);

      const evidence = await store.getForkEvidence(alice.publicKey());
      assert.equal(evidence.length, 1);
      const [fork] = evidence;
      assert.equal(fork!.publicKey, alice.publicKey());
      assert.equal(fork!.logId, 0);
      assert.equal(fork!.seqNum, 2);
      assert.equal(fork!.kind, 'seq');
      assert.deepEqual(fork!.stored, first.entryBytes);
      assert.deepEqual(fork!.conflicting, second.entryBytes);
      assert.ok(typeof fork!.detectedAt === 'number' && fork!.detectedAt > 0);
      assert.deepEqual(await store.getForkEvidence(), evidence);
      assert.deepEqual(await store.getForkEvidence(bob.publicKey()), []);
    });

    test('a backlink that is not the hash of the previous entry -> ENTRY_BACKLINK_MISMATCH, kept as backlink evidence', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      const update = await publishOperation(store, schemas, alice, updateArgs(created.hash, 1n));
      const wrong = await craft(alice, { logId: 0, seqNum: 3, backlink: created.hash }, updateArgs(update.hash, 2n));
      const before = await snapshot(store, alice, [created.hash]);
      await assert.rejects(publish(store, schemas, wrong.entryBytes, wrong.operationBytes), hasCode('ENTRY_BACKLINK_MISMATCH'));
      assert.deepEqual(await snapshot(store, alice, [created.hash]), before);
      const evidence = await store.getForkEvidence(alice.publicKey());
      assert.equal(evidence.length, 1);
      assert.equal(evidence[0]!.kind, 'backlink');
      assert.equal(evidence[0]!.logId, 0);
      assert.deepEqual(evidence[0]!.stored, update.entryBytes);
      assert.deepEqual(evidence[0]!.conflicting, wrong.entryBytes);
    });

    test('a wrong skiplink -> ENTRY_SKIPLINK_MISMATCH', async () => {
      const store = makeStore();
      const hashes = [(await publishOperation(store, schemas, alice, createArgs())).hash];
      for (let seq = 2; seq <= 3; seq++) hashes.push((await publishOperation(store, schemas, alice, updateArgs(hashes.at(-1)!, BigInt(seq)))).hash);
      // seq 4 must skip to seq 1; this one skips to seq 2
      const wrong = await craft(alice, { logId: 0, seqNum: 4, backlink: hashes[2]!, skiplink: hashes[1]! }, updateArgs(hashes[2]!, 4n));
      const before = await snapshot(store, alice, [hashes[0]!]);
      await assert.rejects(publish(store, schemas, wrong.entryBytes, wrong.operationBytes), hasCode('ENTRY_SKIPLINK_MISMATCH'));
      assert.deepEqual(await snapshot(store, alice, [hashes[0]!]), before);
      // the right one goes in
      const right = await craft(alice, { logId: 0, seqNum: 4, backlink: hashes[2]!, skiplink: hashes[0]! }, updateArgs(hashes[2]!, 4n));
      assert.equal((await publish(store, schemas, right.entryBytes, right.operationBytes)).entry.seqNum, 4n);
    });

    test('an entry beyond the end of its log -> LOG_SEQ_GAP', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      const gap = await craft(alice, { logId: 0, seqNum: 3, backlink: created.hash }, updateArgs(created.hash, 1n));
      await assert.rejects(publish(store, schemas, gap.entryBytes, gap.operationBytes), hasCode('LOG_SEQ_GAP'));
      const noLog = await craft(alice, { logId: 5, seqNum: 2, backlink: created.hash }, updateArgs(created.hash, 1n));
      await assert.rejects(publish(store, schemas, noLog.entryBytes, noLog.operationBytes), hasCode('LOG_SEQ_GAP'));
      assert.equal((await store.getLogs(alice.publicKey())).length, 1);
    });

    test('an update whose previous operation is unknown -> DOCUMENT_UNKNOWN', async () => {
      const store = makeStore();
      await assert.rejects(publishOperation(store, schemas, alice, updateArgs(RANDOM_HASH, 1n)), hasCode('DOCUMENT_UNKNOWN'));
      const crafted = await craft(alice, { logId: 0, seqNum: 1 }, updateArgs(RANDOM_HASH, 1n));
      await assert.rejects(publish(store, schemas, crafted.entryBytes, crafted.operationBytes), hasCode('DOCUMENT_UNKNOWN'));
      // one known and one unknown previous
      const created = await publishOperation(store, schemas, alice, createArgs());
      await assert.rejects(publishOperation(store, schemas, bob, updateArgs([created.hash, RANDOM_HASH], 1n)), hasCode('DOCUMENT_UNKNOWN'));
      assert.deepEqual(await store.getLogs(bob.publicKey()), []);
    });

    test('previous operations from two different documents -> OPERATION_PREVIOUS_INVALID', async () => {
      const store = makeStore();
      const a = await publishOperation(store, schemas, alice, createArgs('A'));
      const b = await publishOperation(store, schemas, alice, createArgs('B'));
      await assert.rejects(publishOperation(store, schemas, bob, updateArgs([a.hash, b.hash], 1n)), hasCode('OPERATION_PREVIOUS_INVALID'));
    });

    test('a create at seq 2 -> LOG_DOCUMENT_MISMATCH', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      const crafted = await craft(alice, { logId: 0, seqNum: 2, backlink: created.hash }, createArgs('Another'));
      await assert.rejects(publish(store, schemas, crafted.entryBytes, crafted.operationBytes), hasCode('LOG_DOCUMENT_MISMATCH'));
      assert.equal((await store.getLog(alice.publicKey(), 0))?.latestSeqNum, 1);
    });

    test('an update in the log of a different document, or in a second log for one document -> LOG_DOCUMENT_MISMATCH', async () => {
      const store = makeStore();
      const a = await publishOperation(store, schemas, alice, createArgs('A'));
      const b = await publishOperation(store, schemas, alice, createArgs('B'));
      assert.equal(b.entry.logId, 1n);
      const wrongLog = await craft(alice, { logId: 0, seqNum: 2, backlink: a.hash }, updateArgs(b.hash, 1n));
      await assert.rejects(publish(store, schemas, wrongLog.entryBytes, wrongLog.operationBytes), hasCode('LOG_DOCUMENT_MISMATCH'));
      const secondLog = await craft(alice, { logId: 2, seqNum: 1 }, updateArgs(a.hash, 1n));
      await assert.rejects(publish(store, schemas, secondLog.entryBytes, secondLog.operationBytes), hasCode('LOG_DOCUMENT_MISMATCH'));
      assert.deepEqual(
        (await store.getLogs(alice.publicKey())).map((l) => [l.logId, l.latestSeqNum]),
        [
          [0, 1],
          [1, 1],
        ],
      );
    });

    test("an unknown schema -> SCHEMA_UNKNOWN, a schema other than the document's -> SCHEMA_MISMATCH", async () => {
      const store = makeStore();
      await assert.rejects(publishOperation(store, schemas, alice, { schemaId: UNKNOWN_ID, fields: { name: 'x' } }), hasCode('SCHEMA_UNKNOWN'));
      assert.deepEqual(await store.getLogs(), []);
      const created = await publishOperation(store, schemas, alice, createArgs());
      await assert.rejects(publishOperation(store, schemas, alice, updateArgs(created.hash, 1n, STAGE_ID)), hasCode('SCHEMA_MISMATCH'));
      assert.equal((await store.getLog(alice.publicKey(), 0))?.latestSeqNum, 1);
    });

    test('invalid operations, payloads and signatures are rejected before anything is stored', async () => {
      const store = makeStore();
      await assert.rejects(publishOperation(store, schemas, alice, { schemaId: VENUE_ID, fields: { name: 'x' } }), hasCode('OPERATION_FIELDS_MISSING'));
      await assert.rejects(
        publishOperation(store, schemas, alice, { schemaId: VENUE_ID, fields: { name: 'x', capacity: 'many' } }),
        hasCode('OPERATION_FIELD_VALUE_INVALID'),
      );
      const good = await craft(alice, { logId: 0, seqNum: 1 }, createArgs());
      const other = encodeOperation(createArgs('Different'));
      await assert.rejects(publish(store, schemas, good.entryBytes, other), hasCode('ENTRY_PAYLOAD_SIZE_MISMATCH'));
      const sameSize = encodeOperation(createArgs('Hell'));
      await assert.rejects(publish(store, schemas, good.entryBytes, sameSize), hasCode('ENTRY_PAYLOAD_HASH_MISMATCH'));
      const forged = good.entryBytes.slice();
      forged[forged.length - 1]! ^= 1;
      await assert.rejects(publish(store, schemas, forged, good.operationBytes), hasCode('ENTRY_SIGNATURE_INVALID'));
      const huge = await craft(alice, { logId: 2n ** 53n, seqNum: 1 }, createArgs());
      await assert.rejects(publish(store, schemas, huge.entryBytes, huge.operationBytes), hasCode('ENTRY_NUMBER_TOO_LARGE'));
      assert.deepEqual(await store.getLogs(), []);
      assert.deepEqual(await store.getForkEvidence(), []);
      // and the good one goes in, as hex too
      const result = await publish(store, schemas, Buffer.from(good.entryBytes).toString('hex'), Buffer.from(good.operationBytes).toString('hex'));
      assert.equal(result.hash, good.hash);
    });

    test('a create may take any free log id, as in p2panda-rs (new_document_free_log_not_next); nextArgs continues after the highest', async () => {
      const store = makeStore();
      await publishOperation(store, schemas, alice, createArgs('zero'));
      const far = await craft(alice, { logId: 100, seqNum: 1 }, createArgs('hundred'));
      const result = await publish(store, schemas, far.entryBytes, far.operationBytes);
      assert.equal(result.entry.logId, 100n);
      assert.equal(result.documentId, far.hash);
      assert.deepEqual(await nextArgs(store, alice.publicKey()), { logId: 101n, seqNum: 1n });
      // but not a taken one
      const taken = await craft(alice, { logId: 0, seqNum: 1 }, createArgs('again'));
      await assert.rejects(publish(store, schemas, taken.entryBytes, taken.operationBytes), hasCode('LOG_FORK'));
    });

    test('20 concurrent updates by one author all succeed, at seq 2..21 in call order, without a fork', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => publishOperation(store, schemas, alice, updateArgs(created.hash, BigInt(i)))));
      assert.deepEqual(
        results.map((r) => r.entry.seqNum),
        Array.from({ length: 20 }, (_, i) => BigInt(i + 2)),
      );
      assert.ok(results.every((r) => r.entry.logId === 0n && !r.duplicate));
      for (let i = 1; i < results.length; i++) assert.equal(results[i]!.entry.backlink, results[i - 1]!.hash);
      assert.equal((await store.getLog(alice.publicKey(), 0))?.latestSeqNum, 21);
      assert.deepEqual(await store.getForkEvidence(), []);
    });

    test('20 concurrent creates by one author get logs 0..19 in call order; another author is not held up', async () => {
      const store = makeStore();
      const results = await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => publishOperation(store, schemas, alice, createArgs(`Hall ${i}`))),
        publishOperation(store, schemas, bob, createArgs('Bob')),
      ]);
      assert.deepEqual(
        results.slice(0, 20).map((r) => r.entry.logId),
        Array.from({ length: 20 }, (_, i) => BigInt(i)),
      );
      assert.ok(results.every((r) => r.entry.seqNum === 1n));
      assert.equal(results[20]!.entry.logId, 0n);
      assert.deepEqual(
        (await store.getLogs(alice.publicKey())).map((l) => l.logId),
        Array.from({ length: 20 }, (_, i) => i),
      );
    });
  });

  describe(`store batches on ${name}`, () => {
    /** A venue and 20 updates of it by alice, published elsewhere: the entries a sync brings. */
    async function elsewhere(): Promise<Array<{ entry: Uint8Array; operation: Uint8Array; hash: string }>> {
      const source = new MemoryStore();
      const created = await publishOperation(source, schemas, alice, createArgs());
      const items = [{ entry: created.entryBytes, operation: created.operationBytes, hash: created.hash }];
      for (let i = 1; i <= 20; i++) {
        const updated = await publishOperation(source, schemas, alice, updateArgs(items.at(-1)!.hash, BigInt(100 + i)));
        items.push({ entry: updated.entryBytes, operation: updated.operationBytes, hash: updated.hash });
      }
      return items;
    }

    test('entries stored in one batch each see the ones before them (backlinks, skiplinks, their document), and all are there after', async () => {
      const store = makeStore();
      const items = await elsewhere();
      const checked = await Promise.all(items.map((item) => checkEntry(schemas, item.entry, item.operation)));
      const results = await inBatch(store, async (inside) => {
        const stored = [];
        for (const entry of checked) stored.push(await storeCheckedEntry(inside, entry));
        return stored;
      });
      assert.deepEqual(
        results.map((result) => result.duplicate),
        items.map(() => false),
      );
      assert.equal((await store.getLog(alice.publicKey(), 0))?.latestSeqNum, 21);
      assert.equal((await store.getOperationsByDocument(items[0]!.hash)).length, 21);
    });

    test('logs asked for together inside a batch are each answered right: held, missing, asked twice, written in the batch', async () => {
      const store = makeStore();
      const items = await elsewhere();
      const [first, ...rest] = await Promise.all(items.map((item) => checkEntry(schemas, item.entry, item.operation)));
      await storeCheckedEntry(store, first!);
      const answers = await inBatch(store, async (inside) => {
        const together = await Promise.all([
          inside.getLog(alice.publicKey(), 0),
          inside.getLog(alice.publicKey(), 7),
          inside.getLog(alice.publicKey(), 0),
          inside.getLog(bob.publicKey(), 0),
        ]);
        await storeCheckedEntry(inside, rest[0]!);
        return [...together, await inside.getLog(alice.publicKey(), 0)];
      });
      assert.deepEqual(
        answers.map((log) => log?.latestSeqNum),
        [1, undefined, 1, undefined, 2],
      );
    });

    test('operations and entries asked for together inside a batch are each answered right: held, missing, then written in the batch', async () => {
      const store = makeStore();
      const items = await elsewhere();
      const checked = await Promise.all(items.map((item) => checkEntry(schemas, item.entry, item.operation)));
      await storeCheckedEntry(store, checked[0]!);
      const [held, second] = [items[0]!.hash, items[1]!.hash];
      const answers = await inBatch(store, async (inside) => {
        const before = await Promise.all([inside.getOperation(held), inside.getOperation(second), inside.getEntryByHash(held), inside.getEntryByHash(second)]);
        await storeCheckedEntry(inside, checked[1]!);
        const after = await Promise.all([
          inside.getOperation(second),
          inside.getEntryByHash(second),
          inside.getEntry(alice.publicKey(), 0, 2),
          inside.getEntry(alice.publicKey(), 0, 1),
        ]);
        return [...before, ...after].map((found) => found && ('id' in found ? found.id : found.hash));
      });
      assert.deepEqual(answers, [held, undefined, held, undefined, second, second, second, held]);
    });

    test('a batch the storage fails writes nothing of it', { skip: makeStore().batch === undefined && 'no batches: each write stands alone' }, async () => {
      const store = makeStore();
      const checked = await Promise.all((await elsewhere()).map((item) => checkEntry(schemas, item.entry, item.operation)));
      await storeCheckedEntry(store, checked[0]!);
      const first = checked[0]!;
      const publicKey = alice.publicKey();
      await assert.rejects(
        inBatch(store, async (inside) => {
          for (const entry of checked.slice(1)) await storeCheckedEntry(inside, entry);
          // Last, a record the storage itself refuses: an entry hash it holds already, elsewhere.
          await inside.insert({
            entry: { hash: first.hash, publicKey, logId: 5, seqNum: 1, bytes: Uint8Array.of(1) },
            operation: {
              id: generateHash(Uint8Array.of(7)),
              documentId: first.hash,
              schemaId: VENUE_ID,
              publicKey,
              logId: 5,
              seqNum: 1,
              action: 'create',
              bytes: Uint8Array.of(2),
            },
            log: { publicKey, logId: 5, documentId: generateHash(Uint8Array.of(7)), schemaId: VENUE_ID, latestSeqNum: 1, latestHash: first.hash },
          });
        }),
        hasCode('STORE_WRITE_FAILED'),
      );
      assert.equal((await store.getLog(publicKey, 0))?.latestSeqNum, 1, 'none of the batch');
      assert.equal(await store.getEntryByHash(checked[5]!.hash), undefined);
      assert.equal(await store.getLog(publicKey, 5), undefined);
      // The store is usable afterwards.
      await storeCheckedEntry(store, checked[1]!);
      assert.equal((await store.getLog(publicKey, 0))?.latestSeqNum, 2);
    });
  });

  describe(`store semantics of ${name}`, () => {
    test('insert at an occupied position rejects with ENTRY_DUPLICATE and writes nothing', async () => {
      const store = makeStore();
      const created = await publishOperation(store, schemas, alice, createArgs());
      const publicKey = alice.publicKey();
      const before = await snapshot(store, alice, [created.hash]);
      const intruder = generateHash(Uint8Array.of(42));
      const record: EntryRecord = {
        entry: { hash: intruder, publicKey, logId: 0, seqNum: 1, bytes: Uint8Array.of(1, 2, 3) },
        operation: {
          id: intruder,
          documentId: intruder,
          schemaId: VENUE_ID,
          publicKey,
          logId: 0,
          seqNum: 1,
          action: 'create',
          bytes: Uint8Array.of(4, 5, 6),
        },
        log: { publicKey, logId: 0, documentId: intruder, schemaId: VENUE_ID, latestSeqNum: 1, latestHash: intruder },
      };
      await assert.rejects(store.insert(record), hasCode('ENTRY_DUPLICATE'));
      assert.deepEqual(await snapshot(store, alice, [created.hash]), before);
      assert.equal(await store.getEntryByHash(intruder), undefined);
      assert.equal(await store.getOperation(intruder), undefined);
      assert.deepEqual(await store.getOperationsByDocument(intruder), []);
      assert.equal(await store.getLogForDocument(publicKey, intruder), undefined);
      assert.equal((await store.getLog(publicKey, 0))?.latestHash, created.hash);
      assert.equal((await store.getLogForDocument(publicKey, created.hash))?.logId, 0);
      assert.deepEqual((await store.getEntry(publicKey, 0, 1))?.bytes, created.entryBytes);
    });

    test('insert, then read back through every query', async () => {
      const store = makeStore();
      const publicKey = bob.publicKey();
      const hashes = [generateHash(Uint8Array.of(10)), generateHash(Uint8Array.of(11)), generateHash(Uint8Array.of(12))];
      const documentId = hashes[0]!;
      for (const [i, hash] of hashes.entries()) {
        await store.insert({
          entry: { hash, publicKey, logId: 3, seqNum: i + 1, bytes: Uint8Array.of(i) },
          operation: {
            id: hash,
            documentId,
            schemaId: STAGE_ID,
            publicKey,
            logId: 3,
            seqNum: i + 1,
            action: i === 0 ? 'create' : 'update',
            ...(i === 0 ? {} : { previous: [hashes[i - 1]!] }),
            bytes: Uint8Array.of(100 + i),
          },
          log: { publicKey, logId: 3, documentId, schemaId: STAGE_ID, latestSeqNum: i + 1, latestHash: hash },
        });
      }
      assert.deepEqual(await store.getLog(publicKey, 3), { publicKey, logId: 3, documentId, schemaId: STAGE_ID, latestSeqNum: 3, latestHash: hashes[2] });
      assert.equal(await store.getLog(publicKey, 0), undefined);
      assert.deepEqual(
        (await store.getEntries(publicKey, 3, 2)).map((e) => e.hash),
        hashes.slice(1),
      );
      assert.deepEqual(
        (await store.getEntries(publicKey, 3, 1, 1)).map((e) => e.hash),
        hashes.slice(0, 1),
      );
      assert.deepEqual((await store.getEntry(publicKey, 3, 2))?.bytes, Uint8Array.of(1));
      assert.deepEqual((await store.getOperation(hashes[2]!))?.previous, [hashes[1]]);
      assert.deepEqual((await store.getOperation(hashes[2]!))?.bytes, Uint8Array.of(102));
      assert.deepEqual((await store.getOperationsBySchema(STAGE_ID)).map((o) => o.id).sort(), [...hashes].sort());
      assert.deepEqual(await store.getOperationsBySchema(VENUE_ID), []);
      assert.equal((await store.getLogForDocument(publicKey, documentId))?.latestSeqNum, 3);
      assert.equal(await store.getLogForDocument(alice.publicKey(), documentId), undefined);
    });

    test('getLogs orders by author, then numerically by log id', async () => {
      const store = makeStore();
      const authors = [alice, bob].sort((x, y) => (x.publicKey() < y.publicKey() ? -1 : 1));
      for (const author of [...authors].reverse()) {
        for (const logId of [10, 2, 0]) {
          const hash = generateHash(new TextEncoder().encode(`${author.publicKey()}/${logId}`));
          const publicKey = author.publicKey();
          await store.insert({
            entry: { hash, publicKey, logId, seqNum: 1, bytes: new Uint8Array(1) },
            operation: { id: hash, documentId: hash, schemaId: VENUE_ID, publicKey, logId, seqNum: 1, action: 'create', bytes: new Uint8Array(1) },
            log: { publicKey, logId, documentId: hash, schemaId: VENUE_ID, latestSeqNum: 1, latestHash: hash },
          });
        }
      }
      const all = (await store.getLogs()).map((l) => [l.publicKey, l.logId]);
      assert.deepEqual(
        all,
        authors.flatMap((a) => [0, 2, 10].map((id) => [a.publicKey(), id])),
      );
      assert.deepEqual(
        (await store.getLogs(bob.publicKey())).map((l) => l.logId),
        [0, 2, 10],
      );
    });

    test('fork evidence round trips with its bytes', async () => {
      const store = makeStore();
      const evidence = {
        publicKey: alice.publicKey(),
        logId: 1,
        seqNum: 5,
        kind: 'seq' as const,
        stored: Uint8Array.of(1, 2),
        conflicting: Uint8Array.of(3, 4),
        detectedAt: 1234,
      };
      await store.addForkEvidence(evidence);
      await store.addForkEvidence({ ...evidence, publicKey: bob.publicKey(), kind: 'backlink' });
      assert.deepEqual(await store.getForkEvidence(alice.publicKey()), [evidence]);
      assert.equal((await store.getForkEvidence()).length, 2);
      assert.equal((await store.getForkEvidence(bob.publicKey()))[0]!.kind, 'backlink');
    });
  });
}
