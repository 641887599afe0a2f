/**
 * Issue 13 in Chromium, with the built extension (the test build: the shipped files plus
 * test-only background methods and a test-only content script, see e2e-support.ts):
 *
 * - finding 6: what a content script of the extension can read in any page holds no key;
 * - finding 1: a site does not see another site's festival (4100, as for none at all);
 * - finding 2: joining asks in the approval window, naming the festival and its server;
 * - finding 7: two clicks 150 ms apart on "Approve once" approve one request, not two;
 * - finding 8: a hostile title (bidi override, 80 unbroken characters) is shown as data with
 *   the override visible, and the answers stay inside the 420 px window;
 * - the popup: sharing a festival with a site lets it see the festival; leaving one lasts;
 * - finding 11 (the shipped build): the extension's IndexedDB deleted on disk, as Chromium
 *   does with a corrupt one: the popup says what went missing; the identity is the same; a
 *   Node peer holding the festival brings it back and the notice goes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NodePeer } from '../../node/node-peer.js';
import { releaseNodeDataChannel, startSignalingServer, type SignalingServer } from '../peer/support.js';
import { approvalWindow, decide, decideInApproval, decideLast, launch, open, skip, skipWelcome, type Session } from './e2e-chromium-support.js';
import { ask, builtExtension, call, errorCode, evaluate, resultOf, serveTestSites, testExtension, type TestSites } from './e2e-support.js';

const T0 = Math.floor(Date.UTC(2026, 6, 3, 19) / 1000);

// The tests run in order on one profile and build on one another: the sites connected and the
// festival made by the first ones are what the later ones share, hide and leave.
describe('Chromium: what a site may see and sign (issue 13)', { skip }, () => {
  let sites: TestSites;
  let session: Session;
  let extension: { dir: string; remove: () => void };
  let festival: string;

  before(async () => {
    sites = await serveTestSites();
    extension = await testExtension('chrome');
    session = await launch(extension.dir);
  });
  after(async () => {
    await session?.close();
    extension?.remove();
    await sites?.close();
  });

  test('finding 6: a content script reads no private key from extension storage', async () => {
    const page = await open(session, `${sites.page}/plain`);
    // The vault exists (a first start made identity "Me") and the site can be connected.
    const connecting = ask(page, { method: 'panda_connect' });
    await decideLast(session, sites.page, 'approve-once');
    resultOf(await connecting);
    const probe = await evaluate<{ local: string; session: string }>(page, call('probe'));
    const holds = async (text: string) => resultOf<boolean>(await ask(page, { method: 'test_holdsPrivateKey', params: { text } }));
    assert.equal(await holds(probe.local), false, `storage.local as a content script reads it: ${probe.local.slice(0, 200)}`);
    assert.equal(await holds(probe.session), false, 'storage.session');
    // The probe itself works: what it read of storage.local is either refused or holds the site grants, never the vault.
    assert.ok(probe.local.startsWith('refused') || probe.local.includes('permissions') || probe.local === '{}', probe.local.slice(0, 200));
    assert.ok(!probe.local.includes('privateKeys'));
    console.log(`storage.local from a content script: ${probe.local.slice(0, 80)}`);
    await page.close();
  });

  test("finding 1: a site does not see another site's festival; finding 8: the prompt shows a hostile title as data inside the window", async () => {
    const page = await open(session, `${sites.page}/plain`);
    const hostile = `\u202Egpj.exe ${'W'.repeat(80)}`;
    const creating = ask(page, {
      method: 'panda_publish',
      params: { type: 'festival', fields: { name: hostile, start: T0, end: T0 + 86_400, timezone: 'Europe/Berlin' } },
    });
    const prompt = await approvalWindow(session);
    await prompt.setViewportSize({ width: 420, height: 640 });
    const card = prompt.locator('[data-pending]').first();
    await card.waitFor();
    const name = card.locator('[data-detail="Name"] q.data').first();
    assert.match(await name.innerText(), /^⟨U\+202E⟩gpj\.exe W+/);
    assert.equal(await card.locator('.description').innerText(), 'Create a festival');
    const approve = card.locator('[data-decision="approve-once"]');
    await approve.waitFor();
    for (const button of await card.locator('button').all()) {
      const box = await button.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 420, `a button left the window: ${JSON.stringify(box)}`);
    }
    const width = await prompt.evaluate('document.documentElement.scrollWidth');
    assert.ok((width as number) <= 420, `the window scrolls sideways: ${String(width)}`);
    const closed = prompt.waitForEvent('close', { timeout: 10_000 });
    await approve.click();
    festival = resultOf<{ documentId: string }>(await creating).documentId;
    await closed;
    assert.deepEqual(resultOf(await ask(page, { method: 'panda_festivals' })), [festival]);

    const other = await open(session, `${sites.frame}/frame`);
    const connecting = ask(other, { method: 'panda_connect' });
    await decideLast(session, sites.frame, 'approve-once');
    resultOf(await connecting);
    assert.deepEqual(resultOf(await ask(other, { method: 'panda_festivals' })), []);
    const seen = await ask(other, { method: 'panda_query', params: { query: 'schedule', festivalId: festival } });
    const none = await ask(other, { method: 'panda_query', params: { query: 'schedule', festivalId: `0020${'0'.repeat(64)}` } });
    assert.equal(errorCode(seen), 4100);
    assert.deepEqual(seen, none, 'the same answer as for a festival that does not exist');
    await other.close();
    await page.close();
  });

  test('finding 2: joining asks, naming the festival and its server; finding 7: two quick clicks answer one question', async () => {
    const page = await open(session, `${sites.frame}/frame`);
    const joining = ask(page, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: ['ws://127.0.0.1:9'] } });
    const prompt = await approvalWindow(session);
    const card = prompt.locator('[data-pending]').first();
    await card.locator('[data-detail="Festival"]').waitFor();
    assert.match(await card.locator('[data-detail="Festival"] q.data').innerText(), /gpj\.exe/);
    assert.match(await card.locator('[data-detail^="Servers"]').innerText(), /Servers that will learn this festival[\s\S]*ws:\/\/127\.0\.0\.1:9/);
    assert.equal(await card.locator('[data-decision="approve-always"]').count(), 0, 'no "always" for joining');
    const closed = prompt.waitForEvent('close', { timeout: 10_000 });
    await card.locator('[data-decision="approve-once"]').click();
    assert.equal(resultOf(await joining), true);
    await closed;
    assert.deepEqual(resultOf(await ask(page, { method: 'panda_festivals' })), [festival]);

    // Two requests wait; two clicks 150 ms apart on the spot of "Approve once".
    const first = ask(page, { method: 'panda_publish', params: { type: 'event', fields: { festival, title: 'First', start: T0, end: T0 + 3600 } } });
    const second = ask(page, { method: 'panda_publish', params: { type: 'event', fields: { festival, title: 'Second', start: T0, end: T0 + 3600 } } });
    const window = await approvalWindow(session);
    await window.locator('[data-more]').waitFor();
    const button = window.locator('[data-pending] [data-decision="approve-once"]');
    await button.waitFor();
    // A trial click waits for the button to be armed (enabled).
    await button.click({ trial: true });
    const box = (await button.boundingBox())!;
    await window.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await window.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    assert.equal(errorCode(await first), undefined);
    // The second question is on screen, not yet answered: its buttons wait.
    await window.locator('[data-pending]', { hasText: 'Second' }).waitFor();
    const pending = await Promise.race([second.then(() => 'answered'), new Promise((resolve) => setTimeout(() => resolve('waiting'), 1_000))]);
    assert.equal(pending, 'waiting', 'the second click approved the next request');
    await decide(window, 'Second', 'deny');
    assert.equal(errorCode(await second), 4001);
    await page.close();
  });

  test('in the popup the person shares a festival with a site, which then sees it, and leaves a festival, which stays left', async () => {
    const page = await open(session, `${sites.page}/plain`);
    const creating = ask(page, { method: 'panda_publish', params: { type: 'festival', fields: { name: 'Second Fest', start: T0, end: T0 + 86_400 } } });
    await decideInApproval(session, 'Second Fest', 'approve-once');
    const second = resultOf<{ documentId: string }>(await creating).documentId;
    // Taken part in (replicated) once the site joins it, with the person's approval.
    const joining = ask(page, { method: 'panda_joinFestival', params: { festivalId: second, signaling: ['ws://127.0.0.1:9'] } });
    await decideInApproval(session, 'Second Fest', 'approve-once');
    assert.equal(resultOf(await joining), true);
    const other = await open(session, `${sites.frame}/frame`);
    assert.deepEqual(resultOf(await ask(other, { method: 'panda_festivals' })), [festival], 'not shared yet');
    assert.equal(errorCode(await ask(other, { method: 'panda_query', params: { query: 'festival', festivalId: second } })), 4100);

    const popup = await session.context.newPage();
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
    await skipWelcome(popup);
    const site = popup.locator(`li[data-site="${sites.frame}"]`);
    // The first festival's hostile name is shown as data here too: the override visible, not obeyed.
    assert.match(await site.locator('[data-site-festivals]').innerText(), /⟨U\+202E⟩gpj\.exe/);
    await site.locator('[data-share-festival]').selectOption(second);
    await site.locator('[data-site-festivals]', { hasText: 'Second Fest' }).waitFor({ timeout: 10_000 });
    assert.deepEqual(resultOf<string[]>(await ask(other, { method: 'panda_festivals' })).sort(), [festival, second].sort());
    const answer = resultOf<{ festival: { name: string } }>(await ask(other, { method: 'panda_query', params: { query: 'festival', festivalId: second } }));
    assert.equal(answer.festival.name, 'Second Fest');

    const entry = popup.locator(`li[data-festival="${second}"]`);
    await entry.waitFor();
    await entry.locator('[data-leave]').click();
    await entry.waitFor({ state: 'detached', timeout: 10_000 });
    await popup.reload();
    await popup.locator(`li[data-festival="${festival}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await popup.locator(`li[data-festival="${second}"]`).count(), 0, 'left for good, not only on screen');
    await popup.close();
    await other.close();
    await page.close();
  });
});

describe('Chromium: festival data that vanished is said (issue 13, finding 11)', { skip }, () => {
  let sites: TestSites;
  let profile: string;
  let session: Session | undefined;
  let signaling: SignalingServer;
  let peerDir: string;
  before(async () => {
    sites = await serveTestSites();
    signaling = await startSignalingServer();
    profile = mkdtempSync(join(tmpdir(), 'panda-kit-chromium-wipe-'));
    peerDir = mkdtempSync(join(tmpdir(), 'panda-kit-chromium-wipe-peer-'));
  });
  after(async () => {
    await session?.close();
    await sites?.close();
    await signaling?.stop();
    releaseNodeDataChannel();
    rmSync(profile, { recursive: true, force: true });
    rmSync(peerDir, { recursive: true, force: true });
  });

  test('the IndexedDB wiped between two starts: the popup says so, the vault and identity are untouched, and a peer brings the festival back', async () => {
    const dir = await builtExtension('chrome');
    session = await launch(dir, { profile });
    const page = await open(session, `${sites.page}/plain`);
    const connecting = ask(page, { method: 'panda_connect' });
    const first = await approvalWindow(session);
    // With nothing else waiting the window closes itself; the next question opens a new one.
    const firstClosed = first.waitForEvent('close', { timeout: 10_000 });
    await decide(first, sites.page, 'approve-once');
    const { publicKey } = resultOf<{ publicKey: string }>(await connecting);
    await firstClosed;
    const creating = ask(page, { method: 'panda_publish', params: { type: 'festival', fields: { name: 'Hoffnung 3000', start: T0, end: T0 + 86_400 } } });
    await decideInApproval(session, 'Hoffnung 3000', 'approve-once');
    const festival = resultOf<{ documentId: string }>(await creating).documentId;
    // Taken part in through a signaling server, where a Node peer (SQLite, node-datachannel) gets it too.
    const joining = ask(page, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: [signaling.url] } });
    await decideInApproval(session, 'Hoffnung 3000', 'approve-once');
    assert.equal(resultOf(await joining), true);
    let peer = await NodePeer.open({ dataDir: peerDir, signaling: [signaling.url], statusInterval: 0 });
    await peer.join(festival);
    for (let tries = 0; !(await peer.node.model()).festivals.has(festival); tries++) {
      assert.ok(tries < 600, 'the Node peer never got the festival');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await peer.close();
    // The figures beside the vault are written a moment after the publish.
    for (let tries = 0; ; tries++) {
      const stored = await session.worker.evaluate<{ 'festival-data'?: { figures: { logs: number } } }>('chrome.storage.local.get("festival-data")');
      if ((stored['festival-data']?.figures.logs ?? 0) >= 1) break;
      assert.ok(tries < 100, 'the figures were never written');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const extensionId = session.extensionId;
    await session.context.close();
    session = undefined;
    // What Chromium does with a corrupt database: the origin's IndexedDB is gone.
    const databases = join(profile, 'Default', 'IndexedDB');
    const removed = readdirSync(databases).filter((name) => name.startsWith(`chrome-extension_${extensionId}_`));
    assert.ok(removed.length > 0, `the extension's IndexedDB in ${readdirSync(databases).join(', ')}`);
    for (const name of removed) rmSync(join(databases, name), { recursive: true, force: true });

    session = await launch(dir, { profile });
    const popup = await session.context.newPage();
    await popup.goto(`chrome-extension://${session.extensionId}/popup.html`);
    const notice = popup.locator('[data-data-loss]');
    await notice.waitFor({ timeout: 15_000 });
    assert.match(await notice.innerText(), /held 1 festival document[\s\S]*found 0[\s\S]*identities and keys are not affected/);
    // The same identity (approving the connect as offered picked the active one, no new one).
    assert.equal(await popup.locator('[data-key]').getAttribute('title'), publicKey, 'the same identity');
    // A peer that holds the festival comes along: the extension fetches it again, and the
    // notice goes once the data is back.
    peer = await NodePeer.open({ dataDir: peerDir, signaling: [signaling.url], statusInterval: 0 });
    try {
      await peer.join(festival);
      await notice.waitFor({ state: 'detached', timeout: 120_000 });
      const again = await open(session, `${sites.page}/plain`);
      const answer = resultOf<{ festival: { name: string } }>(await ask(again, { method: 'panda_query', params: { query: 'festival', festivalId: festival } }));
      assert.equal(answer.festival.name, 'Hoffnung 3000', 'the festival is back from the peer');
    } finally {
      await peer.close();
    }
  });
});
