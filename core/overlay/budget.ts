/**
 * Rate limits of the overlay: how many joins, forward-joins, neighbor requests and shuffles a
 * peer handles per interval. Peer ids are free, so without them a flood of joins from
 * made-up ids would evict every neighbour and a flood of walks would keep a peer busy
 * forwarding. Over budget, a message is dropped (a join's connection is closed): honest
 * peers retry later or elsewhere.
 */
export type BudgetKind = 'join' | 'forward-join' | 'neighbor' | 'shuffle';

export class IntervalBudget {
  readonly #limits: Readonly<Record<BudgetKind, number>>;
  readonly #used: Record<BudgetKind, number> = { join: 0, 'forward-join': 0, neighbor: 0, shuffle: 0 };
  #windowStart: number;
  /** Messages dropped over budget, by kind, since the start. */
  readonly dropped: Record<BudgetKind, number> = { join: 0, 'forward-join': 0, neighbor: 0, shuffle: 0 };

  constructor(
    limits: Record<BudgetKind, number>,
    private readonly interval: number,
    private readonly now: () => number,
  ) {
    this.#limits = limits;
    this.#windowStart = now();
  }

  /** Takes one of `kind`'s budget; false (and counted) when it is spent for this interval. */
  take(kind: BudgetKind): boolean {
    const now = this.now();
    if (now - this.#windowStart >= this.interval) {
      this.#windowStart = now;
      for (const key of Object.keys(this.#used) as BudgetKind[]) this.#used[key] = 0;
    }
    if (this.#used[kind] >= this.#limits[kind]) {
      this.dropped[kind]++;
      return false;
    }
    this.#used[kind]++;
    return true;
  }
}
