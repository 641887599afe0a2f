/**
 * HyParView (Leitão, Pereira, Rodrigues: "HyParView: a membership protocol for reliable
 * gossip-based broadcast", DSN 2007), §4, for one festival: a small active view of
 * neighbours, each a connection, and a larger passive view of peers known to be around.
 *
 * - Join (§4.2): a new peer connects to a contact and sends JOIN; the contact takes it into
 *   its active view and sends FORWARD_JOIN(new, ARWL) to its other neighbours. A walk goes on
 *   to a random neighbour but the one it came from; with PRWL hops left it puts the new peer
 *   in the passive view; with none left, or at a peer with one neighbour, that peer makes the
 *   new peer its neighbour (it connects and sends a high-priority NEIGHBOR).
 * - Active view (§4.3): a neighbour whose connection fails is replaced by a random passive
 *   peer, asked with NEIGHBOR: high priority when the active view is empty (always taken,
 *   dropping a random neighbour with DISCONNECT if full), low otherwise (taken only with room
 *   below the target). A rejected peer stays passive; another is tried.
 * - Passive view (§4.4): every `shuffleInterval` a peer sends SHUFFLE (itself, a few active
 *   and passive peers) on a random walk; where it ends the receiver answers with as many of
 *   its passive peers, and both put what they got into their passive views, dropping first
 *   what they sent. DISCONNECTed and displaced neighbours move to the passive view.
 *
 * Where this departs from the paper, and why:
 * - The paper answers a shuffle over a temporary TCP connection; a WebRTC connection costs a
 *   signaling round and ICE, so the reply travels the walk back (each hop remembers, for a
 *   short while, where a shuffle came from). A lost reply only costs one shuffle.
 * - Frames can be lost (the simulator drops 5%), so every request has a timeout: a JOIN or
 *   NEIGHBOR not answered within `pendingTimeout` counts as refused.
 * - Partitions: the paper drops peers that fail. Here up to `maxLost` of them are kept and
 *   tried again with backoff (high priority, since a peer that comes back may be the only
 *   bridge to another part of the overlay); once contacts return, the parts join again.
 * - Bounds: `maxActive` and `maxPending` cap connections; `mayConnect` is the host's budget
 *   over all festivals; joins, forward-joins, neighbor requests and shuffles are
 *   rate-limited per interval (budget.ts), so made-up ids cannot evict neighbours or flood.
 * - Turnover: in the paper the active view changes only when a neighbour fails, so a part of
 *   the overlay whose peers are each other's only neighbours (three peers with views of 2 in
 *   a triangle, as pages capped at 3 connections have) is a stable state: over reliable
 *   channels nothing written elsewhere after it closed ever reaches it. In the spirit of
 *   Cyclon's shuffle (Voulgaris, Gavidia, van Steen, JNSM 2005) and Spray's exchange
 *   (Nédelec et al., 2018), which rewire links periodically, not only on failure, every
 *   `turnoverInterval` a peer with neighbours asks a random passive peer to be one with high
 *   priority: taken even by a full view, which lets a random neighbour go, as the asker's
 *   does once it is taken. Passive views hold peers from all over the overlay (shuffles see
 *   to that), so a closed part opens within about an interval. No new message: the asked
 *   peer sees the paper's high-priority NEIGHBOR, under the same rate limit; one that does
 *   not answer is kept as lost, as for any neighbor request. (Leaving a neighbour at the
 *   target too, to keep the degree, left more peers briefly without any in the simulator.)
 *
 * It is a state machine: inputs are the host's calls (`start`, `connected`, `disconnected`,
 * `receive`, `tick` about once a second), outputs are the actions each call returns
 * (connect, disconnect, send, neighbour-up/-down, need-contacts, offence). It keeps no
 * timers and draws randomness only from `random`, so the simulator replays it exactly.
 */
import { LostPeers } from './lost-peers.js';
import { isPandaError, PandaError } from '../errors.js';
import { IntervalBudget } from './budget.js';
import { decodeOverlayMessage, type OverlayMessage, type Priority } from './messages.js';
import { overlaySettings, type OverlayOptions, type OverlaySettings } from './options.js';
import { PeerSet } from './peer-set.js';

export type OverlayAction =
  /** Open a connection to `peer`; answer with `connected(peer)` or `disconnected(peer)`. */
  | { type: 'connect'; peer: string }
  /** Close the connection to `peer` (after sending what was sent before). */
  | { type: 'disconnect'; peer: string }
  | { type: 'send'; peer: string; message: OverlayMessage }
  /** `peer` is a neighbour now: replication runs over this connection. */
  | { type: 'neighbour-up'; peer: string }
  | { type: 'neighbour-down'; peer: string }
  /** The peer knows nobody: give it contacts (signaling) with `start`. */
  | { type: 'need-contacts' }
  /** `peer` sent something malformed (its connection is closed). */
  | { type: 'offence'; peer: string; error: PandaError };

type Purpose = 'join' | 'neighbor' | 'walk' | 'heal' | 'inbound' | 'turnover';

/** A connection being opened (`connected` false) or waiting for its first answer. */
interface Pending {
  purpose: Purpose;
  priority: Priority;
  since: number;
  connected: boolean;
}

/** Shuffle routes remembered at most (each for two pending timeouts). */
const MAX_ROUTES = 64;

export class HyParView {
  readonly settings: OverlaySettings;
  readonly #active: PeerSet;
  readonly #passive: PeerSet;
  readonly #pending = new Map<string, Pending>();
  /** Connections the host reported up and not yet down. */
  readonly #links = new Set<string>();
  readonly #lost: LostPeers;
  /** Peers that refused a low-priority request: not asked again before this time. */
  readonly #coolDown = new Map<string, number>();
  /** Shuffles forwarded: where the reply goes back to, and whom it must come from. */
  readonly #routes = new Map<number, { back: string; from: string; at: number }>();
  readonly #budget: IntervalBudget;
  #contacts: string[] = [];
  #contactsAskedAt = -Infinity;
  #ownShuffle: { id: number; sent: string[] } | undefined;
  #nextShuffle: number;
  #nextTurnover: number;
  #actions: OverlayAction[] = [];

  constructor(options: OverlayOptions) {
    const settings = (this.settings = overlaySettings(options));
    this.#active = new PeerSet(settings.maxActive);
    this.#passive = new PeerSet(settings.passiveSize);
    this.#lost = new LostPeers(settings);
    this.#budget = new IntervalBudget(
      {
        join: settings.joinsPerInterval,
        'forward-join': settings.forwardJoinsPerInterval,
        neighbor: settings.neighborRequestsPerInterval,
        shuffle: settings.shufflesPerInterval,
      },
      settings.budgetInterval,
      settings.now,
    );
    this.#nextShuffle = settings.now() + Math.floor(settings.random() * settings.shuffleInterval);
    this.#nextTurnover = settings.now() + Math.floor(settings.random() * settings.turnoverInterval);
  }

  get self(): string {
    return this.settings.self;
  }

  /** The neighbours: connections replication runs over. */
  get active(): readonly string[] {
    return this.#active.values();
  }

  get passive(): readonly string[] {
    return this.#passive.values();
  }

  /** Peers that failed, kept to try again. */
  get lost(): string[] {
    return this.#lost.peers();
  }

  /** Connections held or being opened (neighbours, and those not accepted yet). */
  get connections(): number {
    let count = this.#active.size;
    for (const peer of this.#pending.keys()) if (!this.#active.has(peer)) count++;
    return count;
  }

  /** Messages dropped over the rate limits, by kind. */
  get dropped(): Readonly<Record<string, number>> {
    return this.#budget.dropped;
  }

  /** Whether a connection `peer` opens to us now would be taken (the host asks before accepting an offer). */
  admitsInbound(peer: string): boolean {
    if (this.#links.has(peer) || this.#pending.has(peer)) return true;
    return this.#pending.size < this.settings.maxPending && this.settings.mayConnect(peer);
  }

  /** Joins through `contacts` (from signaling); also the answer to `need-contacts`. */
  start(contacts: readonly string[]): OverlayAction[] {
    const fresh = contacts.filter((peer) => peer !== this.self && !this.#active.has(peer));
    this.#contacts = [...new Set(fresh)].slice(0, this.settings.passiveSize);
    this.#joinNext();
    return this.#take();
  }

  /** The connection to `peer` is up (one this peer asked for, or one `peer` opened). */
  connected(peer: string): OverlayAction[] {
    if (this.#links.has(peer)) return this.#take();
    this.#links.add(peer);
    const pending = this.#pending.get(peer);
    if (pending && !pending.connected) {
      pending.connected = true;
      pending.since = this.settings.now();
      if (pending.purpose === 'join') this.#send(peer, { type: 'join' });
      else this.#send(peer, { type: 'neighbor', priority: pending.priority });
    } else if (!pending && !this.#active.has(peer)) {
      if (this.#pending.size >= this.settings.maxPending || !this.settings.mayConnect(peer)) this.#close(peer);
      else this.#pending.set(peer, { purpose: 'inbound', priority: 'low', since: this.settings.now(), connected: true });
    }
    return this.#take();
  }

  /** The connection to `peer` is gone, or could not be made. */
  disconnected(peer: string): OverlayAction[] {
    this.#links.delete(peer);
    if (this.#active.delete(peer)) {
      this.#actions.push({ type: 'neighbour-down', peer });
      // Not a DISCONNECT (that moved it to the passive view already): it failed.
      this.#addLost(peer);
    }
    const pending = this.#pending.get(peer);
    if (pending) {
      this.#pending.delete(peer);
      this.#failed(peer, pending);
    }
    this.#refill();
    return this.#take();
  }

  /** A message from `peer` over its connection. */
  receive(peer: string, bytes: Uint8Array): OverlayAction[] {
    if (!this.#links.has(peer)) return this.#take();
    let message: OverlayMessage;
    try {
      message = decodeOverlayMessage(bytes);
    } catch (error) {
      const panda = isPandaError(error) ? error : new PandaError('OVERLAY_FIELD_INVALID', String(error));
      this.#actions.push({ type: 'offence', peer, error: panda });
      // Not a peer to keep, in any view.
      if (this.#active.delete(peer)) this.#actions.push({ type: 'neighbour-down', peer });
      this.#close(peer);
      this.#pending.delete(peer);
      this.#refill();
      return this.#take();
    }
    this.#handle(peer, message);
    return this.#take();
  }

  /** Time passes: timeouts, the periodic shuffle and turnover, retries of lost peers, refilling the active view. */
  tick(): OverlayAction[] {
    const now = this.settings.now();
    for (const [peer, pending] of [...this.#pending]) {
      if (now - pending.since < this.settings.pendingTimeout) continue;
      if (!this.#active.has(peer)) this.#close(peer);
      this.#pending.delete(peer);
      this.#failed(peer, pending);
    }
    for (const [id, route] of this.#routes) if (now - route.at > 2 * this.settings.pendingTimeout) this.#routes.delete(id);
    if (now >= this.#nextShuffle) {
      this.#nextShuffle = now + this.settings.shuffleInterval;
      this.#shuffle();
    }
    if (now >= this.#nextTurnover) {
      this.#nextTurnover = now + this.settings.turnoverInterval;
      this.#turnOver(now);
    }
    this.#heal(now);
    this.#refill();
    return this.#take();
  }

  /** Leaves: DISCONNECT to every neighbour, every connection closed. */
  leave(): OverlayAction[] {
    for (const peer of [...this.#active.values()]) this.#removeNeighbour(peer, true);
    for (const peer of [...this.#pending.keys()]) this.#close(peer);
    this.#pending.clear();
    return this.#take();
  }

  // -------------------------------------------------------------------------------------

  #handle(from: string, message: OverlayMessage): void {
    switch (message.type) {
      case 'join':
        return this.#onJoin(from);
      case 'forward-join':
        return this.#onForwardJoin(from, message.peer, message.ttl);
      case 'neighbor':
        return this.#onNeighbor(from, message.priority);
      case 'neighbor-reply':
        return this.#onNeighborReply(from, message.accepted);
      case 'disconnect':
        if (this.#active.has(from)) this.#removeNeighbour(from, false);
        else this.#drop(from);
        return this.#refill();
      case 'shuffle':
        return this.#onShuffle(from, message);
      case 'shuffle-reply':
        return this.#onShuffleReply(from, message.id, message.peers);
    }
  }

  #onJoin(from: string): void {
    if (this.#active.has(from)) return this.#send(from, { type: 'neighbor-reply', accepted: true });
    if (!this.#budget.take('join')) return this.#drop(from);
    this.#pending.delete(from);
    this.#addActive(from);
    this.#send(from, { type: 'neighbor-reply', accepted: true });
    for (const peer of this.#active.values()) {
      if (peer !== from) this.#send(peer, { type: 'forward-join', peer: from, ttl: this.settings.activeWalk });
    }
  }

  #onForwardJoin(from: string, peer: string, ttl: number): void {
    if (!this.#active.has(from) || peer === this.self || !this.#budget.take('forward-join')) return;
    if (ttl === 0 || this.#active.size <= 1) return this.#acceptWalk(peer);
    if (ttl === this.settings.passiveWalk) this.#addPassive(peer);
    const next = this.#active.random(this.settings.random, new Set([from, peer]));
    if (next === undefined) return this.#acceptWalk(peer);
    this.#send(next, { type: 'forward-join', peer, ttl: ttl - 1 });
  }

  /** The walk for `peer` ended here: connect and make it a neighbour (or remember it, with no room). */
  #acceptWalk(peer: string): void {
    if (this.#active.has(peer) || this.#pending.has(peer)) return;
    if (!this.#mayOpen(peer)) return this.#addPassive(peer);
    this.#open(peer, 'walk', 'high');
  }

  #onNeighbor(from: string, priority: Priority): void {
    if (this.#active.has(from)) return this.#send(from, { type: 'neighbor-reply', accepted: true });
    const pending = this.#pending.get(from);
    // Both asked each other at once: the answer is yes.
    const crossed = pending !== undefined && pending.purpose !== 'inbound';
    const room = priority === 'high' || this.#active.size < this.settings.activeTarget;
    if (!crossed && !(room && this.#budget.take('neighbor'))) {
      // The asker closes; until then the connection waits (and times out) as pending.
      return this.#send(from, { type: 'neighbor-reply', accepted: false });
    }
    this.#pending.delete(from);
    this.#addActive(from);
    this.#send(from, { type: 'neighbor-reply', accepted: true });
  }

  #onNeighborReply(from: string, accepted: boolean): void {
    const pending = this.#pending.get(from);
    if (!pending?.connected || pending.purpose === 'inbound') return;
    this.#pending.delete(from);
    if (accepted) return this.#addActive(from);
    this.#close(from);
    this.#coolDown.set(from, this.settings.now() + this.settings.pendingTimeout);
    if (pending.purpose === 'join') return this.#joinNext();
    // It is there, only full: a peer to ask again later, not a lost one.
    this.#lost.delete(from);
    this.#addPassive(from);
  }

  #onShuffle(from: string, message: Extract<OverlayMessage, { type: 'shuffle' }>): void {
    if (!this.#active.has(from) || !this.#budget.take('shuffle')) return;
    if (message.ttl > 0 && this.#active.size > 1) {
      const next = this.#active.random(this.settings.random, new Set([from, message.origin]));
      if (next !== undefined) {
        if (this.#routes.size >= MAX_ROUTES) this.#routes.delete(this.#routes.keys().next().value!);
        this.#routes.set(message.id, { back: from, from: next, at: this.settings.now() });
        return this.#send(next, { ...message, ttl: message.ttl - 1 });
      }
    }
    const reply = this.#passive.sample(message.peers.length, this.settings.random).filter((peer) => peer !== message.origin);
    this.#send(from, { type: 'shuffle-reply', id: message.id, peers: reply });
    this.#integrate(message.peers, reply);
  }

  #onShuffleReply(from: string, id: number, peers: readonly string[]): void {
    if (this.#ownShuffle?.id === id) {
      const { sent } = this.#ownShuffle;
      this.#ownShuffle = undefined;
      return this.#integrate(peers, sent);
    }
    const route = this.#routes.get(id);
    if (!route || route.from !== from) return;
    this.#routes.delete(id);
    if (this.#active.has(route.back)) this.#send(route.back, { type: 'shuffle-reply', id, peers: [...peers] });
  }

  #shuffle(): void {
    const to = this.#active.random(this.settings.random);
    if (to === undefined) return;
    const { shuffleActive, shufflePassive, random } = this.settings;
    const neighbours = this.#active.sample(shuffleActive + 1, random).filter((peer) => peer !== to);
    const peers = new Set([this.self, ...neighbours.slice(0, shuffleActive), ...this.#passive.sample(shufflePassive, random)]);
    const id = Math.floor(random() * 2 ** 32);
    this.#ownShuffle = { id, sent: [...peers] };
    this.#send(to, { type: 'shuffle', id, origin: this.self, ttl: this.settings.shuffleWalk, peers: [...peers] });
  }

  /** Puts `peers` into the passive view, making room by dropping first what was `sent` in exchange. */
  #integrate(peers: readonly string[], sent: readonly string[]): void {
    const droppable = sent.filter((peer) => this.#passive.has(peer));
    for (const peer of peers) {
      if (peer === this.self || this.#active.has(peer) || this.#passive.has(peer) || this.#lost.has(peer)) continue;
      if (this.#passive.full) {
        const victim = droppable.pop() ?? this.#passive.random(this.settings.random);
        if (victim !== undefined) this.#passive.delete(victim);
      }
      this.#passive.add(peer);
    }
  }

  /** The periodic turnover: a random passive peer is asked, with high priority, to be a neighbour. */
  #turnOver(now: number): void {
    if (this.#active.size === 0) return;
    for (const pending of this.#pending.values()) if (pending.purpose === 'turnover' || pending.purpose === 'join') return;
    const peer = this.#passive.random(this.settings.random, (candidate) => this.#pending.has(candidate) || (this.#coolDown.get(candidate) ?? 0) > now);
    if (peer !== undefined && this.#mayOpen(peer)) this.#open(peer, 'turnover', 'high');
  }

  #addPassive(peer: string): void {
    if (peer === this.self || this.#active.has(peer) || this.#passive.has(peer)) return;
    if (this.#passive.full) this.#passive.delete(this.#passive.random(this.settings.random)!);
    this.#passive.add(peer);
  }

  #addActive(peer: string): void {
    if (this.#active.has(peer)) return;
    if (this.#active.full) this.#removeNeighbour(this.#active.random(this.settings.random, new Set([peer]))!, true);
    this.#active.add(peer);
    this.#passive.delete(peer);
    this.#lost.delete(peer);
    this.#actions.push({ type: 'neighbour-up', peer });
  }

  /** Ends a neighbourship that did not fail: it moves to the passive view; `tell`: send DISCONNECT. */
  #removeNeighbour(peer: string, tell: boolean): void {
    if (tell) this.#send(peer, { type: 'disconnect' });
    this.#active.delete(peer);
    this.#actions.push({ type: 'neighbour-down', peer });
    this.#close(peer);
    this.#addPassive(peer);
  }

  #addLost(peer: string): void {
    this.#passive.delete(peer);
    this.#lost.add(peer);
  }

  /** A connection that was being set up failed or was refused. */
  #failed(peer: string, pending: Pending): void {
    switch (pending.purpose) {
      case 'join':
        return this.#joinNext();
      case 'neighbor':
      case 'turnover':
        return this.#addLost(peer);
      case 'heal':
        return this.#lost.retryFailed(peer);
      case 'walk':
      case 'inbound':
        return;
    }
  }

  /** One lost peer due for a retry is asked, with high priority, to be a neighbour again. */
  #heal(now: number): void {
    for (const peer of [...this.#lost.due(now)]) {
      if (this.#active.has(peer)) {
        this.#lost.delete(peer);
        continue;
      }
      if (this.#pending.has(peer) || !this.#mayOpen(peer)) return;
      this.#lost.retrying(peer);
      this.#open(peer, 'heal', 'high');
      return;
    }
  }

  /** Asks passive peers to be neighbours while the active view is below its target. */
  #refill(): void {
    const now = this.settings.now();
    if (this.#active.size === 0 && this.#passive.size === 0) return this.#joinNext();
    let asking = 0;
    for (const pending of this.#pending.values()) if (pending.purpose === 'neighbor' || pending.purpose === 'join' || pending.purpose === 'turnover') asking++;
    for (const [peer, until] of this.#coolDown) if (until <= now) this.#coolDown.delete(peer);
    while (this.#active.size + asking < this.settings.activeTarget) {
      const peer = this.#passive.random(this.settings.random, (candidate) => this.#pending.has(candidate) || this.#coolDown.has(candidate));
      if (peer === undefined || !this.#mayOpen(peer)) return;
      this.#open(peer, 'neighbor', this.#active.size === 0 ? 'high' : 'low');
      asking++;
    }
  }

  #joinNext(): void {
    for (const pending of this.#pending.values()) if (pending.purpose === 'join') return;
    if (this.#active.size > 0) {
      for (const peer of this.#contacts) this.#addPassive(peer);
      this.#contacts = [];
      return;
    }
    const contact = this.#contacts.shift();
    if (contact === undefined) {
      const now = this.settings.now();
      if (now - this.#contactsAskedAt < this.settings.pendingTimeout) return;
      this.#contactsAskedAt = now;
      this.#actions.push({ type: 'need-contacts' });
      return;
    }
    // The other contacts are peers to fall back on.
    for (const peer of this.#contacts) this.#addPassive(peer);
    if (this.#mayOpen(contact)) this.#open(contact, 'join', 'high');
    else this.#contacts.unshift(contact);
  }

  #mayOpen(peer: string): boolean {
    return this.#pending.size < this.settings.maxPending && !this.#links.has(peer) && this.settings.mayConnect(peer);
  }

  #open(peer: string, purpose: Purpose, priority: Priority): void {
    this.#pending.set(peer, { purpose, priority, since: this.settings.now(), connected: false });
    this.#actions.push({ type: 'connect', peer });
  }

  /** Closes a connection that is not a neighbour's and forgets it was pending. */
  #drop(peer: string): void {
    if (!this.#active.has(peer)) this.#close(peer);
    this.#pending.delete(peer);
  }

  #close(peer: string): void {
    if (this.#links.delete(peer) || this.#pending.has(peer)) this.#actions.push({ type: 'disconnect', peer });
  }

  #send(peer: string, message: OverlayMessage): void {
    this.#actions.push({ type: 'send', peer, message });
  }

  #take(): OverlayAction[] {
    const actions = this.#actions;
    this.#actions = [];
    return actions;
  }
}
