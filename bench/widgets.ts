/**
 * `<panda-schedule>` in headless Chromium: a schedule of 1,000 events (4 days, 12 rooms),
 * and one of 5,000 (a big congress), from a static frab/c3voc JSON file, loaded from the
 * built bundle (dist/widgets/panda-widgets.js). Measured in the page: from adding the element
 * to the day's events on screen (fetch and parse included), from a click on another day's
 * tab to that day's events on screen, and the longest task meanwhile (PerformanceObserver,
 * longtask). Next to it, the bundle's size beside pretalx's schedule widget.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ROOT } from '../test/peer/support.js';
import { buildWidgets } from '../scripts/build-widgets.js';
import { exportFrabJson } from '../widgets/lib/export-frab.js';
import type { ScheduleData, ScheduleEvent } from '../widgets/lib/schedule-data.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
/** Event counts, each with its targets (issue 14): the first reported against them, the others reported. */
const SIZES = [
  { events: 1000, rooms: 12, firstRender: 100, daySwitch: 50, longTask: 50 },
  // 21 slots of 45 minutes a day in each room, as in the smaller one.
  { events: 5000, rooms: 60, firstRender: 100, daySwitch: 50, longTask: 50 },
];
const DAYS = 4;
const RUNS = 7;
/**
 * pretalx's schedule widget as it last shipped (src/pretalx/static/agenda/js/
 * pretalx-schedule.min.js at pretalx f493e22ba, May 2026, before pretalx dropped the file),
 * measured once here: bytes minified, and gzipped at level 9 like ours below.
 */
const PRETALX = { minified: 498_045, gzipped: 166_173 };

function bigSchedule(count: number, rooms: number): ScheduleData {
  const start = Date.UTC(2026, 6, 1, 7); // 09:00 in Berlin
  const locations = Array.from({ length: rooms }, (_, i) => ({ id: `room-${i}`, name: `Room ${i + 1}`, kind: 'location' }));
  const events: ScheduleEvent[] = Array.from({ length: count }, (_, i) => {
    const day = i % DAYS;
    const slot = Math.floor(i / DAYS / rooms);
    const begin = start + day * 86_400_000 + slot * 45 * 60_000;
    return {
      id: `event-${i}`,
      title: `Session ${i}: ${['Soldering', 'Compost', 'Mesh networks', 'Choir', 'Bread'][i % 5]}`,
      description: 'Come along, everyone is welcome.',
      start: begin,
      end: begin + 40 * 60_000,
      festivalId: 'bench',
      festivalName: 'Bench festival',
      locationIds: [`room-${Math.floor(i / DAYS) % rooms}`],
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

interface Measured {
  first: number;
  count: number;
  switch: number;
  longest: number;
}

async function measure(origin: string, events: number): Promise<{ first: number; switch: number; longest: number; shown: number }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const runs: Measured[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await tab.goto(origin);
      await tab.waitForFunction("customElements.get('panda-schedule') !== undefined");
      // In the page, as expressions: the times are the page's own.
      runs.push(
        await tab.evaluate<Measured>(`(async () => {
        const longest = { value: 0 };
        const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) longest.value = Math.max(longest.value, entry.duration); });
        observer.observe({ type: 'longtask' });
        const events = (root) => root.querySelectorAll('[data-event]').length;
        const until = (test) => new Promise((resolve) => { const check = () => (test() ? resolve() : requestAnimationFrame(check)); check(); });
        const element = document.createElement('panda-schedule');
        element.setAttribute('src', '/schedule-${events}.json');
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
        const done = performance.now() - switched;
        // Long tasks are reported after they end: one more frame for the last.
        await new Promise((resolve) => setTimeout(resolve, 50));
        observer.disconnect();
        return { first, count, switch: done, longest: longest.value };
      })()`),
      );
      await tab.close();
    }
  } finally {
    await browser.close();
  }
  return {
    first: median(runs.map((run) => run.first)),
    switch: median(runs.map((run) => run.switch)),
    longest: median(runs.map((run) => run.longest)),
    shown: runs[0]!.count,
  };
}

const beside = (value: number, target: number) => `${value.toFixed(0)} ms | ${value <= target ? 'within' : 'over'} ${target} ms`;

export async function run(): Promise<void> {
  await buildWidgets({ root: ROOT });
  const bundle = readFileSync(join(ROOT, 'dist/widgets/panda-widgets.js'));
  const schedules = new Map(SIZES.map((size) => [`/schedule-${size.events}.json`, JSON.stringify(exportFrabJson(bigSchedule(size.events, size.rooms)))]));
  const page = `<!doctype html><meta charset="utf-8"><script type="module" src="/panda-widgets.js"></script><body></body>`;
  const server = createServer((request, response) => {
    const schedule = schedules.get(request.url ?? '');
    if (request.url === '/') response.setHeader('content-type', 'text/html').end(page);
    else if (request.url === '/panda-widgets.js') response.setHeader('content-type', 'text/javascript').end(bundle);
    else if (schedule) response.setHeader('content-type', 'application/json').end(schedule);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    for (const size of SIZES) {
      const load = loadavg()[0]!.toFixed(1);
      const figures = await measure(origin, size.events);
      const kib = Math.round(schedules.get(`/schedule-${size.events}.json`)!.length / 1024);
      console.log(
        `\n## <panda-schedule>: ${size.events} events, ${DAYS} days, ${size.rooms} rooms (frab JSON, ${kib} KiB), headless Chromium, load average ${load}`,
      );
      console.log(`| | median of ${RUNS} | target |`);
      console.log('|---|---|---|');
      console.log(
        `| first render (element added -> a day's ${figures.shown} events on screen, fetch and parse included) | ${beside(figures.first, size.firstRender)} |`,
      );
      console.log(`| switch day (another day's tab clicked -> its events on screen) | ${beside(figures.switch, size.daySwitch)} |`);
      console.log(`| longest task meanwhile | ${beside(figures.longest, size.longTask)} |`);
    }
  } finally {
    server.close();
  }
  const gzip = gzipSync(bundle, { level: 9 }).length;
  console.log(`\n| panda-widgets.js | ${(bundle.length / 1024).toFixed(1)} KB minified, ${(gzip / 1024).toFixed(1)} KB gzipped |`);
  console.log(
    `| pretalx schedule widget (pretalx-schedule.min.js) | ${(PRETALX.minified / 1024).toFixed(1)} KB minified, ${(PRETALX.gzipped / 1024).toFixed(1)} KB gzipped (${(PRETALX.gzipped / gzip).toFixed(1)}x ours) |`,
  );
}
