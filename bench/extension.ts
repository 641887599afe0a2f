/**
 * The extension's latencies as a person meets them, in headless Chromium with the built
 * extension (dist/extension/chrome): from a page's `panda_publish` to the request showing in
 * the open popup and, with the popup closed, in the approval window the extension opens; from the click on "Approve once" to the page's resolved promise, and the
 * service worker's cold start (stopped the way Chrome stops an idle worker, then woken by a
 * page's request). Times are taken by the driver (Node), so they include a few milliseconds
 * of DevTools protocol round trips.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium, type Page } from 'playwright-core';
import { builtExtension, call, serveTestSites } from '../test/extension/e2e-support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const PUBLISHES = 30;
const COLD_STARTS = 15;
const WINDOWS = 10;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const p90 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)]!;
const figures = (values: number[]) =>
  `median ${median(values).toFixed(0)} ms, p90 ${p90(values).toFixed(0)} ms, min ${Math.min(...values).toFixed(0)} ms (n = ${values.length})`;

async function approve(popup: Page, text: string): Promise<void> {
  const card = popup.locator('[data-pending]', { hasText: text }).first();
  await card.waitFor({ timeout: 15_000 });
  await card.locator('[data-decision="approve-once"]').click();
}

export async function run(): Promise<void> {
  const dir = await builtExtension('chrome');
  const profile = mkdtempSync(join(tmpdir(), 'panda-kit-bench-'));
  const sites = await serveTestSites();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const extensionId = new URL(worker.url()).host;
    const page = await context.newPage();
    await page.goto(`${sites.page}/plain`);
    await page.waitForFunction('window.T !== undefined');
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await popup.locator('[data-key]').waitFor();
    const request = (method: string, params?: unknown) => page.evaluate<{ result?: { documentId: string } }>(call('request', { method, params }));

    const connected = request('panda_connect');
    await approve(popup, sites.page);
    await connected;
    const start = Math.floor(Date.now() / 1000);
    const festival = request('panda_publish', { type: 'festival', fields: { name: 'Bench festival', start, end: start + 86_400, timezone: 'Europe/Berlin' } });
    await approve(popup, 'Bench festival');
    const festivalId = (await festival).result!.documentId;

    const toPrompt: number[] = [];
    const toResolved: number[] = [];
    const toArmed: number[] = [];
    for (let i = 1; i <= PUBLISHES; i++) {
      const title = `Bench event ${i}`;
      const asked = performance.now();
      const answer = request('panda_publish', { type: 'event', fields: { festival: festivalId, title, start: start + i * 600, end: start + i * 600 + 300 } });
      const card = popup.locator('[data-pending]', { hasText: title }).first();
      await card.waitFor({ timeout: 15_000 });
      const shown = performance.now();
      // The answers work only after ARM_DELAY ms on screen (no click-through); time the
      // extension's own work from the click, not that deliberate wait.
      await card.locator('.answers[data-armed]').waitFor();
      const clicked = performance.now();
      toArmed.push(clicked - shown);
      await card.locator('[data-decision="approve-once"]').click();
      if (!(await answer).result) throw new Error(`${title} was not published`);
      toPrompt.push(shown - asked);
      toResolved.push(performance.now() - clicked);
    }

    // An open popup reconnects its port at once and so wakes the worker itself; closed, the
    // extension opens its approval window for every question.
    await popup.close();
    const toWindow: number[] = [];
    for (let i = 1; i <= WINDOWS; i++) {
      const title = `Windowed event ${i}`;
      const asked = performance.now();
      const answer = request('panda_publish', { type: 'event', fields: { festival: festivalId, title, start: start + i * 600, end: start + i * 600 + 300 } });
      const prompt = await context.waitForEvent('page', { predicate: (opened) => opened.url().endsWith('/approval.html'), timeout: 15_000 });
      const card = prompt.locator('[data-pending]', { hasText: title }).first();
      await card.waitFor({ timeout: 15_000 });
      toWindow.push(performance.now() - asked);
      const closed = prompt.waitForEvent('close');
      await card.locator('[data-decision="approve-once"]').click();
      if (!(await answer).result) throw new Error(`${title} was not published`);
      await closed;
    }

    const coldStarts: number[] = [];
    const cdp = await context.newCDPSession(page);
    const serviceWorker = async () => {
      const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
      return targetInfos.find((info) => info.type === 'service_worker' && info.url.startsWith(`chrome-extension://${extensionId}/`));
    };
    while (coldStarts.length < COLD_STARTS) {
      const target = await serviceWorker();
      if (!target) throw new Error('no service worker to stop');
      await cdp.send('Target.closeTarget', { targetId: target.targetId });
      // Let the page's content script notice its port closed, as it does when Chrome stops an idle worker.
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (await serviceWorker()) throw new Error('the service worker was started again before the page asked');
      const woken = performance.now();
      const answer = await request('panda_getPublicKey');
      if (!answer.result) throw new Error(`the woken service worker did not answer: ${JSON.stringify(answer)}`);
      coldStarts.push(performance.now() - woken);
    }

    console.log('\nExtension latencies (headless Chromium, built extension)');
    console.log(`  panda_publish -> request shown in the popup:   ${figures(toPrompt)}`);
    console.log(`  panda_publish -> approval window showing it:  ${figures(toWindow)}`);
    console.log(`  request shown -> its answers work (no click-through): ${figures(toArmed)}`);
    console.log(`  "Approve once" click -> page's promise resolved: ${figures(toResolved)}`);
    console.log(`  service worker cold start -> first answer:     ${figures(coldStarts)}`);
  } finally {
    await context.close();
    await sites.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
