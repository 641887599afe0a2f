/**
 * The extension's peer: festival data in IndexedDB, replicated over WebRTC by a FestivalPeer
 * (peer/festival-peer.ts). It runs where WebRTC exists: Chrome's offscreen document (service
 * workers have no RTCPeerConnection) and Firefox's event page. The background writes to the
 * same IndexedDB database and tells the peer about new entries (`announce`); the peer tells
 * it when entries from other peers were stored (`onChange`). The settings say which festivals
 * to replicate, each through its own servers (`configure`).
 */
import { DexieStore, type Replicator } from '../../core/index.js';
import { FestivalPeer, type FestivalPeerHealth, type WebRtcNetworkOptions } from '../../peer/index.js';
import { DATABASE_NAME, type PeerConfig, type PeerLink } from './peer-link.js';

/** A burst of entries from other peers is one change, told this long after its first entry. */
const CHANGE_DELAY_MS = 50;

export interface PeerHostOptions {
  /** Entries from other peers were stored (the background's model is out of date). */
  onChange: () => void;
  /** The store to replicate; default: the 'panda-kit' database. */
  store?: DexieStore;
  /** Options of every WebRtcNetwork (Node tests: RTCPeerConnection, WebSocket). */
  network?: Partial<WebRtcNetworkOptions>;
}

export class PeerHost implements PeerLink {
  private constructor(
    readonly store: DexieStore,
    readonly peer: FestivalPeer,
  ) {}

  static async start(options: PeerHostOptions): Promise<PeerHost> {
    const store = options.store ?? new DexieStore(DATABASE_NAME);
    const peer = await FestivalPeer.open({ store, webrtc: options.network ?? {} });
    peer.onEntries(options.onChange, { delayMs: CHANGE_DELAY_MS, fromPeersOnly: true });
    return new PeerHost(store, peer);
  }

  get replicator(): Replicator {
    return this.peer.replicator;
  }

  /**
   * The server sets there is a network for now (each its sockets), for tests and health: one
   * network per distinct set, holding the festivals that named exactly that set, so that a
   * festival's topic reaches its own servers and no other (a server one site named never
   * learns the topic of a festival another site joined).
   */
  get serverSets(): string[] {
    return this.peer.networks.map(({ servers }) => servers.join(' '));
  }

  /**
   * Replicates `config.festivals`, each through its own servers. A server set no festival
   * names any more has its network closed (its sockets with it); a festival whose servers or
   * secret changed is left in the old network and joined in the new one.
   */
  async configure(config: PeerConfig): Promise<void> {
    await this.peer.configure(config.festivals.map(({ festivalId, signaling, secret }) => ({ festivalId, signaling, secret })));
  }

  async announce(entry: Uint8Array, operation: Uint8Array): Promise<void> {
    await this.peer.announce(entry, operation);
  }

  async health(): Promise<FestivalPeerHealth> {
    return this.peer.health();
  }

  close(): void {
    this.peer.close();
    this.store.close();
  }
}
