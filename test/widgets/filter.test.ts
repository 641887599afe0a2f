/**
 * Filtering: locations, kinds, tracks, festivals, statuses, text without regard to case or
 * diacritics, favourites; and the options the filter controls offer.
 */
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { eventStatus, filterEvents, filterOptions, isFilterActive, normalizeText, searchTerms } from '../../widgets/lib/filter.js';
import { fromFrabJson, fromProviderQueries, type ScheduleData } from '../../widgets/lib/schedule-data.js';
import { buildFestival, plain, referenceSchedules } from './support.js';

describe('filter', () => {
  let fixture: Awaited<ReturnType<typeof buildFestival>>;
  let data: ScheduleData;
  let frab: ScheduleData;
  const titles = (events: ReadonlyArray<{ title: string }>) => events.map((event) => event.title);
  before(async () => {
    fixture = await buildFestival();
    data = fromProviderQueries(plain(fixture.festivalResult), plain(fixture.items));
    frab = fromFrabJson(referenceSchedules().find(([name]) => name.includes('camp2019'))![1]);
  });

  test('text is compared without case and diacritics', () => {
    assert.equal(normalizeText('  Café   an der STRASSE '), 'cafe an der strasse');
    assert.equal(normalizeText('Straße'), 'strasse');
    assert.equal(normalizeText('Ærø Łódź İstanbul ﬁx'), 'aero lodz istanbul fix');
    assert.deepEqual(searchTerms('  Zwei   ERSTE '), ['zwei', 'erste']);
    assert.deepEqual(searchTerms('   '), []);
  });

  test('search finds words anywhere: title, description, location, resources', () => {
    assert.deepEqual(titles(filterEvents(data, { text: 'cafe strasse' })), ['Café an der Straße']);
    assert.deepEqual(titles(filterEvents(data, { text: 'CAFÉ' })), ['Café an der Straße']);
    assert.deepEqual(titles(filterEvents(data, { text: 'kuchen' })), ['Café an der Straße']); // description
    assert.deepEqual(titles(filterEvents(data, { text: 'klangkeller' })), ['Abgelehnt', 'Night of chaos']); // location
    assert.deepEqual(titles(filterEvents(data, { text: 'beamer' })), ['Night of chaos']); // a resource
    assert.deepEqual(titles(filterEvents(data, { text: 'kinderprogramm' })), ['Frühstück']); // nested festival
    assert.deepEqual(titles(filterEvents(data, { text: 'fruhstuck' })), ['Frühstück']);
    assert.deepEqual(titles(filterEvents(data, { text: 'zwei erste' })), ['Erste Zwei']); // every word, any order
    assert.deepEqual(titles(filterEvents(data, { text: 'zwei nirgends' })), []);
  });

  test('a renamed location is found by its new name (no stale search text)', () => {
    assert.deepEqual(titles(filterEvents(data, { text: 'klangkeller' })).length, 2);
    const renamed = { ...data, locations: data.locations.map((location) => (location.name === 'Klangkeller' ? { ...location, name: 'Tonstudio' } : location)) };
    assert.deepEqual(titles(filterEvents(renamed, { text: 'tonstudio' })), ['Abgelehnt', 'Night of chaos']);
  });

  test('by location, festival, status', () => {
    assert.deepEqual(titles(filterEvents(data, { locationIds: [fixture.hof] })), ['Erste Zwei', 'Zweite Zwei', 'Frühstück', 'Clash']);
    assert.deepEqual(titles(filterEvents(data, { locationIds: [fixture.hof, fixture.keller] })).length, 6);
    assert.deepEqual(titles(filterEvents(data, { festivalIds: [fixture.kids] })), ['Frühstück']);
    assert.deepEqual(titles(filterEvents(data, { statuses: ['denied'] })), ['Abgelehnt', 'Clash']);
    assert.deepEqual(titles(filterEvents(data, { statuses: ['pending'] })), ['Night of chaos']);
    assert.equal(eventStatus(data.events.find((event) => event.title === 'Café an der Straße')!), 'confirmed');
    assert.deepEqual(titles(filterEvents(data, {})), titles(data.events));
  });

  test('favourites only', () => {
    const favourites = [fixture.ids.cafe, fixture.ids.night, 'gone'];
    assert.deepEqual(titles(filterEvents(data, { favouritesOnly: true, favourites })), ['Night of chaos', 'Café an der Straße']);
    assert.deepEqual(titles(filterEvents(data, { favouritesOnly: true, favourites: new Set(favourites), text: 'cafe' })), ['Café an der Straße']);
    assert.deepEqual(filterEvents(data, { favouritesOnly: true }), []);
    assert.equal(filterEvents(data, { favouritesOnly: false, favourites }).length, data.events.length);
  });

  test('frab kinds and tracks', () => {
    const options = filterOptions(frab);
    assert.ok(options.kinds.length > 0 && options.tracks.length > 0);
    const kind = options.kinds[0]!;
    const byKind = filterEvents(frab, { kinds: [kind.value] });
    assert.equal(byKind.length, kind.count);
    assert.ok(byKind.every((event) => event.kind === kind.value));
    const track = options.tracks.find((option) => option.label === 'CCC')!;
    assert.ok(filterEvents(frab, { tracks: ['CCC'] }).every((event) => event.track === 'CCC'));
    assert.equal(filterEvents(frab, { tracks: ['CCC'] }).length, track.count);
    assert.equal(filterEvents(frab, { kinds: ['no such kind'] }).length, 0);
    assert.equal(options.festivals.length, 0);
    assert.equal(
      options.locations.reduce((sum, option) => sum + option.count, 0),
      frab.events.length,
    );
  });

  test('options for the model’s schedule', () => {
    const options = filterOptions(data, 'de');
    assert.deepEqual(
      options.locations.map(({ label, count }) => [label, count]),
      [
        ['Hof', 4],
        ['Klangkeller', 2],
      ],
    );
    assert.deepEqual(options.kinds, []);
    assert.deepEqual(
      options.tracks.map(({ label }) => label),
      ['Kinderprogramm'],
    );
    assert.deepEqual(
      options.festivals.map(({ label, count }) => [label, count]),
      [
        ['Hoffnung 3000', 6],
        ['Kinderprogramm', 1],
      ],
    );
  });

  test('whether any filter is set', () => {
    assert.equal(isFilterActive({}), false);
    assert.equal(isFilterActive({ text: '   ', locationIds: [], favourites: ['x'] }), false);
    assert.equal(isFilterActive({ text: 'x' }), true);
    assert.equal(isFilterActive({ favouritesOnly: true }), true);
    assert.equal(isFilterActive({ kinds: ['talk'] }), true);
  });
});
