/**
 * What the planner's Firefox ESR tests share (puppeteer-core over WebDriver BiDi, headless):
 * the planner reached from a join link (BiDi refuses to navigate to moz-extension: URLs, but
 * a tab the extension opens itself can be driven), and reading, typing and clicking through
 * its nested shadow roots.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { withTimeout } from './e2e-support.js';

export const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
export const skip = existsSync(FIREFOX) ? false : `no Firefox at ${FIREFOX}`;
export const UNKNOWN_FESTIVAL = `0020${'ab'.repeat(32)}`;

/** The planner's elements are in nested shadow roots: puppeteer's `>>>` pierces them. */
export const inPlanner = (selector: string) => `panda-planner >>> ${selector}`;

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

/** The text of the planner, through every shadow root. */
export const plannerText = (page: Page) =>
  page.evaluate(
    `(() => { const walk = (node) => [...(node.shadowRoot ? node.shadowRoot.childNodes : []), ...node.childNodes].map((child) => child.nodeType === 3 ? child.textContent : walk(child)).join(' '); return walk(document.querySelector('panda-planner')).replace(/\\s+/g, ' '); })()`,
  ) as Promise<string>;

export async function waitForText(page: Page, text: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await plannerText(page)).includes(text)) {
    if (Date.now() > deadline) throw new Error(`the planner never showed “${text}”: ${(await plannerText(page)).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
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
