/**
 * What the planner's Firefox ESR tests share (puppeteer-core over WebDriver BiDi, headless):
 * the planner reached from a join link (BiDi refuses to navigate to moz-extension: URLs, but
 * a tab the extension opens itself can be driven), and reading, typing and clicking through
 * its nested shadow roots, a Firefox with the extension and its planner, and festival files
 * saved and chosen.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { builtExtension, withTimeout } from './e2e-support.js';

export const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
export const skip = existsSync(FIREFOX) ? false : `no Firefox at ${FIREFOX}`;
export const UNKNOWN_FESTIVAL = `0020${'ab'.repeat(32)}`;

/** The planner's elements are in nested shadow roots: puppeteer's `>>>` pierces them. */
export const selectorIn = (root: string, selector: string) => `${root} >>> ${selector}`;
export const inPlanner = (selector: string) => selectorIn('panda-planner', selector);

/** Sets an input's value as typing would, and tells its element (datetime-local cannot be typed reliably over BiDi). */
export async function setValue(page: Page, selector: string, value: string): Promise<void> {
  const handle = await page.waitForSelector(selector, { timeout: 20_000 });
  assert.ok(handle, selector);
  // An anonymous arrow: tsx names only named functions, with a helper the page does not have.
  await handle.evaluate((element, text) => {
    (element as HTMLInputElement).value = text;
    element.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    element.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }, value);
}

export async function click(page: Page, selector: string): Promise<void> {
  const handle = await page.waitForSelector(selector, { timeout: 20_000 });
  assert.ok(handle, selector);
  await handle.click();
}

/** The text of the planner (or of another element, `root`), through every shadow root. */
export const plannerText = (page: Page, root = 'panda-planner') =>
  page.evaluate(
    `(() => { const walk = (node) => [...(node.shadowRoot ? node.shadowRoot.childNodes : []), ...node.childNodes].map((child) => child.nodeType === 3 ? child.textContent : walk(child)).join(' '); return walk(document.querySelector(${JSON.stringify(root)})).replace(/\\s+/g, ' '); })()`,
  ) as Promise<string>;

export async function waitForText(page: Page, text: string, ms = 30_000, root = 'panda-planner'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await plannerText(page, root)).includes(text)) {
    if (Date.now() > deadline) throw new Error(`${root} never showed “${text}”: ${(await plannerText(page, root)).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A Firefox of its own (puppeteer gives each launch a fresh profile) with the extension, its planner open through a join link it declines. */
export async function firefoxWithPlanner(sitePage: string): Promise<{ browser: Browser; planner: Page }> {
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
  await browser.installExtension(await builtExtension('firefox'));
  const planner = await plannerFromJoinLink(browser, `${sitePage}/plain#panda-join=${UNKNOWN_FESTIVAL}&signaling=${encodeURIComponent('ws://127.0.0.1:9')}`);
  await waitForText(planner, 'Take part in a festival Panda Kit does not know yet');
  await click(planner, selectorIn('panda-planner', '[data-join-decline]'));
  await waitForText(planner, 'You take part in no festival yet');
  return { browser, planner };
}

/**
 * A saved festival file: the bytes (base64) behind a "Save <festival>.panda" link, the blob its
 * click downloads (BiDi does not reach the download manager).
 */
export function linkedFile(link: ElementHandle): Promise<{ name: string; data: string }> {
  return link.evaluate(async (anchor) => {
    const bytes = new Uint8Array(await (await fetch((anchor as HTMLAnchorElement).href)).arrayBuffer());
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return { name: (anchor as HTMLAnchorElement).download, data: btoa(binary) };
  });
}

/** Chooses a file of these bytes (base64) in the file input `selector`, as a person choosing it would. */
export async function chooseFile(page: Page, selector: string, data: string, name: string): Promise<void> {
  const input = await page.waitForSelector(selector, { timeout: 20_000 });
  assert.ok(input, selector);
  // Anonymous arrows only: tsx names named functions with a helper the page does not have.
  await input.evaluate(
    (element, text, fileName) => {
      const bytes = Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
      const files = new DataTransfer();
      files.items.add(new File([bytes], fileName, { type: 'application/octet-stream' }));
      (element as HTMLInputElement).files = files.files;
      element.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
    },
    data,
    name,
  );
}

/** Opens `link` (a page with `#panda-join=`): the extension opens the planner, which is returned. */
export async function plannerFromJoinLink(browser: Browser, link: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(link);
  return withTimeout(
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
}

/**
 * In the planner: festival `festival` (4–7 June 2027, Europe/Lisbon), a location `resource`
 * its owner decides on, and an event `event` asking for it, each through the planner's form.
 */
export async function planFestival(planner: Page, names: { festival: string; resource: string; event: string }): Promise<void> {
  await click(planner, inPlanner('[data-new-festival]'));
  await setValue(planner, inPlanner('panda-festival-form >>> input[name="name"]'), names.festival);
  const zone = await planner.waitForSelector(inPlanner('panda-festival-form >>> select[name="timezone"]'));
  await zone!.select('Europe/Lisbon');
  await setValue(planner, inPlanner('panda-festival-form >>> input[name="start"]'), '2027-06-04T14:00');
  await setValue(planner, inPlanner('panda-festival-form >>> input[name="end"]'), '2027-06-07T02:00');
  await click(planner, inPlanner('panda-festival-form >>> button[type="submit"]'));
  await waitForText(planner, 'Festival created; you take part in it.');

  await click(planner, inPlanner('[data-tab="resources"]'));
  await click(planner, inPlanner('[data-new-resource]'));
  await click(planner, inPlanner('panda-resource-form >>> input[name="kind"][value="location"]'));
  await setValue(planner, inPlanner('panda-resource-form >>> input[name="title"]'), names.resource);
  await click(planner, inPlanner('panda-resource-form >>> input[name="policy"][value="manual"]'));
  await click(planner, inPlanner('panda-resource-form >>> button[type="submit"]'));
  await waitForText(planner, 'Resource created.');
  await waitForText(planner, 'decides each request');

  await click(planner, inPlanner('[data-tab="events"]'));
  await setValue(planner, inPlanner('panda-event-form >>> input[name="title"]'), names.event);
  await setValue(planner, inPlanner('panda-event-form >>> input[name="start"]'), '2027-06-04T21:00');
  await setValue(planner, inPlanner('panda-event-form >>> input[name="end"]'), '2027-06-04T23:00');
  // The form lists the festival's resources once it has read them.
  const checkbox = await planner.waitForSelector(inPlanner('panda-event-form >>> input[type="checkbox"]'), { timeout: 20_000 });
  await checkbox!.click();
  await click(planner, inPlanner('panda-event-form >>> button[type="submit"]'));
  await waitForText(planner, `${names.resource} : waiting for`);
}
