/**
 * WebRtcNetwork in Chromium (the browser's own RTCPeerConnection and WebSocket): peer/ is
 * bundled on the fly with esbuild and served from a local HTTP server; two pages in separate
 * browser contexts connect through y-webrtc's signaling server, and a Node peer
 * (node-datachannel) connects to a page.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { chromium, type Browser, type Page } from 'playwright-core';
import { WebSocket } from 'ws';
import { MAX_FRAME_SIZE } from '../../core/replication/transport.js';
import { WebRtcNetwork, festivalTopic } from '../../peer/index.js';
import { browserScript } from '../browser-bundle.js';
import {
  RawClient,
  ROOT,
  TransportQueue,
  checkPatternFrame,
  nextFrame,
  patternFrame,
  releaseNodeDataChannel,
  startSignalingServer,
  withTimeout,
  type SignalingServer,
} from './support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

let signaling: SignalingServer;
let http: Server;
let origin: string;
let browser: Browser;

/** What the pages run: the bundle's exports on `window.P`, helpers on `window.T`. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>peer</title>
<script type="module">
import * as P from '/peer.js';
const T = {
  transports: [],
  received: [],
  closes: 0,
  errors: [],
  start(options) {
    T.net = new P.WebRtcNetwork(options);
    T.net.onError = (e) => T.errors.push(e.code);
    T.net.onTransport = (transport, info) => {
      const entry = { transport, info, frames: [] };
      transport.onFrame = (frame) => entry.frames.push(Array.from(frame.subarray(0, 16)));
      transport.onClose = () => T.closes++;
      T.transports.push(entry);
    };
    return T.net.peerId;
  },
  pattern(index, size) {
    const frame = new Uint8Array(size);
    new DataView(frame.buffer).setUint32(0, index);
    let x = Math.imul(index, 2654435761) >>> 0 || 1;
    for (let i = 4; i < size; i++) { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; frame[i] = x & 0xff; }
    return frame;
  },
  async sendBulk(count, size, high, low) {
    const t = T.transports[0].transport;
    let waits = 0, max = 0;
    for (let i = 0; i < count; i++) {
      if (t.bufferedAmount > high - size) { waits++; await t.drained(low); }
      t.send(T.pattern(i, size));
      max = Math.max(max, t.bufferedAmount);
    }
    return { waits, max };
  },
  receiveBulk(count, size) {
    const t = T.transports[0].transport;
    T.bulk = new Promise((resolve) => {
      let n = 0, bad = -1;
      t.onFrame = (frame) => {
        if (bad < 0) {
          const expected = T.pattern(n, size);
          if (frame.length !== size || frame.some((b, i) => b !== expected[i])) bad = n;
        }
        if (++n === count) resolve({ n, bad });
      };
    });
  },
};
window.P = P;
window.T = T;
window.ready = true;
</script>`;

interface PageT {
  transports: Array<{
    transport: { send(f: Uint8Array): void; close(): void; remoteId: string };
    info: { festivalId: string; remoteId: string };
    frames: number[][];
  }>;
  closes: number;
  errors: string[];
  start(options: unknown): string;
  sendBulk(count: number, size: number, high: number, low: number): Promise<{ waits: number; max: number }>;
  /** Installs the receiver; `bulk` resolves once all frames are in. */
  receiveBulk(count: number, size: number): void;
  bulk: Promise<{ n: number; bad: number }>;
  net: { close(): void; peers: string[] };
}
declare const T: PageT;

async function openPage(): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('  [page error]', error.message));
  await page.goto(origin + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 10_000 });
  return page;
}

async function startPeer(page: Page, options: Record<string, unknown>): Promise<string> {
  return page.evaluate((o) => T.start(o), { signaling: [signaling.url], ...options });
}

async function waitTransports(page: Page, count: number, ms = 20_000): Promise<void> {
  await page.waitForFunction((n) => T.transports.length >= n, count, { timeout: ms });
}

describe('WebRtcNetwork in Chromium', { skip, timeout: 180_000 }, () => {
  before(async () => {
    signaling = await startSignalingServer();
    const script = await browserScript({ entryPoints: [ROOT + 'peer/index.ts'] });
    http = createServer((request, response) => {
      if (request.url === '/peer.js') {
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  after(async () => {
    await browser?.close();
    const closed = new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http?.closeAllConnections();
    await closed;
    await signaling?.stop();
    releaseNodeDataChannel();
  });

  it('two pages connect and exchange frames both ways (with a secret)', async () => {
    const [one, two] = await Promise.all([openPage(), openPage()]);
    try {
      const festival = { festivalId: 'chromium-festival', secret: 'shared secret' };
      const idOne = await startPeer(one, { festivals: [festival] });
      const idTwo = await startPeer(two, { festivals: [festival] });
      await Promise.all([waitTransports(one, 1), waitTransports(two, 1)]);
      const infoOne = await one.evaluate(() => T.transports[0]!.info);
      assert.deepEqual(infoOne, { festivalId: 'chromium-festival', remoteId: idTwo });
      const infoTwo = await two.evaluate(() => T.transports[0]!.info);
      assert.deepEqual(infoTwo, { festivalId: 'chromium-festival', remoteId: idOne });

      await one.evaluate(() => T.transports[0]!.transport.send(new Uint8Array([1, 2, 3])));
      await two.waitForFunction(() => T.transports[0]!.frames.length > 0, undefined, { timeout: 5_000 });
      assert.deepEqual(await two.evaluate(() => T.transports[0]!.frames[0]), [1, 2, 3]);
      await two.evaluate(() => T.transports[0]!.transport.send(new Uint8Array([4, 5])));
      await one.waitForFunction(() => T.transports[0]!.frames.length > 0, undefined, { timeout: 5_000 });
      assert.deepEqual(await one.evaluate(() => T.transports[0]!.frames[0]), [4, 5]);

      // 2,000 frames of 16 KiB, page to page, with backpressure.
      const COUNT = 2_000;
      const started = Date.now();
      await two.evaluate(([n, size]) => T.receiveBulk(n!, size!), [COUNT, MAX_FRAME_SIZE]);
      const received = two.evaluate(() => T.bulk);
      const sent = await one.evaluate(([n, size]) => T.sendBulk(n!, size!, 1 << 20, 1 << 18), [COUNT, MAX_FRAME_SIZE]);
      const result = await withTimeout(received, 60_000, 'bulk frames in Chromium');
      console.log(`  Chromium -> Chromium: 32 MiB in ${Date.now() - started} ms, waited ${sent.waits} times, max buffered ${sent.max}`);
      assert.deepEqual(result, { n: COUNT, bad: -1 });
      assert.ok(sent.max <= 1 << 20);

      // Closing one side closes the other.
      await one.evaluate(() => T.transports[0]!.transport.close());
      await two.waitForFunction(() => T.closes === 1, undefined, { timeout: 10_000 });
      assert.equal(await one.evaluate(() => T.closes), 1);
    } finally {
      await one.context().close();
      await two.context().close();
    }
  });

  it('a Node peer (node-datachannel) and a Chromium page connect', async () => {
    const page = await openPage();
    const queue = new TransportQueue();
    const observer = await RawClient.connect(signaling.url, [festivalTopic('mixed-festival')]);
    const node = new WebRtcNetwork({
      signaling: [signaling.url],
      RTCPeerConnection,
      WebSocket,
      festivals: [{ festivalId: 'mixed-festival', secret: 'pw' }],
      onTransport: queue.push,
    });
    try {
      const pageId = await startPeer(page, { festivals: [{ festivalId: 'mixed-festival', secret: 'pw' }] });
      const { transport, info } = await queue.next(20_000, 'Node transport');
      assert.equal(info.remoteId, pageId);
      await waitTransports(page, 1);
      const frame = nextFrame(transport);
      await page.evaluate(() => T.transports[0]!.transport.send(new Uint8Array([7, 7, 7])));
      assert.deepEqual(await frame, new Uint8Array([7, 7, 7]));
      transport.send(new Uint8Array([8]));
      await page.waitForFunction(() => T.transports[0]!.frames.length > 0, undefined, { timeout: 5_000 });
      assert.deepEqual(await page.evaluate(() => T.transports[0]!.frames[0]), [8]);

      // Node -> Chromium bulk, with backpressure.
      const COUNT = 2_000;
      await page.evaluate(([n, size]) => T.receiveBulk(n!, size!), [COUNT, MAX_FRAME_SIZE]);
      const received = page.evaluate(() => T.bulk);
      const started = Date.now();
      for (let i = 0; i < COUNT; i++) {
        if (transport.bufferedAmount > (1 << 20) - MAX_FRAME_SIZE) await transport.drained(1 << 18);
        transport.send(patternFrame(i, MAX_FRAME_SIZE));
      }
      assert.deepEqual(await withTimeout(received, 60_000, 'Node -> Chromium bulk'), { n: COUNT, bad: -1 });
      console.log(`  Node -> Chromium: ${COUNT} frames of 16 KiB in ${Date.now() - started} ms`);
      assert.ok(checkPatternFrame(patternFrame(3, 64), 3, 64));
      assert.ok(observer.received.length > 0 && observer.received.every((m) => typeof m.data === 'string'));

      // Closing the page's network closes the Node transport.
      const gone = new Promise<void>((resolve) => (transport.onClose = resolve));
      await page.evaluate(() => T.net.close());
      await withTimeout(gone, 10_000, 'Node onClose');
    } finally {
      node.close();
      observer.close();
      await page.context().close();
    }
  });
});
