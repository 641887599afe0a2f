/**
 * `panda archive`: a festival (the real camp2019 schedule imported, and an event of someone
 * else's) becomes a static directory whose files validate — the frab JSON against the c3voc
 * schema (Ajv), schedule.xml against its XSD (libxml2), the iCalendar file read by ical.js —
 * whose page has a strict Content Security Policy and no inline script, and whose bundle,
 * imported into a fresh Node peer, gives the same schedule, event by event. Headless
 * Chromium opening it from a static server shows the events in <panda-schedule>; from
 * file:// (where Chromium runs no module) the page's own list shows them. Wrong calls: one
 * line with a stable code.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ICAL from 'ical.js';
import { chromium, type Browser } from 'playwright-core';
import { FestivalNode, hashingReady, isHash, isPandaError, KeyPair, type Hash } from '../../core/index.js';
import { run } from '../../cli/panda.js';
import { ARCHIVE_CSP } from '../../node/archive-page.js';
import { DataDir } from '../../node/data-dir.js';
import { festivalSchedule } from '../../node/schedule-export.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { frabJsonValidator, frabXmlErrors } from '../widgets/frab-validators.js';
import { SCHEDULES } from '../widgets/support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WIDGETS = join(ROOT, 'dist/widgets');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CAMP = join(SCHEDULES, 'frab-camp2019.json');

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'panda-archive-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function panda(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const code = await run(
    args,
    (line) => lines.push(line),
    undefined,
    () => {},
  );
  assert.equal(code, 0, lines.join('\n'));
  return lines;
}

/** The schedule of `festival` in `dir`, event by event, as the model gives it. */
async function scheduleIn(dir: string, festival: Hash) {
  await hashingReady();
  const store = new SqliteStore(new DataDir(dir).databasePath);
  try {
    const schedule = festivalSchedule(await new FestivalNode(store).model(), festival)!;
    return {
      name: schedule.festival.name,
      events: schedule.events.map((event) => ({
        id: event.id,
        title: event.title,
        start: event.start,
        end: event.end,
        locations: event.locationIds.map((id) => schedule.locations.find((location) => location.id === id)?.name),
        confirmation: event.confirmation,
      })),
    };
  } finally {
    store.close();
  }
}

describe('panda archive', () => {
  let data: string;
  let festival: Hash;
  let out: string;
  let wrote: string;

  before(async () => {
    if (!existsSync(join(WIDGETS, 'panda-widgets.js'))) await buildWidgets({ root: ROOT });
    data = tempDir();
    const lines = await panda('import-schedule', CAMP, '--create', '--data', data);
    festival = lines[0] as Hash;
    assert.ok(isHash(festival));
    // Someone else's event too: the bundle holds every author's log, not only the peer's.
    await hashingReady();
    const store = new SqliteStore(new DataDir(data).databasePath);
    const node = new FestivalNode(store);
    const start = (await node.model()).festivals.get(festival)!.start;
    const visitor = new KeyPair();
    await node.createProfile(visitor, { name: 'Visitor' });
    await node.createEvent(visitor, { festival, title: 'Picnic <with> "friends"', start: start + 3600, end: start + 7200 });
    store.close();
    out = join(tempDir(), 'site');
    const began = performance.now();
    wrote = (await panda('archive', '--festival', festival, '--out', out, '--data', data))[0]!;
    console.log(`# archive written in ${Math.round(performance.now() - began)} ms: ${wrote}`);
  });

  test('the files are there and validate: c3voc JSON (Ajv), schedule.xml (XSD), iCalendar (ical.js)', async () => {
    const files = readdirSync(out).sort();
    assert.deepEqual(files, ['chunks', 'festival.panda-bundle', 'index.html', 'panda-widgets.js', 'schedule.ics', 'schedule.json', 'schedule.xml']);
    assert.deepEqual(readdirSync(join(out, 'chunks')).sort(), readdirSync(join(WIDGETS, 'chunks')).sort());
    assert.match(wrote, new RegExp(`^wrote \\d+ files, [\\d.]+ KB, to ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 80 events; the bundle [\\d.]+ KB$`));

    const json = JSON.parse(readFileSync(join(out, 'schedule.json'), 'utf8')) as {
      schedule: { conference: { days: Array<{ rooms: Record<string, unknown[]> }> } };
    };
    const validate = frabJsonValidator();
    assert.ok(validate(json), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.equal(json.schedule.conference.days.flatMap((day) => Object.values(day.rooms).flat()).length, 80);
    assert.deepEqual(await frabXmlErrors(readFileSync(join(out, 'schedule.xml'), 'utf8')), []);
    const calendar = new ICAL.Component(ICAL.parse(readFileSync(join(out, 'schedule.ics'), 'utf8')) as unknown[]);
    const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component).summary);
    assert.equal(events.length, 80);
    assert.ok(events.includes('Picnic <with> "friends"'));
  });

  test('the page: a strict CSP, no inline script, <panda-schedule src> on the JSON, the texts escaped', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    assert.equal(csp, ARCHIVE_CSP);
    assert.match(csp, /(^|; )script-src 'self'(;|$)/);
    assert.match(csp, /(^|; )default-src 'none'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval|wasm-unsafe-eval|script-src[^;]*unsafe-inline/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.deepEqual(
      scripts.map(([, attributes, body]) => [attributes, body]),
      [[' type="module" src="panda-widgets.js"', '']],
    );
    assert.doesNotMatch(html, /\son\w+=/, 'no event handler attributes');
    // camp2019 is over: the page opens on its first day.
    assert.match(html, /<panda-schedule src="schedule.json" day="2019-08-21">/);
    assert.match(html, /Picnic &#60;with&#62; &#34;friends&#34;/);
    assert.doesNotMatch(html, /Picnic <with>/);
    for (const name of ['schedule.json', 'schedule.xml', 'schedule.ics', 'festival.panda-bundle']) assert.match(html, new RegExp(`href="${name}"`));
  });

  test('its bundle imported into a fresh Node peer gives the same schedule, event by event', async () => {
    const fresh = tempDir();
    const [line] = await panda('import', join(out, 'festival.panda-bundle'), '--join', '--data', fresh);
    assert.match(line!, /^stored \d+, already held 0, waiting 0, ignored 0, rejected 0$/);
    const original = await scheduleIn(data, festival);
    assert.equal(original.events.length, 80);
    assert.deepEqual(await scheduleIn(fresh, festival), original);
    assert.ok(new DataDir(fresh).config().festivals.some((setting) => setting.id === festival));
  });

  describe('in headless Chromium', { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` }, () => {
    let browser: Browser;
    let server: Server;
    const TYPES: Record<string, string> = {
      '.html': 'text/html;charset=utf-8',
      '.js': 'text/javascript',
      '.json': 'application/json',
      '.xml': 'application/xml',
      '.ics': 'text/calendar',
    };

    before(async () => {
      // A static host: files as they are, no headers of its own beyond the type.
      server = createServer((request, response) => {
        const path = decodeURIComponent(new URL(request.url ?? '/', 'http://archive').pathname);
        const file = resolve(out, `.${path === '/' ? '/index.html' : path}`);
        if (!file.startsWith(out + sep) || !existsSync(file)) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(readFileSync(file));
      });
      await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    });
    after(async () => {
      await browser?.close();
      server?.close();
    });

    test('from a static server: <panda-schedule> shows the events, nothing breaks the policy', async () => {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      // The first day's titles, drawn by the widget (not the page's fallback list).
      const json = JSON.parse(readFileSync(join(out, 'schedule.json'), 'utf8')) as {
        schedule: { conference: { days: Array<{ rooms: Record<string, Array<{ title: string }>> }> } };
      };
      const firstDay = Object.values(json.schedule.conference.days[0]!.rooms)
        .flat()
        .map((event) => event.title);
      assert.ok(firstDay.length > 0);
      const began = performance.now();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const shadowText = () => page.evaluate(() => document.querySelector('panda-schedule')?.shadowRoot?.textContent ?? '');
      const deadline = Date.now() + 30_000;
      while (!(await shadowText()).includes(firstDay[0]!)) {
        assert.ok(
          Date.now() < deadline,
          `the schedule did not show ${firstDay[0]}: ${(await shadowText()).replace(/\s+/g, ' ').slice(0, 1500)} ${problems.join(' ')}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      console.log(`# schedule shown ${Math.round(performance.now() - began)} ms after navigation`);
      const shadow = await shadowText();
      assert.match(shadow, /Chaos Communication Camp 2019/);
      for (const title of firstDay) assert.ok(shadow.includes(title), title);
      assert.deepEqual(problems, []);
      await page.close();
    });

    test('from file://: the page lists the schedule itself where the browser runs no module', async () => {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(join(out, 'index.html')).href);
      await page.getByText('Picnic <with> "friends"').first().waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('.fallback li').count(), 80);
      await page.close();
    });
  });

  test('wrong calls: one line with a stable code', async () => {
    const unwritable = join(tempDir(), 'file');
    writeFileSync(unwritable, 'not a directory');
    const unknown = `0020${'ab'.repeat(32)}`;
    const cases: Array<[string[], string, RegExp]> = [
      [['--out', tempDir()], 'CLI_FLAG_MISSING', /--festival is missing/],
      [['--festival', festival], 'CLI_FLAG_MISSING', /--out is missing/],
      [['--festival', 'x', '--out', tempDir()], 'CLI_FLAG_INVALID', /--festival "x" is not a document id/],
      [['--festival', unknown, '--out', tempDir()], 'CLI_NOT_FOUND', /--festival: no festival 0020abab/],
      [['--festival', festival, '--out', join(unwritable, 'site')], 'CLI_WRITE_FAILED', /--out: cannot write the archive into .*file\/site \(ENOTDIR\)/],
      [['--festival', festival, '--out', tempDir(), '--widgets', tempDir()], 'CLI_WIDGETS_MISSING', /holds no panda-widgets.js/],
      [['--festival', festival, '--out', tempDir(), '--zip'], 'CLI_USAGE', /Unknown option '--zip'/],
      [['--festival', festival, '--festival', festival, '--out', tempDir()], 'CLI_USAGE', /--festival is given 2 times/],
    ];
    for (const [args, code, message] of cases)
      await assert.rejects(
        run(['archive', ...args, '--data', data], () => {}),
        (error: unknown) => isPandaError(error) && error.code === code && message.test(error.message),
        `${args.join(' ')}: ${code} ${message}`,
      );
  });
});
