/**
 * Chrome's offscreen document: service workers have no RTCPeerConnection, so the extension's
 * peer (PeerHost) runs here. The background creates this document (reason WEB_RTC), then
 * configures the peer and announces what it publishes; the peer reports entries from other
 * peers back. Only the extension's own contexts are listened to: content scripts share the
 * runtime's messages but have a tab.
 */
import browser from 'webextension-polyfill';
import { hexToBytes, isPandaError } from '../../core/index.js';
import { PeerHost } from '../peer/peer-host.js';
import { BACKGROUND_TARGET, OFFSCREEN_TARGET, type BackgroundNotice, type OffscreenReply, type OffscreenRequest } from '../peer/peer-link.js';

const notify = (type: BackgroundNotice['type']) => {
  // Nobody listening (the service worker is starting) is fine: it configures the peer when it starts.
  browser.runtime.sendMessage({ target: BACKGROUND_TARGET, type } satisfies BackgroundNotice).catch(() => {});
};

const host = PeerHost.start({ onChange: () => notify('peer_changed') });

async function answer(request: OffscreenRequest): Promise<unknown> {
  const peer = await host;
  switch (request.method) {
    case 'peer_configure':
      return peer.configure(request.params);
    case 'peer_announce':
      return peer.announce(hexToBytes(request.params.entry), hexToBytes(request.params.operation));
    case 'peer_health':
      return peer.health();
  }
}

browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
  const request = message as OffscreenRequest;
  if (typeof request !== 'object' || request === null || request.target !== OFFSCREEN_TARGET) return undefined;
  if (sender.tab !== undefined || sender.id !== browser.runtime.id) return undefined;
  return answer(request).then(
    (result): OffscreenReply => ({ result: result ?? null }),
    (error: unknown): OffscreenReply => ({
      error: { code: isPandaError(error) ? error.code : 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
    }),
  );
});

host.then(
  () => notify('peer_ready'),
  (error: unknown) => console.error('Panda Kit: the peer could not start', error),
);
