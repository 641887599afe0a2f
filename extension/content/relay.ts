/**
 * The content script's work, without browser globals so that it can be tested with fakes:
 * requests the page posts to itself go up a runtime port to the background, answers and
 * events come back down as window messages to this window and this origin only.
 *
 * - Only messages from this very window count (`event.source === window`), and only in the
 *   shape of a request; anything else is ignored. Requests are copied field by field: the
 *   background learns the frame's origin from the browser (`port.sender`), never from what a
 *   page wrote into a message.
 * - Answers, events and pongs go to the provider over the MessagePort it handed over at
 *   document_start (see protocol.ts), never as window messages: the page's scripts can
 *   neither read them nor forge them. The first port offered is the provider's (page scripts
 *   run later); any port offered after it is ignored.
 * - The port is opened at the first request, not on every page load: most pages never use
 *   the provider, and an open port would wake the service worker for each of them.
 * - When the port closes (the Chrome service worker was stopped, the extension reloaded),
 *   requests still waiting fail with 4900 and the next request opens a new port. When no
 *   port can be opened any more (this content script outlived its extension), requests fail
 *   with 4900 at once.
 */
import {
  CONTENT_READY_EVENT,
  PAGE_TARGET,
  ProviderErrorCode,
  RELAY_PORT_EVENT,
  isProviderErrorShape,
  type ContentToPage,
  type ProviderErrorShape,
  type PortRequest,
} from '../shared/protocol.js';
import { errorShape, isEventName, isMessageId, readPageRequest, readPing, type RelayPong } from './page-messages.js';

/** What the relay needs of `window`. */
export interface RelayWindow {
  readonly origin: string;
  addEventListener(type: string, listener: (event: Event) => void): void;
  dispatchEvent(event: Event): boolean;
}

/** What the relay needs of the provider's MessagePort. */
export interface RelayPagePort {
  postMessage(message: unknown): void;
}

/** What the relay needs of a `runtime.Port`. */
export interface RelayPort {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface RelayOptions {
  win: RelayWindow;
  /** Opens a port to the background (`runtime.connect({ name: PROVIDER_PORT })`); throws when the extension is gone. */
  connect: () => RelayPort;
}

const lost = (): ProviderErrorShape => ({ code: ProviderErrorCode.DISCONNECTED, message: 'The connection to Panda Kit was lost; try again' });
const gone = (): ProviderErrorShape => ({
  code: ProviderErrorCode.DISCONNECTED,
  message: 'Panda Kit cannot be reached (the extension was disabled, removed or updated); reload the page',
});

/** JSON copy of `params`: what reaches the background is the same in every browser (Chrome's ports speak JSON). */
function jsonCopy(params: unknown): { ok: true; value: unknown } | { ok: false } {
  if (params === undefined) return { ok: true, value: undefined };
  try {
    const text = JSON.stringify(params);
    return { ok: true, value: text === undefined ? null : JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function startRelay({ win, connect }: RelayOptions): void {
  let pagePort: RelayPagePort | undefined;
  // Until the provider's port is here there is nobody to answer: the provider waits and, with
  // no pong, gives its requests up with 4900.
  const toPage = (message: ContentToPage | RelayPong) => pagePort?.postMessage(message);
  win.addEventListener(RELAY_PORT_EVENT, (event) => {
    const offered = (event as MessageEvent).ports?.[0];
    if (pagePort !== undefined || offered === undefined) return;
    pagePort = offered;
    event.preventDefault();
  });
  win.dispatchEvent(new Event(CONTENT_READY_EVENT));
  const fail = (id: number, error: ProviderErrorShape) => toPage({ target: PAGE_TARGET, id, error });

  let port: RelayPort | undefined;
  /** Requests sent up the current port and not answered yet. */
  const waiting = new Set<number>();

  function open(): RelayPort | undefined {
    if (port) return port;
    let opened: RelayPort;
    try {
      opened = connect();
    } catch {
      return undefined;
    }
    opened.onMessage.addListener((message) => {
      if (port === opened) fromBackground(message);
    });
    opened.onDisconnect.addListener(() => {
      if (port !== opened) return;
      port = undefined;
      const ids = [...waiting];
      waiting.clear();
      for (const id of ids) fail(id, lost());
    });
    port = opened;
    return opened;
  }

  function fromBackground(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const data = message as Record<string, unknown>;
    if (isMessageId(data.id)) {
      if (!waiting.has(data.id)) return;
      if ('error' in data) {
        if (!isProviderErrorShape(data.error)) return;
        waiting.delete(data.id);
        fail(data.id, errorShape(data.error));
      } else if ('result' in data) {
        waiting.delete(data.id);
        toPage({ target: PAGE_TARGET, id: data.id, result: data.result });
      }
    } else if (isEventName(data.event)) {
      toPage({ target: PAGE_TARGET, event: data.event, data: data.data });
    }
  }

  function send(request: PortRequest): void {
    // Twice at most: a port can close between two messages without us having heard of it yet.
    for (let attempt = 0; attempt < 2; attempt++) {
      const current = open();
      if (!current) return fail(request.id, gone());
      try {
        current.postMessage(request);
        waiting.add(request.id);
        return;
      } catch {
        port = undefined;
        try {
          current.disconnect();
        } catch {
          // Already closed.
        }
      }
    }
    fail(request.id, lost());
  }

  win.addEventListener('message', (incoming) => {
    const event = incoming as MessageEvent;
    if (event.source !== (win as unknown)) return;
    const ping = readPing(event.data);
    if (ping) return toPage({ target: PAGE_TARGET, pong: ping.ping });
    const message = readPageRequest(event.data);
    if (!message) return;
    const params = jsonCopy(message.request.params);
    if (!params.ok) return fail(message.id, { code: ProviderErrorCode.INVALID_PARAMS, message: 'params must be JSON data' });
    const { method } = message.request;
    send({ id: message.id, request: params.value === undefined ? { method } : { method, params: params.value } });
  });
}
