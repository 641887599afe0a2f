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
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { click, FIREFOX, inPlanner, planFestival, plannerFromJoinLink, skip, UNKNOWN_FESTIVAL, waitForText } from './e2e-firefox-planner-support.js';
import { waitForExpression } from '../firefox-wait.js';
import { builtExtension, serveTestSites, type TestSites } from './e2e-support.js';

const inPopup = (selector: string) => `panda-popup >>> ${selector}`;

/** The popup's text, through every shadow root. */
const popupText = (page: Page) =>
  page.evaluate(
    `(() => { const walk = (node) => [...(node.shadowRoot ? node.shadowRoot.childNodes : []), ...node.childNodes].map((child) => child.nodeType === 3 ? child.textContent : walk(child)).join(' '); return walk(document.querySelector('panda-popup')).replace(/\\s+/g, ' '); })()`,
  ) as Promise<string>;

async function waitForPopupText(page: Page, text: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await popupText(page)).includes(text)) {
    if (Date.now() > deadline) throw new Error(`the popup never showed “${text}”: ${(await popupText(page)).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A Firefox of its own with the extension and its planner open (through a join link it declines). */
async function person(sites: TestSites): Promise<{ browser: Browser; page: Page }> {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
  await browser.installExtension(await builtExtension('firefox'));
  const page = await plannerFromJoinLink(browser, `${sites.page}/plain#panda-join=${UNKNOWN_FESTIVAL}&signaling=${encodeURIComponent('ws://127.0.0.1:9')}`);
  await waitForText(page, 'Take part in a festival Panda Kit does not know yet');
  await click(page, inPlanner('[data-join-decline]'));
  await waitForText(page, 'You take part in no festival yet');
  return { browser, page };
}

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
  let a: { browser: Browser; page: Page };
  let b: { browser: Browser; page: Page };

  before(async () => {
    sites = await serveTestSites();
    a = await person(sites);
    b = await person(sites);
  });
  after(async () => {
    await a?.browser.close();
    await b?.browser.close();
    await sites?.close();
  });

  test('A saves its festival from the popup; B opens the file in its popup and adds it', async () => {
    await planFestival(a.page, { festival: 'Fox Fest', resource: 'Cellar', event: 'Night of chaos' });
    await toPopup(a.page);
    await toPopup(b.page);
    await waitForPopupText(a.page, 'Fox Fest');
    await click(a.page, inPopup('li[data-festival] [data-save-festival-file]'));
    await waitForPopupText(a.page, 'Fox Fest.panda: ');
    const link = await a.page.waitForSelector(inPopup('a[data-festival-file-download]'), { timeout: 20_000 });
    assert.ok(link);
    const file = await link.evaluate(async (anchor) => {
      const bytes = new Uint8Array(await (await fetch((anchor as HTMLAnchorElement).href)).arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      return { name: (anchor as HTMLAnchorElement).download, data: btoa(binary) };
    });
    assert.equal(file.name, 'Fox Fest.panda');
    assert.equal(atob(file.data).charCodeAt(0), 0x87, 'a bundle: a CBOR array of seven items');

    assert.ok(!(await popupText(b.page)).includes('Fox Fest'));
    const input = await b.page.waitForSelector(inPopup('input[data-festival-file-input]'), { timeout: 20_000 });
    assert.ok(input);
    // Anonymous arrows only: tsx names named functions with a helper the page does not have.
    await input.evaluate(
      (element, text, fileName) => {
        const bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
        const files = new DataTransfer();
        files.items.add(new File([bytes], fileName, { type: 'application/octet-stream' }));
        (element as HTMLInputElement).files = files.files;
        element.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
      },
      file.data,
      file.name,
    );
    await waitForPopupText(b.page, 'Adds 1 new event, 1 new resource');
    await waitForPopupText(b.page, 'Fox Fest (new to you)');
    await click(b.page, inPopup('[data-add-file]'));
    await waitForPopupText(b.page, 'Added 1 new event, 1 new resource');
    const festival = await b.page.waitForSelector(inPopup('li[data-festival]'), { timeout: 20_000 });
    assert.match(await festival!.evaluate((item) => item.textContent ?? ''), /Fox Fest/);
  });
});
