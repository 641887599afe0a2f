/**
 * `panda import-schedule`: the real schedules in ../shared/reference (frab's camp2019,
 * pretalx's democon), as JSON v1, as schedule.xml and as JSON v2, become festivals whose
 * schedule, read back through the model and exported as frab JSON, has the source's talks,
 * rooms, start times and durations, talk by talk. An edited copy (one talk moved, one
 * removed, one added) makes exactly those three changes, a second run none; an import cut
 * off midway goes on where it stopped. Bad talks are one line each and the rest is imported;
 * a file that is no schedule is one line with a stable code, never a stack trace.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { FestivalNode, hashingReady, isHash, isPandaError, type Hash } from '../../core/index.js';
import { DataDir } from '../../node/data-dir.js';
import { festivalSchedule } from '../../node/schedule-export.js';
import { importSchedule } from '../../node/schedule-import.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { exportFrabJson, exportFrabXml } from '../../widgets/lib/export-frab.js';
import { uuidV5 } from '../../widgets/lib/frab-format.js';
import { fromFrabJson } from '../../widgets/lib/import-frab.js';
import { readScheduleFile } from '../../widgets/lib/schedule-file.js';
import { frabJsonValidator } from '../widgets/frab-validators.js';
import { readReference, SCHEDULES } from '../widgets/support.js';
import { entryCount, runPanda, scratchDirs, withModel } from './cli-support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(import.meta.url);
const CAMP = join(SCHEDULES, 'frab-camp2019.json');
const DEMOCON = join(SCHEDULES, 'pretalx-democon.json');

const tempDir = scratchDirs('panda-import-');
const panda = runPanda;

/** Imports `file` into a festival it creates in `dir`: the festival id and what it said. */
async function importNew(file: string, dir: string, ...flags: string[]) {
  const result = await panda('import-schedule', file, '--create', '--data', dir, ...flags);
  assert.ok(isHash(result.lines[0]), result.lines.join('\n'));
  return { festival: result.lines[0], ...result };
}

interface Talk {
  title: string;
  room: string;
  start: number;
  minutes: number;
}

const minutesOf = (duration: string) => duration.split(':').reduce((total, part, i) => (i < 2 ? total * 60 + Number(part) : total), 0);
const byTime = (a: Talk, b: Talk) => a.start - b.start || a.room.localeCompare(b.room) || a.title.localeCompare(b.title);

type V1Event = { title: string; room: string; date: string; end?: string; duration: string; guid: string; id: number; persons: Array<{ public_name: string }> };
type V1 = {
  schedule: { conference: { days: Array<{ rooms: Record<string, V1Event[]> }>; rooms?: Array<{ name: string }> } & Record<string, unknown> } & Record<
    string,
    unknown
  >;
};

const v1Events = (json: V1) => json.schedule.conference.days.flatMap((day) => Object.values(day.rooms).flat());

/** The talks of a JSON v1 schedule (the source, or an export). */
function talksOf(json: V1): Talk[] {
  return v1Events(json)
    .map((event) => ({ title: event.title, room: event.room, start: Date.parse(event.date), minutes: minutesOf(event.duration) }))
    .sort(byTime);
}

/** The festival's schedule read back through the model and exported as frab JSON. */
async function exported(dir: string, festival: Hash) {
  const json = await withModel(dir, (model) => exportFrabJson(festivalSchedule(model, festival)!));
  return JSON.parse(JSON.stringify(json)) as V1;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as V1;

/** A file of `text` in a fresh directory. */
function fileOf(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

/** camp2019 in JSON format v2 (valid against c3voc-schedule-schema2.json). */
function campAsV2(): unknown {
  const source = readJson(CAMP);
  const conference = source.schedule.conference as Record<string, unknown>;
  const rooms = ['Curie', 'Meitner'].map((name) => ({ name, guid: uuidV5(`room:${name}`) }));
  const events = v1Events(source).map((event) => {
    const start = Date.parse(event.date);
    return {
      guid: event.guid,
      start: event.date,
      end: new Date(start + minutesOf(event.duration) * 60_000).toISOString(),
      room: { guid: rooms.find((room) => room.name === event.room)!.guid },
      slug: `camp2019-${event.id}`,
      url: `https://fahrplan.events.ccc.de/camp/2019/Fahrplan/events/${event.id}.html`,
      title: event.title,
      subtitle: null,
      track: { slug: 'ccc' },
      type: 'TALK',
      language: 'en',
      abstract: { en: `About ${event.title}` },
      participants: event.persons.map((person) => ({ name: person.public_name, guid: uuidV5(`person:${person.public_name}`) })),
      links: [],
    };
  });
  return {
    $schema: 'https://c3voc.de/schema/schedule2',
    schedule: {
      version: 'v2 test copy',
      conference: {
        acronym: 'camp2019',
        title: conference['title'],
        start: '2019-08-21T00:00:00+02:00',
        end: '2019-08-26T00:00:00+02:00',
        time_zone_name: 'Europe/Berlin',
        tracks: [{ name: 'CCC', slug: 'ccc' }],
        rooms,
        days: [],
      },
      events,
    },
  };
}

describe('panda import-schedule', () => {
  for (const [name, path] of [
    ['frab camp2019', CAMP],
    ['pretalx democon', DEMOCON],
  ] as const) {
    test(`${name}: the model's frab export has the source's talks, rooms and times, talk by talk`, async (t) => {
      const dir = tempDir();
      const began = performance.now();
      const { festival, lines, notes, code } = await importNew(path, dir);
      t.diagnostic(`${name}: imported in ${Math.round(performance.now() - began)} ms`);
      const source = readJson(path);
      const talks = talksOf(source);
      const rooms = new Set(talks.map((talk) => talk.room)).size;
      assert.equal(code, 0, notes.join('\n'));
      assert.deepEqual(notes, []);
      assert.equal(lines[1], `festival created, ${talks.length} events added, ${rooms} rooms added`);

      const back = await exported(dir, festival);
      assert.ok(frabJsonValidator()(back), 'the export is valid c3voc JSON');
      assert.deepEqual(talksOf(back), talks);
      const conference = back.schedule.conference;
      const sourceConference = source.schedule.conference;
      assert.equal(conference['title'], sourceConference['title']);
      assert.equal(conference['time_zone_name'], sourceConference['time_zone_name']);
      assert.deepEqual([conference['start'], conference['end']], [sourceConference['start'], sourceConference['end']]);

      // Signed by the peer, which says it is a bot; each event requests its room.
      const self = new DataDir(dir).identity().publicKey();
      await withModel(dir, (model) => {
        assert.match(model.profileOf(self)!.description, /^A bot/);
        const events = [...model.events.values()].filter((event) => event.festival === festival);
        assert.equal(events.length, talks.length);
        for (const event of events) {
          assert.equal(event.owner, self);
          assert.equal(event.resources.length, 1);
          assert.equal(model.resources.get(event.resources[0]!)!.kind, 'location');
        }
        const opening = events.find((event) => event.title === v1Events(source)[0]!.title)!;
        assert.match(opening.description, new RegExp(`\\[imported from a schedule: talk ${v1Events(source)[0]!.guid}\\]$`));
        if (name.includes('camp')) assert.match(opening.description, /Speakers: jinxx, smtw/);
      });
      assert.ok(
        new DataDir(dir).config().festivals.some((setting) => setting.id === festival),
        'joined',
      );

      const entries = await entryCount(dir);
      const again = await importNew(path, dir);
      assert.equal(again.festival, festival, '--create again continues the festival made from this schedule');
      assert.equal(again.lines[1], 'nothing changed');
      assert.equal(await entryCount(dir), entries);
    });
  }

  test('schedule.xml and JSON v2 give the same festival as the JSON', async () => {
    const json = tempDir();
    const talks = talksOf(await exported(json, (await importNew(CAMP, json)).festival));

    const xmlFile = fileOf('camp2019.xml', exportFrabXml(fromFrabJson(readFileSync(CAMP, 'utf8'))));
    assert.equal(readScheduleFile(readFileSync(xmlFile, 'utf8')).format, 'frab-xml');
    const xml = tempDir();
    const fromXml = await importNew(xmlFile, xml);
    assert.equal(fromXml.code, 0, fromXml.notes.join('\n'));
    assert.deepEqual(talksOf(await exported(xml, fromXml.festival)), talks);

    const v2 = campAsV2();
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
    addFormatsModule.default(ajv);
    ajv.addFormat('color', /^#[0-9a-fA-F]{6}$/);
    const validate = ajv.compile(JSON.parse(readReference('c3voc-schedule-schema2.json')) as object);
    assert.ok(validate(v2), JSON.stringify(validate.errors?.slice(0, 3)));
    const v2File = fileOf('camp2019-v2.json', JSON.stringify(v2));
    assert.equal(readScheduleFile(readFileSync(v2File, 'utf8')).format, 'frab-json-v2');
    const fromV2Dir = tempDir();
    const fromV2 = await importNew(v2File, fromV2Dir);
    assert.equal(fromV2.code, 0, fromV2.notes.join('\n'));
    assert.deepEqual(talksOf(await exported(fromV2Dir, fromV2.festival)), talks);
    await withModel(fromV2Dir, (model) => {
      const event = [...model.events.values()].find((item) => item.title === 'Opening Ceremony')!;
      assert.match(event.description, /^About Opening Ceremony\n\nSpeakers: jinxx, smtw\nTrack: CCC/);
    });
  });

  test('an edited copy (one talk moved, one removed, one added) makes exactly those changes', async () => {
    const dir = tempDir();
    const { festival } = await importNew(CAMP, dir);
    const edited = readJson(CAMP);
    const [first, second] = Object.values(edited.schedule.conference.days[1]!.rooms);
    const moved = first![0]!;
    moved.date = moved.date.replace(/T(\d\d)/, (_, hour: string) => `T${String(Number(hour) + 1).padStart(2, '0')}`);
    const removed = first!.splice(1, 1)[0]!;
    second!.push({ ...second![0]!, guid: '0d2d7f5c-7a3c-4c8e-9d0e-3f1a2b3c4d5e', id: 99999, title: 'A talk added later', date: '2019-08-22T23:00:00+02:00' });
    const file = fileOf('camp2019-edited.json', JSON.stringify(edited));
    const entries = await entryCount(dir);

    const result = await panda('import-schedule', file, '--festival', festival, '--data', dir);
    assert.equal(result.code, 0, result.notes.join('\n'));
    assert.deepEqual(result.lines, [festival, '1 event added, 1 moved, 1 removed']);
    assert.equal(await entryCount(dir), entries + 3, 'three operations: a CREATE, an UPDATE, a DELETE');
    const talks = talksOf(await exported(dir, festival));
    assert.deepEqual(talks, talksOf(edited));
    assert.ok(!talks.some((talk) => talk.title === removed.title));

    const again = await panda('import-schedule', file, '--festival', festival, '--data', dir);
    assert.deepEqual(again.lines, [festival, 'nothing changed']);
    assert.equal(await entryCount(dir), entries + 3);
  });

  test('a room gone from the file is removed with its talks; --policy sets the rooms', async () => {
    const dir = tempDir();
    const { festival } = await importNew(DEMOCON, dir, '--policy', 'manual');
    await withModel(dir, (model) => {
      const rooms = [...model.resources.values()].filter((resource) => resource.festival === festival);
      assert.deepEqual(rooms.map((room) => room.policy).sort(), ['manual', 'manual']);
    });
    const edited = readJson(DEMOCON);
    const tan = v1Events(edited).filter((event) => event.room === 'Tan Room').length;
    for (const day of edited.schedule.conference.days) delete day.rooms['Tan Room'];
    const conference = edited.schedule.conference;
    conference.rooms = conference.rooms!.filter((room) => room.name !== 'Tan Room');
    const result = await panda('import-schedule', fileOf('democon.json', JSON.stringify(edited)), '--festival', festival, '--data', dir);
    assert.deepEqual(result.lines, [festival, `${tan} events removed, 1 room removed`]);
    const back = await panda('import-schedule', DEMOCON, '--festival', festival, '--data', dir, '--policy', 'first-come-first-served');
    assert.deepEqual(back.lines, [festival, `${tan} events added, 1 room added, 1 updated`]);
  });

  test('an import cut off midway goes on where it stopped on the next run', async () => {
    const dir = tempDir();
    await hashingReady();
    const data = new DataDir(dir);
    data.ensure();
    const store = new SqliteStore(data.databasePath);
    const node = new FestivalNode(store);
    const createEvent = node.createEvent.bind(node);
    let made = 0;
    node.createEvent = (keyPair, fields) => (++made > 30 ? Promise.reject(new Error('power cut')) : createEvent(keyPair, fields));
    await assert.rejects(importSchedule(node, data.identityOrCreate(), readScheduleFile(readFileSync(CAMP, 'utf8'))), /power cut/);
    store.close();

    const { lines } = await importNew(CAMP, dir);
    assert.equal(lines[1], '49 events added');
    const festivals = await withModel(dir, (model) => [...model.festivals.values()]);
    assert.equal(festivals.length, 1, 'the festival made before the cut, not a second one');
    assert.deepEqual(talksOf(await exported(dir, lines[0] as Hash)), talksOf(readJson(CAMP)));
  });

  test('bad talks are one line each, naming the talk; the valid ones are imported', async () => {
    const json = readJson(DEMOCON);
    const day = json.schedule.conference.days[0]!;
    const gray = day.rooms['Gray Room']!;
    const [roomless, badDuration, endsEarly, noLength, noOffset] = gray.slice(0, 5) as [V1Event, V1Event, V1Event, V1Event, V1Event];
    gray.splice(0, 1);
    roomless.room = '';
    day.rooms[''] = [roomless];
    badDuration.duration = 'long';
    endsEarly.end = '2020-12-14T08:00:00+01:00';
    noLength.duration = '00:00';
    delete (noOffset as Partial<V1Event>).date;
    (json.schedule.conference as Record<string, unknown>)['time_zone_name'] = 'Mars/Olympus_Mons';
    const total = v1Events(json).length;
    const file = fileOf('bad.json', JSON.stringify(json));

    const dir = tempDir();
    const { code, lines, notes } = await importNew(file, dir);
    assert.equal(code, 1);
    assert.match(notes[0]!, /^problem: the schedule's time zone "Mars\/Olympus_Mons" is not an IANA time zone/);
    const named = (talk: V1Event) => `^skipped ${JSON.stringify(talk.title).replace(/[()]/g, '\\$&')} \\(guid ${talk.guid}\\): `;
    const expected = [
      new RegExp(`${named(badDuration)}duration: "long" is not a duration$`),
      new RegExp(`${named(endsEarly)}ends before it starts$`),
      new RegExp(`${named(noOffset)}its start \\d\\d:\\d\\d has no offset, and the schedule's time zone is unknown$`),
      new RegExp(`${named(roomless)}has no room$`),
      new RegExp(`${named(noLength)}ends when it starts`),
    ];
    assert.equal(notes.length, 1 + expected.length, notes.join('\n'));
    for (const pattern of expected)
      assert.ok(
        notes.some((line) => pattern.test(line)),
        `${pattern}\n${notes.join('\n')}`,
      );
    assert.equal(lines[1], `festival created, ${total - 5} events added, 2 rooms added; 5 talks skipped`);
    const festival = lines[0] as Hash;
    await withModel(dir, (model) => assert.equal(model.festivals.get(festival)!.timezone, 'UTC'));

    // The good file adds the five; the bad one again leaves them alone (a problem in the file
    // deletes nothing) but for the one --timezone now reads (09:00 UTC, not 09:00+01:00).
    const good = await panda('import-schedule', DEMOCON, '--festival', festival, '--data', dir);
    assert.deepEqual(good.lines, [festival, '5 events added']);
    const bad = await panda('import-schedule', file, '--festival', festival, '--data', dir, '--timezone', 'UTC');
    assert.equal(bad.code, 1);
    assert.deepEqual(bad.lines, [festival, '1 event moved; 4 talks skipped']);
  });

  test('a file that is no schedule, and wrong calls: one line with a stable code', async () => {
    const dir = tempDir();
    const cases: Array<[string[], string, RegExp]> = [
      [[fileOf('x.txt', 'BEGIN:VCALENDAR\n'), '--create'], 'SCHEDULE_FORMAT_UNKNOWN', /x\.txt: is neither JSON nor XML/],
      [[fileOf('x.json', '{"events": []}'), '--create'], 'SCHEDULE_FORMAT_UNKNOWN', /has no "schedule" object/],
      [[fileOf('x.xml', '<html><body/></html>'), '--create'], 'SCHEDULE_FORMAT_UNKNOWN', /its root is <html>/],
      [[fileOf('x.xml', '<schedule><day>\n<room></day></schedule>'), '--create'], 'SCHEDULE_INVALID', /XML line 2: <\/day> closes <room>/],
      [[fileOf('x.xml', '<!DOCTYPE x [<!ENTITY a "aaaa">]><schedule/>'), '--create'], 'SCHEDULE_INVALID', /document type with declarations/],
      [[fileOf('x.json', '{"schedule": '), '--create'], 'SCHEDULE_INVALID', /not valid JSON/],
      [[fileOf('x.json', '{"schedule": {"conference": {"days": []}}}'), '--create'], 'SCHEDULE_INVALID', /has neither title nor acronym/],
      [[join(dir, 'missing.json'), '--create'], 'CLI_USAGE', /cannot read .*missing\.json \(ENOENT\)/],
      [[CAMP], 'CLI_USAGE', /either --festival ID .* or --create/],
      [[CAMP, '--create', '--festival', `0020${'ab'.repeat(32)}`], 'CLI_USAGE', /either --festival/],
      [[CAMP, '--festival', `0020${'ab'.repeat(32)}`], 'CLI_NOT_FOUND', /--festival: no festival/],
      [[CAMP, '--create', '--policy', 'quorum'], 'CLI_FLAG_INVALID', /--policy "quorum" is none of first-come-first-served, manual/],
      [[CAMP, '--create', '--timezone', 'Berlin'], 'CLI_FLAG_INVALID', /--timezone "Berlin" is not an IANA time zone/],
    ];
    for (const [args, code, message] of cases) {
      await assert.rejects(
        panda('import-schedule', ...args, '--data', dir),
        (error: unknown) => isPandaError(error) && error.code === code && message.test(error.message),
        `${args.join(' ')}: ${code} ${message}`,
      );
    }
    assert.equal(await withModel(dir, (model) => model.festivals.size), 0, 'nothing stored');

    const unclosed = fileOf('y.xml', '<schedule>');
    const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'import-schedule', unclosed, '--create', '--data', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(cli.status, 2);
    assert.equal(cli.stderr, `panda: ${unclosed}: XML line 1: <schedule> is never closed [SCHEDULE_INVALID]\n`);
  });
});
