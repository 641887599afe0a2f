/**
 * Issue 13, finding 11 in Node: the background notices that the festival store lost data
 * (as when Chromium resets a corrupt IndexedDB): figures kept beside the vault against what
 * the store holds at start; the loss is kept until as much is back, or dismissed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FestivalNode, hashingReady, KeyPair, MemoryStore, OperationFields } from '../../core/index.js';
import { DataWatch } from '../../extension/background/data-watch.js';
import { MemoryStorage } from './router-support.js';

const T0 = 1_750_000_000;

describe('finding 11: vanished festival data is noticed', () => {
  test('a store found empty after holding a festival is a loss until the data is back; a fresh store is not', async () => {
    await hashingReady();
    const storage = new MemoryStorage();
    const original = new MemoryStore();
    const node = new FestivalNode(original);
    const organiser = new KeyPair();
    const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 3600 });
    await node.update(organiser, festival.documentId, new OperationFields({ name: 'Hoffnung 3001' }));
    await node.createResource(organiser, { festival: festival.documentId, title: 'Klangkeller', kind: 'location' });
    const first = await DataWatch.open(new MemoryStorage(), new MemoryStore());
    assert.equal(first.loss(), undefined, 'an empty store at first start is no loss');
    const watch = await DataWatch.open(storage, original);
    await watch.update();
    assert.equal(watch.loss(), undefined);
    // The browser reset the database: the next start finds nothing.
    const wiped = new MemoryStore();
    const after = await DataWatch.open(storage, wiped, 42);
    assert.deepEqual(after.loss(), { had: { logs: 2, entries: 3 }, found: { logs: 0, entries: 0 }, noticedAt: 42 });
    // Still missing at the start after that: still said.
    assert.equal((await DataWatch.open(storage, wiped)).loss()?.had.logs, 2);
    // Peers bring it back: the loss is over.
    for (const log of await original.getLogs()) {
      for (const entry of await original.getEntries(log.publicKey, log.logId, 1))
        await wiped.insert({ entry, operation: (await original.getOperation(entry.hash))!, log });
    }
    await after.update();
    assert.equal(after.loss(), undefined);
  });
});
