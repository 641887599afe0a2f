/**
 * ISO 8601 date-times as people type them: wall times in a zone (Europe/Lisbon around its
 * 2027 clock changes), explicit offsets taken as given, and everything else refused with
 * the reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseIsoDateTime } from '../../widgets/lib/iso-date-time.js';

const LISBON = 'Europe/Lisbon';
const utc = (text: string) => Date.parse(text);

describe('parseIsoDateTime', () => {
  test('a local date and time is read on the zone’s wall clock (summer and winter offsets)', () => {
    assert.deepEqual(parseIsoDateTime('2027-06-04T14:00', LISBON), { ok: true, epochMs: utc('2027-06-04T13:00Z') });
    assert.deepEqual(parseIsoDateTime('2027-01-10T14:00', LISBON), { ok: true, epochMs: utc('2027-01-10T14:00Z') });
    assert.deepEqual(parseIsoDateTime('2027-06-04 14:00:30', 'Asia/Kolkata'), { ok: true, epochMs: utc('2027-06-04T08:30:30Z') });
    assert.deepEqual(parseIsoDateTime(' 2027-06-04T14:00:30.75 ', 'UTC'), { ok: true, epochMs: utc('2027-06-04T14:00:30Z') }, 'fractions are dropped');
  });

  test('an explicit offset or Z is taken as given, whatever the zone', () => {
    for (const text of [
      '2027-06-04T13:00Z',
      '2027-06-04T13:00z',
      '2027-06-04T15:00+02:00',
      '2027-06-04T15:00+0200',
      '2027-06-04T15:00+02',
      '2027-06-04T09:30-03:30',
    ]) {
      assert.deepEqual(parseIsoDateTime(text, 'Pacific/Auckland'), { ok: true, epochMs: utc('2027-06-04T13:00Z') }, text);
    }
  });

  test('a time the clocks skip is read that much later, and says so', () => {
    // 28 March 2027: Lisbon's clocks go from 01:00 to 02:00.
    assert.deepEqual(parseIsoDateTime('2027-03-28T01:30', LISBON), { ok: true, epochMs: utc('2027-03-28T01:30Z'), clockChange: 'gap', shiftMinutes: 60 });
    assert.deepEqual(parseIsoDateTime('2027-03-28T00:59', LISBON), { ok: true, epochMs: utc('2027-03-28T00:59Z') });
    assert.deepEqual(parseIsoDateTime('2027-03-28T02:00', LISBON), { ok: true, epochMs: utc('2027-03-28T01:00Z') });
  });

  test('a time that happens twice means the first, and says so', () => {
    // 31 October 2027: Lisbon's clocks go back from 02:00 to 01:00.
    assert.deepEqual(parseIsoDateTime('2027-10-31T01:30', LISBON), { ok: true, epochMs: utc('2027-10-31T00:30Z'), clockChange: 'repeated' });
    assert.deepEqual(parseIsoDateTime('2027-10-31T02:00', LISBON), { ok: true, epochMs: utc('2027-10-31T02:00Z') });
    assert.deepEqual(parseIsoDateTime('2027-10-31T01:30+00:00', LISBON), { ok: true, epochMs: utc('2027-10-31T01:30Z') }, 'an offset picks the second');
  });

  test('anything else is refused with the reason', () => {
    const reason = (text: string) => {
      const result = parseIsoDateTime(text, LISBON);
      assert.equal(result.ok, false, text);
      return (result as { reason: string }).reason;
    };
    assert.match(reason('2027-06-04'), /needs a time of day too/);
    for (const text of ['', 'tomorrow', '04.06.2027 14:00', '2027-6-4T14:00', '2027-06-04T14', '2027-06-04T14:00:00 Europe/Lisbon', '1780000000']) {
      assert.match(reason(text), /is not an ISO 8601 date and time/, text);
    }
    assert.match(reason('2027-02-29T10:00'), /no such day \(2027-02-29\)/);
    assert.match(reason('2027-13-01T10:00'), /no such day/);
    assert.match(reason('2027-04-31T10:00'), /no such day/);
    assert.deepEqual(parseIsoDateTime('2028-02-29T10:00', 'UTC'), { ok: true, epochMs: utc('2028-02-29T10:00Z') }, 'a leap day is a day');
    assert.match(reason('2027-06-04T24:00'), /no such time of day/);
    assert.match(reason('2027-06-04T12:60'), /no such time of day/);
    assert.match(reason('2027-06-04T12:00:60'), /no such time of day/);
    assert.match(reason('2027-06-04T12:00+19:00'), /offset beyond ±18:00/);
    assert.match(reason('2027-06-04T12:00+01:75'), /offset beyond ±18:00/);
  });
});
