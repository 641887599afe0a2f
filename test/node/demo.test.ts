/**
 * `npm start`'s demo (scripts/start.ts) as a child process on free ports: the festival page
 * under a strict Content Security Policy, the festival id and the schedule downloads; in
 * Chromium without the extension, the page's widgets join the demo's Node peer over WebRTC
 * and show the seeded festival, and an event another peer adds appears live; SIGTERM stops
 * it; a second start finds the festival it seeded the first time.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { FestivalNode, hashingReady, isHash, KeyPair, type Hash } from '../../core/index.js';
import { NodePeer } from '../../node/node-peer.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { freePort, releaseNodeDataChannel, ROOT } from '../peer/support.js';
import { startDemo, stopDemo, waitFor, type Demo } from './demo-support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const WIDGETS = join(ROOT, 'dist/widgets');

describe('npm start: the demo', { timeout: 240_000 }, () => {
  const dirs: string[] = [];
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
  let dataDir: string;
  let webPort: number;
  let signalingPort: number;
  let demo: Demo | undefined;
  let festivalId: Hash;

  before(async () => {
    // `npm test` builds first; a test run of its own builds the widgets only.
    if (!existsSync(join(WIDGETS, 'panda-widgets.js'))) await buildWidgets({ root: ROOT });
    dataDir = tempDir('panda-demo-');
    [webPort, signalingPort] = [await freePort(), await freePort()];
    demo = await startDemo(dataDir, webPort, signalingPort);
  });

  after(async () => {
    if (demo) await stopDemo(demo);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    releaseNodeDataChannel();
  });

  it('prints the page, the signaling server and how to load the extension', () => {
    const output = demo!.output();
    assert.match(output, /Seeding the demo festival "Hoffnung 3000"/);
    assert.ok(output.includes(`Festival page    http://localhost:${webPort}/`), output);
    assert.ok(output.includes(`Signaling        ws://localhost:${signalingPort}`), output);
    assert.ok(output.includes('chrome://extensions') && output.includes(join(ROOT, 'dist/extension/chrome')), output);
    assert.ok(output.includes('about:debugging') && output.includes(join(ROOT, 'dist/extension/firefox/manifest.json')), output);
  });

  it('serves the page with a strict CSP, the festival id, the widgets and the schedule downloads', async () => {
    const page = await fetch(`${demo!.web}/`);
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /(^|; )script-src 'self'(;|$)/);
    assert.match(csp, /(^|; )default-src 'self'(;|$)/);
    assert.ok(csp.includes(`connect-src 'self' ws://localhost:${signalingPort}`), csp);
    assert.doesNotMatch(csp, /unsafe-eval|wasm-unsafe-eval/);

    const info = (await (await fetch(`${demo!.web}/festival.json`)).json()) as { festivalId: string; venueId: string; signaling: string[]; name: string };
    assert.ok(isHash(info.festivalId) && isHash(info.venueId));
    assert.deepEqual(info.signaling, [`ws://localhost:${signalingPort}`]);
    festivalId = info.festivalId;
    const html = await page.text();
    assert.ok(html.includes(`<panda-schedule festival="${festivalId}" signaling="ws://localhost:${signalingPort}"`), html);
    assert.ok(html.includes(`<panda-resource resource="${info.venueId}"`));
    assert.match(html, /<script type="module" src="\/panda-widgets.js"><\/script>/);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');

    const script = await fetch(`${demo!.web}/panda-widgets.js`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    for (const outside of ['/%2e%2e/package.json', '/chunks/%2e%2e/%2e%2e/package.json', '/nothing.js'])
      assert.equal((await fetch(`${demo!.web}${outside}`)).status, 404, outside);

    const frab = (await (await fetch(`${demo!.web}/schedule.json`)).json()) as { schedule: { conference: { title: string } } };
    assert.equal(frab.schedule.conference.title, 'Hoffnung 3000');
    const ical = await (await fetch(`${demo!.web}/schedule.ics`)).text();
    assert.equal(ical.match(/BEGIN:VEVENT/g)?.length, 28);
  });

  it(
    'in Chromium without the extension, the page shows the seeded festival and an event another peer adds, live',
    { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` },
    async () => {
      let browser: Browser | undefined;
      let otherPeer: NodePeer | undefined;
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('pageerror', (error) => problems.push(error.message));
        // Injected by the browser, not the page: the CSP does not apply to it.
        await page.addInitScript(() => {
          const violations: string[] = [];
          (window as unknown as { violations: string[] }).violations = violations;
          document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.blockedURI} ${event.violatedDirective}`));
        });
        await page.goto(`${demo!.web}/`);
        const schedule = page.locator('panda-schedule');
        // The first day's opening, received over WebRTC from the demo's Node peer.
        await schedule.getByText('Opening: welcome to Hoffnung 3000').first().waitFor({ timeout: 60_000 });

        // The in-page peer itself, as the widgets load it.
        const chunk = readdirSync(join(WIDGETS, 'chunks')).find((name) => name.startsWith('in-page-source-'));
        assert.ok(chunk, 'the in-page peer chunk is built');
        const received = await page.evaluate(
          async ([url, id, signaling]) => {
            type Data = { festival: { name: string }; festivals: unknown[]; events: unknown[]; readOnly: boolean };
            const { createPeerSource } = (await import(url!)) as {
              createPeerSource: (options: {
                festivalId: string;
                signaling: string[];
              }) => Promise<{ schedule(): Promise<Data>; subscribe(listener: () => void): () => void }>;
            };
            const source = await createPeerSource({ festivalId: id!, signaling: [signaling!] });
            // schedule() answers with what is there: the widget's sync may still be under way in
            // this page's IndexedDB, so wait (bounded) for changes until all 28 events are in.
            const deadline = Date.now() + 45_000;
            let data = await source.schedule();
            while (data.events.length < 28 && Date.now() < deadline) {
              await new Promise<void>((resolve) => {
                const stop = source.subscribe(() => (stop(), resolve()));
                setTimeout(() => (stop(), resolve()), 1000);
              });
              data = await source.schedule();
            }
            return { name: data.festival.name, festivals: data.festivals.length, events: data.events.length, readOnly: data.readOnly };
          },
          [`/chunks/${chunk}`, festivalId, demo!.signaling],
        );
        assert.deepEqual(received, { name: 'Hoffnung 3000', festivals: 2, events: 28, readOnly: true });

        // Another peer (a second visitor's) adds an event: the page shows it without a reload.
        await hashingReady();
        otherPeer = await NodePeer.open({
          dataDir: tempDir('panda-demo-visitor-'),
          signaling: [`ws://127.0.0.1:${signalingPort}`],
          festivals: [festivalId],
          statusInterval: 0,
        });
        await waitFor(async () => (await otherPeer!.node.model()).schedule(festivalId).length === 28, 'the visitor to receive the festival');
        const opening = (await otherPeer.node.model()).schedule(festivalId).find((item) => item.event.title.startsWith('Opening'))!.event;
        await otherPeer.node.createEvent(new KeyPair(), {
          festival: festivalId,
          title: 'Surprise concert on the roof',
          start: opening.start + 1800,
          end: opening.start + 3600,
          resources: [],
        });
        await schedule.getByText('Surprise concert on the roof').first().waitFor({ timeout: 60_000 });

        // Only WebAssembly was refused (hashing falls back to JavaScript), never eval.
        const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
        assert.ok(
          violations.every((violation) => violation.startsWith('wasm-eval ')),
          violations.join('\n'),
        );
        assert.deepEqual(problems, []);
      } finally {
        await otherPeer?.close();
        await browser?.close();
      }
    },
  );

  it('stops on SIGTERM; started again, it keeps the festival it seeded', async () => {
    assert.equal(await stopDemo(demo!), 0);
    assert.match(demo!.output(), /stopped/);
    demo = await startDemo(dataDir, webPort, signalingPort);
    assert.doesNotMatch(demo.output(), /Seeding/);
    const info = (await (await fetch(`${demo.web}/festival.json`)).json()) as { festivalId: string };
    assert.equal(info.festivalId, festivalId);
    assert.equal(await stopDemo(demo), 0);
    demo = undefined;

    await hashingReady();
    const store = new SqliteStore(join(dataDir, 'panda.sqlite'));
    try {
      const model = await new FestivalNode(store).model();
      assert.deepEqual([...model.festivals.values()].map((festival) => festival.name).sort(), ['Hoffnung 3000', 'Kinderprogramm']);
    } finally {
      store.close();
    }
  });
});
