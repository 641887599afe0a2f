/**
 * The extension in Chromium (playwright-core, headless, unpacked from dist/extension/chrome):
 * pages find the provider, requests go page → MAIN-world provider → content script → service
 * worker → ProviderRouter and back.
 *
 * - The shipped build as it is: discovery, 4200 and 4100 from the real router, the popup.
 * - The test build (the same files, background.js with test-only methods, see
 *   e2e-background.ts): the origin comes from the browser however the page forges it, a frame
 *   of another origin is its own origin, events stay with their origin, a stopped service
 *   worker fails waiting requests with 4900 and the next request starts it again.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type BrowserContext, type Frame, type Page, type Worker } from 'playwright-core';
import { PROVIDER_RDNS } from '../../extension/shared/protocol.js';
import { builtExtension, call, serveTestSites, testExtension, withTimeout, type Answer, type Summary, type TestSites } from './e2e-support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

interface Session {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  close(): Promise<void>;
}

async function launch(dir: string): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'panda-kit-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', `--disable-extensions-except=${dir}`, `--load-extension=${dir}`],
  });
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 10_000 }));
  return {
    context,
    worker,
    extensionId: new URL(worker.url()).host,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

async function open(session: Session, url: string): Promise<Page> {
  const page = await session.context.newPage();
  await page.goto(url);
  await page.waitForFunction('window.T !== undefined');
  return page;
}

async function frameOf(page: Page, origin: string): Promise<Frame> {
  await page.waitForFunction(`Array.from(document.querySelectorAll('iframe')).length > 0`);
  for (let tries = 0; tries < 100; tries++) {
    const frame = page.frames().find((candidate) => candidate.url().startsWith(origin));
    if (frame) {
      await frame.waitForFunction('window.T !== undefined');
      return frame;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no frame from ${origin}`);
}

const evaluate = <T>(target: Page | Frame, expression: string): Promise<T> => withTimeout(target.evaluate(expression) as Promise<T>, 10_000, expression);

let sites: TestSites;
before(async () => {
  if (!skip) sites = await serveTestSites();
});
after(async () => {
  await sites?.close();
});

describe('Chromium: the shipped build', { skip }, () => {
  let session: Session;
  before(async () => {
    session = await launch(await builtExtension('chrome'));
  });
  after(async () => {
    await session?.close();
  });

  test('pages discover the provider: frozen announcement, Panda Kit info, nothing but request/on/removeListener', async () => {
    const page = await open(session, `${sites.page}/plain`);
    const summary = await evaluate<Summary>(page, call('summary'));
    assert.equal(summary.frozen, true);
    assert.equal(summary.same, true, 'the same announcement each time');
    assert.equal(summary.info.name, 'Panda Kit');
    assert.equal(summary.info.rdns, PROVIDER_RDNS);
    assert.match(summary.info.icon, /^data:image\/svg\+xml,/);
    assert.match(summary.info.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(summary.keys, ['on', 'removeListener', 'request']);
    assert.equal(summary.assigned, 'ignored', 'the provider cannot be replaced');
    // Announced once more for each request event, always the same provider.
    assert.deepEqual(new Set(await evaluate<string[]>(page, 'T.announcements')), new Set([summary.info.uuid]));
    await page.close();
  });

  test("the provider is there under a strict page CSP (the page's policy does not apply to content scripts)", async () => {
    const page = await open(session, `${sites.page}/csp`);
    assert.equal(await evaluate(page, call('discoverWithin', 2000)), 'Panda Kit');
    const unknown = await evaluate<Answer>(page, call('request', { method: 'nope' }));
    assert.ok('error' in unknown);
    assert.equal(unknown.error.code, 4200);
    await page.close();
  });

  test('a sandboxed frame (opaque origin) gets no provider', async () => {
    const page = await open(session, `${sites.page}/sandboxed`);
    const frame = await frameOf(page, sites.frame);
    assert.equal(await evaluate(frame, 'window.origin'), 'null');
    assert.equal(await evaluate(frame, call('discoverWithin', 500)), null);
    assert.equal(await evaluate(page, call('discoverWithin', 2000)), 'Panda Kit');
    await page.close();
  });

  test('the real router answers: unknown method 4200, panda_getPublicKey unconnected 4100', async () => {
    const page = await open(session, `${sites.page}/plain`);
    const unknown = await evaluate<Answer>(page, call('request', { method: 'nope' }));
    assert.ok('error' in unknown);
    assert.equal(unknown.error.code, 4200);
    assert.equal(unknown.error.isError, true);
    const key = await evaluate<Answer>(page, call('request', { method: 'panda_getPublicKey' }));
    assert.ok('error' in key);
    assert.equal(key.error.code, 4100);
    // A test-only method does not exist in the shipped build.
    const testOnly = await evaluate<Answer>(page, call('request', { method: 'test_context' }));
    assert.ok('error' in testOnly);
    assert.equal(testOnly.error.code, 4200);
    await page.close();
  });

  test('the popup renders "Panda Kit" and the state from the background; the approval page renders', async () => {
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
    await page.locator('panda-popup h1').waitFor();
    assert.equal(await page.locator('panda-popup h1').innerText(), 'Panda Kit');
    await page.locator('panda-popup [data-locked]').waitFor();
    assert.equal(await page.locator('panda-popup [data-locked]').innerText(), 'Locked');
    await page.goto(`chrome-extension://${session.extensionId}/approval.html`);
    await page.locator('panda-approval h1').waitFor();
    assert.equal(await page.locator('panda-approval h1').innerText(), 'Panda Kit');
    await page.close();
  });
});

describe('Chromium: the test build', { skip }, () => {
  let session: Session;
  let extension: { dir: string; remove: () => void };
  before(async () => {
    extension = await testExtension('chrome');
    session = await launch(extension.dir);
  });
  after(async () => {
    await session?.close();
    extension?.remove();
  });

  test('the origin comes from the browser: forged origins in the request or the message are ignored', async () => {
    const page = await open(session, `${sites.page}/plain`);
    const answer = await evaluate<Answer>(page, call('request', { method: 'test_context', params: { origin: 'https://evil.example' }, origin: 'https://evil.example' }));
    assert.ok('result' in answer);
    const context = answer.result as { origin: string; tabId?: number; frameId?: number };
    assert.equal(context.origin, sites.page);
    assert.equal(typeof context.tabId, 'number');
    assert.equal(context.frameId, 0);
    const forged = await evaluate<{ result?: { origin: string } }>(
      page,
      call('forge', { target: 'panda-kit:content', id: 9001, origin: 'https://evil.example', sender: { origin: 'https://evil.example' }, request: { method: 'test_context', origin: 'https://evil.example' } }),
    );
    assert.equal(forged.result?.origin, sites.page);
    await page.close();
  });

  test('a frame from another origin gets its own origin and its own provider', async () => {
    const page = await open(session, `${sites.page}/`);
    const frame = await frameOf(page, sites.frame);
    const [top, inner] = await Promise.all([evaluate<Answer>(page, call('request', { method: 'test_context' })), evaluate<Answer>(frame, call('request', { method: 'test_context' }))]);
    assert.ok('result' in top && 'result' in inner);
    const topContext = top.result as { origin: string; tabId: number; frameId: number };
    const frameContext = inner.result as { origin: string; tabId: number; frameId: number };
    assert.equal(topContext.origin, sites.page);
    assert.equal(frameContext.origin, sites.frame);
    assert.equal(frameContext.tabId, topContext.tabId);
    assert.notEqual(frameContext.frameId, topContext.frameId);
    const [pageSummary, frameSummary] = await Promise.all([evaluate<Summary>(page, call('summary')), evaluate<Summary>(frame, call('summary'))]);
    assert.notEqual(pageSummary.info.uuid, frameSummary.info.uuid);
    assert.equal(frameSummary.origin, sites.frame);
    await page.close();
  });

  test("events go to the pages of their origin only (not to another origin's frame)", async () => {
    const page = await open(session, `${sites.page}/`);
    const frame = await frameOf(page, sites.frame);
    await evaluate(page, call('listen', 'festivalChanged'));
    await evaluate(frame, call('listen', 'festivalChanged'));
    const emitted = await evaluate<Answer>(page, call('request', { method: 'test_emit', params: { event: 'festivalChanged', data: { festival: 'x' } } }));
    assert.deepEqual(emitted, { result: true });
    await page.waitForFunction('T.events.length > 0');
    assert.deepEqual(await evaluate(page, 'T.events'), [{ name: 'festivalChanged', data: { festival: 'x' } }]);
    // The frame's own request goes through (its port is open) and it heard nothing.
    await evaluate(frame, call('request', { method: 'test_context' }));
    assert.deepEqual(await evaluate(frame, 'T.events'), []);
    await page.close();
  });

  test('the service worker stops: a waiting request fails with 4900, the next one starts it again', async () => {
    const page = await open(session, `${sites.page}/plain`);
    await evaluate(page, call('startHanging'));
    // Stop the extension's service worker the way Chrome does when it is idle.
    const cdp = await session.context.newCDPSession(page);
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
    const worker = targetInfos.find((target) => target.type === 'service_worker' && target.url.startsWith(`chrome-extension://${session.extensionId}/`));
    assert.ok(worker, 'the service worker target');
    await cdp.send('Target.closeTarget', { targetId: worker.targetId });
    const failed = await evaluate<Answer>(page, 'T.pending');
    assert.ok('error' in failed);
    assert.equal(failed.error.code, 4900);
    const again = await evaluate<Answer>(page, call('request', { method: 'test_context' }));
    assert.ok('result' in again, JSON.stringify(again));
    assert.equal((again.result as { origin: string }).origin, sites.page);
    await page.close();
  });
});
