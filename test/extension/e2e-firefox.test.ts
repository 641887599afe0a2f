/**
 * The extension in Firefox ESR (puppeteer-core over WebDriver BiDi, headless, installed as a
 * temporary add-on from dist/extension/firefox): the same page-level checks as in Chromium,
 * for the event page background and Firefox's MAIN-world content script; and web-ext lint
 * on the Firefox build.
 *
 * One browser for both builds: the shipped build is installed, tested and removed, then the
 * test build (background.js with test-only methods, see e2e-background.ts).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { PROVIDER_RDNS } from '../../extension/shared/protocol.js';
import { builtExtension, call, evaluate, frameOf, ROOT, serveTestSites, testExtension, type Answer, type Summary, type TestSites } from './e2e-support.js';
import { waitForExpression } from '../firefox-wait.js';

const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
const skip = existsSync(FIREFOX) ? false : `no Firefox at ${FIREFOX}`;

let sites: TestSites;
let browser: Browser;

before(async () => {
  if (skip) return;
  sites = await serveTestSites();
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
});
after(async () => {
  await browser?.close();
  await sites?.close();
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await waitForExpression(page, 'window.T !== undefined');
  return page;
}

describe('Firefox: the shipped build', { skip }, () => {
  let id: string;
  before(async () => {
    id = await browser.installExtension(await builtExtension('firefox'));
  });
  after(async () => {
    if (id) await browser.uninstallExtension(id);
  });

  test('pages discover the provider: frozen announcement, Panda Kit info, nothing but request/on/removeListener', async () => {
    const page = await open(`${sites.page}/plain`);
    const summary = await evaluate<Summary>(page, call('summary'));
    assert.equal(summary.frozen, true);
    assert.equal(summary.same, true);
    assert.equal(summary.info.name, 'Panda Kit');
    assert.equal(summary.info.rdns, PROVIDER_RDNS);
    assert.match(summary.info.icon, /^data:image\/svg\+xml,/);
    assert.match(summary.info.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(summary.keys, ['on', 'removeListener', 'request']);
    assert.equal(summary.assigned, 'ignored');
    await page.close();
  });

  test("the provider is there under a strict page CSP (the page's policy does not apply to content scripts)", async () => {
    const page = await open(`${sites.page}/csp`);
    assert.equal(await evaluate(page, call('discoverWithin', 2000)), 'Panda Kit');
    const unknown = await evaluate<Answer>(page, call('request', { method: 'nope' }));
    assert.ok('error' in unknown);
    assert.equal(unknown.error.code, 4200);
    await page.close();
  });

  test('a sandboxed frame (opaque origin) gets no provider', async () => {
    const page = await open(`${sites.page}/sandboxed`);
    const frame = await frameOf(page, sites.frame);
    assert.equal(await evaluate(frame, 'window.origin'), 'null');
    assert.equal(await evaluate(frame, call('discoverWithin', 500)), null);
    assert.equal(await evaluate(page, call('discoverWithin', 2000)), 'Panda Kit');
    await page.close();
  });

  test('the real router answers: unknown method 4200, panda_getPublicKey unconnected 4100', async () => {
    const page = await open(`${sites.page}/plain`);
    const unknown = await evaluate<Answer>(page, call('request', { method: 'nope', params: { list: [1, 2], nested: { a: 'b' } } }));
    assert.ok('error' in unknown);
    assert.equal(unknown.error.code, 4200);
    assert.equal(unknown.error.isError, true);
    const key = await evaluate<Answer>(page, call('request', { method: 'panda_getPublicKey' }));
    assert.ok('error' in key);
    assert.equal(key.error.code, 4100);
    const testOnly = await evaluate<Answer>(page, call('request', { method: 'test_context' }));
    assert.ok('error' in testOnly);
    assert.equal(testOnly.error.code, 4200);
    await page.close();
  });
});

describe('Firefox: the test build', { skip }, () => {
  let id: string;
  let extension: { dir: string; remove: () => void };
  before(async () => {
    extension = await testExtension('firefox');
    id = await browser.installExtension(extension.dir);
  });
  after(async () => {
    if (id) await browser.uninstallExtension(id);
    extension?.remove();
  });

  test('the origin comes from the browser: forged origins in the request or the message are ignored', async () => {
    const page = await open(`${sites.page}/plain`);
    const answer = await evaluate<Answer>(
      page,
      call('request', { method: 'test_context', params: { origin: 'https://evil.example' }, origin: 'https://evil.example' }),
    );
    assert.ok('result' in answer, JSON.stringify(answer));
    const context = answer.result as { origin: string; tabId?: number; frameId?: number };
    assert.equal(context.origin, sites.page);
    assert.equal(typeof context.tabId, 'number');
    assert.equal(context.frameId, 0);
    const forged = await evaluate<{ result?: { origin: string } }>(
      page,
      call('forge', {
        target: 'panda-kit:content',
        id: 9001,
        origin: 'https://evil.example',
        request: { method: 'test_context', params: { mark: 'forged' }, origin: 'https://evil.example' },
      }),
    );
    assert.equal(forged.result?.origin, sites.page);
    await page.close();
  });

  test('a frame from another origin gets its own origin and its own provider', async () => {
    const page = await open(`${sites.page}/`);
    const frame = await frameOf(page, sites.frame);
    const [top, inner] = await Promise.all([
      evaluate<Answer>(page, call('request', { method: 'test_context' })),
      evaluate<Answer>(frame, call('request', { method: 'test_context' })),
    ]);
    assert.ok('result' in top && 'result' in inner);
    const topContext = top.result as { origin: string; tabId: number; frameId: number };
    const frameContext = inner.result as { origin: string; tabId: number; frameId: number };
    assert.equal(topContext.origin, sites.page);
    assert.equal(frameContext.origin, sites.frame);
    assert.equal(frameContext.tabId, topContext.tabId);
    assert.notEqual(frameContext.frameId, topContext.frameId);
    await page.close();
  });

  test("events go to the pages of their origin only (not to another origin's frame)", async () => {
    const page = await open(`${sites.page}/`);
    const frame = await frameOf(page, sites.frame);
    await evaluate(page, call('listen', 'accountsChanged'));
    await evaluate(frame, call('listen', 'accountsChanged'));
    const emitted = await evaluate<Answer>(page, call('request', { method: 'test_emit', params: { event: 'accountsChanged', data: ['key'] } }));
    assert.deepEqual(emitted, { result: true });
    await waitForExpression(page, 'T.events.length > 0');
    assert.deepEqual(await evaluate(page, 'T.events'), [{ name: 'accountsChanged', data: ['key'] }]);
    await evaluate(frame, call('request', { method: 'test_context' }));
    assert.deepEqual(await evaluate(frame, 'T.events'), []);
    await page.close();
  });
});

describe('web-ext lint', () => {
  test('the Firefox build has no errors (warnings allowed)', async () => {
    const dir = await builtExtension('firefox');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'node_modules/web-ext/bin/web-ext.js'), 'lint', '--source-dir', dir, '--output', 'json', '--no-input'],
      {
        cwd: ROOT,
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
      errors: { code: string; message: string; file?: string }[];
      warnings: { code: string; message: string }[];
    };
    assert.deepEqual(
      report.errors.map((error) => `${error.code}: ${error.message} (${error.file ?? ''})`),
      [],
    );
  });
});
