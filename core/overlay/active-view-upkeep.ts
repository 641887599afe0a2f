/**
 * Keeping the active view filled and moving:
 *
 * - refill (HyParView §4.3): while the active view is below its target, random passive peers
 *   are asked with NEIGHBOR, high priority when it is empty, low otherwise; a peer that
 *   refused is not asked again for a pending timeout;
 * - healing (not the paper's, which drops peers that fail): up to `maxLost` of them are
 *   retried with backoff (lost-peers.ts), with high priority, since a peer that comes back
 *   may be the only bridge to another part of the overlay;
 * - turnover (not the paper's, see hyparview.ts): every `turnoverInterval` a random passive
 *   peer is asked with high priority, so that a part whose peers are each other's only
 *   neighbours does not stay closed;
 * - what becomes of a peer when the connection asked for fails or goes unanswered.
 */
import type { Joining } from './joining.js';
import type { OverlayViews, Pending } from './views.js';

export class ActiveViewUpkeep {
  #nextTurnover: number;

  constructor(
    private readonly views: OverlayViews,
    private readonly joining: Joining,
  ) {
    const { now, random, turnoverInterval } = views.settings;
    // Each peer's first turnover after a random part of the interval.
    this.#nextTurnover = now() + Math.floor(random() * turnoverInterval);
  }

  /** The turnover when it is due, a retry of a lost peer, the refill. */
  tick(now: number): void {
    if (now >= this.#nextTurnover) {
      this.#nextTurnover = now + this.views.settings.turnoverInterval;
      this.#turnOver(now);
    }
    this.#heal(now);
    this.refill();
  }

  /** Asks passive peers to be neighbours while the active view is below its target. */
  refill(): void {
    const views = this.views;
    const now = views.settings.now();
    if (views.active.size === 0 && views.passive.size === 0) return this.joining.next();
    let asking = 0;
    for (const pending of views.pending.values()) if (pending.purpose === 'neighbor' || pending.purpose === 'join' || pending.purpose === 'turnover') asking++;
    for (const [peer, until] of views.coolDown) if (until <= now) views.coolDown.delete(peer);
    while (views.active.size + asking < views.settings.activeTarget) {
      const peer = views.passive.random(views.settings.random, (candidate) => views.resting(candidate, now));
      if (peer === undefined || !views.mayOpen(peer)) return;
      views.open(peer, 'neighbor', views.active.size === 0 ? 'high' : 'low');
      asking++;
    }
  }

  /** A connection that was being set up failed or went unanswered. */
  failed(peer: string, pending: Pending): void {
    switch (pending.purpose) {
      case 'join':
        return this.joining.next();
      case 'neighbor':
      case 'turnover':
        return this.views.addLost(peer);
      case 'heal':
        return this.views.lost.retryFailed(peer);
      case 'walk':
      case 'inbound':
        return;
    }
  }

  /** A random passive peer is asked, with high priority, to be a neighbour. */
  #turnOver(now: number): void {
    const views = this.views;
    if (views.active.size === 0) return;
    for (const pending of views.pending.values()) if (pending.purpose === 'turnover' || pending.purpose === 'join') return;
    const peer = views.passive.random(views.settings.random, (candidate) => views.resting(candidate, now));
    if (peer !== undefined && views.mayOpen(peer)) views.open(peer, 'turnover', 'high');
  }

  /** One lost peer due for a retry is asked, with high priority, to be a neighbour again. */
  #heal(now: number): void {
    const { active, pending, lost } = this.views;
    for (const peer of [...lost.due(now)]) {
      if (active.has(peer)) {
        lost.delete(peer);
        continue;
      }
      if (pending.has(peer) || !this.views.mayOpen(peer)) return;
      lost.retrying(peer);
      this.views.open(peer, 'heal', 'high');
      return;
    }
  }
}
