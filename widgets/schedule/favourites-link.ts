/**
 * Favourites to another device without an account: a link to the same page whose fragment
 * carries them, `#panda-favourites=<id>,<id>,…`. Each event is named by the shortest start
 * of its id that no other event of the schedule shares, two characters longer so that
 * events added later seldom share it (a p2panda id is 68 characters; its start of about 12
 * names it). The page that opens the link finds the events whose ids start so, and offers
 * to add them (widgets/schedule/favourites-share.ts); a start that names no event, or more
 * than one, is left out. Nothing leaves the device but the link the visitor passes on.
 * DOM-free; in the sharing chunk (./lazy.ts), the fragment's name with the other deep links.
 */
import { MAX_FAVOURITES } from '../lib/favourites.js';
import type { ScheduleData } from '../lib/schedule-data.js';
import { FAVOURITES_FRAGMENT } from './deep-links.js';
const MIN_PREFIX = 8;
const MARGIN = 2;

/** The shortest start of `id` that is no other id's start, plus the margin (the whole id at most). */
function shortest(id: string, others: readonly string[]): string {
  let length = Math.min(id.length, MIN_PREFIX);
  for (const other of others) {
    if (other === id) continue;
    let same = 0;
    while (same < id.length && id[same] === other[same]) same++;
    length = Math.max(length, same + 1);
  }
  return id.slice(0, Math.min(id.length, length + MARGIN));
}

/** The link to `page` (its own fragment dropped) that carries the favourites `ids` of `data`'s events. */
export function favouritesLink(page: string, data: ScheduleData, ids: Iterable<string>): string {
  const wanted = new Set(ids);
  const all = data.events.map((event) => event.id);
  const starts = all.filter((id) => wanted.has(id)).map((id) => encodeURIComponent(shortest(id, all)));
  return `${page.split('#')[0]}#${FAVOURITES_FRAGMENT}${starts.join(',')}`;
}

/** The starts a link's fragment (`location.hash`) carries; undefined when it carries none. */
export function readFavouritesLink(hash: string): string[] | undefined {
  const at = hash.indexOf(FAVOURITES_FRAGMENT);
  if (at !== 0 && at !== 1) return undefined;
  const starts = hash
    .slice(at + FAVOURITES_FRAGMENT.length)
    .split(',')
    .slice(0, MAX_FAVOURITES)
    .flatMap((part) => {
      try {
        const start = decodeURIComponent(part);
        return start === '' || start.length > 256 ? [] : [start];
      } catch {
        return []; // a broken escape
      }
    });
  return starts.length > 0 ? starts : undefined;
}

/** The ids of the events the starts name, in the schedule's order: each start that is an id, or the start of exactly one. */
export function favouritesOf(data: ScheduleData, starts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const start of starts) {
    // An id whole names its event, even when it is the start of another's ("ab-1", "ab-12").
    const matches = data.events.filter((event) => event.id === start);
    if (matches.length === 0) matches.push(...data.events.filter((event) => event.id.startsWith(start)));
    if (matches.length === 1) found.add(matches[0]!.id);
  }
  return data.events.filter((event) => found.has(event.id)).map((event) => event.id);
}
