/**
 * Fixtures for the widget tests: a real festival built with FestivalNode on a MemoryStore
 * (Europe/Berlin, over the night clocks go back in October 2025), the provider's JSON shape
 * of its queries, and the reference schedules. Not a test file.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FestivalNode, MemoryStore, type Hash } from '../../core/index.js';
import { keyOf } from '../core/festival-support.js';

/** ../shared/reference beside the repository, as CI has it. */
export const REFERENCE = fileURLToPath(new URL('../../../shared/reference/', import.meta.url));
export const SCHEDULES = join(REFERENCE, 'schedules');

/** Every reference schedule: [file name, parsed JSON]. */
export function referenceSchedules(): Array<[string, unknown]> {
  return readdirSync(SCHEDULES)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => [name, JSON.parse(readFileSync(join(SCHEDULES, name), 'utf8')) as unknown]);
}

export const readReference = (name: string) => readFileSync(join(REFERENCE, name), 'utf8');

/** The provider's serialisation (extension/background/provider-router.ts `plain`). */
export function plain(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item instanceof Map || item instanceof Set ? [...item] : item)),
  );
}

/** Unix seconds of a UTC time. */
export const utc = (iso: string) => Date.parse(iso) / 1000;

export const orga = keyOf(0x11);
export const venue = keyOf(0x21);
export const tech = keyOf(0x31);
export const alice = keyOf(0x41);
export const bob = keyOf(0x51);

/**
 * "Hoffnung 3000" (Europe/Berlin), Saturday 25 to Sunday 26 October 2025: clocks go back
 * from 03:00 CEST to 02:00 CET at 01:00 UTC on the Sunday. A nested "Kinderprogramm".
 *
 * - night:   Sat 22:00 CEST - Sun 02:30 CET, Klangkeller (confirmed) + Beamer (pending)
 * - first:   Sun 02:15-02:45 CEST (the first 02:15), Hof (confirmed)
 * - second:  Sun 02:15-02:45 CET (the second 02:15), Hof (confirmed)
 * - denied:  Sat 17:00-18:00 CEST, Klangkeller (owner denies)
 * - fruehstueck: Sun 09:00-11:00 CET, Kinderprogramm, Hof (confirmed)
 * - clash:   Sun 10:30-11:30 CET, Hof (conflict: Hof holds one event, fruehstueck came first)
 * - cafe:    Sun 14:00-15:00 CET, "Café an der Straße", no resources
 */
export async function buildFestival() {
  const node = new FestivalNode(new MemoryStore());
  const festival = (
    await node.createFestival(orga, {
      name: 'Hoffnung 3000',
      description: 'Ein Wochenende im Keller',
      start: utc('2025-10-24T22:00:00Z'),
      end: utc('2025-10-26T23:00:00Z'),
      timezone: 'Europe/Berlin',
      url: 'https://hoffnung3000.example/',
    })
  ).hash;
  const kids = (
    await node.createFestival(orga, {
      name: 'Kinderprogramm',
      start: utc('2025-10-26T08:00:00Z'),
      end: utc('2025-10-26T16:00:00Z'),
      timezone: 'Europe/Berlin',
      parent: festival,
    })
  ).hash;
  const keller = (
    await node.createResource(venue, {
      festival,
      title: 'Klangkeller',
      kind: 'location',
      policy: 'manual',
      address: 'Kellerstraße 3, Berlin',
      position: 'geo:52.52,13.405',
      url: 'https://klangkeller.example/',
    })
  ).hash;
  const hof = (await node.createResource(venue, { festival, title: 'Hof', kind: 'location', capacity: 1 })).hash;
  const beamer = (await node.createResource(tech, { festival, title: 'Beamer', kind: 'equipment', policy: 'manual' })).hash;
  const event = async (
    key: typeof alice,
    title: string,
    start: string,
    end: string,
    resources: Hash[],
    createdAt: number,
    inFestival: Hash = festival,
    description = '',
  ) => (await node.createEvent(key, { festival: inFestival, title, description, start: utc(start), end: utc(end), resources, createdAt })).hash;
  const ids = {
    night: await event(
      alice,
      'Night of chaos',
      '2025-10-25T20:00:00Z',
      '2025-10-26T01:30:00Z',
      [keller, beamer],
      1,
      festival,
      'Loud; very loud, and long.\nBring earplugs \\o/',
    ),
    first: await event(alice, 'Erste Zwei', '2025-10-26T00:15:00Z', '2025-10-26T00:45:00Z', [hof], 2),
    second: await event(bob, 'Zweite Zwei', '2025-10-26T01:15:00Z', '2025-10-26T01:45:00Z', [hof], 3),
    denied: await event(bob, 'Abgelehnt', '2025-10-25T15:00:00Z', '2025-10-25T16:00:00Z', [keller], 4),
    fruehstueck: await event(alice, 'Frühstück', '2025-10-26T08:00:00Z', '2025-10-26T10:00:00Z', [hof], 5, kids),
    clash: await event(bob, 'Clash', '2025-10-26T09:30:00Z', '2025-10-26T10:30:00Z', [hof], 6),
    cafe: await event(alice, 'Café an der Straße', '2025-10-26T13:00:00Z', '2025-10-26T14:00:00Z', [], 7, festival, 'Kaffee und Kuchen für alle'),
  };
  await node.authorize(venue, keller, ids.night, 'confirm');
  await node.authorize(venue, keller, ids.denied, 'deny');
  const model = await node.model();
  const items = model.schedule(festival);
  const festivalResult = {
    festival: model.festivals.get(festival),
    tree: model
      .festivalTree(festival)
      .map((id) => model.festivals.get(id))
      .filter((festival) => festival !== undefined),
  };
  return { node, model, festival, kids, keller, hof, beamer, ids, items, festivalResult };
}
