/**
 * The in-page peer: on a page without the extension, the widgets join the festival's peers
 * themselves and show what they receive, read-only (nobody signs here). Loaded with
 * `import()` only then, since it brings the whole protocol (core, Dexie, WebRTC).
 *
 * One peer serves every widget of a page: a FestivalPeer (peer/festival-peer.ts) with a
 * festival node, the WebRTC networks (one per set of signaling servers and secret) and a
 * BroadcastChannel network that connects the page's tabs. Widgets share it, each joining
 * its festival for itself, and it closes when the last one is closed.
 *
 * The data stays in IndexedDB ('panda-kit-widgets'), so a returning visitor sees the
 * schedule at once, even offline. Only one tab uses the database at a time (a Web Lock):
 * a replicator keeps its own index of what the store holds and would miss entries another
 * tab wrote into it. Further tabs keep their copy in memory and fill it from the first over
 * BroadcastChannel, as does every tab where IndexedDB or Web Locks are missing.
 */
import { answerQuery, DexieStore, FestivalNode, isHash, MemoryStore, PandaError, type Hash, type Store } from '../../core/index.js';
import { FestivalPeer } from '../../peer/index.js';
import { fromProviderQueries, type ScheduleData } from '../lib/schedule-data.js';
import type { CreatePeerSource, PeerSourceOptions, WidgetSource } from '../lib/source.js';
import { nextTask } from '../shared/dom.js';
import { timeSlices } from './time-slices.js';

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

class PagePeer {
  static #current: Promise<PagePeer> | undefined;

  /** The page's peer, opened on first use (with at most `maxPeers` connections). */
  static get(maxPeers?: number): Promise<PagePeer> {
    PagePeer.#current ??= PagePeer.#open(maxPeers).catch((error: unknown) => {
      PagePeer.#current = undefined;
      throw error;
    });
    return PagePeer.#current;
  }

  static async #open(maxPeers: number | undefined): Promise<PagePeer> {
    const { store, release } = await openStore();
    // The model of a big festival is built in slices, so that the page answers input meanwhile.
    const node = new FestivalNode(store, undefined, { between: timeSlices() });
    try {
      // Each widget joins for itself: a festival with a secret meets through a network of its own.
      const webrtc = maxPeers === undefined ? undefined : { maxPeers };
      return new PagePeer(node, await FestivalPeer.open({ store, node, broadcast: true, networkPerSecret: true, webrtc }), release);
    } catch (error) {
      release();
      throw error;
    }
  }

  #closed = false;
  readonly #listeners = new Set<() => void>();

  private constructor(
    readonly node: FestivalNode,
    readonly peer: FestivalPeer,
    private readonly releaseStore: () => void,
  ) {
    peer.onEntries(
      () => {
        for (const listener of [...this.#listeners]) listener();
      },
      { delayMs: NOTIFY_INTERVAL_MS },
    );
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
    let leave: () => void;
    try {
      // Signaling URLs that are not ws:/wss:, or no WebRTC in this browser, reject here.
      leave = await this.peer.join(options.festivalId, { signaling: options.signaling, secret: options.secret });
    } catch (error) {
      this.#closeIfUnused();
      throw error;
    }
    return () => {
      leave();
      this.#closeIfUnused();
    };
  }

  #closeIfUnused(): void {
    if (this.#closed || this.peer.festivals.length > 0) return;
    this.#closed = true;
    PagePeer.#current = undefined;
    this.#listeners.clear();
    this.peer.close();
    void this.peer.idle().finally(() => this.releaseStore());
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
    // The provider's own answers: the same view as with the extension, people named by profile.
    // Each step of a big festival takes a while: the page draws and answers input between them.
    await nextTask();
    const festival = answerQuery(model, { query: 'festival', festivalId: id });
    const schedule = answerQuery(model, { query: 'schedule', festivalId: id });
    await nextTask();
    return fromProviderQueries(festival, schedule, { source: 'peer', readOnly: true });
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

export const createPeerSource: CreatePeerSource = async (options) => {
  if (!isHash(options.festivalId)) throw new PandaError('INPUT_INVALID', 'festival is a document id', { festivalId: String(options.festivalId) });
  for (;;) {
    const peer = await PagePeer.get(options.maxPeers);
    // The last widget may have closed the peer while this one waited for it.
    if (peer.closed) continue;
    const leave = await peer.join(options);
    return new PeerSource(options.festivalId, peer, leave);
  }
};
