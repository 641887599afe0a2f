/**
 * The simulator's network: connections between endpoints on virtual time. A connection takes
 * a set-up delay (a WebRTC offer, answer and ICE), fails after a while when the other peer
 * is gone, unreachable (a partition) or refuses; each message is lost with probability
 * `loss` (a frame), else arrives in order after a latency and its bytes at `bandwidth`; a
 * closed connection first delivers what was sent before; a peer that leaves is noticed by
 * the other side only after a detection delay. Every byte sent is counted to its sender.
 */
import type { VirtualTime } from './virtual-time.js';

export interface NetworkParams {
  loss: number;
  /** One-way latency range (ms). */
  latency: [number, number];
  /** Bytes per ms on each direction of a connection. */
  bandwidth: number;
  /** Connection set-up time range (ms). */
  setup: [number, number];
  /** A connection to a peer that is gone or unreachable fails after this long (ms). */
  failAfter: number;
  /** When a peer leaves, the other side notices after a delay in this range (ms). */
  detect: [number, number];
  /** Connections a peer's host holds at most over all festivals (unless its endpoint says otherwise). */
  hostCap: number;
}

export const DEFAULT_NETWORK: NetworkParams = {
  loss: 0.05,
  latency: [20, 80],
  bandwidth: 1000,
  setup: [300, 1200],
  failAfter: 5000,
  detect: [500, 5000],
  hostCap: 10,
};

export interface Endpoint {
  readonly id: string;
  readonly online: boolean;
  /** Its host's cap of connections, if not the network's `hostCap`. */
  readonly hostCap?: number | undefined;
  sent: number;
  admits(remote: string): boolean;
  connected(remote: string): void;
  disconnected(remote: string): void;
  message(remote: string, payload: unknown): void;
}

interface Link {
  a: string;
  b: string;
  state: 'connecting' | 'up' | 'closed';
  /** Per sender: when its direction is free again, and when its latest message lands. */
  busy: Map<string, { free: number; lands: number }>;
}

const pairKey = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

export class SimNetwork {
  readonly #links = new Map<string, Link>();
  readonly #byPeer = new Map<string, Set<Link>>();
  /** The most connections any peer held at once. */
  maxConnections = 0;
  /** Whether two peers can reach each other (false across a partition). */
  reachable: (a: string, b: string) => boolean = () => true;

  constructor(
    private readonly time: VirtualTime,
    private readonly random: () => number,
    private readonly params: NetworkParams,
    private readonly endpoints: ReadonlyMap<string, Endpoint>,
  ) {}

  /** Connections `peer`'s host holds at most. */
  capOf(peer: string): number {
    return this.endpoints.get(peer)?.hostCap ?? this.params.hostCap;
  }

  /** Connections `peer` holds (up or being set up). */
  connectionsOf(peer: string): number {
    return this.#byPeer.get(peer)?.size ?? 0;
  }

  /** Whether `a` and `b` have a connection (up or being set up). */
  linked(a: string, b: string): boolean {
    return this.#links.has(pairKey(a, b));
  }

  #between([min, max]: [number, number]): number {
    return min + this.random() * (max - min);
  }

  connect(from: string, to: string): void {
    const existing = this.#links.get(pairKey(from, to));
    if (existing && existing.state !== 'closed') {
      if (existing.state === 'up') this.time.after(0, () => this.#tell(from, (endpoint) => endpoint.connected(to)));
      return;
    }
    if (this.connectionsOf(from) >= this.capOf(from)) {
      this.time.after(0, () => this.#tell(from, (endpoint) => endpoint.disconnected(to)));
      return;
    }
    const link: Link = { a: from, b: to, state: 'connecting', busy: new Map() };
    this.#add(link);
    this.time.after(this.#between(this.params.setup), () => {
      if (link.state !== 'connecting') return;
      const remote = this.endpoints.get(to);
      const ok = remote?.online && this.reachable(from, to) && this.connectionsOf(to) < this.capOf(to) && remote.admits(from);
      if (!ok) {
        this.#remove(link);
        const wait = remote?.online && this.reachable(from, to) ? 0 : this.params.failAfter;
        this.time.after(wait, () => this.#gone(link, from, to));
        return;
      }
      link.state = 'up';
      this.#hold(to, link);
      remote.connected(from);
      this.#tell(from, (endpoint) => endpoint.connected(to));
    });
  }

  /** Sends `payload` of `size` bytes from `from` to `to`, if they are connected. */
  send(from: string, to: string, payload: unknown, size: number): void {
    const link = this.#links.get(pairKey(from, to));
    const sender = this.endpoints.get(from);
    if (link?.state !== 'up' || !sender) return;
    sender.sent += size;
    const busy = link.busy.get(from) ?? { free: 0, lands: 0 };
    link.busy.set(from, busy);
    const start = Math.max(this.time.now, busy.free);
    busy.free = start + size / this.params.bandwidth;
    const lands = Math.max(busy.free + this.#between(this.params.latency), busy.lands);
    busy.lands = lands;
    if (this.random() < this.params.loss) return;
    this.time.after(lands - this.time.now, () => {
      if (link.state === 'up') this.#tell(to, (endpoint) => endpoint.message(from, payload));
    });
  }

  /** Closes the connection between `from` and `to` once what `from` sent has landed. */
  close(from: string, to: string): void {
    const link = this.#links.get(pairKey(from, to));
    if (!link || link.state === 'closed') return;
    if (link.state === 'connecting') return this.#remove(link);
    const lands = link.busy.get(from)?.lands ?? 0;
    this.time.after(Math.max(0, lands - this.time.now) + 1, () => {
      if (link.state !== 'up') return;
      this.#remove(link);
      this.#gone(link, from, to);
      this.time.after(this.#between(this.params.latency), () => this.#gone(link, to, from));
    });
  }

  /** Every connection of `peer` is gone at once (it left); the others notice after a while. */
  dropAll(peer: string): void {
    for (const link of [...(this.#byPeer.get(peer) ?? [])]) this.#fail(link);
  }

  /** Breaks every connection `cut` says yes to, as failures both sides notice after a while. */
  cut(cut: (a: string, b: string) => boolean): void {
    for (const link of [...this.#links.values()]) if (cut(link.a, link.b)) this.#fail(link);
  }

  #fail(link: Link): void {
    const wasUp = link.state === 'up';
    this.#remove(link);
    if (!wasUp) {
      // Being set up: the side that asked hears of the failure at its timeout.
      this.time.after(this.params.failAfter, () => this.#gone(link, link.a, link.b));
      return;
    }
    for (const [side, other] of [
      [link.a, link.b],
      [link.b, link.a],
    ] as const) {
      this.time.after(this.#between(this.params.detect), () => this.#gone(link, side, other));
    }
  }

  /**
   * Tells `peer` that `link` to `other` is gone, unless a newer connection between them took
   * its place as far as `peer` knows: one up, or one `peer` is setting up (the other side
   * hears of a connection only once it is up).
   */
  #gone(link: Link, peer: string, other: string): void {
    const current = this.#links.get(pairKey(peer, other));
    if (current && current !== link && (current.state === 'up' || current.a === peer)) return;
    this.#tell(peer, (endpoint) => endpoint.disconnected(other));
  }

  #tell(peer: string, call: (endpoint: Endpoint) => void): void {
    const endpoint = this.endpoints.get(peer);
    if (endpoint?.online) call(endpoint);
  }

  /** A new connection: held by the side that asks from now on, by the other once it accepted. */
  #add(link: Link): void {
    this.#links.set(pairKey(link.a, link.b), link);
    this.#hold(link.a, link);
  }

  #hold(peer: string, link: Link): void {
    let set = this.#byPeer.get(peer);
    if (!set) this.#byPeer.set(peer, (set = new Set()));
    set.add(link);
    this.maxConnections = Math.max(this.maxConnections, set.size);
  }

  #remove(link: Link): void {
    link.state = 'closed';
    this.#links.delete(pairKey(link.a, link.b));
    for (const peer of [link.a, link.b]) this.#byPeer.get(peer)?.delete(link);
  }
}
