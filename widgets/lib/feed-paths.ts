/**
 * Where `panda serve --http` serves a festival's live feeds (node/feed-server.ts), and the
 * links to them that `<panda-schedule feeds="https://…">` offers: one home for the paths the
 * server answers and the widgets point at. DOM-free.
 */

export type FeedFormat = 'ics' | 'json' | 'xml';
export const FEED_FORMATS: readonly FeedFormat[] = ['ics', 'json', 'xml'];

/** A festival's feed, relative to the server's root. */
export const feedPath = (festivalId: string, format: FeedFormat) => `/festivals/${festivalId}.${format}`;

/** One event alone, relative to the server's root. */
export const eventFeedPath = (festivalId: string, eventId: string) => `/festivals/${festivalId}/events/${eventId}.ics`;

export interface FeedLinks {
  /** webcal:// of the iCalendar feed: calendars subscribe to it. */
  webcal: string;
  ics: string;
  json: string;
  xml: string;
}

/**
 * The feeds of `festivalId` on the server at `base` (an http(s) URL without query or
 * fragment; a path in it is kept: `https://example.org/panda` serves `/panda/festivals/…`),
 * or undefined for anything else.
 */
export function feedLinks(base: string | undefined, festivalId: string): FeedLinks | undefined {
  if (base === undefined || !/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i.test(base) || !/^0020[0-9a-f]{64}$/.test(festivalId)) return undefined;
  const ics = base.replace(/\/+$/, '') + feedPath(festivalId, 'ics');
  return { webcal: ics.replace(/^https?:/i, 'webcal:'), ics, json: ics.replace(/ics$/, 'json'), xml: ics.replace(/ics$/, 'xml') };
}
