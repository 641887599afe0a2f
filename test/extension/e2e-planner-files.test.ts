/**
 * Festival files in Chromium with the built extension: profile A makes a festival with a
 * resource and events in the planner and exports it ("Export festival file", the download
 * captured); profile B — its own persistent context, never on any network with A (no
 * signaling server at all) — imports the file, sees what it adds in words, adds it, and its
 * planner lists the festival with A's events; a corrupted file is refused with the reason,
 * and nothing is stored.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { addEvent, eventsShown, lakesideWithStage, skip, tab, withExtension, type Person } from './e2e-planner-support.js';
import { builtExtension } from './e2e-support.js';

describe('festival files carry a festival between two planners that never met', { skip, timeout: 600_000 }, () => {
  let a: Person;
  let b: Person;
  const files = mkdtempSync(join(tmpdir(), 'panda-kit-festival-files-'));
  let exported = '';

  before(async () => {
    const extension = await builtExtension('chrome');
    [a, b] = await Promise.all([withExtension('files-a', extension), withExtension('files-b', extension)]);
  });
  after(async () => {
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    rmSync(files, { recursive: true, force: true });
  });

  test('A exports its festival; B previews the file in words, adds it, and shows the same events', async () => {
    const planner = a.planner;
    const festivalId = await lakesideWithStage(a);
    await tab(planner, 'events');
    await addEvent(planner, 'Opening', '2026-07-10T18:00', '2026-07-10T19:00');
    await addEvent(planner, 'Night set', '2026-07-10T22:00', '2026-07-11T01:00');
    await addEvent(planner, 'Breakfast talk', '2026-07-11T09:00', '2026-07-11T10:00');
    const shownA = await eventsShown(planner);
    assert.equal(shownA.length, 3);

    await tab(planner, 'festivals');
    const downloading = planner.waitForEvent('download', { timeout: 20_000 });
    await planner.locator(`[data-file-festival="${festivalId}"] [data-export-festival]`).click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), 'Lakeside.panda');
    exported = join(files, 'Lakeside.panda');
    await download.saveAs(exported);
    const bytes = readFileSync(exported);
    assert.ok(bytes.length > 500, `a signed bundle, ${bytes.length} bytes`);
    assert.equal(bytes[0], 0x87, 'a bundle: a CBOR array of seven items');

    // B: no festival, no signaling server; only the file.
    const other = b.planner;
    assert.equal(await other.locator('li[data-festival]').count(), 0);
    await other.locator('[data-festival-file-input]').setInputFiles(exported);
    const words = other.locator('[data-preview-words]');
    await words.waitFor({ timeout: 20_000 });
    assert.match(await words.innerText(), /^Adds 3 new events, 1 new resource(, \d+ decisions?)? — from Mira$/);
    assert.match(await other.locator('[data-file-preview]').innerText(), /Lakeside \(new to you\)/);
    assert.equal(await other.locator('li[data-festival]').count(), 0, 'nothing added before the person says so');
    await other.locator('[data-add-file]').click();
    await other.locator('[data-festival-files] [role="status"]', { hasText: 'Added 3 new events' }).waitFor({ timeout: 20_000 });
    await other.locator(`li[data-festival="${festivalId}"][data-name="Lakeside"]`).waitFor({ timeout: 20_000 });
    assert.deepEqual(await eventsShown(other), shownA);
  });

  test('a corrupted file is refused with the reason; nothing is added', async () => {
    assert.ok(exported, 'the file of the first test');
    const bytes = readFileSync(exported);
    bytes[bytes.length - 300]! ^= 0x01;
    const corrupted = join(files, 'Lakeside-corrupted.panda');
    writeFileSync(corrupted, bytes);
    const truncated = join(files, 'Lakeside-truncated.panda');
    writeFileSync(truncated, readFileSync(exported).subarray(0, 400));
    const other = b.planner;
    await tab(other, 'festivals');
    for (const [file, why] of [
      [corrupted, /^Lakeside-corrupted\.panda is not a festival file Panda Kit can read: its signature does not hold .+ Nothing was added\.$/],
      [truncated, /^Lakeside-truncated\.panda is not a festival file Panda Kit can read: .+ Nothing was added\.$/],
    ] as const) {
      await other.locator('[data-festival-file-input]').setInputFiles(file);
      const alert = other.locator('[data-festival-files] [role="alert"]');
      await alert.waitFor({ timeout: 20_000 });
      assert.match((await alert.innerText()).trim(), why);
      assert.equal(await other.locator('[data-file-preview]').count(), 0);
    }
    assert.equal(await other.locator('li[data-festival]').count(), 1, 'still only the festival added before');
  });
});
