/**
 * The link that carries favourites to another device: each event named by a short start of
 * its id, the round trip back to the same events, starts that name none or several left
 * out, and a fragment that is not such a link, or is broken, read as none.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { fromProviderQueries, type ScheduleData } from '../../widgets/lib/schedule-data.js';
import { favouritesLink, favouritesOf, readFavouritesLink } from '../../widgets/schedule/favourites-link.js';
import { buildFestival, plain } from './support.js';

describe('favourites link', () => {
  let data: ScheduleData;
  before(async () => {
    const fixture = await buildFestival();
    data = fromProviderQueries(plain(fixture.festivalResult), plain(fixture.items));
  });

  test('carries the favourites in short starts of their ids, and brings back the same events', () => {
    const ids = [data.events[1]!.id, data.events[4]!.id, data.events[0]!.id];
    const link = favouritesLink('https://festival.example/programm?x=1#panda-day=2025-10-25', data, ids);
    assert.match(link, /^https:\/\/festival\.example\/programm\?x=1#panda-favourites=[0-9a-f]+,[0-9a-f]+,[0-9a-f]+$/);
    const starts = readFavouritesLink(new URL(link).hash)!;
    assert.equal(starts.length, 3);
    for (const start of starts) assert.ok(start.length >= 8 && start.length < data.events[0]!.id.length, `${start} is short`);
    assert.deepEqual(favouritesOf(data, starts), [data.events[0]!.id, data.events[1]!.id, data.events[4]!.id], 'in the schedule’s order');
  });

  test('a start that names no event, or several, is left out; ids shorter than a start are whole', () => {
    const small = { ...data, events: data.events.slice(0, 3).map((event, index) => ({ ...event, id: ['7', 'ab-1', 'ab-12'][index]! })) };
    const link = favouritesLink('https://x.example/', small, ['7', 'ab-1', 'ab-12']);
    assert.equal(link, 'https://x.example/#panda-favourites=7,ab-1,ab-12');
    assert.deepEqual(favouritesOf(small, ['7', 'ab-1', 'ab', 'zz']), ['7', 'ab-1'], '"ab" names two, "zz" none; "ab-1" is a whole id');
  });

  test('a fragment that is no favourites link, or is broken, carries none', () => {
    assert.equal(readFavouritesLink('#panda-day=2025-10-25'), undefined);
    assert.equal(readFavouritesLink(''), undefined);
    assert.equal(readFavouritesLink('#panda-favourites='), undefined);
    assert.deepEqual(readFavouritesLink('#panda-favourites=%E0%A4%A,abc,,a%2Cb'), ['abc', 'a,b']);
  });
});
