/**
 * The popup's compact festival files in Chromium with the built extension: profile A makes a
 * festival with a resource and events in the planner and saves it from the popup ("Save
 * file", the download captured); profile B — its own persistent context, never on any
 * network with A — opens the file in its popup, sees what it would add in words, cancels
 * once (nothing added), then adds it, and its popup and planner list the festival with A's
 * events; a corrupted file is refused in the popup with the reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { addEvent, eventsShown, lakesideWithStage, skip, tab, withExtension, type Person } from './e2e-planner-support.js';
import { builtExtension } from './e2e-support.js';

/** The person's popup, past the welcome. */
async function popupOf(person: Person): Promise<Page> {
  const popup = await person.context.newPage();
  await popup.goto(`chrome-extension://${person.extensionId}/popup.html`);
  await popup.locator('[data-key]').waitFor({ timeout: 20_000 });
  const close = popup.locator('[data-welcome-close]');
  if (await close.count()) await close.click();
  await popup.locator('[data-popup-festival-files]').waitFor({ timeout: 20_000 });
  return popup;
}

describe('the popup saves a festival file and opens one', { skip, timeout: 600_000 }, () => {
  let a: Person;
  let b: Person;
  const files = mkdtempSync(join(tmpdir(), 'panda-kit-popup-files-'));

  before(async () => {
    const extension = await builtExtension('chrome');
    [a, b] = await Promise.all([withExtension('popup-files-a', extension), withExtension('popup-files-b', extension)]);
  });
  after(async () => {
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    rmSync(files, { recursive: true, force: true });
  });

  test('A saves its festival from the popup; B previews it in its popup, cancels, adds it, and shows the same events', async () => {
    const festivalId = await lakesideWithStage(a);
    await tab(a.planner, 'events');
    await addEvent(a.planner, 'Opening', '2026-07-10T18:00', '2026-07-10T19:00');
    await addEvent(a.planner, 'Night set', '2026-07-10T22:00', '2026-07-11T01:00');
    const shownA = await eventsShown(a.planner);
    assert.equal(shownA.length, 2);

    const popupA = await popupOf(a);
    const downloading = popupA.waitForEvent('download', { timeout: 20_000 });
    await popupA.locator(`li[data-festival="${festivalId}"] [data-save-festival-file]`).click();
    const download = await downloading;
    assert.equal(download.suggestedFilename(), 'Lakeside.panda');
    const saved = join(files, 'Lakeside.panda');
    await download.saveAs(saved);
    assert.equal(readFileSync(saved)[0], 0x87, 'a bundle: a CBOR array of seven items');
    await popupA.locator('[data-popup-festival-files] [role="status"]', { hasText: 'Lakeside.panda' }).waitFor();

    const popupB = await popupOf(b);
    assert.equal(await popupB.locator('li[data-festival]').count(), 0);
    const input = popupB.locator('[data-festival-file-input]');
    await input.setInputFiles(saved);
    const words = popupB.locator('[data-preview-words]');
    await words.waitFor({ timeout: 20_000 });
    assert.match(await words.innerText(), /^Adds 2 new events, 1 new resource(, \d+ decisions?)? — from Mira$/);
    assert.match(await popupB.locator('[data-file-preview]').innerText(), /Lakeside \(new to you\)/);
    await popupB.locator('[data-cancel-file]').click();
    assert.equal(await popupB.locator('[data-file-preview]').count(), 0);
    assert.equal(await popupB.locator('li[data-festival]').count(), 0, 'nothing added on Cancel');

    await input.setInputFiles(saved);
    await popupB.locator('[data-add-file]').click();
    await popupB.locator('[data-popup-festival-files] [role="status"]', { hasText: 'Added 2 new events' }).waitFor({ timeout: 20_000 });
    await popupB.locator(`li[data-festival="${festivalId}"]`, { hasText: 'Lakeside' }).waitFor({ timeout: 20_000 });
    await b.planner.reload();
    await b.planner.locator(`li[data-festival="${festivalId}"][data-name="Lakeside"]`).waitFor({ timeout: 20_000 });
    assert.deepEqual(await eventsShown(b.planner), shownA);

    // The same file again: nothing new to add.
    await input.setInputFiles(saved);
    await words.waitFor({ timeout: 20_000 });
    assert.match(await words.innerText(), /^Adds nothing new: this copy has all of it — from Mira$/);
    assert.ok(await popupB.locator('[data-add-file]').isDisabled());
    await popupB.locator('[data-cancel-file]').click();

    const bytes = readFileSync(saved);
    bytes[bytes.length - 300]! ^= 0x01;
    const corrupted = join(files, 'Lakeside-corrupted.panda');
    writeFileSync(corrupted, bytes);
    await input.setInputFiles(corrupted);
    const alert = popupB.locator('[data-popup-festival-files] [role="alert"]');
    await alert.waitFor({ timeout: 20_000 });
    assert.match(
      await alert.innerText(),
      /^Lakeside-corrupted\.panda is not a festival file Panda Kit can read: its signature does not hold .+ Nothing was added\.$/,
    );
    assert.equal(await popupB.locator('[data-file-preview]').count(), 0);
  });
});
