/**
 * The background put together: the vault (identities and keys), the festival node on
 * IndexedDB, the peer (in this context where it has WebRTC, as in Firefox, else in Chrome's
 * offscreen document), the approval queue with its window, the sites' permissions, the
 * provider router for pages and the API of the extension's own pages. main.ts (and the
 * end-to-end tests' background) start from here.
 */
import browser from 'webextension-polyfill';
import { DexieStore, FestivalNode, type Hash, type KeyPair } from '../../core/index.js';
import { PeerHost, DATABASE_NAME } from '../peer/peer-host.js';
import type { PeerLink } from '../peer/peer-link.js';
import { POPUP_PORT, POPUP_TARGET, type PopupMessage, type PopupReply } from '../shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError, type ProviderErrorShape } from '../shared/protocol.js';
import { Vault, type VaultStorage } from '../vault/vault.js';
import { ApprovalQueue } from './approvals.js';
import { FestivalSettings } from './festival-settings.js';
import { needsOffscreenPeer, OffscreenPeer } from './offscreen-peer.js';
import { Permissions } from './permissions.js';
import { PopupApi } from './popup-api.js';
import { ProviderRouter } from './provider-router.js';
import type { Router } from './router.js';

const storageArea = (area: browser.Storage.StorageArea): VaultStorage => ({
  get: async (key) => (await area.get(key))[key],
  set: (key, value) => area.set({ [key]: value }),
  remove: (key) => area.remove(key),
});

/** How often an open popup is told to refresh, for figures nobody announces (peers' health). */
const REFRESH_INTERVAL = 2_000;

/**
 * The extension's pages that are open right now (popup, approval window), through the ports
 * they keep to the background: whether the popup is showing (then it asks the person, not a
 * window), and telling them all that the state changed.
 */
export class OpenPages {
  readonly #ports = new Map<browser.Runtime.Port, 'popup' | 'approval'>();
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Called when the popup closes (with requests still waiting, they need a window). */
  onPopupClosed: (() => void) | undefined;

  add(port: browser.Runtime.Port, page: 'popup' | 'approval'): void {
    this.#ports.set(port, page);
    this.#timer ??= setInterval(() => this.notify(), REFRESH_INTERVAL);
    port.onDisconnect.addListener(() => {
      this.#ports.delete(port);
      if (this.#ports.size === 0) {
        clearInterval(this.#timer);
        this.#timer = undefined;
      }
      if (page === 'popup' && !this.popupOpen()) this.onPopupClosed?.();
    });
  }

  popupOpen(): boolean {
    return [...this.#ports.values()].includes('popup');
  }

  notify(): void {
    for (const port of this.#ports.keys()) {
      try {
        port.postMessage({ type: 'changed' });
      } catch {
        // Closing; onDisconnect removes it.
      }
    }
  }
}

/** The approval window: one at a time, focused again when asked again; closing it denies what it still showed. */
function approvalWindow(queue: () => ApprovalQueue): () => Promise<void> {
  let windowId: number | undefined;
  browser.windows?.onRemoved.addListener((closed) => {
    if (closed !== windowId) return;
    windowId = undefined;
    queue().promptClosed();
  });
  return async () => {
    if (windowId !== undefined) {
      await browser.windows.update(windowId, { focused: true });
      return;
    }
    const created = await browser.windows.create({ url: browser.runtime.getURL('approval.html'), type: 'popup', width: 420, height: 640 });
    windowId = created.id;
  };
}

export interface BackgroundServices {
  router: ProviderRouter;
  popup: PopupApi;
  vault: Vault;
  node: FestivalNode;
  peer: PeerLink;
  approvals: ApprovalQueue;
}

/** Call in the background's first turn: what comes before the first `await` registers listeners (windows.onRemoved, the offscreen peer's messages). */
export async function createServices(pages: OpenPages): Promise<BackgroundServices> {
  const openWindow = approvalWindow(() => approvals);
  const approvals: ApprovalQueue = new ApprovalQueue({ openPrompt: () => (pages.popupOpen() ? undefined : openWindow()) });
  pages.onPopupClosed = () => {
    if (approvals.pending().length > 0) void openWindow();
  };
  approvals.onChange(() => pages.notify());

  const store = new DexieStore(DATABASE_NAME);
  const node = new FestivalNode(store);
  let router: ProviderRouter | undefined;
  const peerChanged = () => {
    node.changed();
    router?.notifyChanged();
    pages.notify();
  };
  const offscreen = needsOffscreenPeer() ? new OffscreenPeer(peerChanged) : undefined;

  const local = storageArea(browser.storage.local);
  const [vault, permissions, settings] = await Promise.all([
    Vault.open(local, storageArea(browser.storage.session)),
    Permissions.open(local),
    FestivalSettings.open(local),
  ]);
  const peer: PeerLink = offscreen ?? (await PeerHost.start({ store, onChange: peerChanged }));
  node.onPublish((entry, operation) => {
    pages.notify();
    peer.announce(entry, operation).catch((error: unknown) => console.warn('Panda Kit: peers could not be told of a new entry', error));
  });
  const configurePeer = () => peer.configure(settings.peerConfig()).catch((error: unknown) => console.error('Panda Kit: the peer could not be configured', error));
  void configurePeer();

  /** A site asks while the vault is locked: the person is asked to unlock it (or to refuse). */
  const unlockedFor = async (origin: string) => {
    if (!vault.isLocked) return;
    const decision = await approvals.ask({ origin, kind: 'unlock', description: `${origin} is asking for Panda Kit, which is locked. Unlock it to answer.` });
    if (decision === 'deny') throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'The person did not unlock Panda Kit');
    if (vault.isLocked) throw new ProviderRpcError(ProviderErrorCode.UNAUTHORIZED, 'Panda Kit is locked');
  };

  router = new ProviderRouter({
    node,
    permissions,
    approvals,
    identityFor: async (origin): Promise<{ publicKey: string; keyPair: KeyPair }> => {
      await unlockedFor(origin);
      const identity = vault.identityFor(origin);
      return { publicKey: identity.publicKey, keyPair: vault.keyPair(identity.id) };
    },
    festivals: (): Hash[] => settings.ids(),
    joinFestival: async (festivalId, options) => {
      if (await settings.join(festivalId, options)) await configurePeer();
      pages.notify();
    },
  });
  const popup = new PopupApi({ vault, approvals, permissions, router, node, peer, settings });
  return { router, popup, vault, node, peer, approvals };
}

/** The router pages talk to. */
export async function createRouter(services: Promise<BackgroundServices>): Promise<Router> {
  return (await services).router;
}

const toErrorShape = (error: unknown): ProviderErrorShape =>
  error instanceof ProviderRpcError ? error.toJSON() : { code: ProviderErrorCode.INTERNAL, message: error instanceof Error ? error.message : 'Internal error' };

/**
 * The extension's own pages (popup, approval window): their requests and their ports.
 * Everyone else is ignored: content scripts run in web pages, whose URL is not the
 * extension's. Register in the background's first turn.
 */
export function listenForExtensionPages(services: Promise<BackgroundServices>, pages: OpenPages): void {
  const own = browser.runtime.getURL('');
  const pageOf = (url: string | undefined) => (url === undefined || !url.startsWith(own) ? undefined : url.startsWith(browser.runtime.getURL('popup.html')) ? 'popup' : 'approval');
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    const request = message as PopupMessage;
    if (typeof request !== 'object' || request === null || request.target !== POPUP_TARGET || pageOf(sender.url) === undefined) return undefined;
    return services
      .then((ready) => ready.popup.handle(String(request.method), request.params))
      .then(
        (result): PopupReply => {
          // What the person did changes what every open page shows (reading the state does not).
          if (request.method !== 'popup_state') pages.notify();
          return { result: result ?? null };
        },
        (error: unknown): PopupReply => {
          if (!(error instanceof ProviderRpcError)) console.error(`Panda Kit: ${String(request.method)} failed`, error);
          return { error: toErrorShape(error) };
        },
      );
  });
  browser.runtime.onConnect.addListener((port) => {
    const page = pageOf(port.sender?.url);
    if (port.name === POPUP_PORT && page !== undefined) pages.add(port, page);
  });
}
