/**
 * The logs within festivals as a set two peers reconcile (after Meyer, "Range-Based Set
 * Reconciliation", over a trie instead of item bounds): every log has a place, a 48-bit key
 * hashed from its author and log id, and an item, a 32-byte hash of author, log id and
 * height. A range is a node of the trie over the keys: the keys that start with its digits
 * (base `BRANCHING`), so naming one costs a small number and both sides agree on what it
 * covers whatever logs they hold. Its fingerprint is a hash of the sum of its items (mod
 * 2^256, as in Negentropy: sums, unlike XOR, cannot be made to cancel out by solving linear
 * equations) and their count: a log that grows, appears or is missing changes the
 * fingerprint of every range it is in. With prefix sums each fingerprint costs one hash,
 * however many logs its range holds; a set is built once per change of the logs (O(n log n),
 * items hashed once per log height).
 */
import { hexToBytes } from '../bytes.js';
import { hashBytes } from '../hash/hash.js';
import type { LogInfo } from '../storage/store.js';

/** Children of a range: its keys split by their next digit. */
export const BRANCHING = 4;
const DIGIT_BITS = 2;
const KEY_BITS = 48;
/** The deepest range: one whole key (logs whose keys collide are always listed together). */
export const MAX_DEPTH = KEY_BITS / DIGIT_BITS;
/** The range of every key. Ranges are numbered like a heap: the children of `r` are `BRANCHING * r + digit`. */
export const ROOT = 1;
/** Bytes of a fingerprint. */
export const FINGERPRINT_SIZE = 16;
const LANES = 8;

/** The depth of a range id (undefined: no range has that id). */
export function depthOf(range: number): number | undefined {
  if (!Number.isSafeInteger(range) || range < ROOT) return undefined;
  let depth = 0;
  let base = 1;
  while (base * BRANCHING <= range) {
    base *= BRANCHING;
    depth++;
  }
  return range < 2 * base && depth <= MAX_DEPTH ? depth : undefined;
}

/** The keys a range covers, [from, to). Throws for what is no range id (check with `depthOf` first). */
export function keySpan(range: number): [number, number] {
  const depth = depthOf(range);
  if (depth === undefined) throw new RangeError(`${range} is no range`);
  const width = 2 ** (KEY_BITS - DIGIT_BITS * depth);
  const from = (range - BRANCHING ** depth) * width;
  return [from, from + width];
}

export function childrenOf(range: number): number[] {
  return Array.from({ length: BRANCHING }, (_, digit) => BRANCHING * range + digit);
}

function uint64Bytes(target: Uint8Array, offset: number, value: number): void {
  const view = new DataView(target.buffer, target.byteOffset);
  view.setUint32(offset, Math.floor(value / 2 ** 32));
  view.setUint32(offset + 4, value >>> 0);
}

/** The place of a log in every set: a 48-bit key from its author and log id. */
export function keyOf(publicKey: string, logId: number): number {
  const input = new Uint8Array(40);
  input.set(hexToBytes(publicKey));
  uint64Bytes(input, 32, logId);
  const digest = hashBytes(input);
  // Bytes 0 and 1 are the hash's algorithm and length.
  return digest[2]! * 2 ** 40 + digest[3]! * 2 ** 32 + (((digest[4]! << 24) | (digest[5]! << 16) | (digest[6]! << 8) | digest[7]!) >>> 0);
}

interface Item {
  key: number;
  /** The item's hash as little-endian 32-bit lanes. */
  lanes: Uint32Array;
}

/** Items by log, made once: a log that grows is a new LogInfo (and gets a new item). */
const items = new WeakMap<LogInfo, Item>();

function itemOf(log: LogInfo): Item {
  let item = items.get(log);
  if (item) return item;
  const input = new Uint8Array(48);
  input.set(hexToBytes(log.publicKey));
  uint64Bytes(input, 32, log.logId);
  uint64Bytes(input, 40, log.latestSeqNum);
  const digest = hashBytes(input);
  const lanes = new Uint32Array(LANES);
  const view = new DataView(digest.buffer, digest.byteOffset + 2);
  for (let lane = 0; lane < LANES; lane++) lanes[lane] = view.getUint32(4 * lane, true);
  item = { key: keyOf(log.publicKey, log.logId), lanes };
  items.set(log, item);
  return item;
}

export class LogSet {
  /** The logs in key order (ties by author and log id). */
  readonly logs: readonly LogInfo[];
  readonly #keys: Float64Array;
  /** Prefix sums of the items: lanes [i * LANES, (i + 1) * LANES) hold the sum of the first i. */
  readonly #sums: Uint32Array;

  constructor(logs: Iterable<LogInfo>) {
    const placed = [...logs].map((log) => ({ log, item: itemOf(log) }));
    placed.sort(
      (a, b) => a.item.key - b.item.key || (a.log.publicKey < b.log.publicKey ? -1 : a.log.publicKey > b.log.publicKey ? 1 : 0) || a.log.logId - b.log.logId,
    );
    this.logs = placed.map(({ log }) => log);
    this.#keys = Float64Array.from(placed, ({ item }) => item.key);
    const sums = (this.#sums = new Uint32Array((placed.length + 1) * LANES));
    placed.forEach(({ item }, i) => {
      let carry = 0;
      for (let lane = 0; lane < LANES; lane++) {
        const sum = sums[i * LANES + lane]! + item.lanes[lane]! + carry;
        sums[(i + 1) * LANES + lane] = sum >>> 0;
        carry = sum > 0xffffffff ? 1 : 0;
      }
    });
  }

  get size(): number {
    return this.logs.length;
  }

  /** The positions [from, to) of the logs within `range`. */
  span(range: number): [number, number] {
    const [low, high] = keySpan(range);
    return [this.#firstAtOrAbove(low), this.#firstAtOrAbove(high)];
  }

  /** The fingerprint of the logs at positions [from, to). */
  fingerprint(from: number, to: number): Uint8Array {
    const input = new Uint8Array(4 * LANES + 4);
    const view = new DataView(input.buffer);
    let borrow = 0;
    for (let lane = 0; lane < LANES; lane++) {
      let difference = this.#sums[to * LANES + lane]! - this.#sums[from * LANES + lane]! - borrow;
      borrow = difference < 0 ? 1 : 0;
      if (borrow) difference += 2 ** 32;
      view.setUint32(4 * lane, difference, true);
    }
    view.setUint32(4 * LANES, to - from, true);
    return hashBytes(input).slice(2, 2 + FINGERPRINT_SIZE);
  }

  fingerprintOf(range: number): Uint8Array {
    return this.fingerprint(...this.span(range));
  }

  #firstAtOrAbove(key: number): number {
    let low = 0;
    let high = this.#keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#keys[middle]! < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Sets of logs kept at a time (one per festival, and one per group of festivals that differ). */
const MAX_SETS = 32;

/**
 * Sets of the logs within festivals, kept until the logs change: a sync in step reads the
 * ones it needs without building them again.
 */
export class LogSets {
  readonly #sets = new Map<string, LogSet>();

  /** `logsWithin(roots)`: the logs held within the festivals `roots` (a log may be named more than once). */
  constructor(private readonly logsWithin: (roots: ReadonlySet<string>) => Iterable<LogInfo>) {}

  /** The set of the logs within `roots`, each once. */
  of(roots: ReadonlySet<string>): LogSet {
    const key = [...roots].sort().join(' ');
    let set = this.#sets.get(key);
    if (!set) {
      if (this.#sets.size >= MAX_SETS) this.#sets.clear();
      set = new LogSet(new Set(this.logsWithin(roots)));
      this.#sets.set(key, set);
    }
    return set;
  }

  /** The logs changed (an entry was stored): sets are built again when next asked for. */
  clear(): void {
    this.#sets.clear();
  }
}
