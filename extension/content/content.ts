/**
 * The content script (isolated world, document_start, every http(s) frame): relays between
 * the in-page provider and the background (relay.ts), and hands join links to the background
 * (join-link-watch.ts). Frames with an opaque origin
 * (sandboxed iframes) are left alone, as the in-page script leaves them without a provider.
 */
import browser from 'webextension-polyfill';
import { PROVIDER_PORT } from '../shared/protocol.js';
import { watchJoinLinks } from './join-link-watch.js';
import { startRelay } from './relay.js';

if (window.origin !== 'null') {
  startRelay({ win: window, connect: () => browser.runtime.connect({ name: PROVIDER_PORT }) });
  watchJoinLinks(window, (message) => void browser.runtime.sendMessage(message).catch(() => undefined));
}
