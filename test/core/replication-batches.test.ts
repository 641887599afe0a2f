/**
 * Entries from a peer are taken in by batches: checked on their own side by side, then
 * checked against the store and stored in one store batch, in arrival order. Entries of one
 * batch that build on each other (a festival, its venue, events in it, their updates) are
 * stored, not left waiting; a store batch that fails loses nothing for good.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FestivalNode, hashingReady, memoryLink, MemoryStore, PandaError, Replicator, type Store } from '../../core/index.js';
import { HOUR, keyOf, T0 } from './festival-support.js';

/** A memory store with batches: counts them, and fails the first `failing` of them (after their writes, as a storage would). */
class BatchingStore extends MemoryStore {
  batches = 0;
  entriesPerBatch: number[] = [];
  constructor(private failing = 0) {
    super();
  }
  async batch<T>(work: (store: Store) => Promise<T>): Promise<T> {
    this.batches++;
    const before = (await this.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0);
    if (this.failing > 0) {
      this.failing--;
      // What a failed transaction leaves: nothing. Work on a scratch copy, then throw.
      await work(new MemoryStore());
      throw new PandaError('STORE_WRITE_FAILED', 'The disk is full');
    }
    const result = await work(this);
    this.entriesPerBatch.push((await this.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0) - before);
    return result;
  }
}

async function festivalOf(events: number) {
  await hashingReady();
  const node = new FestivalNode(new MemoryStore());
  const organiser = keyOf(1);
  const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const stage = await node.createResource(organiser, { festival: festival.documentId, title: 'Main stage', kind: 'location' });
  for (let i = 0; i < events; i++) {
    const author = keyOf(2 + (i % 5));
    const event = await node.createEvent(author, {
      festival: festival.documentId,
      title: `Talk ${i}`,
      start: T0,
      end: T0 + HOUR,
      resources: [stage.documentId],
      createdAt: T0 + i,
    });
    await node.update(author, event.documentId, { title: `Talk ${i} (moved)` });
  }
  return { store: node.store, festivalId: festival.documentId, entries: 2 + 2 * events };
}

async function sync(source: Store, target: Store, festivalId: string) {
  const a = await Replicator.open(source, { festivals: [festivalId], live: false });
  const b = await Replicator.open(target, { festivals: [festivalId], live: false });
  const events: string[] = [];
  b.on((event) => events.push(event.type));
  const synced = new Promise<void>((resolve) => b.on((event) => event.type === 'synced' && resolve()));
  const [left, right] = memoryLink('a', 'b');
  a.connect(left);
  b.connect(right);
  await synced;
  await b.idle();
  return { a, b, events };
}

describe('entries taken in by batches', () => {
  test('a sync of 602 entries is stored in a few store batches, in order, none left waiting', async () => {
    const { store, festivalId, entries } = await festivalOf(300);
    const target = new BatchingStore();
    const { a, b, events } = await sync(store, target, festivalId);
    const held = (await target.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0);
    assert.equal(held, entries);
    assert.equal(events.filter((type) => type === 'entry').length, entries);
    assert.equal(b.pendingCount, 0, 'nothing waits: what an entry builds on came before it');
    assert.ok(target.batches >= 1 && target.batches <= Math.ceil(entries / 16), `${target.batches} batches for ${entries} entries`);
    assert.ok(Math.max(...target.entriesPerBatch) <= 128, 'a batch holds at most 128 entries');
    // What health tells of the intake: every entry, in the batches the store saw.
    const intake = b.health().intake!;
    assert.equal(intake.entries, entries);
    assert.equal(intake.batches, target.batches);
    assert.ok(
      [intake.checkingMs, intake.storingMs, intake.tellingMs].every((ms) => ms >= 0),
      JSON.stringify(intake),
    );
    a.close();
    b.close();
  });

  test('a store batch that fails stores nothing of it; the next sync brings it all', async () => {
    const { store, festivalId, entries } = await festivalOf(20);
    const target = new BatchingStore(1);
    const { a, b } = await sync(store, target, festivalId);
    const first = (await target.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0);
    assert.ok(first < entries, `the failed batch is missing (${first} of ${entries})`);
    const synced = new Promise<void>((resolve) => b.on((event) => event.type === 'synced' && resolve()));
    b.resync();
    await synced;
    await b.idle();
    assert.equal(
      (await target.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0),
      entries,
    );
    assert.equal(b.isBlocked('a'), false, 'our own storage failing is no offence of the peer');
    a.close();
    b.close();
  });
});
