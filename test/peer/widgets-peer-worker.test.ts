/**
 * The built widgets' in-page peer with its data in a worker (widgets/peer/worker-peer.ts and
 * peer-worker.ts), in Chromium: the widgets served from the page's own origin under a strict
 * Content Security Policy, `<panda-schedule festival signaling>` and `<panda-resource>` with no
 * extension. The page keeps the WebRTC connection to a Node peer and bridges it to the
 * worker, which stores the festival in IndexedDB; the schedule and the resource show, a new
 * event arrives live, another tab without signaling servers gets it from the first over
 * BroadcastChannel, and a revisit with no peer around shows the schedule from IndexedDB.
 * (test/peer/widgets-peer.test.ts has the peer on the page's thread, where no worker starts.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hash } from '../../core/index.js';
import { NodePeer } from '../../node/node-peer.js';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { HOUR, keyOf } from '../core/festival-support.js';
import { closeRun, ROOT, startSignalingServer, waitFor, type SignalingServer } from './support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
/** 2026-07-03 10:00 UTC. */
const T0 = 1_783_072_800;
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*";

const organiser = keyOf(0x71);
const venue = keyOf(0x72);
const visitor = keyOf(0x73);

/** Runs in the page: the schedule's events and the resource's title, as the visitor sees them. */
const shown = (page: Page) =>
  page.evaluate(() => {
    const schedule = document.querySelector('panda-schedule')?.shadowRoot;
    const resource = document.querySelector('panda-resource')?.shadowRoot;
    return {
      events: Array.from(schedule?.querySelectorAll('[data-event] .name') ?? [], (name) => name.textContent?.trim() ?? ''),
      resource: resource?.textContent ?? '',
    };
  });

describe('the built widgets’ in-page peer in a worker, in Chromium', { skip, timeout: 240_000 }, () => {
  let signaling: SignalingServer;
  let http: Server;
  let browser: Browser;
  let peer: NodePeer | undefined;
  let page: Page;
  let url: string;
  const violations: string[] = [];
  const dirs: string[] = [];

  before(async () => {
    const widgets = mkdtempSync(join(tmpdir(), 'panda-widgets-worker-'));
    dirs.push(widgets);
    await buildWidgets({ root: ROOT, outDir: widgets });
    signaling = await startSignalingServer();
    const data = mkdtempSync(join(tmpdir(), 'panda-widgets-worker-peer-'));
    dirs.push(data);
    peer = await NodePeer.open({ dataDir: data, signaling: [signaling.url], statusInterval: 0 });
    const { node } = peer;
    const festival: Hash = (await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 24 * HOUR, timezone: 'UTC' })).documentId;
    await peer.join(festival);
    const room = (await node.createResource(venue, { festival, title: 'Klangkeller', kind: 'location' })).documentId;
    for (let i = 0; i < 5; i++)
      await node.createEvent(visitor, { festival, title: `Set ${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [room] });

    const html = `<!doctype html><meta charset="utf-8"><title>worker peer</title><script type="module" src="/panda-widgets.js"></script>
<panda-schedule festival="${festival}" signaling="${signaling.url}" day="2026-07-03" no-deep-links></panda-schedule>
<panda-resource resource="${room}" festival="${festival}" signaling="${signaling.url}"></panda-resource>`;
    // Another tab, with no signaling servers: it meets the first over BroadcastChannel only.
    const tab = `<!doctype html><meta charset="utf-8"><title>another tab</title><script type="module" src="/panda-widgets.js"></script>
<panda-schedule festival="${festival}" day="2026-07-03" no-deep-links></panda-schedule>`;
    http = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0]!;
      const file = normalize(join(widgets, path));
      const body =
        path === '/'
          ? html
          : path === '/tab'
            ? tab
            : file.startsWith(widgets + '/') && file.endsWith('.js') && existsSync(file)
              ? readFileSync(file)
              : undefined;
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/html', 'content-security-policy': CSP });
      response.end(body);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => console.error('  [page error]', error.message));
    await page.exposeFunction('violated', (what: string) => violations.push(what));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (event) =>
        (window as unknown as { violated(what: string): void }).violated(`${event.blockedURI} ${event.violatedDirective}`),
      ),
    );
  });

  after(() => closeRun({ browser, peer, http, signaling, dirs }));

  it('shows the festival a Node peer holds, the data in a worker, under a strict CSP', async () => {
    await page.goto(url);
    await waitFor(async () => (await shown(page)).events.length === 5, 'the five events');
    assert.deepEqual((await shown(page)).events, ['Set 0', 'Set 1', 'Set 2', 'Set 3', 'Set 4']);
    await waitFor(async () => (await shown(page)).resource.includes('Klangkeller'), 'the resource');
    const workers = page.workers().map((worker) => worker.url());
    assert.equal(workers.length, 1, workers.join(', '));
    assert.match(workers[0]!, /\/chunks\/peer-worker-[\w-]{8}\.js$/);
    // The worker holds the database: the page's thread never opened it.
    const stored = await page.evaluate(async () => {
      const databases = await indexedDB.databases();
      return databases.some((database) => database.name === 'panda-kit-widgets');
    });
    assert.ok(stored, 'the festival is kept in IndexedDB');
    // Only WebAssembly was refused (hashing falls back to JavaScript), never eval nor the worker.
    assert.ok(
      violations.every((violation) => violation.startsWith('wasm-eval ')),
      violations.join('\n'),
    );
  });

  it('sees a new event live', async () => {
    const [festival] = peer!.replicator.festivals();
    await peer!.node.createEvent(visitor, { festival: festival!, title: 'Late addition', start: T0 + 10 * HOUR, end: T0 + 11 * HOUR });
    await waitFor(async () => (await shown(page)).events.includes('Late addition'), 'the new event');
  });

  it('another tab without signaling servers gets the festival from the first tab’s worker over BroadcastChannel', async () => {
    const other = await page.context().newPage();
    try {
      await other.goto(url + 'tab');
      await waitFor(async () => (await shown(other)).events.length === 6, 'the six events', 20_000);
      // What the page kept for a revisit has them too: a new event shows it is the first tab's peer.
      const [festival] = peer!.replicator.festivals();
      await peer!.node.createEvent(visitor, { festival: festival!, title: 'Through the first tab', start: T0 + 12 * HOUR, end: T0 + 13 * HOUR });
      await waitFor(async () => (await shown(other)).events.includes('Through the first tab'), 'the new event, from the first tab', 20_000);
      assert.equal(other.workers().length, 1);
    } finally {
      await other.close();
    }
  });

  it('a revisit with no peer around shows the schedule and the resource from the worker’s IndexedDB', async () => {
    await peer!.close();
    peer = undefined;
    await page.reload();
    await waitFor(async () => (await shown(page)).events.length === 7, 'the seven events');
    // The resource has no snapshot of its own: only the worker's store knows it.
    await waitFor(async () => (await shown(page)).resource.includes('Klangkeller'), 'the resource, from the store');
    assert.equal(page.workers().length, 1);
  });
});
