/**
 * Favourites kept locally per festival: persisted in an injected storage, robust against
 * missing, full or garbage storage, shared between instances, exported as iCal.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  Favourites,
  FAVOURITES_KEY_PREFIX,
  MAX_FAVOURITES,
  defaultStorage,
  favouritesKey,
  memoryStorage,
  type StorageLike,
} from '../../widgets/lib/favourites.js';
import { exportICal } from '../../widgets/lib/export-ical.js';
import { fromFrabJson } from '../../widgets/lib/schedule-data.js';
import { referenceSchedules } from './support.js';

describe('favourites', () => {
  test('kept per festival in the storage', () => {
    const storage = memoryStorage();
    const a = new Favourites('fest-a', storage);
    const b = new Favourites('fest-b', storage);
    a.add('e1');
    a.add('e2');
    a.add('e1');
    b.add('e9');
    assert.equal(a.key, `${FAVOURITES_KEY_PREFIX}fest-a`);
    assert.equal(favouritesKey('fest-b'), 'panda-kit:favourites:fest-b');
    assert.deepEqual(JSON.parse(storage.getItem(favouritesKey('fest-a'))!), ['e1', 'e2']);
    assert.deepEqual(JSON.parse(storage.getItem(favouritesKey('fest-b'))!), ['e9']);
    // A later visit reads them back.
    const again = new Favourites('fest-a', storage);
    assert.deepEqual([...again.ids], ['e1', 'e2']);
    assert.equal(again.has('e2'), true);
    assert.equal(again.has('e9'), false);
    assert.equal(again.size, 2);
  });

  test('toggle, remove, clear; listeners hear of changes', () => {
    const storage = memoryStorage();
    const favourites = new Favourites('f', storage);
    const heard: string[][] = [];
    const stop = favourites.subscribe((ids) => heard.push([...ids]));
    assert.equal(favourites.toggle('x'), true);
    assert.equal(favourites.toggle('y'), true);
    assert.equal(favourites.toggle('x'), false);
    favourites.remove('nope');
    favourites.clear();
    stop();
    favourites.add('z');
    assert.deepEqual(heard, [['x'], ['x', 'y'], ['y'], []]);
    assert.equal(storage.getItem(favouritesKey('f')), JSON.stringify(['z']));
    favourites.clear();
    assert.equal(storage.size, 0); // emptied favourites leave no key behind
  });

  test('reload picks up changes from another tab', () => {
    const storage = memoryStorage();
    const here = new Favourites('f', storage);
    const there = new Favourites('f', storage);
    let calls = 0;
    here.subscribe(() => calls++);
    there.add('from-there');
    assert.equal(here.has('from-there'), false);
    here.reload();
    assert.equal(here.has('from-there'), true);
    here.reload(); // nothing new: no call
    assert.equal(calls, 1);
  });

  test('garbage in storage reads as no favourites (or the valid part)', () => {
    for (const [stored, expected] of [
      ['not json', []],
      ['{"a":1}', []],
      ['null', []],
      ['"e1"', []],
      ['["e1", 5, null, "", "e2", {"x":1}]', ['e1', 'e2']],
    ] as Array<[string, string[]]>) {
      const storage = memoryStorage();
      storage.setItem(favouritesKey('f'), stored);
      assert.deepEqual([...new Favourites('f', storage).ids], expected, stored);
    }
  });

  test('storage that throws or is missing: favourites live in memory', () => {
    const throwing: StorageLike = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const favourites = new Favourites('f', throwing);
    favourites.add('e1');
    assert.equal(favourites.has('e1'), true);
    const none = new Favourites('f', undefined);
    none.toggle('e2');
    assert.deepEqual([...none.ids], ['e2']);
    const found = defaultStorage(); // Node may or may not have a localStorage: either way, no throw
    assert.ok(found === undefined || typeof found.getItem === 'function');
  });

  test('at most MAX_FAVOURITES', () => {
    const favourites = new Favourites('f', memoryStorage());
    for (let i = 0; i < MAX_FAVOURITES + 10; i++) favourites.add(`e${i}`);
    assert.equal(favourites.size, MAX_FAVOURITES);
  });

  test('in schedule order, and as iCal of just those events', () => {
    const data = fromFrabJson(referenceSchedules()[0]![1]);
    const favourites = new Favourites(data.festival.id, memoryStorage());
    const [first, , third] = data.events;
    favourites.add(third!.id);
    favourites.add('no-longer-there');
    favourites.add(first!.id);
    assert.deepEqual(favourites.inSchedule(data), [first!.id, third!.id]);
    const ics = exportICal(data, { eventIds: favourites.ids, now: Date.UTC(2025, 0, 1) });
    assert.equal(ics.match(/BEGIN:VEVENT/g)!.length, 2);
    assert.ok(ics.includes(`UID:${first!.id}@pandakit`));
    assert.ok(ics.includes(`UID:${third!.id}@pandakit`));
    assert.ok(ics.includes('DTSTAMP:20250101T000000Z'));
  });
});
