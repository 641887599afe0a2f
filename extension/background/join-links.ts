/**
 * Join links opened in a tab (see ../shared/join-link.ts): the content script of a page's top
 * frame sends the fragment; the background checks it and opens the planner, which asks the
 * person whether to take part. The page learns nothing and can only ever cause one planner
 * tab per festival at a time, so a page rewriting its fragment cannot flood the person with
 * tabs. No browser globals in here (tested with fakes).
 */
import { isHash } from '../../core/index.js';
import { JOIN_LINK_KEY, JOIN_LINK_TARGET, joinFragment, PLANNER_JOIN_KEY, readJoinFragment } from '../shared/join-link.js';
import { parseJoinOptions } from './festival-settings.js';
import { contextFromSender, type PortSender } from './port.js';

/** How long a festival's join tab keeps another from opening (ms). */
export const JOIN_TAB_PAUSE = 10_000;

export interface JoinLinkOptions {
  /** The planner's URL (`runtime.getURL('planner.html')`). */
  plannerUrl: string;
  openTab(url: string): Promise<unknown>;
  now?: () => number;
}

/**
 * Handles one runtime message; returns true when it was a join link that opened the planner.
 * Anything else (other messages, frames that are not a tab's top frame, bad ids or servers)
 * is ignored.
 */
export function joinLinkHandler(options: JoinLinkOptions): (message: unknown, sender: PortSender) => Promise<boolean> {
  const now = options.now ?? Date.now;
  const opened = new Map<string, number>();
  return async (message, sender) => {
    if (typeof message !== 'object' || message === null || (message as { target?: unknown }).target !== JOIN_LINK_TARGET) return false;
    const fragment = (message as { fragment?: unknown }).fragment;
    const context = contextFromSender(sender);
    if (typeof fragment !== 'string' || !context || context.tabId === undefined || (context.frameId ?? 0) !== 0) return false;
    const offer = readJoinFragment(fragment, JOIN_LINK_KEY);
    if (!offer || !isHash(offer.festivalId)) return false;
    let signaling: string[];
    try {
      signaling = parseJoinOptions({ signaling: offer.signaling }).signaling;
    } catch {
      return false;
    }
    const last = opened.get(offer.festivalId);
    if (last !== undefined && now() - last < JOIN_TAB_PAUSE) return false;
    for (const [id, at] of opened) if (now() - at >= JOIN_TAB_PAUSE) opened.delete(id);
    opened.set(offer.festivalId, now());
    await options.openTab(`${options.plannerUrl}${joinFragment(PLANNER_JOIN_KEY, { festivalId: offer.festivalId, signaling, from: context.origin })}`);
    return true;
  };
}
