import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { DexieStore, MemoryStore, PandaError, nextArgs, publish, publishOperation, type Store } from '../../core/index.js';
import { hasCode } from './support.js';
import { VENUE_ID, alice, bob, createArgs, schemas, snapshot, storeSuites, updateArgs } from './store-suites.js';

let dexieCount = 0;
const dexieStores: DexieStore[] = [];
after(() => {
  for (const store of dexieStores) store.close();
});

const IMPLEMENTATIONS: Array<[string, () => Store]> = [
  ['MemoryStore', () => new MemoryStore()],
  [
    'DexieStore (fake-indexeddb)',
    () => {
      const store = new DexieStore(`panda-kit-test-${process.pid}-${dexieCount++}`, { indexedDB, IDBKeyRange });
      dexieStores.push(store);
      return store;
    },
  ],
];

for (const [name, makeStore] of IMPLEMENTATIONS) storeSuites(name, makeStore);

describe('deleted documents', () => {
  // p2panda-rs (next_args, publish) and aquadoggo's replication ingest call
  // ensure_document_not_deleted: once a DELETE is in, a document takes no more operations.
  // There is no error code for this yet, so any PandaError passes.
  const isPandaError = (error: unknown) => error instanceof PandaError;

  test('an update or delete after a DELETE is rejected and nextArgs refuses the document', async () => {
    const store = new MemoryStore();
    const created = await publishOperation(store, schemas, alice, createArgs());
    const deleted = await publishOperation(store, schemas, alice, { schemaId: VENUE_ID, action: 'delete', previous: created.hash });
    const before = await snapshot(store, alice, [created.hash]);
    const outcomes: string[] = [];
    const attempt = async (what: string, run: () => Promise<unknown>) => {
      try {
        await run();
        outcomes.push(`${what}: accepted`);
      } catch (error) {
        assert.ok(isPandaError(error), `${what}: ${String(error)}`);
      }
    };
    await attempt('nextArgs', () => nextArgs(store, bob.publicKey(), [deleted.hash]));
    await attempt('update by the author', () => publishOperation(store, schemas, alice, updateArgs(deleted.hash, 1n)));
    await attempt('update by another author', () => publishOperation(store, schemas, bob, updateArgs(deleted.hash, 1n)));
    await attempt('second delete', () => publishOperation(store, schemas, bob, { schemaId: VENUE_ID, action: 'delete', previous: deleted.hash }));
    assert.deepEqual(outcomes, []);
    assert.deepEqual(await snapshot(store, alice, [created.hash]), before);
    assert.deepEqual(await store.getLogs(bob.publicKey()), []);
  });
});

describe('error reporting', () => {
  test('nextArgs with an empty view id rejects with OPERATION_PREVIOUS_INVALID (not a TypeError)', async () => {
    const store = new MemoryStore();
    await publishOperation(store, schemas, alice, createArgs());
    await assert.rejects(nextArgs(store, alice.publicKey(), []), hasCode('OPERATION_PREVIOUS_INVALID'));
  });

  test('publish and publishOperation report every failure as a rejection, never a synchronous throw', async () => {
    const store = new MemoryStore();
    const calls: Array<[string, () => Promise<unknown>, string]> = [
      ['publish with a truncated entry', () => publish(store, schemas, new Uint8Array(10), new Uint8Array(0)), 'ENTRY_TRUNCATED'],
      ['publish with bad hex', () => publish(store, schemas, 'zz', '00'), 'HEX_INVALID'],
      ['publishOperation without fields', () => publishOperation(store, schemas, alice, { schemaId: VENUE_ID }), 'OPERATION_FIELDS_MISSING'],
      ['publishOperation with a bad schema id', () => publishOperation(store, schemas, alice, { schemaId: 'nope', fields: { a: 1 } }), 'SCHEMA_ID_INVALID'],
    ];
    const threw: string[] = [];
    for (const [what, call, code] of calls) {
      let promise: Promise<unknown>;
      try {
        promise = call();
      } catch (error) {
        // the right error, but thrown synchronously: `publish(...).catch(...)` would not see it
        assert.ok(hasCode(code)(error), `${what}: ${String(error)}`);
        threw.push(`${what} (${code})`);
        continue;
      }
      await assert.rejects(promise, hasCode(code), what);
    }
    assert.deepEqual(threw, [], `threw synchronously instead of rejecting: ${threw.join('; ')}`);
  });
});
