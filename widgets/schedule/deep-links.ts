/**
 * Deep links of `<panda-schedule>` in the page's URL hash: `#panda-day=2026-07-03` selects a
 * day, `#panda-event=<id>` an event; `#panda-favourites=…` carries favourites from another
 * device (./favourites-link.ts).
 */

export const FAVOURITES_FRAGMENT = 'panda-favourites=';

/** Whether a URL hash carries favourites. */
export const carriesFavourites = (hash: string) => hash.startsWith(`#${FAVOURITES_FRAGMENT}`);

/** A deep link in a URL hash: `#panda-day=2026-07-03` or `#panda-event=<id>`. */
export type DeepLink = { day: string } | { event: string };

export function readHash(hash: string): DeepLink | undefined {
  for (const part of hash.replace(/^#/, '').split('&')) {
    const [name, value = ''] = part.split('=');
    let decoded: string;
    try {
      decoded = decodeURIComponent(value);
    } catch {
      continue;
    }
    if (name === 'panda-day' && /^\d{4}-\d{2}-\d{2}$/.test(decoded)) return { day: decoded };
    if (name === 'panda-event' && decoded !== '' && decoded.length <= 256) return { event: decoded };
  }
  return undefined;
}

export const hashFor = (link: DeepLink): string => ('day' in link ? `#panda-day=${link.day}` : `#panda-event=${encodeURIComponent(link.event)}`);

/** Puts `link` in the page's URL without a history entry or a hashchange. */
export function writeHash(link: DeepLink): void {
  try {
    history.replaceState(history.state, '', hashFor(link));
  } catch {
    // sandboxed frames may refuse
  }
}
