/**
 * `panda serve --http`: a Node peer holding the demo festival (demo/seed.ts) serves its feeds
 * on an ephemeral port. ical.js reads the iCalendar feed, Ajv and the XSD validate the frab
 * ones; an event replicated into the peer (over a memory link, the same sync as WebRTC)
 * appears in the next fetch under a new ETag; conditional requests, HEAD, CORS, and the
 * answers to what is not a feed (404, 400, 405, 413); SEQUENCE and the body survive a restart.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { FestivalNode, hashingReady, isPandaError, KeyPair, MemoryStore, memoryLink } from '../../core/index.js';
import { run } from '../../cli/panda.js';
import { seedDemoFestival, type DemoFestival } from '../../demo/seed.js';
import { DataDir } from '../../node/data-dir.js';
import { FestivalFeeds } from '../../node/feeds.js';
import { NodePeer } from '../../node/node-peer.js';
import { festivalSchedule } from '../../node/schedule-export.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { FestivalPeer } from '../../peer/index.js';
import { eventStatus } from '../../widgets/lib/filter.js';
import { freePort, releaseNodeDataChannel } from '../peer/support.js';
import { frabJsonValidator, frabXmlErrors } from '../widgets/frab-validators.js';

const UNKNOWN = `0020${'ab'.repeat(32)}`;
const STATUS = { confirmed: 'CONFIRMED', pending: 'TENTATIVE', denied: 'CANCELLED' } as const;

/** A request with the path as given (fetch would resolve dot segments and escapes first). */
function raw(
  base: string,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    // Node's client frames no GET body of its own accord: the length is said here.
    const headers = body === undefined ? {} : { 'Content-Length': Buffer.byteLength(body) };
    const outgoing = request(`${base}/`, { method, path, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function readCalendar(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  const events = calendar.getAllSubcomponents('vevent').map((component) => ({ event: new ICAL.Event(component), component }));
  return { calendar, events };
}

describe('panda serve --http: live schedule feeds', () => {
  let dir: string;
  let demo: DemoFestival;
  let peer: NodePeer;
  let base: string;
  let visitor: FestivalPeer | undefined;
  const ics = () => `${base}/festivals/${demo.festivalId}.ics`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panda-feeds-'));
    await hashingReady();
    const data = new DataDir(dir);
    const store = new SqliteStore(data.databasePath);
    demo = await seedDemoFestival(new FestivalNode(store), { firstDay: '2026-10-23' });
    store.close();
    data.join(demo.festivalId);
    peer = await NodePeer.open({ dataDir: dir, signaling: [], statusInterval: 0, watchInterval: 0, http: { port: 0 } });
    base = peer.feedServer!.url;
  });

  after(async () => {
    visitor?.close();
    await peer.close();
    releaseNodeDataChannel();
    ICAL.TimezoneService.reset();
    rmSync(dir, { recursive: true, force: true });
  });

  test('listens on 127.0.0.1 by default', () => assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/));

  test('/festivals lists every festival held, with the paths of its feeds', async () => {
    const response = await fetch(`${base}/festivals`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), '*');
    const { festivals } = (await response.json()) as { festivals: Array<{ id: string; name: string; parent?: string; feeds: Record<string, string> }> };
    const main = festivals.find((festival) => festival.id === demo.festivalId)!;
    assert.equal(main.name, 'Hoffnung 3000');
    assert.deepEqual(main.feeds, {
      ics: `/festivals/${demo.festivalId}.ics`,
      json: `/festivals/${demo.festivalId}.json`,
      xml: `/festivals/${demo.festivalId}.xml`,
    });
    assert.equal(festivals.find((festival) => festival.id === demo.kidsFestivalId)?.parent, demo.festivalId);
  });

  test('the iCalendar feed: every event, its zone, stable UIDs, status as the widgets say it', async () => {
    const response = await fetch(ics());
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'text/calendar;charset=utf-8');
    assert.equal(response.headers.get('cache-control'), 'public, max-age=60');
    assert.match(response.headers.get('etag')!, /^"[\w-]{43}"$/);
    assert.ok(Date.parse(response.headers.get('last-modified')!) <= Date.now());
    const { calendar, events } = readCalendar(await response.text());
    assert.equal(calendar.getFirstPropertyValue('x-wr-calname'), 'Hoffnung 3000');
    assert.ok(calendar.getFirstProperty('refresh-interval'));
    assert.deepEqual(events.map(({ event }) => event.summary).sort(), [...demo.events].sort());
    assert.equal(new Set(events.map(({ event }) => event.uid)).size, events.length);
    const opening = events.find(({ event }) => event.summary === 'Opening: welcome to Hoffnung 3000')!;
    assert.equal(opening.component.getFirstProperty('dtstart')?.getParameter('tzid'), 'Europe/Berlin');
    assert.equal(opening.event.startDate.toJSDate().toISOString(), '2026-10-23T14:00:00.000Z');
    const schedule = festivalSchedule(await peer.node.model(), demo.festivalId)!;
    for (const { event, component } of events) {
      const original = schedule.events.find((item) => `${item.id}@pandakit` === event.uid)!;
      assert.equal(component.getFirstPropertyValue('status'), STATUS[eventStatus(original)], original.title);
      assert.equal(event.sequence, 0);
      assert.ok(component.getFirstProperty('last-modified'));
    }
    assert.ok(
      events.some(({ component }) => component.getFirstPropertyValue('status') === 'CANCELLED'),
      'the demo has declined events',
    );
  });

  test('frab JSON valid against the c3voc schema, frab XML against the XSD', async () => {
    const json = await fetch(`${base}/festivals/${demo.festivalId}.json`);
    assert.equal(json.headers.get('content-type'), 'application/json;charset=utf-8');
    const body = (await json.json()) as { schedule: { conference: { title: string; days: Array<{ rooms: Record<string, Array<{ title: string }>> }> } } };
    const validate = frabJsonValidator();
    assert.ok(validate(body), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
    const titles = body.schedule.conference.days.flatMap((day) => Object.values(day.rooms).flatMap((events) => events.map((event) => event.title)));
    assert.deepEqual(titles.sort(), [...demo.events].sort());
    const xml = await fetch(`${base}/festivals/${demo.festivalId}.xml`);
    assert.equal(xml.headers.get('content-type'), 'application/xml;charset=utf-8');
    assert.deepEqual(await frabXmlErrors(await xml.text()), []);
    const kids = await fetch(`${base}/festivals/${demo.kidsFestivalId}.xml`);
    assert.deepEqual(await frabXmlErrors(await kids.text()), []);
  });

  test('conditional requests answer 304; HEAD gives the headers alone', async () => {
    const first = await fetch(ics());
    const etag = first.headers.get('etag')!;
    const length = first.headers.get('content-length');
    assert.equal(Number(length), Buffer.byteLength(await first.text()));
    assert.equal((await fetch(ics())).headers.get('etag'), etag, 'the same bytes between changes');
    for (const validator of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await fetch(ics(), { headers: { 'If-None-Match': validator } });
      assert.equal(response.status, 304, validator);
      assert.equal(response.headers.get('etag'), etag);
      assert.equal(await response.text(), '');
    }
    assert.equal((await fetch(ics(), { headers: { 'If-None-Match': '"other"' } })).status, 200);
    assert.equal((await fetch(ics(), { headers: { 'If-Modified-Since': first.headers.get('last-modified')! } })).status, 304);
    assert.equal((await fetch(ics(), { headers: { 'If-Modified-Since': new Date(0).toUTCString() } })).status, 200);
    const head = await raw(base, 'HEAD', `/festivals/${demo.festivalId}.ics`);
    assert.equal(head.status, 200);
    assert.equal(head.headers['etag'], etag);
    assert.equal(head.headers['content-length'], length);
    assert.equal(head.text, '');
  });

  test('one event alone, for "add to my calendar"', async () => {
    const schedule = festivalSchedule(await peer.node.model(), demo.festivalId)!;
    const opening = schedule.events.find((event) => event.title === 'Opening: welcome to Hoffnung 3000')!;
    const response = await fetch(`${base}/festivals/${demo.festivalId}/events/${opening.id}.ics`);
    assert.equal(response.status, 200);
    const { calendar, events } = readCalendar(await response.text());
    assert.equal(calendar.getFirstPropertyValue('x-wr-calname'), null);
    assert.deepEqual(
      events.map(({ event }) => [event.uid, event.summary, event.startDate.toJSDate().toISOString()]),
      [[`${opening.id}@pandakit`, opening.title, '2026-10-23T14:00:00.000Z']],
    );
    assert.equal((await fetch(`${base}/festivals/${demo.festivalId}/events/${UNKNOWN}.ics`)).status, 404);
  });

  test('what is not a feed: 404 for festivals not held, 400 for malformed paths, 405, 413, OPTIONS', async () => {
    for (const format of ['ics', 'json', 'xml']) {
      const response = await raw(base, 'GET', `/festivals/${UNKNOWN}.${format}`);
      assert.equal(response.status, 404);
      assert.match(response.text, /^not found/);
      assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    }
    assert.equal((await raw(base, 'GET', '/')).status, 404);
    const id = demo.festivalId;
    for (const path of [
      '/festivals/xyz.ics',
      `/festivals/${id}.pdf`,
      `/festivals/${id.toUpperCase()}.ics`,
      `/festivals/${id}.ics/more`,
      `/festivals/${id}`,
      '/festivals/../etc/passwd',
      `/festivals/%2e%2e/${id}.ics`,
      `/festivals/./${id}.ics`,
      `/festivals/${id}/events/nope.ics`,
      `/festivals/${'a'.repeat(600)}.ics`,
    ]) {
      const response = await raw(base, 'GET', path);
      assert.equal(response.status, 400, path);
      assert.match(response.text, /^bad request: /);
    }
    assert.equal((await raw(base, 'GET', `/festivals/${id}.ics?calendar=1`)).status, 200, 'a query is ignored');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const response = await raw(base, method, `/festivals/${id}.ics`, 'x');
      assert.equal(response.status, 405, method);
      assert.equal(response.headers['allow'], 'GET, HEAD, OPTIONS');
    }
    assert.equal((await raw(base, 'GET', `/festivals/${id}.ics`, 'a body')).status, 413);
    const options = await raw(base, 'OPTIONS', `/festivals/${id}.ics`);
    assert.equal(options.status, 204);
    assert.equal(options.headers['access-control-allow-origin'], '*');
  });

  test('an event replicated into the peer is in the next fetch, under a new ETag; its edit raises SEQUENCE', async () => {
    const before = await fetch(ics());
    const etag = before.headers.get('etag')!;
    const node = new FestivalNode(new MemoryStore());
    visitor = await FestivalPeer.open({ store: node.store, node, festivals: [{ festivalId: demo.festivalId }] });
    const [mine, theirs] = memoryLink('server', 'visitor');
    peer.replicator.connect(mine);
    visitor.replicator.connect(theirs);
    const until = async (condition: () => Promise<boolean>, what: string) => {
      const deadline = Date.now() + 20_000;
      while (!(await condition())) {
        assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(async () => (await node.model()).festivals.has(demo.festivalId), 'the festival at the visitor');
    const author = new KeyPair();
    const start = Date.parse('2026-10-24T10:00:00Z') / 1000;
    const { hash: eventId } = await node.createEvent(author, { festival: demo.festivalId, title: 'Late addition', start, end: start + 3600 });
    const uid = `${eventId}@pandakit`;
    const fetchEvent = async () => {
      const response = await fetch(ics());
      const found = readCalendar(await response.text()).events.find(({ event }) => event.uid === uid);
      return { response, found };
    };
    await until(async () => (await fetchEvent()).found !== undefined, 'the new event in the feed');
    const { response, found } = await fetchEvent();
    assert.notEqual(response.headers.get('etag'), etag);
    assert.equal(found!.event.summary, 'Late addition');
    assert.equal(found!.event.sequence, 0);
    assert.equal((await fetch(ics(), { headers: { 'If-None-Match': etag } })).status, 200, 'the old ETag is stale');

    await node.update(author, eventId, { title: 'Late addition, moved' });
    await until(async () => (await fetchEvent()).found?.event.summary === 'Late addition, moved', 'the edit in the feed');
    const edited = (await fetchEvent()).found!;
    assert.equal(edited.event.sequence, 1);
    const opening = readCalendar(await (await fetch(ics())).text()).events.find(({ event }) => event.summary.startsWith('Opening'))!;
    assert.equal(opening.event.sequence, 0, 'the other events stay as they were');
  });

  test('festivals can be kept out (those joined with a secret)', async () => {
    const feeds = new FestivalFeeds(peer.node, { hidden: (id) => id === demo.festivalId });
    assert.equal(await feeds.festival(demo.festivalId, 'ics'), undefined);
    assert.equal(await feeds.festival(demo.kidsFestivalId, 'json'), undefined, 'nested in a hidden one');
    assert.deepEqual(JSON.parse((await feeds.index()).body.toString()), { festivals: [] });
  });

  test('after a restart: the same body, the same SEQUENCE (feeds.json)', async () => {
    const before = await fetch(ics());
    const text = await before.text();
    visitor?.close();
    visitor = undefined;
    await peer.close();
    peer = await NodePeer.open({ dataDir: dir, signaling: [], statusInterval: 0, watchInterval: 0, http: { port: 0 } });
    base = peer.feedServer!.url;
    const after = await fetch(ics());
    assert.equal(after.headers.get('etag'), before.headers.get('etag'));
    assert.equal(after.headers.get('last-modified'), before.headers.get('last-modified'));
    assert.equal(await after.text(), text);
  });

  test('the command: panda serve --http PORT [--host HOST], wrong calls are CLI_USAGE', async () => {
    const usage = (error: unknown) => isPandaError(error, 'CLI_USAGE');
    await assert.rejects(
      run(['serve', '--http', 'x', '--data', dir], () => {}),
      usage,
    );
    await assert.rejects(
      run(['serve', '--host', '0.0.0.0', '--data', dir], () => {}),
      usage,
    );
    const other = mkdtempSync(join(tmpdir(), 'panda-feeds-cli-'));
    const port = await freePort();
    const stop = new AbortController();
    const lines: string[] = [];
    const serving = run(
      ['serve', '--data', other, '--http', String(port), '--signaling', 'ws://127.0.0.1:9'],
      (line) => lines.push(line),
      stop.signal,
      () => {},
    );
    try {
      const deadline = Date.now() + 20_000;
      while (!lines.some((line) => line.startsWith('feeds: '))) {
        assert.ok(Date.now() < deadline, lines.join('\n'));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(lines.includes(`feeds: http://127.0.0.1:${port}/festivals`));
      assert.deepEqual(await (await fetch(`http://127.0.0.1:${port}/festivals`)).json(), { festivals: [] });
      // The port is taken now: a second server says so in one line.
      await assert.rejects(
        NodePeer.open({ dataDir: join(other, 'second'), signaling: [], statusInterval: 0, watchInterval: 0, http: { port } }),
        (error: unknown) => isPandaError(error, 'HTTP_LISTEN_FAILED'),
      );
    } finally {
      stop.abort();
      assert.equal(await serving, 0);
      rmSync(other, { recursive: true, force: true });
    }
  });
});
