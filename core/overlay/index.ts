/**
 * The overlay: per festival, a bounded partial view of the festival's peers after HyParView
 * (Leitão, Pereira, Rodrigues, DSN 2007), so that a peer holds a handful of connections
 * however many peers a festival has. Replication (core/replication) runs over the active
 * view's connections only; live push and re-sync carry entries on from neighbour to
 * neighbour. Transport-agnostic and without timers: the host (WebRTC, or the simulator in
 * test/overlay-sim/) opens and closes connections, carries messages and calls `tick`.
 *
 * The rooms of core/overlay:
 * - hyparview.ts: the membership state machine, its inputs and outputs, neighbor requests
 *   and disconnects, and where it departs from the paper; views.ts: the state its parts
 *   share and the moves between views;
 * - joining.ts: joins and forward-join walks; shuffles.ts: the passive view's shuffles;
 *   active-view-upkeep.ts: refilling the active view, healing partitions, the turnover;
 * - messages.ts: its messages and their strict, bounded binary encoding;
 * - options.ts: parameters, defaults and bounds; budget.ts: rate limits per interval;
 * - peer-set.ts: a bounded view with random picks; lost-peers.ts: failed peers to retry.
 */
export { HyParView, type OverlayAction } from './hyparview.js';
export {
  decodeOverlayMessage,
  encodeOverlayMessage,
  isOverlayPeerId,
  MAX_OVERLAY_MESSAGE_SIZE,
  MAX_SHUFFLE_PEERS,
  MAX_WALK,
  type OverlayMessage,
  type Priority,
} from './messages.js';
export type { OverlayOptions, OverlaySettings } from './options.js';
