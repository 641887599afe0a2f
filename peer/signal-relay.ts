/**
 * Signaling through a festival's overlay: a relayed signal goes to the peer it is for when
 * there is a channel to it, else along the route learned from the overlay's own traffic
 * (signal-routes.ts), at most `MAX_RELAY_HOPS` hops. Relays are rate-limited per channel (a
 * burst of a connection's offer, answer and candidates, then a few per second); with no
 * route, or over the limit, a signal is dropped, and one of this peer's own goes through the
 * signaling server instead.
 */
import type { DataChannelTransport } from './datachannel-transport.js';
import { encodeSignalFrame, MAX_RELAY_HOPS, type RelayedSignal } from './overlay-frames.js';
import { TokenBucket } from './peer-limits.js';
import { SignalRoutes } from './signal-routes.js';

export interface RelayHost {
  readonly self: string;
  now(): number;
  /** The overlay channel to `peer`, if one is open. */
  channel(peer: string): DataChannelTransport | undefined;
  /** A relayed signal for this peer: its `data` as if published in the topic by `from`. */
  deliver(from: string, data: unknown): void;
  /** Sends `frame` on `channel`; false if it is closing. */
  send(channel: DataChannelTransport, frame: Uint8Array): boolean;
}

/** Signals this peer sent through the overlay and through the server; relayed for others; dropped (no route, over the limit). */
export interface SignalCounts {
  overlay: number;
  server: number;
  relayed: number;
  dropped: number;
}

/** Relayed signals accepted per channel: a burst of a connection's offer, answer and candidates, then a few per second. */
const RELAY_BURST = 24;
const RELAYS_PER_SECOND = 8;

export class SignalRelay {
  readonly routes: SignalRoutes;
  readonly counts: SignalCounts = { overlay: 0, server: 0, relayed: 0, dropped: 0 };
  readonly #budgets = new Map<string, TokenBucket>();

  constructor(private readonly host: RelayHost) {
    this.routes = new SignalRoutes(host.self, () => host.now());
  }

  /** Sends `data` (a signaling message, sealed for the topic) to `to` through the overlay; false if there is no way. */
  relay(to: string, data: unknown): boolean {
    const channel = this.#way(to);
    const frame = channel && encodeSignalFrame({ from: this.host.self, to, ttl: MAX_RELAY_HOPS, data });
    if (!channel || !frame || !this.host.send(channel, frame)) return false;
    this.counts.overlay++;
    return true;
  }

  /** A relayed signal came over the channel from `peer`: delivered here, or passed on. */
  received(peer: string, signal: RelayedSignal): void {
    let budget = this.#budgets.get(peer);
    if (!budget) this.#budgets.set(peer, (budget = new TokenBucket(RELAY_BURST, RELAYS_PER_SECOND, () => this.host.now())));
    if (!budget.take()) {
      this.counts.dropped++;
      return;
    }
    this.routes.add(signal.from, peer);
    if (signal.to === this.host.self) return this.host.deliver(signal.from, signal.data);
    const next = signal.ttl > 0 && signal.from !== this.host.self ? this.#way(signal.to) : undefined;
    const frame = next && next !== this.host.channel(peer) ? encodeSignalFrame({ ...signal, ttl: signal.ttl - 1 }) : undefined;
    if (next && frame && this.host.send(next, frame)) this.counts.relayed++;
    else this.counts.dropped++;
  }

  /** The channel to `peer` closed: its relay budget goes with it. */
  channelClosed(peer: string): void {
    this.#budgets.delete(peer);
  }

  /** The channel a signal for `to` goes on: to it, or towards it. */
  #way(to: string): DataChannelTransport | undefined {
    const direct = this.host.channel(to);
    if (direct) return direct;
    const via = this.routes.via(to);
    return via === undefined ? undefined : this.host.channel(via);
  }
}
