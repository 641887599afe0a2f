/**
 * Issue 13's "held, and must stay held", in Chromium with the shipped build (dist/extension/chrome):
 *
 * - no provider in srcdoc, data: or blob: frames (the page makes each kind), while the page
 *   itself has one (sandboxed frames: e2e-chromium.test.ts);
 * - a burst of 1,000 `panda_publish` from one connected site opens one approval window, the
 *   requests over the site's limit are refused (4001) while the others still wait, and nothing
 *   is signed without approval;
 * - answers forged in the relay's message shape by another window (the parent into a frame, a
 *   frame into its parent) resolve nothing and inject nothing;
 * - answers forged by a script of the page itself, into its own window, resolve nothing either
 *   (answers come over the provider's own MessagePort); the real answer still arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { approvalWindow, decide, decideInApproval, decideLast, launch, open, skip, type Session } from './e2e-chromium-support.js';
import { ask, builtExtension, call, errorCode, evaluate, frameOf, resultOf, serveTestSites, type TestSites } from './e2e-support.js';

const T0 = Math.floor(Date.UTC(2026, 6, 3, 19) / 1000);
const BURST = 1000;
const FORGED_KEY = 'f'.repeat(64);

/** In a frame without the helpers: the provider's name if one is announced within `ms`, else null. */
const discoverWithin = (ms: number) => `new Promise((resolve) => {
  window.addEventListener('panda:announceProvider', (event) => resolve(event.detail.info.name), { once: true });
  window.dispatchEvent(new Event('panda:requestProvider'));
  setTimeout(() => resolve(null), ${ms});
})`;

/** The number of entries in the extension's IndexedDB (read in its service worker). */
function storedEntries(session: Session): Promise<number> {
  return session.worker.evaluate(`(async () => {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('panda-kit');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const count = await new Promise((resolve, reject) => {
      const request = db.transaction('entries').objectStore('entries').count();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    db.close();
    return count;
  })()`);
}

/** The browser windows showing the extension's approval page (asked of the browser, in the service worker). */
function approvalWindows(session: Session): Promise<number> {
  return session.worker.evaluate(
    // The extension's own documents, with their windows: tab URLs are hidden from an extension without the "tabs" permission in newer Chromium.
    `chrome.runtime.getContexts({ contextTypes: ['TAB'] }).then((contexts) => new Set(contexts.filter((context) => context.documentUrl?.endsWith('/approval.html')).map((context) => context.windowId)).size)`,
  );
}

describe('Chromium: held behaviours (issue 13)', { skip }, () => {
  let sites: TestSites;
  let session: Session;

  before(async () => {
    sites = await serveTestSites();
    session = await launch(await builtExtension('chrome'));
  });
  after(async () => {
    await session?.close();
    await sites?.close();
  });

  test('no provider in srcdoc, data: or blob: frames; the page that made them has one', async () => {
    const page = await open(session, `${sites.page}/plain`);
    await evaluate(
      page,
      `(() => {
        const frame = (name, set) => { const element = document.createElement('iframe'); element.name = name; set(element); document.body.append(element); };
        frame('srcdoc', (element) => (element.srcdoc = '<p>srcdoc</p>'));
        frame('data', (element) => (element.src = 'data:text/html,<p>data</p>'));
        frame('blob', (element) => (element.src = URL.createObjectURL(new Blob(['<p>blob</p>'], { type: 'text/html' }))));
        return true;
      })()`,
    );
    const byName = async (name: string): Promise<Frame> => {
      for (let tries = 0; tries < 200; tries++) {
        const frame = page.frames().find((candidate) => candidate.name() === name);
        if (
          frame &&
          (await frame.evaluate('document.readyState === "complete" && document.body !== null && document.body.textContent.length > 0').catch(() => false))
        )
          return frame;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no ${name} frame`);
    };
    const seen: Record<string, unknown> = {};
    for (const name of ['srcdoc', 'data', 'blob']) {
      const frame = await byName(name);
      seen[name] = { url: frame.url().slice(0, 5), provider: await evaluate(frame, discoverWithin(500)) };
    }
    assert.deepEqual(seen, {
      srcdoc: { url: 'about', provider: null },
      data: { url: 'data:', provider: null },
      blob: { url: 'blob:', provider: null },
    });
    assert.equal(await evaluate(page, call('discoverWithin', 2000)), 'Panda Kit');
    await page.close();
  });

  test("answers forged by another window in the relay's shape resolve nothing and inject nothing", async () => {
    // The page and its frame from another origin; neither is connected: each one's connect waits for the person.
    const page = await open(session, `${sites.page}/`);
    const frame = await frameOf(page, sites.frame);
    const start = (target: Page | Frame) =>
      evaluate(
        target,
        `T.provider().then((provider) => {
        window.outcome = null;
        window.heard = [];
        window.afterForgeries = new Promise((resolve) => addEventListener('message', (event) => event.data === 'after-forgeries' && resolve(true)));
        provider.on('accountsChanged', (data) => heard.push(data));
        provider.request({ method: 'panda_connect' }).then((result) => (window.outcome = { result }), (error) => (window.outcome = { code: error.code }));
        return true;
      })`,
      );
    /** Answers in the relay's shape for every id a provider could have handed out (results and errors), an event, then a marker. */
    const forge = (into: string) => `(() => {
      const into = ${into};
      for (let id = 0; id < 50; id++) {
        into.postMessage({ target: 'panda-kit:page', id, result: { publicKey: '${FORGED_KEY}' } }, '*');
        into.postMessage({ target: 'panda-kit:page', id, error: { code: 4001, message: 'forged' } }, '*');
      }
      into.postMessage({ target: 'panda-kit:page', event: 'accountsChanged', data: ['${FORGED_KEY}'] }, '*');
      into.postMessage('after-forgeries', '*');
      return true;
    })()`;
    const state = (target: Page | Frame) =>
      evaluate<{ outcome: { result?: { publicKey: string }; code?: number } | null; heard: unknown[] }>(
        target,
        'window.afterForgeries.then(() => ({ outcome: window.outcome, heard: window.heard }))',
      );

    await start(frame);
    await start(page);
    const prompt = await approvalWindow(session);
    await prompt.locator('[data-pending]').first().waitFor();
    // The parent forges answers into the frame, the frame into the parent; messages from one window arrive in order, so the marker comes last.
    await evaluate(page, forge("document.querySelector('iframe').contentWindow"));
    await evaluate(frame, forge('parent'));
    assert.deepEqual(await state(frame), { outcome: null, heard: [] }, 'the frame took a forged answer');
    assert.deepEqual(await state(page), { outcome: null, heard: [] }, 'the page took a forged answer');

    // The real answers still come through, with the real key; with nothing left the window closes itself.
    const closed = prompt.waitForEvent('close', { timeout: 10_000 });
    await decide(prompt, sites.frame, 'approve-once');
    await decide(prompt, sites.page, 'approve-once');
    await page.waitForFunction('window.outcome !== null');
    await frame.waitForFunction('window.outcome !== null');
    for (const target of [page, frame]) {
      const { outcome, heard } = await state(target);
      assert.match(outcome?.result?.publicKey ?? '', /^[0-9a-f]{64}$/);
      assert.notEqual(outcome?.result?.publicKey, FORGED_KEY);
      assert.ok(!JSON.stringify(heard).includes(FORGED_KEY));
    }
    await closed;
    await page.close();
  });

  test(`a burst of ${BURST} publishes opens one approval window, the rest are refused at once, nothing is signed`, async () => {
    // The site is connected (above, or here when this test runs alone).
    const page = await open(session, `${sites.page}/plain`);
    if (errorCode(await ask(page, { method: 'panda_getPublicKey' })) === 4100) {
      const connecting = ask(page, { method: 'panda_connect' });
      await decideLast(session, sites.page, 'approve-once');
      resultOf(await connecting);
    }
    const entriesBefore = await storedEntries(session);
    assert.equal(await approvalWindows(session), 0);

    await evaluate(
      page,
      `T.provider().then((provider) => {
        window.burst = [];
        for (let i = 0; i < ${BURST}; i++) {
          provider.request({ method: 'panda_publish', params: { type: 'festival', fields: { name: 'Burst ' + i, start: ${T0}, end: ${T0 + 86_400} } } })
            .then((result) => burst.push({ i, result }), (error) => burst.push({ i, code: error.code }));
        }
        return true;
      })`,
    );
    const prompt = await approvalWindow(session);
    // All but the few a site may have waiting are answered while those still wait.
    await page.waitForFunction(`window.burst.length >= ${BURST - 5}`, undefined, { timeout: 60_000 });
    const refused = await evaluate<Array<{ i: number; code?: number; result?: unknown }>>(page, 'window.burst');
    assert.ok(refused.length < BURST, 'some requests wait for the person');
    assert.ok(
      refused.every((answer) => answer.code === 4001),
      JSON.stringify(refused.find((answer) => answer.code !== 4001)),
    );
    const waiting = new Set(Array.from({ length: BURST }, (_, i) => i).filter((i) => !refused.some((answer) => answer.i === i)));
    console.log(`${refused.length} of ${BURST} refused at once (4001), ${waiting.size} waiting`);
    assert.ok(waiting.size >= 1 && waiting.size <= 5, `waiting: ${[...waiting].join(', ')}`);
    await prompt.locator('[data-pending]').first().waitFor();
    assert.equal(await approvalWindows(session), 1, 'one approval window');
    assert.equal(session.context.pages().filter((open) => open.url().endsWith('/approval.html')).length, 1);
    assert.equal(await storedEntries(session), entriesBefore, 'nothing signed before any approval');

    // Closing the window denies what waits: every request is answered, none signed.
    await prompt.close();
    await page.waitForFunction(`window.burst.length === ${BURST}`, undefined, { timeout: 20_000 });
    const all = await evaluate<Array<{ code?: number }>>(page, 'window.burst');
    assert.ok(all.every((answer) => answer.code === 4001));
    assert.equal(await storedEntries(session), entriesBefore, 'nothing signed');
    assert.deepEqual(resultOf(await ask(page, { method: 'panda_festivals' })), []);
    assert.equal(await approvalWindows(session), 0);
    await page.close();
  });

  test('a question asked the moment the one before it is answered is shown and answered, not denied by the window closing', async () => {
    // The other site: the burst above was denied, and a denial holds a site's further questions back for a while.
    const page = await open(session, `${sites.frame}/frame`);
    if (errorCode(await ask(page, { method: 'panda_getPublicKey' })) === 4100) {
      const connecting = ask(page, { method: 'panda_connect' });
      await decideLast(session, sites.frame, 'approve-once');
      resultOf(await connecting);
    }
    const festival = (name: string) =>
      `{ method: 'panda_publish', params: { type: 'festival', fields: { name: '${name}', start: ${T0}, end: ${T0 + 86_400} } } }`;
    await evaluate(
      page,
      `T.provider().then((provider) => {
        window.chained = undefined;
        provider.request(${festival('First of two')})
          .then(() => provider.request(${festival('Second of two')}))
          .then((result) => (window.chained = { result }), (error) => (window.chained = { code: error.code }));
        return true;
      })`,
    );
    await decideInApproval(session, 'First of two', 'approve-once');
    await decideInApproval(session, 'Second of two', 'approve-once');
    await page.waitForFunction('window.chained !== undefined', undefined, { timeout: 15_000 });
    const chained = await evaluate<{ result?: { documentId: string }; code?: number }>(page, 'window.chained');
    assert.match(chained.result?.documentId ?? '', /^[0-9a-f]{68}$/, `the second was answered as the person did: ${JSON.stringify(chained)}`);
    await page.close();
  });

  // Answers come over the provider's own MessagePort (handed over at document_start), not as
  // window messages: a script of the page cannot answer another script's waiting request.
  test('answers forged by a script of the same page resolve nothing', async () => {
    const page = await open(session, `${sites.frame}/frame`);
    await evaluate(
      page,
      `T.provider().then((provider) => {
      window.outcome = null;
      provider.request({ method: 'panda_publish', params: { type: 'festival', fields: { name: 'Waits', start: ${T0}, end: ${T0 + 86_400} } } }).then((result) => (window.outcome = { result }), (error) => (window.outcome = { code: error.code }));
      return true;
    })`,
    );
    await (await approvalWindow(session)).locator('[data-pending]', { hasText: 'Waits' }).waitFor();
    await evaluate(
      page,
      `new Promise((resolve) => {
      for (let id = 0; id < 50; id++) window.postMessage({ target: 'panda-kit:page', id, result: { publicKey: '${FORGED_KEY}' } }, '*');
      addEventListener('message', (event) => event.data === 'after-forgeries' && resolve(true));
      window.postMessage('after-forgeries', '*');
    })`,
    );
    assert.equal(await evaluate(page, 'window.outcome'), null);
    await decideInApproval(session, 'Waits', 'deny');
    await page.waitForFunction('window.outcome !== null', undefined, { timeout: 15_000 });
    assert.deepEqual(await evaluate(page, 'window.outcome'), { code: 4001 }, 'the real answer, the person’s');
    await page.close();
  });
});
