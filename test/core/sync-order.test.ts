/**
 * The order a sync sends logs in (core/replication/scope.ts `logsToSend`): what others build
 * on first, and with `now`, events and the authorizations about them nearest to now first, a
 * document's own log before other authors' updates to it; without `now` (bundles), by author
 * and log id as before.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FestivalNode, MemoryStore, Replicator, type Hash } from '../../core/index.js';
import { logsToSend } from '../../core/replication/scope.js';
import { DAY, HOUR, keyOf, T0 } from './festival-support.js';

describe('sync order', () => {
  test('events and their authorizations nearest to now first, a document’s own log first; bundles keep author order', async () => {
    const store = new MemoryStore();
    const node = new FestivalNode(store);
    const organiser = keyOf(0x21);
    const festival = (await node.createFestival(organiser, { name: 'Order Fest', start: T0 - DAY, end: T0 + 8 * DAY, timezone: 'UTC' })).documentId;
    const room = (await node.createResource(organiser, { festival, title: 'Room', kind: 'location', capacity: 10 })).documentId;
    const event = async (author: number, title: string, start: number) =>
      (await node.createEvent(keyOf(author), { festival, title, start, end: start + HOUR, resources: [room] })).documentId;
    const ids: Record<string, Hash> = {
      nextWeek: await event(0x31, 'Next week', T0 + 7 * DAY),
      soon: await event(0x32, 'Soon', T0 + HOUR),
      earlier: await event(0x33, 'Earlier today', T0 - 3 * HOUR),
      tomorrow: await event(0x34, 'Tomorrow', T0 + DAY),
    };
    // Another author's update to next week's event: its log goes right after the event's own.
    await node.update(keyOf(0x35), ids.nextWeek!, { title: 'Next week (moved)' });
    for (const name of ['nextWeek', 'soon']) await node.authorize(organiser, room, ids[name]!, 'confirm');

    const replicator = await Replicator.open(store);
    const logs = await store.getLogs();
    const named = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
    const order = (now?: number) =>
      logsToSend(replicator.index, logs, () => 0, now).map(({ log }) => {
        const name = named.get(log.documentId);
        if (name) return `${name}${log.publicKey === keyOf(0x35).publicKey() ? ' (update)' : ''}`;
        const about = replicator.index.startOf(log.documentId);
        return about === undefined ? log.schemaId.split('_')[1]! : `authorization ${[...named].find(([id]) => replicator.index.startOf(id) === about)![1]}`;
      });

    assert.deepEqual(order(T0), [
      'festival',
      'resource',
      'soon',
      'earlier',
      'tomorrow',
      'nextWeek',
      'nextWeek (update)',
      'authorization soon',
      'authorization nextWeek',
    ]);
    const bundleOrder = order();
    assert.deepEqual(bundleOrder.slice(0, 2), ['festival', 'resource']);
    // Without now: the events' own logs by author key, other authors' updates after.
    const byAuthor = (['nextWeek', 'soon', 'earlier', 'tomorrow'] as const)
      .map((name, i) => ({ name, key: keyOf(0x31 + i).publicKey() }))
      .sort((a, b) => (a.key < b.key ? -1 : 1))
      .map(({ name }) => name);
    assert.deepEqual(bundleOrder.slice(2, 7), [...byAuthor, 'nextWeek (update)']);
    replicator.close();
  });
});
