/**
 * The window messages between the in-page provider (MAIN world) and the content script
 * (isolated world), checked field by field: both sides see every message the page posts to
 * itself, and a page can post anything. The shapes are protocol.ts's `PageToContent` and
 * `ContentToPage`, plus a liveness check of this relay's own (`ping` / `pong`): the provider
 * pings while it waits for answers, and a content script that no longer answers (the
 * extension was disabled, removed or updated) makes the waiting requests fail with 4900
 * instead of hanging for ever. No browser APIs in here.
 */
import {
  CONTENT_TARGET,
  PAGE_TARGET,
  isProviderErrorShape,
  type ContentToPage,
  type PageToContent,
  type ProviderErrorShape,
  type ProviderEventName,
} from '../shared/protocol.js';
import { isRecord } from '../../core/guards.js';

/** Relay-internal: "are you still there?" (page → content) and the answer (content → page). */
export type RelayPing = { target: typeof CONTENT_TARGET; ping: number };
export type RelayPong = { target: typeof PAGE_TARGET; pong: number };

/** A method name longer than this is not a method (and not worth carrying to the background). */
export const MAX_METHOD_LENGTH = 128;

const EVENTS: readonly ProviderEventName[] = ['connect', 'disconnect', 'accountsChanged', 'festivalChanged'];

type Bag = Record<string, unknown>;
const isBag: (value: unknown) => value is Bag = isRecord;
/** Ids are what the provider hands out: 1, 2, 3, ... */
export const isMessageId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
export const isEventName = (value: unknown): value is ProviderEventName => typeof value === 'string' && (EVENTS as readonly string[]).includes(value);

/**
 * A request from the page, copied into a fresh object with only the fields that belong to
 * it (anything else the page put in, such as an `origin`, is left behind); undefined if the
 * message is not one.
 */
export function readPageRequest(data: unknown): PageToContent | undefined {
  if (!isBag(data) || data.target !== CONTENT_TARGET || !isMessageId(data.id)) return undefined;
  const request = data.request;
  if (!isBag(request) || typeof request.method !== 'string' || request.method.length > MAX_METHOD_LENGTH) return undefined;
  return {
    target: CONTENT_TARGET,
    id: data.id,
    request: request.params === undefined ? { method: request.method } : { method: request.method, params: request.params },
  };
}

export function readPing(data: unknown): RelayPing | undefined {
  return isBag(data) && data.target === CONTENT_TARGET && isMessageId(data.ping) ? { target: CONTENT_TARGET, ping: data.ping } : undefined;
}

export function readPong(data: unknown): RelayPong | undefined {
  return isBag(data) && data.target === PAGE_TARGET && isMessageId(data.pong) ? { target: PAGE_TARGET, pong: data.pong } : undefined;
}

/** An error as it may travel: code and message, `data` only when present. */
export function errorShape(error: ProviderErrorShape): ProviderErrorShape {
  return error.data === undefined ? { code: error.code, message: error.message } : { code: error.code, message: error.message, data: error.data };
}

/** An answer or an event for the page (from the content script), or undefined. */
export function readContentMessage(data: unknown): ContentToPage | undefined {
  if (!isBag(data) || data.target !== PAGE_TARGET) return undefined;
  if (isMessageId(data.id)) {
    if ('error' in data) return isProviderErrorShape(data.error) ? { target: PAGE_TARGET, id: data.id, error: errorShape(data.error) } : undefined;
    if ('result' in data) return { target: PAGE_TARGET, id: data.id, result: data.result };
    return undefined;
  }
  if (isEventName(data.event)) return { target: PAGE_TARGET, event: data.event, data: data.data };
  return undefined;
}
