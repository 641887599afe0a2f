/**
 * The extension's peer: festival data in IndexedDB, replicated over WebRTC. It runs where
 * WebRTC exists: Chrome's offscreen document (service workers have no RTCPeerConnection)
 * and Firefox's event page. The background writes to the same IndexedDB database and tells
 * the peer about new entries (`announce`); the peer tells it when entries from other peers
 * were stored (`onChange`).
 */
import { DexieStore, hashingReady, Replicator, type Hash, type ReplicationHealth } from '../../core/index.js';
import { WebRtcNetwork } from '../../peer/index.js';
import type { PeerConfig, PeerLink } from './peer-link.js';

export const DATABASE_NAME = 'panda-kit';

export interface PeerHostOptions {
  /** Entries from other peers were stored (the background's model is out of date). */
  onChange: () => void;
  /** The store to replicate; default: the 'panda-kit' database. */
  store?: DexieStore;
}

export class PeerHost implements PeerLink {
  #network: WebRtcNetwork | undefined;
  #config: PeerConfig = { signaling: [], festivals: [] };

  private constructor(
    readonly store: DexieStore,
    readonly replicator: Replicator,
  ) {}

  static async start(options: PeerHostOptions): Promise<PeerHost> {
    await hashingReady();
    const store = options.store ?? new DexieStore(DATABASE_NAME);
    const replicator = await Replicator.open(store, {});
    let scheduled = false;
    replicator.on((event) => {
      if (event.type !== 'entry' || event.from === undefined || scheduled) return;
      // A burst of entries is one change.
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        options.onChange();
      }, 50);
    });
    return new PeerHost(store, replicator);
  }

  /**
   * Replicates `config.festivals` through `config.signaling`. New signaling servers mean a new
   * network (WebRtcNetwork takes its servers once); otherwise festivals are joined and left.
   */
  async configure(config: PeerConfig): Promise<void> {
    const previous = this.#config;
    this.#config = structuredClone(config);
    const wanted = new Map(config.festivals.map((festival) => [festival.festivalId, festival.secret]));
    const had = new Map(previous.festivals.map((festival) => [festival.festivalId, festival.secret]));
    for (const id of had.keys()) if (!wanted.has(id)) this.replicator.leave(id as Hash);
    for (const id of wanted.keys()) if (!had.has(id)) this.replicator.join(id as Hash);

    if (this.#network === undefined || JSON.stringify(previous.signaling) !== JSON.stringify(config.signaling)) {
      this.#network?.close();
      this.#network = undefined;
      if (config.signaling.length === 0) return;
      this.#network = new WebRtcNetwork({
        signaling: config.signaling,
        festivals: config.festivals,
        onTransport: (transport) => this.replicator.connect(transport),
      });
      return;
    }
    for (const [id, secret] of had) if (!wanted.has(id) || wanted.get(id) !== secret) this.#network.leave(id);
    for (const [id, secret] of wanted) if (!had.has(id) || had.get(id) !== secret) await this.#network.join(id, secret);
  }

  async announce(entry: Uint8Array, operation: Uint8Array): Promise<void> {
    await this.replicator.announce(entry, operation);
  }

  async health(): Promise<ReplicationHealth> {
    return this.replicator.health();
  }

  close(): void {
    this.#network?.close();
    this.replicator.close();
    this.store.close();
  }
}
