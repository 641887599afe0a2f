/**
 * The popup's festival files in Firefox ESR with the shipped build: A plans a festival in the
 * planner and saves it from the popup (*Save file*); B, another Firefox with its own profile
 * and no network to A, opens the file in its popup, sees what it adds, adds it, and its popup
 * lists the festival.
 *
 * As in e2e-firefox-planner-files.test.ts, the saved file is read through A's popup (the
 * bytes behind its "Save <festival>.panda" link, which BiDi's missing download manager
 * cannot give), and B is given them as a File in the popup's file input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { chooseFile, firefoxWithPlanner, linkedFile, planFestival, plannerText, selectorIn, skip, waitForText, click } from './e2e-firefox-planner-support.js';
import { waitForExpression } from '../firefox-wait.js';
import { serveTestSites, type TestSites } from './e2e-support.js';

const inPopup = (selector: string) => selectorIn('panda-popup', selector);
const popupText = (page: Page) => plannerText(page, 'panda-popup');
const waitForPopupText = (page: Page, text: string) => waitForText(page, text, 30_000, 'panda-popup');

/** The extension's tab goes from the planner to the popup (as e2e-firefox-pairing.test.ts does), past the welcome. */
async function toPopup(page: Page): Promise<void> {
  await page.evaluate(`location.assign('/popup.html')`);
  await waitForExpression(page, `location.pathname === '/popup.html' && !!document.querySelector('panda-popup')?.shadowRoot?.querySelector('h1')`);
  const close = await page.waitForSelector(inPopup('[data-welcome-close], [data-popup-festival-files]'), { timeout: 20_000 });
  if (await close!.evaluate((element) => element.hasAttribute('data-welcome-close'))) await close!.click();
  await page.waitForSelector(inPopup('[data-popup-festival-files]'), { timeout: 20_000 });
}

describe('Firefox: the popup saves a festival file and opens one', { skip, timeout: 300_000 }, () => {
  let sites: TestSites;
  let a: { browser: Browser; planner: Page };
  let b: { browser: Browser; planner: Page };

  before(async () => {
    sites = await serveTestSites();
    a = await firefoxWithPlanner(sites.page);
    b = await firefoxWithPlanner(sites.page);
  });
  after(async () => {
    await a?.browser.close();
    await b?.browser.close();
    await sites?.close();
  });

  test('A saves its festival from the popup; B opens the file in its popup and adds it', async () => {
    await planFestival(a.planner, { festival: 'Fox Fest', resource: 'Cellar', event: 'Night of chaos' });
    await toPopup(a.planner);
    await toPopup(b.planner);
    await waitForPopupText(a.planner, 'Fox Fest');
    await click(a.planner, inPopup('li[data-festival] [data-save-festival-file]'));
    await waitForPopupText(a.planner, 'Fox Fest.panda: ');
    const link = await a.planner.waitForSelector(inPopup('a[data-festival-file-download]'), { timeout: 20_000 });
    assert.ok(link);
    const file = await linkedFile(link);
    assert.equal(file.name, 'Fox Fest.panda');
    assert.equal(atob(file.data).charCodeAt(0), 0x87, 'a bundle: a CBOR array of seven items');

    assert.ok(!(await popupText(b.planner)).includes('Fox Fest'));
    await chooseFile(b.planner, inPopup('input[data-festival-file-input]'), file.data, file.name);
    await waitForPopupText(b.planner, 'Adds 1 new event, 1 new resource');
    await waitForPopupText(b.planner, 'Fox Fest (new to you)');
    await click(b.planner, inPopup('[data-add-file]'));
    await waitForPopupText(b.planner, 'Added 1 new event, 1 new resource');
    const festival = await b.planner.waitForSelector(inPopup('li[data-festival]'), { timeout: 20_000 });
    assert.match(await festival!.evaluate((item) => item.textContent ?? ''), /Fox Fest/);
  });
});
