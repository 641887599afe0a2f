/**
 * Replication health: per peer, per festival and per author figures a UI shows a person
 * ("in step with 3 peers", "12 entries to fetch", "last active 5 min ago"), and the
 * activity the replicator notes for them as entries come in.
 */
import type { Hash } from '../hash/hash.js';
import type { LogInfo } from '../storage/store.js';
import type { TargetHeights } from './messages.js';

export interface PeerHealth {
  id: string;
  /** Festivals both sides share on this connection. */
  festivals: Hash[];
  live: boolean;
  /** When the last sync with this peer finished (ms since the epoch). */
  syncedAt: number | undefined;
  bytesSent: number;
  bytesReceived: number;
  /** Entries from this connection waiting for something they build on, and their bytes (absent in older figures). */
  waiting?: number;
  waitingBytes?: number;
}

export interface FestivalHealth {
  id: Hash;
  /** Logs and entries held here. */
  logs: number;
  entries: number;
  /** Entries some connected peer has and this one does not (as of the last sync). */
  missing: number;
}

/**
 * How entries from peers were taken in, summed over their batches (ms of the clock on the
 * wall, on the path of every entry): waiting for their own checks (signatures, payloads;
 * what was not done while the batch before was stored), checking them against the store and
 * storing them, and telling listeners and live peers.
 */
export interface IntakeHealth {
  batches: number;
  entries: number;
  checkingMs: number;
  storingMs: number;
  tellingMs: number;
}

export interface ReplicationHealth {
  peers: PeerHealth[];
  festivals: FestivalHealth[];
  /** When each author was last seen writing (entries stored or published here), latest first. */
  authors: Array<{ publicKey: string; lastActive: number }>;
  forks: number;
  blocked: string[];
  /** How entries from peers were taken in (absent in figures made elsewhere). */
  intake?: IntakeHealth;
}

/** The sums behind `IntakeHealth`. */
export class IntakeFigures {
  readonly #figures: IntakeHealth = { batches: 0, entries: 0, checkingMs: 0, storingMs: 0, tellingMs: 0 };

  /** A batch of `entries` was checked and stored. */
  took(entries: number, checkingMs: number, storingMs: number): void {
    this.#figures.batches++;
    this.#figures.entries += entries;
    this.#figures.checkingMs += checkingMs;
    this.#figures.storingMs += storingMs;
  }

  told(ms: number): void {
    this.#figures.tellingMs += ms;
  }

  get health(): IntakeHealth {
    return { ...this.#figures };
  }
}

/** When each author was last seen writing, and how many forks were seen. */
export class Activity {
  readonly #lastActive = new Map<string, number>();
  #forks = 0;

  wrote(publicKey: string, at: number): void {
    this.#lastActive.set(publicKey, at);
  }

  forked(): void {
    this.#forks++;
  }

  get forks(): number {
    return this.#forks;
  }

  /** Latest first. */
  authors(): ReplicationHealth['authors'] {
    return [...this.#lastActive].map(([publicKey, lastActive]) => ({ publicKey, lastActive })).sort((a, b) => b.lastActive - a.lastActive);
  }
}

/**
 * One festival's figures: `logs` are those held within it, `remotes` what each connected
 * peer said it holds of its sync target, `heldSeq` the latest seq held here of a log.
 */
export function festivalHealth(
  id: Hash,
  logs: readonly LogInfo[],
  remotes: ReadonlyArray<TargetHeights>,
  target: string,
  heldSeq: (publicKey: string, logId: number) => number,
): FestivalHealth {
  let missing = 0;
  for (const remote of remotes) {
    let behind = 0;
    for (const [publicKey, byLog] of remote.get(target) ?? []) {
      for (const [logId, seqNum] of byLog) behind += Math.max(0, seqNum - heldSeq(publicKey, logId));
    }
    missing = Math.max(missing, behind);
  }
  return { id, logs: logs.length, entries: logs.reduce((sum, log) => sum + log.latestSeqNum, 0), missing };
}
