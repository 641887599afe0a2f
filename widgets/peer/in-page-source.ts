/**
 * The in-page peer: on a page without the extension, the widgets join the festival's peers
 * themselves and show what they receive, read-only (nobody signs here). Loaded with
 * `import()` only then; it brings the network (WebRTC, signaling) in a further chunk.
 *
 * One peer serves every widget of a page, each joining its festival for itself; it closes
 * when the last one is closed. Its data (./page-store.ts: IndexedDB, so that a returning
 * visitor sees the schedule at once, even offline) lives in a worker where one can start
 * (./worker-peer.ts with ./peer-worker.ts, transports bridged by ./bridged-transport.ts over
 * ./worker-messages.ts), else on the page's thread (./in-thread-peer.ts, loaded only then):
 * both are a `PeerHost` (./peer-host.ts), each in a chunk of its own.
 */
import { PandaError } from '../../core/errors.js';
import type { Hash } from '../../core/hash/hash.js';
import { isHash } from '../../core/hash/hash-id.js';
import { fromProviderQueries, type ScheduleData } from '../lib/schedule-data.js';
import { readSnapshot } from '../lib/schedule-snapshot.js';
import type { CreatePeerSource, PeerSourceOptions, WidgetSource } from '../lib/source.js';
import type { PeerHost } from './peer-host.js';
import { keepUnchanged } from './schedule-reuse.js';

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
    // Both in chunks of their own: the page loads only the one it uses, and what they share
    // (the network) stays out of this chunk, which the widgets import() by name.
    const host =
      (await (await import('./worker-peer.js')).WorkerPeer.open(maxPeers)) ?? (await (await import('./in-thread-peer.js')).InThreadPeer.open(maxPeers));
    return new PagePeer(host);
  }

  #closed = false;
  /** Festivals joined and not left yet, over all widgets. */
  #uses = 0;

  private constructor(readonly host: PeerHost) {}

  get closed(): boolean {
    return this.#closed;
  }

  /** Takes part in a festival through the given signaling servers; returns the function that stops it. */
  async join(options: PeerSourceOptions): Promise<() => void> {
    this.#uses++;
    let leave: () => void;
    try {
      leave = await this.host.join(options);
    } catch (error) {
      this.#release();
      throw error;
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      leave();
      this.#release();
    };
  }

  #release(): void {
    if (--this.#uses > 0 || this.#closed) return;
    this.#closed = true;
    PagePeer.#current = undefined;
    this.host.close();
  }
}

/** A festival's live view through the page's peer. */
class PeerSource implements WidgetSource {
  readonly kind = 'peer';
  readonly writable = false;
  readonly #festivalId: Hash;
  readonly #host: PeerHost;
  readonly #leave: () => void;
  readonly #stopListening: () => void;
  /**
   * The schedule last given, whose unchanged events the next keeps (./schedule-reuse.ts); at
   * first the one the page kept from its last visit, which the widget draws meanwhile.
   */
  #last: Promise<ScheduleData | undefined>;
  /** Those waiting in `schedule()` for the festival to arrive. */
  readonly #waiting = new Set<{ resolve: () => void; reject: (error: unknown) => void }>();

  constructor(festivalId: Hash, host: PeerHost, leave: () => void) {
    this.#festivalId = festivalId;
    this.#host = host;
    this.#leave = leave;
    this.#last = readSnapshot(festivalId);
    this.#stopListening = host.onChange(() => {
      for (const waiter of [...this.#waiting]) waiter.resolve();
    });
  }

  /** Resolves once the festival document is here: from the database at once, else from the first peer that has it. */
  async schedule(): Promise<ScheduleData> {
    const id = this.#festivalId;
    let answers = await this.#host.answers(id);
    while (!answers) {
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
      answers = await this.#host.answers(id);
    }
    // The provider's own answers: the same view as with the extension, people named by profile.
    const data = keepUnchanged(await this.#last, fromProviderQueries(answers.festival, answers.schedule, { source: 'peer', readOnly: true }));
    this.#last = Promise.resolve(data);
    return data;
  }

  subscribe(listener: () => void): () => void {
    return this.#host.onChange(listener);
  }

  /** The extension provider's `panda_query` answers, for what a read-only peer can know (not `pending`: that needs an identity). */
  query(params: Record<string, unknown>): Promise<unknown> {
    return this.#host.query(params);
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
    return new PeerSource(options.festivalId, peer.host, leave);
  }
};
