/**
 * Where a relayed signal goes next, learned from the overlay's own traffic: a forward-join
 * for `p` came from the way back to `p`, so did a shuffle from its origin and the peers it
 * names, a shuffle reply from the peers it names, and a relayed signal from its sender
 * (routes back along the walk). Bounded: at most `MAX_ROUTES` routes, the least recently
 * learned forgotten first, and a route older than `ROUTE_TTL_MS` is not taken.
 */
import { decodeOverlayMessage } from '../core/overlay/index.js';

/** Routes remembered at most, and for how long. */
export const MAX_ROUTES = 512;
export const ROUTE_TTL_MS = 120_000;

export class SignalRoutes {
  readonly #routes = new Map<string, { via: string; at: number }>();

  constructor(
    readonly self: string,
    readonly now: () => number,
  ) {}

  /** Learns the routes an overlay message from `via` shows (its bytes; a malformed message teaches nothing). */
  learn(via: string, bytes: Uint8Array): void {
    let message;
    try {
      message = decodeOverlayMessage(bytes);
    } catch {
      return; // the overlay itself charges the offence
    }
    if (message.type === 'forward-join') this.add(message.peer, via);
    else if (message.type === 'shuffle') for (const peer of [message.origin, ...message.peers]) this.add(peer, via);
    else if (message.type === 'shuffle-reply') for (const peer of message.peers) this.add(peer, via);
  }

  /** `peer` is reached through the neighbour `via`. */
  add(peer: string, via: string): void {
    if (peer === this.self || peer === via) return;
    this.#routes.delete(peer);
    this.#routes.set(peer, { via, at: this.now() });
    if (this.#routes.size > MAX_ROUTES) this.#routes.delete(this.#routes.keys().next().value!);
  }

  /** The neighbour towards `peer`, if a fresh route is known. */
  via(peer: string): string | undefined {
    const route = this.#routes.get(peer);
    return route && this.now() - route.at <= ROUTE_TTL_MS ? route.via : undefined;
  }
}
