/**
 * Offences and blocking. A peer that sends invalid data, or entries that never resolve,
 * is blocked after `maxOffences`. Peer ids are chosen by the peers themselves, so a block
 * only slows a hostile peer down (it comes back under a new id with a fresh, bounded
 * budget); what matters is that nobody can make us hold more than the limits allow. The
 * books themselves are bounded too: at most `MAX_PEERS_TRACKED` ids each, oldest forgotten.
 */
import { isPandaError } from '../errors.js';
import type { ReplicatorEvent } from './events.js';

/** Peer ids remembered with offences, and blocked, at most. */
export const MAX_PEERS_TRACKED = 4096;

/** Failures of this peer's own store: said, never held against the peer whose data it was taking in. */
const OWN_FAULTS = new Set(['STORE_CORRUPT', 'STORE_WRITE_FAILED']);

/** What an error on a connection leads to: the events to tell, and whether to hang up on the peer. */
export interface Charge {
  events: ReplicatorEvent[];
  hangUp: boolean;
}

export class Offences {
  readonly #counts = new Map<string, number>();
  readonly #blocked = new Set<string>();

  constructor(readonly maxOffences: number) {}

  /**
   * Judges an error that data from `peer` caused: our own store's failure is no offence;
   * anything else counts one (a thrown value that is no PandaError as an invalid message).
   */
  charge(peer: string, error: unknown): Charge {
    const code = isPandaError(error) ? error.code : 'REPLICATION_MESSAGE_INVALID';
    const message = error instanceof Error ? error.message : String(error);
    if (OWN_FAULTS.has(code)) return { events: [{ type: 'store-failed', peer, code, message }], hangUp: false };
    const { blocked, newly } = this.#count(peer);
    const events: ReplicatorEvent[] = [{ type: 'offence', peer, code, message }];
    if (newly) events.push({ type: 'blocked', peer });
    return { events, hangUp: blocked };
  }

  /** Counts an offence of `peer`; returns whether it is blocked now (and whether it just became so). */
  #count(peer: string): { blocked: boolean; newly: boolean } {
    const count = (this.#counts.get(peer) ?? 0) + 1;
    this.#counts.delete(peer);
    this.#counts.set(peer, count);
    trim(this.#counts);
    if (count < this.maxOffences) return { blocked: false, newly: false };
    if (this.#blocked.has(peer)) return { blocked: true, newly: false };
    this.#blocked.add(peer);
    trim(this.#blocked);
    return { blocked: true, newly: true };
  }

  isBlocked(peer: string): boolean {
    return this.#blocked.has(peer);
  }

  unblock(peer: string): void {
    this.#blocked.delete(peer);
    this.#counts.delete(peer);
  }

  blocked(): string[] {
    return [...this.#blocked];
  }
}

function trim(items: Map<string, unknown> | Set<string>): void {
  while (items.size > MAX_PEERS_TRACKED) items.delete(items.keys().next().value!);
}
