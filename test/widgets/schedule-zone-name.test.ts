/**
 * The toolbar's "Times in …" of `<panda-schedule>`: the zone's name on the day shown, not on
 * the day the page is looked at (Chaos Communication Camp 2019, Berlin in August, looked at
 * in December), and both names on the days clocks change.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { translator } from '../../widgets/lib/i18n.js';
import { fromFrabJson } from '../../widgets/lib/schedule-data.js';
import { dayRange } from '../../widgets/lib/time.js';
import { daysOf, shownZoneName } from '../../widgets/schedule/schedule-model.js';

const BERLIN = 'Europe/Berlin';
const DECEMBER = Date.parse('2026-12-02T14:00:00Z');
const camp2019 = fromFrabJson(JSON.parse(readFileSync(new URL('../browser/fixtures/frab-camp2019-trimmed.json', import.meta.url), 'utf8')));

describe('shownZoneName', () => {
  test('names the offset of the shown day, not of today', () => {
    const days = daysOf(camp2019, camp2019.festival.timezone);
    assert.equal(camp2019.festival.timezone, BERLIN);
    assert.deepEqual(
      days.map((day) => day.key),
      ['2019-08-22', '2019-08-23'],
    );
    for (const day of days) {
      assert.equal(shownZoneName(BERLIN, 'en-US', DECEMBER, day), 'GMT+2', day.key);
      assert.equal(shownZoneName(BERLIN, 'en-GB', DECEMBER, day), 'CEST', day.key);
      assert.equal(shownZoneName(BERLIN, 'de', DECEMBER, day), 'MESZ', day.key);
    }
    assert.equal(translator('en')('time.zoneNote', { zone: shownZoneName(BERLIN, 'en-US', DECEMBER, days[0]) }), 'Times in GMT+2');
  });

  test('without a day (now and next), the offset now', () => {
    assert.equal(shownZoneName(BERLIN, 'en-US', DECEMBER, undefined), 'GMT+1');
    assert.equal(shownZoneName(BERLIN, 'en-US', Date.parse('2019-08-22T12:00:00Z'), undefined), 'GMT+2');
  });

  test('a day on which clocks change names both offsets, in the order they come', () => {
    assert.equal(shownZoneName(BERLIN, 'en-US', DECEMBER, dayRange('2025-10-26', BERLIN)), 'GMT+2 / GMT+1');
    assert.equal(shownZoneName(BERLIN, 'de', DECEMBER, dayRange('2025-03-30', BERLIN)), 'MEZ / MESZ');
    assert.equal(shownZoneName(BERLIN, 'en-US', DECEMBER, dayRange('2025-10-25', BERLIN)), 'GMT+2', 'the day before');
    assert.equal(shownZoneName(BERLIN, 'en-US', DECEMBER, dayRange('2025-10-27', BERLIN)), 'GMT+1', 'the day after');
  });
});
