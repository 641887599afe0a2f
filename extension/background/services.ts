/**
 * The background put together: the vault (identities and keys), the festival node on
 * IndexedDB, the peer (in this context where it has WebRTC, as in Firefox, else in Chrome's
 * offscreen document), the approval queue with its window, the sites' permissions, the
 * provider router for pages and the API of the extension's own pages. main.ts (and the
 * end-to-end tests' background) start from here.
 */
import browser from 'webextension-polyfill';
import { DexieStore, FestivalNode, type KeyPair } from '../../core/index.js';
import { DATABASE_NAME, type PeerLink } from '../peer/peer-link.js';
import { JOIN_LINK_TARGET } from '../shared/join-link.js';
import { isPlannerMethod } from '../shared/planner-protocol.js';
import { POPUP_PORT, POPUP_TARGET, type PopupMessage, type PopupReply } from '../shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError, type ProviderErrorShape } from '../shared/protocol.js';
import { IndexedDbVaultStorage, moveRecord } from '../vault/indexeddb-storage.js';
import { Vault, VAULT_STORAGE_KEY, type VaultStorage } from '../vault/vault.js';
import { approvalWindow } from './approval-window.js';
import { ApprovalQueue } from './approvals.js';
import { ToolbarBadge } from './badge.js';
import { DataWatch } from './data-watch.js';
import { FestivalSettings } from './festival-settings.js';
import { needsOffscreenPeer, OffscreenPeer } from './offscreen-peer.js';
import { Permissions } from './permissions.js';
import { joinLinkHandler } from './join-links.js';
import { PlannerApi } from './planner-api.js';
import { PopupApi } from './popup-api.js';
import { ProviderRouter } from './provider-router.js';
import type { Router } from './router.js';

const storageArea = (area: browser.Storage.StorageArea): VaultStorage => ({
  get: async (key) => (await area.get(key))[key],
  set: (key, value) => area.set({ [key]: value }),
  remove: (key) => area.remove(key),
});

/** The extension origin's IndexedDB database the vault lives in where storage.local cannot be closed to content scripts. */
export const VAULT_DATABASE = 'panda-kit-vault';

type AccessLevelArea = { setAccessLevel?: (options: { accessLevel: 'TRUSTED_CONTEXTS' }) => Promise<void> };

/** Closes a storage area to content scripts where the browser can (Chrome); whether it did. */
async function trustedOnly(area: browser.Storage.StorageArea): Promise<boolean> {
  const setAccessLevel = (area as unknown as AccessLevelArea).setAccessLevel;
  if (typeof setAccessLevel !== 'function') return false;
  try {
    await setAccessLevel.call(area, { accessLevel: 'TRUSTED_CONTEXTS' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where the vault keeps its record, out of reach of the extension's content scripts (which
 * run in every page and can read `storage.local` by default): `storage.local` where it can
 * be closed to them (Chrome's access levels), else the extension origin's IndexedDB, which a
 * content script cannot open (it gets the page's). A vault found in an open storage.local is
 * moved, losing nothing (moveRecord).
 */
async function vaultStorage(): Promise<VaultStorage> {
  const local = storageArea(browser.storage.local);
  // storage.session holds the unlocked vault's key: trusted contexts only, as by default. Both asked at once: on every wake-up.
  const [, localClosed] = await Promise.all([trustedOnly(browser.storage.session), trustedOnly(browser.storage.local)]);
  if (localClosed) return local;
  const database = new IndexedDbVaultStorage(VAULT_DATABASE);
  await moveRecord(local, database, VAULT_STORAGE_KEY);
  return database;
}

const hostOf = (origin: string) => (URL.canParse(origin) ? new URL(origin).host : origin).slice(0, 50);

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
  /** Called on every change (not on the timer's refreshes): the toolbar badge counts again. */
  onChanged: (() => void) | undefined;

  add(port: browser.Runtime.Port, page: 'popup' | 'approval'): void {
    this.#ports.set(port, page);
    this.#timer ??= setInterval(() => this.#tell(), REFRESH_INTERVAL);
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

  /** Something changed: the open pages fetch their state again. */
  notify(): void {
    this.onChanged?.();
    this.#tell();
  }

  #tell(): void {
    for (const port of this.#ports.keys()) {
      try {
        port.postMessage({ type: 'changed' });
      } catch {
        // Closing; onDisconnect removes it.
      }
    }
  }
}

export interface BackgroundServices {
  router: ProviderRouter;
  popup: PopupApi;
  planner: PlannerApi;
  vault: Vault;
  node: FestivalNode;
  peer: PeerLink;
  approvals: ApprovalQueue;
}

/** Call in the background's first turn: what comes before the first `await` registers listeners (windows.onRemoved, the offscreen peer's messages). */
export async function createServices(pages: OpenPages): Promise<BackgroundServices> {
  const prompt = approvalWindow(browser.windows, browser.runtime.getURL('approval.html'), () => approvals);
  const approvals: ApprovalQueue = new ApprovalQueue({ openPrompt: () => (pages.popupOpen() ? undefined : prompt.open()) });
  pages.onPopupClosed = () => {
    if (approvals.pending().length > 0) void prompt.open();
  };
  approvals.onChange(() => pages.notify());

  const store = new DexieStore(DATABASE_NAME);
  const node = new FestivalNode(store);
  let router: ProviderRouter | undefined;
  let watchData = () => {};
  const peerChanged = () => {
    watchData();
    node.changed();
    void router?.notifyChanged();
    pages.notify();
  };
  const offscreen = needsOffscreenPeer() ? new OffscreenPeer(peerChanged) : undefined;

  const local = storageArea(browser.storage.local);
  const [vault, permissions, settings] = await Promise.all([
    vaultStorage().then((persistent) => Vault.open(persistent, storageArea(browser.storage.session))),
    Permissions.open(local),
    FestivalSettings.open(local),
  ]);
  // What the store held last time, against what it holds now: a database the browser reset is noticed (data-watch.ts).
  // Not awaited here: reading every log would hold up each wake-up's first answer, and an entry stored meanwhile can
  // only add to what is found. The popup's state waits for it.
  const dataWatch = DataWatch.open(local, store).catch((error: unknown) => {
    console.warn('Panda Kit: could not compare the festival data with what was held', error);
    return undefined;
  });
  // Firefox's event page runs the peer itself and loads its code only then. Chrome's service worker reaches the peer in
  // its offscreen document, so it never takes this branch (where import() would fail: service workers may not use it),
  // and its wake-up no longer parses the WebRTC and signalling code.
  const peer: PeerLink = offscreen ?? (await (await import('../peer/peer-host.js')).PeerHost.start({ store, onChange: peerChanged }));
  let watchScheduled = false;
  watchData = () => {
    if (watchScheduled) return;
    watchScheduled = true;
    setTimeout(() => {
      watchScheduled = false;
      void dataWatch
        .then(async (watch) => {
          if (!watch) return;
          await watch.update();
          pages.notify();
        })
        .catch(() => {});
    }, 1_000);
  };
  node.onPublish((entry, operation) => {
    watchData();
    pages.notify();
    peer.announce(entry, operation).catch((error: unknown) => console.warn('Panda Kit: peers could not be told of a new entry', error));
  });
  const configurePeer = () =>
    peer.configure(settings.peerConfig()).catch((error: unknown) => console.error('Panda Kit: the peer could not be configured', error));
  void configurePeer();

  /** A site asks while the vault is locked: the person is asked to unlock it (or to refuse). */
  const unlockedFor = async (origin: string) => {
    if (!vault.isLocked) return;
    const decision = await approvals.ask({ origin, kind: 'unlock', description: 'This site is asking for Panda Kit, which is locked. Unlock it to answer.' });
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
    settings,
    identityChoices: async () => {
      if (vault.isLocked) return [];
      const profiles = [...(await node.model()).profiles.values()];
      return vault.identities().map(({ id, name, publicKey }) => {
        const profile = profiles.find((item) => item.owner === publicKey);
        return profile ? { id, name, publicKey, profileName: profile.name } : { id, name, publicKey };
      });
    },
    chooseIdentity: async (origin, identity) => {
      const id = identity === 'new' ? (await vault.createIdentity(`For ${hostOf(origin)}`)).id : identity;
      await vault.setIdentityFor(origin, id);
    },
    settingsChanged: async () => {
      await configurePeer();
      pages.notify();
    },
  });
  const popup = new PopupApi({
    vault,
    approvals,
    permissions,
    router,
    node,
    peer,
    settings,
    storage: local,
    session: storageArea(browser.storage.session),
    closeApproval: () => prompt.done(),
    dataWatch,
  });
  const badge = new ToolbarBadge(browser.action, () => popup.waitingCount());
  pages.onChanged = () => void badge.update();
  void badge.update();
  const planner = new PlannerApi({
    vault,
    node,
    router,
    settings,
    popup,
    storage: local,
    reconfigure: async () => {
      await configurePeer();
      pages.notify();
    },
    announce: async (entry, operation) => {
      watchData();
      await peer.announce(entry, operation);
    },
  });
  return { router, popup, planner, vault, node, peer, approvals };
}

/** The router pages talk to. */
export async function createRouter(services: Promise<BackgroundServices>): Promise<Router> {
  return (await services).router;
}

/** Methods that only read: answering them changes nothing another page shows. */
const READ_ONLY_METHODS = new Set([
  'popup_state',
  'planner_state',
  'planner_query',
  'planner_exportFestival',
  'planner_festivalHeights',
  'planner_previewFestivalFile',
]);

const toErrorShape = (error: unknown): ProviderErrorShape =>
  error instanceof ProviderRpcError ? error.toJSON() : { code: ProviderErrorCode.INTERNAL, message: error instanceof Error ? error.message : 'Internal error' };

/**
 * The extension's own pages (popup, approval window): their requests and their ports.
 * Everyone else is ignored: content scripts run in web pages, whose URL is not the
 * extension's. Register in the background's first turn.
 */
export function listenForExtensionPages(services: Promise<BackgroundServices>, pages: OpenPages): void {
  const own = browser.runtime.getURL('');
  const pageOf = (url: string | undefined) =>
    url === undefined || !url.startsWith(own) ? undefined : url.startsWith(browser.runtime.getURL('popup.html')) ? 'popup' : 'approval';
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    const request = message as PopupMessage;
    if (typeof request !== 'object' || request === null || request.target !== POPUP_TARGET || pageOf(sender.url) === undefined) return undefined;
    return services
      .then((ready) => (isPlannerMethod(String(request.method)) ? ready.planner : ready.popup).handle(String(request.method), request.params))
      .then(
        (result): PopupReply => {
          // What the person did changes what every open page shows (reading the state does not).
          if (!READ_ONLY_METHODS.has(String(request.method))) pages.notify();
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
  const joinLink = joinLinkHandler({ plannerUrl: browser.runtime.getURL('planner.html'), openTab: (url) => browser.tabs.create({ url }) });
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    if (typeof message !== 'object' || message === null || (message as { target?: unknown }).target !== JOIN_LINK_TARGET) return undefined;
    return joinLink(message, sender).catch((error: unknown) => {
      console.error('Panda Kit: a join link could not be opened', error);
      return false;
    });
  });
}
