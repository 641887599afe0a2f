/**
 * answerQuery: the festival model's queries by name as plain JSON data, shared by the
 * extension's provider and the widgets' in-page peer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { answerQuery, FestivalNode, hashingReady, isPandaError, KeyPair, MemoryStore, QUERY_NAMES, toPlainData } from '../../core/index.js';

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
  const night = await node.createEvent(guest, {
    festival: kids.documentId,
    title: 'Night of chaos',
    start: T0 + HOUR,
    end: T0 + 3 * HOUR,
    resources: [cellar.documentId],
  });
  return { model: await node.model(), owner, guest, main: main.documentId, kids: kids.documentId, cellar: cellar.documentId, night: night.documentId };
}

const invalid = (error: unknown) => isPandaError(error, 'INPUT_INVALID');

describe('answerQuery', () => {
  test('every query answers plain JSON data (no bigints, Maps or Sets), nested festivals included', async () => {
    const { model, owner, main, kids, cellar, night } = await setup();
    const answers = Object.fromEntries(
      QUERY_NAMES.map((query) => [
        query,
        answerQuery(model, { query, festivalId: main, resourceId: cellar, publicKey: owner.publicKey(), from: T0, to: T0 + 6 * HOUR }, owner.publicKey()),
      ]),
    );
    for (const [query, answer] of Object.entries(answers)) assert.deepEqual(JSON.parse(JSON.stringify(answer)), answer, query);
    const { festival, tree } = answers['festival'] as { festival: { name: string }; tree: Array<{ id: string }> };
    assert.equal(festival.name, 'Hoffnung 3000');
    assert.deepEqual(
      tree.map((item) => item.id),
      [main, kids],
    );
    assert.deepEqual(
      (answers['schedule'] as Array<{ event: { id: string; start: number } }>).map((item) => [item.event.id, item.event.start]),
      [[night, T0 + HOUR]],
    );
    assert.equal((answers['resource'] as { title: string }).title, 'Klangkeller');
    assert.deepEqual(
      (answers['bookings'] as Array<{ event: { id: string }; status: { state: string } }>).map((item) => [item.event.id, item.status.state]),
      [[night, 'pending']],
    );
    assert.deepEqual((answers['freeSlots'] as Array<{ start: number; end: number }>)[0], { start: T0, end: T0 + 6 * HOUR, available: 1 });
    assert.deepEqual(
      (answers['pending'] as Array<{ event: { id: string } }>).map((item) => item.event.id),
      [night],
    );
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

  test('resources lists every resource of the festival and its nested ones, by title, also those no event requests', async () => {
    await hashingReady();
    const node = new FestivalNode(new MemoryStore());
    const owner = new KeyPair();
    const main = await node.createFestival(owner, { name: 'Main', start: T0, end: T0 + HOUR * 48 });
    const kids = await node.createFestival(owner, { name: 'Kids', start: T0, end: T0 + HOUR * 24, parent: main.documentId });
    const other = await node.createFestival(owner, { name: 'Other', start: T0, end: T0 + HOUR });
    const zelt = await node.createResource(owner, { festival: main.documentId, title: 'Zelt', kind: 'location' });
    const beamer = await node.createResource(owner, { festival: kids.documentId, title: 'Beamer', kind: 'thing' });
    await node.createResource(owner, { festival: other.documentId, title: 'Elsewhere', kind: 'thing' });
    const model = await node.model();
    assert.deepEqual(
      (answerQuery(model, { query: 'resources', festivalId: main.documentId }) as Array<{ id: string }>).map((item) => item.id),
      [beamer.documentId, zelt.documentId],
    );
    assert.deepEqual(
      answerQuery(model, { query: 'resources', festivalId: kids.documentId }),
      answerQuery(model, { query: 'resources', festivalId: kids.documentId }),
    );
    assert.throws(() => answerQuery(model, { query: 'resources' }), invalid);
  });

  test('answers name people: ownerName and ownerAvatar beside owners with a profile (devices too), voterName beside voters; profile and profiles', async () => {
    const { model: before, owner, guest, main, cellar, night } = await setup();
    assert.equal((answerQuery(before, { query: 'resource', resourceId: cellar }) as Record<string, unknown>).ownerName, undefined, 'no profile, no name');
    const node = new FestivalNode(new MemoryStore());
    const device = new KeyPair();
    // Rebuild the same festival with profiles: the owner names a device, the guest has a name only.
    const fest = await node.createFestival(owner, { name: 'Hoffnung 3000', start: T0, end: T0 + 48 * HOUR });
    await node.createProfile(owner, { name: 'Klangkeller e.V.', avatar: 'https://example.org/k.png', devices: [device.publicKey()] });
    await node.createProfile(guest, { name: 'Ada' });
    const venue = await node.createResource(device, { festival: fest.documentId, title: 'Klangkeller', kind: 'location', policy: 'manual' });
    const event = await node.createEvent(guest, {
      festival: fest.documentId,
      title: 'Night',
      start: T0 + HOUR,
      end: T0 + 2 * HOUR,
      resources: [venue.documentId],
    });
    await node.authorize(device, venue.documentId, event.documentId, 'confirm');
    const model = await node.model();
    const resource = answerQuery(model, { query: 'resource', resourceId: venue.documentId }) as Record<string, unknown>;
    assert.equal(resource.owner, device.publicKey());
    assert.equal(resource.ownerName, 'Klangkeller e.V.', 'a device key is named by the profile that lists it');
    assert.equal(resource.ownerAvatar, 'https://example.org/k.png');
    const [item] = answerQuery(model, { query: 'schedule', festivalId: fest.documentId }) as Array<{
      event: Record<string, unknown>;
      resources: Array<{ resource: Record<string, unknown>; status: { votes: Array<Record<string, unknown>> } }>;
    }>;
    assert.equal(item!.event.ownerName, 'Ada');
    assert.equal(item!.event.ownerAvatar, undefined);
    assert.equal(item!.resources[0]!.resource.ownerName, 'Klangkeller e.V.');
    assert.equal(item!.resources[0]!.status.votes[0]!.voterName, 'Klangkeller e.V.');
    assert.deepEqual(answerQuery(model, { query: 'profile', publicKey: device.publicKey() }), {
      publicKey: owner.publicKey(),
      name: 'Klangkeller e.V.',
      avatar: 'https://example.org/k.png',
    });
    assert.equal(answerQuery(model, { query: 'profile', publicKey: new KeyPair().publicKey() }), null);
    assert.throws(() => answerQuery(model, { query: 'profile', publicKey: 'ab' }), invalid);
    assert.deepEqual(
      (answerQuery(model, { query: 'profiles' }) as Array<{ name: string }>).map((person) => person.name),
      ['Ada', 'Klangkeller e.V.'],
    );
    void main;
    void night;
  });
});

describe('toPlainData', () => {
  // What it must equal: the JSON round trip it replaces.
  const viaJson = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value, (_key, item: unknown) =>
        typeof item === 'bigint' ? Number(item) : item instanceof Map || item instanceof Set ? [...item] : item,
      ) ?? 'null',
    );

  test('copies as a JSON round trip would: bigints, Maps, Sets, undefined, numbers that are not finite', () => {
    const value = {
      seq: 7n,
      byId: new Map([['a', { n: 1, gone: undefined }]]),
      tags: new Set(['x', 'y']),
      list: [1, undefined, Number.NaN, Infinity, null, 'text', true, () => 1],
      nested: { deeper: [{ when: -0 }] },
      skipped: undefined,
      fn: () => 2,
    };
    assert.deepEqual(toPlainData(value), viaJson(value));
    assert.equal(toPlainData(undefined), null);
    assert.equal(toPlainData(3n), 3);
  });

  test('every query answer equals its JSON round trip and shares nothing with the model', async () => {
    const { model, owner, main, cellar } = await setup();
    for (const [query, value] of [
      ['schedule', model.schedule(main)],
      ['bookings', model.bookings(cellar)],
      ['resources', [...model.resources.values()]],
      ['festivals', [...model.festivals.values()]],
      ['pending', model.pendingFor(owner.publicKey())],
    ] as const) {
      const copy = toPlainData(value);
      assert.deepEqual(copy, viaJson(value), query);
    }
    const [item] = toPlainData(model.schedule(main)) as Array<{ event: { title: string } }>;
    item!.event.title = 'changed';
    assert.notEqual(model.schedule(main)[0]!.event.title, 'changed');
  });
});
