/**
 * The WebRTC networks of a FestivalPeer (festival-peer.ts), and which festival uses which:
 * one network per set of signaling servers, holding the festivals that named exactly that
 * set, so that a festival's topic reaches its own servers and no other. Each festival on a
 * network counts its uses; the network joins it with the first and leaves it with the last.
 * A network no festival uses any more is closed, except the one of the peer's own servers.
 */
import type { Hash, PandaError, Transport } from '../core/index.js';
import { WebRtcNetwork, type WebRtcNetworkOptions } from './webrtc-network.js';

/** Where one festival meets its peers. */
export interface FestivalPeerJoin {
  festivalId: Hash;
  /** Its signaling servers (ws: or wss:); default the peer's own (`signaling`); none: only peers met otherwise. */
  signaling?: readonly string[] | undefined;
  /** Encrypts its signaling (a y-webrtc room password). */
  secret?: string | undefined;
}

/** A network and how many uses each festival on it has. */
export interface NetworkGroup {
  key: string;
  /** Its servers, deduplicated and sorted. */
  servers: string[];
  network: WebRtcNetwork;
  festivals: Map<Hash, { secret: string | undefined; uses: number }>;
  /** The peer's own servers: open until the peer closes. */
  own: boolean;
}

export interface FestivalNetworksOptions {
  /** The peer's own servers: their network opens now and stays open until `close`. */
  signaling?: readonly string[] | undefined;
  /** Options of every network; signaling, festivals, onTransport are set here. */
  webrtc?: Partial<WebRtcNetworkOptions> | undefined;
  /** Festivals with different secrets use networks of their own even on the same servers. */
  networkPerSecret?: boolean | undefined;
  onTransport: (transport: Transport) => void;
  onError: (servers: string[], error: PandaError) => void;
}

/** A set of servers as one key (the same servers in any order and repeated are one set). */
const serverSet = (servers: readonly string[]): string => [...new Set(servers)].sort().join(' ');

export class FestivalNetworks {
  readonly #options: FestivalNetworksOptions;
  readonly #ownServers: readonly string[];
  readonly #groups = new Map<string, NetworkGroup>();
  /** The network of the peer's own servers, if it has any. */
  readonly own: NetworkGroup | undefined;

  /** Throws, as WebRtcNetwork does, for a URL that is not ws:/wss: or no WebRTC. */
  constructor(options: FestivalNetworksOptions) {
    this.#options = options;
    this.#ownServers = options.signaling ?? [];
    this.own = options.signaling === undefined ? undefined : this.#group(options.signaling, true);
  }

  /** The server set a festival meets through, as a key: the same key is the same place. */
  placeOf(join: FestivalPeerJoin): string {
    return JSON.stringify([serverSet(join.signaling ?? this.#ownServers), join.secret ?? null]);
  }

  get groups(): NetworkGroup[] {
    return [...this.#groups.values()];
  }

  /**
   * The network a festival meets its peers through, made if need be (throws for a URL that is
   * not ws:/wss:, or no WebRTC); none for a festival that names no servers. A festival held
   * on its servers' network with another secret meanwhile gets a network of its own.
   */
  groupFor({ festivalId, signaling, secret }: FestivalPeerJoin): NetworkGroup | undefined {
    const servers = signaling ?? this.#ownServers;
    if (servers.length === 0 && (signaling !== undefined || this.own === undefined)) return undefined;
    const set = serverSet(servers);
    const held = this.#groups.get(set)?.festivals.get(festivalId);
    const apart = this.#options.networkPerSecret ? secret !== undefined : held !== undefined && held.secret !== secret;
    const key = apart ? JSON.stringify([set, secret ?? null]) : set;
    return this.#groups.get(key) ?? this.#group(servers, false, key);
  }

  /** One more use of a festival on a network; true for the first (the network is to join it). */
  enter(group: NetworkGroup, festivalId: Hash, secret: string | undefined): boolean {
    const held = group.festivals.get(festivalId);
    group.festivals.set(festivalId, { secret, uses: (held?.uses ?? 0) + 1 });
    return held === undefined;
  }

  /** One use less; the network leaves the festival with its last. */
  exit(group: NetworkGroup, festivalId: Hash): void {
    const held = group.festivals.get(festivalId);
    if (held === undefined) return;
    if (held.uses > 1) {
      held.uses--;
      return;
    }
    group.festivals.delete(festivalId);
    group.network.leave(festivalId);
  }

  /** Closes the networks no festival uses (their sockets with them), but the peer's own. */
  closeUnused(): void {
    for (const [key, group] of this.#groups) {
      if (group.own || group.festivals.size > 0) continue;
      group.network.close();
      this.#groups.delete(key);
    }
  }

  close(): void {
    for (const group of this.#groups.values()) group.network.close();
    this.#groups.clear();
  }

  #group(servers: readonly string[], own: boolean, key = serverSet(servers)): NetworkGroup {
    const set = [...new Set(servers)].sort();
    const webrtc = this.#options.webrtc ?? {};
    const network = new WebRtcNetwork({
      ...webrtc,
      // A festival peer meets its festivals on the overlay, unless told `overlay: false`.
      overlay: webrtc.overlay ?? {},
      // The peer's own servers as given; a festival's as a set.
      signaling: own ? servers : set,
      festivals: [],
      onTransport: (transport) => this.#options.onTransport(transport),
      onError: (error) => {
        webrtc.onError?.(error);
        this.#options.onError(set, error);
      },
    });
    const group: NetworkGroup = { key, servers: set, network, festivals: new Map(), own };
    this.#groups.set(key, group);
    return group;
  }
}
