/**
 * The background's end of the content scripts' ports, without browser globals so that it can
 * be tested with a fake port:
 *
 * - who is asking comes from the browser: `port.sender.origin` (Chrome), else the origin of
 *   `port.sender.url` (Firefox), for the frame that opened the port; never from a message;
 * - each well-formed request `{ id, request: { method, params? } }` goes to `router.handle`
 *   and is answered `{ id, result }` or `{ id, error: { code, message, data? } }`; only
 *   ProviderRpcErrors keep their code, message and data, anything else thrown becomes -32603
 *   with a fixed message (no stack, no internal text);
 * - a message with an id but no valid request is answered -32602; one without a usable id
 *   is ignored;
 * - the router's events for the port's origin go down the port until it disconnects.
 */
import { PROVIDER_PORT, ProviderErrorCode, ProviderRpcError, type PortMessage, type PortRequest, type ProviderErrorShape } from '../shared/protocol.js';
import { errorShape, isEventName, isMessageId, MAX_METHOD_LENGTH } from '../content/page-messages.js';
import type { RequestContext, Router } from './router.js';

/** The parts of `runtime.MessageSender` used here (`origin` is Chrome's; the polyfill's types lack it). */
export interface PortSender {
  origin?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

/** The parts of `runtime.Port` used here. */
export interface ProviderPort {
  name: string;
  sender?: PortSender | undefined;
  postMessage(message: unknown): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

export interface PortOptions {
  /** Where failures that are not ProviderRpcErrors are reported (they never reach the page). Default console.error. */
  log?: (message: string, error: unknown) => void;
}

const KNOWN_CODES = new Set<number>(Object.values(ProviderErrorCode));

const INTERNAL: ProviderErrorShape = { code: ProviderErrorCode.INTERNAL, message: 'Internal error in Panda Kit' };

/** The http(s) origin of a serialised origin or URL, or undefined (opaque origins, other schemes, garbage). */
function webOrigin(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
}

/**
 * The request context of a port's sender: the frame's origin (only http and https ones;
 * `undefined` otherwise, e.g. Chrome's "null" for a sandboxed frame), its tab and frame.
 */
export function contextFromSender(sender: PortSender | undefined): RequestContext | undefined {
  if (!sender) return undefined;
  let origin: string | undefined;
  if (typeof sender.origin === 'string') {
    // Chrome: the frame's origin as is; it must be exactly a web origin.
    origin = webOrigin(sender.origin) === sender.origin ? sender.origin : undefined;
  } else if (typeof sender.url === 'string') {
    origin = webOrigin(sender.url);
  }
  if (origin === undefined) return undefined;
  const context: RequestContext = { origin };
  if (typeof sender.tab?.id === 'number') context.tabId = sender.tab.id;
  if (typeof sender.frameId === 'number') context.frameId = sender.frameId;
  return context;
}

/** A port message as a request, an id to answer -32602, or undefined to ignore. */
export function readPortRequest(message: unknown): { request: PortRequest } | { invalid: number } | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { id, request } = message as Record<string, unknown>;
  if (!isMessageId(id)) return undefined;
  if (typeof request !== 'object' || request === null) return { invalid: id };
  const { method, params } = request as Record<string, unknown>;
  if (typeof method !== 'string' || method.length === 0 || method.length > MAX_METHOD_LENGTH) return { invalid: id };
  return { request: { id, request: params === undefined ? { method } : { method, params } } };
}

/** What a page may learn of a failure: a ProviderRpcError as it is, anything else as -32603. */
export function toErrorShape(error: unknown): ProviderErrorShape {
  if (error instanceof ProviderRpcError && KNOWN_CODES.has(error.code) && typeof error.message === 'string') return errorShape(error);
  return INTERNAL;
}

/** Serves one content script's port. */
export function servePort(port: ProviderPort, router: Router | Promise<Router>, options: PortOptions = {}): void {
  const log = options.log ?? ((message: string, error: unknown) => console.error(message, error));
  const context = contextFromSender(port.sender);
  const routerReady = Promise.resolve(router);
  let open = true;
  let unsubscribe: (() => void) | undefined;

  /** Posts `message`; an answer that cannot be sent (not serialisable) becomes -32603. */
  const send = (message: PortMessage): void => {
    if (!open) return;
    try {
      port.postMessage(message);
    } catch (error) {
      if (!('id' in message) || !open) return;
      log('Panda Kit: an answer could not be sent', error);
      try {
        port.postMessage({ id: message.id, error: INTERNAL });
      } catch {
        // The port is gone.
      }
    }
  };

  port.onDisconnect.addListener(() => {
    open = false;
    unsubscribe?.();
    unsubscribe = undefined;
  });

  if (context) {
    routerReady.then(
      (ready) => {
        if (!open) return;
        unsubscribe = ready.subscribe(context.origin, (event, data) => {
          if (isEventName(event)) send({ event, data: data === undefined ? null : data });
        });
      },
      () => {
        // Reported where the router is created; requests answer -32603.
      },
    );
  }

  port.onMessage.addListener((message) => {
    const read = readPortRequest(message);
    if (!read) return;
    if ('invalid' in read) {
      send({ id: read.invalid, error: { code: ProviderErrorCode.INVALID_PARAMS, message: 'A request is { method: string, params? }' } });
      return;
    }
    const { id, request } = read.request;
    if (!context) {
      send({ id, error: { code: ProviderErrorCode.UNAUTHORIZED, message: 'Panda Kit serves http and https pages only' } });
      return;
    }
    void routerReady
      .then((ready) => ready.handle(context, request))
      .then(
        (result): PortMessage => ({ id, result: result === undefined ? null : result }),
        (error: unknown): PortMessage => {
          if (!(error instanceof ProviderRpcError)) log(`Panda Kit: ${request.method} failed`, error);
          return { id, error: toErrorShape(error) };
        },
      )
      .then(send);
  });
}

/** Serves every provider port that connects (`runtime.onConnect`); other ports are left to other listeners. */
export function listenForProviders(
  onConnect: { addListener(listener: (port: ProviderPort) => void): void },
  router: Router | Promise<Router>,
  options: PortOptions = {},
): void {
  onConnect.addListener((port) => {
    if (port.name === PROVIDER_PORT) servePort(port, router, options);
  });
}
