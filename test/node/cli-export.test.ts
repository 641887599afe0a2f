/**
 * `panda export-schedule`: the demo festival (demo/seed.ts) in a data directory, written as
 * iCalendar (read back with ical.js), c3voc/frab JSON (valid against the c3voc schema) and
 * XML (valid against the XSD); wrong calls are one-line CLI_USAGE errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ICAL from 'ical.js';
import { FestivalNode, hashingReady, isPandaError } from '../../core/index.js';
import { run } from '../../cli/panda.js';
import { seedDemoFestival, type DemoFestival } from '../../demo/seed.js';
import { DataDir } from '../../node/data-dir.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { frabJsonValidator, frabXmlErrors } from '../widgets/frab-validators.js';

async function panda(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await run(args, (line) => lines.push(line));
  return { code, lines };
}

const usageError = (error: unknown) => isPandaError(error, 'CLI_USAGE');

describe('panda export-schedule', () => {
  let dir: string;
  let demo: DemoFestival;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panda-export-'));
    await hashingReady();
    const store = new SqliteStore(new DataDir(dir).databasePath);
    demo = await seedDemoFestival(new FestivalNode(store), { firstDay: '2026-10-23' });
    store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('--help lists it', async () => {
    const { lines } = await panda('--help');
    assert.match(lines[0]!, /export-schedule --festival ID --format ical\|frab-json\|frab-xml \[--out FILE\]/);
  });

  test('iCalendar on stdout: every event, in the festival’s time zone, CRLF lines', async () => {
    const { code, lines } = await panda('export-schedule', '--festival', demo.festivalId, '--format', 'ical', '--data', dir);
    assert.equal(code, 0);
    assert.equal(lines.length, 1);
    // `output` adds the last line break, as console.log writes it.
    const text = `${lines[0]!}\n`;
    assert.ok(text.endsWith('END:VCALENDAR\r\n'));
    assert.doesNotMatch(text, /[^\r]\n/, 'every line ends with CRLF');
    const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
    for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
    assert.equal(calendar.getFirstPropertyValue('x-wr-calname'), 'Hoffnung 3000');
    const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component));
    assert.deepEqual(events.map((event) => event.summary).sort(), [...demo.events].sort());
    assert.equal(new Set(events.map((event) => event.uid)).size, events.length);
    const opening = events.find((event) => event.summary === 'Opening: welcome to Hoffnung 3000')!;
    assert.equal(opening.component.getFirstProperty('dtstart')?.getParameter('tzid'), 'Europe/Berlin');
    // 16:00 in Berlin on the first day (CEST, UTC+2).
    assert.equal(opening.startDate.toJSDate().toISOString(), '2026-10-23T14:00:00.000Z');
    ICAL.TimezoneService.reset();
  });

  test('frab JSON to a file, valid against the c3voc schema', async () => {
    const file = join(dir, 'schedule.json');
    const { code, lines } = await panda('export-schedule', '--festival', demo.festivalId, '--format', 'frab-json', '--out', file, '--data', dir);
    assert.equal(code, 0);
    assert.match(lines[0]!, /^wrote \d+ bytes of frab-json to /);
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      schedule: { conference: { title: string; time_zone_name: string; days: Array<{ rooms: Record<string, Array<{ title: string }>> }> } };
    };
    const validate = frabJsonValidator();
    assert.ok(validate(json), JSON.stringify(validate.errors?.slice(0, 5), null, 1));
    const { conference } = json.schedule;
    assert.equal(conference.title, 'Hoffnung 3000');
    assert.equal(conference.time_zone_name, 'Europe/Berlin');
    assert.equal(conference.days.length, 3);
    const titles = conference.days.flatMap((day) =>
      Object.values(day.rooms)
        .flat()
        .map((event) => event.title),
    );
    assert.deepEqual(titles.sort(), [...demo.events].sort());
  });

  test('frab XML, valid against the XSD', async () => {
    const file = join(dir, 'schedule.xml');
    assert.equal((await panda('export-schedule', '--festival', demo.festivalId, '--format', 'frab-xml', '--out', file, '--data', dir)).code, 0);
    assert.deepEqual(await frabXmlErrors(readFileSync(file, 'utf8')), []);
  });

  test('wrong calls are CLI_USAGE errors', async () => {
    const festival = demo.festivalId;
    await assert.rejects(panda('export-schedule', '--festival', festival, '--data', dir), usageError);
    await assert.rejects(panda('export-schedule', '--festival', festival, '--format', 'pdf', '--data', dir), usageError);
    await assert.rejects(panda('export-schedule', '--format', 'ical', '--data', dir), usageError);
    await assert.rejects(panda('export-schedule', '--festival', 'nope', '--format', 'ical', '--data', dir), usageError);
    await assert.rejects(panda('export-schedule', '--festival', festival, '--festival', demo.kidsFestivalId, '--format', 'ical', '--data', dir), usageError);
    await assert.rejects(panda('export-schedule', '--festival', `0020${'ab'.repeat(32)}`, '--format', 'ical', '--data', dir), usageError);
    await assert.rejects(panda('export-schedule', '--festival', festival, '--format', 'ical', '--data', join(dir, 'missing')), usageError);
    await assert.rejects(
      panda('export-schedule', '--festival', festival, '--format', 'ical', '--out', join(dir, 'missing', 'x.ics'), '--data', dir),
      usageError,
    );
  });
});
