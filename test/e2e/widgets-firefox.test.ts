/**
 * The built widgets in Firefox ESR (puppeteer-core over WebDriver BiDi): @web/test-runner
 * drives Firefox only through the full `puppeteer` package, which downloads a browser of its
 * own, so the component tests run in Chromium and this checks the shipped bundle in Debian's
 * Firefox: a frab schedule from `src` under a strict Content Security Policy, read-only and
 * saying so, day tabs and the live region, arrow keys with a roving tabindex, the time zone
 * switch, favourites kept in the browser, no `javascript:` link from the data, axe clean,
 * and the layout smoke checks of the Chromium layout tests at 320, 390, 768 and 1366 px.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { ROOT } from '../peer/support.js';
import { waitForExpression } from '../firefox-wait.js';

const FIREFOX = process.env['FIREFOX_PATH'] ?? '/usr/bin/firefox-esr';
const BUNDLE = join(ROOT, 'dist/widgets/panda-widgets.js');
const skip = !existsSync(FIREFOX) ? `no Firefox at ${FIREFOX}` : !existsSync(BUNDLE) ? 'run npm run build first' : false;

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widgets in Firefox</title>
<script type="module" src="/panda-widgets.js"></script><script src="/axe.min.js"></script></head>
<body><main><panda-schedule src="/schedule.json" view="grid" day="2019-08-22" time-zone="festival" no-deep-links></panda-schedule></main></body></html>`;

/** Runs in the page: the schedule's shadow root and helpers, as a string (tsx's function helpers do not exist there). */
const IN_PAGE = `window.S = {
  root: () => document.querySelector('panda-schedule').shadowRoot,
  events: () => [...S.root().querySelectorAll('[role="gridcell"][data-event]')].map((cell) => cell.dataset.event),
  focused: () => S.root().activeElement?.dataset.event ?? null,
  tabbable: () => [...S.root().querySelectorAll('[data-event][tabindex="0"]')].map((cell) => cell.dataset.event),
  shown: () => S.root().querySelector('[role="grid"]') ? 'grid' : S.root().querySelector('[part="now"]') ? 'now' : S.root().querySelector('[part="list"]') ? 'list' : 'none',
  pressed: () => [...S.root().querySelectorAll('[data-view][aria-pressed="true"]')].map((button) => button.dataset.view).join(),
  inside: (element) => { const box = element.getBoundingClientRect(); return box.left >= -0.5 && box.top >= -0.5 && box.right <= innerWidth + 0.5 && box.bottom <= innerHeight + 0.5; },
  // Titles narrower than 6 letters, by their text (none is what a reader needs).
  narrowTitles: () => [...S.root().querySelectorAll('.list > li .what')].filter((box) => box.getBoundingClientRect().width > 1 && box.getBoundingClientRect().width < 6 * parseFloat(getComputedStyle(box).fontSize) - 0.5).map((box) => box.textContent.trim().slice(0, 30)),
  menuOutside: () => { const details = S.root().querySelector('details.export'); details.open = true; const outside = [details.querySelector('.menu'), ...details.querySelectorAll('.menu button')].filter((item) => !S.inside(item)).map((item) => item.textContent.trim()); details.open = false; return outside; },
};`;

/**
 * Sets the viewport over WebDriver BiDi. Puppeteer's setViewport also overrides the screen
 * orientation, a command Firefox ESR 140 does not know.
 */
async function setViewport(page: Page, width: number, height: number): Promise<void> {
  const frame = page.mainFrame() as unknown as { browsingContext: { setViewport(options: { viewport: { width: number; height: number } }): Promise<void> } };
  await frame.browsingContext.setViewport({ viewport: { width, height } });
}

describe('the built widgets in Firefox ESR', { skip, timeout: 120_000 }, () => {
  let server: Server;
  let origin: string;
  let browser: Browser;
  let page: Page;

  before(async () => {
    const files: Record<string, [string, Buffer | string]> = {
      '/': ['text/html', PAGE],
      '/panda-widgets.js': ['text/javascript', readFileSync(BUNDLE)],
      '/axe.min.js': ['text/javascript', readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'))],
      '/schedule.json': ['application/json', readFileSync(join(ROOT, 'test/browser/fixtures/frab-camp2019-trimmed.json'))],
    };
    server = createServer((request, response) => {
      const file = files[request.url ?? ''];
      if (!file) return void response.writeHead(404).end();
      // No inline script, no eval: what a careful festival site allows.
      response.setHeader('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'");
      response.setHeader('content-type', file[0]);
      response.end(file[1]);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true, protocol: 'webDriverBiDi' });
    page = await browser.newPage();
    await page.goto(origin);
    await page.evaluate(IN_PAGE);
    await waitForExpression(page, 'S.root() && S.events().length > 0', { timeout: 30_000 });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  test('shows the frab schedule read-only, saying so', async () => {
    assert.ok(((await page.evaluate('S.events().length')) as number) > 0);
    assert.equal(await page.evaluate('S.root().querySelector("[data-read-only]") !== null'), true);
    assert.match((await page.evaluate('S.root().textContent')) as string, /Chaos Communication Camp 2019/);
  });

  test('no link from the data runs script', async () => {
    const hrefs = (await page.evaluate('[...S.root().querySelectorAll("a[href]")].map((a) => a.getAttribute("href"))')) as string[];
    assert.ok(
      hrefs.every((href) => /^(https?:|blob:|#|\/)/.test(href)),
      hrefs.join(' '),
    );
  });

  test('arrow keys move focus between events, one tabbable at a time', async () => {
    await page.evaluate('S.root().querySelector("[data-event][tabindex=\\"0\\"]").focus()');
    const first = await page.evaluate('S.focused()');
    assert.ok(first);
    let moved: unknown = first;
    for (const key of ['ArrowDown', 'ArrowRight', 'ArrowUp', 'ArrowLeft'] as const) {
      await page.keyboard.press(key);
      moved = await page.evaluate('S.focused()');
      if (moved !== first) break;
    }
    assert.notEqual(moved, first, 'an arrow key moved the focus');
    assert.deepEqual(await page.evaluate('S.tabbable()'), [moved]);
  });

  test('another day: its events, and the live region says so', async () => {
    const before = (await page.evaluate('S.events().join()')) as string;
    await page.evaluate('S.root().querySelector(\'[role="tab"][data-day="2019-08-23"]\').click()');
    await waitForExpression(page, `S.events().join() !== ${JSON.stringify(before)} && S.events().length > 0`);
    assert.match((await page.evaluate('S.root().querySelector("[data-live]").textContent')) as string, /August 23: \d+ events/);
  });

  test("the visitor's time zone, and back", async () => {
    const times = () => page.evaluate('[...S.root().querySelectorAll("[data-event] .time")].map((time) => time.textContent).join("|")') as Promise<string>;
    const festivalTimes = await times();
    await page.evaluate('S.root().querySelector(\'[data-zone="local"]\').click()');
    await waitForExpression(page, 'S.root().querySelector(\'[data-zone="local"]\').getAttribute("aria-pressed") === "true"');
    // Firefox here runs in UTC, two hours behind Berlin's summer time.
    assert.notEqual(await times(), festivalTimes);
    await page.evaluate('S.root().querySelector(\'[data-zone="festival"]\').click()');
    await waitForExpression(
      page,
      `[...S.root().querySelectorAll("[data-event] .time")].map((time) => time.textContent).join("|") === ${JSON.stringify(festivalTimes)}`,
    );
  });

  test('favourites are kept in the browser', async () => {
    const id = (await page.evaluate('S.events()[0]')) as string;
    await page.evaluate(`S.root().querySelector('[data-favourite="${id}"]').click()`);
    await waitForExpression(
      page,
      `Object.keys(localStorage).some((key) => key.startsWith('panda-kit:favourites:') && localStorage.getItem(key).includes(${JSON.stringify(id)}))`,
    );
  });

  test('axe finds no violations', async () => {
    const violations = (await page.evaluate(
      'axe.run(document.querySelector("panda-schedule"), { rules: { region: { enabled: false } } }).then((results) => results.violations.map((item) => item.id + ": " + item.nodes.length))',
    )) as string[];
    assert.deepEqual(violations, []);
  });

  for (const width of [320, 390, 768, 1366]) {
    test(`at ${width} px: the pressed view button is the view on screen, titles have room, the export menu stays inside`, async () => {
      await setViewport(page, width, 900);
      await waitForExpression(page, `S.root().querySelector('.base').classList.contains('narrow') === ${width < 600}`);
      await page.evaluate(`S.root().querySelector('[data-view="list"]').click()`);
      await waitForExpression(page, `S.shown() === 'list'`);
      assert.equal(await page.evaluate('S.pressed()'), 'list');
      assert.ok(((await page.evaluate(`S.root().querySelectorAll('.list > li .what').length`)) as number) > 5, 'the day in the list');
      assert.deepEqual(await page.evaluate('S.narrowTitles()'), []);
      assert.deepEqual(await page.evaluate('S.menuOutside()'), []);
      await page.evaluate(`S.root().querySelector('[data-view="grid"]').click()`);
      if (width < 600) {
        // The grid does not fit a phone: the list stays, and the button says why.
        assert.equal(await page.evaluate(`S.root().querySelector('[data-view="grid"]').getAttribute('aria-disabled')`), 'true');
        assert.equal(await page.evaluate('S.shown()'), 'list');
      } else await waitForExpression(page, `S.shown() === 'grid'`);
      assert.equal(await page.evaluate('S.pressed()'), await page.evaluate('S.shown()'));
      const violations = (await page.evaluate(
        'axe.run(document.querySelector("panda-schedule"), { rules: { region: { enabled: false } } }).then((results) => results.violations.map((item) => item.id + ": " + item.nodes.length))',
      )) as string[];
      assert.deepEqual(violations, []);
    });
  }
});
