/// <reference types="mocha" />
/**
 * DexieStore on Chromium's real IndexedDB (no fake-indexeddb): everything `publishOperation`
 * writes reads back through every Store method, survives reopening the database, and a write
 * that fails half way (duplicate position, failing operation write, aborted transaction,
 * failing log write) leaves the tables exactly as they were.
 */
import { expect } from 'chai';
import type { DBCore, DBCoreMutateRequest, Middleware } from 'dexie';
import {
  DexieStore,
  OperationFields,
  decodeEntry,
  encodeOperation,
  generateHash,
  isSkiplinkRequired,
  lipmaa,
  nextArgs,
  publish,
  publishOperation,
  signAndEncodeEntry,
  type EntryRecord,
  type Hash,
  type KeyPair,
  type LogInfo,
  type OperationArgs,
  type StoredEntry,
  type StoredOperation,
} from '../../core/index.js';
import { EVENT_SCHEMA, VENUE_SCHEMA, alice, bob, byId, expectPandaError, registry, uniqueDbName } from './fixtures.js';

/** What one publish put into the store, for comparing with what reads return. */
interface Published {
  keyPair: KeyPair;
  hash: Hash;
  logId: number;
  seqNum: number;
  documentId: Hash;
  schemaId: string;
  action: 'create' | 'update' | 'delete';
  previous?: Hash[];
  entryBytes: Uint8Array;
  operationBytes: Uint8Array;
}

interface Festival {
  /** Alice's event document (alice log 0, bob log 0). */
  event: Hash;
  /** Alice's venue document (alice log 1). */
  venue: Hash;
  aliceEvent: Published[];
  aliceVenue: Published[];
  bobEvent: Published[];
  all: Published[];
}

const EVENT_ENTRIES = 25;
const VENUE_ENTRIES = 5;
const BOB_ENTRIES = 2;
const TOTAL = EVENT_ENTRIES + VENUE_ENTRIES + BOB_ENTRIES;

async function publishOne(store: DexieStore, keyPair: KeyPair, args: OperationArgs): Promise<Published> {
  const result = await publishOperation(store, registry, keyPair, args);
  expect(result.duplicate).to.equal(false);
  const published: Published = {
    keyPair,
    hash: result.hash,
    logId: Number(result.entry.logId),
    seqNum: Number(result.entry.seqNum),
    documentId: result.documentId,
    schemaId: args.schemaId,
    action: args.action ?? 'create',
    entryBytes: result.entryBytes,
    operationBytes: result.operationBytes,
  };
  if (args.previous !== undefined) published.previous = typeof args.previous === 'string' ? [args.previous] : [...args.previous].sort();
  return published;
}

/**
 * 32 entries in three logs: alice's event document (create + 24 updates, long enough for
 * several skiplinks), alice's venue document (create + 4 updates) and bob's two updates of
 * alice's event (bob's first log, for a document he did not create).
 */
async function publishFestival(store: DexieStore): Promise<Festival> {
  const aliceEvent: Published[] = [];
  aliceEvent.push(await publishOne(store, alice, { schemaId: EVENT_SCHEMA.id, fields: { title: 'Opening', slot: 1, cancelled: false } }));
  const event = aliceEvent[0]!.hash;

  const aliceVenue: Published[] = [];
  aliceVenue.push(await publishOne(store, alice, { schemaId: VENUE_SCHEMA.id, fields: { name: 'Big tent', capacity: 400 } }));
  const venue = aliceVenue[0]!.hash;

  for (let i = 2; i <= EVENT_ENTRIES; i++) {
    const fields = new OperationFields();
    fields.insert('title', 'str', `Opening, take ${i}`);
    fields.insert('slot', 'int', BigInt(i));
    aliceEvent.push(await publishOne(store, alice, { schemaId: EVENT_SCHEMA.id, action: 'update', previous: aliceEvent.at(-1)!.hash, fields }));
    if (i <= VENUE_ENTRIES) {
      aliceVenue.push(
        await publishOne(store, alice, { schemaId: VENUE_SCHEMA.id, action: 'update', previous: [aliceVenue.at(-1)!.hash], fields: { capacity: 400 + i } }),
      );
    }
  }

  const bobEvent: Published[] = [];
  bobEvent.push(await publishOne(store, bob, { schemaId: EVENT_SCHEMA.id, action: 'update', previous: aliceEvent.at(-1)!.hash, fields: { cancelled: true } }));
  bobEvent.push(await publishOne(store, bob, { schemaId: EVENT_SCHEMA.id, action: 'update', previous: bobEvent[0]!.hash, fields: { cancelled: false } }));

  return { event, venue, aliceEvent, aliceVenue, bobEvent, all: [...aliceEvent, ...aliceVenue, ...bobEvent] };
}

const expectedEntry = (p: Published): StoredEntry => ({
  hash: p.hash,
  publicKey: p.keyPair.publicKey(),
  logId: p.logId,
  seqNum: p.seqNum,
  bytes: p.entryBytes,
});

function expectedOperation(p: Published): StoredOperation {
  const operation: StoredOperation = {
    id: p.hash,
    documentId: p.documentId,
    schemaId: p.schemaId,
    publicKey: p.keyPair.publicKey(),
    logId: p.logId,
    seqNum: p.seqNum,
    action: p.action,
    bytes: p.operationBytes,
  };
  if (p.previous) operation.previous = p.previous;
  return operation;
}

const expectedLog = (log: Published[]): LogInfo => ({
  publicKey: log[0]!.keyPair.publicKey(),
  logId: log[0]!.logId,
  documentId: log[0]!.documentId,
  schemaId: log[0]!.schemaId,
  latestSeqNum: log.at(-1)!.seqNum,
  latestHash: log.at(-1)!.hash,
});

/** Everything in the store's tables, to check that a failed write changed nothing. */
async function dump(store: DexieStore) {
  return {
    entries: await store.db.entries.toArray(),
    operations: await store.db.operations.toArray(),
    logs: await store.db.logs.toArray(),
    forks: await store.db.forks.toArray(),
  };
}

/** Reads the whole festival back through every Store method and checks every value. */
async function expectFestival(store: DexieStore, festival: Festival): Promise<void> {
  const { all, aliceEvent, aliceVenue, bobEvent, event, venue } = festival;
  const A = alice.publicKey();
  const B = bob.publicKey();
  expect(all).to.have.length(TOTAL);
  expect(await store.db.entries.count()).to.equal(TOTAL);
  expect(await store.db.operations.count()).to.equal(TOTAL);

  for (const p of all) {
    const publicKey = p.keyPair.publicKey();
    expect(await store.getEntry(publicKey, p.logId, p.seqNum), `getEntry ${p.logId}/${p.seqNum}`).to.deep.equal(expectedEntry(p));
    const byHash = await store.getEntryByHash(p.hash);
    expect(byHash).to.deep.equal(expectedEntry(p));
    expect(byHash!.bytes).to.be.instanceOf(Uint8Array);
    expect(await store.getOperation(p.hash), `getOperation ${p.logId}/${p.seqNum}`).to.deep.equal(expectedOperation(p));
  }

  // The stored bytes are real entries: they decode, and their links name the stored entries.
  for (const log of [aliceEvent, aliceVenue, bobEvent]) {
    for (const p of log) {
      const entry = await decodeEntry((await store.getEntryByHash(p.hash))!.bytes);
      expect(entry.seqNum).to.equal(BigInt(p.seqNum));
      expect(entry.logId).to.equal(BigInt(p.logId));
      expect(entry.payloadHash).to.equal(generateHash(p.operationBytes));
      expect(entry.backlink).to.equal(p.seqNum === 1 ? undefined : log[p.seqNum - 2]!.hash);
      const skip = isSkiplinkRequired(BigInt(p.seqNum)) ? log[Number(lipmaa(BigInt(p.seqNum))) - 1]!.hash : undefined;
      expect(entry.skiplink, `skiplink of ${p.seqNum}`).to.equal(skip);
    }
  }
  // The event log is long enough to need skiplinks (4, 8, 12, 13 -> 4, ...).
  expect(aliceEvent.filter((p) => isSkiplinkRequired(BigInt(p.seqNum))).length).to.be.greaterThan(5);

  // getEntries: ascending from a sequence number, limited, never crossing into other logs.
  const seqs = (rows: StoredEntry[]) => rows.map((row) => row.seqNum);
  const all0 = await store.getEntries(A, 0, 1);
  expect(all0).to.deep.equal(aliceEvent.map(expectedEntry));
  expect(seqs(await store.getEntries(A, 0, 0))).to.deep.equal(aliceEvent.map((p) => p.seqNum));
  expect(seqs(await store.getEntries(A, 0, 10, 5))).to.deep.equal([10, 11, 12, 13, 14]);
  expect((await store.getEntries(A, 0, 10, 5)).map((row) => row.hash)).to.deep.equal(aliceEvent.slice(9, 14).map((p) => p.hash));
  expect(seqs(await store.getEntries(A, 0, 24, 10))).to.deep.equal([24, 25]);
  expect(seqs(await store.getEntries(A, 0, 20))).to.deep.equal([20, 21, 22, 23, 24, 25]);
  expect(seqs(await store.getEntries(A, 0, 25, 1))).to.deep.equal([25]);
  expect(await store.getEntries(A, 0, 26)).to.deep.equal([]);
  expect(await store.getEntries(A, 1, 1)).to.deep.equal(aliceVenue.map(expectedEntry));
  expect(seqs(await store.getEntries(A, 1, 3, 2))).to.deep.equal([3, 4]);
  expect(await store.getEntries(B, 0, 1)).to.deep.equal(bobEvent.map(expectedEntry));
  expect(await store.getEntries(A, 2, 1)).to.deep.equal([]);
  expect(await store.getEntries(B, 1, 1)).to.deep.equal([]);

  // Logs.
  expect(await store.getLog(A, 0)).to.deep.equal(expectedLog(aliceEvent));
  expect(await store.getLog(A, 1)).to.deep.equal(expectedLog(aliceVenue));
  expect(await store.getLog(B, 0)).to.deep.equal(expectedLog(bobEvent));
  expect(await store.getLog(A, 2)).to.equal(undefined);
  expect(await store.getLog(B, 1)).to.equal(undefined);
  expect(expectedLog(bobEvent)).to.include({ documentId: event, schemaId: EVENT_SCHEMA.id, latestSeqNum: 2, logId: 0 });

  const byAuthorAndLog = [expectedLog(aliceEvent), expectedLog(aliceVenue), expectedLog(bobEvent)].sort((a, b) =>
    a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : a.logId - b.logId,
  );
  expect(await store.getLogs()).to.deep.equal(byAuthorAndLog);
  expect(await store.getLogs(A)).to.deep.equal([expectedLog(aliceEvent), expectedLog(aliceVenue)]);
  expect(await store.getLogs(B)).to.deep.equal([expectedLog(bobEvent)]);
  expect(await store.getLogs('00'.repeat(32))).to.deep.equal([]);

  expect(await store.getLogForDocument(A, event)).to.deep.equal(expectedLog(aliceEvent));
  expect(await store.getLogForDocument(A, venue)).to.deep.equal(expectedLog(aliceVenue));
  expect(await store.getLogForDocument(B, event)).to.deep.equal(expectedLog(bobEvent));
  expect(await store.getLogForDocument(B, venue)).to.equal(undefined);
  expect(await store.getLogForDocument(A, aliceEvent[1]!.hash)).to.equal(undefined);

  // Operations by document and by schema (no order is promised: compare sorted by id).
  const eventOps = [...aliceEvent, ...bobEvent].map(expectedOperation);
  const venueOps = aliceVenue.map(expectedOperation);
  expect(byId(await store.getOperationsByDocument(event))).to.deep.equal(byId(eventOps));
  expect(byId(await store.getOperationsByDocument(venue))).to.deep.equal(byId(venueOps));
  expect(await store.getOperationsByDocument(aliceEvent[1]!.hash)).to.deep.equal([]);
  expect(byId(await store.getOperationsBySchema(EVENT_SCHEMA.id))).to.deep.equal(byId(eventOps));
  expect(byId(await store.getOperationsBySchema(VENUE_SCHEMA.id))).to.deep.equal(byId(venueOps));
  expect(await store.getOperationsBySchema('schema_definition_v1')).to.deep.equal([]);
}

/** The next entry of alice's event log, signed but not yet stored. */
async function nextEventEntry(store: DexieStore, festival: Festival, title: string) {
  const operationBytes = encodeOperation({ schemaId: EVENT_SCHEMA.id, action: 'update', previous: festival.aliceEvent.at(-1)!.hash, fields: { title } });
  const args = await nextArgs(store, alice.publicKey(), [festival.aliceEvent.at(-1)!.hash]);
  expect(args.seqNum).to.equal(BigInt(EVENT_ENTRIES + 1));
  const entryBytes = await signAndEncodeEntry({ ...args, operation: operationBytes }, alice);
  return { entryBytes, operationBytes, hash: generateHash(entryBytes) };
}

/** After a failed write of seq 26: the event log still ends at 25 and nothing of 26 is stored. */
async function expectNothingOf26(store: DexieStore, festival: Festival, hash: Hash): Promise<void> {
  const A = alice.publicKey();
  expect(await store.getEntry(A, 0, EVENT_ENTRIES + 1)).to.equal(undefined);
  expect(await store.getEntryByHash(hash)).to.equal(undefined);
  expect(await store.getLog(A, 0)).to.deep.equal(expectedLog(festival.aliceEvent));
  expect(await store.getEntries(A, 0, 1)).to.have.length(EVENT_ENTRIES);
  expect((await store.getOperationsByDocument(festival.event)).map((op) => op.id)).to.not.include(hash);
}

describe('DexieStore on real IndexedDB', function () {
  this.timeout(30000);
  const opened: DexieStore[] = [];
  const open = (name: string) => {
    const store = new DexieStore(name);
    opened.push(store);
    return store;
  };

  afterEach(async () => {
    const names = new Set(opened.splice(0).map((store) => store.db.name));
    for (const name of names) await new DexieStore(name).db.delete();
  });

  it('runs on the browser IndexedDB, not a shim', async () => {
    const store = open(uniqueDbName('native'));
    await store.db.open();
    expect(store.db.backendDB()).to.be.instanceOf(IDBDatabase);
    expect((await indexedDB.databases()).map((db) => db.name)).to.include(store.db.name);
  });

  it('reads back 32 published entries through every Store method', async () => {
    const store = open(uniqueDbName('roundtrip'));
    const festival = await publishFestival(store);
    await expectFestival(store, festival);
  });

  it('getEntries with limit 0 returns no entries', async () => {
    // "Entries of one log with seqNum >= fromSeqNum, ascending, at most `limit`" (store.ts).
    const store = open(uniqueDbName('limit0'));
    await publishOne(store, alice, { schemaId: VENUE_SCHEMA.id, fields: { name: 'Stage', capacity: 1 } });
    expect(await store.getEntries(alice.publicKey(), 0, 1, 0)).to.deep.equal([]);
  });

  it('keeps everything after closing and reopening the database, and publishing continues', async () => {
    const name = uniqueDbName('reopen');
    const first = open(name);
    const festival = await publishFestival(first);
    const before = await dump(first);
    first.close();
    expect(first.db.isOpen()).to.equal(false);

    const second = open(name);
    expect(await dump(second)).to.deep.equal(before);
    await expectFestival(second, festival);

    // The reopened store knows where alice's event log stands: seq 26 follows 25.
    const next = await publishOne(second, alice, {
      schemaId: EVENT_SCHEMA.id,
      action: 'update',
      previous: festival.aliceEvent.at(-1)!.hash,
      fields: { title: 'After the reopen' },
    });
    expect(next).to.include({ logId: 0, seqNum: EVENT_ENTRIES + 1, documentId: festival.event });
    const entry = await decodeEntry(next.entryBytes);
    expect(entry.backlink).to.equal(festival.aliceEvent[EVENT_ENTRIES - 1]!.hash);
    expect(entry.skiplink).to.equal(isSkiplinkRequired(26n) ? festival.aliceEvent[Number(lipmaa(26n)) - 1]!.hash : undefined);
    expect((await second.getLog(alice.publicKey(), 0))!.latestHash).to.equal(next.hash);
    // A brand-new document of alice's gets her next free log id.
    const third = await publishOne(second, alice, { schemaId: VENUE_SCHEMA.id, fields: { name: 'Forest stage', capacity: 80 } });
    expect(third).to.include({ logId: 2, seqNum: 1 });
  });

  it('rejects an insert at an occupied position with ENTRY_DUPLICATE and changes nothing', async () => {
    const store = open(uniqueDbName('duplicate'));
    const festival = await publishFestival(store);
    const last = festival.aliceEvent.at(-1)!;
    const before = await dump(store);

    // The very same record again.
    const same: EntryRecord = { entry: expectedEntry(last), operation: expectedOperation(last), log: expectedLog(festival.aliceEvent) };
    await expectPandaError(store.insert(same), 'ENTRY_DUPLICATE');
    expect(await dump(store)).to.deep.equal(before);

    // A different entry that claims the same position (alice, log 0, seq 25).
    const operationBytes = encodeOperation({
      schemaId: EVENT_SCHEMA.id,
      action: 'update',
      previous: festival.aliceEvent.at(-2)!.hash,
      fields: { title: 'Fork' },
    });
    const entryBytes = await signAndEncodeEntry(
      {
        logId: 0,
        seqNum: EVENT_ENTRIES,
        backlink: festival.aliceEvent.at(-2)!.hash,
        ...(isSkiplinkRequired(BigInt(EVENT_ENTRIES)) ? { skiplink: festival.aliceEvent[Number(lipmaa(BigInt(EVENT_ENTRIES))) - 1]!.hash } : {}),
        operation: operationBytes,
      },
      alice,
    );
    const forkHash = generateHash(entryBytes);
    expect(forkHash).to.not.equal(last.hash);
    const fork: EntryRecord = {
      entry: { hash: forkHash, publicKey: alice.publicKey(), logId: 0, seqNum: EVENT_ENTRIES, bytes: entryBytes },
      operation: { ...expectedOperation(last), id: forkHash, previous: [festival.aliceEvent.at(-2)!.hash], bytes: operationBytes },
      log: { ...expectedLog(festival.aliceEvent), latestHash: forkHash },
    };
    const error = await expectPandaError(store.insert(fork), 'ENTRY_DUPLICATE');
    expect(error.message).to.contain(`${EVENT_ENTRIES}`);
    expect(await dump(store)).to.deep.equal(before);
    expect(await store.getOperation(forkHash)).to.equal(undefined);

    // Through publish, the same conflicting entry is a fork: rejected, kept only as evidence.
    await expectPandaError(publish(store, registry, entryBytes, operationBytes), 'LOG_FORK');
    const evidence = await store.getForkEvidence(alice.publicKey());
    expect(evidence).to.have.length(1);
    expect(evidence[0]).to.deep.include({ logId: 0, seqNum: EVENT_ENTRIES, kind: 'seq', stored: last.entryBytes, conflicting: entryBytes });
    const after = await dump(store);
    expect({ ...after, forks: [] }).to.deep.equal({ ...before, forks: [] });
  });

  it('rolls back the entry when the operation write fails inside the transaction', async () => {
    const store = open(uniqueDbName('op-fails'));
    const festival = await publishFestival(store);
    const next = await nextEventEntry(store, festival, 'Interrupted');

    // A stray operation row under the id the next entry will have: entries.add succeeds,
    // then operations.add hits the primary key and the transaction must be rolled back.
    const decoy: StoredOperation = { ...expectedOperation(festival.aliceVenue[0]!), id: next.hash };
    await store.db.operations.add(decoy);
    const before = await dump(store);

    const error = await expectPandaError(publish(store, registry, next.entryBytes, next.operationBytes), 'STORE_WRITE_FAILED');
    expect(error.details).to.deep.equal({ cause: 'ConstraintError' });
    await expectNothingOf26(store, festival, next.hash);
    expect(await store.getOperation(next.hash)).to.deep.equal(decoy);
    expect(await dump(store)).to.deep.equal(before);

    // The same through Store.insert directly.
    const record: EntryRecord = {
      entry: { hash: next.hash, publicKey: alice.publicKey(), logId: 0, seqNum: EVENT_ENTRIES + 1, bytes: next.entryBytes },
      operation: {
        ...expectedOperation(festival.aliceEvent.at(-1)!),
        id: next.hash,
        seqNum: EVENT_ENTRIES + 1,
        previous: [festival.aliceEvent.at(-1)!.hash],
        bytes: next.operationBytes,
      },
      log: { ...expectedLog(festival.aliceEvent), latestSeqNum: EVENT_ENTRIES + 1, latestHash: next.hash },
    };
    await expectPandaError(store.insert(record), 'STORE_WRITE_FAILED');
    expect(await dump(store)).to.deep.equal(before);

    // Nothing half-written blocks the entry once the stray row is gone.
    await store.db.operations.delete(next.hash);
    const result = await publish(store, registry, next.entryBytes, next.operationBytes);
    expect(result).to.include({ hash: next.hash, duplicate: false, documentId: festival.event });
    expect(await store.getLog(alice.publicKey(), 0)).to.include({ latestSeqNum: EVENT_ENTRIES + 1, latestHash: next.hash });
    expect(await store.getOperation(next.hash)).to.deep.equal(record.operation);
    expect(await store.getEntry(alice.publicKey(), 0, EVENT_ENTRIES + 1)).to.deep.equal(record.entry);
  });

  it('rolls back entry and operation when the transaction is aborted at the log write', async () => {
    const store = open(uniqueDbName('abort'));
    // A DBCore middleware sees every write; armed, it aborts the real IDBTransaction when
    // the log row is written, i.e. after the entry and the operation were added in it.
    let armed = false;
    const seen: string[] = [];
    const abortAtLogWrite: Middleware<DBCore> = {
      stack: 'dbcore',
      name: 'abort-at-log-write',
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          return {
            ...table,
            mutate: (request: DBCoreMutateRequest) => {
              if (armed) {
                seen.push(`${name}.${request.type}`);
                if (name === 'logs') {
                  armed = false;
                  (request.trans as unknown as IDBTransaction).abort();
                }
              }
              return table.mutate(request);
            },
          };
        },
      }),
    };
    store.db.use(abortAtLogWrite);
    const festival = await publishFestival(store);
    const before = await dump(store);

    armed = true;
    const error = await expectPandaError(
      publishOperation(store, registry, alice, {
        schemaId: EVENT_SCHEMA.id,
        action: 'update',
        previous: festival.aliceEvent.at(-1)!.hash,
        fields: { title: 'Aborted' },
      }),
      'STORE_WRITE_FAILED',
    );
    expect(seen).to.deep.equal(['entries.add', 'operations.add', 'logs.put']);
    expect(error.details).to.have.property('cause').that.is.a('string');
    expect(await dump(store)).to.deep.equal(before);
    expect(await store.getEntry(alice.publicKey(), 0, EVENT_ENTRIES + 1)).to.equal(undefined);
    expect(await store.getLog(alice.publicKey(), 0)).to.deep.equal(expectedLog(festival.aliceEvent));

    // Publishing goes on from seq 26, as if the aborted attempt never happened.
    const retry = await publishOne(store, alice, {
      schemaId: EVENT_SCHEMA.id,
      action: 'update',
      previous: festival.aliceEvent.at(-1)!.hash,
      fields: { title: 'Aborted' },
    });
    expect(retry).to.include({ logId: 0, seqNum: EVENT_ENTRIES + 1 });
    expect(await store.db.entries.count()).to.equal(TOTAL + 1);
    expect(await store.db.operations.count()).to.equal(TOTAL + 1);
  });

  it('rolls back entry and operation when the log write throws (quota exceeded, a stray ConstraintError)', async () => {
    const store = open(uniqueDbName('log-throws'));
    const festival = await publishFestival(store);
    const before = await dump(store);
    const logs = store.db.logs;
    const put = logs.put;
    const failWith = (name: string) => {
      logs.put = () => {
        throw new DOMException(`simulated ${name}`, name);
      };
    };

    try {
      failWith('QuotaExceededError');
      const next = await nextEventEntry(store, festival, 'Disk full');
      const quota = await expectPandaError(publish(store, registry, next.entryBytes, next.operationBytes), 'STORE_WRITE_FAILED');
      expect(quota.details).to.deep.equal({ cause: 'QuotaExceededError' });
      expect(quota.message).to.contain('simulated QuotaExceededError');
      await expectNothingOf26(store, festival, next.hash);
      expect(await store.getOperation(next.hash)).to.equal(undefined);
      expect(await dump(store)).to.deep.equal(before);

      // A ConstraintError that is not about the entry's position is a failed write, not a duplicate.
      failWith('ConstraintError');
      await expectPandaError(publish(store, registry, next.entryBytes, next.operationBytes), 'STORE_WRITE_FAILED');
      await expectNothingOf26(store, festival, next.hash);
      expect(await dump(store)).to.deep.equal(before);
    } finally {
      logs.put = put;
    }

    const retry = await publishOne(store, alice, {
      schemaId: EVENT_SCHEMA.id,
      action: 'update',
      previous: festival.aliceEvent.at(-1)!.hash,
      fields: { title: 'Disk full' },
    });
    expect(retry).to.include({ seqNum: EVENT_ENTRIES + 1 });
    expect(await store.getLog(alice.publicKey(), 0)).to.include({ latestSeqNum: EVENT_ENTRIES + 1, latestHash: retry.hash });
  });

  it('two stores on one database (two tabs) publishing for one author: every publish lands once, no fork', async () => {
    const name = uniqueDbName('two-tabs');
    const tabA = open(name);
    const tabB = open(name);
    const created = await publishOperation(tabA, registry, alice, { schemaId: VENUE_SCHEMA.id, fields: { name: 'Shared', capacity: 1n } });
    const updates = Array.from({ length: 10 }, (_, i) =>
      // Distinct values: identical operations at the same position sign to the identical entry
      // (Ed25519 is deterministic) and are rightly stored once.
      [tabA, tabB].map((tab, j) =>
        publishOperation(tab, registry, alice, {
          schemaId: VENUE_SCHEMA.id,
          action: 'update',
          previous: [created.hash],
          fields: { capacity: BigInt(2 * i + j) },
        }),
      ),
    ).flat();
    const results = await Promise.all(updates);
    expect(results.every((result) => !result.duplicate && result.documentId === created.documentId)).to.equal(true);
    const log = (await tabA.getLogForDocument(alice.publicKey(), created.documentId))!;
    expect(log.latestSeqNum).to.equal(21);
    const entries = await tabB.getEntries(alice.publicKey(), log.logId, 1);
    expect(entries.map((entry) => entry.seqNum)).to.deep.equal(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(new Set(entries.slice(1).map((entry) => entry.hash))).to.deep.equal(new Set(results.map((result) => result.hash)));
    expect(await tabA.getForkEvidence()).to.deep.equal([]);
  });
});
