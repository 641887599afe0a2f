/**
 * Festival files through the planner's background (PlannerApi): a festival exported in one
 * copy, previewed in words and added in another that never met it, which then lists it and
 * tells its peer of every entry; a delta file previewed as such; bad, truncated and altered
 * files refused with PLANNER_BUNDLE_INVALID, storing nothing.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { base64 } from '@scure/base';
import { KeyPair, type Hash } from '../../core/index.js';
import { festivalFileName } from '../../extension/background/festival-files.js';
import type { FestivalFile, FestivalFileImport, FestivalFilePreview } from '../../extension/shared/festival-file-protocol.js';
import { entryCount } from '../core/festival-support.js';
import { code, HOUR, invalidAs, SERVER, setup, T0 } from './planner-api-support.js';
import { ProviderErrorCode } from '../../extension/shared/protocol.js';

/** Copy A: Mira's festival with a stage, 12 events (3 of them updated) and 5 decisions on the stage. */
async function copyA() {
  const a = await setup();
  await a.publish({ type: 'profile', fields: { name: 'Mira' } });
  const festival = (await a.publish({ type: 'festival', fields: { name: 'Lakeside: 2026', start: T0, end: T0 + 72 * HOUR, timezone: 'Europe/Berlin' } }))
    .documentId;
  const stage = (await a.publish({ type: 'resource', fields: { festival, title: 'Stage', kind: 'location', policy: 'manual' } })).documentId;
  const guest = new KeyPair();
  const events: Hash[] = [];
  for (let i = 0; i < 12; i++) {
    const fields = { festival, title: `Set ${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [stage] };
    events.push((await a.node.createEvent(guest, fields)).documentId);
  }
  for (const event of events.slice(0, 3)) await a.node.update(guest, event, { title: 'Moved set' });
  for (const event of events.slice(0, 5)) await a.node.authorize(a.vault.keyPair(a.vault.activeIdentity().id), stage, event, 'confirm');
  const exportFile = async () => (await a.planner.handle('planner_exportFestival', { festivalId: festival })) as FestivalFile;
  return { ...a, festival, stage, guest, events, exportFile };
}

async function copyB() {
  const b = await setup();
  await b.planner.handle('planner_setDefaultSignaling', { signaling: [SERVER] });
  const preview = (data: string, name = 'file.panda') => b.planner.handle('planner_previewFestivalFile', { data, name }) as Promise<FestivalFilePreview>;
  const add = (data: string, name = 'file.panda') => b.planner.handle('planner_importFestivalFile', { data, name }) as Promise<FestivalFileImport>;
  return { ...b, preview, add };
}

describe('festival files in the planner', () => {
  test('a festival exported in one copy is previewed in words, then added to another, which lists it with the same events', async () => {
    const a = await copyA();
    const file = await a.exportFile();
    assert.equal(file.fileName, 'Lakeside 2026.panda');
    assert.equal(base64.decode(file.data).length, file.bytes);

    const b = await copyB();
    const preview = await b.preview(file.data);
    assert.equal(preview.words, 'Adds 12 new events, 1 new resource, 5 decisions — from Mira');
    assert.deepEqual(preview.festivals, [{ id: a.festival, name: 'Lakeside: 2026', held: false }]);
    assert.equal(preview.entries, await entryCount(a.node.store));
    assert.equal(await entryCount(b.node.store), 0, 'the preview stored nothing');
    assert.equal((await b.state()).festivals.length, 0);

    const added = await b.add(file.data);
    assert.equal(added.stored, preview.entries);
    assert.equal(added.words, 'Added 12 new events, 1 new resource, 5 decisions');
    assert.equal(b.peer.announced.length, added.stored, 'the peer is told of every entry stored');
    const [listed] = (await b.state()).festivals;
    assert.equal(listed?.id, a.festival);
    assert.equal(listed?.joined, true);
    assert.deepEqual(listed?.signaling, [SERVER]);
    const shownA = (await a.state()).festivals[0]!.events.map((event) => [event.id, event.title, event.when]);
    assert.deepEqual(
      listed.events.map((event) => [event.id, event.title, event.when]),
      shownA,
    );

    // The same file again: nothing new.
    const again = await b.preview(file.data);
    assert.equal(again.words, 'Adds nothing new: this copy has all of it — from Mira');
    assert.equal(again.festivals[0]?.held, true);
    assert.equal((await b.add(file.data)).words, 'Nothing new: this copy had all of it');
  });

  test('a later file over a copy that has the earlier one: the new and the changed events', async () => {
    const a = await copyA();
    const b = await copyB();
    await b.add((await a.exportFile()).data);
    await a.node.createEvent(a.guest, { festival: a.festival, title: 'Late set', start: T0 + 20 * HOUR, end: T0 + 21 * HOUR });
    await a.node.update(a.guest, a.events[6]!, { title: 'Renamed' });
    await a.node.update(a.guest, a.events[7]!, { title: 'Renamed too' });
    const preview = await b.preview((await a.exportFile()).data);
    assert.equal(preview.words, 'Adds 1 new event, changes 2 — from Mira');
    assert.deepEqual([preview.events, preview.decisions, preview.entries], [{ added: 1, changed: 2 }, 0, 3]);
  });

  test('exported against someone’s “what I have” text, a file holds only what they miss', async () => {
    const a = await copyA();
    const b = await copyB();
    await b.add((await a.exportFile()).data);
    const { text } = (await b.planner.handle('planner_festivalHeights', { festivalId: a.festival })) as { text: string };
    await a.node.createEvent(a.guest, { festival: a.festival, title: 'Late set', start: T0 + 20 * HOUR, end: T0 + 21 * HOUR });
    const full = await a.exportFile();
    const delta = (await a.planner.handle('planner_exportFestival', { festivalId: a.festival, since: text })) as FestivalFile;
    assert.equal(delta.fileName, 'Lakeside 2026 update.panda');
    assert.ok(delta.bytes < full.bytes / 5, `${delta.bytes} bytes against ${full.bytes}`);
    const preview = await b.preview(delta.data);
    assert.deepEqual([preview.words, preview.entries, preview.waiting], ['Adds 1 new event — from Mira', 1, 0]);
    assert.equal((await b.add(delta.data)).stored, 1);

    const other = await a.publish({ type: 'festival', fields: { name: 'Other', start: T0, end: T0 + HOUR, timezone: 'UTC' } });
    const refuse = (since: string) => a.planner.handle('planner_exportFestival', { festivalId: other.documentId, since });
    await assert.rejects(refuse(text), invalidAs('PLANNER_HEIGHTS_INVALID'));
    await assert.rejects(refuse('I have everything'), invalidAs('PLANNER_HEIGHTS_INVALID'));
  });

  test('truncated, altered, foreign and oversized files are refused with the reason; nothing is stored', async () => {
    const a = await copyA();
    const bytes = base64.decode((await a.exportFile()).data);
    const b = await copyB();
    const refusals: Array<[Uint8Array, string]> = [
      [bytes.subarray(0, bytes.length - 1000), 'BUNDLE_INVALID'],
      [new TextEncoder().encode('{"version":"1.0","schedule":{}}'), 'BUNDLE_INVALID'],
    ];
    const altered = bytes.slice();
    altered[altered.length - 200]! ^= 0x40;
    refusals.push([altered, 'BUNDLE_SIGNATURE_INVALID']);
    for (const [file, reason] of refusals) {
      for (const method of ['planner_previewFestivalFile', 'planner_importFestivalFile']) {
        await assert.rejects(b.planner.handle(method, { data: base64.encode(file), name: 'broken.panda' }), (error) => {
          assert.ok(invalidAs('PLANNER_BUNDLE_INVALID')(error), String(error));
          const { message, data } = error as { message: string; data: { reason: string } };
          assert.equal(data.reason, reason);
          assert.match(message, /^broken\.panda is not a festival file Panda Kit can read: .+ Nothing was added\.$/);
          return true;
        });
      }
    }
    await assert.rejects(b.add('not base64!'), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(b.add('A'.repeat(44 * 1024 * 1024)), invalidAs('PLANNER_FILE_TOO_LARGE'));
    await assert.rejects(a.planner.handle('planner_exportFestival', { festivalId: '0020' + 'ab'.repeat(32) }), invalidAs('PLANNER_FESTIVAL_UNKNOWN'));
    assert.equal(await entryCount(b.node.store), 0);
    assert.equal((await b.state()).festivals.length, 0);
    assert.equal(b.peer.announced.length, 0);
  });

  test('file names keep the festival’s name without what file systems refuse', () => {
    assert.equal(festivalFileName('Kids / Corner: "day 1"'), 'Kids Corner day 1.panda');
    assert.equal(festivalFileName('..'), 'festival.panda');
  });
});
