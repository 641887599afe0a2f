/**
 * "What I have" texts: a device's log heights of a festival as one line, read back exactly;
 * a delta exported against them holds only what the device lacks; anything else is refused
 * with HEIGHTS_TEXT_INVALID.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bundleHeights, exportBundle, heightsToText, importBundle, isPandaError, readBundle, textToHeights } from '../../core/index.js';
import { HOUR, keyOf, replicatingPeer, T0 } from './festival-support.js';

const organiser = keyOf(0x21);

describe('what I have, as text', () => {
  test('heights round-trip through the text, and a delta against them holds only what is missing', async () => {
    const a = await replicatingPeer();
    const festival = (await a.node.createFestival(organiser, { name: 'Lakeside', start: T0, end: T0 + HOUR })).documentId;
    for (let i = 0; i < 3; i++) await a.node.createEvent(organiser, { festival, title: `Set ${i}`, start: T0, end: T0 + HOUR });
    await a.replicator.idle();
    const b = await replicatingPeer();
    await importBundle(b.replicator, await exportBundle(a.replicator, [festival], organiser));
    const held = await bundleHeights(b.replicator, [festival]);
    const text = heightsToText(festival, held);
    assert.match(text, /^panda-have:1:[0-9a-f]{68}:[A-Za-z0-9_-]+$/);
    assert.deepEqual(textToHeights(`  ${text}\n`), { festival, heights: held });

    await a.node.createEvent(organiser, { festival, title: 'Late set', start: T0, end: T0 + HOUR });
    await a.replicator.idle();
    const delta = await readBundle(await exportBundle(a.replicator, [festival], organiser, { since: textToHeights(text).heights }));
    assert.equal(delta.entries.length, 1);
  });

  test('other text, another version and damaged heights are refused', () => {
    const festival = `0020${'ab'.repeat(32)}`;
    for (const text of [
      'hello',
      `panda-have:2:${festival}:gA`,
      `panda-have:1:nope:gA`,
      `panda-have:1:${festival}:!!`,
      `panda-have:1:${festival}:gQE`,
      'x'.repeat(2_000_000),
    ]) {
      assert.throws(
        () => textToHeights(text),
        (error) => isPandaError(error, 'HEIGHTS_TEXT_INVALID'),
        text.slice(0, 40),
      );
    }
  });
});
