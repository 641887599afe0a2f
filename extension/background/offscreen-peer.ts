/**
 * The peer as Chrome's service worker reaches it: in the offscreen document (service workers
 * have no RTCPeerConnection), created on demand with reason WEB_RTC and spoken to with runtime
 * messages. The document outlives the service worker; a new service worker finds it and
 * configures it again, and a document that restarts says so (`peer_ready`) and is configured
 * again too.
 */
import browser from 'webextension-polyfill';
import { bytesToHex, PandaError } from '../../core/index.js';
import type { FestivalPeerHealth } from '../../peer/index.js';
import { FILES } from '../manifest.js';
import {
  BACKGROUND_TARGET,
  OFFSCREEN_TARGET,
  samePeerConfig,
  type BackgroundNotice,
  type OffscreenReply,
  type OffscreenRequest,
  type PeerConfig,
  type PeerLink,
} from '../peer/peer-link.js';

/** chrome.offscreen, which webextension-polyfill does not cover (Chrome only). */
interface OffscreenApi {
  createDocument(parameters: { url: string; reasons: string[]; justification: string }): Promise<void>;
  hasDocument?(): Promise<boolean>;
}

const offscreenApi = (): OffscreenApi | undefined => (globalThis as { chrome?: { offscreen?: OffscreenApi } }).chrome?.offscreen;

/** Whether this background can only reach WebRTC through an offscreen document. */
export const needsOffscreenPeer = (): boolean => typeof globalThis.RTCPeerConnection !== 'function' && offscreenApi() !== undefined;

const SEND_ATTEMPTS = 20;
const RETRY_DELAY = 100;

export class OffscreenPeer implements PeerLink {
  #config: PeerConfig | undefined;
  #creating: Promise<void> | undefined;

  constructor(onChange: () => void) {
    browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
      const notice = message as BackgroundNotice;
      if (typeof notice !== 'object' || notice === null || notice.target !== BACKGROUND_TARGET || sender.tab !== undefined || sender.id !== browser.runtime.id)
        return undefined;
      if (notice.type === 'peer_changed') onChange();
      if (notice.type === 'peer_ready' && this.#config)
        void this.#send({ target: OFFSCREEN_TARGET, method: 'peer_configure', params: this.#config }).catch(() => {});
      return undefined;
    });
  }

  async configure(config: PeerConfig): Promise<void> {
    if (samePeerConfig(this.#config, config) && (await this.#exists())) return;
    this.#config = structuredClone(config);
    await this.#send({ target: OFFSCREEN_TARGET, method: 'peer_configure', params: config });
  }

  async announce(entry: Uint8Array, operation: Uint8Array): Promise<void> {
    await this.#send({ target: OFFSCREEN_TARGET, method: 'peer_announce', params: { entry: bytesToHex(entry), operation: bytesToHex(operation) } });
  }

  async health(): Promise<FestivalPeerHealth> {
    return (await this.#send({ target: OFFSCREEN_TARGET, method: 'peer_health' })) as FestivalPeerHealth;
  }

  async #exists(): Promise<boolean> {
    const api = offscreenApi();
    return (await api?.hasDocument?.()) ?? false;
  }

  async #ensureDocument(): Promise<void> {
    if (await this.#exists()) return;
    this.#creating ??= offscreenApi()!
      .createDocument({ url: FILES.offscreen, reasons: ['WEB_RTC'], justification: 'Replicates festival data with other peers over WebRTC' })
      .catch((error: unknown) => {
        // Another start of the service worker may have created it in the meantime.
        if (!String(error).includes('single offscreen')) throw error;
      })
      .finally(() => (this.#creating = undefined));
    await this.#creating;
  }

  async #send(request: OffscreenRequest): Promise<unknown> {
    await this.#ensureDocument();
    // A document that is still loading has no listener yet: "Receiving end does not exist".
    for (let attempt = 1; ; attempt++) {
      let reply: OffscreenReply | undefined;
      try {
        reply = await browser.runtime.sendMessage<unknown, OffscreenReply | undefined>(request);
      } catch (error) {
        if (attempt >= SEND_ATTEMPTS) throw new PandaError('TRANSPORT_CLOSED', `The offscreen peer does not answer: ${String(error)}`);
      }
      if (reply && 'result' in reply) return reply.result;
      if (reply && 'error' in reply) throw new PandaError('TRANSPORT_CLOSED', `The offscreen peer failed: ${reply.error.message} [${reply.error.code}]`);
      if (attempt >= SEND_ATTEMPTS) throw new PandaError('TRANSPORT_CLOSED', 'The offscreen peer does not answer');
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY));
    }
  }
}
