/**
 * The content script's part of join links (../shared/join-link.ts): in a tab's top frame, a
 * fragment `#panda-join=…` (when the page loads, and when the fragment changes) goes to the
 * background, which asks the person in the planner. Each distinct fragment is sent once.
 */
import { JOIN_LINK_KEY, JOIN_LINK_TARGET, readJoinFragment } from '../shared/join-link.js';

export interface JoinLinkWindow {
  readonly location: { readonly hash: string };
  readonly top: unknown;
  addEventListener(type: 'hashchange', listener: () => void): void;
}

export function watchJoinLinks(win: JoinLinkWindow, send: (message: { target: typeof JOIN_LINK_TARGET; fragment: string }) => void): void {
  if (win.top !== win) return;
  let sent = '';
  const check = () => {
    const fragment = win.location.hash;
    if (fragment === sent || readJoinFragment(fragment, JOIN_LINK_KEY) === undefined) return;
    sent = fragment;
    send({ target: JOIN_LINK_TARGET, fragment });
  };
  check();
  win.addEventListener('hashchange', check);
}
