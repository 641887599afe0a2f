/**
 * Neighbours that failed, kept apart from the passive view and retried with backoff (15 s,
 * 30 s, ... doubling, `MAX_LOST_FAILURES` times): what joins the two halves of a partitioned
 * overlay again once contacts return (a change from the paper, see hyparview.ts). Bounded:
 * the oldest is dropped first.
 */

/** Retries of a lost peer at most this many times. */
const MAX_LOST_FAILURES = 5;

export class LostPeers {
  readonly #lost = new Map<string, { failures: number; retryAt: number }>();

  constructor(private readonly settings: { maxLost: number; lostRetry: number; now(): number }) {}

  has(peer: string): boolean {
    return this.#lost.has(peer);
  }

  delete(peer: string): void {
    this.#lost.delete(peer);
  }

  peers(): string[] {
    return [...this.#lost.keys()];
  }

  /** Files a neighbour that failed, its first retry one interval from now. */
  add(peer: string): void {
    const { maxLost, lostRetry } = this.settings;
    if (maxLost === 0 || this.#lost.has(peer)) return;
    if (this.#lost.size >= maxLost) this.#lost.delete(this.#lost.keys().next().value!);
    this.#lost.set(peer, { failures: 0, retryAt: this.settings.now() + lostRetry });
  }

  /** A retry failed: the next waits twice as long, or the peer is given up. */
  retryFailed(peer: string): void {
    const lost = this.#lost.get(peer);
    if (!lost) return;
    if (++lost.failures >= MAX_LOST_FAILURES) this.#lost.delete(peer);
    else lost.retryAt = this.settings.now() + this.settings.lostRetry * 2 ** lost.failures;
  }

  /** The peers due for a retry at `now`, oldest first. */
  *due(now: number): Generator<string> {
    for (const [peer, lost] of this.#lost) if (lost.retryAt <= now) yield peer;
  }

  /** A retry of `peer` is under way: not due again until it ends. */
  retrying(peer: string): void {
    const lost = this.#lost.get(peer);
    if (lost) lost.retryAt = Infinity;
  }
}
