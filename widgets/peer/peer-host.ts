/**
 * What the page's peer does for its widgets, wherever its data lives: in a worker
 * (./worker-peer.ts, the page keeping only the WebRTC connections) or on the page's thread
 * (./in-thread-peer.ts, where a worker cannot start). ./in-page-source.ts shares one between
 * the widgets of a page.
 */
import type { Hash } from '../../core/index.js';
import type { PeerSourceOptions } from '../lib/source.js';

/** The provider's `festival` and `schedule` answers for one festival (widgets/lib/schedule-data.ts reads them). */
export interface FestivalAnswers {
  festival: unknown;
  schedule: unknown;
}

export interface PeerHost {
  /** Takes part in a festival through its servers; resolves with the function that ends this use. Rejects for servers that are not ws:/wss:, or without WebRTC. */
  join(options: PeerSourceOptions): Promise<() => void>;
  /** The festival's answers, or undefined while its document has not arrived. */
  answers(festivalId: Hash): Promise<FestivalAnswers | undefined>;
  /** The extension provider's `panda_query` answers, for what a read-only peer can know. */
  query(params: Record<string, unknown>): Promise<unknown>;
  /** Calls `listener` (coalesced) whenever entries arrived; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
  /** Ends everything: what arrived is still stored, then the store is let go. */
  close(): void;
}
