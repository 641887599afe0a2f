/**
 * What the planner page can do through the background (PlannerApi), with a real vault,
 * festival node, provider router and festival settings: the state it shows (names, statuses
 * in words, requests waiting), signing as the person's own action, creating a festival joins
 * it with the planner's servers, signaling edits and leaving; join links opened on a page
 * (joinLinkHandler), the website snippet and its CSP lines.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { KeyPair } from '../../core/index.js';
import { JOIN_TAB_PAUSE, joinLinkHandler } from '../../extension/background/join-links.js';
import { cspLines, websiteSnippet } from '../../extension/planner/lib/snippet.js';
import { JOIN_LINK_KEY, JOIN_LINK_TARGET, joinLink, PLANNER_JOIN_KEY, readJoinFragment } from '../../extension/shared/join-link.js';
import { MAX_PLANNER_SCHEDULE_BYTES, type PlannerImportResult } from '../../extension/shared/planner-protocol.js';
import { ProviderErrorCode } from '../../extension/shared/protocol.js';
import { SCHEDULES } from '../widgets/support.js';
import { code, HOUR, invalidAs, SERVER, setup, T0 } from './planner-api-support.js';

describe('planner API', () => {
  test('a festival made in the planner is signed without a prompt and joined at once with the default servers', async () => {
    const { planner, settings, peer, state, publish, prompts, vault } = await setup();
    await planner.handle('planner_setDefaultSignaling', { signaling: [SERVER] });
    const festival = await publish({ type: 'festival', fields: { name: 'Test Fest', start: T0, end: T0 + 72 * HOUR, timezone: 'Europe/Lisbon' } });
    assert.equal(prompts(), 0);
    assert.deepEqual(
      settings.list().map((setting) => [setting.festivalId, setting.signaling]),
      [[festival.documentId, [SERVER]]],
    );
    assert.deepEqual(peer.configs.at(-1)?.festivals.find((item) => item.festivalId === festival.documentId)?.signaling, [SERVER]);
    const sub = await publish({
      type: 'festival',
      fields: { name: 'Kids corner', start: T0, end: T0 + 24 * HOUR, timezone: 'Europe/Lisbon', parent: festival.documentId },
    });
    const shown = await state();
    assert.deepEqual(
      shown.festivals.map((item) => [item.name, item.mine, item.joined, item.parent ?? null]),
      [
        ['Test Fest', true, true, null],
        ['Kids corner', true, true, festival.documentId],
      ],
    );
    assert.equal(shown.me?.publicKey, vault.activeIdentity().publicKey);
    assert.equal(shown.festivals[1]!.id, sub.documentId);
  });

  test('statuses and waiting requests in words, with profile names instead of keys', async () => {
    const { node, planner, state, publish, vault } = await setup();
    const guest = new KeyPair();
    const [c, d] = [new KeyPair(), new KeyPair()];
    await node.createProfile(guest, { name: 'Bea' });
    await node.createProfile(c, { name: 'Cem' });
    await publish({ type: 'profile', fields: { name: 'Ana', description: 'Organiser', avatar: 'https://example.org/ana.png' } });
    const festival = (await publish({ type: 'festival', fields: { name: 'Test Fest', start: T0, end: T0 + 72 * HOUR, timezone: 'Europe/Lisbon' } })).documentId;
    const venue = (
      await publish({
        type: 'resource',
        fields: { festival, title: 'Venue', kind: 'location', policy: 'manual', address: 'Rua 1, Lisboa', position: 'geo:38.71,-9.14' },
      })
    ).documentId;
    const me = vault.activeIdentity().publicKey;
    const skill = (
      await publish({
        type: 'resource',
        fields: { festival, title: 'Sound skill', kind: 'skill', policy: 'quorum', quorum: 2, members: [c.publicKey(), d.publicKey(), me] },
      })
    ).documentId;
    const event = (await node.createEvent(guest, { festival, title: 'Concert', start: T0 + HOUR, end: T0 + 2 * HOUR, resources: [venue, skill] })).documentId;
    await node.authorize(c, skill, event, 'confirm');

    let shown = await state();
    assert.equal(shown.profile?.name, 'Ana');
    assert.equal(shown.names[guest.publicKey()], 'Bea');
    const [fest] = shown.festivals;
    assert.deepEqual(
      fest!.resources.map((resource) => [resource.title, resource.location.geo ?? null, resource.rule]),
      [
        ['Sound skill', null, `2 of 3 members must confirm (Cem, ${d.publicKey().slice(0, 8)}…${d.publicKey().slice(-4)}, Ana)`],
        ['Venue', 'geo:38.71,-9.14', 'Ana decides each request'],
      ],
    );
    assert.deepEqual(
      fest!.events[0]!.requests.map((request) => request.words),
      ['waiting for Ana to decide', 'waiting for votes: 1 of 2 needed'],
    );
    assert.deepEqual(shown.pending.map((request) => [request.resourceTitle, request.role, request.requestedBy === guest.publicKey()]).sort(), [
      ['Sound skill', 'member', true],
      ['Venue', 'owner', true],
    ]);

    await planner.handle('planner_publish', { type: 'authorization', fields: { resource: venue, event, decision: 'deny', note: 'closed that night' } });
    shown = await state();
    assert.equal(shown.festivals[0]!.events[0]!.requests[0]!.words, 'denied: “closed that night”');
  });

  test('bad input is -32602 and nothing is signed or stored: http servers, unknown fields, an end before the start', async () => {
    const { planner, settings, publish, node } = await setup();
    await assert.rejects(planner.handle('planner_setDefaultSignaling', { signaling: ['https://signal.example'] }), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(
      publish({ type: 'festival', fields: { name: 'Backwards', start: T0, end: T0 - HOUR, timezone: 'UTC' } }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    await assert.rejects(planner.handle('planner_join', { festivalId: 'nope', signaling: [] }), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(
      planner.handle('planner_setSignaling', { festivalId: '0020' + 'ab'.repeat(32), signaling: [SERVER] }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    await assert.rejects(planner.handle('popup_state'), code(ProviderErrorCode.UNSUPPORTED_METHOD));
    assert.equal((await node.model()).festivals.size, 0);
    assert.deepEqual(settings.ids(), []);
  });

  test('taking part through a join link grants the festival to the page it was opened on, once that page is connected', async () => {
    const { planner, permissions, publish } = await setup();
    const festival = (await publish({ type: 'festival', fields: { name: 'Test Fest', start: T0, end: T0 + HOUR, timezone: 'UTC' } })).documentId;
    const site = 'https://fest.example';
    await assert.rejects(
      planner.handle('planner_join', { festivalId: festival, signaling: [SERVER], site: 'https://fest.example/page' }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    await assert.rejects(
      planner.handle('planner_join', { festivalId: festival, signaling: [SERVER], site: 'javascript:alert(1)' }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
    await planner.handle('planner_join', { festivalId: festival, signaling: [SERVER], site });
    assert.deepEqual(permissions.festivalsOf(site), [], 'nothing is visible before the person connects the site');
    await permissions.connect(site);
    assert.deepEqual(permissions.festivalsOf(site), [festival]);
    assert.deepEqual(permissions.festivalsOf('https://other.example'), []);
  });

  test('signaling servers are replaced per festival; leaving stops replicating it', async () => {
    const { planner, settings, publish, peer } = await setup();
    const festival = (await publish({ type: 'festival', fields: { name: 'Test Fest', start: T0, end: T0 + HOUR, timezone: 'UTC' } })).documentId;
    await planner.handle('planner_setSignaling', { festivalId: festival, signaling: ['ws://127.0.0.1:4444', SERVER] });
    assert.deepEqual(settings.list()[0]!.signaling, ['ws://127.0.0.1:4444', SERVER]);
    await planner.handle('planner_setSignaling', { festivalId: festival, signaling: [SERVER] });
    assert.deepEqual(settings.list()[0]!.signaling, [SERVER]);
    await planner.handle('planner_leave', { festivalId: festival });
    assert.deepEqual(settings.ids(), []);
    assert.deepEqual(peer.configs.at(-1), { festivals: [] });
  });
});

describe('importing a schedule file from the planner', () => {
  const CAMP = readFileSync(join(SCHEDULES, 'frab-camp2019.json'), 'utf8');

  async function withFestival() {
    const context = await setup();
    const festivalId = (await context.publish({ type: 'festival', fields: { name: 'Camp', start: T0, end: T0 + 120 * HOUR, timezone: 'Europe/Berlin' } }))
      .documentId;
    let writes = 0;
    context.node.onPublish(() => void writes++);
    const importFile = (text: string, name?: string) =>
      context.planner.handle('planner_importSchedule', { festivalId, text, ...(name === undefined ? {} : { name }) }) as Promise<PlannerImportResult>;
    return { ...context, festivalId, importFile, writes: () => writes };
  }

  test('camp2019 becomes the festival’s rooms and events, signed as the person without a prompt; the same file again changes nothing', async () => {
    const { importFile, state, festivalId, vault, prompts, writes } = await withFestival();
    const result = await importFile(CAMP, 'camp2019.json');
    assert.equal(result.words, '79 events added, 2 rooms added');
    assert.deepEqual(result.events, { added: 79, moved: 0, updated: 0, removed: 0 });
    assert.deepEqual(result.skipped, []);
    assert.equal(writes(), 81);
    assert.equal(prompts(), 0);
    const shown = (await state()).festivals.find((festival) => festival.id === festivalId)!;
    assert.equal(shown.name, 'Camp', 'a festival the person made keeps its own name');
    assert.deepEqual(
      shown.resources.map((resource) => [resource.title, resource.kind, resource.policy, resource.owner]),
      [
        ['Curie', 'location', 'first-come-first-served', vault.activeIdentity().publicKey],
        ['Meitner', 'location', 'first-come-first-served', vault.activeIdentity().publicKey],
      ],
    );
    assert.equal(shown.events.length, 79);
    assert.ok(shown.events.every((event) => event.mine && event.requests.length === 1 && event.requests[0]!.state === 'confirmed'));

    const again = await importFile(CAMP);
    assert.equal(again.words, 'nothing changed');
    assert.equal(writes(), 81, 'nothing signed');
  });

  test('an edited file changes only what changed; talks it cannot import are listed by name and the rest goes in', async () => {
    const { importFile, writes } = await withFestival();
    await importFile(CAMP);
    const edited = JSON.parse(CAMP) as { schedule: { conference: { days: Array<{ rooms: Record<string, Array<Record<string, unknown>>> }> } } };
    const talks = Object.values(edited.schedule.conference.days[1]!.rooms)[0]!;
    talks[0]!.start = '23:45';
    talks[0]!.date = String(talks[0]!.date).replace(/T\d\d:\d\d/, 'T23:45');
    talks[1]!.duration = '00:00';
    const result = await importFile(JSON.stringify(edited));
    assert.equal(result.words, '1 event moved; 1 talk skipped');
    assert.equal(writes(), 82, 'one UPDATE; the talk skipped keeps its event');
    assert.equal(result.skipped.length, 1);
    assert.ok(result.skipped[0]!.talk.includes(JSON.stringify(String(talks[1]!.title).slice(0, 80))), result.skipped[0]!.talk);
  });

  test('a file that is no schedule, a broken one, one too large, and a festival not the person’s: -32602 with a code, nothing signed', async () => {
    const { importFile, planner, node, writes, festivalId } = await withFestival();
    await assert.rejects(importFile('%PDF-1.7', 'flyer.pdf'), (error: unknown) => {
      assert.ok(invalidAs('SCHEDULE_FORMAT_UNKNOWN')(error));
      assert.match((error as Error).message, /^flyer\.pdf is neither JSON nor XML/);
      return true;
    });
    await assert.rejects(importFile('{"schedule": {'), invalidAs('SCHEDULE_INVALID'));
    await assert.rejects(importFile('{"schedule": {"conference": 3}}'), invalidAs('SCHEDULE_INVALID'));
    await assert.rejects(importFile(' '.repeat(MAX_PLANNER_SCHEDULE_BYTES + 1)), invalidAs('PLANNER_FILE_TOO_LARGE'));
    // Fewer characters than the limit, more bytes (two each in UTF-8).
    await assert.rejects(importFile(`{"x":"${'é'.repeat(MAX_PLANNER_SCHEDULE_BYTES / 2 + 8)}"}`), invalidAs('PLANNER_FILE_TOO_LARGE'));

    const other = new KeyPair();
    const theirs = (await node.createFestival(other, { name: 'Their fest', start: T0, end: T0 + HOUR, timezone: 'UTC' })).documentId;
    const before = writes();
    await assert.rejects(planner.handle('planner_importSchedule', { festivalId: theirs, text: CAMP }), invalidAs('PLANNER_NOT_OWNER'));
    await assert.rejects(planner.handle('planner_importSchedule', { festivalId: '0020' + 'ab'.repeat(32), text: CAMP }), invalidAs('PLANNER_FESTIVAL_UNKNOWN'));
    await assert.rejects(planner.handle('planner_importSchedule', { festivalId, text: 42 }), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(planner.handle('planner_importSchedule', { festivalId: 'nope', text: CAMP }), code(ProviderErrorCode.INVALID_PARAMS));
    assert.equal(writes(), before, 'nothing signed');
    assert.equal([...(await node.model()).events.values()].length, 0);
  });
});

describe('join links', () => {
  const festivalId = '0020' + 'cd'.repeat(32);
  const fragment = new URL(joinLink('https://fest.example/programme#top', { festivalId, signaling: [SERVER] })).hash;

  test('a link carries the festival and its servers in the fragment, replacing the page’s own', () => {
    assert.equal(
      joinLink('https://fest.example/programme#top', { festivalId, signaling: [SERVER] }),
      `https://fest.example/programme#panda-join=${festivalId}&signaling=wss%3A%2F%2Fsignal.example`,
    );
    assert.deepEqual(readJoinFragment(fragment, JOIN_LINK_KEY), { festivalId, signaling: [SERVER] });
    assert.equal(readJoinFragment('#top', JOIN_LINK_KEY), undefined);
  });

  test('a top frame’s link opens the planner with the origin from the browser; frames, bad ids, http servers and repeats do not', async () => {
    const opened: string[] = [];
    let now = 1_000_000;
    const handle = joinLinkHandler({ plannerUrl: 'chrome-extension://x/planner.html', openTab: async (url) => void opened.push(url), now: () => now });
    const tab = { url: 'https://fest.example/programme', tab: { id: 4 }, frameId: 0 };
    const message = { target: JOIN_LINK_TARGET, fragment };
    assert.equal(await handle({ ...message, fragment: `#panda-join=${festivalId}&signaling=http%3A%2F%2Fsignal.example` }, tab), false);
    assert.equal(await handle({ ...message, fragment: '#panda-join=nope' }, tab), false);
    assert.equal(await handle(message, { ...tab, frameId: 3 }), false);
    assert.equal(await handle(message, { url: 'https://fest.example/' }), false);
    assert.equal(await handle({ target: 'other', fragment }, tab), false);
    assert.equal(await handle(message, tab), true);
    assert.equal(await handle(message, tab), false, 'the same festival again at once opens nothing');
    now += JOIN_TAB_PAUSE;
    assert.equal(await handle(message, tab), true);
    assert.equal(opened.length, 2);
    const offer = readJoinFragment(new URL(opened[0]!).hash, PLANNER_JOIN_KEY);
    assert.deepEqual(offer, { festivalId, signaling: [SERVER], from: 'https://fest.example' });
  });
});

describe('the website snippet', () => {
  const input = {
    festivalId: '0020' + 'ef'.repeat(32),
    festivalName: 'Test <Fest> --',
    signaling: ['wss://signal.example/path', 'ws://127.0.0.1:4444'],
    resources: [{ id: '0020' + '11'.repeat(32), title: 'Venue' }],
  };

  test('the script tag and elements carry the festival, its servers and its resources; names cannot break out of comments', () => {
    const snippet = websiteSnippet(input);
    assert.match(snippet, /<script type="module" src="\/panda-widgets\.js"><\/script>/);
    assert.match(
      snippet,
      new RegExp(`<panda-schedule festival="${input.festivalId}" signaling="wss://signal.example/path ws://127.0.0.1:4444"></panda-schedule>`),
    );
    assert.match(snippet, new RegExp(`<panda-resource resource="${input.resources[0]!.id}" festival="${input.festivalId}"`));
    assert.match(snippet, /<panda-event-form festival=/);
    assert.ok(snippet.startsWith('<!-- Panda Kit: Test Fest - - -->'));
  });

  test('CSP lines: script-src for the bundle’s origin, connect-src for the servers', () => {
    assert.deepEqual(cspLines(input), ["script-src 'self' 'wasm-unsafe-eval'", "connect-src 'self' wss://signal.example ws://127.0.0.1:4444"]);
    assert.deepEqual(cspLines({ signaling: [], bundleUrl: 'https://cdn.example/kit/panda-widgets.js' }), [
      "script-src https://cdn.example 'wasm-unsafe-eval'",
      "connect-src 'self'",
    ]);
  });
});
