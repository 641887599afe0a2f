/**
 * The widgets' in-page peer (widgets/peer/in-page-source.ts) in Chromium, on a page with a
 * strict Content Security Policy (no eval, no WebAssembly): it joins a festival that a Node
 * peer (SQLite, node-datachannel) holds, over real WebRTC found through y-webrtc signaling,
 * shows its schedule read-only, sees a new event live, answers resource queries, shares one
 * peer between the widgets of a page and the data between tabs, and shows the schedule from
 * IndexedDB with no peer around.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Hash } from '../../core/index.js';
import { CBOR_X, CBOR_X_NO_EVAL } from '../../extension/build/rollup.js';
import { NodePeer } from '../../node/node-peer.js';
import type { ScheduleData } from '../../widgets/lib/schedule-data.js';
import { HOUR, keyOf } from '../core/festival-support.js';
import { closeRun, ROOT, startSignalingServer, waitFor, type SignalingServer } from './support.js';
import { browserScript } from '../browser-bundle.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
/** 2026-07-03 10:00 UTC. */
const T0 = 1_783_072_800;
const CSP = "default-src 'self'; script-src 'self'; connect-src 'self' ws://127.0.0.1:*";

/** The page's script (served from 'self': the CSP allows no inline script). */
const PAGE_SCRIPT = `import { createPeerSource } from '/in-page-source.js';
const W = { sources: [], changes: [], violations: [] };
document.addEventListener('securitypolicyviolation', (event) => W.violations.push(event.blockedURI + ' ' + event.violatedDirective));
W.open = async (signaling, festivalId) => {
  const source = await createPeerSource({ festivalId, signaling });
  const index = W.sources.push(source) - 1;
  W.changes[index] = 0;
  source.subscribe(() => W.changes[index]++);
  return index;
};
W.schedule = (index) => W.sources[index].schedule();
W.query = (index, params) => W.sources[index].query(params).catch((error) => ({ error: error.code }));
W.close = (index) => W.sources[index].close();
window.W = W;
window.ready = true;
`;
const PAGE = '<!doctype html><meta charset="utf-8"><title>widgets peer</title><script type="module" src="/page.js"></script>';

interface PageW {
  open(signaling: string[], festivalId: string): Promise<number>;
  schedule(index: number): Promise<ScheduleData>;
  query(index: number, params: Record<string, unknown>): Promise<unknown>;
  close(index: number): void;
  sources: Array<{ close(): void }>;
  changes: number[];
  violations: string[];
}
declare const W: PageW;

const organiser = keyOf(0x61);
const venue = keyOf(0x62);
const visitor = keyOf(0x63);

let signaling: SignalingServer;
let http: Server;
let origin: string;
let browser: Browser;
let peer: NodePeer | undefined;
let festival: Hash;
let keller: Hash;
const dirs: string[] = [];

async function openPage(page: Page): Promise<void> {
  await page.goto(origin + '/');
  await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 15_000 });
}

const titles = (page: Page, index: number) => page.evaluate(async (i) => (await W.schedule(i)).events.map((event) => event.title), index);

describe('the widgets’ in-page peer in Chromium', { skip, timeout: 240_000 }, () => {
  let page: Page;

  before(async () => {
    signaling = await startSignalingServer();
    // As the widgets' build does: cbor-x without eval, so that a strict CSP allows it.
    const script = await browserScript({ entryPoints: [join(ROOT, 'widgets/peer/in-page-source.ts')], alias: { [CBOR_X]: CBOR_X_NO_EVAL } });
    const files: Record<string, [string, string]> = {
      '/': ['text/html', PAGE],
      '/page.js': ['text/javascript', PAGE_SCRIPT],
      '/in-page-source.js': ['text/javascript', script],
    };
    http = createServer((request, response) => {
      const file = files[request.url ?? ''];
      if (!file) {
        response.writeHead(404);
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': file[0], 'content-security-policy': CSP });
      response.end(file[1]);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const dir = mkdtempSync(join(tmpdir(), 'panda-widgets-peer-'));
    dirs.push(dir);
    peer = await NodePeer.open({ dataDir: dir, signaling: [signaling.url], statusInterval: 0 });
    const { node } = peer;
    festival = (await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 48 * HOUR, timezone: 'Europe/Berlin' })).documentId;
    await peer.join(festival);
    keller = (
      await node.createResource(venue, {
        festival,
        title: 'Klangkeller',
        kind: 'location',
        policy: 'manual',
        address: 'Kellerstraße 3, Berlin',
        position: 'geo:52.52,13.405',
      })
    ).documentId;
    for (let i = 0; i < 5; i++) {
      const event = await node.createEvent(visitor, { festival, title: `Set ${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [keller] });
      if (i < 2) await node.authorize(venue, keller, event.documentId, 'confirm');
    }

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await (await browser.newContext()).newPage();
    page.on('pageerror', (error) => console.error('  [page error]', error.message));
    await openPage(page);
  });

  after(() => closeRun({ browser, peer, http, signaling, dirs }));

  it('receives the festival over WebRTC and shows it read-only, under a CSP without eval or WebAssembly', async () => {
    const index = await page.evaluate(([url, id]) => W.open([url!], id!), [signaling.url, festival]);
    const data = await page.evaluate((i) => W.schedule(i), index);
    assert.equal(data.source, 'peer');
    assert.equal(data.readOnly, true);
    assert.equal(data.festival.name, 'Hoffnung 3000');
    assert.equal(data.festival.timezone, 'Europe/Berlin');
    // The festival document may come before the events: wait for all of them.
    await waitFor(async () => (await titles(page, index)).length === 5, 'the whole schedule');
    const full = await page.evaluate((i) => W.schedule(i), index);
    assert.deepEqual(
      full.locations.map((location) => [location.name, location.address, location.position?.latitude]),
      [['Klangkeller', 'Kellerstraße 3, Berlin', 52.52]],
    );
    assert.deepEqual(
      full.events.map((event) => event.resources[0]!.status),
      ['confirmed', 'confirmed', 'pending', 'pending', 'pending'],
    );
    const violations = await page.evaluate(() => W.violations);
    // Only WebAssembly was refused (hashing falls back to JavaScript), never eval.
    assert.ok(
      violations.every((violation) => violation.startsWith('wasm-eval ')),
      violations.join('\n'),
    );
  });

  it('sees a new event live, and answers resource queries as the provider does', async () => {
    const index = 0;
    const before = await page.evaluate((i) => W.changes[i]!, index);
    await peer!.node.createEvent(visitor, { festival, title: 'Late addition', start: T0 + 10 * HOUR, end: T0 + 11 * HOUR, resources: [keller] });
    await waitFor(async () => (await page.evaluate((i) => W.changes[i]!, index)) > before, 'subscribers to hear of it');
    assert.ok((await titles(page, index)).includes('Late addition'));

    const resource = (await page.evaluate(([i, id]) => W.query(i as number, { query: 'resource', resourceId: id }), [index, keller])) as {
      title: string;
      owner: string;
    };
    assert.equal(resource.title, 'Klangkeller');
    assert.equal(resource.owner, venue.publicKey());
    const bookings = (await page.evaluate(([i, id]) => W.query(i as number, { query: 'bookings', resourceId: id }), [index, keller])) as Array<{
      event: { title: string };
      status: { state: string };
    }>;
    assert.equal(bookings.length, 6);
    assert.deepEqual(
      bookings.slice(0, 3).map((booking) => booking.status.state),
      ['confirmed', 'confirmed', 'pending'],
    );
    const slots = (await page.evaluate(([i, id, from, to]) => W.query(i as number, { query: 'freeSlots', resourceId: id, from, to }), [
      index,
      keller,
      T0,
      T0 + 24 * HOUR,
    ] as const)) as Array<{ start: number; end: number }>;
    assert.ok(slots.length > 0 && slots.every((slot) => slot.start >= T0 && slot.end <= T0 + 24 * HOUR), JSON.stringify(slots));
    assert.deepEqual(await page.evaluate(([i, id]) => W.query(i as number, { query: 'conflicts', resourceId: id }), [index, keller]), []);
    assert.deepEqual(await page.evaluate((i) => W.query(i, { query: 'pending' }), index), { error: 'INPUT_INVALID' });
    assert.deepEqual(await page.evaluate((i) => W.query(i, { query: 'bookings', resourceId: 'nope' }), index), { error: 'INPUT_INVALID' });
  });

  it('a new author’s event arrives live with their name, though their profile was written before they took part', async () => {
    const bea = keyOf(0x64);
    await peer!.node.createProfile(bea, { name: 'Bea Performer' });
    await peer!.node.createEvent(bea, { festival, title: 'Opening concert', start: T0 + 14 * HOUR, end: T0 + 15 * HOUR, resources: [keller] });
    const organiserOf = async () => (await page.evaluate((i) => W.schedule(i), 0)).events.find((event) => event.title === 'Opening concert')?.ownerName;
    await waitFor(async () => (await organiserOf()) === 'Bea Performer', 'the organiser’s name beside the event', 20_000);
  });

  it('widgets of a page share the peer: a second one has the data at once and stays live after the first closes', async () => {
    const second = await page.evaluate(([url, id]) => W.open([url!], id!), [signaling.url, festival]);
    assert.equal((await titles(page, second)).length, 7);
    await page.evaluate(() => W.close(0));
    await peer!.node.createEvent(visitor, { festival, title: 'After the first closed', start: T0 + 12 * HOUR, end: T0 + 13 * HOUR, resources: [] });
    await waitFor(async () => (await titles(page, second)).includes('After the first closed'), 'the event after a widget closed');
  });

  it('another tab without signaling servers gets the festival from the first over BroadcastChannel', async () => {
    const tab = await page.context().newPage();
    try {
      await openPage(tab);
      const index = await tab.evaluate((id) => W.open([], id), festival);
      // Well within the replicator's 20 s sync timeout: the first sync must not stall.
      await waitFor(async () => (await titles(tab, index)).length === 8, 'the festival from the other tab', 10_000);
    } finally {
      await tab.close();
    }
  });

  it('shows the schedule from IndexedDB when no peer is around', async () => {
    await page.evaluate(() => W.sources.forEach((source) => source.close()));
    await peer!.close();
    peer = undefined;
    await page.reload();
    await openPage(page);
    const index = await page.evaluate(([url, id]) => W.open([url!], id!), [signaling.url, festival]);
    assert.equal((await titles(page, index)).length, 8);
  });
});
