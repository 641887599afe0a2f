/**
 * The extension in Chromium (playwright-core, headless, unpacked from dist/extension/chrome):
 * pages find the provider, requests go page → MAIN-world provider → content script → service
 * worker → ProviderRouter and back.
 *
 * - The shipped build as it is: discovery, 4200 and 4100 from the real router, the popup, the
 *   toolbar badge counting a site's question.
 * - The test build (the same files, background.js with test-only methods, see
 *   e2e-background.ts): the origin comes from the browser however the page forges it, a frame
 *   of another origin is its own origin, events stay with their origin, a stopped service
 *   worker fails waiting requests with 4900 and the next request starts it again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as p2panda from 'p2panda-js';
import { PROVIDER_RDNS } from '../../extension/shared/protocol.js';
import { startSignalingServer, type SignalingServer } from '../peer/support.js';
import { approvalWindow, badgeShows, decide, decideInApproval, decideLast, launch, open, skip, skipWelcome, type Session } from './e2e-chromium-support.js';
import {
  ask,
  builtExtension,
  call,
  evaluate,
  frameOf,
  resultOf,
  serveTestSites,
  testExtension,
  type Answer,
  type Summary,
  type TestSites,
} from './e2e-support.js';

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

  test('the popup renders "Panda Kit" and the identity from the background; the approval page renders', async () => {
    const page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/popup.html`);
    await page.locator('panda-popup h1').waitFor();
    assert.equal(await page.locator('panda-popup h1').innerText(), 'Panda Kit');
    // A first start made an identity "Me" (no passphrase yet): it is shown, with its short key, and the welcome.
    await page.locator('panda-popup [data-key]').waitFor();
    await page.locator('panda-popup [data-welcome]').waitFor();
    await skipWelcome(page);
    await page.reload();
    await page.locator('panda-popup [data-active-identity]').waitFor();
    assert.equal(await page.locator('panda-popup [data-welcome]').count(), 0, 'skipped, the welcome does not come back');
    assert.match(await page.locator('panda-popup [data-key]').innerText(), /^[0-9a-f]{8}…[0-9a-f]{4}$/);
    assert.match(await page.locator('panda-popup [data-active-identity]').innerText(), /\bMe\b/);
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
    const answer = await evaluate<Answer>(
      page,
      call('request', { method: 'test_context', params: { origin: 'https://evil.example' }, origin: 'https://evil.example' }),
    );
    assert.ok('result' in answer);
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
        sender: { origin: 'https://evil.example' },
        request: { method: 'test_context', params: { mark: 'forged' }, origin: 'https://evil.example' },
      }),
    );
    assert.equal(forged.result?.origin, sites.page);
    await page.close();
  });

  test('a frame from another origin gets its own origin and its own provider', async () => {
    const page = await open(session, `${sites.page}/`);
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

/** The entry and operation the extension stored for `operationId`, read from its IndexedDB in the service worker. */
async function storedEntry(session: Session, operationId: string): Promise<{ entry: string; operation: string }> {
  // An expression, not a function: tsx's helpers for functions do not exist in the worker.
  return session.worker.evaluate(`(async (id) => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('panda-kit');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const get = (store) => new Promise((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).get(id);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const hex = (bytes) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    const [entry, operation] = [await get('entries'), await get('operations')];
    db.close();
    return { entry: hex(entry.bytes), operation: hex(operation.bytes) };
  })(${JSON.stringify(operationId)})`);
}

describe('Chromium: taking part (the shipped build, two profiles, a signaling server)', { skip }, () => {
  const T0 = Math.floor(Date.UTC(2026, 6, 3, 19) / 1000); // Fri 2026-07-03 21:00 in Berlin
  const PASSPHRASE = 'correct horse battery staple';
  let signaling: SignalingServer;
  let profileA: string;
  let a: Session;
  let b: Session | undefined;
  const made: { festival?: string; cellar?: string; event?: string; publicKey?: string } = {};

  before(async () => {
    signaling = await startSignalingServer();
    profileA = mkdtempSync(join(tmpdir(), 'panda-kit-chromium-a-'));
    a = await launch(await builtExtension('chrome'), { profile: profileA });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await signaling?.stop();
    rmSync(profileA, { recursive: true, force: true });
  });

  test('an unconnected site gets 4100; connecting asks the person in the approval window; a denial is 4001', async () => {
    const page = await open(a, `${sites.page}/plain`);
    assert.equal(((await ask(page, { method: 'panda_getPublicKey' })) as { error: { code: number } }).error.code, 4100);
    assert.equal(
      ((await ask(page, { method: 'panda_publish', params: { type: 'festival', fields: { name: 'x' } } })) as { error: { code: number } }).error.code,
      4100,
    );

    // Another origin is denied (the denial's cooldown stays with that origin).
    const other = await open(a, `${sites.frame}/frame`);
    const refused = ask(other, { method: 'panda_connect' });
    const first = await approvalWindow(a);
    // The toolbar badge counts the question waiting, and is cleared once it is answered.
    assert.equal(await badgeShows(a, '1'), '1');
    // Nothing else waits after this answer: the window closes itself; the next question opens a new one.
    const firstClosed = first.waitForEvent('close', { timeout: 10_000 });
    await decide(first, sites.frame, 'deny');
    assert.deepEqual(((await refused) as { error: { code: number } }).error.code, 4001);
    await firstClosed;
    assert.equal(await badgeShows(a, ''), '');
    await other.close();

    const connecting = ask(page, { method: 'panda_connect' });
    const prompt = await approvalWindow(a);
    const promptClosed = prompt.waitForEvent('close', { timeout: 10_000 });
    await decide(prompt, sites.page, 'approve-once');
    const { publicKey } = resultOf<{ publicKey: string }>(await connecting);
    assert.match(publicKey, /^[0-9a-f]{64}$/);
    assert.equal(resultOf<string>(await ask(page, { method: 'panda_getPublicKey' })), publicKey);
    made.publicKey = publicKey;
    await promptClosed;
    await page.close();
  });

  test("publishing asks in the popup page; the approved event is signed by the site's identity and verifies with p2panda-js; a denied one is 4001; the venue's owner confirms it in the popup", async () => {
    const page = await open(a, `${sites.page}/plain`);
    const popup = await a.context.newPage();
    await popup.goto(`chrome-extension://${a.extensionId}/popup.html`);
    await popup.locator('[data-key]').waitFor();

    const publish = async (params: unknown, text: string, decision: 'approve-once' | 'approve-always' | 'deny' = 'approve-once') => {
      const answer = ask(page, { method: 'panda_publish', params });
      await decide(popup, text, decision);
      return answer;
    };
    made.festival = resultOf<{ documentId: string }>(
      await publish(
        { type: 'festival', fields: { name: 'Hoffnung 3000', start: T0 - 3600 * 24, end: T0 + 3600 * 48, timezone: 'Europe/Berlin' } },
        'Hoffnung 3000',
      ),
    ).documentId;
    // The site joins its festival, to replicate it (asked in the popup, before the denial below starts the site's cooldown).
    const joining = ask(page, { method: 'panda_joinFestival', params: { festivalId: made.festival, signaling: [signaling.url] } });
    await decide(popup, signaling.url, 'approve-once');
    resultOf(await joining);
    made.cellar = resultOf<{ documentId: string }>(
      await publish({ type: 'resource', fields: { festival: made.festival, title: 'Klangkeller', kind: 'location', policy: 'manual' } }, 'Klangkeller'),
    ).documentId;
    const created = resultOf<{ documentId: string; operationId: string }>(
      await publish(
        { type: 'event', fields: { festival: made.festival, title: 'Night of chaos', start: T0, end: T0 + 7200, resources: [made.cellar] } },
        'Night of chaos',
      ),
    );
    made.event = created.documentId;

    const denied = await publish({ type: 'event', fields: { festival: made.festival, title: 'Unwanted', start: T0, end: T0 + 60 } }, 'Unwanted', 'deny');
    assert.equal((denied as { error: { code: number } }).error.code, 4001);

    // The entry as stored, checked by p2panda-js 0.8.1.
    const { entry, operation } = await storedEntry(a, created.operationId);
    const decoded = p2panda.decodeEntry(entry) as {
      publicKey: string;
      logId: bigint;
      seqNum: bigint;
      payloadHash: string;
      payloadSize: bigint;
      signature: string;
    };
    assert.equal(decoded.publicKey, made.publicKey);
    assert.equal(decoded.seqNum, 1n);
    assert.equal(decoded.payloadHash, p2panda.generateHash(operation));
    assert.equal(decoded.payloadSize, BigInt(operation.length / 2));
    assert.equal(p2panda.generateHash(entry), created.operationId);
    // p2panda-js decodes only entries whose signature verifies: one flipped bit and it refuses.
    const flipped = entry.slice(0, -2) + (entry.endsWith('00') ? '01' : '00');
    assert.throws(() => p2panda.decodeEntry(flipped), /signature invalid/);
    const fields = (p2panda.decodeOperation(operation) as { fields: Map<string, unknown> }).fields;
    assert.equal(fields.get('title'), 'Night of chaos');

    // The schedule a page reads back; the owner of the venue sees the request in the popup.
    const schedule = resultOf<Array<{ event: { title: string } }>>(
      await ask(page, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } }),
    );
    assert.deepEqual(
      schedule.map((item) => item.event.title),
      ['Night of chaos'],
    );
    // The venue is this identity's: the popup shows the request, and confirming it signs an authorization.
    const ownerRequest = popup.locator('[data-owner-request]', { hasText: 'Night of chaos' });
    await ownerRequest.waitFor({ timeout: 10_000 });
    await ownerRequest.locator('[data-authorize="confirm"]').click();
    await ownerRequest.waitFor({ state: 'detached', timeout: 10_000 });
    const confirmed = resultOf<Array<{ confirmation: number; confirmed: number }>>(
      await ask(page, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } }),
    );
    assert.deepEqual(
      confirmed.map((item) => [item.confirmed, item.confirmation]),
      [[1, 1]],
    );
    await popup.close();
    await page.close();
  });

  test('nothing that reaches the page (or the content script, which relays it) holds the private key', async () => {
    const page = await open(a, `${sites.page}/plain`);
    await ask(page, { method: 'panda_getPublicKey' });
    await ask(page, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } });
    const stored = await a.worker.evaluate<{ vault: { keys: { privateKeys: Array<{ privateKey: string }> } } }>('chrome.storage.local.get("vault")');
    const privateKey = stored.vault.keys.privateKeys[0]!.privateKey;
    assert.match(privateKey, /^[0-9a-f]{64}$/);
    const wire = await page.evaluate<string>('T.wire.join("\\n")');
    assert.ok(wire.includes(made.publicKey!), 'the wire log holds the answers');
    assert.ok(!wire.includes(privateKey), 'the private key crossed into the page');
    await page.close();
  });

  test('a second browser profile receives the event by replication (offscreen WebRTC, y-webrtc signaling)', async () => {
    const pageA = await open(a, `${sites.page}/plain`);
    b = await launch(await builtExtension('chrome'));
    const pageB = await open(b, `${sites.page}/plain`);
    const connecting = ask(pageB, { method: 'panda_connect' });
    await decideLast(b, sites.page, 'approve-once');
    const { publicKey } = resultOf<{ publicKey: string }>(await connecting);
    assert.notEqual(publicKey, made.publicKey);
    const joiningB = ask(pageB, { method: 'panda_joinFestival', params: { festivalId: made.festival, signaling: [signaling.url] } });
    await decideInApproval(b, signaling.url, 'approve-once');
    resultOf(await joiningB);
    const deadline = Date.now() + 45_000;
    let titles: string[] = [];
    while (Date.now() < deadline) {
      const answer = await ask(pageB, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } });
      titles = 'result' in answer ? (answer.result as Array<{ event: { title: string } }>).map((item) => item.event.title) : [];
      if (titles.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.deepEqual(titles, ['Night of chaos']);
    await pageA.close();
  });

  test('with a passphrase set in the popup, a stop of the service worker keeps the vault unlocked and the data', async () => {
    const popup = await a.context.newPage();
    await popup.goto(`chrome-extension://${a.extensionId}/popup.html`);
    await skipWelcome(popup);
    await popup.locator('[data-passphrase-fold] summary').click();
    const form = popup.locator('[data-set-passphrase]');
    await form.locator('input[name="passphrase"]').fill(PASSPHRASE);
    await form.locator('input[name="repeat"]').fill(PASSPHRASE);
    await form.locator('button[type="submit"]').click();
    await popup.locator('[data-lock]').waitFor({ timeout: 30_000 });
    await popup.close();
    const stored = await a.worker.evaluate<{ vault: { keys: { kind: string } } }>('chrome.storage.local.get("vault")');
    assert.equal(stored.vault.keys.kind, 'sealed');

    const page = await open(a, `${sites.page}/plain`);
    const cdp = await a.context.newCDPSession(page);
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; type: string; url: string }[] };
    const worker = targetInfos.find((target) => target.type === 'service_worker' && target.url.startsWith(`chrome-extension://${a.extensionId}/`));
    assert.ok(worker, 'the service worker target');
    await cdp.send('Target.closeTarget', { targetId: worker.targetId });
    // The woken worker answers at once: no unlock prompt (the session keeps the vault's key), same identity, same data.
    assert.equal(resultOf<string>(await ask(page, { method: 'panda_getPublicKey' }, 10_000)), made.publicKey);
    const schedule = resultOf<Array<{ event: { title: string } }>>(
      await ask(page, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } }),
    );
    assert.deepEqual(
      schedule.map((item) => item.event.title),
      ['Night of chaos'],
    );
    assert.equal(
      a.context.pages().some((open) => open.url().endsWith('/approval.html')),
      false,
    );
    await page.close();
  });

  test('keys, permissions and festival data survive a restart of the browser; the vault asks to be unlocked first', async () => {
    await a.close();
    a = await launch(await builtExtension('chrome'), { profile: profileA });
    const page = await open(a, `${sites.page}/plain`);
    // Still connected, the same identity, once the person unlocked the vault in the window that opens.
    const answer = ask(page, { method: 'panda_getPublicKey' });
    const prompt = await approvalWindow(a);
    const unlock = prompt.locator('[data-locked]');
    await unlock.locator('input[type="password"]').fill(PASSPHRASE);
    await unlock.locator('button[type="submit"]').click();
    assert.equal(resultOf<string>(await answer), made.publicKey);
    const schedule = resultOf<Array<{ event: { title: string }; confirmation: number }>>(
      await ask(page, { method: 'panda_query', params: { query: 'schedule', festivalId: made.festival } }),
    );
    assert.deepEqual(
      schedule.map((item) => item.event.title),
      ['Night of chaos'],
    );
    assert.deepEqual(resultOf(await ask(page, { method: 'panda_festivals' })), [made.festival]);
    await page.close();
  });
});
