/**
 * A person takes part, in Firefox ESR (puppeteer-core over WebDriver BiDi, headless): the
 * event page's own peer (Firefox's background has WebRTC), the vault, approvals, replication
 * to a second Firefox profile through a y-webrtc signaling server, and a restart.
 *
 * WebDriver BiDi cannot reach moz-extension: pages, so the person's answers are given
 * through the test build's `test_decide` (see e2e-background.ts): the very question the
 * approval window shows is answered, with the window open. The window itself is tested in
 * Chromium (e2e-chromium.test.ts) and in test/browser/popup.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as p2panda from 'p2panda-js';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startSignalingServer, type SignalingServer } from '../peer/support.js';
import { ask, errorCode, resultOf, serveTestSites, testExtension, type Answer, type TestSites } from './e2e-support.js';
import { waitForExpression } from '../firefox-wait.js';

const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
const skip = existsSync(FIREFOX) ? false : `no Firefox at ${FIREFOX}`;

/** Firefox removes a temporary add-on at shutdown; these keep its id's storage (and IndexedDB origin) for the next install, as a real installation keeps it. */
const KEEP_ADDON_DATA = { 'extensions.webextensions.keepStorageOnUninstall': true, 'extensions.webextensions.keepUuidOnUninstall': true };

interface Profile {
  browser: Browser;
  close(): Promise<void>;
}

async function launch(extensionDir: string, userDataDir?: string): Promise<Profile> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    extraPrefsFirefox: KEEP_ADDON_DATA,
    ...(userDataDir ? { userDataDir } : {}),
  });
  await browser.installExtension(extensionDir);
  return { browser, close: () => browser.close() };
}

async function open(profile: Profile, url: string): Promise<Page> {
  const page = await profile.browser.newPage();
  await page.goto(url);
  await waitForExpression(page, 'window.T !== undefined');
  return page;
}

/** `request` from `page`, answered with `decision` by the person (through `helper`, a page of another origin). */
async function askPerson(
  page: Page,
  helper: Page,
  origin: string,
  request: { method: string; params?: unknown },
  decision: 'approve-once' | 'approve-always' | 'deny',
): Promise<Answer> {
  const answer = ask(page, request);
  assert.equal(resultOf<boolean>(await ask(helper, { method: 'test_decide', params: { origin, decision } })), true, `a question from ${origin} was waiting`);
  return answer;
}

describe('Firefox: taking part (the event page is the peer; two profiles; a restart)', { skip }, () => {
  const T0 = Math.floor(Date.UTC(2026, 6, 3, 19) / 1000); // Fri 2026-07-03 21:00 in Berlin
  let sites: TestSites;
  let signaling: SignalingServer;
  let extension: { dir: string; remove: () => void };
  let userDataDir: string;
  let a: Profile;
  let b: Profile | undefined;
  const made: { festival?: string; event?: string; publicKey?: string } = {};

  before(async () => {
    sites = await serveTestSites();
    signaling = await startSignalingServer();
    extension = await testExtension('firefox');
    userDataDir = mkdtempSync(join(tmpdir(), 'panda-kit-firefox-a-'));
    a = await launch(extension.dir, userDataDir);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await signaling?.stop();
    await sites?.close();
    extension?.remove();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  test('unconnected 4100; connect after approval; a denial is 4001', async () => {
    const page = await open(a, `${sites.page}/plain`);
    const helper = await open(a, `${sites.frame}/frame`);
    assert.equal(errorCode(await ask(page, { method: 'panda_getPublicKey' })), 4100);
    assert.equal(errorCode(await askPerson(helper, page, sites.frame, { method: 'panda_connect' }, 'deny')), 4001);
    const { publicKey } = resultOf<{ publicKey: string }>(await askPerson(page, helper, sites.page, { method: 'panda_connect' }, 'approve-once'));
    assert.match(publicKey, /^[0-9a-f]{64}$/);
    assert.equal(resultOf<string>(await ask(page, { method: 'panda_getPublicKey' })), publicKey);
    made.publicKey = publicKey;
    await helper.close();
    await page.close();
  });

  test('publish after approval: the entry verifies with p2panda-js; a denied publish is 4001; the private key never crosses', async () => {
    const page = await open(a, `${sites.page}/plain`);
    const helper = await open(a, `${sites.frame}/frame`);
    const publish = (params: unknown, decision: 'approve-once' | 'deny' = 'approve-once') =>
      askPerson(page, helper, sites.page, { method: 'panda_publish', params }, decision);
    made.festival = resultOf<{ documentId: string }>(
      await publish({ type: 'festival', fields: { name: 'Hoffnung 3000', start: T0 - 86_400, end: T0 + 172_800, timezone: 'Europe/Berlin' } }),
    ).documentId;
    // Joining asks too (before the denial below starts this site's cooldown).
    resultOf(
      await askPerson(
        page,
        helper,
        sites.page,
        { method: 'panda_joinFestival', params: { festivalId: made.festival, signaling: [signaling.url] } },
        'approve-once',
      ),
    );
    const cellar = resultOf<{ documentId: string }>(
      await publish({ type: 'resource', fields: { festival: made.festival, title: 'Klangkeller', kind: 'location', policy: 'manual' } }),
    ).documentId;
    const created = resultOf<{ documentId: string; operationId: string }>(
      await publish({ type: 'event', fields: { festival: made.festival, title: 'Night of chaos', start: T0, end: T0 + 7200, resources: [cellar] } }),
    );
    made.event = created.documentId;
    assert.equal(errorCode(await publish({ type: 'event', fields: { festival: made.festival, title: 'Unwanted', start: T0, end: T0 + 60 } }, 'deny')), 4001);

    const stored = resultOf<{ entry: string; operation: string }>(await ask(helper, { method: 'test_entry', params: { operationId: created.operationId } }));
    const decoded = p2panda.decodeEntry(stored.entry) as { publicKey: string; seqNum: bigint; payloadHash: string };
    assert.equal(decoded.publicKey, made.publicKey);
    assert.equal(decoded.payloadHash, p2panda.generateHash(stored.operation));
    assert.equal(p2panda.generateHash(stored.entry), created.operationId);
    assert.equal((p2panda.decodeOperation(stored.operation) as { fields: Map<string, unknown> }).fields.get('title'), 'Night of chaos');
    // p2panda-js decodes only entries whose signature verifies: one flipped bit and it refuses.
    assert.throws(() => p2panda.decodeEntry(stored.entry.slice(0, -2) + (stored.entry.endsWith('00') ? '01' : '00')), /signature invalid/);

    assert.equal(resultOf<string>(await ask(page, { method: 'panda_getPublicKey' })), made.publicKey);
    const wire = (await page.evaluate('T.wire.join("\\n")')) as string;
    assert.ok(wire.includes(made.publicKey!) && wire.includes(created.operationId), 'the wire log holds the answers');
    assert.equal(resultOf<boolean>(await ask(helper, { method: 'test_holdsPrivateKey', params: { text: wire } })), false);
    await helper.close();
    await page.close();
  });

  test('a second Firefox profile receives the event by replication (joining asks the person)', async () => {
    const pageA = await open(a, `${sites.page}/plain`);
    b = await launch(extension.dir);
    const pageB = await open(b, `${sites.page}/plain`);
    const helperB = await open(b, `${sites.frame}/frame`);
    resultOf(await askPerson(pageB, helperB, sites.page, { method: 'panda_connect' }, 'approve-once'));
    resultOf(
      await askPerson(
        pageB,
        helperB,
        sites.page,
        { method: 'panda_joinFestival', params: { festivalId: made.festival, signaling: [signaling.url] } },
        'approve-once',
      ),
    );
    let titles: string[] = [];
    for (const deadline = Date.now() + 45_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 500))) {
      const answer = await ask(pageB, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } });
      titles = 'result' in answer ? (answer.result as Array<{ event: { title: string } }>).map((item) => item.event.title) : [];
      if (titles.length > 0) break;
    }
    assert.deepEqual(titles, ['Night of chaos']);
    await pageA.close();
  });

  test('keys, permissions and festival data survive a restart of Firefox', async () => {
    await a.close();
    a = await launch(extension.dir, userDataDir);
    const page = await open(a, `${sites.page}/plain`);
    assert.equal(resultOf<string>(await ask(page, { method: 'panda_getPublicKey' })), made.publicKey);
    const schedule = resultOf<Array<{ event: { title: string } }>>(
      await ask(page, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } }),
    );
    assert.deepEqual(
      schedule.map((item) => item.event.title),
      ['Night of chaos'],
    );
    assert.deepEqual(resultOf(await ask(page, { method: 'panda_festivals' })), [made.festival]);
  });

  // After the restart: the denial cooldowns of the tests above are gone with the old event page.
  test("issue 13: a content script reads no private key (finding 6); another site sees nothing of this site's festival (finding 1)", async () => {
    const page = await open(a, `${sites.page}/plain`);
    const probe = (await page.evaluate('T.probe()')) as { local: string; session: string };
    assert.ok(probe.local.startsWith('refused') || probe.local.startsWith('{'), `the probe read storage.local: ${probe.local.slice(0, 120)}`);
    for (const text of [probe.local, probe.session])
      assert.equal(resultOf<boolean>(await ask(page, { method: 'test_holdsPrivateKey', params: { text } })), false, text.slice(0, 200));
    assert.ok(!probe.local.includes('privateKeys'));
    const other = await open(a, `${sites.frame}/frame`);
    resultOf(await askPerson(other, page, sites.frame, { method: 'panda_connect' }, 'approve-once'));
    assert.deepEqual(resultOf(await ask(other, { method: 'panda_festivals' })), []);
    const seen = await ask(other, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } });
    assert.equal(errorCode(seen), 4100);
    assert.deepEqual(
      seen,
      await ask(other, { method: 'panda_query', params: { query: 'schedule', festivalId: `0020${'0'.repeat(64)}` } }),
      'as if it did not exist',
    );
    await other.close();
    await page.close();
  });
});
