/**
 * The planner's main flow in Firefox ESR with the shipped build (puppeteer-core over WebDriver
 * BiDi, headless): create a festival, a resource and an event in the planner's forms, then
 * confirm the request in its Requests tab.
 *
 * WebDriver BiDi refuses to navigate to moz-extension: URLs, but a tab the extension opens
 * itself can be driven. So the planner is reached as a person reaches it from a join link:
 * a page's `#panda-join=` makes the extension open the planner, which asks first; the person
 * says "Not now" and plans. (The popup's button is tested in Chromium.)
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { builtExtension, serveTestSites, withTimeout, type TestSites } from './e2e-support.js';

const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
const skip = existsSync(FIREFOX) ? false : `no Firefox at ${FIREFOX}`;
const UNKNOWN_FESTIVAL = `0020${'ab'.repeat(32)}`;

/** The planner's elements are in nested shadow roots: puppeteer's `>>>` pierces them. */
const inPlanner = (selector: string) => `panda-planner >>> ${selector}`;

/** Sets an input's value as typing would, and tells its element (datetime-local cannot be typed reliably over BiDi). */
async function setValue(page: Page, selector: string, value: string): Promise<void> {
  const handle = await page.waitForSelector(selector, { timeout: 20_000 });
  assert.ok(handle, selector);
  // An anonymous arrow: tsx names only named functions, with a helper the page does not have.
  await handle.evaluate((element, text) => {
    (element as HTMLInputElement).value = text;
    element.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    element.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }, value);
}

async function click(page: Page, selector: string): Promise<void> {
  const handle = await page.waitForSelector(selector, { timeout: 20_000 });
  assert.ok(handle, selector);
  await handle.click();
}

/** The text of the planner, through every shadow root. */
const plannerText = (page: Page) =>
  page.evaluate(
    `(() => { const walk = (node) => [...(node.shadowRoot ? node.shadowRoot.childNodes : []), ...node.childNodes].map((child) => child.nodeType === 3 ? child.textContent : walk(child)).join(' '); return walk(document.querySelector('panda-planner')).replace(/\\s+/g, ' '); })()`,
  ) as Promise<string>;

async function waitForText(page: Page, text: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await plannerText(page)).includes(text)) {
    if (Date.now() > deadline) throw new Error(`the planner never showed “${text}”: ${(await plannerText(page)).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('Firefox: the planner (festival, resource, event, confirm)', { skip, timeout: 300_000 }, () => {
  let browser: Browser;
  let sites: TestSites;
  let planner: Page;

  before(async () => {
    sites = await serveTestSites();
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
    await browser.installExtension(await builtExtension('firefox'));
  });
  after(async () => {
    await browser?.close();
    await sites?.close();
  });

  test('a join link opens the planner, which asks before taking part', async () => {
    const page = await browser.newPage();
    await page.goto(`${sites.page}/plain#panda-join=${UNKNOWN_FESTIVAL}&signaling=${encodeURIComponent('ws://127.0.0.1:9')}`);
    planner = await withTimeout(
      (async () => {
        for (;;) {
          for (const candidate of await browser.pages()) {
            const href = (await candidate.evaluate('location.href').catch(() => '')) as string;
            if (href.startsWith('moz-extension:') && href.includes('/planner.html#join=')) return candidate;
          }
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })(),
      20_000,
      'the planner tab',
    );
    await waitForText(planner, 'Take part in a festival Panda Kit does not know yet');
    await waitForText(planner, 'ws://127.0.0.1:9');
    await click(planner, inPlanner('[data-join-decline]'));
    await waitForText(planner, 'You take part in no festival yet');
  });

  test('create a festival, a resource and an event in the planner; confirm the request; its status reads confirmed', async () => {
    await click(planner, inPlanner('[data-new-festival]'));
    await setValue(planner, inPlanner('panda-festival-form >>> input[name="name"]'), 'Firefox Fest');
    const zone = await planner.waitForSelector(inPlanner('panda-festival-form >>> select[name="timezone"]'));
    await zone!.select('Europe/Lisbon');
    await setValue(planner, inPlanner('panda-festival-form >>> input[name="start"]'), '2027-06-04T14:00');
    await setValue(planner, inPlanner('panda-festival-form >>> input[name="end"]'), '2027-06-07T02:00');
    await click(planner, inPlanner('panda-festival-form >>> button[type="submit"]'));
    await waitForText(planner, 'Festival created; you take part in it.');
    assert.match(await plannerText(planner), /Firefox Fest .*Fri, 4 Jun 2027 – Mon, 7 Jun 2027 \( Europe\/Lisbon \)/);

    await click(planner, inPlanner('[data-tab="resources"]'));
    await click(planner, inPlanner('[data-new-resource]'));
    await click(planner, inPlanner('panda-resource-form >>> input[name="kind"][value="location"]'));
    await setValue(planner, inPlanner('panda-resource-form >>> input[name="title"]'), 'Cellar');
    await click(planner, inPlanner('panda-resource-form >>> input[name="policy"][value="manual"]'));
    await click(planner, inPlanner('panda-resource-form >>> button[type="submit"]'));
    await waitForText(planner, 'Resource created.');
    await waitForText(planner, 'decides each request');

    await click(planner, inPlanner('[data-tab="events"]'));
    await setValue(planner, inPlanner('panda-event-form >>> input[name="title"]'), 'Night of chaos');
    await setValue(planner, inPlanner('panda-event-form >>> input[name="start"]'), '2027-06-04T21:00');
    await setValue(planner, inPlanner('panda-event-form >>> input[name="end"]'), '2027-06-04T23:00');
    // The form lists the festival's resources once it has read them.
    const checkbox = await planner.waitForSelector(inPlanner('panda-event-form >>> input[type="checkbox"]'), { timeout: 20_000 });
    await checkbox!.click();
    await click(planner, inPlanner('panda-event-form >>> button[type="submit"]'));
    await waitForText(planner, 'Cellar : waiting for');

    await click(planner, inPlanner('[data-tab="requests"]'));
    await waitForText(planner, 'Night of chaos asks for Cellar');
    await setValue(planner, inPlanner('li[data-pending-request] input[name="note"]'), 'See you there');
    await click(planner, inPlanner('li[data-pending-request] [data-decide="confirm"]'));
    await waitForText(planner, 'Confirmed: Cellar for Night of chaos.');
    await waitForText(planner, 'Nothing is waiting for your decision.');

    await click(planner, inPlanner('[data-tab="events"]'));
    await waitForText(planner, 'Cellar : confirmed');
  });
});
