/**
 * Join links: an organiser's page address whose fragment names a festival and the signaling
 * servers its peers meet through,
 *
 *   https://fest.example/#panda-join=0020…&signaling=wss%3A%2F%2Fsignal.example
 *
 * Opened in a browser with Panda Kit, the content script hands the fragment to the background,
 * which opens the planner asking the person whether to take part (planner.html#join=…&from=…,
 * the same form). Without the extension the page itself shows the festival read-only (its
 * widgets join the peers on their own). A fragment never reaches the page's server.
 * No browser APIs in here.
 */

/** The fragment key of a join link on a web page. */
export const JOIN_LINK_KEY = 'panda-join';
/** The fragment key of the planner page opened for a join link. */
export const PLANNER_JOIN_KEY = 'join';
/** Longer fragments are not join links (8 servers of 512 characters, escaped, fit). */
export const MAX_JOIN_FRAGMENT = 16_384;
/** The message the content script sends with a join link's fragment. */
export const JOIN_LINK_TARGET = 'panda-kit:join-link';

export interface JoinLinkOffer {
  festivalId: string;
  signaling: string[];
  /** Where the link was opened (only in the planner's fragment; set by the background from the browser's sender). */
  from?: string;
}

/** `#<key>=<festivalId>&signaling=<url>…[&from=<origin>]`. */
export function joinFragment(key: string, offer: JoinLinkOffer): string {
  const params = new URLSearchParams();
  params.set(key, offer.festivalId);
  for (const url of offer.signaling) params.append('signaling', url);
  if (offer.from !== undefined) params.set('from', offer.from);
  return `#${params.toString()}`;
}

/** A join link for `pageUrl` (its own fragment replaced). */
export function joinLink(pageUrl: string, offer: Omit<JoinLinkOffer, 'from'>): string {
  const url = new URL(pageUrl);
  url.hash = '';
  return `${url.toString()}${joinFragment(JOIN_LINK_KEY, { festivalId: offer.festivalId, signaling: offer.signaling })}`;
}

/** The offer in a fragment (`location.hash`, with or without its '#'), or undefined when it is none. Values are not checked here: the background does. */
export function readJoinFragment(hash: string, key: string): JoinLinkOffer | undefined {
  if (hash.length > MAX_JOIN_FRAGMENT) return undefined;
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  const festivalId = params.get(key);
  if (festivalId === null || festivalId === '') return undefined;
  const from = params.get('from');
  return { festivalId, signaling: params.getAll('signaling'), ...(from === null ? {} : { from }) };
}
