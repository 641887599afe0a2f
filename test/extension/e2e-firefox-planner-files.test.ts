/**
 * Festival files in Firefox ESR with the shipped build: A plans a festival and exports it;
 * B, another Firefox with its own profile and no network to A, previews the file, adds it and
 * shows A's event; a corrupted file is refused with the reason.
 *
 * The exported file is read through A's page, not the download manager (which BiDi does not
 * reach): the bytes behind the planner's "Save <festival>.panda" link, the blob the click
 * downloads. B is given them as a File in its file input, as choosing the file would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { chooseFile, click, firefoxWithPlanner, inPlanner, linkedFile, planFestival, plannerText, skip, waitForText } from './e2e-firefox-planner-support.js';
import { serveTestSites, type TestSites } from './e2e-support.js';

/** A Firefox of its own with the extension, its planner open. */
const person = (sites: TestSites) => firefoxWithPlanner(sites.page);

/** Chooses a file of these bytes (base64) in the planner's "Import festival file". */
const chooseInPlanner = (planner: Page, data: string, name: string) => chooseFile(planner, inPlanner('input[data-festival-file-input]'), data, name);

describe('Firefox: festival files (export in one profile, import in another)', { skip, timeout: 300_000 }, () => {
  let sites: TestSites;
  let a: { browser: Browser; planner: Page };
  let b: { browser: Browser; planner: Page };
  let file = { name: '', data: '' };

  before(async () => {
    sites = await serveTestSites();
    // One after the other: two Firefoxes starting at once on a loaded machine are slow to open the planner.
    a = await person(sites);
    b = await person(sites);
  });
  after(async () => {
    await a?.browser.close();
    await b?.browser.close();
    await sites?.close();
  });

  test('A exports a festival; B previews the file, adds it and shows its event', async () => {
    await planFestival(a.planner, { festival: 'Fox Fest', resource: 'Cellar', event: 'Night of chaos' });
    await click(a.planner, inPlanner('[data-tab="festivals"]'));
    await click(a.planner, inPlanner('[data-export-festival]'));
    await waitForText(a.planner, 'Fox Fest.panda: ');
    const link = await a.planner.waitForSelector(inPlanner('a[data-festival-file-download]'), { timeout: 20_000 });
    assert.ok(link);
    file = await linkedFile(link);
    assert.equal(file.name, 'Fox Fest.panda');
    assert.equal(atob(file.data).charCodeAt(0), 0x87, 'a bundle: a CBOR array of seven items');

    await chooseInPlanner(b.planner, file.data, file.name);
    await waitForText(b.planner, 'Adds 1 new event, 1 new resource');
    await waitForText(b.planner, 'Fox Fest (new to you)');
    assert.ok(!(await plannerText(b.planner)).includes('taking part'), 'nothing added before the person says so');
    await click(b.planner, inPlanner('[data-add-file]'));
    await waitForText(b.planner, 'Added 1 new event, 1 new resource');
    await click(b.planner, inPlanner('[data-tab="events"]'));
    await waitForText(b.planner, 'Night of chaos');
    await waitForText(b.planner, 'Cellar : waiting for');
  });

  test('a corrupted file is refused with the reason', async () => {
    assert.ok(file.data, 'the file of the first test');
    const bytes = Uint8Array.from(atob(file.data), (char) => char.charCodeAt(0));
    bytes[bytes.length - 100]! ^= 0x01;
    await click(b.planner, inPlanner('[data-tab="festivals"]'));
    await chooseInPlanner(b.planner, Buffer.from(bytes).toString('base64'), 'broken.panda');
    await waitForText(b.planner, 'broken.panda is not a festival file Panda Kit can read: its signature does not hold');
    await waitForText(b.planner, 'Nothing was added.');
  });
});
