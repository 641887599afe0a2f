/**
 * The background's view of the extension's peer, wherever it runs: in the background itself
 * where it has WebRTC (Firefox's event page), or in Chrome's offscreen document (service
 * workers have no RTCPeerConnection), reached by runtime messages. No browser APIs in here.
 */
import type { FestivalPeerHealth } from '../../peer/index.js';

/**
 * Which festivals the peer replicates, and where each one's peers meet: a festival's topic
 * goes to its own y-webrtc signaling servers (ws: or wss: URLs) and to no other.
 */
export interface PeerConfig {
  festivals: Array<{ festivalId: string; signaling: string[]; secret?: string }>;
}

export interface PeerLink {
  /** Starts the peer if it is not running, and makes it use `config`. */
  configure(config: PeerConfig): Promise<void>;
  /** An entry the background just stored and published: live peers get it. */
  announce(entry: Uint8Array, operation: Uint8Array): Promise<void>;
  /** The replicator's figures and, per festival, its overlay neighbours versus the peers it knows. */
  health(): Promise<FestivalPeerHealth>;
}

/** The IndexedDB database of the festival data, which the background and the peer share. */
export const DATABASE_NAME = 'panda-kit';

/** Messages from the background to the offscreen document carry this target. */
export const OFFSCREEN_TARGET = 'panda-kit:offscreen';
/** Messages from the offscreen document to the background carry this target. */
export const BACKGROUND_TARGET = 'panda-kit:background';

export type OffscreenRequest =
  | { target: typeof OFFSCREEN_TARGET; method: 'peer_configure'; params: PeerConfig }
  /** Bytes as hex: Chrome's runtime messages are JSON, where a Uint8Array does not survive. */
  | { target: typeof OFFSCREEN_TARGET; method: 'peer_announce'; params: { entry: string; operation: string } }
  | { target: typeof OFFSCREEN_TARGET; method: 'peer_health'; params?: undefined };

export type OffscreenReply = { result: unknown } | { error: { code: string; message: string } };

/**
 * - `peer_ready`: the offscreen document (re)started and has no configuration yet;
 * - `peer_changed`: entries from other peers were stored (the background's model is out of date).
 */
export type BackgroundNotice = { target: typeof BACKGROUND_TARGET; type: 'peer_ready' | 'peer_changed' };

export const samePeerConfig = (a: PeerConfig | undefined, b: PeerConfig): boolean => a !== undefined && JSON.stringify(a) === JSON.stringify(b);
