/**
 * Issue 6's end-to-end path: `npm start`'s demo (festival page, signaling server, Node peer),
 * a Chromium profile with the built extension where the person connects through
 * `<panda-connect>`, writes an event in `<panda-event-form>` and approves it in the popup,
 * and a second browser without the extension whose `<panda-schedule>` (the in-page peer,
 * read-only) shows the new event.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startDemo, stopDemo, type Demo } from '../node/demo-support.js';
import { freePort, releaseNodeDataChannel } from '../peer/support.js';
import { builtExtension } from './e2e-support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Today's date in the demo festival's time zone, as a datetime-local value's date part. */
const festivalToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

async function approveIn(page: Page, text: string): Promise<void> {
  const card = page.locator('[data-pending]', { hasText: text }).first();
  await card.waitFor({ timeout: 20_000 });
  await card.locator('[data-decision="approve-once"]').click();
}

/** The approval window (the one open, or the next one) once it shows a question with `text`. */
async function pageWith(context: BrowserContext, text: string): Promise<Page> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
    for (const open of context.pages()) {
      if (open.isClosed() || !open.url().endsWith('/approval.html')) continue;
      if (
        (await open
          .locator('[data-pending]', { hasText: text })
          .count()
          .catch(() => 0)) > 0
      )
        return open;
    }
  }
  throw new Error(`no approval window asks "${text}"`);
}

describe(
  'the demo with the extension: an event made in <panda-event-form> and approved in the popup shows in another browser',
  { skip, timeout: 300_000 },
  () => {
    const dirs: string[] = [];
    let demo: Demo;
    let withExtension: BrowserContext;
    let extensionId: string;
    let without: Browser;

    before(async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'panda-demo-e2e-'));
      const profile = mkdtempSync(join(tmpdir(), 'panda-kit-chromium-widgets-'));
      dirs.push(dataDir, profile);
      demo = await startDemo(dataDir, await freePort(), await freePort());
      const extension = await builtExtension('chrome');
      withExtension = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: [...ARGS, `--disable-extensions-except=${extension}`, `--load-extension=${extension}`],
      });
      const worker = withExtension.serviceWorkers()[0] ?? (await withExtension.waitForEvent('serviceworker', { timeout: 10_000 }));
      extensionId = new URL(worker.url()).host;
      without = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    });
    after(async () => {
      await withExtension?.close();
      await without?.close();
      if (demo) await stopDemo(demo);
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      releaseNodeDataChannel();
    });

    test('connect in <panda-connect>, publish from <panda-event-form> after approval in the popup, see it in <panda-schedule> without the extension', async () => {
      const title = `Night of chaos ${Date.now() % 100_000}`;
      const page = await withExtension.newPage();
      await page.goto(demo.web);

      // Connecting: the site asks, the extension's approval window opens, the person approves.
      const opening = withExtension.waitForEvent('page', { predicate: (opened) => opened.url().endsWith('/approval.html'), timeout: 20_000 });
      await page.locator('panda-connect button[part="button"]').click();
      const prompt = await opening;
      await approveIn(prompt, new URL(demo.web).origin);
      await page.locator('panda-connect [data-connected]').waitFor({ timeout: 20_000 });
      // The site was not granted the demo's festival: its widgets ask to join it (one question for all of them), naming the festival's server.
      await approveIn(await pageWith(withExtension, 'Join a festival'), 'Join a festival');

      // The form becomes writable once the extension holds the festival (it joins the demo's peers).
      const form = page.locator('panda-event-form');
      await form.locator('input[name="title"]').waitFor({ timeout: 20_000 });
      // Expressions, not functions: tsx's helpers for functions do not exist in the page.
      await page.waitForFunction("!document.querySelector('panda-event-form')?.shadowRoot?.querySelector('[data-read-only]')", undefined, { timeout: 60_000 });

      const popup = await withExtension.newPage();
      await popup.goto(`chrome-extension://${extensionId}/popup.html`);
      await popup.locator('[data-key]').waitFor();

      const day = festivalToday();
      await form.locator('input[name="title"]').fill(title);
      await form.locator('input[name="start"]').fill(`${day}T21:00`);
      await form.locator('input[name="end"]').fill(`${day}T23:00`);
      const published = page.evaluate<string>(
        "new Promise((resolve) => document.addEventListener('panda-event-published', (event) => resolve(event.detail.documentId), { once: true }))",
      );
      await form.locator('button[type="submit"]').click();
      await approveIn(popup, title);
      const documentId = await published;
      assert.match(documentId, /^0020[0-9a-f]{64}$/);

      // A visitor without the extension: the page's own peer, read-only, receives it.
      const visitor = await without.newPage();
      await visitor.goto(demo.web);
      await visitor.locator('panda-schedule [data-read-only]').waitFor({ timeout: 60_000 });
      await visitor.locator('panda-schedule').getByText(title).first().waitFor({ timeout: 90_000 });
    });
  },
);
