/**
 * answerQuery: the festival model's queries by name as plain JSON data, shared by the
 * extension's provider and the widgets' in-page peer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerQuery, FestivalNode, hashingReady, isPandaError, KeyPair, MemoryStore, QUERY_NAMES } from '../../core/index.js';

const T0 = 1_750_000_000;
const HOUR = 3600;

async function setup() {
  await hashingReady();
  const node = new FestivalNode(new MemoryStore());
  const owner = new KeyPair();
  const guest = new KeyPair();
  const main = await node.createFestival(owner, { name: 'Hoffnung 3000', start: T0, end: T0 + 48 * HOUR, timezone: 'Europe/Berlin' });
  const kids = await node.createFestival(owner, { name: 'Kids', start: T0, end: T0 + 48 * HOUR, parent: main.documentId });
  const cellar = await node.createResource(owner, { festival: main.documentId, title: 'Klangkeller', kind: 'location', policy: 'manual' });
  const night = await node.createEvent(guest, { festival: kids.documentId, title: 'Night of chaos', start: T0 + HOUR, end: T0 + 3 * HOUR, resources: [cellar.documentId] });
  return { model: await node.model(), owner, guest, main: main.documentId, kids: kids.documentId, cellar: cellar.documentId, night: night.documentId };
}

const invalid = (error: unknown) => isPandaError(error, 'INPUT_INVALID');

describe('answerQuery', () => {
  test('every query answers plain JSON data (no bigints, Maps or Sets), nested festivals included', async () => {
    const { model, owner, main, kids, cellar, night } = await setup();
    const answers = Object.fromEntries(
      QUERY_NAMES.map((query) => [query, answerQuery(model, { query, festivalId: main, resourceId: cellar, from: T0, to: T0 + 6 * HOUR }, owner.publicKey())]),
    );
    for (const [query, answer] of Object.entries(answers)) assert.deepEqual(JSON.parse(JSON.stringify(answer)), answer, query);
    const { festival, tree } = answers['festival'] as { festival: { name: string }; tree: Array<{ id: string }> };
    assert.equal(festival.name, 'Hoffnung 3000');
    assert.deepEqual(tree.map((item) => item.id), [main, kids]);
    assert.deepEqual((answers['schedule'] as Array<{ event: { id: string; start: number } }>).map((item) => [item.event.id, item.event.start]), [[night, T0 + HOUR]]);
    assert.equal((answers['resource'] as { title: string }).title, 'Klangkeller');
    assert.deepEqual((answers['bookings'] as Array<{ event: { id: string }; status: { state: string } }>).map((item) => [item.event.id, item.status.state]), [[night, 'pending']]);
    assert.deepEqual((answers['freeSlots'] as Array<{ start: number; end: number }>)[0], { start: T0, end: T0 + 6 * HOUR, available: 1 });
    assert.deepEqual((answers['pending'] as Array<{ event: { id: string } }>).map((item) => item.event.id), [night]);
  });

  test('bad parameters are INPUT_INVALID; pending without an identity is refused', async () => {
    const { model, main } = await setup();
    assert.throws(() => answerQuery(model, { query: 'schedule' }), invalid);
    assert.throws(() => answerQuery(model, { query: 'schedule', festivalId: 'nope' }), invalid);
    assert.throws(() => answerQuery(model, { query: 'everything', festivalId: main }), invalid);
    assert.throws(() => answerQuery(model, { query: 'freeSlots', resourceId: main, from: '1 pm' }), invalid);
    assert.throws(() => answerQuery(model, { query: 'pending' }), invalid);
    assert.deepEqual(answerQuery(model, { query: 'resource', resourceId: main }), null);
  });
});
