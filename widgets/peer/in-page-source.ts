/**
 * The in-page peer: on a page without the extension, the widgets join the festival's peers
 * themselves and show what they receive, read-only (nobody signs here). Loaded with
 * `import()` only then, since it brings the whole protocol (core, Dexie, WebRTC).
 *
 * One peer serves every widget of a page: a store, a festival node on it, a replicator, the
 * WebRTC networks (one per set of signaling servers) and a BroadcastChannel network that
 * connects the page's tabs. Widgets share it and it closes when the last one is closed.
 *
 * The data stays in IndexedDB ('panda-kit-widgets'), so a returning visitor sees the
 * schedule at once, even offline. Only one tab uses the database at a time (a Web Lock):
 * a replicator keeps its own index of what the store holds and would miss entries another
 * tab wrote into it. Further tabs keep their copy in memory and fill it from the first over
 * BroadcastChannel, as does every tab where IndexedDB or Web Locks are missing.
 */
import { answerQuery, DexieStore, FestivalNode, hashingReady, isHash, MemoryStore, PandaError, Replicator, type FestivalModel, type Hash, type Store } from '../../core/index.js';
import { BroadcastNetwork, WebRtcNetwork } from '../../peer/index.js';
import { fromScheduleItems, type FestivalInput, type ScheduleData } from '../lib/schedule-data.js';
import type { CreatePeerSource, PeerSourceOptions, WidgetSource } from '../lib/source.js';

export const DATABASE_NAME = 'panda-kit-widgets';

/** Entries arrive in bursts (a first sync brings hundreds): listeners hear of them at most this often. */
const NOTIFY_INTERVAL_MS = 150;

/** The database if this tab may have it (see the module comment), else a memory store. */
async function openStore(): Promise<{ store: Store; release: () => void }> {
  const memory = { store: new MemoryStore(), release: () => {} };
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (typeof indexedDB === 'undefined' || locks === undefined) return memory;
  let unlock!: () => void;
  const held = new Promise<void>((resolve) => (unlock = resolve));
  const granted = await new Promise<boolean>((resolve) => {
    locks
      .request(DATABASE_NAME, { ifAvailable: true }, (lock) => {
        resolve(lock !== null);
        return lock === null ? undefined : held;
      })
      .catch(() => resolve(false));
  });
  if (!granted) return memory;
  const store = new DexieStore(DATABASE_NAME);
  try {
    // Opens the database: private windows and sandboxed frames may refuse.
    await store.getLogs();
  } catch {
    store.close();
    unlock();
    return memory;
  }
  return {
    store,
    release: () => {
      store.close();
      unlock();
    },
  };
}

/** A network and how many sources use each festival on it. */
interface SignalingGroup {
  network: WebRtcNetwork;
  festivals: Map<string, number>;
}

class PagePeer {
  static #current: Promise<PagePeer> | undefined;

  /** The page's peer, opened on first use. */
  static get(): Promise<PagePeer> {
    PagePeer.#current ??= PagePeer.#open().catch((error: unknown) => {
      PagePeer.#current = undefined;
      throw error;
    });
    return PagePeer.#current;
  }

  static async #open(): Promise<PagePeer> {
    // Falls back to JavaScript BLAKE3 where the page's CSP forbids WebAssembly.
    await hashingReady();
    const { store, release } = await openStore();
    const replicator = await Replicator.open(store, {});
    return new PagePeer(store, release, replicator);
  }

  readonly node: FestivalNode;
  #closed = false;
  readonly #replicator: Replicator;
  readonly #releaseStore: () => void;
  readonly #broadcast: BroadcastNetwork | undefined;
  readonly #groups = new Map<string, SignalingGroup>();
  readonly #festivals = new Map<Hash, number>();
  readonly #listeners = new Set<() => void>();
  #notifyTimer: ReturnType<typeof setTimeout> | undefined;

  private constructor(store: Store, releaseStore: () => void, replicator: Replicator) {
    this.node = new FestivalNode(store);
    this.#replicator = replicator;
    this.#releaseStore = releaseStore;
    replicator.on((event) => {
      if (event.type !== 'entry') return;
      this.node.changed();
      this.#notifyTimer ??= setTimeout(() => {
        this.#notifyTimer = undefined;
        for (const listener of [...this.#listeners]) listener();
      }, NOTIFY_INTERVAL_MS);
    });
    this.#broadcast =
      typeof BroadcastChannel === 'function' ? new BroadcastNetwork({ onTransport: (transport) => replicator.connect(transport) }) : undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Calls `listener` (coalesced) whenever entries arrived; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Takes part in a festival through the given signaling servers; returns the function that stops it. */
  async join(options: PeerSourceOptions): Promise<() => void> {
    const festivalId = options.festivalId as Hash;
    const signaling = [...new Set(options.signaling)].sort();
    // The secret encrypts signaling: the same servers with another secret are another group.
    const key = JSON.stringify([signaling, options.secret ?? '']);
    let group = this.#groups.get(key);
    if (signaling.length > 0 && group === undefined) {
      try {
        group = { network: new WebRtcNetwork({ signaling, onTransport: (transport) => this.#replicator.connect(transport) }), festivals: new Map() };
      } catch (error) {
        // Signaling URLs that are not ws:/wss:, or no WebRTC in this browser.
        if (this.#festivals.size === 0) this.#close();
        throw error;
      }
      this.#groups.set(key, group);
    }
    this.#festivals.set(festivalId, (this.#festivals.get(festivalId) ?? 0) + 1);
    this.#replicator.join(festivalId);
    this.#broadcast?.join(festivalId);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      if (group) this.#leaveGroup(key, festivalId);
      const uses = (this.#festivals.get(festivalId) ?? 1) - 1;
      if (uses > 0) {
        this.#festivals.set(festivalId, uses);
        return;
      }
      this.#festivals.delete(festivalId);
      this.#broadcast?.leave(festivalId);
      this.#replicator.leave(festivalId);
      if (this.#festivals.size === 0) this.#close();
    };
    if (group) {
      const uses = group.festivals.get(festivalId) ?? 0;
      group.festivals.set(festivalId, uses + 1);
      try {
        if (uses === 0) await group.network.join(festivalId, options.secret);
      } catch (error) {
        leave();
        throw error;
      }
    }
    return leave;
  }

  #leaveGroup(key: string, festivalId: string): void {
    const group = this.#groups.get(key);
    if (!group) return;
    const uses = (group.festivals.get(festivalId) ?? 1) - 1;
    if (uses > 0) {
      group.festivals.set(festivalId, uses);
      return;
    }
    group.festivals.delete(festivalId);
    group.network.leave(festivalId);
    if (group.festivals.size > 0) return;
    group.network.close();
    this.#groups.delete(key);
  }

  #close(): void {
    this.#closed = true;
    PagePeer.#current = undefined;
    clearTimeout(this.#notifyTimer);
    this.#listeners.clear();
    this.#broadcast?.close();
    this.#replicator.close();
    void this.#replicator.idle().finally(() => this.#releaseStore());
  }
}

/** A festival's live view through the page's peer. */
class PeerSource implements WidgetSource {
  readonly kind = 'peer';
  readonly writable = false;
  readonly #festivalId: Hash;
  readonly #peer: PagePeer;
  readonly #leave: () => void;
  readonly #stopListening: () => void;
  /** Those waiting in `schedule()` for the festival to arrive. */
  readonly #waiting = new Set<{ resolve: () => void; reject: (error: unknown) => void }>();

  constructor(festivalId: Hash, peer: PagePeer, leave: () => void) {
    this.#festivalId = festivalId;
    this.#peer = peer;
    this.#leave = leave;
    this.#stopListening = peer.onChange(() => {
      for (const waiter of [...this.#waiting]) waiter.resolve();
    });
  }

  /** Resolves once the festival document is here: from the database at once, else from the first peer that has it. */
  async schedule(): Promise<ScheduleData> {
    const id = this.#festivalId;
    let model = await this.#peer.node.model();
    while (!model.festivals.has(id)) {
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          resolve: () => {
            this.#waiting.delete(waiter);
            resolve();
          },
          reject,
        };
        this.#waiting.add(waiter);
      });
      model = await this.#peer.node.model();
    }
    return fromScheduleItems(model.festivals.get(id), festivalTree(model, id), model.schedule(id), { source: 'peer', readOnly: true });
  }

  subscribe(listener: () => void): () => void {
    return this.#peer.onChange(listener);
  }

  /** The extension provider's `panda_query` answers, for what a read-only peer can know (not `pending`: that needs an identity). */
  async query(params: Record<string, unknown>): Promise<unknown> {
    return answerQuery(await this.#peer.node.model(), params);
  }

  close(): void {
    this.#stopListening();
    const closed = new PandaError('REPLICATION_CLOSED', 'The widget closed its source');
    for (const waiter of [...this.#waiting]) waiter.reject(closed);
    this.#waiting.clear();
    this.#leave();
  }
}

/** The festival and the festivals nested in it, as the provider's `festival` query lists them. */
function festivalTree(model: FestivalModel, festivalId: Hash): FestivalInput[] {
  return model.festivalTree(festivalId).flatMap((id) => {
    const festival = model.festivals.get(id);
    return festival ? [festival] : [];
  });
}

export const createPeerSource: CreatePeerSource = async (options) => {
  if (!isHash(options.festivalId)) throw new PandaError('INPUT_INVALID', 'festival is a document id', { festivalId: String(options.festivalId) });
  for (;;) {
    const peer = await PagePeer.get();
    // The last widget may have closed the peer while this one waited for it.
    if (peer.closed) continue;
    const leave = await peer.join(options);
    return new PeerSource(options.festivalId, peer, leave);
  }
};
