/**
 * Previewing a bundle: what importing it would add (new and changed events, decisions, new
 * festivals, entries), found through exactly the checks of a real import, with nothing
 * stored; and the figures agree with what the real import then does.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FestivalNode, hashingReady, isPandaError, MemoryStore, previewBundle, Replicator, type Hash } from '../../core/index.js';
import { encodeBundle, exportBundle, importBundle, readBundle } from '../../core/replication/bundle.js';
import { entryCount, HOUR, keyOf, replicatingPeer, T0 } from './festival-support.js';

const organiser = keyOf(0x11);
const mira = keyOf(0x12);

/** A festival with a resource, three events (one updated) and a decision. */
async function source() {
  await hashingReady();
  const a = await replicatingPeer();
  const festival = (await a.node.createFestival(organiser, { name: 'Lakeside', start: T0, end: T0 + 48 * HOUR })).documentId;
  await a.node.createProfile(mira, { name: 'Mira' });
  const stage = (await a.node.createResource(organiser, { festival, title: 'Stage', kind: 'location', policy: 'manual' })).documentId;
  const events: Hash[] = [];
  for (let i = 0; i < 3; i++) {
    events.push(
      (await a.node.createEvent(mira, { festival, title: `Set ${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [stage] })).documentId,
    );
  }
  await a.node.update(mira, events[0]!, { title: 'Opening set' });
  await a.node.authorize(organiser, stage, events[1]!, 'confirm');
  await a.replicator.idle();
  return { ...a, festival, stage, events };
}

describe('bundle preview', () => {
  test('a festival not held yet: everything is new, nothing is stored, and the import then adds just that', async () => {
    const a = await source();
    const bundle = await exportBundle(a.replicator, [a.festival], mira);
    const b = new MemoryStore();
    const preview = await previewBundle(b, bundle);
    assert.equal(await entryCount(b), 0, 'the preview stored nothing');
    assert.deepEqual(preview.events, { added: 3, changed: 0 });
    assert.deepEqual(preview.resources, { added: 1, changed: 0 });
    assert.equal(preview.decisions, 1);
    assert.deepEqual(preview.newFestivals, [a.festival]);
    assert.equal(preview.publicKey, mira.publicKey());
    assert.equal(preview.rejected.length, 0);
    assert.equal(preview.stored, await entryCount(a.store));
    // What it would hold reads like the source.
    assert.equal((await new FestivalNode(preview.after).model()).events.get(a.events[0]!)?.title, 'Opening set');

    const imported = await importBundle(await Replicator.open(b), bundle);
    assert.equal(imported.stored, preview.stored);
    assert.equal(await entryCount(b), preview.stored);
  });

  test('a delta over what is held: the new event counts as added, the updated one as changed', async () => {
    const a = await source();
    const b = await replicatingPeer();
    await importBundle(b.replicator, await exportBundle(a.replicator, [a.festival], mira));
    await a.node.createEvent(mira, { festival: a.festival, title: 'Late set', start: T0 + 5 * HOUR, end: T0 + 6 * HOUR });
    await a.node.update(mira, a.events[2]!, { title: 'Closing set' });
    await a.replicator.idle();
    const held = await entryCount(b.store);
    const preview = await previewBundle(b.store, await exportBundle(a.replicator, [a.festival], mira));
    assert.deepEqual(preview.events, { added: 1, changed: 1 });
    assert.equal(preview.decisions, 0);
    assert.deepEqual(preview.newFestivals, []);
    assert.equal(preview.stored, 2);
    assert.ok(preview.duplicate > 0);
    assert.equal(await entryCount(b.store), held, 'nothing stored');
  });

  test('a truncated or altered bundle is refused with its code; an entry outside the festival is rejected, not stored', async () => {
    const a = await source();
    const bundle = await exportBundle(a.replicator, [a.festival], mira);
    const b = new MemoryStore();
    await assert.rejects(previewBundle(b, bundle.subarray(0, bundle.length - 10)), (error) => isPandaError(error, 'BUNDLE_INVALID'));
    const altered = bundle.slice();
    altered[altered.length - 100]! ^= 1;
    await assert.rejects(previewBundle(b, altered), (error) => isPandaError(error, 'BUNDLE_INVALID') || isPandaError(error, 'BUNDLE_SIGNATURE_INVALID'));
    await assert.rejects(previewBundle(b, new TextEncoder().encode('BEGIN:VCALENDAR')), (error) => isPandaError(error, 'BUNDLE_INVALID'));

    // The same entries, claimed for another festival: signed by its maker, but out of scope.
    const other = await a.node.createFestival(organiser, { name: 'Other', start: T0, end: T0 + HOUR });
    await a.replicator.idle();
    const { entries } = await readBundle(bundle);
    const foreign = await encodeBundle({ festivals: [other.documentId], createdAt: 1, entries }, mira);
    const preview = await previewBundle(b, foreign);
    assert.ok(preview.rejected.length > 0);
    assert.ok(preview.rejected.every((item) => item.code === 'REPLICATION_OUT_OF_SCOPE'));
    assert.equal(await entryCount(b), 0);
  });
});
