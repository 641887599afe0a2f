/**
 * A view: a bounded set of peer ids with random picks in O(1), as HyParView's active and
 * passive views need (a random neighbour to forward a walk to, a random passive peer to
 * promote or drop). Insertion order is kept only for determinism, never relied on.
 */
export class PeerSet {
  readonly #items: string[] = [];
  readonly #index = new Map<string, number>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.#items.length;
  }

  get full(): boolean {
    return this.#items.length >= this.capacity;
  }

  has(peer: string): boolean {
    return this.#index.has(peer);
  }

  values(): readonly string[] {
    return this.#items;
  }

  /** Adds `peer` if there is room; false if full or present. */
  add(peer: string): boolean {
    if (this.#index.has(peer) || this.full) return false;
    this.#index.set(peer, this.#items.length);
    this.#items.push(peer);
    return true;
  }

  delete(peer: string): boolean {
    const at = this.#index.get(peer);
    if (at === undefined) return false;
    const last = this.#items.pop()!;
    this.#index.delete(peer);
    if (last !== peer) {
      this.#items[at] = last;
      this.#index.set(last, at);
    }
    return true;
  }

  /** A random member not in `exclude`, if any. */
  random(random: () => number, exclude: ReadonlySet<string> | ((peer: string) => boolean) = new Set()): string | undefined {
    const excluded = typeof exclude === 'function' ? exclude : (peer: string) => exclude.has(peer);
    const n = this.#items.length;
    if (n === 0) return undefined;
    // Start anywhere and walk on: uniform without exclusions; with a few (views are small), the
    // member after an excluded one is somewhat likelier, which no part of the protocol minds.
    const start = Math.floor(random() * n);
    for (let i = 0; i < n; i++) {
      const peer = this.#items[(start + i) % n]!;
      if (!excluded(peer)) return peer;
    }
    return undefined;
  }

  /** Up to `count` distinct random members (a partial Fisher-Yates shuffle of a copy). */
  sample(count: number, random: () => number): string[] {
    const copy = [...this.#items];
    const k = Math.min(count, copy.length);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(random() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k);
  }
}
