/**
 * iCalendar export: structure, VTIMEZONE from Intl, local times and the repeated hour,
 * escaping, folding at 75 octets without splitting UTF-8, CRLF; read back with ical.js.
 */
import { test, describe, before, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { eventStatus } from '../../widgets/lib/filter.js';
import { escapeText, eventICalFileName, exportEventICal, exportICal, foldLine, icalFileName, vtimezoneLines } from '../../widgets/lib/export-ical.js';
import { fromFrabJson, fromProviderQueries, type ScheduleData, type ScheduleEvent } from '../../widgets/lib/schedule-data.js';
import { buildFestival, plain, referenceSchedules } from './support.js';

const NOW = Date.UTC(2025, 9, 1, 12, 0, 0);

/** The logical lines of an iCalendar text (unfolded). */
const unfold = (text: string) => text.replace(/\r\n /g, '').split('\r\n').slice(0, -1);

/** Every VEVENT of `text` as ical.js reads it, with the text's VTIMEZONEs registered. */
function readBack(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return {
    calendar,
    events: calendar.getAllSubcomponents('vevent').map((component) => {
      const event = new ICAL.Event(component);
      return {
        uid: event.uid,
        summary: event.summary,
        description: event.description,
        location: event.location,
        start: event.startDate.toUnixTime() * 1000,
        end: event.endDate.toUnixTime() * 1000,
        status: component.getFirstPropertyValue('status'),
        url: component.getFirstPropertyValue('url'),
        tzid: component.getFirstProperty('dtstart')!.getParameter('tzid'),
      };
    }),
  };
}

/** Checks the physical form: CRLF only, lines of at most 75 octets, each valid UTF-8 on its own. */
function assertWellFormed(text: string) {
  assert.ok(text.endsWith('\r\n'));
  assert.doesNotMatch(text, /\r(?!\n)|(?<!\r)\n/, 'bare CR or LF');
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let i = 0; i < bytes.length - 1; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
      const line = bytes.subarray(start, i);
      assert.ok(line.length <= 75, `line of ${line.length} octets: ${decoder.decode(line)}`);
      decoder.decode(line); // throws if a UTF-8 sequence was split
      start = i + 2;
    }
  }
}

function makeData(timezone: string, events: Array<[title: string, start: string, end: string]>, extra: Partial<ScheduleEvent> = {}): ScheduleData {
  return {
    festival: { id: 'fest', name: 'Fest', description: '', timezone, start: Date.parse(events[0]![1]), end: Date.parse(events.at(-1)![2]) },
    festivals: [],
    locations: [],
    events: events.map(([title, start, end], index) => ({
      id: `e${index}`,
      title,
      description: '',
      start: Date.parse(start),
      end: Date.parse(end),
      festivalId: 'fest',
      festivalName: 'Fest',
      locationIds: [],
      resources: [],
      confirmed: 0,
      requested: 0,
      confirmation: 1,
      persons: [],
      links: [],
      ...extra,
    })),
    source: 'frab',
    readOnly: true,
  };
}

afterEach(() => ICAL.TimezoneService.reset());

describe('iCal export of a festival', () => {
  let fixture: Awaited<ReturnType<typeof buildFestival>>;
  let data: ScheduleData;
  let text: string;
  let lines: string[];
  before(async () => {
    fixture = await buildFestival();
    data = fromProviderQueries(plain(fixture.festivalResult), plain(fixture.items));
    text = exportICal(data, { now: NOW });
    lines = unfold(text);
  });

  test('well formed: CRLF, folded at 75 octets', () => assertWellFormed(text));

  test('calendar header and one VEVENT per event', () => {
    assert.deepEqual(lines.slice(0, 4), ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Panda Kit//Festival schedule//EN', 'CALSCALE:GREGORIAN']);
    assert.equal(lines.at(-1), 'END:VCALENDAR');
    assert.equal(lines.filter((line) => line === 'BEGIN:VEVENT').length, data.events.length);
    assert.equal(lines.filter((line) => line === `DTSTAMP:20251001T120000Z`).length, data.events.length);
    for (const event of data.events) assert.ok(lines.includes(`UID:${event.id}@pandakit`));
  });

  test('a VTIMEZONE for Europe/Berlin from Intl, with both 2025 changes', () => {
    const start = lines.indexOf('BEGIN:VTIMEZONE');
    const zone = lines.slice(start, lines.indexOf('END:VTIMEZONE') + 1).join('\n');
    assert.ok(zone.includes('TZID:Europe/Berlin'));
    assert.ok(zone.includes('BEGIN:STANDARD\nDTSTART:20250101T000000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0100'));
    assert.ok(zone.includes('BEGIN:DAYLIGHT\nDTSTART:20250330T020000\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200'));
    assert.ok(zone.includes('BEGIN:STANDARD\nDTSTART:20251026T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100'));
    assert.ok(start < lines.indexOf('BEGIN:VEVENT'));
  });

  test('local times with TZID; times in the repeated hour 02:00-03:00 in UTC', () => {
    const block = (title: string) => {
      const at = lines.findIndex((line) => line === `SUMMARY:${escapeText(title)}`);
      const begin = lines.lastIndexOf('BEGIN:VEVENT', at);
      return lines.slice(begin, lines.indexOf('END:VEVENT', at) + 1);
    };
    const night = block('Night of chaos');
    assert.ok(night.includes('DTSTART;TZID=Europe/Berlin:20251025T220000'));
    assert.ok(night.includes('DTEND:20251026T013000Z'), night.join('\n')); // 02:30 CET, the second 02:30
    // 02:15 CEST and 02:15 CET: the same wall time, two instants.
    assert.ok(block('Erste Zwei').includes('DTSTART:20251026T001500Z'));
    assert.ok(block('Erste Zwei').includes('DTEND:20251026T004500Z'));
    assert.ok(block('Zweite Zwei').includes('DTSTART:20251026T011500Z'));
    // 03:00 CET comes once: local again.
    assert.ok(block('Night of chaos').includes('DTSTART;TZID=Europe/Berlin:20251025T220000'));
    assert.ok(block('Frühstück').includes('DTSTART;TZID=Europe/Berlin:20251026T090000'));
  });

  test('status, escaping, location with address and position, categories, URL', () => {
    const night = lines.slice(lines.indexOf('SUMMARY:Night of chaos') - 5);
    assert.ok(night.includes('STATUS:TENTATIVE'));
    assert.ok(lines.includes('DESCRIPTION:Loud\\; very loud\\, and long.\\nBring earplugs \\\\o/'));
    assert.ok(lines.includes('LOCATION:Klangkeller\\, Kellerstraße 3\\, Berlin'));
    assert.ok(lines.includes('GEO:52.52;13.405'));
    assert.ok(lines.includes('CATEGORIES:Kinderprogramm'));
  });

  test('ical.js reads back every event: instants, texts, status', () => {
    const { events } = readBack(text);
    assert.equal(events.length, data.events.length);
    for (const original of data.events) {
      const read = events.find((event) => event.uid === `${original.id}@pandakit`)!;
      assert.ok(read, original.title);
      assert.equal(read.summary, original.title);
      assert.equal(read.start, original.start, `${original.title} start`);
      assert.equal(read.end, original.end, `${original.title} end`);
      assert.equal(read.status, { confirmed: 'CONFIRMED', pending: 'TENTATIVE', denied: 'CANCELLED' }[eventStatus(original)]);
      if (original.description) assert.equal(read.description, original.description);
    }
    const byTitle = new Map(events.map((event) => [event.summary, event]));
    assert.equal(byTitle.get('Night of chaos')!.location, 'Klangkeller, Kellerstraße 3, Berlin');
    assert.equal(byTitle.get('Zweite Zwei')!.tzid, undefined);
    assert.equal(byTitle.get('Erste Zwei')!.tzid, undefined);
    assert.equal(byTitle.get('Frühstück')!.tzid, 'Europe/Berlin');
    // Lost to an earlier request: "Declined" in the widgets, cancelled in calendars.
    assert.equal(byTitle.get('Clash')!.status, 'CANCELLED');
    assert.equal(byTitle.get('Café an der Straße')!.status, 'CONFIRMED');
  });

  test('a subset, another zone, the clock as a function', () => {
    const subset = exportICal(data, { eventIds: [fixture.ids.cafe], timeZone: 'America/New_York', now: () => NOW, calendarName: 'Meine Favoriten' });
    const subsetLines = unfold(subset);
    assert.equal(subsetLines.filter((line) => line === 'BEGIN:VEVENT').length, 1);
    assert.ok(subsetLines.includes('DTSTART;TZID=America/New_York:20251026T090000'));
    assert.ok(subsetLines.includes('TZID:America/New_York'));
    assert.ok(subsetLines.includes('X-WR-CALNAME:Meine Favoriten'));
    assert.equal(readBack(subset).events[0]!.start, Date.parse('2025-10-26T13:00:00Z'));
  });

  test('a feed: SEQUENCE and LAST-MODIFIED per event, refresh interval', () => {
    const feed = unfold(exportICal(data, { now: NOW, refreshMinutes: 60, revision: (event) => ({ sequence: event.title.length, lastModified: NOW - 1000 }) }));
    assert.ok(feed.includes('REFRESH-INTERVAL;VALUE=DURATION:PT60M'));
    assert.ok(feed.includes('X-PUBLISHED-TTL:PT60M'));
    assert.ok(feed.includes(`SEQUENCE:${'Frühstück'.length}`));
    assert.equal(feed.filter((line) => line === 'LAST-MODIFIED:20251001T115959Z').length, data.events.length);
  });

  test('one event alone: no calendar name, the event read back', () => {
    const one = exportEventICal(data, fixture.ids.cafe, { now: NOW })!;
    assertWellFormed(one);
    assert.ok(!one.includes('X-WR-CALNAME'));
    const { events } = readBack(one);
    assert.deepEqual(
      events.map((event) => event.uid),
      [`${fixture.ids.cafe}@pandakit`],
    );
    assert.equal(exportEventICal(data, 'nope'), undefined);
    assert.equal(eventICalFileName(data.events.find((event) => event.id === fixture.ids.cafe)!), 'cafe-an-der-strasse.ics');
  });

  test('no events: a valid empty calendar', () => {
    const empty = exportICal(data, { eventIds: [], now: NOW });
    assertWellFormed(empty);
    assert.equal(readBack(empty).events.length, 0);
    assert.ok(!empty.includes('VTIMEZONE'));
  });

  test('file name', () => {
    assert.equal(icalFileName(data), 'hoffnung-3000.ics');
    assert.equal(icalFileName(data, 'Favoriten'), 'hoffnung-3000-favoriten.ics');
  });
});

describe('iCal export of reference schedules and other zones', () => {
  for (const [name, json] of referenceSchedules()) {
    test(`${name}: every event read back at its instant`, () => {
      const data = fromFrabJson(json);
      const text = exportICal(data, { now: NOW });
      assertWellFormed(text);
      const { events } = readBack(text);
      assert.equal(events.length, data.events.length);
      for (const [index, original] of data.events.entries()) {
        assert.equal(events[index]!.summary, original.subtitle ? `${original.title} – ${original.subtitle}` : original.title);
        assert.equal(events[index]!.start, original.start);
        assert.equal(events[index]!.end, original.end);
        assert.equal(events[index]!.url, original.url);
      }
      if (data.festival.timezone === 'UTC') {
        assert.ok(!text.includes('BEGIN:VTIMEZONE'));
        assert.match(text, /DTSTART:\d{8}T\d{6}Z/);
      } else assert.ok(text.includes(`TZID:${data.festival.timezone}`));
    });
  }

  const zones: Array<[string, Array<[string, string, string]>]> = [
    [
      'Australia/Sydney',
      [
        ['Autumn change', '2025-04-05T15:30:00Z', '2025-04-05T17:30:00Z'],
        ['Later', '2025-04-06T01:00:00Z', '2025-04-06T02:00:00Z'],
      ],
    ],
    ['Australia/Lord_Howe', [['Half-hour DST', '2025-10-04T14:00:00Z', '2025-10-04T17:00:00Z']]],
    ['Asia/Kolkata', [['No DST', '2025-06-01T04:30:00Z', '2025-06-01T06:00:00Z']]],
    [
      'America/New_York',
      [
        ['New Year', '2025-12-31T22:00:00Z', '2026-01-01T08:00:00Z'],
        ['Spring', '2026-03-08T06:30:00Z', '2026-03-08T08:00:00Z'],
      ],
    ],
    [
      'Europe/Berlin',
      [
        ['Spring gap', '2025-03-30T00:30:00Z', '2025-03-30T01:30:00Z'],
        ['Autumn', '2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z'],
      ],
    ],
  ];
  for (const [zone, events] of zones) {
    test(`${zone}: read back exactly`, () => {
      const data = makeData(zone, events);
      const text = exportICal(data, { now: NOW });
      assertWellFormed(text);
      const read = readBack(text).events;
      assert.deepEqual(
        read.map((event) => [event.start, event.end]),
        data.events.map((event) => [event.start, event.end]),
      );
    });
  }

  test('a zone without changes gets a single STANDARD observance', () => {
    const zone = vtimezoneLines('Asia/Kolkata', Date.parse('2025-06-01T00:00:00Z'), Date.parse('2025-06-02T00:00:00Z'));
    // TZNAME only where Intl has a name of letters (ICU versions differ for India).
    assert.deepEqual(
      zone.filter((line) => !line.startsWith('TZNAME:')),
      [
        'BEGIN:VTIMEZONE',
        'TZID:Asia/Kolkata',
        'BEGIN:STANDARD',
        'DTSTART:20250101T000000',
        'TZOFFSETFROM:+0530',
        'TZOFFSETTO:+0530',
        'END:STANDARD',
        'END:VTIMEZONE',
      ],
    );
  });

  test('across New Year the VTIMEZONE covers both years', () => {
    const zone = vtimezoneLines('Europe/Berlin', Date.parse('2025-12-31T20:00:00Z'), Date.parse('2026-01-01T04:00:00Z'));
    assert.deepEqual(
      zone.filter((line) => line.startsWith('DTSTART')),
      ['DTSTART:20250101T000000', 'DTSTART:20250330T020000', 'DTSTART:20251026T030000', 'DTSTART:20260329T020000', 'DTSTART:20261025T030000'],
    );
  });
});

describe('iCal text rules', () => {
  test('escaping of TEXT values', () => {
    assert.equal(escapeText('a\\b;c,d\ne\r\nf\rg'), 'a\\\\b\\;c\\,d\\ne\\nf\\ng');
    assert.equal(escapeText('tab\tstays, bell\u0007 and NUL\u0000 go'), 'tab\tstays\\, bell and NUL go');
    assert.equal(escapeText('lone \ud800 surrogate, pair 🎉 kept'), 'lone  surrogate\\, pair 🎉 kept');
    assert.equal(escapeText('Doppelpunkt: bleibt'), 'Doppelpunkt: bleibt');
  });

  test('folding: 75 octets on the first line, 74 after the leading space', () => {
    const octets = (line: string) => new TextEncoder().encode(line).length;
    assert.equal(foldLine('x'.repeat(75)), 'x'.repeat(75));
    assert.equal(foldLine('x'.repeat(76)), `${'x'.repeat(75)}\r\n x`);
    const long = foldLine('y'.repeat(75 + 74 + 10));
    assert.deepEqual(long.split('\r\n').map(octets), [75, 75, 11]);
    // A two-octet letter that would straddle the 75th octet moves to the next line whole.
    const umlaut = foldLine(`${'a'.repeat(74)}ü${'b'.repeat(3)}`);
    assert.deepEqual(umlaut.split('\r\n'), ['a'.repeat(74), ' übbb']);
    // Four-octet characters (surrogate pairs in JavaScript) are never split either.
    const emoji = foldLine(`SUMMARY:${'🎉'.repeat(40)}`);
    for (const line of emoji.split('\r\n')) {
      assert.ok(octets(line) <= 75);
      assert.doesNotMatch(line, /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
    assert.equal(emoji.replace(/\r\n /g, ''), `SUMMARY:${'🎉'.repeat(40)}`);
  });

  test('long multi-byte texts survive the round trip through ical.js', () => {
    const title = `Über ${'Ä'.repeat(50)} ${'日本語'.repeat(20)} ${'🎉'.repeat(30)}; end, really\\`;
    const data = makeData('Europe/Berlin', [[title, '2025-06-01T10:00:00Z', '2025-06-01T11:00:00Z']], {
      description: `${'ö'.repeat(200)}\nzweite Zeile`,
      url: 'https://example.org/ä?q=1',
    });
    const text = exportICal(data, { now: NOW });
    assertWellFormed(text);
    const [event] = readBack(text).events;
    assert.equal(event!.summary, title);
    assert.equal(event!.description, `${'ö'.repeat(200)}\nzweite Zeile`);
  });
});
