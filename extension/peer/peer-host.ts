/**
 * The extension's peer: festival data in IndexedDB, replicated over WebRTC. It runs where
 * WebRTC exists: Chrome's offscreen document (service workers have no RTCPeerConnection)
 * and Firefox's background page. The service worker writes to the same IndexedDB database
 * and tells the peer about new entries (`announce`); the peer tells it when entries from
 * other peers arrived (`onChange`).
 */
import { DexieStore, hashingReady, Replicator, type Hash, type ReplicationHealth } from '../../core/index.js';
import { WebRtcNetwork, type FestivalJoin } from '../../peer/index.js';

export const DATABASE_NAME = 'panda-kit';

export interface PeerHostOptions {
  signaling: string[];
  festivals: FestivalJoin[];
  /** Entries from other peers were stored (the background's model is out of date). */
  onChange: () => void;
  databaseName?: string;
}

export class PeerHost {
  private constructor(
    readonly store: DexieStore,
    readonly replicator: Replicator,
    readonly network: WebRtcNetwork,
  ) {}

  static async start(options: PeerHostOptions): Promise<PeerHost> {
    await hashingReady();
    const store = new DexieStore(options.databaseName ?? DATABASE_NAME);
    const replicator = await Replicator.open(store, { festivals: options.festivals.map((festival) => festival.festivalId) });
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
    const network = new WebRtcNetwork({
      signaling: options.signaling,
      festivals: options.festivals,
      onTransport: (transport) => replicator.connect(transport),
    });
    return new PeerHost(store, replicator, network);
  }

  /** An entry the background just published (already in the database): live peers get it. */
  announce(entry: Uint8Array, operation: Uint8Array): Promise<unknown> {
    return this.replicator.announce(entry, operation);
  }

  async join(festivalId: Hash, secret?: string): Promise<void> {
    this.replicator.join(festivalId);
    await this.network.join(festivalId, secret);
  }

  leave(festivalId: Hash): void {
    this.replicator.leave(festivalId);
    this.network.leave(festivalId);
  }

  health(): ReplicationHealth {
    return this.replicator.health();
  }

  close(): void {
    this.network.close();
    this.replicator.close();
    this.store.close();
  }
}
