/**
 * The page's peer on the page's own thread, where its worker cannot start (./worker-peer.ts):
 * a FestivalPeer (peer/festival-peer.ts) with a festival node, the WebRTC networks (one per
 * set of signaling servers and secret) and a BroadcastChannel network that connects the
 * page's tabs. The model of a big festival is built in slices and the answers in steps, so
 * that the page draws and answers input meanwhile.
 */
import { answerQuery, FestivalNode, type Hash } from '../../core/index.js';
import { FestivalPeer } from '../../peer/index.js';
import type { PeerSourceOptions } from '../lib/source.js';
import { nextTask } from '../shared/dom.js';
import { openPageStore } from './page-store.js';
import type { FestivalAnswers, PeerHost } from './peer-host.js';
import { timeSlices } from './time-slices.js';

/** Entries arrive in bursts (a first sync brings hundreds): listeners hear of them at most this often. */
const NOTIFY_INTERVAL_MS = 150;

export class InThreadPeer implements PeerHost {
  /** The page's peer with at most `maxPeers` connections. */
  static async open(maxPeers: number | undefined): Promise<InThreadPeer> {
    const { store, release } = await openPageStore();
    const node = new FestivalNode(store, undefined, { between: timeSlices() });
    try {
      const webrtc = maxPeers === undefined ? undefined : { maxPeers };
      return new InThreadPeer(node, await FestivalPeer.open({ store, node, broadcast: true, networkPerSecret: true, webrtc }), release);
    } catch (error) {
      release();
      throw error;
    }
  }

  readonly #listeners = new Set<() => void>();

  private constructor(
    private readonly node: FestivalNode,
    private readonly peer: FestivalPeer,
    private readonly releaseStore: () => void,
  ) {
    peer.onEntries(
      () => {
        for (const listener of [...this.#listeners]) listener();
      },
      { delayMs: NOTIFY_INTERVAL_MS },
    );
  }

  join({ festivalId, signaling, secret }: PeerSourceOptions): Promise<() => void> {
    return this.peer.join(festivalId, { signaling, secret });
  }

  async answers(festivalId: Hash): Promise<FestivalAnswers | undefined> {
    const model = await this.node.model();
    if (!model.festivals.has(festivalId)) return undefined;
    // Each step of a big festival takes a while: the page draws and answers input between them.
    await nextTask();
    const festival = answerQuery(model, { query: 'festival', festivalId });
    const schedule = answerQuery(model, { query: 'schedule', festivalId });
    await nextTask();
    return { festival, schedule };
  }

  async query(params: Record<string, unknown>): Promise<unknown> {
    return answerQuery(await this.node.model(), params);
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#listeners.clear();
    this.peer.close();
    void this.peer.idle().finally(() => this.releaseStore());
  }
}
