/**
 * Chrome's offscreen document (skeleton): service workers have no RTCPeerConnection, so the
 * extension's peer (extension/peer/peer-host.ts) will run here, created by the background with
 * `chrome.offscreen.createDocument({ url: 'offscreen.html', reasons: ['WEB_RTC'], ... })`.
 * Firefox needs none: its event page has WebRTC. For now it only answers that it is there.
 */
import browser from 'webextension-polyfill';

browser.runtime.onMessage.addListener((message: unknown) => {
  if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'offscreen:ping') return Promise.resolve('offscreen:pong');
  return undefined;
});
