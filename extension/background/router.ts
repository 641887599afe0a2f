/**
 * What the background does with a page's request. The origin comes from the browser (the
 * port's `sender.origin` / `sender.url` of the frame), never from the message body; each
 * frame is its own origin with its own grants.
 */
import type { RequestArguments } from '../shared/protocol.js';

export interface RequestContext {
  /** The requesting frame's origin as the browser reports it, e.g. "https://hoffnung3000.de". */
  origin: string;
  /** Browser tab and frame, to show the person where a request comes from. */
  tabId?: number;
  frameId?: number;
}

export interface Router {
  /** Answers one request; rejects with a ProviderRpcError. */
  handle(context: RequestContext, request: RequestArguments): Promise<unknown>;
  /** Registers a listener for events to send to the pages of `origin` (connect, accountsChanged, festivalChanged...). */
  subscribe(origin: string, listener: (event: string, data: unknown) => void): () => void;
}
