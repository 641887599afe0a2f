/**
 * Issue 20's random-meeting bot on the real network: Ana, in Chromium with the built
 * extension, creates a festival and two locations she decides on (manual) in the planner,
 * with a profile; Bo, a second participant on a Node peer of his own, receives it and adds an
 * event; a `panda serve --bot random-meetings ...` child process (its own identity and data
 * directory, a round a minute, three meetings a round) receives the festival over the
 * signaling server and WebRTC and arranges meetings between Ana and Bo. Ana's planner lists
 * the bot's meetings among the festival's events, her festival page's `<panda-schedule>` (the
 * share snippet) shows them on their days, her Requests tab and her popup show its
 * requests for her locations asked by the bot's profile name; the data Bo's peer replicated
 * shows the bot's profile says it is a bot and no location asked for twice at overlapping
 * times.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FestivalEvent, Hash } from '../../core/index.js';
import { NodePeer } from '../../node/node-peer.js';
import { waitFor } from '../node/demo-support.js';
import {
  createFestival,
  createResource,
  festivalSite,
  saveDefaultSignaling,
  setProfile,
  skip,
  tab,
  withExtension,
  type FestivalSite,
  type Person,
} from './e2e-planner-support.js';
import { builtExtension, ROOT } from './e2e-support.js';

/** Replication through the signaling server and WebRTC on a loaded machine; a round the bot may have to wait a minute for. */
const SYNC = 90_000;
const PER_ROUND = 3;
const LOCATIONS = ['Lake stage', 'Tea tent'];

/** `panda serve` in a child process, as an organiser runs it; its output lines as they come. */
function serve(args: string[]): { child: ChildProcess; lines: string[]; stop(): Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'serve', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => lines.push(`stderr: ${chunk.toString().trimEnd()}`));
  return {
    child,
    lines,
    /** SIGTERM, as a service manager stops it; resolves with the exit code (null if it had to be killed). */
    stop: () =>
      new Promise<number | null>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}

/** Today 00:00 UTC and three days later, as the festival form's `datetime-local` values. */
function festivalDays(): { start: string; end: string } {
  const day = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z').getTime();
  const input = (ms: number) => new Date(ms).toISOString().slice(0, 16);
  return { start: input(day), end: input(day + 3 * 24 * 3600 * 1000) };
}

describe('the random-meeting bot in panda serve, in a festival a Chromium page created', { skip, timeout: 300_000 }, () => {
  const dirs: string[] = [];
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `panda-kit-bot-${name}-`));
    dirs.push(dir);
    return dir;
  };
  let web: FestivalSite;
  let ana: Person;
  let bo: NodePeer | undefined;
  let node: ReturnType<typeof serve> | undefined;

  before(async () => {
    web = await festivalSite();
    ana = await withExtension('bot-ana', await builtExtension('chrome'));
  });
  after(async () => {
    await node?.stop();
    await bo?.close();
    await ana?.close().catch(() => undefined);
    await web?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('the bot arranges meetings: the planner lists them, the owner sees the requests, no location asked for twice at once', async (t) => {
    const began = performance.now();
    const planner = ana.planner;
    const { signaling, site } = web;
    await saveDefaultSignaling(planner, signaling.url);
    await setProfile(ana, 'Ana Organiser');
    await tab(planner, 'festivals');
    await planner.locator('[data-new-festival]').click();
    await createFestival(planner, { name: 'Bot Fest', ...festivalDays(), timezone: 'UTC' });
    const festival = (await planner.locator('li[data-festival][data-name="Bot Fest"]').getAttribute('data-festival')) as Hash;
    await planner.locator('[data-festival-choice]').selectOption(festival);
    await tab(planner, 'resources');
    for (const title of LOCATIONS) await createResource(planner, { kind: 'location', title, policy: 'manual' });

    // Bo takes part from a Node peer of his own: his profile and an event make him a participant.
    bo = await NodePeer.open({ dataDir: tempDir('bo'), signaling: [signaling.url], festivals: [festival], statusInterval: 0, watchInterval: 0 });
    const boPeer = bo;
    await waitFor(
      async () => [...(await boPeer.node.model()).resources.values()].filter((resource) => resource.festival === festival).length === LOCATIONS.length,
      'the festival and its locations replicated to Bo',
      SYNC,
    );
    const now = Math.floor(Date.now() / 1000);
    await bo.node.createProfile(bo.identity, { name: 'Bo Visitor' });
    await bo.node.createEvent(bo.identity, { festival, title: 'Welcome tea', start: now + 3600, end: now + 7200 });
    await tab(planner, 'events');
    await planner.locator('li[data-event][data-title="Welcome tea"]').waitFor({ timeout: SYNC });
    t.diagnostic(`festival, locations and both participants in place: ${Math.round(performance.now() - began)} ms`);

    // The always-on peer with the bot: short rounds so that the test sees one.
    const bot = ['random-meetings', '--festival', festival, '--every', '1m', '--per-round', String(PER_ROUND), '--duration', '30m'].join(' ');
    const serving = serve(['--data', tempDir('node'), '--signaling', signaling.url, '--bot', bot]);
    node = serving;
    const botStarted = performance.now();
    const arranged = () => serving.lines.filter((line) => line.startsWith('bot random-meetings: arranged '));
    await waitFor(async () => arranged().length >= PER_ROUND || serving.child.exitCode !== null, 'the bot’s first meetings', SYNC);
    assert.equal(arranged().length >= PER_ROUND, true, serving.lines.join('\n'));
    t.diagnostic(`the bot arranged ${arranged().length} meetings ${Math.round(performance.now() - botStarted)} ms after panda serve started`);
    const botKey = /^panda peer ([0-9a-f]{64})$/.exec(serving.lines[0] ?? '')?.[1];
    assert.ok(botKey, serving.lines.join('\n'));
    for (const line of arranged())
      assert.match(
        line,
        /^bot random-meetings: arranged "Random meeting: (Ana Organiser and Bo Visitor|Bo Visitor and Ana Organiser)" in (Lake stage|Tea tent), /,
      );

    // The bot's meetings as Bo's peer replicated them.
    const meetings = async (): Promise<FestivalEvent[]> =>
      [...(await boPeer.node.model()).events.values()].filter((event) => event.festival === festival && event.owner === botKey);
    await waitFor(async () => (await meetings()).length >= PER_ROUND, 'the bot’s meetings replicated to Bo', SYNC);
    const shown = (await meetings()).slice(0, PER_ROUND);

    // Ana's planner lists them among everyone else's events, by title, each asking for one of her locations.
    for (const meeting of shown) {
      const item = planner.locator(`li[data-event="${meeting.id}"]`);
      await item.waitFor({ timeout: SYNC });
      assert.equal(await item.getAttribute('data-title'), meeting.title);
      // The bot's profile travels with its events; it may arrive a moment after them.
      await item.getByText('By Random meeting bot').waitFor({ timeout: SYNC });
      assert.equal(await item.locator(`[data-request-status="pending"][data-resource-id="${meeting.resources[0]}"]`).count(), 1);
    }
    // Ana's festival page, with the share snippet's <panda-schedule>, shows them on their days.
    await tab(planner, 'share');
    site.body = await planner.locator('[data-snippet]').inputValue();
    const page = await ana.context.newPage();
    await page.goto(`${site.url}/fest`);
    const schedule = page.locator('panda-schedule');
    await schedule.getByText('Bot Fest').first().waitFor({ timeout: SYNC });
    for (const meeting of shown) {
      await schedule.locator(`[data-day="${new Date(meeting.start * 1000).toISOString().slice(0, 10)}"]`).click({ timeout: SYNC });
      await schedule.getByText(meeting.title).first().waitFor({ timeout: SYNC });
    }

    // Ana looks after both locations: the requests wait for her in the planner and in the popup.
    await tab(planner, 'requests');
    for (const meeting of shown) {
      const request = planner.locator(`li[data-pending-request][data-event-id="${meeting.id}"]`);
      await request.getByText('Asked by Random meeting bot').waitFor({ timeout: SYNC });
      assert.match(await request.locator('h3').innerText(), new RegExp(`^${meeting.title} asks for (Lake stage|Tea tent)$`));
    }
    const popup = await ana.context.newPage();
    await popup.goto(`chrome-extension://${ana.extensionId}/popup.html`);
    for (const meeting of shown) {
      const request = popup.locator(`[data-owner-request][data-event-id="${meeting.id}"]`);
      await request.waitFor({ timeout: SYNC });
      await request.locator('[data-requested-by]', { hasText: 'Random meeting bot' }).waitFor({ timeout: SYNC });
    }

    // What the bot did, read from the replicated data: a bot's profile; Ana and Bo meet; no location asked for twice at once.
    const model = await boPeer.node.model();
    assert.match(model.profileOf(botKey)?.description ?? '', /^A bot\b/);
    const mine = await meetings();
    const locations = new Set([...model.resources.values()].filter((resource) => resource.festival === festival).map((resource) => resource.id));
    const people = [ana.publicKey, bo.identity.publicKey()].sort();
    for (const meeting of mine) {
      assert.equal(meeting.resources.length, 1);
      assert.ok(locations.has(meeting.resources[0]!), `${meeting.title} asks for one of Ana’s locations`);
      assert.equal(model.requestStatus(meeting.resources[0]!, meeting.id)?.state, 'pending', 'manual: waiting for Ana');
      assert.equal(meeting.end - meeting.start, 30 * 60);
      assert.ok(meeting.start >= now - 15 * 60, 'from now on');
      const pair = /^Participants: (\w{64}) (\w{64})$/m.exec(meeting.description);
      assert.deepEqual(pair?.slice(1).sort(), people);
    }
    for (const [i, a] of mine.entries())
      for (const b of mine.slice(i + 1))
        if (a.resources[0] === b.resources[0])
          assert.ok(a.end <= b.start || b.end <= a.start, `${a.id} ${a.start}-${a.end} and ${b.id} ${b.start}-${b.end} ask for one location at once`);
    t.diagnostic(`${mine.length} meetings checked; the whole path took ${Math.round(performance.now() - began)} ms`);

    // The bot stops with the peer, which says so.
    assert.equal(await serving.stop(), 0, serving.lines.join('\n'));
    assert.equal(serving.lines.at(-1), 'stopped');
  });
});
