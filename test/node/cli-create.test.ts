/**
 * An organiser plans a festival with the `panda` command alone: a festival in
 * Europe/Lisbon and a sub-festival, a venue with an address and a GPS position (manual), a
 * projector (first-come-first-served, capacity 1) and a skill (quorum: 2 of 3 keys), an
 * event requesting them, a confirmation, a profile, changes and a delete. Every bad flag or
 * value is one line with a stable code, and nothing is stored. A `panda serve` running on
 * the same data directory passes what the commands write on to peers: Chromium's
 * <panda-schedule> and <panda-resource>, built, without the extension, show it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { FestivalNode, hashingReady, isHash, PandaError, type Hash } from '../../core/index.js';
import { run } from '../../cli/panda.js';
import { DataDir } from '../../node/data-dir.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { buildWidgets } from '../../scripts/build-widgets.js';
import { keyOf } from '../core/festival-support.js';
import { entryCount, runPanda, scratchDirs, withModel } from './cli-support.js';
import { NodePeer } from '../../node/node-peer.js';
import { freePort, releaseNodeDataChannel, ROOT, startSignalingServer } from '../peer/support.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const WIDGETS = join(ROOT, 'dist/widgets');
const [C, D, E] = [keyOf(0xc1), keyOf(0xd1), keyOf(0xe1)].map((key) => key.publicKey()) as [string, string, string];

const tempDir = scratchDirs('panda-cli-create-');
after(() => releaseNodeDataChannel());

/** Runs a command in this process that succeeds: its stdout lines and notes (stderr). */
async function panda(...args: string[]): Promise<{ lines: string[]; notes: string[] }> {
  const { code, lines, notes } = await runPanda(...args);
  assert.equal(code, 0);
  return { lines, notes };
}

/** Runs a command that creates a document; its one line of output is the id. */
async function created(...args: string[]): Promise<Hash> {
  const { lines } = await panda(...args);
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(isHash(lines[0]), lines[0]);
  return lines[0];
}

/** Lisbon in June is UTC+1. */
const lisbon = (local: string) => Date.parse(`${local}+01:00`) / 1000;

interface Plan {
  dir: string;
  self: string;
  festival: Hash;
  area: Hash;
  venue: Hash;
  projector: Hash;
  skill: Hash;
  talk: Hash;
}

/** The organiser's whole plan, from the command line. */
async function plan(dir: string): Promise<Plan> {
  const data = ['--data', dir];
  const festival = await created(
    'festival',
    'create',
    ...data,
    '--name',
    'Test Fest',
    '--start',
    '2027-06-04T14:00',
    '--end',
    '2027-06-06T23:00',
    '--timezone',
    'Europe/Lisbon',
    '--url',
    'https://testfest.example/',
  );
  const self = new DataDir(dir).identity().publicKey();
  const area = await created(
    'festival',
    'create',
    ...data,
    '--name',
    'Kids',
    '--start',
    '2027-06-05T10:00',
    '--end',
    '2027-06-05T18:00',
    '--timezone',
    'Europe/Lisbon',
    '--parent',
    festival,
  );
  const venue = await created(
    'resource',
    'create',
    ...data,
    '--festival',
    festival,
    '--kind',
    'location',
    '--title',
    'Armazém 16',
    '--address',
    'Rua do Açúcar 16, Lisboa',
    '--geo',
    '38.71,-9.14',
    '--policy',
    'manual',
  );
  const projector = await created(
    'resource',
    'create',
    ...data,
    '--festival',
    festival,
    '--kind',
    'thing',
    '--title',
    'Projector',
    '--capacity',
    '1',
    '--policy',
    'first-come-first-served',
  );
  const skill = await created(
    'resource',
    'create',
    ...data,
    '--festival',
    festival,
    '--kind',
    'skill',
    '--title',
    'Sound engineering',
    '--policy',
    'quorum',
    '--members',
    `${self},${D}, ${E}`,
    '--quorum',
    '2',
    '--depends-on',
    venue,
  );
  const talk = await created(
    'event',
    'create',
    ...data,
    '--festival',
    festival,
    '--title',
    'Opening night',
    '--start',
    '2027-06-04T20:00',
    '--end',
    '2027-06-04T22:00',
    '--resources',
    `${venue},${projector},${skill}`,
    '--description',
    'Welcome!',
  );
  await created('authorize', ...data, '--resource', venue, '--event', talk, 'confirm', '--note', 'See you there');
  await created('authorize', ...data, '--resource', skill, '--event', talk, 'confirm');
  return { dir, self, festival, area, venue, projector, skill, talk };
}

describe('panda creates festivals, resources, events and decisions', () => {
  let made: Plan;

  before(async () => {
    made = await plan(join(tempDir(), 'fresh'));
  });

  test('festival list and status on a data directory that does not exist yet answer', async () => {
    const dir = join(tempDir(), 'not-there');
    assert.deepEqual((await panda('festival', 'list', '--data', dir)).lines, [
      `no festivals joined yet in ${dir}: panda festival create --name ... or panda festival join ID`,
    ]);
    assert.deepEqual((await panda('status', '--data', join(tempDir(), 'not-there-either'))).lines, [
      'no peer running here; figures from the database',
      'peers connected: 0',
    ]);
  });

  test('the plan is stored as the model reads it, times in the festival’s zone, the festival joined', async () => {
    const { dir, self, festival, area, venue, projector, skill, talk } = made;
    assert.deepEqual(new DataDir(dir).config().festivals, [{ id: festival }, { id: area }]);
    assert.match((await panda('festival', 'list', '--data', dir)).lines[0]!, new RegExp(`^${festival}  Test Fest  `));
    await withModel(dir, (model) => {
      assert.deepEqual(model.invalid, []);
      const fest = model.festivals.get(festival)!;
      assert.deepEqual(
        [fest.name, fest.start, fest.end, fest.timezone, fest.owner, fest.url],
        ['Test Fest', lisbon('2027-06-04T14:00'), lisbon('2027-06-06T23:00'), 'Europe/Lisbon', self, 'https://testfest.example/'],
      );
      assert.equal(model.festivals.get(area)!.parent, festival);
      const place = model.resources.get(venue)!;
      assert.deepEqual(
        [place.kind, place.policy, place.location],
        ['location', 'manual', { address: 'Rua do Açúcar 16, Lisboa', position: { latitude: 38.71, longitude: -9.14 } }],
      );
      assert.deepEqual([model.resources.get(projector)!.capacity, model.resources.get(projector)!.policy], [1, 'first-come-first-served']);
      const sound = model.resources.get(skill)!;
      assert.deepEqual([sound.policy, sound.quorum, sound.members, sound.dependsOn], ['quorum', 2, [self, D, E], [venue]]);
      const event = model.events.get(talk)!;
      assert.deepEqual(
        [event.title, event.start, event.end, event.description, event.resources],
        ['Opening night', lisbon('2027-06-04T20:00'), lisbon('2027-06-04T22:00'), 'Welcome!', [venue, projector, skill]],
      );
      // The venue confirmed by its owner (this peer), the projector by its policy; the skill has one vote of two.
      assert.deepEqual(
        [venue, projector, skill].map((id) => model.requestStatus(id, talk)!.state),
        ['confirmed', 'confirmed', 'pending'],
      );
      assert.deepEqual(
        model.requestStatus(venue, talk)!.votes.map((vote) => [vote.voter, vote.note]),
        [[self, 'See you there']],
      );
      assert.deepEqual(
        model.requestStatus(skill, talk)!.votes.map((vote) => vote.voter),
        [self],
      );
    });
  });

  test('profile, updates and deletes: only the fields given change', async () => {
    const { dir, self, festival, projector, talk } = made;
    const data = ['--data', dir];
    const profile = await created('profile', 'set', ...data, '--name', 'Festival bot', '--avatar', 'https://testfest.example/bot.png');
    assert.equal(await created('profile', 'set', ...data, '--description', 'Answers at night'), profile);
    assert.equal(await created('festival', 'update', festival, ...data, '--name', 'Test Fest 2027', '--end', '2027-06-07T02:00'), festival);
    assert.equal(await created('resource', 'update', projector, ...data, '--capacity', '2', '--title', 'Beamer'), projector);
    assert.equal(await created('event', 'update', talk, ...data, '--start', '2027-06-04T19:30'), talk);
    const extra = await created(
      'event',
      'create',
      ...data,
      '--festival',
      festival,
      '--title',
      'Soon gone',
      '--start',
      '2027-06-05T13:00Z',
      '--end',
      '2027-06-05T14:00Z',
    );
    assert.equal(await created('event', 'delete', extra, ...data), extra);
    await withModel(dir, (model) => {
      assert.deepEqual(
        [model.profileOf(self)!.name, model.profileOf(self)!.description, model.profileOf(self)!.avatar],
        ['Festival bot', 'Answers at night', 'https://testfest.example/bot.png'],
      );
      const fest = model.festivals.get(festival)!;
      assert.deepEqual([fest.name, fest.start, fest.end], ['Test Fest 2027', lisbon('2027-06-04T14:00'), lisbon('2027-06-07T02:00')]);
      assert.deepEqual(
        [model.resources.get(projector)!.title, model.resources.get(projector)!.capacity, model.resources.get(projector)!.kind],
        ['Beamer', 2, 'thing'],
      );
      assert.deepEqual(
        [model.events.get(talk)!.start, model.events.get(talk)!.end, model.events.get(talk)!.resources.length],
        [lisbon('2027-06-04T19:30'), lisbon('2027-06-04T22:00'), 3],
      );
      assert.ok(model.deleted.has(extra) && !model.events.has(extra));
    });
  });

  test('negative numbers are values, not flags: positions south and west, coordinates below zero', async () => {
    const { dir, festival } = made;
    const opera = await created(
      'resource',
      'create',
      '--data',
      dir,
      '--festival',
      festival,
      '--title',
      'Opera House',
      '--geo',
      '-33.8568,151.2153',
      '--coordinate',
      '-1,-2.5,3',
    );
    const pier = await created('resource', 'create', '--data', dir, '--festival', festival, '--title', 'Pier', '--geo=-34.6,-58.37');
    await withModel(dir, (model) => {
      assert.deepEqual(model.resources.get(opera)!.location, { position: { latitude: -33.8568, longitude: 151.2153 }, coordinate: { x: -1, y: -2.5, z: 3 } });
      assert.deepEqual(model.resources.get(pier)!.location, { position: { latitude: -34.6, longitude: -58.37 } });
    });
  });

  test('clock changes and times outside the festival are noted on stderr, the id alone on stdout', async () => {
    const dir = tempDir();
    const { lines, notes } = await panda(
      'festival',
      'create',
      '--data',
      dir,
      '--name',
      'Spring',
      '--start',
      '2027-03-28T01:30',
      '--end',
      '2027-03-28T12:00',
      '--timezone',
      'Europe/Lisbon',
    );
    assert.ok(isHash(lines[0]) && lines.length === 1);
    assert.deepEqual(notes, ['note: --start 2027-03-28T01:30 does not happen in Europe/Lisbon (the clocks skip it); read as 60 minutes later']);
    const outside = await panda(
      'event',
      'create',
      '--data',
      dir,
      '--festival',
      lines[0],
      '--title',
      'Late',
      '--start',
      '2027-03-28T11:00',
      '--end',
      '2027-03-28T13:00',
    );
    assert.match(outside.notes[0]!, /^note: the event lies outside Spring/);
  });

  test('every bad flag or value: one line naming the flag and the rule, a stable code, nothing stored', async () => {
    const { dir, festival, venue, projector, talk } = made;
    // A stranger's festival and resource in the same store: not this peer's to change or decide on.
    await hashingReady();
    const store = new SqliteStore(new DataDir(dir).databasePath);
    const node = new FestivalNode(store);
    const other = (
      await node.createFestival(keyOf(9), { name: 'Elsewhere', start: lisbon('2027-07-01T10:00'), end: lisbon('2027-07-02T10:00'), timezone: 'Europe/Lisbon' })
    ).documentId;
    const theirs = (await node.createResource(keyOf(9), { festival: other, title: 'Their tent', policy: 'manual' })).documentId;
    const theirEvent = (
      await node.createEvent(keyOf(9), {
        festival: other,
        title: 'Their party',
        start: lisbon('2027-07-01T12:00'),
        end: lisbon('2027-07-01T13:00'),
        resources: [theirs],
      })
    ).documentId;
    store.close();
    const unknown = `0020${'ab'.repeat(32)}`;
    const fest = (...more: string[]) => [
      'festival',
      'create',
      '--name',
      'F',
      '--start',
      '2027-06-04T14:00',
      '--end',
      '2027-06-05T14:00',
      '--timezone',
      'Europe/Lisbon',
      ...more,
    ];
    const resource = (...more: string[]) => ['resource', 'create', '--festival', festival, '--title', 'R', ...more];
    const event = (...more: string[]) => [
      'event',
      'create',
      '--festival',
      festival,
      '--title',
      'E',
      '--start',
      '2027-06-04T15:00',
      '--end',
      '2027-06-04T16:00',
      ...more,
    ];
    const cases: Array<[args: string[], code: string, message: RegExp]> = [
      [['festival', 'create', '--start', '2027-06-04T14:00', '--end', '2027-06-05T14:00'], 'CLI_FLAG_MISSING', /^--name is missing/],
      [['festival', 'create', '--name', '  ', '--start', '2027-06-04T14:00', '--end', '2027-06-05T14:00'], 'CLI_FLAG_INVALID', /^--name must not be empty/],
      [['festival', 'create', '--name', 'F', '--end', '2027-06-05T14:00'], 'CLI_FLAG_MISSING', /^--start is missing/],
      [fest('--start', '4 June 2027'), 'CLI_USAGE', /--start is given 2 times/],
      [
        ['festival', 'create', '--name', 'F', '--start', '4 June', '--end', '2027-06-05T14:00', '--timezone', 'UTC'],
        'CLI_FLAG_INVALID',
        /^--start "4 June" is not an ISO 8601 date and time/,
      ],
      [
        ['festival', 'create', '--name', 'F', '--start', '2027-02-30T10:00', '--end', '2027-06-05T14:00', '--timezone', 'UTC'],
        'CLI_FLAG_INVALID',
        /^--start "2027-02-30T10:00" has no such day/,
      ],
      [
        ['festival', 'create', '--name', 'F', '--start', '2027-06-04T14:00', '--end', '2027-06-04T14:00', '--timezone', 'UTC'],
        'CLI_FLAG_INVALID',
        /^--end is not after start$/,
      ],
      [
        ['festival', 'create', '--name', 'F', '--start', '1969-06-04T14:00', '--end', '2027-06-04T14:00', '--timezone', 'UTC'],
        'CLI_FLAG_INVALID',
        /^--start is not a time between 1970 and 9999$/,
      ],
      [
        ['festival', 'create', '--name', 'F', '--start', '2027-06-04T14:00', '--end', '2027-06-05T14:00', '--timezone', 'Mars/Olympus'],
        'CLI_FLAG_INVALID',
        /^--timezone "Mars\/Olympus" is not an IANA time zone/,
      ],
      [fest('--url', 'javascript:alert(1)'), 'CLI_FLAG_INVALID', /^--url must be an http or https URL$/],
      [fest('--image', 'not a url'), 'CLI_FLAG_INVALID', /^--image is not a URL$/],
      [fest('--parent', 'my-festival'), 'CLI_FLAG_INVALID', /^--parent "my-festival" is not a document id/],
      [fest('--parent', unknown), 'CLI_NOT_FOUND', /^--parent: no festival 0020abab/],
      [fest('--colour', 'red'), 'CLI_USAGE', /^Unknown option '--colour'; panda festival create takes --name/],
      [['festival', 'update', other, '--name', 'Mine now'], 'CLI_NOT_ALLOWED', /^Festival 0020\w+ belongs to [0-9a-f]{64}; this peer/],
      [['festival', 'update', festival], 'CLI_USAGE', /^nothing to change/],
      [['festival', 'delete'], 'CLI_USAGE', /^ID is missing/],
      [['resource', 'create', '--title', 'R'], 'CLI_FLAG_MISSING', /^--festival is missing/],
      [['resource', 'create', '--festival', unknown, '--title', 'R'], 'CLI_NOT_FOUND', /^--festival: no festival/],
      [['resource', 'create', '--festival', festival], 'CLI_FLAG_MISSING', /^--title is missing/],
      [resource('--capacity', '0'), 'CLI_FLAG_INVALID', /^--capacity must be a whole number from 1 to 1000000$/],
      [resource('--capacity', 'two'), 'CLI_FLAG_INVALID', /^--capacity "two" is not a whole number$/],
      [resource('--geo', '91,10'), 'CLI_FLAG_INVALID', /^--geo is outside the globe$/],
      [resource('--geo', 'Lisbon'), 'CLI_FLAG_INVALID', /^--geo is not a geo URI/],
      [resource('--coordinate', '1,2'), 'CLI_FLAG_INVALID', /^--coordinate is not "x,y,z"$/],
      [resource('--url', 'ftp://files.example/'), 'CLI_FLAG_INVALID', /^--url must be an http or https URL$/],
      [resource('--kind', 'Big Tent'), 'CLI_FLAG_INVALID', /^--kind "Big Tent" is not one lower-case word/],
      [resource('--policy', 'lottery'), 'CLI_FLAG_INVALID', /^--policy "lottery" is none of first-come-first-served, manual, quorum$/],
      [resource('--policy', 'quorum', '--members', `${C},${D}`, '--quorum', '3'), 'CLI_FLAG_INVALID', /^--quorum must be between 1 and the number of members$/],
      [resource('--policy', 'quorum', '--members', `${C},${D}`, '--quorum', '0'), 'CLI_FLAG_INVALID', /^--quorum must be between 1 and the number of members$/],
      [resource('--policy', 'quorum', '--quorum', '1'), 'CLI_FLAG_MISSING', /^--members is missing/],
      [resource('--members', C), 'CLI_FLAG_MISSING', /^--quorum is missing/],
      [resource('--policy', 'manual', '--members', C, '--quorum', '1'), 'CLI_FLAG_INVALID', /^--members goes with --policy quorum only/],
      [resource('--members', 'alice,bob', '--quorum', '1'), 'CLI_FLAG_INVALID', /^--members holds something that is not a public key$/],
      [resource('--depends-on', unknown), 'CLI_NOT_FOUND', /^--depends-on: no resource/],
      [resource('--start', '2027-06-04T14:00'), 'CLI_USAGE', /^Unknown option '--start'/],
      [['resource', 'update', theirs, '--title', 'Mine'], 'CLI_NOT_ALLOWED', /^Resource 0020\w+ belongs to/],
      [['resource', 'delete', festival], 'CLI_NOT_FOUND', /^the resource id: no resource/],
      [event('--end', '2027-06-04T14:59'), 'CLI_USAGE', /--end is given 2 times/],
      [
        ['event', 'create', '--festival', festival, '--title', 'E', '--start', '2027-06-04T15:00', '--end', '2027-06-04T15:00'],
        'CLI_FLAG_INVALID',
        /^--end is not after start$/,
      ],
      [
        ['event', 'create', '--festival', festival, '--title', 'E', '--start', '2027-06-04T15:00'],
        'CLI_FLAG_MISSING',
        /^--end is missing: when the event ends \(in Europe\/Lisbon/,
      ],
      [event('--resources', unknown), 'CLI_NOT_FOUND', /^--resources: no resource/],
      [
        event('--resources', `${venue},${theirs}`),
        'CLI_FLAG_INVALID',
        /^--resources names Their tent \(0020\w+\), which is offered in another festival \(Elsewhere\)$/,
      ],
      [['event', 'update', theirEvent, '--title', 'Mine'], 'CLI_NOT_ALLOWED', /^Event 0020\w+ belongs to/],
      [['authorize', '--resource', venue, '--event', talk, 'maybe'], 'CLI_USAGE', /^decide with confirm or deny, not "maybe"/],
      [['authorize', '--resource', venue, '--event', talk], 'CLI_USAGE', /^confirm\|deny is missing/],
      [['authorize', '--event', talk, 'confirm'], 'CLI_FLAG_MISSING', /^--resource is missing/],
      [
        ['authorize', '--resource', venue, '--event', theirEvent, 'confirm'],
        'CLI_FLAG_INVALID',
        /^--event names Their party, which does not request Armazém 16$/,
      ],
      [
        ['authorize', '--resource', theirs, '--event', theirEvent, 'deny'],
        'CLI_NOT_ALLOWED',
        /^Their tent is decided by [0-9a-f]{64} \(manual\); this peer \([0-9a-f]{64}\) is not among them$/,
      ],
      [['authorize', '--resource', projector, '--event', talk, 'confirm', 'now'], 'CLI_USAGE', /^"now" is out of place/],
      [['profile', 'set', '--avatar', 'javascript:alert(1)'], 'CLI_FLAG_INVALID', /^--avatar must be an http or https URL$/],
      [['event', 'list'], 'CLI_USAGE', /^unknown command "event"/],
    ];
    const before = await entryCount(dir);
    for (const [args, code, message] of cases) {
      await assert.rejects(
        run(
          [...args, '--data', dir],
          () => assert.fail(`${args.join(' ')} printed something`),
          undefined,
          () => undefined,
        ),
        (error: unknown) => {
          assert.ok(error instanceof PandaError, `${args.join(' ')}: ${String(error)}`);
          assert.equal(error.code, code, `${args.join(' ')}: ${error.message}`);
          assert.match(error.message, message, args.join(' '));
          assert.doesNotMatch(error.message, /\n/, 'one line');
          return true;
        },
      );
    }
    assert.equal(await entryCount(dir), before, 'nothing was stored');
  });

  test('the executable: the id alone on stdout; a mistake is one line on stderr with its code, exit code 2', () => {
    const dir = tempDir();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...args, '--data', dir], { cwd: ROOT, encoding: 'utf8' });
    const good = cli('festival', 'create', '--name', 'Shell Fest', '--start', '2027-06-04T14:00Z', '--end', '2027-06-05T14:00Z', '--timezone', 'UTC');
    assert.equal(good.status, 0, good.stderr);
    assert.match(good.stdout, /^0020[0-9a-f]{64}\n$/);
    assert.equal(good.stderr, '');
    const bad = cli('resource', 'create', '--festival', good.stdout.trim(), '--title', 'Stage', '--capacity', '0');
    assert.equal(bad.status, 2);
    assert.equal(bad.stdout, '');
    assert.equal(bad.stderr, 'panda: --capacity must be a whole number from 1 to 1000000 [CLI_FLAG_INVALID]\n');
  });
});

test('a NodePeer takes in what commands write beside it: entries to pass on, festivals joined and left', async () => {
  const dir = tempDir();
  const signaling = await startSignalingServer();
  const peer = await NodePeer.open({ dataDir: dir, signaling: [signaling.url], statusInterval: 0, watchInterval: 50 });
  const until = async (condition: () => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!condition()) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    const festival = await created(
      'festival',
      'create',
      '--data',
      dir,
      '--name',
      'Beside',
      '--start',
      '2027-06-04T14:00Z',
      '--end',
      '2027-06-05T14:00Z',
      '--timezone',
      'UTC',
    );
    const self = new DataDir(dir).identity().publicKey();
    await until(() => peer.replicator.festivals().includes(festival) && peer.network.festivals.includes(festival), 'the festival joined');
    await until(() => peer.health().authors.some((author) => author.publicKey === self), 'the entry taken in');
    await created('event', 'create', '--data', dir, '--festival', festival, '--title', 'Next', '--start', '2027-06-04T15:00Z', '--end', '2027-06-04T16:00Z');
    await until(() => peer.health().festivals.find((item) => item.id === festival)?.entries === 2, 'the second entry taken in');
    assert.deepEqual(
      (await peer.node.model()).schedule(festival).map((item) => item.event.title),
      ['Next'],
    );
    await panda('festival', 'leave', festival, '--data', dir);
    await until(() => !peer.replicator.festivals().includes(festival) && !peer.network.festivals.includes(festival), 'the festival left');
  } finally {
    await peer.close();
    await signaling.stop();
  }
});

describe(
  'a running `panda serve` passes on what the commands write; Chromium’s widgets show it',
  { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`, timeout: 120_000 },
  () => {
    let http: Server | undefined;

    after(() => http?.close());

    test('festival, resources and event made while serving appear in <panda-schedule> and <panda-resource>', async () => {
      if (!existsSync(join(WIDGETS, 'panda-widgets.js'))) await buildWidgets({ root: ROOT });
      const dir = tempDir();
      const port = await freePort();
      const signaling = `ws://127.0.0.1:${port}`;
      const stop = new AbortController();
      const served: string[] = [];
      const serving = run(['serve', '--data', dir, '--port', String(port)], (line) => served.push(line), stop.signal);
      let browser;
      try {
        const deadline = Date.now() + 30_000;
        while (!served.some((line) => line.startsWith('festivals:'))) {
          assert.ok(Date.now() < deadline, `panda serve did not start: ${served.join('\n')}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const made = await plan(dir);

        const page = (id: Hash, resource: Hash) => `<!doctype html><meta charset="utf-8"><title>Test Fest</title>
<script type="module" src="/panda-widgets.js"></script>
<panda-schedule festival="${id}" signaling="${signaling}"></panda-schedule>
<panda-resource resource="${resource}" festival="${id}" signaling="${signaling}"></panda-resource>`;
        http = createServer((request, response) => {
          const path = new URL(request.url ?? '/', 'http://page').pathname;
          const file = resolve(WIDGETS, `.${path}`);
          if (path === '/') {
            response.writeHead(200, { 'content-type': 'text/html;charset=utf-8' });
            response.end(page(made.festival, made.projector));
          } else if (file.startsWith(WIDGETS + sep) && file.endsWith('.js') && existsSync(file)) {
            response.writeHead(200, { 'content-type': 'text/javascript' });
            response.end(readFileSync(file));
          } else {
            response.writeHead(404);
            response.end();
          }
        });
        await new Promise<void>((listening) => http!.listen(0, '127.0.0.1', listening));
        const address = http.address();
        const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

        browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
        const tab = await browser.newPage();
        const problems: string[] = [];
        tab.on('pageerror', (error) => problems.push(error.message));
        await tab.goto(`${origin}/`);
        const schedule = tab.locator('panda-schedule');
        await schedule.getByText('Opening night').first().waitFor({ timeout: 45_000 });
        await schedule.getByText('Armazém 16').first().waitFor({ timeout: 10_000 });
        await tab.locator('panda-resource').getByText('Projector').first().waitFor({ timeout: 20_000 });
        assert.deepEqual(problems, []);
      } finally {
        await browser?.close();
        stop.abort();
        assert.equal(await serving, 0);
      }
    });
  },
);
