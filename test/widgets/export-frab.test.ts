/**
 * c3voc/frab export: JSON valid against the c3voc schema (draft-06, Ajv with formats), XML
 * valid against schedule.xml.xsd (libxml2 in WebAssembly), deterministic ids, the October
 * night in Berlin, and the round trip back through fromFrabJson.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import type { ValidateFunction } from 'ajv';
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { eventGuid, exportFrabJson, exportFrabXml, frabAcronym, frabFileName, sha1, uuidV5, type FrabEvent } from '../../widgets/lib/export-frab.js';
import { fromFrabJson, fromProviderQueries, type ScheduleData, type ScheduleEvent } from '../../widgets/lib/schedule-data.js';
import { frabJsonValidator, frabXmlErrors } from './frab-validators.js';
import { buildFestival, plain, readReference, referenceSchedules } from './support.js';

/** The c3voc schema is draft-06 (frabJsonValidator reads it as such). */
function jsonValidator(): ValidateFunction {
  const schema = JSON.parse(readReference('c3voc-schedule-schema.json')) as { $schema: string };
  assert.equal(schema.$schema, 'http://json-schema.org/draft-06/schema#');
  return frabJsonValidator();
}

const allEvents = (json: ReturnType<typeof exportFrabJson>): FrabEvent[] => json.schedule.conference.days.flatMap((day) => Object.values(day.rooms).flat());

function assertJsonValid(validate: ValidateFunction, json: unknown, label: string) {
  const valid = validate(json);
  assert.ok(valid, `${label}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
}

/** What a round trip must keep: titles, instants, rooms (by name). */
function essentials(data: ScheduleData) {
  const names = new Map(data.locations.map((location) => [location.id, location.name]));
  return data.events.map((event: ScheduleEvent) => ({
    title: event.title,
    start: event.start,
    end: event.end,
    room: event.locationIds.map((id) => names.get(id)),
  }));
}

describe('frab export', () => {
  let validate: ValidateFunction;
  let fixture: Awaited<ReturnType<typeof buildFestival>>;
  let data: ScheduleData;
  before(async () => {
    validate = jsonValidator();
    fixture = await buildFestival();
    data = fromProviderQueries(plain(fixture.festivalResult), plain(fixture.items));
  });

  test('the validators catch what they must (so passing means something)', async () => {
    const json = exportFrabJson(data);
    const broken = structuredClone(json) as unknown as { schedule: { conference: { days: Array<{ rooms: Record<string, Array<Record<string, unknown>>> }> } } };
    const event = Object.values(broken.schedule.conference.days[1]!.rooms)[0]![0]!;
    delete event.guid;
    assert.equal(validate(broken), false);
    event.guid = 'not-a-uuid';
    assert.equal(validate(broken), false);
    const xml = exportFrabXml(data);
    assert.deepEqual(await frabXmlErrors(xml), []);
    assert.notDeepEqual(await frabXmlErrors(xml.replace(/ id="\d+"/, ' id="0"')), []);
    assert.notDeepEqual(await frabXmlErrors(xml.replace(/<duration>/, '<duration>1')), []);
  });

  test('a festival: JSON valid against the c3voc schema, XML against the XSD', async () => {
    assertJsonValid(validate, exportFrabJson(data), 'fixture');
    assert.deepEqual(await frabXmlErrors(exportFrabXml(data)), []);
    // As published: through JSON text.
    assertJsonValid(validate, JSON.parse(JSON.stringify(exportFrabJson(data))), 'fixture as text');
  });

  test('conference, days over the October change, rooms', () => {
    const { conference } = exportFrabJson(data).schedule;
    assert.equal(conference.acronym, 'hoffnung_3000');
    assert.equal(conference.title, 'Hoffnung 3000');
    assert.equal(conference.time_zone_name, 'Europe/Berlin');
    assert.equal(conference.url, 'https://hoffnung3000.example/');
    assert.deepEqual([conference.start, conference.end, conference.daysCount], ['2025-10-25', '2025-10-26', 2]);
    assert.deepEqual(
      conference.days.map((day) => [day.index, day.date, day.day_start, day.day_end]),
      [
        [1, '2025-10-25', '2025-10-25T00:00:00+02:00', '2025-10-26T00:00:00+02:00'],
        [2, '2025-10-26', '2025-10-26T00:00:00+02:00', '2025-10-27T00:00:00+01:00'],
      ],
    );
    assert.deepEqual(
      conference.rooms.map((room) => room.name),
      ['Hof', 'Klangkeller', 'Other'],
    );
    assert.equal(conference.rooms[1]!.description, 'Kellerstraße 3, Berlin');
    assert.equal(conference.rooms[1]!.url, 'https://klangkeller.example/');
    assert.deepEqual(
      conference.tracks.map((track) => track.name),
      ['Kinderprogramm'],
    );
    assert.deepEqual(Object.keys(conference.days[1]!.rooms), ['Hof', 'Other']);
  });

  test('events: offsets, wall-clock start, duration, ids, slugs', () => {
    const json = exportFrabJson(data);
    const events = allEvents(json);
    const byTitle = new Map(events.map((event) => [event.title, event]));
    const first = byTitle.get('Erste Zwei')!;
    const second = byTitle.get('Zweite Zwei')!;
    assert.deepEqual([first.date, first.start, first.duration, first.end], ['2025-10-26T02:15:00+02:00', '02:15', '00:30', '2025-10-26T02:45:00+02:00']);
    assert.deepEqual([second.date, second.start, second.duration], ['2025-10-26T02:15:00+01:00', '02:15', '00:30']);
    const night = byTitle.get('Night of chaos')!;
    assert.deepEqual([night.date, night.duration, night.room], ['2025-10-25T22:00:00+02:00', '05:30', 'Klangkeller']); // 22:00 CEST to 02:30 CET is 5½ hours
    assert.equal(night.description, 'Loud; very loud, and long.\nBring earplugs \\o/');
    assert.equal(byTitle.get('Café an der Straße')!.room, 'Other');
    assert.equal(byTitle.get('Frühstück')!.track, 'Kinderprogramm');
    assert.equal(byTitle.get('Frühstück')!.slug.startsWith('hoffnung_3000-'), true);
    assert.match(byTitle.get('Café an der Straße')!.slug, /^hoffnung_3000-\d+-cafe_an_der_strasse$/);
    assert.equal(new Set(events.map((event) => event.id)).size, events.length);
    assert.equal(new Set(events.map((event) => event.guid)).size, events.length);
    assert.equal(new Set(events.map((event) => event.slug)).size, events.length);
    for (const event of events) {
      const original = data.events.find((candidate) => eventGuid(candidate) === event.guid)!;
      assert.ok(original, event.title);
      assert.equal(event.url, `urn:uuid:${event.guid}`); // no page of its own: a URN, valid as "uri"
    }
  });

  test('the small SHA-1 agrees with @noble/hashes at every padding boundary', () => {
    const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
    assert.equal(hex(sha1(new Uint8Array())), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
    assert.equal(hex(sha1(new TextEncoder().encode('abc'))), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    for (let length = 0; length < 300; length++) {
      const message = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      assert.equal(hex(sha1(message)), hex(nobleSha1(message)), `length ${length}`);
    }
  });

  test('guids are UUIDs version 5, stable across exports', () => {
    // RFC 9562's namespace test vector: uuid5(NS_DNS, "python.org").
    assert.equal(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '886313e1-3b8a-5372-9b90-0c9aee199e5d');
    const guid = eventGuid({ id: fixture.ids.night });
    assert.match(guid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(eventGuid({ id: fixture.ids.night }), guid);
    assert.notEqual(eventGuid({ id: fixture.ids.first }), guid);
    assert.equal(eventGuid({ id: 'A0A0FCFE-B7FB-46E3-84B6-97A5406016B4' }), 'a0a0fcfe-b7fb-46e3-84b6-97a5406016b4'); // frab's own kept
    assert.deepEqual(exportFrabJson(data), exportFrabJson(data));
    assert.equal(exportFrabXml(data), exportFrabXml(data));
    // The version follows the content.
    const changed = { ...data, events: data.events.map((event, index) => (index === 0 ? { ...event, title: 'Umbenannt' } : event)) };
    assert.notEqual(exportFrabJson(changed).schedule.version, exportFrabJson(data).schedule.version);
    assert.equal(exportFrabJson(data, { version: '1.2' }).schedule.version, '1.2');
  });

  test('round trip: fromFrabJson(exportFrabJson(x)) keeps titles, times and rooms', () => {
    const back = fromFrabJson(JSON.parse(JSON.stringify(exportFrabJson(data))));
    assert.deepEqual(
      essentials(back),
      essentials(data).map((event) => ({ ...event, room: event.room.length === 0 ? ['Other'] : event.room })),
    );
    assert.equal(back.festival.name, data.festival.name);
    assert.equal(back.festival.timezone, 'Europe/Berlin');
    assert.deepEqual(
      back.events.map((event) => event.description),
      data.events.map((event) => event.description),
    );
  });

  for (const [name, json] of referenceSchedules()) {
    test(`${name}: exports validate, and round-trip`, async () => {
      const original = fromFrabJson(json);
      const exported = exportFrabJson(original);
      assertJsonValid(validate, exported, name);
      assert.deepEqual(await frabXmlErrors(exportFrabXml(original)), []);
      const back = fromFrabJson(JSON.parse(JSON.stringify(exported)));
      assert.deepEqual(essentials(back), essentials(original));
      // frab's own guids and ids survive, and so do people, tracks, types, links, URLs.
      assert.deepEqual(
        back.events.map((event) => [
          event.id,
          event.frabId,
          event.persons.map((person) => person.name),
          event.track,
          event.kind,
          event.url,
          event.abstract,
          event.subtitle,
        ]),
        original.events.map((event) => [
          event.id,
          event.frabId,
          event.persons.map((person) => person.name),
          event.track,
          event.kind,
          event.url,
          event.abstract,
          event.subtitle,
        ]),
      );
      assert.equal(back.festival.start, original.festival.start);
      assert.equal(back.festival.end, original.festival.end);
    });
  }

  test('awkward content: markup, controls, duplicate room names, no title, very long events', async () => {
    const base = fromFrabJson(referenceSchedules().find(([name]) => name.includes('democon'))![1]); // UTC
    const nasty: ScheduleData = {
      ...base,
      festival: { ...base.festival, name: 'ÄÖ', id: 'x' },
      source: 'peer',
      locations: [
        { id: 'l1', name: 'Saal <1> & "Co"', kind: 'location' },
        { id: 'l2', name: 'Saal <1> & "Co"', kind: 'stage' },
      ],
      events: [
        {
          ...base.events[0]!,
          id: 'n1',
          title: 'A <b>bold</b> & "quoted" \u0007 title',
          description: 'x\u0000y',
          locationIds: ['l1'],
          links: [{ url: 'https://example.org/?a=1&b=2', title: 'Link & more', type: 'slides' }],
          persons: [{ name: 'Zoë <z@example.org>' }],
        },
        { ...base.events[1]!, id: 'n2', title: '', locationIds: ['l2'], start: Date.parse('2020-12-14T10:00:00Z'), end: Date.parse('2020-12-19T10:00:00Z') },
      ],
    };
    const json = exportFrabJson(nasty);
    assertJsonValid(validate, json, 'nasty');
    const xml = exportFrabXml(nasty);
    assert.deepEqual(await frabXmlErrors(xml), []);
    assert.ok(xml.includes('<title>A &lt;b&gt;bold&lt;/b&gt; &amp; "quoted"  title</title>'));
    assert.ok(xml.includes('<room name="Saal &lt;1&gt; &amp; &quot;Co&quot; (2)"'));
    assert.ok(xml.includes('<link href="https://example.org/?a=1&amp;b=2" type="slides">Link &amp; more</link>'));
    const events = allEvents(json);
    assert.deepEqual(
      events.map((event) => event.room),
      ['Saal <1> & "Co"', 'Saal <1> & "Co" (2)'],
    );
    assert.equal(events[1]!.duration, '99:59'); // 120 hours: capped for the XSD; `end` is exact
    assert.equal(events[1]!.end, '2020-12-19T10:00:00+00:00');
    assert.match(json.schedule.conference.acronym, /^aeo_[0-9a-f]{6}$|^ao_[0-9a-f]{6}$/);
    assert.equal(json.schedule.conference.rooms[1]!.type, 'stage');
  });

  test('a festival without events still has a day', async () => {
    const empty: ScheduleData = {
      ...data,
      events: [],
      festival: { ...data.festival, start: Date.parse('2025-10-25T10:00:00Z'), end: Date.parse('2025-10-25T12:00:00Z') },
    };
    const json = exportFrabJson(empty);
    assertJsonValid(validate, json, 'empty');
    assert.deepEqual(await frabXmlErrors(exportFrabXml(empty)), []);
    assert.equal(json.schedule.conference.days.length, 1);
  });

  test('names: acronym and file names', () => {
    assert.equal(frabAcronym(data), 'hoffnung_3000');
    assert.equal(frabAcronym(fromFrabJson(referenceSchedules().find(([name]) => name.includes('democon'))![1])), 'democon');
    assert.equal(frabAcronym(fromFrabJson(referenceSchedules().find(([name]) => name.includes('camp2019'))![1])), 'chaos_communication_camp_2019');
    assert.equal(frabFileName(data, 'xml'), 'hoffnung_3000-schedule.xml');
  });
});
