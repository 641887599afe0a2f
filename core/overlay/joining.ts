/**
 * Joining (HyParView §4.2): a new peer connects to a contact and sends JOIN; the contact takes
 * it into its active view and sends FORWARD_JOIN(new, ARWL) to its other neighbours. A walk
 * goes on to a random neighbour but the one it came from; with PRWL hops left it puts the new
 * peer in the passive view; with none left, or at a peer with one neighbour, that peer makes
 * the new peer its neighbour (it connects and sends a high-priority NEIGHBOR).
 *
 * The contacts signaling gave are tried one after another, the others kept as passive peers
 * to fall back on; with none left the host is asked for more (`need-contacts`), at most once
 * a pending timeout.
 */
import type { OverlayViews } from './views.js';

export class Joining {
  #contacts: string[] = [];
  #contactsAskedAt = -Infinity;

  constructor(private readonly views: OverlayViews) {}

  /** Joins through `contacts`. */
  start(contacts: readonly string[]): void {
    const { self, active, settings } = this.views;
    const fresh = contacts.filter((peer) => peer !== self && !active.has(peer));
    this.#contacts = [...new Set(fresh)].slice(0, settings.passiveSize);
    this.next();
  }

  /** Joins through the next contact, unless a join is under way or this peer has neighbours already. */
  next(): void {
    const views = this.views;
    for (const pending of views.pending.values()) if (pending.purpose === 'join') return;
    if (views.active.size > 0) {
      for (const peer of this.#contacts) views.addPassive(peer);
      this.#contacts = [];
      return;
    }
    const contact = this.#contacts.shift();
    if (contact === undefined) {
      const now = views.settings.now();
      if (now - this.#contactsAskedAt < views.settings.pendingTimeout) return;
      this.#contactsAskedAt = now;
      views.push({ type: 'need-contacts' });
      return;
    }
    // The other contacts are peers to fall back on.
    for (const peer of this.#contacts) views.addPassive(peer);
    if (views.mayOpen(contact)) views.open(contact, 'join', 'high');
    else this.#contacts.unshift(contact);
  }

  /** A JOIN from `from`, over a connection it opened: taken in, and walked on to the other neighbours. */
  onJoin(from: string): void {
    const views = this.views;
    if (views.active.has(from)) return views.send(from, { type: 'neighbor-reply', accepted: true });
    if (!views.budget.take('join')) return views.drop(from);
    views.pending.delete(from);
    views.addActive(from);
    views.send(from, { type: 'neighbor-reply', accepted: true });
    for (const peer of views.active.values()) {
      if (peer !== from) views.send(peer, { type: 'forward-join', peer: from, ttl: views.settings.activeWalk });
    }
  }

  onForwardJoin(from: string, peer: string, ttl: number): void {
    const views = this.views;
    if (!views.active.has(from) || peer === views.self || !views.budget.take('forward-join')) return;
    if (ttl === 0 || views.active.size <= 1) return this.#acceptWalk(peer);
    if (ttl === views.settings.passiveWalk) views.addPassive(peer);
    const next = views.active.random(views.settings.random, new Set([from, peer]));
    if (next === undefined) return this.#acceptWalk(peer);
    views.send(next, { type: 'forward-join', peer, ttl: ttl - 1 });
  }

  /** The walk for `peer` ended here: connect and make it a neighbour (or remember it, with no room). */
  #acceptWalk(peer: string): void {
    const views = this.views;
    if (views.active.has(peer) || views.pending.has(peer)) return;
    if (!views.mayOpen(peer)) return views.addPassive(peer);
    views.open(peer, 'walk', 'high');
  }
}
