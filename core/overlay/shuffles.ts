/**
 * The passive view's shuffles (HyParView §4.4): every `shuffleInterval` a peer sends SHUFFLE
 * (itself, a few active and passive peers) on a random walk; where it ends the receiver
 * answers with as many of its passive peers, and both put what they got into their passive
 * views, dropping first what they sent.
 *
 * Not the paper's: it answers over a temporary TCP connection; a WebRTC connection costs a
 * signaling round and ICE, so here the reply travels the walk back, each hop remembering for
 * two pending timeouts (at most `MAX_ROUTES` shuffles) where a shuffle came from and whom its
 * reply must come from. A lost reply only costs one shuffle.
 */
import type { OverlayMessage } from './messages.js';
import type { OverlayViews } from './views.js';

/** Shuffle routes remembered at most (each for two pending timeouts). */
const MAX_ROUTES = 64;

export class Shuffles {
  /** Shuffles forwarded: where the reply goes back to, and whom it must come from. */
  readonly #routes = new Map<number, { back: string; from: string; at: number }>();
  #own: { id: number; sent: string[] } | undefined;
  #next: number;

  constructor(private readonly views: OverlayViews) {
    const { now, random, shuffleInterval } = views.settings;
    // Each peer's first shuffle after a random part of the interval.
    this.#next = now() + Math.floor(random() * shuffleInterval);
  }

  /** Routes of old shuffles forgotten; this peer's own shuffle when it is due. */
  tick(now: number): void {
    const { pendingTimeout, shuffleInterval } = this.views.settings;
    for (const [id, route] of this.#routes) if (now - route.at > 2 * pendingTimeout) this.#routes.delete(id);
    if (now < this.#next) return;
    this.#next = now + shuffleInterval;
    this.#shuffle();
  }

  onShuffle(from: string, message: Extract<OverlayMessage, { type: 'shuffle' }>): void {
    const views = this.views;
    if (!views.active.has(from) || !views.budget.take('shuffle')) return;
    if (message.ttl > 0 && views.active.size > 1) {
      const next = views.active.random(views.settings.random, new Set([from, message.origin]));
      if (next !== undefined) {
        if (this.#routes.size >= MAX_ROUTES) this.#routes.delete(this.#routes.keys().next().value!);
        this.#routes.set(message.id, { back: from, from: next, at: views.settings.now() });
        return views.send(next, { ...message, ttl: message.ttl - 1 });
      }
    }
    const reply = views.passive.sample(message.peers.length, views.settings.random).filter((peer) => peer !== message.origin);
    views.send(from, { type: 'shuffle-reply', id: message.id, peers: reply });
    this.#integrate(message.peers, reply);
  }

  onShuffleReply(from: string, id: number, peers: readonly string[]): void {
    if (this.#own?.id === id) {
      const { sent } = this.#own;
      this.#own = undefined;
      return this.#integrate(peers, sent);
    }
    const route = this.#routes.get(id);
    if (!route || route.from !== from) return;
    this.#routes.delete(id);
    if (this.views.active.has(route.back)) this.views.send(route.back, { type: 'shuffle-reply', id, peers: [...peers] });
  }

  #shuffle(): void {
    const views = this.views;
    const to = views.active.random(views.settings.random);
    if (to === undefined) return;
    const { shuffleActive, shufflePassive, shuffleWalk, random } = views.settings;
    const neighbours = views.active.sample(shuffleActive + 1, random).filter((peer) => peer !== to);
    const peers = new Set([views.self, ...neighbours.slice(0, shuffleActive), ...views.passive.sample(shufflePassive, random)]);
    const id = Math.floor(random() * 2 ** 32);
    this.#own = { id, sent: [...peers] };
    views.send(to, { type: 'shuffle', id, origin: views.self, ttl: shuffleWalk, peers: [...peers] });
  }

  /** Puts `peers` into the passive view, making room by dropping first what was `sent` in exchange. */
  #integrate(peers: readonly string[], sent: readonly string[]): void {
    const { self, active, passive, lost, settings } = this.views;
    const droppable = sent.filter((peer) => passive.has(peer));
    for (const peer of peers) {
      if (peer === self || active.has(peer) || passive.has(peer) || lost.has(peer)) continue;
      if (passive.full) {
        const victim = droppable.pop() ?? passive.random(settings.random);
        if (victim !== undefined) passive.delete(victim);
      }
      passive.add(peer);
    }
  }
}
