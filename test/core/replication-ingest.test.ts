/**
 * The parts of replication on their own: the ingest step's results (instead of "not yet"
 * exceptions), the waiting entries filed by typed dependency, and the one order in which
 * syncs and bundles send logs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { festivalSchemaRegistry, FestivalNode, hashingReady, MemoryStore, ScopeIndex, type Clock, type Hash } from '../../core/index.js';
import { ingestEntry, type IngestContext, type IngestResult } from '../../core/replication/ingest.js';
import { logsToSend } from '../../core/replication/scope.js';
import { WaitingEntries } from '../../core/replication/waiting.js';
import { HOUR, keyOf, T0 } from './festival-support.js';

const DETECTED_AT = 1_234_567;
const clock: Clock = { now: () => DETECTED_AT, setTimeout: () => undefined, clearTimeout: () => {} };

/** A festival with a resource, an event and its update; an unrelated festival; all by known keys. */
async function source() {
  await hashingReady();
  const store = new MemoryStore();
  const node = new FestivalNode(store);
  const organiser = keyOf(1);
  const alice = keyOf(2);
  const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const profile = await node.createProfile(alice, { name: 'Alice' });
  const stage = await node.createResource(organiser, { festival: festival.documentId, title: 'Main stage', kind: 'location' });
  const talk = await node.createEvent(alice, { festival: festival.documentId, title: 'Talk', start: T0, end: T0 + HOUR, resources: [], createdAt: T0 + 10 });
  const kids = await node.createFestival(organiser, { name: 'Kids', start: T0, end: T0 + 72 * HOUR, parent: festival.documentId });
  const show = await node.createEvent(alice, { festival: kids.documentId, title: 'Puppets', start: T0, end: T0 + HOUR, resources: [], createdAt: T0 + 20 });
  const moved = await node.update(alice, talk.documentId, { title: 'Talk (moved)' });
  const renamed = await node.update(organiser, festival.documentId, { name: 'Hoffnung 3001' });
  const elsewhere = await node.createFestival(keyOf(9), { name: 'Elsewhere', start: T0, end: T0 + HOUR });
  return { store, festival, profile, stage, talk, kids, show, moved, renamed, elsewhere };
}

function target(waiting: ReadonlySet<Hash> = new Set()) {
  const store = new MemoryStore();
  const schemas = festivalSchemaRegistry();
  const index = new ScopeIndex(schemas);
  const context: IngestContext = { store, schemas, index, clock, isWaiting: (hash) => waiting.has(hash) };
  const ingest = async (item: { entryBytes: Uint8Array; operationBytes: Uint8Array }, roots?: ReadonlySet<Hash>): Promise<IngestResult> => {
    const result = await ingestEntry(context, item.entryBytes, item.operationBytes, roots);
    if (result.kind !== 'stored') return result;
    const { hash: id, documentId, entry, operation } = result.published;
    const { schemaId, action } = operation;
    const [logId, seqNum] = [Number(entry.logId), Number(entry.seqNum)];
    index.add({ id, documentId, schemaId, publicKey: entry.publicKey, logId, seqNum, action, bytes: item.operationBytes });
    return result;
  };
  return { store, ingest };
}

describe('the ingest step', () => {
  test('stored, then a duplicate: within the festival synced, or nested in it', async () => {
    const s = await source();
    const t = target();
    const roots = new Set([s.festival.documentId]);
    assert.equal((await t.ingest(s.festival, roots)).kind, 'stored');
    assert.equal((await t.ingest(s.festival, roots)).kind, 'duplicate');
    assert.equal((await t.ingest(s.stage, roots)).kind, 'stored');
    assert.equal((await t.ingest(s.profile, roots)).kind, 'stored');
    assert.equal((await t.ingest(s.kids, roots)).kind, 'stored');
    assert.equal((await t.ingest(s.show, roots)).kind, 'stored');
    assert.ok(await t.store.getEntryByHash(s.show.hash));
  });

  test('what something it builds on is missing for waits, and says what for: the festival, the document, the previous entry', async () => {
    const s = await source();
    const t = target();
    const roots = new Set([s.festival.documentId]);
    // An event of a festival not known yet (below the one synced): its scope waits for that festival.
    const waitingForKids = { kind: 'waiting', dependency: { kind: 'operation', id: s.kids.documentId }, held: false };
    assert.deepEqual(await t.ingest(s.show, roots), waitingForKids);
    // An update of a document not known yet: its scope waits for the operation it updates.
    assert.deepEqual(await t.ingest(s.moved, roots), { kind: 'waiting', dependency: { kind: 'operation', id: s.talk.hash }, held: false });
    // Unscoped, `publish` says what is missing: here the previous entry of the log.
    const waitingForTalk = { kind: 'waiting', dependency: { kind: 'log-entry', publicKey: keyOf(2).publicKey(), logId: 1, seqNum: 1 }, held: false };
    assert.deepEqual(await t.ingest(s.moved), waitingForTalk);
    // Nothing is stored while it waits.
    assert.equal(await t.store.getEntryByHash(s.show.hash), undefined);
  });

  test('an entry already waiting is not checked again', async () => {
    const s = await source();
    const t = target(new Set([s.show.hash]));
    const roots = new Set([s.festival.documentId]);
    assert.deepEqual(await t.ingest(s.show, roots), { kind: 'waiting', dependency: { kind: 'operation', id: s.kids.documentId }, held: true });
  });

  test('rejected with its code: out of scope, or a forged signature on an entry that would wait', async () => {
    const s = await source();
    const t = target();
    const roots = new Set([s.festival.documentId]);
    const out = await t.ingest(s.elsewhere, roots);
    assert.equal(out.kind === 'rejected' && out.error.code, 'REPLICATION_OUT_OF_SCOPE');
    const forged = s.show.entryBytes.slice();
    forged[forged.length - 1]! ^= 1;
    const rejected = await t.ingest({ entryBytes: forged, operationBytes: s.show.operationBytes }, roots);
    assert.equal(rejected.kind, 'rejected');
    assert.match(rejected.kind === 'rejected' ? rejected.error.code : '', /SIGNATURE/);
    assert.equal(await t.store.getEntryByHash(s.elsewhere.hash), undefined);
  });

  test('a fork: another entry at a place held, stored or found while the entry waits; the evidence is dated by the injected clock', async () => {
    await hashingReady();
    const author = keyOf(9);
    const left = new FestivalNode(new MemoryStore());
    const one = await left.createFestival(author, { name: 'One', start: T0, end: T0 + HOUR });
    const moved = await left.update(author, one.documentId, { name: 'One (moved)' });
    const t = target();
    assert.equal((await new FestivalNode(t.store).createFestival(author, { name: 'Two', start: T0, end: T0 + HOUR })).entry.seqNum, 1n);
    assert.deepEqual(await t.ingest(one), { kind: 'fork', publicKey: author.publicKey(), logId: 0, seqNum: 1 });
    // Its scope undecided (the document it updates is not here), yet it contradicts the log held.
    assert.deepEqual(await t.ingest(moved, new Set([one.documentId])), { kind: 'fork', publicKey: author.publicKey(), logId: 0, seqNum: 2 });
    const all = await t.store.getForkEvidence(author.publicKey());
    const evidence = all.find((item) => item.kind === 'backlink')!;
    assert.deepEqual([...evidence.conflicting], [...moved.entryBytes]);
    // Both kinds of evidence, the one the store finds and the one found while waiting.
    assert.deepEqual(all.map((item) => [item.kind, item.detectedAt]).sort(), [
      ['backlink', DETECTED_AT],
      ['seq', DETECTED_AT],
    ]);
    assert.equal(await t.store.getEntryByHash(one.hash), undefined);
  });
});

describe('waiting entries', () => {
  const entry = Uint8Array.of(1);
  const add = (waiting: WaitingEntries<string>, hash: string, dependency: Parameters<WaitingEntries<string>['take']>[0]) =>
    waiting.add({ hash, entry, operation: entry, owner: 'peer', roots: undefined, dependency, since: 0 });

  test('are filed by dependency as typed values: only the one asked for is taken, by an equal value', () => {
    const waiting = new WaitingEntries<string>({ maxCount: 100, maxBytes: 1 << 20, maxCountPerOwner: 100, maxBytesPerOwner: 1 << 20 });
    const log = (publicKey: string, logId: number, seqNum: number) => ({ kind: 'log-entry' as const, publicKey, logId, seqNum });
    add(waiting, 'a1', log('aa', 0, 1));
    add(waiting, 'a1b', log('aa', 0, 1));
    add(waiting, 'a2', log('aa', 0, 2));
    add(waiting, 'a-1', log('aa', 1, 1));
    add(waiting, 'b1', log('bb', 0, 1));
    add(waiting, 'op', { kind: 'operation', id: 'aa' });
    assert.deepEqual(
      waiting.take(log('aa', 0, 1)).map((item) => item.hash),
      ['a1', 'a1b'],
    );
    assert.deepEqual(waiting.take(log('aa', 0, 1)), []);
    assert.equal(waiting.count, 4);
    assert.deepEqual(
      waiting.take({ kind: 'operation', id: 'aa' }).map((item) => item.hash),
      ['op'],
    );
    assert.deepEqual(
      waiting.take(log('aa', 1, 1)).map((item) => item.hash),
      ['a-1'],
    );
    assert.equal(waiting.dropOwner('peer'), 2);
    assert.deepEqual(waiting.take(log('aa', 0, 2)), []);
    assert.equal(waiting.count, 0);
    assert.equal(waiting.bytes, 0);
  });
});

describe('sync order', () => {
  test('festivals, profiles, resources, events, by author and log; only what the other side lacks', async () => {
    const s = await source();
    const schemas = festivalSchemaRegistry();
    const index = new ScopeIndex(schemas);
    await index.load(s.store);
    const logs = await s.store.getLogs();
    const names = new Map(schemas.all().map((schema) => [schema.id, schema.name]));
    const order = logsToSend(index, [...logs].reverse(), () => 0).map(({ log, from }) => `${names.get(log.schemaId)}:${from}`);
    const festivals = ['panda_festival:1', 'panda_festival:1', 'panda_festival:1'];
    assert.deepEqual(order, [...festivals, 'panda_profile:1', 'panda_resource:1', 'panda_event:1', 'panda_event:1']);
    const organisersLog = logs.find((log) => log.documentId === s.festival.documentId)!;
    const lacking = logsToSend(index, logs, (log) => (log === organisersLog ? 1 : log.latestSeqNum));
    assert.deepEqual(
      lacking.map(({ log, from }) => [log.documentId, from]),
      [[s.festival.documentId, 2]],
    );
  });
});
