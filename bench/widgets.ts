/**
 * `<panda-schedule>` in headless Chromium: a schedule of 1,000 events (4 days, 12 rooms)
 * from a static frab/c3voc JSON file, loaded from the built bundle
 * (dist/widgets/panda-widgets.js). Measured in the page: from adding the element to the
 * day's events on screen (fetch and parse included), and from a click on another
 * day's tab to that day's events on screen. Next to it, the bundle's size beside pretalx's
 * schedule widget.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ROOT } from '../test/peer/support.js';
import { buildWidgets } from '../scripts/build-widgets.js';
import { exportFrabJson } from '../widgets/lib/export-frab.js';
import type { ScheduleData, ScheduleEvent } from '../widgets/lib/schedule-data.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const EVENTS = 1000;
const DAYS = 4;
const ROOMS = 12;
const RUNS = 7;
/**
 * pretalx's schedule widget as it last shipped (src/pretalx/static/agenda/js/
 * pretalx-schedule.min.js at pretalx f493e22ba, May 2026, before pretalx dropped the file),
 * measured once here: bytes minified, and gzipped at level 9 like ours below.
 */
const PRETALX = { minified: 498_045, gzipped: 166_173 };

function bigSchedule(): ScheduleData {
  const start = Date.UTC(2026, 6, 1, 7); // 09:00 in Berlin
  const locations = Array.from({ length: ROOMS }, (_, i) => ({ id: `room-${i}`, name: `Room ${i + 1}`, kind: 'location' }));
  const events: ScheduleEvent[] = Array.from({ length: EVENTS }, (_, i) => {
    const day = i % DAYS;
    const slot = Math.floor(i / DAYS / ROOMS);
    const begin = start + day * 86_400_000 + slot * 45 * 60_000;
    return {
      id: `event-${i}`,
      title: `Session ${i}: ${['Soldering', 'Compost', 'Mesh networks', 'Choir', 'Bread'][i % 5]}`,
      description: 'Come along, everyone is welcome.',
      start: begin,
      end: begin + 40 * 60_000,
      festivalId: 'bench',
      festivalName: 'Bench festival',
      locationIds: [`room-${Math.floor(i / DAYS) % ROOMS}`],
      resources: [],
      confirmed: 0,
      requested: 0,
      confirmation: 1,
      persons: [],
      links: [],
    };
  });
  const festival = { id: 'bench', name: 'Bench festival', description: '', timezone: 'Europe/Berlin', start, end: start + DAYS * 86_400_000 };
  return { festival, festivals: [festival], locations, events, source: 'frab', readOnly: true };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<void> {
  await buildWidgets({ root: ROOT });
  const bundle = readFileSync(join(ROOT, 'dist/widgets/panda-widgets.js'));
  const schedule = JSON.stringify(exportFrabJson(bigSchedule()));
  const page = `<!doctype html><meta charset="utf-8"><script type="module" src="/panda-widgets.js"></script><body></body>`;
  const server = createServer((request, response) => {
    if (request.url === '/') response.setHeader('content-type', 'text/html').end(page);
    else if (request.url === '/panda-widgets.js') response.setHeader('content-type', 'text/javascript').end(bundle);
    else if (request.url === '/schedule.json') response.setHeader('content-type', 'application/json').end(schedule);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const firstRender: number[] = [];
  const daySwitch: number[] = [];
  let shown = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await tab.goto(origin);
      await tab.waitForFunction("customElements.get('panda-schedule') !== undefined");
      // In the page, as expressions: the times are the page's own.
      const measured = (await tab.evaluate(`(async () => {
        const events = (root) => root.querySelectorAll('[data-event]').length;
        const until = (test) => new Promise((resolve) => { const check = () => (test() ? resolve() : requestAnimationFrame(check)); check(); });
        const element = document.createElement('panda-schedule');
        element.setAttribute('src', '/schedule.json');
        element.setAttribute('view', 'grid');
        element.setAttribute('no-deep-links', '');
        element.setAttribute('day', '2026-07-02');
        const started = performance.now();
        document.body.append(element);
        await until(() => element.shadowRoot && events(element.shadowRoot) > 0);
        const first = performance.now() - started;
        const count = events(element.shadowRoot);
        const firstEvent = element.shadowRoot.querySelector('[data-event]').dataset.event;
        const tabs = [...element.shadowRoot.querySelectorAll('[role="tab"]')];
        const selected = tabs.findIndex((tab) => tab.getAttribute('aria-selected') === 'true');
        const next = tabs[selected + 1] ?? tabs[selected - 1];
        const switched = performance.now();
        next.click();
        await until(() => events(element.shadowRoot) > 0 && element.shadowRoot.querySelector('[data-event]').dataset.event !== firstEvent);
        return { first, count, days: tabs.length, switch: performance.now() - switched };
      })()`)) as { first: number; count: number; days: number; switch: number };
      firstRender.push(measured.first);
      daySwitch.push(measured.switch);
      shown = measured.count;
      await tab.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
  const gzip = gzipSync(bundle, { level: 9 }).length;
  console.log(`\n## <panda-schedule>: ${EVENTS} events, ${DAYS} days, ${ROOMS} rooms (frab JSON, ${Math.round(schedule.length / 1024)} KiB), headless Chromium`);
  console.log('| | median of 7 |');
  console.log('|---|---|');
  console.log(`| first render (element added -> a day's ${shown} events on screen, fetch and parse included) | ${median(firstRender).toFixed(0)} ms |`);
  console.log(`| switch day (another day's tab clicked -> its events on screen) | ${median(daySwitch).toFixed(0)} ms |`);
  console.log(`| panda-widgets.js | ${(bundle.length / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzipped |`);
  console.log(`| pretalx schedule widget (pretalx-schedule.min.js) | ${(PRETALX.minified / 1024).toFixed(1)} KB minified, ${(PRETALX.gzipped / 1024).toFixed(1)} KB gzipped (${(PRETALX.gzipped / gzip).toFixed(1)}x ours) |`);
}
