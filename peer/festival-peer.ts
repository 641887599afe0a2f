/**
 * One running peer, in the spirit of y-webrtc's WebrtcProvider: a store, the festivals it
 * takes part in, and the networks that find other peers (a WebRtcNetwork per set of
 * signaling servers, a BroadcastNetwork for the origin's other tabs). It keeps the
 * replicator's and every network's festival membership in step, so that the hosts (the Node
 * peer, the extension's peer, the widgets' in-page peer) only bring their own concerns.
 *
 * Two ways to take part in a festival, both counted per festival:
 * - `join(festival, options)`: one use, ended by the function it returns (several widgets of
 *   a page joining one festival); the festival is left when its last use ends;
 * - `configure(festivals)`: the peer's own list (config.json, the extension's settings),
 *   replaced whole each time; a festival whose servers or secret changed moves to its new
 *   network without the replicator leaving it.
 *
 * Which network a festival meets through, and when networks open and close, is
 * festival-networks.ts.
 */
import { PandaError } from '../core/errors.js';
import type { FestivalNode } from '../core/festival/festival-node.js';
import { hashingReady, type Hash } from '../core/hash/hash.js';
import { Replicator, type ReplicationHealth, type ReplicatorEvent } from '../core/replication/replicator.js';
import type { Store } from '../core/storage/store.js';
import { BroadcastNetwork } from './broadcast-transport.js';
import { FestivalNetworks, type FestivalPeerJoin, type NetworkGroup } from './festival-networks.js';
import type { FestivalOverlayHealth } from './festival-overlay.js';
import type { WebRtcNetwork, WebRtcNetworkOptions } from './webrtc-network.js';

export type { FestivalPeerJoin };

/** The replicator's figures and, per festival on an overlay, its neighbours versus the peers it knows. */
export interface FestivalPeerHealth extends ReplicationHealth {
  overlay: FestivalOverlayHealth[];
}

export interface FestivalPeerOptions {
  store: Store;
  /** Kept in step: it reads what arrives at its next build, and what it publishes goes to peers. */
  node?: FestivalNode | undefined;
  /** The peer's own signaling servers: their network opens now and stays open until `close`. */
  signaling?: readonly string[] | undefined;
  /** The peer's own festivals from the start, as `configure` takes them. */
  festivals?: readonly FestivalPeerJoin[] | undefined;
  /** Options of every WebRtcNetwork (in Node: RTCPeerConnection, WebSocket); signaling, festivals and onTransport are the peer's. */
  webrtc?: Partial<WebRtcNetworkOptions> | undefined;
  /** Also meet this origin's other tabs over BroadcastChannel, where there is one. */
  broadcast?: boolean | undefined;
  /** Festivals with different secrets use networks of their own even on the same servers: one peer id per secret. */
  networkPerSecret?: boolean | undefined;
}

/** What the replicator reports, and what a network reports (signaling trouble, failed connections: diagnostics). */
export type FestivalPeerEvent = ReplicatorEvent | { type: 'network-error'; servers: string[]; error: PandaError };

/** One configured festival: where it was asked to meet, and the network it joined (none when it failed there). */
interface Configured {
  join: FestivalPeerJoin;
  place: string;
  group: NetworkGroup | undefined;
  failed: boolean;
}

export class FestivalPeer {
  readonly #networks: FestivalNetworks;
  readonly #broadcast: BroadcastNetwork | undefined;
  /** Uses of each festival, over `join` and `configure`: the replicator takes part while there are any. */
  readonly #uses = new Map<Hash, number>();
  readonly #configured = new Map<Hash, Configured>();
  readonly #listeners = new Set<(event: FestivalPeerEvent) => void>();
  /** Subscriptions to end on close. */
  readonly #subscriptions = new Set<() => void>();
  #closed = false;

  private constructor(
    readonly store: Store,
    readonly replicator: Replicator,
    options: FestivalPeerOptions,
  ) {
    // First what may throw (a signaling URL that is not ws:/wss:, no WebRTC).
    this.#networks = new FestivalNetworks({
      signaling: options.signaling,
      webrtc: options.webrtc,
      networkPerSecret: options.networkPerSecret,
      onTransport: (transport) => replicator.connect(transport),
      onError: (servers, error) => this.#emit({ type: 'network-error', servers, error }),
    });
    const node = options.node;
    this.#subscriptions.add(
      replicator.on((event) => {
        // The model decodes just this operation on its next build, without reading it back.
        if (event.type === 'entry') node?.stored([event.operation]);
        this.#emit(event);
      }),
    );
    if (node) this.#subscriptions.add(node.onPublish((entry, operation) => void replicator.announce(entry, operation)));
    const broadcast = options.broadcast && typeof BroadcastChannel === 'function';
    this.#broadcast = broadcast ? new BroadcastNetwork({ onTransport: (transport) => replicator.connect(transport) }) : undefined;
  }

  /** Opens the replicator over `store` (after reading what it holds) and the peer's own network. */
  static async open(options: FestivalPeerOptions): Promise<FestivalPeer> {
    // Falls back to JavaScript BLAKE3 where a page's CSP forbids WebAssembly.
    await hashingReady();
    const replicator = await Replicator.open(options.store, {});
    let peer: FestivalPeer;
    try {
      peer = new FestivalPeer(options.store, replicator, options);
    } catch (error) {
      replicator.close();
      throw error;
    }
    try {
      if (options.festivals) await peer.configure(options.festivals);
    } catch (error) {
      peer.close();
      throw error;
    }
    return peer;
  }

  /** Ids of the festivals taken part in. */
  get festivals(): Hash[] {
    return [...this.#uses.keys()];
  }

  /** The network of the peer's own servers (see `signaling`). */
  get network(): WebRtcNetwork | undefined {
    return this.#networks.own?.network;
  }

  /** The networks open now, each with its servers (deduplicated, sorted). */
  get networks(): Array<{ servers: string[]; network: WebRtcNetwork }> {
    return this.#networks.groups.map(({ servers, network }) => ({ servers, network }));
  }

  /**
   * Takes part in a festival until the returned function is called (once per call: another
   * use of the same festival keeps it). Rejects, holding nothing, when its network cannot be
   * made (a URL that is not ws:/wss:, no WebRTC) or joined (an empty secret).
   */
  async join(festivalId: Hash, options: Omit<FestivalPeerJoin, 'festivalId'> = {}): Promise<() => void> {
    this.#assertOpen();
    const group = this.#networks.groupFor({ festivalId, ...options });
    this.#hold(festivalId);
    const first = group !== undefined && this.#networks.enter(group, festivalId, options.secret);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      if (group) this.#networks.exit(group, festivalId);
      this.#networks.closeUnused();
      this.#release(festivalId);
    };
    try {
      if (first) await group.network.join(festivalId, options.secret);
    } catch (error) {
      leave();
      throw error;
    }
    return leave;
  }

  /**
   * Makes `festivals` the peer's own list: joins the new ones, leaves those no longer listed
   * (unless a `join` still uses them), and moves a festival whose servers or secret changed
   * to its new network. A festival that cannot join its network stays in the replicator and
   * is tried again by the next `configure`; the first such error is thrown once all are done.
   */
  async configure(festivals: readonly FestivalPeerJoin[]): Promise<void> {
    this.#assertOpen();
    const wanted = new Map(festivals.map((festival) => [festival.festivalId, festival]));
    const place = (join: FestivalPeerJoin) => this.#networks.placeOf(join);
    const previous = new Map(this.#configured);
    const moved = [...wanted.values()].filter((join) => {
      const had = previous.get(join.festivalId);
      return had === undefined || had.failed || had.place !== place(join);
    });
    const moving = new Set(moved.map((join) => join.festivalId));
    // The replicator first, as the hosts did: it leaves only what is gone, never what moves.
    for (const [id] of previous) if (!wanted.has(id)) this.#release(id);
    for (const join of moved) this.#hold(join.festivalId);
    for (const join of moved) if (previous.has(join.festivalId)) this.#release(join.festivalId);
    for (const [id, had] of previous) {
      if (wanted.has(id) && !moving.has(id)) continue;
      if (had.group) this.#networks.exit(had.group, id);
      this.#configured.delete(id);
    }
    const errors: unknown[] = [];
    const joining: Array<{ join: FestivalPeerJoin; group: NetworkGroup }> = [];
    for (const join of moved) {
      const entry: Configured = { join, place: place(join), group: undefined, failed: false };
      this.#configured.set(join.festivalId, entry);
      try {
        entry.group = this.#networks.groupFor(join);
      } catch (error) {
        entry.failed = true;
        errors.push(error);
        continue;
      }
      if (entry.group && this.#networks.enter(entry.group, join.festivalId, join.secret)) joining.push({ join, group: entry.group });
    }
    this.#networks.closeUnused();
    for (const { join, group } of joining) {
      try {
        await group.network.join(join.festivalId, join.secret);
      } catch (error) {
        errors.push(error);
        const entry = this.#configured.get(join.festivalId);
        if (entry?.group !== group) continue;
        this.#networks.exit(group, join.festivalId);
        this.#networks.closeUnused();
        entry.group = undefined;
        entry.failed = true;
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  /** The festivals `configure` set, as it was given them. */
  get configured(): FestivalPeerJoin[] {
    return [...this.#configured.values()].map((entry) => entry.join);
  }

  on(listener: (event: FestivalPeerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Calls `listener` once per burst of stored entries (a first sync brings hundreds),
   * `delayMs` after the first of them; with `fromPeersOnly`, entries announced here do not count.
   */
  onEntries(listener: () => void, options: { delayMs: number; fromPeersOnly?: boolean }): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopListening = this.replicator.on((event) => {
      if (event.type !== 'entry' || (options.fromPeersOnly && event.from === undefined) || timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        listener();
      }, options.delayMs);
    });
    const stop = () => {
      clearTimeout(timer);
      stopListening();
      this.#subscriptions.delete(stop);
    };
    this.#subscriptions.add(stop);
    return stop;
  }

  /** An entry published here (already in the store): live peers get it at once. */
  announce(entry: Uint8Array, operation: Uint8Array): Promise<void> {
    return this.replicator.announce(entry, operation).then(() => undefined);
  }

  health(): FestivalPeerHealth {
    return { ...this.replicator.health(), overlay: this.#networks.groups.flatMap(({ network }) => network.overlayHealth()) };
  }

  /** Closes every network and connection; `idle()` then tells when what arrived is stored. The store stays open: it is the caller's. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of [...this.#subscriptions]) stop();
    this.#subscriptions.clear();
    this.#listeners.clear();
    this.#networks.close();
    this.#broadcast?.close();
    this.replicator.close();
  }

  idle(): Promise<void> {
    return this.replicator.idle();
  }

  #emit(event: FestivalPeerEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new PandaError('REPLICATION_CLOSED', 'This peer is closed');
  }

  #hold(festivalId: Hash): void {
    const uses = this.#uses.get(festivalId) ?? 0;
    this.#uses.set(festivalId, uses + 1);
    if (uses > 0) return;
    this.replicator.join(festivalId);
    this.#broadcast?.join(festivalId);
  }

  #release(festivalId: Hash): void {
    const uses = (this.#uses.get(festivalId) ?? 1) - 1;
    if (uses > 0) {
      this.#uses.set(festivalId, uses);
      return;
    }
    this.#uses.delete(festivalId);
    this.#broadcast?.leave(festivalId);
    this.replicator.leave(festivalId);
  }
}
