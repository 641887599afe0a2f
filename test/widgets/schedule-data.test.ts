/**
 * The widgets' schedule view: from the festival model (live objects and the provider's
 * JSON alike), from c3voc/frab JSON (every reference schedule), and refusing garbage with
 * SCHEDULE_INVALID.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { isPandaError, type ScheduleItem } from '../../core/index.js';
import {
  eventsByLocation,
  fromFrabJson,
  fromProviderQueries,
  fromScheduleItems,
  httpUrl,
  subsetSchedule,
  type ScheduleData,
  type ScheduleItemInput,
} from '../../widgets/lib/schedule-data.js';
import { buildFestival, plain, referenceSchedules } from './support.js';

const invalid = (error: unknown) => isPandaError(error, 'SCHEDULE_INVALID');

describe('fromScheduleItems', () => {
  let fixture: Awaited<ReturnType<typeof buildFestival>>;
  let live: ScheduleData;
  let json: ScheduleData;
  before(async () => {
    fixture = await buildFestival();
    // Live objects are accepted as they are (a type check as much as a run).
    const items: readonly ScheduleItemInput[] = fixture.items satisfies ScheduleItem[];
    live = fromScheduleItems(fixture.festivalResult.festival, fixture.festivalResult.tree, items, { source: 'peer' });
    json = fromProviderQueries(plain(fixture.festivalResult), plain(fixture.items));
  });

  test('live objects and the provider JSON give the same view', () => {
    assert.deepEqual({ ...json, source: 'peer' }, live);
    assert.equal(json.source, 'extension');
    assert.equal(json.readOnly, false);
  });

  test('festival, nested festivals, times in ms', () => {
    assert.equal(live.festival.id, fixture.festival);
    assert.equal(live.festival.name, 'Hoffnung 3000');
    assert.equal(live.festival.timezone, 'Europe/Berlin');
    assert.equal(live.festival.start, Date.parse('2025-10-24T22:00:00Z'));
    assert.equal(live.festival.url, 'https://hoffnung3000.example/');
    assert.deepEqual(
      live.festivals.map((festival) => festival.name),
      ['Hoffnung 3000', 'Kinderprogramm'],
    );
    assert.equal(live.festivals[1]!.parentId, fixture.festival);
  });

  test('events in schedule order with resources, statuses and confirmation', () => {
    assert.deepEqual(
      live.events.map((event) => event.title),
      ['Abgelehnt', 'Night of chaos', 'Erste Zwei', 'Zweite Zwei', 'Frühstück', 'Clash', 'Café an der Straße'],
    );
    const byTitle = new Map(live.events.map((event) => [event.title, event]));
    const night = byTitle.get('Night of chaos')!;
    assert.equal(night.start, Date.parse('2025-10-25T20:00:00Z'));
    assert.equal(night.end, Date.parse('2025-10-26T01:30:00Z'));
    assert.deepEqual(night.locationIds, [fixture.keller]);
    assert.deepEqual(
      night.resources.map(({ title, kind, status, state, known }) => ({ title, kind, status, state, known })),
      [
        { title: 'Klangkeller', kind: 'location', status: 'confirmed', state: 'confirmed', known: true },
        { title: 'Beamer', kind: 'equipment', status: 'pending', state: 'pending', known: true },
      ],
    );
    assert.deepEqual([night.confirmed, night.requested, night.confirmation], [1, 2, 0.5]);
    assert.equal(night.description, 'Loud; very loud, and long.\nBring earplugs \\o/');
    assert.equal(night.owner, fixture.items.find((item) => item.event.title === 'Night of chaos')!.event.owner);

    const clash = byTitle.get('Clash')!;
    assert.deepEqual(
      clash.resources.map(({ status, state }) => ({ status, state })),
      [{ status: 'denied', state: 'conflict' }],
    );
    assert.equal(clash.confirmation, 0);
    assert.equal(byTitle.get('Abgelehnt')!.resources[0]!.status, 'denied');

    const cafe = byTitle.get('Café an der Straße')!;
    assert.deepEqual([cafe.confirmed, cafe.requested, cafe.confirmation, cafe.locationIds], [0, 0, 1, []]);

    const kids = byTitle.get('Frühstück')!;
    assert.equal(kids.festivalId, fixture.kids);
    assert.equal(kids.festivalName, 'Kinderprogramm');
    assert.equal(kids.track, 'Kinderprogramm');
    assert.equal(night.track, undefined);
    assert.equal(night.festivalName, 'Hoffnung 3000');
  });

  test('locations with address, position and url, by name', () => {
    assert.deepEqual(
      live.locations.map((location) => location.name),
      ['Hof', 'Klangkeller'],
    );
    const keller = live.locations.find((location) => location.name === 'Klangkeller')!;
    assert.equal(keller.id, fixture.keller);
    assert.equal(keller.kind, 'location');
    assert.equal(keller.address, 'Kellerstraße 3, Berlin');
    assert.deepEqual(keller.position, { latitude: 52.52, longitude: 13.405 });
    assert.equal(keller.url, 'https://klangkeller.example/');
    const columns = eventsByLocation(live);
    assert.deepEqual(
      columns.map((column) => [column.location?.name, column.events.length]),
      [
        ['Hof', 4],
        ['Klangkeller', 2],
        [undefined, 1],
      ],
    );
  });

  test('a resource not known here yet is pending and titled by its id', () => {
    const items = plain(fixture.items) as Array<{ resources: Array<{ resource?: unknown; status: { state: string; resource: string } }> }>;
    const night = items.find((item) => item.resources.length === 2)!;
    delete night.resources[1]!.resource;
    night.resources[1]!.status.state = 'pending';
    const data = fromProviderQueries(plain(fixture.festivalResult), items);
    const request = data.events.find((event) => event.title === 'Night of chaos')!.resources[1]!;
    assert.deepEqual([request.known, request.title, request.kind, request.status], [false, fixture.beamer, '', 'pending']);
  });

  test('a blocked request counts as pending, its reason kept', () => {
    const items = plain(fixture.items) as Array<{ resources: Array<{ status: { state: string; reason?: string } }> }>;
    items[0]!.resources[0]!.status = { ...items[0]!.resources[0]!.status, state: 'blocked', reason: 'needs Beamer as well' };
    const data = fromProviderQueries(plain(fixture.festivalResult), items);
    assert.deepEqual(data.events[0]!.resources[0]!.status, 'pending');
    assert.deepEqual(data.events[0]!.resources[0]!.reason, 'needs Beamer as well');
  });

  test('unsafe links are dropped, unknown zones become UTC', () => {
    const result = plain(fixture.festivalResult) as { festival: Record<string, unknown> };
    result.festival.url = 'javascript:alert(1)';
    result.festival.timezone = 'Mars/Olympus';
    const data = fromProviderQueries(result, []);
    assert.equal(data.festival.url, undefined);
    assert.equal(data.festival.timezone, 'UTC');
    assert.equal(httpUrl('data:text/html,hi'), undefined);
    assert.equal(httpUrl('/talk/1', 'https://example.org/x/'), 'https://example.org/talk/1');
  });

  test('garbage from a provider throws SCHEDULE_INVALID, never a TypeError', () => {
    const festival = plain(fixture.festivalResult);
    const items = plain(fixture.items) as Array<Record<string, unknown>>;
    const cases: Array<[unknown, unknown]> = [
      [null, []],
      [{}, []],
      [{ festival: 5 }, []],
      [festival, null],
      [festival, {}],
      [festival, [null]],
      [festival, [{}]],
      [festival, [{ ...items[0], event: { ...(items[0]!.event as object), start: 'soon' } }]],
      [festival, [{ ...items[0], event: { ...(items[0]!.event as object), end: 0 } }]],
      [festival, [{ ...items[0], resources: 'x' }]],
      [festival, [{ ...items[0], resources: [{}] }]],
      [festival, [{ ...items[0], resources: [{ status: { state: 'pending' } }] }]],
      [{ festival: { id: 'x', name: 'y', start: -5, end: 10, timezone: 'UTC' } }, []],
      [{ festival: (festival as { festival: unknown }).festival, tree: 'x' }, []],
    ];
    for (const [result, schedule] of cases) {
      assert.throws(() => fromProviderQueries(result, schedule), invalid, JSON.stringify([result, schedule]).slice(0, 200));
    }
  });

  test('subsetSchedule keeps only the named events', () => {
    const ids = [live.events[1]!.id, live.events[4]!.id];
    assert.deepEqual(
      subsetSchedule(live, ids).events.map((event) => event.id),
      ids,
    );
  });
});

describe('fromFrabJson', () => {
  for (const [name, json] of referenceSchedules()) {
    test(`reads ${name}`, () => {
      const data = fromFrabJson(json);
      const conference = (
        json as {
          schedule: {
            conference: { title: string; acronym: string; time_zone_name: string; days: Array<{ rooms: Record<string, Array<Record<string, unknown>>> }> };
          };
        }
      ).schedule.conference;
      const originals = conference.days.flatMap((day) => Object.values(day.rooms).flat());
      assert.equal(data.source, 'frab');
      assert.equal(data.readOnly, true);
      assert.equal(data.festival.name, conference.title);
      assert.equal(data.festival.id, conference.acronym);
      assert.equal(data.festival.timezone, conference.time_zone_name);
      assert.equal(data.events.length, originals.length);
      assert.ok(data.events.length > 10);
      // Every event: its own guid, its date's instant, its duration, its room.
      for (const original of originals) {
        const event = data.events.find((candidate) => candidate.id === original.guid);
        assert.ok(event, `event ${String(original.guid)}`);
        assert.equal(event.title, original.title);
        assert.equal(event.start, Date.parse(original.date as string));
        const [hours, minutes] = (original.duration as string).split(':').map(Number) as [number, number];
        assert.equal(event.end - event.start, (hours * 60 + minutes) * 60_000);
        assert.deepEqual(event.locationIds, [original.room]);
        assert.equal(event.frabId, original.id);
        assert.deepEqual(
          event.persons.map((person) => person.name),
          (original.persons as Array<{ public_name?: string; name?: string }>).map((person) => person.name ?? person.public_name),
        );
        if (original.track) assert.equal(event.track, original.track);
        assert.equal(event.kind, original.type);
      }
      // Sorted, and every room a location.
      for (let i = 1; i < data.events.length; i++) assert.ok(data.events[i - 1]!.start <= data.events[i]!.start);
      const rooms = new Set(originals.map((original) => original.room as string));
      assert.deepEqual(new Set(data.locations.map((location) => location.id)), rooms);
      assert.ok(data.festival.start <= data.events[0]!.start);
      assert.ok(data.festival.end >= data.events.at(-1)!.end);
    });

    test(`reads ${name} from its text too`, () => {
      assert.deepEqual(fromFrabJson(JSON.stringify(json)), fromFrabJson(json));
    });
  }

  test('camp2019: Europe/Berlin dates, conference end date covers the last day', () => {
    const data = fromFrabJson(referenceSchedules().find(([name]) => name.includes('camp2019'))![1]);
    assert.equal(data.festival.start, Date.parse('2019-08-21T00:00:00+02:00'));
    assert.equal(data.festival.end, Date.parse('2019-08-27T00:00:00+02:00'));
    const opening = data.events.find((event) => event.title === 'Opening Ceremony')!;
    assert.equal(opening.start, Date.parse('2019-08-21T11:00:00+02:00'));
    assert.equal(opening.url, 'https://fahrplan.events.ccc.de/camp/2019/Fahrplan/events/10386.html');
  });

  const minimal = (event: Record<string, unknown>, conference: Record<string, unknown> = {}) => ({
    schedule: {
      version: '1',
      conference: {
        title: 'Mini',
        acronym: 'mini',
        start: '2025-03-29',
        end: '2025-03-30',
        time_zone_name: 'Europe/Berlin',
        days: [
          {
            index: 1,
            date: '2025-03-30',
            day_start: '2025-03-30T00:00:00+01:00',
            day_end: '2025-03-31T00:00:00+02:00',
            rooms: { Saal: [{ title: 'Talk', ...event }] },
          },
        ],
        ...conference,
      },
    },
  });

  test('without date: day date and start as wall time in the conference zone (across the March change)', () => {
    const data = fromFrabJson(minimal({ start: '10:00', duration: '01:30' }));
    assert.equal(data.events[0]!.start, Date.parse('2025-03-30T10:00:00+02:00'));
    assert.equal(data.events[0]!.end, Date.parse('2025-03-30T11:30:00+02:00'));
    const early = fromFrabJson(minimal({ start: '01:30', duration: '1:00' }));
    assert.equal(early.events[0]!.start, Date.parse('2025-03-30T01:30:00+01:00'));
    assert.equal(early.events[0]!.end - early.events[0]!.start, 3_600_000);
    // 02:30 does not exist that night: moved forward by the gap, as RFC 5545 reads it.
    assert.equal(fromFrabJson(minimal({ start: '02:30', duration: '0:30' })).events[0]!.start, Date.parse('2025-03-30T03:30:00+02:00'));
  });

  test('end wins over duration; durations with seconds, over 99 hours; dates without offset are local', () => {
    const data = fromFrabJson(minimal({ date: '2025-03-30T12:00:00+02:00', end: '2025-03-30T12:45:00+02:00', duration: '05:00' }));
    assert.equal(data.events[0]!.end - data.events[0]!.start, 45 * 60_000);
    assert.equal(fromFrabJson(minimal({ date: '2025-03-30T12:00:00Z', duration: '00:10:30' })).events[0]!.end - Date.parse('2025-03-30T12:00:00Z'), 630_000);
    assert.equal(
      fromFrabJson(minimal({ date: '2025-03-30T12:00:00Z', duration: '100:00' })).events[0]!.end - Date.parse('2025-03-30T12:00:00Z'),
      100 * 3_600_000,
    );
    assert.equal(fromFrabJson(minimal({ date: '2025-03-30T12:00:00', duration: '1:00' })).events[0]!.start, Date.parse('2025-03-30T12:00:00+02:00'));
  });

  test('lenient where real schedules vary: nulls, missing optional fields, bad zone, relative links', () => {
    const data = fromFrabJson(
      minimal(
        {
          date: '2025-03-30T12:00:00+02:00',
          duration: '00:30',
          subtitle: null,
          track: null,
          abstract: null,
          description: null,
          persons: ['Ada', { full_public_name: 'Grace' }, { id: 5 }],
          links: [{ url: '/slides.pdf', title: 'Slides', type: 'slides' }, { url: 'javascript:evil()' }, 'junk'],
          url: '/talk/1',
          guid: undefined,
          id: 77,
        },
        { time_zone_name: 'Nowhere/Land' },
      ),
    );
    const [event] = data.events;
    assert.equal(data.festival.timezone, 'UTC');
    assert.equal(event!.id, '77');
    assert.deepEqual(
      event!.persons.map((person) => person.name),
      ['Ada', 'Grace'],
    );
    // No base_url: relative links cannot be resolved, and javascript: never counts.
    assert.deepEqual(event!.links, []);
    assert.equal(event!.url, undefined);
    assert.equal(event!.subtitle, undefined);
    assert.equal(event!.description, '');
  });

  test('relative URLs resolve against base_url', () => {
    const json = minimal({ date: '2025-03-30T12:00:00+02:00', duration: '00:30', url: 'talk/1', links: [{ url: 'slides.pdf', title: 'S', type: 'slides' }] });
    (json.schedule as Record<string, unknown>).base_url = 'https://conf.example/2025/';
    const [event] = fromFrabJson(json).events;
    assert.equal(event!.url, 'https://conf.example/2025/talk/1');
    assert.deepEqual(event!.links, [{ url: 'https://conf.example/2025/slides.pdf', title: 'S', type: 'slides' }]);
  });

  test('the same guid twice (one talk, two slots) gets distinct ids', () => {
    const json = minimal({});
    json.schedule.conference.days[0]!.rooms.Saal = [
      { title: 'A', guid: 'a0a0fcfe-b7fb-46e3-84b6-97a5406016b4', date: '2025-03-30T12:00:00+02:00', duration: '00:30' } as never,
      { title: 'A', guid: 'a0a0fcfe-b7fb-46e3-84b6-97a5406016b4', date: '2025-03-30T14:00:00+02:00', duration: '00:30' } as never,
    ];
    const ids = fromFrabJson(json).events.map((event) => event.id);
    assert.equal(new Set(ids).size, 2);
  });

  test('garbage throws SCHEDULE_INVALID with a path, never crashes', () => {
    const cases: unknown[] = [
      undefined,
      null,
      42,
      'not json {',
      '[]',
      [],
      {},
      { schedule: null },
      { schedule: { conference: 'x' } },
      { schedule: { conference: {} } },
      { schedule: { conference: { title: 'T', days: 'x' } } },
      { schedule: { conference: { title: 'T', days: [null] } } },
      { schedule: { conference: { title: 'T', days: [{ rooms: [] }] } } },
      { schedule: { conference: { title: 'T', days: [{ rooms: { A: 'x' } }] } } },
      { schedule: { conference: { title: 'T', days: [{ rooms: { A: [null] } }] } } },
      { schedule: { conference: { title: 'T', days: [] } } },
      minimal({ title: 5, date: '2025-03-30T12:00:00Z', duration: '00:30' }),
      minimal({ date: 'yesterday', duration: '00:30' }),
      minimal({ date: '2025-13-30T12:00:00Z', duration: '00:30' }),
      minimal({ date: '2025-03-30T12:00:00Z' }),
      minimal({ date: '2025-03-30T12:00:00Z', duration: 'long' }),
      minimal({ date: '2025-03-30T12:00:00Z', duration: '01:75' }),
      minimal({ date: '2025-03-30T12:00:00Z', end: '2025-03-30T11:00:00Z' }),
      minimal({ start: '10:00', duration: '00:30' }, { days: [{ date: 'someday', rooms: { A: [{ title: 'x', start: '10:00', duration: '00:30' }] } }] }),
      minimal({ date: '2025-03-30T12:00:00Z', duration: '00:30', persons: 'Ada' }),
      minimal({ date: '2025-03-30T12:00:00Z', duration: '00:30' }, { start: '2025-02-30' }),
      { schedule: { version: '2', conference: 'DemoCon', events: [] } },
    ];
    for (const input of cases) {
      assert.throws(
        () => fromFrabJson(input),
        (error: unknown) => invalid(error) && typeof (error as { details?: { path?: unknown } }).details?.path === 'string',
        JSON.stringify(input)?.slice(0, 160),
      );
    }
  });

  test('random mutations of a real schedule either read or throw SCHEDULE_INVALID', () => {
    const [, json] = referenceSchedules()[0]!;
    const text = JSON.stringify(json);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const garbage = [null, 0, -1, 1e308, '', 'x', [], {}, true, '25:99', '2020-02-30T10:00:00Z'];
    for (let round = 0; round < 300; round++) {
      const value = JSON.parse(text) as unknown;
      // Replace a few random values anywhere in the tree.
      for (let n = 0; n < 3; n++) {
        let node = value as Record<string, unknown>;
        for (let depth = 0; depth < 12; depth++) {
          const keys = Object.keys(node);
          if (keys.length === 0) break;
          const key = keys[Math.floor(random() * keys.length)]!;
          const child = node[key];
          if (typeof child !== 'object' || child === null || random() < 0.15) {
            node[key] = garbage[Math.floor(random() * garbage.length)];
            break;
          }
          node = child as Record<string, unknown>;
        }
      }
      try {
        const data = fromFrabJson(value);
        for (const event of data.events) assert.ok(Number.isFinite(event.start) && event.end >= event.start);
      } catch (error) {
        assert.ok(invalid(error), `round ${round}: ${String(error)}`);
      }
    }
  });
});
