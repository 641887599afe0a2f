/**
 * Issue 16 in Chromium: 8 pages, each with the widgets' in-page peer
 * (widgets/peer/in-page-source.ts) capped at 3 RTCPeerConnections, in browser contexts of
 * their own (no BroadcastChannel or shared database between them), join a festival that a
 * Node peer (SQLite, node-datachannel) publishes, over the overlay and Chromium's own
 * WebRTC, through y-webrtc's signaling server; every page ends up with the whole schedule,
 * also an event published once they are all there, and no page ever held more than 3
 * connections.
 *
 * 3 connections leave an active view of 2: three pages that are each other's neighbours
 * form a closed triangle, which plain HyParView keeps (its active view changes only when a
 * neighbour fails) and which got the schedule but never the later event. The overlay's
 * turnover (core/overlay/hyparview.ts) opens such a part within about a minute.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hash } from '../../core/index.js';
import { CBOR_X, CBOR_X_NO_EVAL } from '../../extension/build/rollup.js';
import { NodePeer } from '../../node/node-peer.js';
import { HOUR, keyOf } from '../core/festival-support.js';
import { browserScript } from '../browser-bundle.js';
import { releaseNodeDataChannel, ROOT, startSignalingServer, type SignalingServer } from './support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
const T0 = 1_783_072_800;
const PAGES = 8;
const MAX_PEERS = 3;

/** The page: counts its RTCPeerConnections, then opens one widget source on the festival. */
const PAGE_SCRIPT = `const Native = window.RTCPeerConnection;
const C = { open: 0, most: 0 };
window.RTCPeerConnection = class extends Native {
  #closed = false;
  constructor(configuration) { super(configuration); C.most = Math.max(C.most, ++C.open); }
  close() { if (!this.#closed) C.open--; this.#closed = true; super.close(); }
};
const { createPeerSource } = await import('/in-page-source.js');
const W = { C };
W.open = async (signaling, festivalId, maxPeers) => { W.source = await createPeerSource({ festivalId, signaling, maxPeers }); };
W.titles = async () => (await W.source.schedule()).events.map((event) => event.title).sort();
window.W = W;
window.ready = true;
`;
const PAGE = '<!doctype html><meta charset="utf-8"><title>overlay</title><script type="module" src="/page.js"></script>';

interface PageW {
  open(signaling: string[], festivalId: string, maxPeers: number): Promise<void>;
  titles(): Promise<string[]>;
  C: { open: number; most: number };
}
declare const W: PageW;

const organiser = keyOf(0x71);
let signaling: SignalingServer;
let http: Server;
let origin: string;
let browser: Browser;
let peer: NodePeer;
let festival: Hash;
let dir: string;

async function waitFor(condition: () => Promise<boolean>, what: () => Promise<string> | string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${await what()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the overlay in Chromium', { skip, timeout: 300_000 }, () => {
  before(async () => {
    signaling = await startSignalingServer();
    const script = await browserScript({ entryPoints: [join(ROOT, 'widgets/peer/in-page-source.ts')], alias: { [CBOR_X]: CBOR_X_NO_EVAL } });
    const files: Record<string, [string, string]> = {
      '/': ['text/html', PAGE],
      '/page.js': ['text/javascript', PAGE_SCRIPT],
      '/in-page-source.js': ['text/javascript', script],
    };
    http = createServer((request, response) => {
      const file = files[request.url ?? ''];
      response.writeHead(file ? 200 : 404, file ? { 'content-type': file[0] } : {});
      response.end(file?.[1]);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    dir = mkdtempSync(join(tmpdir(), 'panda-chromium-overlay-'));
    peer = await NodePeer.open({ dataDir: dir, signaling: [signaling.url], statusInterval: 0 });
    festival = (await peer.node.createFestival(organiser, { name: 'Overlay Fest', start: T0, end: T0 + 48 * HOUR, timezone: 'Europe/Berlin' })).documentId;
    await peer.join(festival);
    for (let i = 0; i < 6; i++)
      await peer.node.createEvent(organiser, { festival, title: `Set ${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await peer?.close();
    const closed = new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http?.closeAllConnections();
    await closed;
    await signaling?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    releaseNodeDataChannel();
  });

  it(`${PAGES} pages capped at ${MAX_PEERS} connections each converge on a festival a Node peer publishes`, async () => {
    const pages: Page[] = [];
    for (let i = 0; i < PAGES; i++) {
      const page = await (await browser.newContext()).newPage();
      page.on('pageerror', (error) => console.error('  [page error]', error.message));
      await page.goto(origin + '/');
      await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 15_000 });
      await page.evaluate(([url, id, max]) => W.open([url], id, max), [signaling.url, festival, MAX_PEERS] as const);
      pages.push(page);
    }
    const started = Date.now();
    const titles = () => Promise.all(pages.map((page) => page.evaluate(() => W.titles())));
    const describe = async () => (await titles()).map((list, i) => `${i}: ${list.length}`).join(', ');
    await waitFor(async () => (await titles()).every((list) => list.length === 6), describe, 120_000);
    const joined = Date.now() - started;

    await peer.node.createEvent(organiser, { festival, title: 'Late set', start: T0 + 10 * HOUR, end: T0 + 11 * HOUR, resources: [] });
    const published = Date.now();
    // Live pushes carry it to most pages within a second; a page whose neighbours were not in
    // step with it when it came gets it from the next re-sync (every 60 s), as in the simulator.
    await waitFor(async () => (await titles()).every((list) => list.includes('Late set')), describe, 130_000);
    const spread = Date.now() - published;

    const counts = await Promise.all(pages.map((page) => page.evaluate(() => W.C)));
    const overlay = peer.health().overlay[0];
    console.log(
      `${PAGES} pages: all held the schedule ${(joined / 1000).toFixed(1)} s after the last opened, a new event ${(spread / 1000).toFixed(1)} s after it was published; ` +
        `most connections of a page ${Math.max(...counts.map((count) => count.most))}; the Node peer has ${overlay?.neighbours.length} neighbours and knows ${overlay?.known} peers`,
    );
    assert.ok(
      counts.every((count) => count.most <= MAX_PEERS),
      JSON.stringify(counts),
    );
    const final = await titles();
    for (const list of final) assert.deepEqual(list, final[0]);
  });
});
