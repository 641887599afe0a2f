/**
 * The real PopupClient of the extension's own pages: requests go to the background over
 * `runtime.sendMessage`, "changed" notices come over one `POPUP_PORT` port. The runtime is
 * passed in (`createPopupClient(browser.runtime)` in the pages' entry files) so that this
 * module does not import webextension-polyfill, which throws outside an extension, and can
 * be tested with a fake runtime.
 */
import type { Runtime } from 'webextension-polyfill';
import type { PlannerClient } from './planner-protocol.js';
import { POPUP_PORT, POPUP_TARGET, type PopupClient, type PopupMessage, type PopupPageMethod, type PopupPageMethods } from './popup-protocol.js';
import { isProviderErrorShape, ProviderErrorCode, ProviderRpcError } from './protocol.js';
import { isRecord } from '../../core/guards.js';

/** The part of `browser.runtime` the client uses. */
export type PopupRuntime = Pick<Runtime.Static, 'sendMessage' | 'connect'>;

/** A port that lived shorter than this before it was cut is not reconnected at once (the background may refuse ports). */
const SHORT_LIVED_PORT_MS = 1000;

function replyToResult(reply: unknown): unknown {
  if (reply === undefined) throw new ProviderRpcError(ProviderErrorCode.DISCONNECTED, 'Panda Kit’s background did not answer');
  if (isRecord(reply)) {
    if ('error' in reply && isProviderErrorShape(reply.error)) throw new ProviderRpcError(reply.error.code, reply.error.message, reply.error.data);
    if ('result' in reply) return reply.result;
  }
  throw new ProviderRpcError(ProviderErrorCode.INTERNAL, 'Panda Kit’s background sent a malformed reply');
}

export function createPopupClient(runtime: PopupRuntime): PopupClient {
  const listeners = new Set<() => void>();
  let port: Runtime.Port | undefined;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  const notify = () => {
    for (const listener of [...listeners]) listener();
  };

  const connect = () => {
    const opened = runtime.connect({ name: POPUP_PORT });
    const openedAt = Date.now();
    port = opened;
    opened.onMessage.addListener((message: unknown) => {
      if (isRecord(message) && message.type === 'changed') notify();
    });
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      port = undefined;
      if (listeners.size === 0) return;
      // The service worker restarted (or was stopped): what changed meanwhile was never announced.
      const reconnect = () => {
        reconnectTimer = undefined;
        if (listeners.size === 0 || port !== undefined) return;
        connect();
        notify();
      };
      if (Date.now() - openedAt >= SHORT_LIVED_PORT_MS) reconnect();
      else reconnectTimer = setTimeout(reconnect, SHORT_LIVED_PORT_MS);
    });
  };

  const disconnect = () => {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    const open = port;
    port = undefined;
    open?.disconnect();
  };

  return {
    async request<M extends PopupPageMethod>(method: M, params?: PopupPageMethods[M]['params']): Promise<PopupPageMethods[M]['result']> {
      const message: PopupMessage = params === undefined ? { target: POPUP_TARGET, method } : { target: POPUP_TARGET, method, params };
      let reply: unknown;
      try {
        reply = await runtime.sendMessage(message);
      } catch (error) {
        // "Could not establish connection. Receiving end does not exist.", or the extension was reloaded.
        throw new ProviderRpcError(ProviderErrorCode.DISCONNECTED, error instanceof Error ? error.message : String(error));
      }
      return replyToResult(reply) as PopupPageMethods[M]['result'];
    },

    onChanged(listener: () => void): () => void {
      listeners.add(listener);
      if (port === undefined && reconnectTimer === undefined) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) disconnect();
      };
    },
  };
}

/** The planner's client: the same messages and port, with the planner's methods too (the background routes them). */
export function createPlannerClient(runtime: PopupRuntime): PlannerClient {
  return createPopupClient(runtime) as unknown as PlannerClient;
}
