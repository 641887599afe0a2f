/**
 * The background's services and the router over them: the one place where the provider's
 * pieces are put together for the browser. main.ts (and the end-to-end tests' background)
 * start from here.
 *
 * STAND-INS, until the vault and the peer are wired in:
 * - `identityFor` refuses with 4100 ("locked"): there is no identity yet, so no site can be
 *   connected and every method but an unknown one (4200) answers 4100;
 * - `festivals()` is empty and `joinFestival` refuses;
 * - the popup is told the vault is locked and there is no public key.
 * Replace them in `createServices()` below (the vault's unlocked identity, the peer host in
 * the offscreen document / Firefox background page); the router, the ports and the pages
 * need no change.
 */
import browser from 'webextension-polyfill';
import { DexieStore, FestivalNode, type Hash, type KeyPair } from '../../core/index.js';
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';
import { ApprovalQueue } from './approvals.js';
import { Permissions, type KeyValueStorage } from './permissions.js';
import { ProviderRouter, type ProviderServices } from './provider-router.js';
import type { Router } from './router.js';

/** The IndexedDB database the offscreen peer uses too (extension/peer/peer-host.ts DATABASE_NAME, not imported: that module pulls in WebRTC). */
const DATABASE_NAME = 'panda-kit';

/** What the popup shows (`runtime.sendMessage({ type: 'popup:state' })`). */
export interface PopupState {
  name: 'Panda Kit';
  locked: boolean;
  /** The public key of the identity in use, or null (locked, or none yet). */
  publicKey: string | null;
}

const storageArea = (area: browser.Storage.StorageArea): KeyValueStorage => ({
  get: async (key) => (await area.get(key))[key],
  set: (key, value) => area.set({ [key]: value }),
});

/** The approval window: one at a time; closing it denies what it still showed. */
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
    const created = await browser.windows.create({ url: browser.runtime.getURL('approval.html'), type: 'popup', width: 400, height: 600 });
    windowId = created.id;
  };
}

export interface BackgroundServices extends ProviderServices {
  popupState(): Promise<PopupState>;
}

/** Call in the background's first turn: what comes before the first `await` registers listeners (windows.onRemoved). */
export async function createServices(): Promise<BackgroundServices> {
  const approvals: ApprovalQueue = new ApprovalQueue({ openPrompt: approvalWindow(() => approvals) });
  const permissions = await Permissions.open(storageArea(browser.storage.local));
  const node = new FestivalNode(new DexieStore(DATABASE_NAME));
  return {
    node,
    permissions,
    approvals,
    // STAND-IN: the vault's identity for `origin` goes here.
    identityFor: async (): Promise<{ publicKey: string; keyPair: KeyPair }> => {
      throw new ProviderRpcError(ProviderErrorCode.UNAUTHORIZED, 'Panda Kit is locked');
    },
    // STAND-IN: the peer host's festivals.
    festivals: (): Hash[] => [],
    joinFestival: async (): Promise<void> => {
      throw new ProviderRpcError(ProviderErrorCode.UNAUTHORIZED, 'Panda Kit is locked');
    },
    // STAND-IN: the vault's state.
    popupState: async () => ({ name: 'Panda Kit', locked: true, publicKey: null }),
  };
}

/** The router pages talk to. */
export async function createRouter(services: Promise<BackgroundServices>): Promise<Router> {
  return new ProviderRouter(await services);
}

/** Messages from the extension's own pages (popup, approval window); content scripts and other senders are ignored. */
export function listenForExtensionPages(services: Promise<BackgroundServices>): void {
  const own = browser.runtime.getURL('');
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    if (typeof sender.url !== 'string' || !sender.url.startsWith(own)) return undefined;
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (type === 'popup:state') return services.then((ready) => ready.popupState());
    return undefined;
  });
}
