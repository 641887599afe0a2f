/**
 * Where a widget's festival data comes from, behind one interface:
 *
 * - the extension's provider (live and writable: the person signs in the extension);
 * - the in-page peer, when there is no extension: the widget joins the festival's peers
 *   itself, read-only (widgets/peer/, a chunk loaded only then);
 * - a static `src=` URL holding a frab/c3voc schedule (read-only).
 *
 * No DOM in here: sources run wherever the widgets' logic does.
 */
import type { ScheduleData } from './schedule-data.js';

/** The provider's one entry point (extension/inpage/provider.ts), as widgets use it. */
export interface PandaProvider {
  request(args: { method: string; params?: unknown }): Promise<unknown>;
  on(event: string, listener: (data: unknown) => void): void;
  removeListener(event: string, listener: (data: unknown) => void): void;
}

export interface WidgetSource {
  readonly kind: ScheduleData['source'];
  /** Whether the visitor can publish through this source (only with the extension). */
  readonly writable: boolean;
  /** The festival's schedule as it is now (resolves once the first data is there). */
  schedule(): Promise<ScheduleData>;
  /** Calls `listener` whenever the festival's data changed; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Raw `panda_query` for resource views (bookings, freeSlots, ...); rejects on sources without the festival model (frab). */
  query(params: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** What the in-page peer needs to join a festival's peers (the `signaling` and `secret` attributes). */
export interface PeerSourceOptions {
  festivalId: string;
  /** y-webrtc signaling servers (ws: or wss:). */
  signaling: string[];
  secret?: string;
  /** RTCPeerConnections the page's peer holds at most, over all its festivals (default 8); the first widget to open the peer sets it. */
  maxPeers?: number;
}

/** The in-page peer chunk's export (widgets/peer/in-page-source.ts), loaded with `import()` only when there is no extension. */
export type CreatePeerSource = (options: PeerSourceOptions) => Promise<WidgetSource>;
