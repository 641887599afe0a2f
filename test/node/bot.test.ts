/**
 * The random-meeting bot (node/bots/random-meetings.ts), `panda bot` and `panda serve --bot`:
 * on a seeded random and a clock set by the test, rounds arrange meetings between two
 * participants (never a bot) in locations free at that time, from now on; no location is
 * ever requested twice for the same time, over rounds and a restart, with a manual location
 * whose requests stay pending (they do not hold it, so only the bot's own events say it asked);
 * its profile says it is a bot. Then the bot inside a Node peer that received the festival by
 * replication, its requests reaching the planner whose locations they are; and the command's
 * wrong calls, each one line with a stable code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FestivalNode, hashingReady, isPandaError, KeyPair, MemoryStore, memoryLink, type FestivalModel, type Hash, type Store } from '../../core/index.js';
import { run } from '../../cli/panda.js';
import { parseServeBot, startBots } from '../../cli/bot-command.js';
import { BotRunner } from '../../node/bots/bot.js';
import { randomMeetings } from '../../node/bots/random-meetings.js';
import { DataDir } from '../../node/data-dir.js';
import { NodePeer } from '../../node/node-peer.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { FestivalPeer } from '../../peer/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOUR = 3600;
const START = 1_800_000_000;

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'panda-bot-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

/** A clock the test moves; the runner reads only `now` when a round is called directly. */
const clockAt = (seconds: { now: number }) => ({ now: () => seconds.now * 1000, setTimeout: () => undefined, clearTimeout: () => {} });

interface Seeded {
  festival: Hash;
  people: KeyPair[];
  /** Taken all day by a confirmed event. */
  full: Hash;
  /** First come, first served: the bot's requests hold it. */
  open: Hash;
  /** Manual: the bot's requests stay pending and hold nothing. */
  manual: Hash;
  importer: KeyPair;
}

/** A six-hour festival of four people, three locations and a projector, and a schedule importer (a bot). */
async function seed(node: FestivalNode): Promise<Seeded> {
  const people = Array.from({ length: 4 }, () => new KeyPair());
  const { documentId: festival } = await node.createFestival(people[0]!, { name: 'Test fest', start: START, end: START + 6 * HOUR });
  for (const [i, person] of people.entries()) await node.createProfile(person, { name: ['Ada', 'Bo', 'Cem', 'Dana'][i]! });
  const location = async (owner: KeyPair, title: string, policy = 'first-come-first-served') =>
    (await node.createResource(owner, { festival, title, kind: 'location', policy })).documentId;
  const full = await location(people[0]!, 'Main stage');
  const open = await location(people[1]!, 'Tea tent');
  const manual = await location(people[2]!, 'Bench by the lake', 'manual');
  await node.createResource(people[3]!, { festival, title: 'Projector', kind: 'thing' });
  await node.createEvent(people[0]!, { festival, title: 'All day', start: START, end: START + 6 * HOUR, resources: [full] });
  const importer = new KeyPair();
  await node.createProfile(importer, { name: 'Schedule importer', description: 'A bot: it imports festival schedules.' });
  await node.createEvent(importer, { festival, title: 'Imported talk', start: START, end: START + HOUR });
  return { festival, people, full, open, manual, importer };
}

/** The bot's requests, per resource, as [start, end) spans; asserts no two overlap. */
function assertNoRequestTwice(model: FestivalModel, bot: string): number {
  const mine = [...model.events.values()].filter((event) => event.owner === bot);
  for (const [i, a] of mine.entries())
    for (const b of mine.slice(i + 1))
      if (a.resources[0] === b.resources[0])
        assert.ok(a.end <= b.start || b.end <= a.start, `${a.title} ${a.start}-${a.end} and ${b.title} ${b.start}-${b.end} ask for one resource at once`);
  return mine.length;
}

describe('the random-meeting bot', () => {
  test('rounds arrange meetings in free locations only, never the same request twice, also after a restart', async (t) => {
    await hashingReady();
    const store: Store = new MemoryStore();
    let node = new FestivalNode(store);
    const fest = await seed(node);
    const bot = new KeyPair();
    const clock = { now: START + HOUR + 7 * 60 };
    const runner = (random: () => number) =>
      new BotRunner({ bot: randomMeetings({ perRound: 3 }), node, identity: bot, festival: fest.festival, every: HOUR, random, clock: clockAt(clock) });
    let first = runner(seeded(7));
    const people = new Set(fest.people.map((person) => person.publicKey()));
    const rounds: string[][] = [];
    for (let round = 0; round < 3; round++) {
      const began = performance.now();
      const report = await first.round();
      rounds.push(report.done);
      assert.equal(report.done.length, 3, report.idle);
      const took = performance.now() - began;
      t.diagnostic(`round ${round + 1}: three meetings in ${took.toFixed(1)} ms`);
      assert.ok(took < 5_000, 'a round of three takes well under five seconds');
      clock.now += 20 * 60;
    }
    let model = await node.model();
    const mine = [...model.events.values()].filter((event) => event.owner === bot.publicKey());
    assert.equal(mine.length, 9);
    for (const event of mine) {
      const resource = event.resources[0]!;
      assert.deepEqual(event.resources.length, 1);
      assert.ok([fest.open, fest.manual].includes(resource), `${event.title} asks for a location that is free (not the full stage, not the projector)`);
      assert.ok(event.start >= START + HOUR && event.end <= START + 6 * HOUR, 'from the first round on, inside the festival');
      assert.equal(event.end - event.start, 30 * 60);
      assert.equal(model.requestStatus(resource, event.id)?.state, resource === fest.open ? 'confirmed' : 'pending');
      const [, a, b] = /^Participants: (\w+) (\w+)$/m.exec(event.description)!;
      assert.ok(a !== b && people.has(a!) && people.has(b!), 'two different people, neither the importer nor the bot');
      assert.match(event.title, /^Random meeting: (Ada|Bo|Cem|Dana) and (Ada|Bo|Cem|Dana)$/);
    }
    assert.deepEqual(model.conflicts(), []);
    assertNoRequestTwice(model, bot.publicKey());
    assert.match(model.profileOf(bot.publicKey())!.description, /^A bot\b/);
    assert.match(rounds[0]![0]!, /^arranged "Random meeting: \w+ and \w+" in (Tea tent|Bench by the lake), \d{4}-\d\d-\d\d \d\d:\d\d to \d\d:\d\d UTC$/);

    // A restart: a new node on the same store, a new runner (and random), the same identity.
    node = new FestivalNode(store);
    first = runner(seeded(99));
    let arranged = 9;
    for (let round = 0; round < 40; round++) {
      const report = await first.round();
      arranged += report.done.length;
      if (report.idle) {
        assert.equal(report.idle, 'no meeting arranged: no location is free for 30 minutes from now on');
        break;
      }
    }
    model = await node.model();
    assert.equal(assertNoRequestTwice(model, bot.publicKey()), arranged);
    // Idle because it is full: from now (on the quarter hour) on, no half hour is left in either location.
    const from = Math.ceil(clock.now / 900) * 900;
    for (const location of [fest.open, fest.manual]) {
      const taken = [...model.events.values()]
        .filter((event) => event.owner === bot.publicKey() && event.resources[0] === location)
        .sort((a, b) => a.start - b.start);
      let free = from;
      for (const event of [...taken, { start: START + 6 * HOUR, end: START + 6 * HOUR }]) {
        if (event.end <= from) continue;
        assert.ok(event.start - free < 30 * 60, `a half hour free at ${free - START} s`);
        free = Math.max(free, event.end);
      }
    }
    assert.ok(arranged > 9, `${arranged} meetings`);
    assert.deepEqual(model.conflicts(), []);
    assert.equal([...model.profiles.values()].filter((profile) => profile.owner === bot.publicKey()).length, 1, 'one profile, not one per start');
    const again = await first.round();
    assert.deepEqual(again.done, []);
  });

  test('a festival not received yet is waited for; too few people is said', async () => {
    await hashingReady();
    const node = new FestivalNode(new MemoryStore());
    const bot = new KeyPair();
    const runner = (festival: Hash) => new BotRunner({ bot: randomMeetings(), node, identity: bot, festival, every: HOUR, clock: clockAt({ now: START }) });
    const unknown = `0020${'ab'.repeat(32)}`;
    assert.deepEqual(await runner(unknown).round(), { done: [], waiting: `festival ${unknown} not received yet` });
    const alone = new KeyPair();
    const { documentId } = await node.createFestival(alone, { name: 'Alone', start: START, end: START + HOUR });
    assert.deepEqual(await runner(documentId).round(), { done: [], idle: 'no meeting arranged: fewer than two participants in the festival (1)' });
  });

  test('BotRunner: a round at start, then every interval, on the clock it is given', async () => {
    await hashingReady();
    const node = new FestivalNode(new MemoryStore());
    const fest = await seed(node);
    const timers: Array<{ callback: () => void; ms: number }> = [];
    const lines: string[] = [];
    const runner = new BotRunner({
      bot: randomMeetings(),
      node,
      identity: new KeyPair(),
      festival: fest.festival,
      every: 2 * HOUR,
      random: seeded(3),
      clock: { now: () => START * 1000, setTimeout: (callback, ms) => timers.push({ callback, ms }), clearTimeout: () => {} },
      output: (line) => lines.push(line),
    });
    runner.start();
    assert.deepEqual(
      timers.map((timer) => timer.ms),
      [0],
    );
    timers[0]!.callback();
    const deadline = Date.now() + 10_000;
    while (timers.length < 2) {
      assert.ok(Date.now() < deadline);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(timers[1]!.ms, 2 * HOUR * 1000);
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^arranged /);
    await runner.stop();
  });
});

describe('panda bot', () => {
  test('inside a Node peer that received the festival by replication: the planner sees the requests', async (t) => {
    await hashingReady();
    const plannerNode = new FestivalNode(new MemoryStore());
    const fest = await seed(plannerNode);
    const dir = tempDir();
    const planner = await FestivalPeer.open({ store: plannerNode.store, node: plannerNode, festivals: [{ festivalId: fest.festival }] });
    const peer = await NodePeer.open({ dataDir: dir, signaling: [], festivals: [fest.festival], statusInterval: 0, watchInterval: 0 });
    let stop: (() => Promise<void>) | undefined;
    try {
      const [a, b] = memoryLink('planner', 'node');
      planner.replicator.connect(a);
      peer.replicator.connect(b);
      const until = async (condition: () => Promise<boolean>, what: string) => {
        const deadline = Date.now() + 20_000;
        while (!(await condition())) {
          assert.ok(Date.now() < deadline, `timed out: ${what}`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      await until(async () => (await peer.node.model()).resources.has(fest.manual), 'the festival replicated to the Node peer');

      const lines: string[] = [];
      const began = performance.now();
      stop = startBots(peer, [parseServeBot(`random-meetings --festival ${fest.festival} --per-round 4 --duration 1h`)], (line) => lines.push(line));
      const self = peer.identity.publicKey();
      const bots = async () => [...(await plannerNode.model()).events.values()].filter((event) => event.owner === self);
      await until(async () => (await bots()).length === 4, 'four meetings at the planner');
      t.diagnostic(`a round of four meetings, replicated to the planner: ${Math.round(performance.now() - began)} ms`);
      assert.equal(lines.length, 4);
      assert.ok(lines.every((line) => /^bot random-meetings: arranged "Random meeting: /.test(line)));

      const model = await plannerNode.model();
      assert.match(model.profileOf(self)?.description ?? '', /^A bot\b/, 'the bot’s profile reached the planner');
      assertNoRequestTwice(model, self);
      for (const event of await bots()) assert.equal(event.end - event.start, HOUR);
      // The manual bench's owner has the bot's requests for it to decide.
      const onBench = (await bots()).filter((event) => event.resources[0] === fest.manual).map((event) => event.id);
      const pending = model
        .pendingFor(fest.people[2]!.publicKey())
        .filter((item) => item.event.owner === self)
        .map((item) => item.event.id);
      assert.deepEqual(pending.sort(), onBench.sort());
    } finally {
      await stop?.();
      await peer.close();
      planner.close();
    }
  });

  test('panda serve --bot runs the bot inside the always-on peer until it stops', async () => {
    await hashingReady();
    const dir = tempDir();
    const data = new DataDir(dir);
    data.ensure();
    const store = new SqliteStore(data.databasePath);
    const fest = await seed(new FestivalNode(store));
    store.close();
    const lines: string[] = [];
    const stop = new AbortController();
    // No signaling server listens there: the peer runs alone, which is all the bot needs.
    const serving = run(
      ['serve', '--data', dir, '--signaling', 'ws://127.0.0.1:9', '--bot', `random-meetings --festival ${fest.festival} --per-round 2`],
      (line) => lines.push(line),
      stop.signal,
      () => {},
    );
    try {
      const deadline = Date.now() + 20_000;
      while (lines.filter((line) => line.startsWith('bot random-meetings: arranged')).length < 2) {
        assert.ok(Date.now() < deadline, lines.join('\n'));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(lines.includes(`festivals: ${fest.festival}`), 'serve joined the bot’s festival');
    } finally {
      stop.abort();
    }
    assert.equal(await serving, 0);
    assert.equal(lines.at(-1), 'stopped');
  });

  test('--once: one round on the data directory, signed as this peer', async () => {
    await hashingReady();
    const dir = tempDir();
    const data = new DataDir(dir);
    data.ensure();
    const store = new SqliteStore(data.databasePath);
    const fest = await seed(new FestivalNode(store));
    store.close();
    const lines: string[] = [];
    const code = await run(['bot', 'random-meetings', '--festival', fest.festival, '--once', '--per-round', '2', '--data', dir], (line) => lines.push(line));
    assert.equal(code, 0);
    assert.equal(lines.length, 2, lines.join('\n'));
    const check = new SqliteStore(data.databasePath);
    try {
      const model = await new FestivalNode(check).model();
      const self = data.identity().publicKey();
      assert.equal([...model.events.values()].filter((event) => event.owner === self).length, 2);
      assert.match(model.profileOf(self)!.description, /^A bot\b/);
    } finally {
      check.close();
    }
  });

  test('wrong calls: one line with a stable code, before anything starts', async () => {
    const dir = tempDir();
    const festival = `0020${'ab'.repeat(32)}`;
    const cases: Array<[string[], string, RegExp]> = [
      [['bot'], 'CLI_USAGE', /NAME is missing: .*bots: random-meetings/],
      [['bot', 'chatty', '--festival', festival], 'CLI_USAGE', /there is no bot "chatty": the bots are random-meetings/],
      [['bot', 'random-meetings'], 'CLI_FLAG_MISSING', /--festival is missing/],
      [['bot', 'random-meetings', '--festival', 'x'], 'CLI_FLAG_INVALID', /--festival "x" is not a festival id/],
      [['bot', 'random-meetings', '--festival', festival, '--every', '10s'], 'CLI_FLAG_INVALID', /--every "10s" is not from 1m to 168h/],
      [['bot', 'random-meetings', '--festival', festival, '--every', 'often'], 'CLI_FLAG_INVALID', /--every "often" is not a length of time/],
      [['bot', 'random-meetings', '--festival', festival, '--duration', '2'], 'CLI_FLAG_INVALID', /--duration "2" is not a length of time/],
      [['bot', 'random-meetings', '--festival', festival, '--per-round', '0'], 'CLI_FLAG_INVALID', /--per-round 0 is not from 1 to 100/],
      [
        ['bot', 'random-meetings', '--festival', festival, '--colour', 'red'],
        'CLI_USAGE',
        /Unknown option '--colour'; panda bot random-meetings takes --festival --every --per-round --duration/,
      ],
      [['bot', 'random-meetings', '--festival', festival, 'now'], 'CLI_USAGE', /"now" is out of place/],
      [['bot', 'random-meetings', '--festival', festival], 'CLI_NOT_FOUND', /does not take part in festival .*panda festival join ID first/],
      [['bot', 'random-meetings', '--festival', festival, '--once'], 'CLI_NOT_FOUND', /--festival: no festival 0020abab/],
      [['bot', 'random-meetings', '--festival', festival, '--once', '--port', '4444'], 'CLI_USAGE', /--once runs a round on the data directory/],
      [['serve', '--bot', `random-meetings --festival ${festival} --per-round many`], 'CLI_FLAG_INVALID', /--per-round "many" is not a whole number/],
      [['serve', '--bot', `random-meetings --festival ${festival} --port 1`], 'CLI_USAGE', /Unknown option '--port'/],
    ];
    for (const [args, code, message] of cases)
      await assert.rejects(
        run([...args, '--data', dir], () => {}),
        (error: unknown) => isPandaError(error) && error.code === code && message.test(error.message),
        `${args.join(' ')}: ${code} ${message}`,
      );
    // A running `panda serve` on the data directory (another process): the bot runs inside it or --once.
    const data = new DataDir(dir);
    data.join(festival);
    data.writeStatus({ pid: process.ppid, updatedAt: Date.now() });
    await assert.rejects(
      run(['bot', 'random-meetings', '--festival', festival, '--data', dir], () => {}),
      (error: unknown) => isPandaError(error, 'CLI_PEER_RUNNING'),
    );

    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'bot', 'random-meetings', '--festival', 'nope', '--data', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(cli.status, 2);
    assert.equal(cli.stderr, 'panda: --festival "nope" is not a festival id (68 hex characters starting with 0020) [CLI_FLAG_INVALID]\n');
  });
});
