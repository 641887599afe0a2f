/**
 * Festival replication in real browsers: pages keep their data in IndexedDB (DexieStore)
 * and replicate over Chromium's own WebRTC, found through a locally started y-webrtc
 * signaling server; two browser contexts replicate a festival, and the Node peer (the one
 * `panda serve` runs: SQLite, node-datachannel) and a page replicate both ways. Pages meet on
 * the festival overlay, as every festival peer does (the Node peer is one).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { KeyPair } from '../../core/index.js';
import { NodePeer } from '../../node/node-peer.js';
import { releaseNodeDataChannel, ROOT, startSignalingServer, type SignalingServer } from './support.js';
import { browserScript } from '../browser-bundle.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
const T0 = 1_800_000_000;
const HOUR = 3600;

/** The page: core and peer on `window.P`, and a festival peer in `window.T`. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>festival peer</title>
<script type="module">
import * as P from '/bundle.js';
await P.hashingReady();
const T = {
  async start(signaling, festivalId, name) {
    T.store = new P.DexieStore('panda-' + name);
    T.node = new P.FestivalNode(T.store);
    T.replicator = await P.Replicator.open(T.store, { festivals: festivalId ? [festivalId] : [] });
    T.node.onPublish((entry, operation) => void T.replicator.announce(entry, operation));
    T.replicator.on((event) => { if (event.type === 'entry') T.node.changed(); });
    T.network = new P.WebRtcNetwork({ overlay: {}, signaling, festivals: festivalId ? [festivalId] : [], onTransport: (t) => T.replicator.connect(t) });
    T.key = new P.KeyPair();
  },
  async createFestival() {
    const festival = await T.node.createFestival(T.key, { name: 'Hoffnung 3000', start: ${T0}, end: ${T0 + 72 * HOUR} });
    T.replicator.join(festival.documentId);
    await T.network.join(festival.documentId);
    return festival.documentId;
  },
  async createEvents(festival, count, prefix) {
    for (let i = 0; i < count; i++) await T.node.createEvent(T.key, { festival, title: prefix + ' ' + i, start: ${T0} + i * ${HOUR}, end: ${T0} + (i + 1) * ${HOUR}, resources: [] });
  },
  async titles(festival) {
    return (await T.node.model()).schedule(festival).map((item) => item.event.title).sort();
  },
};
window.T = T;
window.ready = true;
</script>`;

interface PageT {
  start(signaling: string[], festivalId: string | undefined, name: string): Promise<void>;
  createFestival(): Promise<string>;
  createEvents(festival: string, count: number, prefix: string): Promise<void>;
  titles(festival: string): Promise<string[]>;
}
declare const T: PageT;

let signaling: SignalingServer;
let http: Server;
let origin: string;
let browser: Browser;
const dirs: string[] = [];

async function openPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('  [page error]', error.message));
  await page.goto(origin + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 15_000 });
  return page;
}

const titlesOf = (page: Page, festival: string) => page.evaluate((id) => T.titles(id), festival);

async function waitFor(condition: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('festival replication in Chromium', { skip, timeout: 240_000 }, () => {
  before(async () => {
    signaling = await startSignalingServer();
    const script = await browserScript({
      stdin: { contents: "export * from './core/index.ts'; export * from './peer/index.ts';", resolveDir: ROOT, sourcefile: 'bundle.ts', loader: 'ts' },
    });
    http = createServer((request, response) => {
      if (request.url === '/bundle.js') {
        response.writeHead(200, { 'content-type': 'text/javascript' });
        response.end(script);
      } else if (request.url === '/') {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(PAGE);
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    const closed = new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http?.closeAllConnections();
    await closed;
    await signaling?.stop();
    releaseNodeDataChannel();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('two browser contexts replicate a festival over WebRTC, both ways and live', async () => {
    const [one, two] = await Promise.all([openPage(), openPage()]);
    await one.evaluate((url) => T.start([url], undefined, 'one'), signaling.url);
    const festival = await one.evaluate(() => T.createFestival());
    await one.evaluate((id) => T.createEvents(id, 30, 'From one'), festival);
    await two.evaluate(([url, id]) => T.start([url!], id, 'two'), [signaling.url, festival]);
    await waitFor(async () => (await titlesOf(two, festival)).length === 30, 'the first sync');
    // Live, the other way.
    await two.evaluate((id) => T.createEvents(id, 5, 'From two'), festival);
    await waitFor(async () => (await titlesOf(one, festival)).length === 35, 'the live push');
    assert.deepEqual(await titlesOf(one, festival), await titlesOf(two, festival));
    await one.context().close();
    await two.context().close();
  });

  it('a Node peer (SQLite, node-datachannel) and a Chromium page replicate both ways', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'panda-node-peer-'));
    dirs.push(dir);
    const peer = await NodePeer.open({ dataDir: dir, signaling: [signaling.url], statusInterval: 0 });
    try {
      const organiser = new KeyPair();
      const festival = (await peer.node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR })).documentId;
      await peer.join(festival);
      for (let i = 0; i < 20; i++)
        await peer.node.createEvent(organiser, { festival, title: `From node ${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [] });
      const page = await openPage();
      await page.evaluate(([url, id]) => T.start([url!], id, 'with-node'), [signaling.url, festival]);
      await waitFor(async () => (await titlesOf(page, festival)).length === 20, 'node to page');
      await page.evaluate((id) => T.createEvents(id, 7, 'From page'), festival);
      await waitFor(async () => (await peer.node.model()).schedule(festival).length === 27, 'page to node');
      assert.deepEqual(
        (await peer.node.model())
          .schedule(festival)
          .map((item) => item.event.title)
          .sort(),
        await titlesOf(page, festival),
      );
      await page.context().close();
    } finally {
      await peer.close();
    }
  });
});
