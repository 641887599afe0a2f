/**
 * What the parts of the overlay (hyparview.ts and the modules it draws on) share: the active
 * and passive views, the connections being set up and those up, the lost peers, the peers
 * that refused lately, the rate limits, and the actions gathered for the host. Its
 * operations are the ones every part moves peers between the views with, so that each
 * keeps their rules: a peer is in at most one of the active view, the passive view and the
 * lost peers; the active view never exceeds `maxActive` (a new neighbour displaces a random
 * one); a neighbour that leaves other than by failing turns passive; a connection closed is
 * said to the host once.
 */
import type { PandaError } from '../errors.js';
import { IntervalBudget } from './budget.js';
import { LostPeers } from './lost-peers.js';
import type { OverlayMessage, Priority } from './messages.js';
import type { OverlaySettings } from './options.js';
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

/** Why a connection is being set up: what this peer asks once it is up, and what a failure means. */
export type Purpose = 'join' | 'neighbor' | 'walk' | 'heal' | 'inbound' | 'turnover';

/** A connection being opened (`connected` false) or waiting for its first answer. */
export interface Pending {
  purpose: Purpose;
  priority: Priority;
  since: number;
  connected: boolean;
}

export class OverlayViews {
  readonly active: PeerSet;
  readonly passive: PeerSet;
  readonly pending = new Map<string, Pending>();
  /** Connections the host reported up and not yet down. */
  readonly links = new Set<string>();
  readonly lost: LostPeers;
  /** Peers that refused a low-priority request: not asked again before this time. */
  readonly coolDown = new Map<string, number>();
  readonly budget: IntervalBudget;
  #actions: OverlayAction[] = [];

  constructor(readonly settings: OverlaySettings) {
    this.active = new PeerSet(settings.maxActive);
    this.passive = new PeerSet(settings.passiveSize);
    this.lost = new LostPeers(settings);
    this.budget = new IntervalBudget(
      {
        join: settings.joinsPerInterval,
        'forward-join': settings.forwardJoinsPerInterval,
        neighbor: settings.neighborRequestsPerInterval,
        shuffle: settings.shufflesPerInterval,
      },
      settings.budgetInterval,
      settings.now,
    );
  }

  get self(): string {
    return this.settings.self;
  }

  push(action: OverlayAction): void {
    this.#actions.push(action);
  }

  send(peer: string, message: OverlayMessage): void {
    this.#actions.push({ type: 'send', peer, message });
  }

  /** The actions gathered since the last call. */
  take(): OverlayAction[] {
    const actions = this.#actions;
    this.#actions = [];
    return actions;
  }

  /** Whether `peer` is not to be asked now: asked already, or it refused lately. */
  resting(peer: string, now: number): boolean {
    return this.pending.has(peer) || (this.coolDown.get(peer) ?? 0) > now;
  }

  mayOpen(peer: string): boolean {
    return this.pending.size < this.settings.maxPending && !this.links.has(peer) && this.settings.mayConnect(peer);
  }

  open(peer: string, purpose: Purpose, priority: Priority): void {
    this.pending.set(peer, { purpose, priority, since: this.settings.now(), connected: false });
    this.#actions.push({ type: 'connect', peer });
  }

  /** Closes a connection that is not a neighbour's and forgets it was pending. */
  drop(peer: string): void {
    if (!this.active.has(peer)) this.close(peer);
    this.pending.delete(peer);
  }

  close(peer: string): void {
    if (this.links.delete(peer) || this.pending.has(peer)) this.#actions.push({ type: 'disconnect', peer });
  }

  addPassive(peer: string): void {
    if (peer === this.self || this.active.has(peer) || this.passive.has(peer)) return;
    if (this.passive.full) this.passive.delete(this.passive.random(this.settings.random)!);
    this.passive.add(peer);
  }

  addActive(peer: string): void {
    if (this.active.has(peer)) return;
    if (this.active.full) this.removeNeighbour(this.active.random(this.settings.random, new Set([peer]))!, true);
    this.active.add(peer);
    this.passive.delete(peer);
    this.lost.delete(peer);
    this.#actions.push({ type: 'neighbour-up', peer });
  }

  /** Ends a neighbourship that did not fail: it moves to the passive view; `tell`: send DISCONNECT. */
  removeNeighbour(peer: string, tell: boolean): void {
    if (tell) this.send(peer, { type: 'disconnect' });
    this.active.delete(peer);
    this.#actions.push({ type: 'neighbour-down', peer });
    this.close(peer);
    this.addPassive(peer);
  }

  addLost(peer: string): void {
    this.passive.delete(peer);
    this.lost.add(peer);
  }
}
