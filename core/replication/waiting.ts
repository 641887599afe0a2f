/**
 * Entries waiting for something they build on (the previous entry of their log, or the
 * operation they update), after aquadoggo's dependency queue. Only entries whose signature
 * and payload were checked are put here; what a peer can make us hold this way is bounded:
 *
 * - each entry is held once, however often it arrives (a re-sync sends it again);
 * - per owner (the connection it came in on) at most `maxCountPerOwner` entries and
 *   `maxBytesPerOwner` bytes: more from that owner is refused (it comes again with the next
 *   sync, once what it waits for is here);
 * - across all owners at most `maxCount` and `maxBytes`: peer ids cost nothing, so a peer
 *   that comes back under new ids gets fresh per-owner budgets, but never more than the
 *   total. When the total is full, the owner holding the most gives up its newest entry;
 *   an owner that already holds the most is refused instead;
 * - an owner's entries go when it does (`dropOwner`), and `expire` hands back the ones that
 *   waited too long, so that they count against whoever sent them.
 */
import type { Hash } from '../hash/hash.js';

/** What a waiting entry needs before it can be stored. */
export type Dependency = { kind: 'log-entry'; publicKey: string; logId: number; seqNum: number } | { kind: 'operation'; id: Hash };

export interface WaitingLimits {
  maxCount: number;
  maxBytes: number;
  maxCountPerOwner: number;
  maxBytesPerOwner: number;
}

export interface WaitingEntry<Owner> {
  /** The entry's hash (its operation id). */
  hash: Hash;
  entry: Uint8Array;
  operation: Uint8Array;
  owner: Owner | undefined;
  /** The festivals it was received for, to be checked against again (none: taken in unscoped). */
  roots: ReadonlySet<Hash> | undefined;
  dependency: Dependency;
  /** When it started waiting (the replicator's clock). */
  since: number;
  /** Bytes it is counted as holding. */
  size: number;
}

/** `waiting`: held now; `duplicate`: already held; `full`: not held (over a budget). */
export type WaitOutcome = 'waiting' | 'duplicate' | 'full';

/** Bytes counted for a waiting entry besides its own: the record, map slots and strings. */
const OVERHEAD = 512;

interface Holding {
  count: number;
  bytes: number;
  /** Hashes of its entries, oldest first. */
  hashes: Set<Hash>;
}

/** Hashes filed by what they wait for: by operation id, or by author, log id and seq. */
class DependencyIndex {
  readonly #byOperation = new Map<Hash, Set<Hash>>();
  /** Author -> log id -> seq -> hashes. */
  readonly #byLogEntry = new Map<string, Map<number, Map<number, Set<Hash>>>>();

  get(dependency: Dependency): ReadonlySet<Hash> | undefined {
    if (dependency.kind === 'operation') return this.#byOperation.get(dependency.id);
    return this.#byLogEntry.get(dependency.publicKey)?.get(dependency.logId)?.get(dependency.seqNum);
  }

  add(dependency: Dependency, hash: Hash): void {
    if (dependency.kind === 'operation') {
      let hashes = this.#byOperation.get(dependency.id);
      if (!hashes) this.#byOperation.set(dependency.id, (hashes = new Set()));
      hashes.add(hash);
      return;
    }
    let logs = this.#byLogEntry.get(dependency.publicKey);
    if (!logs) this.#byLogEntry.set(dependency.publicKey, (logs = new Map<number, Map<number, Set<string>>>()));
    let seqs = logs.get(dependency.logId);
    if (!seqs) logs.set(dependency.logId, (seqs = new Map<number, Set<string>>()));
    let hashes = seqs.get(dependency.seqNum);
    if (!hashes) seqs.set(dependency.seqNum, (hashes = new Set()));
    hashes.add(hash);
  }

  /** Unfiles `hash`, and whatever is left empty by that. */
  delete(dependency: Dependency, hash: Hash): void {
    if (dependency.kind === 'operation') {
      const hashes = this.#byOperation.get(dependency.id);
      if (hashes?.delete(hash) && hashes.size === 0) this.#byOperation.delete(dependency.id);
      return;
    }
    const logs = this.#byLogEntry.get(dependency.publicKey);
    const seqs = logs?.get(dependency.logId);
    const hashes = seqs?.get(dependency.seqNum);
    if (!logs || !seqs || !hashes?.delete(hash) || hashes.size > 0) return;
    seqs.delete(dependency.seqNum);
    if (seqs.size > 0) return;
    logs.delete(dependency.logId);
    if (logs.size === 0) this.#byLogEntry.delete(dependency.publicKey);
  }
}

export class WaitingEntries<Owner> {
  readonly #byHash = new Map<Hash, WaitingEntry<Owner>>();
  readonly #byDependency = new DependencyIndex();
  readonly #byOwner = new Map<Owner | undefined, Holding>();
  #bytes = 0;

  constructor(readonly limits: WaitingLimits) {}

  /** Entries held. */
  get count(): number {
    return this.#byHash.size;
  }

  /** Bytes held, as counted against the budgets. */
  get bytes(): number {
    return this.#bytes;
  }

  /** What `owner` holds. */
  heldBy(owner: Owner | undefined): { count: number; bytes: number } {
    const holding = this.#byOwner.get(owner);
    return { count: holding?.count ?? 0, bytes: holding?.bytes ?? 0 };
  }

  has(hash: Hash): boolean {
    return this.#byHash.has(hash);
  }

  /** Holds an entry until `dependency` is met; the bytes are copied (never a view into a frame). */
  add(item: Omit<WaitingEntry<Owner>, 'size'>): WaitOutcome {
    if (this.#byHash.has(item.hash)) return 'duplicate';
    const size = item.entry.length + item.operation.length + OVERHEAD;
    const { limits } = this;
    const own = this.heldBy(item.owner);
    if (own.count + 1 > limits.maxCountPerOwner || own.bytes + size > limits.maxBytesPerOwner) return 'full';
    while (this.count + 1 > limits.maxCount || this.#bytes + size > limits.maxBytes) {
      const largest = this.#largestOwner();
      if (largest === undefined || largest[0] === item.owner || largest[1].bytes <= own.bytes + size) return 'full';
      this.#remove([...largest[1].hashes].at(-1)!);
    }
    const held: WaitingEntry<Owner> = { ...item, entry: item.entry.slice(), operation: item.operation.slice(), size };
    this.#byHash.set(held.hash, held);
    this.#byDependency.add(held.dependency, held.hash);
    let holding = this.#byOwner.get(held.owner);
    if (!holding) this.#byOwner.set(held.owner, (holding = { count: 0, bytes: 0, hashes: new Set() }));
    holding.count++;
    holding.bytes += size;
    holding.hashes.add(held.hash);
    this.#bytes += size;
    return 'waiting';
  }

  /** Removes and returns, oldest first, the entries that waited for `dependency`. */
  take(dependency: Dependency): Array<WaitingEntry<Owner>> {
    const list = this.#byDependency.get(dependency);
    if (!list) return [];
    const taken: Array<WaitingEntry<Owner>> = [];
    for (const hash of [...list]) {
      const item = this.#remove(hash);
      if (item) taken.push(item);
    }
    return taken;
  }

  /** Forgets everything `owner` sent (its connection ended); returns how many. */
  dropOwner(owner: Owner): number {
    const holding = this.#byOwner.get(owner);
    if (!holding) return 0;
    const count = holding.count;
    for (const hash of [...holding.hashes]) this.#remove(hash);
    return count;
  }

  /**
   * Removes the entries of owners (not the local one, `undefined`) that have waited since
   * before `before`; returns how many each owner lost.
   */
  expire(before: number): Map<Owner, number> {
    const lost = new Map<Owner, number>();
    for (const [owner, holding] of this.#byOwner) {
      if (owner === undefined) continue;
      for (const hash of [...holding.hashes]) {
        const item = this.#byHash.get(hash)!;
        if (item.since >= before) continue;
        this.#remove(hash);
        lost.set(owner, (lost.get(owner) ?? 0) + 1);
      }
    }
    return lost;
  }

  /** The time the oldest entry of any owner but the local one started waiting. */
  oldestSince(): number | undefined {
    let oldest: number | undefined;
    for (const [owner, holding] of this.#byOwner) {
      if (owner === undefined) continue;
      const first = holding.hashes.values().next();
      if (first.done) continue;
      const since = this.#byHash.get(first.value)!.since;
      if (oldest === undefined || since < oldest) oldest = since;
    }
    return oldest;
  }

  #largestOwner(): [Owner | undefined, Holding] | undefined {
    let largest: [Owner | undefined, Holding] | undefined;
    for (const item of this.#byOwner) if (!largest || item[1].bytes > largest[1].bytes) largest = item;
    return largest;
  }

  #remove(hash: Hash): WaitingEntry<Owner> | undefined {
    const item = this.#byHash.get(hash);
    if (!item) return undefined;
    this.#byHash.delete(hash);
    this.#byDependency.delete(item.dependency, hash);
    const holding = this.#byOwner.get(item.owner)!;
    holding.count--;
    holding.bytes -= item.size;
    holding.hashes.delete(hash);
    if (holding.count === 0) this.#byOwner.delete(item.owner);
    this.#bytes -= item.size;
    return item;
  }
}
