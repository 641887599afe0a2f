/**
 * Time helpers on top of Intl: zones and daylight saving (Europe/Berlin over the last
 * Sundays of March and October), days, formatting in English and German, the grid, now and
 * next, overlap lanes.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOUR,
  MINUTE,
  addDays,
  dayKey,
  dayRange,
  festivalDayKey,
  formatDate,
  formatDayKey,
  formatDuration,
  formatRelative,
  formatTime,
  formatTimeRange,
  formatTimeZoneName,
  isValidTimeZone,
  offsetMinutes,
  parseDayKey,
  startOfDay,
  wallTime,
  wallTimeToEpoch,
  zoneTransitions,
} from '../../widgets/lib/time.js';
import { initialDayKey, nowAndNext, nowAndNextByLocation, scheduleDays } from '../../widgets/lib/schedule-time.js';
import { buildGrid, gridPosition, overlapLanes } from '../../widgets/schedule/grid-layout.js';

const BERLIN = 'Europe/Berlin';
const at = (iso: string) => Date.parse(iso);
const span = (start: string, end: string, id = start) => ({ id, start: at(start), end: at(end), locationIds: [] as string[] });
const wall = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0) => ({ year, month, day, hour, minute, second });

describe('zones', () => {
  test('offsets on both sides of the changes', () => {
    assert.equal(offsetMinutes(at('2025-03-30T00:59:59Z'), BERLIN), 60);
    assert.equal(offsetMinutes(at('2025-03-30T01:00:00Z'), BERLIN), 120);
    assert.equal(offsetMinutes(at('2025-10-26T00:59:59Z'), BERLIN), 120);
    assert.equal(offsetMinutes(at('2025-10-26T01:00:00Z'), BERLIN), 60);
    assert.equal(offsetMinutes(at('2025-07-01T12:00:00Z'), 'America/New_York'), -240);
    assert.equal(offsetMinutes(at('2025-07-01T12:00:00Z'), 'Asia/Kathmandu'), 345);
    assert.equal(offsetMinutes(at('2025-07-01T12:00:00Z'), 'UTC'), 0);
  });

  test('wall time of instants around the October change', () => {
    assert.deepEqual(wallTime(at('2025-10-26T00:30:00Z'), BERLIN), wall(2025, 10, 26, 2, 30));
    assert.deepEqual(wallTime(at('2025-10-26T01:30:00Z'), BERLIN), wall(2025, 10, 26, 2, 30));
    assert.deepEqual(wallTime(at('2025-10-26T01:00:00Z'), BERLIN), wall(2025, 10, 26, 2, 0));
  });

  test('a repeated local time (October): first by default, second on request', () => {
    assert.equal(wallTimeToEpoch(wall(2025, 10, 26, 2, 30), BERLIN), at('2025-10-26T00:30:00Z'));
    assert.equal(wallTimeToEpoch(wall(2025, 10, 26, 2, 30), BERLIN, 'earlier'), at('2025-10-26T00:30:00Z'));
    assert.equal(wallTimeToEpoch(wall(2025, 10, 26, 2, 30), BERLIN, 'later'), at('2025-10-26T01:30:00Z'));
    assert.equal(wallTimeToEpoch(wall(2025, 10, 26, 3, 0), BERLIN), at('2025-10-26T02:00:00Z'));
    assert.equal(wallTimeToEpoch(wall(2025, 10, 26, 1, 59), BERLIN), at('2025-10-25T23:59:00Z'));
  });

  test('a missing local time (March): moved forward by the gap by default, backward on request', () => {
    assert.equal(wallTimeToEpoch(wall(2025, 3, 30, 2, 30), BERLIN), at('2025-03-30T01:30:00Z')); // = 03:30 CEST
    assert.equal(wallTimeToEpoch(wall(2025, 3, 30, 2, 30), BERLIN, 'later'), at('2025-03-30T01:30:00Z'));
    assert.equal(wallTimeToEpoch(wall(2025, 3, 30, 2, 30), BERLIN, 'earlier'), at('2025-03-30T00:30:00Z')); // = 01:30 CET
    assert.equal(wallTimeToEpoch(wall(2025, 3, 30, 3, 0), BERLIN), at('2025-03-30T01:00:00Z'));
    assert.equal(wallTimeToEpoch(wall(2025, 3, 30, 1, 59), BERLIN), at('2025-03-30T00:59:00Z'));
  });

  test('wallTime and wallTimeToEpoch agree every 7 minutes over both change days, in several zones', () => {
    for (const zone of [BERLIN, 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'UTC']) {
      for (const day of ['2025-03-30T00:00:00Z', '2025-10-26T00:00:00Z', '2025-04-06T00:00:00Z', '2025-11-02T00:00:00Z']) {
        for (let t = at(day) - 12 * HOUR; t < at(day) + 36 * HOUR; t += 7 * MINUTE) {
          const local = wallTime(t, zone);
          const back = wallTimeToEpoch(local, zone, 'earlier');
          const later = wallTimeToEpoch(local, zone, 'later');
          assert.ok(back === t || later === t, `${zone} ${new Date(t).toISOString()}`);
        }
      }
    }
  });

  test('transitions found to the second, any hemisphere, half-hour DST', () => {
    const year = (zone: string) =>
      zoneTransitions(zone, at('2025-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z')).map((t) => [new Date(t.at).toISOString(), t.offsetBefore, t.offsetAfter]);
    assert.deepEqual(year(BERLIN), [
      ['2025-03-30T01:00:00.000Z', 60, 120],
      ['2025-10-26T01:00:00.000Z', 120, 60],
    ]);
    assert.deepEqual(year('Australia/Sydney'), [
      ['2025-04-05T16:00:00.000Z', 660, 600],
      ['2025-10-04T16:00:00.000Z', 600, 660],
    ]);
    assert.deepEqual(year('Australia/Lord_Howe'), [
      ['2025-04-05T15:00:00.000Z', 660, 630],
      ['2025-10-04T15:30:00.000Z', 630, 660],
    ]);
    assert.deepEqual(year('Asia/Kolkata'), []);
    assert.deepEqual(year('UTC'), []);
  });

  test('zone names are checked', () => {
    assert.equal(isValidTimeZone(BERLIN), true);
    assert.equal(isValidTimeZone('Mars/Olympus'), false);
    assert.equal(isValidTimeZone(''), false);
    assert.equal(isValidTimeZone(42), false);
  });
});

describe('days', () => {
  test('day keys depend on the zone', () => {
    const t = at('2025-10-25T22:30:00Z'); // 00:30 CEST on Sunday
    assert.equal(dayKey(t, BERLIN), '2025-10-26');
    assert.equal(dayKey(t, 'UTC'), '2025-10-25');
    assert.equal(dayKey(t, 'America/Los_Angeles'), '2025-10-25');
    assert.equal(dayKey(t, 'Asia/Tokyo'), '2025-10-26');
  });

  test('days are 23, 24 and 25 hours long', () => {
    const length = (key: string) => {
      const range = dayRange(key, BERLIN);
      return (range.end - range.start) / HOUR;
    };
    assert.equal(length('2025-03-30'), 23);
    assert.equal(length('2025-03-31'), 24);
    assert.equal(length('2025-10-26'), 25);
    assert.equal(startOfDay('2025-10-26', BERLIN), at('2025-10-25T22:00:00Z'));
    assert.equal(startOfDay('2025-10-27', BERLIN), at('2025-10-26T23:00:00Z'));
    // Festival days that change at 04:00: the night is 25 hours too.
    const night = dayRange('2025-10-25', BERLIN, 4);
    assert.deepEqual([night.start, night.end], [at('2025-10-25T02:00:00Z'), at('2025-10-26T03:00:00Z')]);
  });

  test('a festival day changes at dayChangeHour', () => {
    assert.equal(festivalDayKey(at('2025-10-26T00:15:00Z'), BERLIN), '2025-10-26');
    assert.equal(festivalDayKey(at('2025-10-26T00:15:00Z'), BERLIN, 4), '2025-10-25');
    assert.equal(festivalDayKey(at('2025-10-26T01:15:00Z'), BERLIN, 4), '2025-10-25'); // the second 02:15
    assert.equal(festivalDayKey(at('2025-10-26T03:00:00Z'), BERLIN, 4), '2025-10-26'); // 04:00 CET
  });

  test('day keys: arithmetic and checks', () => {
    assert.equal(addDays('2025-12-31', 1), '2026-01-01');
    assert.equal(addDays('2024-03-01', -1), '2024-02-29');
    assert.equal(addDays('2025-10-26', 0), '2025-10-26');
    assert.deepEqual(parseDayKey('2025-10-26'), { year: 2025, month: 10, day: 26 });
    for (const bad of ['2025-02-29', '2025-13-01', '25-10-26', '2025-10-26T00:00', '']) assert.throws(() => parseDayKey(bad), RangeError);
  });

  test('scheduleDays groups by the zone asked for, with the span’s empty days', () => {
    const events = [
      span('2025-10-25T20:00:00Z', '2025-10-26T01:30:00Z', 'night'),
      span('2025-10-26T00:15:00Z', '2025-10-26T00:45:00Z', 'first'),
      span('2025-10-26T13:00:00Z', '2025-10-26T14:00:00Z', 'cafe'),
    ];
    const berlin = scheduleDays(events, BERLIN);
    assert.deepEqual(
      berlin.map((day) => [day.key, day.events.map((event) => event.id)]),
      [
        ['2025-10-25', ['night']],
        ['2025-10-26', ['first', 'cafe']],
      ],
    );
    assert.equal(berlin[1]!.end - berlin[1]!.start, 25 * HOUR);
    // A visitor in Los Angeles sees them all on Saturday (and the café on Sunday morning).
    assert.deepEqual(
      scheduleDays(events, 'America/Los_Angeles').map((day) => [day.key, day.events.length]),
      [
        ['2025-10-25', 2],
        ['2025-10-26', 1],
      ],
    );
    // Day change at 04:00: the first 02:15 belongs to Saturday night.
    assert.deepEqual(
      scheduleDays(events, BERLIN, { dayChangeHour: 4 }).map((day) => [day.key, day.events.map((event) => event.id)]),
      [
        ['2025-10-25', ['night', 'first']],
        ['2025-10-26', ['cafe']],
      ],
    );
    assert.deepEqual(
      scheduleDays(events, BERLIN, { from: at('2025-10-23T22:00:00Z'), to: at('2025-10-27T23:00:00Z') }).map((day) => [day.key, day.events.length]),
      [
        ['2025-10-24', 0],
        ['2025-10-25', 1],
        ['2025-10-26', 2],
        ['2025-10-27', 0],
      ],
    );
  });

  test('the first day to show: today, else the next, else the last', () => {
    const days = [{ key: '2025-10-25' }, { key: '2025-10-26' }];
    assert.equal(initialDayKey(days, at('2025-10-25T23:30:00Z'), BERLIN), '2025-10-26');
    assert.equal(initialDayKey(days, at('2025-10-01T12:00:00Z'), BERLIN), '2025-10-25');
    assert.equal(initialDayKey(days, at('2025-12-01T12:00:00Z'), BERLIN), '2025-10-26');
    assert.equal(initialDayKey([], 0, BERLIN), undefined);
  });
});

describe('formatting', () => {
  const de = { locale: 'de', timeZone: BERLIN };
  const en = { locale: 'en-US', timeZone: BERLIN };
  test('times, in the zone asked for', () => {
    assert.equal(formatTime(at('2025-10-26T13:30:00Z'), de), '14:30');
    assert.match(formatTime(at('2025-10-26T13:30:00Z'), en), /^2:30\sPM$/);
    assert.equal(formatTime(at('2025-10-26T00:30:00Z'), de), '02:30');
    assert.equal(formatTime(at('2025-10-26T01:30:00Z'), de), '02:30');
    assert.equal(formatTime(at('2025-10-26T13:30:00Z'), { locale: 'de', timeZone: 'America/New_York' }), '09:30');
  });

  test('a locale tag that is not one falls back to English instead of throwing', () => {
    const bad = { locale: 'not a locale!!', timeZone: BERLIN };
    assert.match(formatTime(at('2025-10-26T13:30:00Z'), bad), /2:30\sPM/);
    assert.match(formatDuration(90 * MINUTE, 'not a locale!!'), /hr/);
    assert.equal(formatRelative(10 * MINUTE, 0, '!!'), 'in 10 minutes');
  });

  test('dates and day keys', () => {
    assert.equal(formatDayKey('2025-10-26', 'de'), 'Sonntag, 26. Oktober');
    assert.match(formatDayKey('2025-10-26', 'en-GB'), /^Sunday,? 26 October$/);
    assert.equal(formatDate(at('2025-10-25T22:30:00Z'), de), 'Sonntag, 26. Oktober');
    assert.match(formatDate(at('2025-10-25T22:30:00Z'), { locale: 'en-US', timeZone: 'UTC' }, 'full'), /Saturday, October 25, 2025/);
  });

  test('ranges, zone names, durations, relative times', () => {
    assert.match(formatTimeRange(at('2025-10-26T08:00:00Z'), at('2025-10-26T10:00:00Z'), de), /^09:00\s?[–-]\s?11:00/);
    const overnight = formatTimeRange(at('2025-10-25T20:00:00Z'), at('2025-10-26T01:30:00Z'), { locale: 'en-GB', timeZone: BERLIN });
    assert.match(overnight, /25.*22:00.*26.*02:30/);
    assert.equal(formatTimeZoneName(BERLIN, 'de', at('2025-07-01T00:00:00Z')), 'MESZ');
    assert.equal(formatTimeZoneName(BERLIN, 'de', at('2025-12-01T00:00:00Z')), 'MEZ');
    assert.equal(formatTimeZoneName(BERLIN, 'en-GB', at('2025-07-01T00:00:00Z')), 'CEST');
    assert.match(formatDuration(90 * MINUTE, 'en'), /^1 hr,? 30 min$/);
    assert.match(formatDuration(90 * MINUTE, 'de'), /^1 Std\.,? 30 Min\.$/);
    assert.equal(formatDuration(45 * MINUTE, 'de'), '45 Min.');
    assert.equal(formatRelative(10 * MINUTE, 0, 'en'), 'in 10 minutes');
    assert.equal(formatRelative(0, 2 * HOUR, 'de'), 'vor 2 Stunden');
  });
});

describe('grid', () => {
  const labels = (grid: ReturnType<typeof buildGrid>) => grid.slots.map((slot) => formatTime(slot.start, { locale: 'de', timeZone: BERLIN }));

  test('rows from the first start (rounded down) to the last end (rounded up)', () => {
    const grid = buildGrid([span('2025-06-14T08:10:00Z', '2025-06-14T09:00:00Z'), span('2025-06-14T09:30:00Z', '2025-06-14T09:50:00Z')], {
      timeZone: BERLIN,
      slotMinutes: 30,
    });
    assert.deepEqual(labels(grid), ['10:00', '10:30', '11:00', '11:30']);
    assert.deepEqual(
      grid.slots.map((slot) => slot.startsHour),
      [true, false, true, false],
    );
    assert.deepEqual(gridPosition(grid, span('2025-06-14T08:10:00Z', '2025-06-14T09:00:00Z')), { row: 0, span: 2 });
    assert.deepEqual(gridPosition(grid, span('2025-06-14T09:30:00Z', '2025-06-14T09:50:00Z')), { row: 3, span: 1 });
    assert.equal(gridPosition(grid, span('2025-06-14T12:00:00Z', '2025-06-14T13:00:00Z')), undefined);
    assert.deepEqual(gridPosition(grid, span('2025-06-14T07:00:00Z', '2025-06-14T08:45:00Z')), { row: 0, span: 2 }); // clipped
  });

  test('the night clocks go back: the hour 02:00-03:00 has its rows twice', () => {
    const night = span('2025-10-26T00:00:00Z', '2025-10-26T02:00:00Z'); // 02:00 CEST to 03:00 CET
    const grid = buildGrid([night], { timeZone: BERLIN, slotMinutes: 15 });
    assert.deepEqual(labels(grid), ['02:00', '02:15', '02:30', '02:45', '02:00', '02:15', '02:30', '02:45']);
    assert.deepEqual(gridPosition(grid, span('2025-10-26T01:15:00Z', '2025-10-26T01:45:00Z')), { row: 5, span: 2 }); // the second 02:15
    assert.deepEqual(gridPosition(grid, span('2025-10-26T00:15:00Z', '2025-10-26T00:45:00Z')), { row: 1, span: 2 }); // the first
  });

  test('the night clocks go forward: 02:00-03:00 has no rows, events keep their lengths', () => {
    const grid = buildGrid([span('2025-03-30T00:00:00Z', '2025-03-30T01:30:00Z')], { timeZone: BERLIN, slotMinutes: 30 }); // 01:00 CET to 03:30 CEST
    assert.deepEqual(labels(grid), ['01:00', '01:30', '03:00']);
  });

  test('rows align to the wall clock in zones with odd offsets', () => {
    const grid = buildGrid([span('2025-06-14T04:22:00Z', '2025-06-14T05:00:00Z')], { timeZone: 'Asia/Kathmandu', slotMinutes: 15 }); // 10:07 NPT
    assert.deepEqual(
      grid.slots.map((slot) => formatTime(slot.start, { locale: 'de', timeZone: 'Asia/Kathmandu' })),
      ['10:00', '10:15', '10:30'],
    );
  });

  test('from/to widen the grid; no events, no rows', () => {
    const grid = buildGrid([span('2025-06-14T10:00:00Z', '2025-06-14T11:00:00Z')], {
      timeZone: 'UTC',
      slotMinutes: 60,
      from: at('2025-06-14T08:00:00Z'),
      to: at('2025-06-14T12:00:00Z'),
    });
    assert.equal(grid.slots.length, 4);
    assert.equal(buildGrid([], { timeZone: 'UTC' }).slots.length, 0);
  });
});

describe('now and next, lanes', () => {
  const events = [
    { ...span('2025-06-14T10:00:00Z', '2025-06-14T12:00:00Z', 'a'), locationIds: ['hof'] },
    { ...span('2025-06-14T11:00:00Z', '2025-06-14T13:00:00Z', 'b'), locationIds: ['keller'] },
    { ...span('2025-06-14T12:00:00Z', '2025-06-14T14:00:00Z', 'c'), locationIds: ['hof'] },
    { ...span('2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z', 'd'), locationIds: ['keller'] },
    { ...span('2025-06-14T18:00:00Z', '2025-06-14T19:00:00Z', 'e'), locationIds: ['hof', 'keller'] },
  ];

  test('what runs now and what comes next', () => {
    const result = nowAndNext(events, at('2025-06-14T11:30:00Z'));
    assert.deepEqual(
      result.now.map((event) => event.id),
      ['a', 'b'],
    );
    assert.deepEqual(
      result.next.map((event) => event.id),
      ['c', 'd', 'e'],
    );
    assert.deepEqual(
      nowAndNext(events, at('2025-06-14T12:00:00Z'), { limit: 1 }).now.map((event) => event.id),
      ['b', 'c'],
    ); // a ended at 12:00
    assert.deepEqual(
      nowAndNext(events, at('2025-06-14T12:00:00Z'), { within: 4 * HOUR }).next.map((event) => event.id),
      ['d'],
    );
    const byLocation = nowAndNextByLocation(events, at('2025-06-14T11:30:00Z'));
    assert.deepEqual(
      byLocation.get('hof')!.now.map((event) => event.id),
      ['a'],
    );
    assert.equal(byLocation.get('hof')!.next!.id, 'c');
    assert.equal(byLocation.get('keller')!.next!.id, 'd');
  });

  test('overlapping events get lanes; clusters share their lane count', () => {
    const lanes = overlapLanes([
      span('2025-06-14T10:00:00Z', '2025-06-14T12:00:00Z', 'a'),
      span('2025-06-14T11:00:00Z', '2025-06-14T13:00:00Z', 'b'),
      span('2025-06-14T12:00:00Z', '2025-06-14T14:00:00Z', 'c'),
      span('2025-06-14T15:00:00Z', '2025-06-14T16:00:00Z', 'd'),
      span('2025-06-14T15:00:00Z', '2025-06-14T17:00:00Z', 'e'),
      span('2025-06-14T15:30:00Z', '2025-06-14T16:30:00Z', 'f'),
    ]);
    assert.deepEqual(Object.fromEntries(lanes), {
      a: { lane: 0, lanes: 2 },
      b: { lane: 1, lanes: 2 },
      c: { lane: 0, lanes: 2 },
      d: { lane: 0, lanes: 3 },
      e: { lane: 1, lanes: 3 },
      f: { lane: 2, lanes: 3 },
    });
    assert.deepEqual(Object.fromEntries(overlapLanes([span('2025-06-14T10:00:00Z', '2025-06-14T11:00:00Z', 'x')])), { x: { lane: 0, lanes: 1 } });
  });

  test('lanes across the repeated hour: the two 02:15 events do not overlap', () => {
    const lanes = overlapLanes([span('2025-10-26T00:15:00Z', '2025-10-26T00:45:00Z', 'first'), span('2025-10-26T01:15:00Z', '2025-10-26T01:45:00Z', 'second')]);
    assert.deepEqual(
      [lanes.get('first'), lanes.get('second')],
      [
        { lane: 0, lanes: 1 },
        { lane: 0, lanes: 1 },
      ],
    );
  });
});
