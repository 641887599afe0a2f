/**
 * How many peer connections the network holds, and how fast it takes on new ones. Peer
 * ids in signaling are chosen by the peers, so thousands of announces or offers from
 * made-up ids cost an attacker nothing; what they can make us create and hold is this:
 *
 * - at most `maxPeers` RTCPeerConnections, of which at most `maxConnecting` not yet
 *   connected (so peers already connected keep their places, and a flood of ids that never
 *   connect can only take the connecting ones, each for `connectTimeoutMs` at most);
 * - new connections, from announces or offers alike, at most `newPeersPerSecond` on
 *   average, in bursts of at most `maxConnecting`;
 * - replies to announces (one small publish each) at most `repliesPerSecond`.
 *
 * `PeerAdmission` applies the first two (and a backoff per failing peer); festival-membership.ts
 * the third.
 */
import { PandaError } from '../core/errors.js';

export interface PeerLimits {
  maxPeers: number;
  maxConnecting: number;
  newPeersPerSecond: number;
  repliesPerSecond: number;
}

export const DEFAULT_MAX_PEERS = 8;

export function peerLimits(options: { maxPeers?: number | undefined; newPeersPerSecond?: number | undefined }): PeerLimits {
  const maxPeers = Math.max(1, Math.floor(options.maxPeers ?? DEFAULT_MAX_PEERS));
  return {
    maxPeers,
    maxConnecting: Math.max(1, Math.ceil(maxPeers / 2)),
    newPeersPerSecond: options.newPeersPerSecond ?? 2,
    repliesPerSecond: 10,
  };
}

/** A token bucket: `take()` succeeds at most `capacity` times at once, refilled at `perSecond`. */
export class TokenBucket {
  #tokens: number;
  #at: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = capacity;
    this.#at = now();
  }

  take(): boolean {
    if (!this.available()) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Whether a token is there now (taking none). */
  available(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) / 1000) * this.perSecond);
    this.#at = now;
    return this.#tokens >= 1;
  }
}

/**
 * Per remote peer, what is remembered at most (failure backoffs, verified topics, announce
 * replies, signal messages already handled): ids are free, so the oldest entries go first.
 */
export const MAX_REMEMBERED = 4096;

/** Saying that a peer was not connected because of the limits happens at most this often. */
const LIMIT_REPORT_INTERVAL_MS = 1_000;

/**
 * Decides whether a connection to a peer may be made now: the peer limits, the new-peer
 * token bucket, and a backoff per peer whose connection failed (1 s, doubling up to 60 s).
 */
export class PeerAdmission {
  readonly #limits: PeerLimits;
  readonly #newPeers: TokenBucket;
  readonly #backoff = new Map<string, { failures: number; until: number }>();
  readonly #now: () => number;
  readonly #report: (error: PandaError) => void;
  #limitReportedAt = 0;

  constructor(limits: PeerLimits, now: () => number, report: (error: PandaError) => void) {
    this.#limits = limits;
    this.#now = now;
    this.#report = report;
    this.#newPeers = new TokenBucket(limits.maxConnecting, limits.newPeersPerSecond, now);
  }

  /**
   * Whether a connection to the new peer `remoteId` may be made while `held` connections
   * exist, `connecting` of them not connected yet. Yes takes a new-peer token; no is reported.
   */
  admit(remoteId: string, held: number, connecting: number): boolean {
    const room = held < this.#limits.maxPeers && connecting < this.#limits.maxConnecting;
    if (room && this.#newPeers.take()) return true;
    this.#reportLimit(remoteId);
    return false;
  }

  /** Whether `admit` would say yes now (taking nothing): a peer that could not take a newcomer's offer does not invite one. */
  wouldAdmit(held: number, connecting: number): boolean {
    return held < this.#limits.maxPeers && connecting < this.#limits.maxConnecting && this.#newPeers.available();
  }

  /** Whether a new connection would be within the limits now (taking nothing): what the overlay asks before it connects. */
  hasRoom(held: number, connecting: number): boolean {
    return held < this.#limits.maxPeers && connecting < this.#limits.maxConnecting;
  }

  /** Whether a peer connected already may start over (a new offer): it takes a new-peer token. */
  admitAgain(remoteId: string): boolean {
    if (this.#newPeers.take()) return true;
    this.#reportLimit(remoteId);
    return false;
  }

  /** Whether the last connection to `remoteId` failed so recently that it waits still. */
  backingOff(remoteId: string): boolean {
    const backoff = this.#backoff.get(remoteId);
    return backoff !== undefined && this.#now() < backoff.until;
  }

  /** A connection to `remoteId` failed: returns how long to wait before announcing again. */
  failed(remoteId: string): number {
    const previous = this.#backoff.get(remoteId);
    const failures = (previous?.failures ?? 0) + 1;
    const delay = Math.min(60_000, 1_000 * 2 ** (failures - 1));
    this.#backoff.delete(remoteId);
    this.#backoff.set(remoteId, { failures, until: this.#now() + delay - 500 });
    if (this.#backoff.size > MAX_REMEMBERED) this.#backoff.delete(this.#backoff.keys().next().value!);
    return delay;
  }

  /** A connection to `remoteId` came up: no more backoff. */
  connected(remoteId: string): void {
    this.#backoff.delete(remoteId);
  }

  #reportLimit(remoteId: string): void {
    const now = this.#now();
    if (now - this.#limitReportedAt < LIMIT_REPORT_INTERVAL_MS) return;
    this.#limitReportedAt = now;
    const { maxPeers, newPeersPerSecond } = this.#limits;
    const message = `Not connecting ${remoteId} now: at most ${maxPeers} peers, ${newPeersPerSecond} new per second`;
    this.#report(new PandaError('WEBRTC_PEER_LIMIT', message, { remoteId }));
  }
}
