/**
 * The page provider's protocol, in the style of EIP-1193 and EIP-6963: pages find the
 * extension through `panda:requestProvider` / `panda:announceProvider` window events and
 * talk to it through one entry point, `provider.request({ method, params })`. Errors are
 * `{ code, message }` with the codes below. Shared by the in-page provider, the content
 * script, the background and the popup; no browser APIs in here.
 */
import { isRecord } from '../../core/guards.js';

/** EIP-1193 provider error codes, and JSON-RPC's for bad parameters. */
export const ProviderErrorCode = {
  /** The person rejected the request. */
  USER_REJECTED: 4001,
  /** The site is not connected (or not allowed this method). */
  UNAUTHORIZED: 4100,
  /** The method does not exist. */
  UNSUPPORTED_METHOD: 4200,
  /** The extension cannot be reached (reloaded, updated, stopped). */
  DISCONNECTED: 4900,
  /** The parameters are missing or wrong. */
  INVALID_PARAMS: -32602,
  /** Something failed inside the extension. */
  INTERNAL: -32603,
} as const;

export type ProviderErrorCodeValue = (typeof ProviderErrorCode)[keyof typeof ProviderErrorCode];

export interface ProviderErrorShape {
  code: ProviderErrorCodeValue;
  message: string;
  /** Machine-readable detail, e.g. the PandaError code of invalid festival data. */
  data?: unknown;
}

/** The error `request` rejects with. */
export class ProviderRpcError extends Error implements ProviderErrorShape {
  constructor(
    readonly code: ProviderErrorCodeValue,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'ProviderRpcError';
  }

  toJSON(): ProviderErrorShape {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

export function isProviderErrorShape(value: unknown): value is ProviderErrorShape {
  return isRecord(value) && typeof value.code === 'number' && typeof value.message === 'string';
}

/** Every method a page may call. */
export const PROVIDER_METHODS = [
  /** Ask to be connected; the person decides. Result: { publicKey } of the identity this site sees. */
  'panda_connect',
  /** The public key of the identity this site sees (connected sites only). */
  'panda_getPublicKey',
  /** Read festival data: params { query: 'festival' | 'schedule' | 'resource' | 'resources' | 'profile' | 'profiles' | 'bookings' | 'freeSlots' | 'conflicts' | 'pending', ... } (core's answerQuery). */
  'panda_query',
  /** Create, update or delete a festival document, signed after approval. */
  'panda_publish',
  /** Festivals this extension takes part in (connected sites only). */
  'panda_festivals',
  /** Take part in a festival (replicate it); params { festivalId, signaling?: ws(s) URLs of y-webrtc signaling servers, secret? }. */
  'panda_joinFestival',
] as const;

export type ProviderMethod = (typeof PROVIDER_METHODS)[number];

export interface RequestArguments {
  readonly method: string;
  readonly params?: unknown;
}

/** Events a provider emits (`provider.on(name, listener)`). */
export type ProviderEventName = 'connect' | 'disconnect' | 'accountsChanged' | 'festivalChanged';

/** EIP-6963-style provider info, frozen in the announcement. */
export interface ProviderInfo {
  uuid: string;
  name: string;
  /** A data: URI of the icon. */
  icon: string;
  /** Reverse DNS id of the extension. */
  rdns: string;
}

export const REQUEST_PROVIDER_EVENT = 'panda:requestProvider';
export const ANNOUNCE_PROVIDER_EVENT = 'panda:announceProvider';
export const PROVIDER_RDNS = 'org.pandakit.extension';

/**
 * Messages between the in-page provider and the content script. Requests go as window
 * messages (the page could make them anyway, through the provider); answers, events and
 * pongs come back over a MessagePort the provider handed to the content script at
 * document_start, before any of the page's scripts ran, so that no script of the page can
 * forge or read them. `target` tells the two directions apart.
 *
 * The hand-over, whichever of the two scripts runs first, all synchronous: the provider
 * dispatches a cancelable RELAY_PORT_EVENT carrying the port; the content script takes the
 * first one offered (and cancels the event, so the provider knows). If nobody took it, the
 * content script was not there yet: it dispatches CONTENT_READY_EVENT when it starts, and the
 * provider offers the port again from within that event.
 */
export const RELAY_PORT_EVENT = 'panda-kit:relay-port';
export const CONTENT_READY_EVENT = 'panda-kit:content-ready';
export const PAGE_TARGET = 'panda-kit:page';
export const CONTENT_TARGET = 'panda-kit:content';

export type PageToContent = { target: typeof CONTENT_TARGET; id: number; request: RequestArguments };
export type ContentToPage =
  | { target: typeof PAGE_TARGET; id: number; result: unknown }
  | { target: typeof PAGE_TARGET; id: number; error: ProviderErrorShape }
  | { target: typeof PAGE_TARGET; event: ProviderEventName; data: unknown };

/** The name of the runtime port content scripts open to the background. */
export const PROVIDER_PORT = 'panda-kit/provider';

/** Messages over the port: requests go up with an id, answers and events come down. */
export type PortRequest = { id: number; request: RequestArguments };
export type PortMessage = { id: number; result: unknown } | { id: number; error: ProviderErrorShape } | { event: ProviderEventName; data: unknown };
