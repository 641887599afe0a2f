/**
 * The object pages talk to: `provider.request({ method, params })`, `provider.on(event,
 * listener)`, `provider.removeListener(event, listener)`. It runs in the page's own
 * JavaScript world (MAIN) and knows nothing of the extension: requests go out as window
 * messages to the content script (`PageToContent`); answers and events (`ContentToPage`)
 * come back over a MessagePort handed to the content script at document_start (protocol.ts),
 * which no script of the page holds: none can forge an answer to another's request. Pages find it through EIP-6963-style discovery: the provider is
 * announced once on load and again on every `panda:requestProvider` event.
 *
 * The page only ever sees the frozen provider and its frozen announcement; all state lives in
 * this module's closures. What the page's scripts could later replace (`postMessage`,
 * `CustomEvent`, ...) is taken when the script starts, at document_start, before any of them
 * ran.
 */
import {
  ANNOUNCE_PROVIDER_EVENT,
  CONTENT_READY_EVENT,
  CONTENT_TARGET,
  PROVIDER_RDNS,
  ProviderErrorCode,
  ProviderRpcError,
  RELAY_PORT_EVENT,
  REQUEST_PROVIDER_EVENT,
  type PageToContent,
  type ProviderEventName,
  type ProviderInfo,
  type RequestArguments,
} from '../shared/protocol.js';
import { isEventName, MAX_METHOD_LENGTH, readContentMessage, readPong, type RelayPing } from '../content/page-messages.js';
import { bytesToHex } from '../../core/bytes.js';

/** What the provider needs of `window` (a fake one in unit tests). */
export interface PageWindow {
  readonly origin: string;
  postMessage(message: unknown, targetOrigin: string): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent(event: Event): boolean;
  MessageChannel: typeof MessageChannel;
  MessageEvent: typeof MessageEvent;
}

export type ProviderListener = (data: unknown) => void;

export interface PandaProvider {
  request(args: RequestArguments): Promise<unknown>;
  on(event: ProviderEventName, listener: ProviderListener): PandaProvider;
  removeListener(event: ProviderEventName, listener: ProviderListener): PandaProvider;
}

export interface ProviderOptions {
  /** How long the content script may take to answer a liveness ping (ms); then waiting requests fail with 4900. Default 1000. */
  pingTimeout?: number;
  /** While requests wait (an approval can take minutes), how often the content script is checked (ms). Default 3000. */
  pingInterval?: number;
}

/** The panda icon pages may show next to "Panda Kit" (a data: URI, as EIP-6963 asks). */
export const PROVIDER_ICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="8" cy="8" r="5" fill="#222"/><circle cx="24" cy="8" r="5" fill="#222"/>' +
    '<circle cx="16" cy="18" r="12" fill="#fff" stroke="#222" stroke-width="2"/><ellipse cx="11" cy="16" rx="3" ry="4" fill="#222"/>' +
    '<ellipse cx="21" cy="16" rx="3" ry="4" fill="#222"/><ellipse cx="16" cy="23" rx="2.5" ry="1.8" fill="#222"/></svg>',
)}`;

/** A random (version 4) UUID; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
export function randomUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytesToHex(bytes);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const unreachable = () =>
  new ProviderRpcError(ProviderErrorCode.DISCONNECTED, 'Panda Kit cannot be reached (the extension was disabled, removed or updated); reload the page');

export function createProvider(win: PageWindow, options: ProviderOptions = {}): PandaProvider {
  const pingTimeout = options.pingTimeout ?? 1000;
  const pingInterval = options.pingInterval ?? 3000;
  // Messages go to this window only, and only while it still shows this origin's document.
  const targetOrigin = win.origin;
  const post = win.postMessage.bind(win);
  const freeze = Object.freeze;
  // A page's listener failing is the page's business: reported as uncaught, and the others still run.
  const report: (error: unknown) => void =
    typeof globalThis.reportError === 'function'
      ? globalThis.reportError.bind(globalThis)
      : (error) =>
          setTimeout(() => {
            throw error;
          });

  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: ProviderRpcError) => void }>();
  const listeners = new Map<ProviderEventName, Set<ProviderListener>>();
  let nextId = 1;
  let nextPing = 1;
  let awaitedPong = 0;
  let pingDeadline: ReturnType<typeof setTimeout> | undefined;
  let nextCheck: ReturnType<typeof setTimeout> | undefined;
  const now = Date.now;
  let deadlineArmedAt = 0;
  let secondChance = false;

  function emit(event: ProviderEventName, data: unknown): void {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(data);
      } catch (error) {
        report(error);
      }
    }
  }

  /** Pings the content script unless a ping is already out. */
  function check(): void {
    if (nextCheck !== undefined) clearTimeout(nextCheck);
    nextCheck = undefined;
    if (pingDeadline !== undefined) return;
    awaitedPong = nextPing++;
    secondChance = false;
    deadlineArmedAt = now();
    pingDeadline = setTimeout(gone, pingTimeout);
    const ping: RelayPing = { target: CONTENT_TARGET, ping: awaitedPong };
    post(ping, targetOrigin);
  }

  function pong(value: number): void {
    if (value !== awaitedPong || pingDeadline === undefined) return;
    clearTimeout(pingDeadline);
    pingDeadline = undefined;
    if (pending.size > 0) nextCheck = setTimeout(check, pingInterval);
  }

  /** No answer to the ping: nobody is relaying any more. */
  function gone(): void {
    // The content script shares this page's event loop: if the page kept it busy (or the tab's
    // timers were throttled), the deadline fires late and the pong may be queued right behind
    // it. Such a late deadline gets one more round before the requests are given up.
    if (!secondChance && now() - deadlineArmedAt > pingTimeout + 100) {
      secondChance = true;
      deadlineArmedAt = now();
      pingDeadline = setTimeout(gone, pingTimeout);
      return;
    }
    pingDeadline = undefined;
    if (pending.size === 0) return;
    const error = unreachable();
    const waiting = [...pending.values()];
    pending.clear();
    for (const { reject } of waiting) reject(error);
    emit('disconnect', error.toJSON());
  }

  function settle(id: number, outcome: { result: unknown } | { error: ProviderRpcError }): void {
    const waiting = pending.get(id);
    if (!waiting) return;
    pending.delete(id);
    if (pending.size === 0 && nextCheck !== undefined) {
      clearTimeout(nextCheck);
      nextCheck = undefined;
    }
    if ('error' in outcome) waiting.reject(outcome.error);
    else waiting.resolve(outcome.result);
  }

  // The answers' own channel; its other end goes to the content script (see protocol.ts).
  const channel = new win.MessageChannel();
  const RelayPortEvent = win.MessageEvent;
  let handedOver = false;
  const offerPort = () => {
    if (handedOver) return;
    handedOver = !win.dispatchEvent(new RelayPortEvent(RELAY_PORT_EVENT, { cancelable: true, ports: [channel.port2] }));
  };
  win.addEventListener(CONTENT_READY_EVENT, offerPort);
  offerPort();

  channel.port1.onmessage = (event: MessageEvent<unknown>) => {
    const { data } = event;
    const pongMessage = readPong(data);
    if (pongMessage) return pong(pongMessage.pong);
    const message = readContentMessage(data);
    if (!message) return;
    if ('event' in message) emit(message.event, message.data);
    else if ('error' in message) {
      const { code, message: text, data: detail } = message.error;
      settle(message.id, { error: new ProviderRpcError(code, text, detail) });
    } else settle(message.id, { result: message.result });
  };

  const provider: PandaProvider = freeze({
    request(args: RequestArguments): Promise<unknown> {
      if (typeof args !== 'object' || args === null || typeof args.method !== 'string') {
        return Promise.reject(new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, 'request expects { method: string, params? }'));
      }
      if (args.method.length > MAX_METHOD_LENGTH) {
        return Promise.reject(new ProviderRpcError(ProviderErrorCode.UNSUPPORTED_METHOD, 'No method has so long a name'));
      }
      const id = nextId++;
      const message: PageToContent = {
        target: CONTENT_TARGET,
        id,
        request: args.params === undefined ? { method: args.method } : { method: args.method, params: args.params },
      };
      return new Promise<unknown>((resolve, reject) => {
        try {
          post(message, targetOrigin);
        } catch {
          // The params could not be copied (functions, DOM nodes, ...).
          reject(new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, 'params must be plain data'));
          return;
        }
        pending.set(id, { resolve, reject });
        check();
      });
    },
    on(event: ProviderEventName, listener: ProviderListener): PandaProvider {
      if (isEventName(event) && typeof listener === 'function') {
        let set = listeners.get(event);
        if (!set) listeners.set(event, (set = new Set()));
        set.add(listener);
      }
      return provider;
    },
    removeListener(event: ProviderEventName, listener: ProviderListener): PandaProvider {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  });
  return provider;
}

/**
 * Announces `provider` now and on every `panda:requestProvider` event, with the same frozen
 * `{ info, provider }` each time.
 */
export function announceProvider(
  win: PageWindow,
  provider: PandaProvider,
  info: ProviderInfo = { uuid: randomUuid(), name: 'Panda Kit', icon: PROVIDER_ICON, rdns: PROVIDER_RDNS },
): void {
  const CustomEventClass = CustomEvent;
  const detail = Object.freeze({
    info: Object.freeze({ uuid: info.uuid, name: info.name, icon: info.icon, rdns: info.rdns }),
    provider: Object.freeze(provider),
  });
  const announce = () => win.dispatchEvent(new CustomEventClass(ANNOUNCE_PROVIDER_EVENT, { detail }));
  win.addEventListener(REQUEST_PROVIDER_EVENT, announce);
  announce();
}
