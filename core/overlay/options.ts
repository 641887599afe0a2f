/**
 * The overlay's parameters, their defaults (the paper's, §5: active view 5, passive view 30,
 * ARWL 6, PRWL 3, shuffles of 3 active and 4 passive peers; the turnover is not the paper's)
 * and their bounds, checked once.
 * Time and randomness come from the host: the layer keeps no timers and draws no numbers
 * of its own, so a simulation on virtual time with a seeded generator replays exactly.
 */
import { PandaError } from '../errors.js';
import { MAX_SHUFFLE_PEERS, MAX_WALK } from './messages.js';

export interface OverlayOptions {
  /** This peer's id (as the transport and signaling know it). */
  self: string;
  /** Milliseconds, any origin; only differences are used. */
  now: () => number;
  /** Numbers in [0, 1): seeded in simulations. */
  random: () => number;
  /** Active view size the peer refills to (default 5). */
  activeTarget?: number;
  /** Active view size never exceeded: a join or high-priority request beyond it drops a random neighbour (default 6). */
  maxActive?: number;
  /** Passive view size (default 30). */
  passiveSize?: number;
  /** Active random walk length, ARWL (default 6). */
  activeWalk?: number;
  /** Passive random walk length, PRWL: a forward-join with this many hops left puts the new peer in the passive view (default 3). */
  passiveWalk?: number;
  /** Active and passive peers sent in a shuffle (defaults 3 and 4), and its walk (default 4). */
  shuffleActive?: number;
  shufflePassive?: number;
  shuffleWalk?: number;
  /** A shuffle this often (ms, default 30 s; each peer's first after a random part of it). */
  shuffleInterval?: number;
  /** A turnover this often (ms, default 60 s; each peer's first after a random part of it): a random passive peer is asked, with high priority, to be a neighbour. */
  turnoverInterval?: number;
  /** Connections being opened or waiting to be accepted, inbound and outbound, at most (default 3). */
  maxPending?: number;
  /** A connection not accepted as a neighbour after this long is closed (ms, default 10 s). */
  pendingTimeout?: number;
  /** Peers that failed, kept to try again for healing a partition (default 8). */
  maxLost?: number;
  /** The first retry of a lost peer after this long, doubling per failure up to four times (ms, default 15 s). */
  lostRetry?: number;
  /** Rate limits, per `budgetInterval` (ms, default 10 s): joins taken (default 5), forward-joins handled (20), neighbor requests answered (20), shuffles handled (20). */
  budgetInterval?: number;
  joinsPerInterval?: number;
  forwardJoinsPerInterval?: number;
  neighborRequestsPerInterval?: number;
  shufflesPerInterval?: number;
  /**
   * The host's budget over all festivals: whether a new connection to `peer` may be opened
   * or accepted now (default: always). A refusal counts like a full view.
   */
  mayConnect?: (peer: string) => boolean;
}

export type OverlaySettings = Required<OverlayOptions>;

function integer(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new PandaError('OVERLAY_OPTIONS_INVALID', `${name} is an integer from ${min} to ${max}`, { name, value });
  }
  return value;
}

export function overlaySettings(options: OverlayOptions): OverlaySettings {
  const activeTarget = integer('activeTarget', options.activeTarget ?? 5, 1, 64);
  const activeWalk = integer('activeWalk', options.activeWalk ?? 6, 0, MAX_WALK);
  const shuffleActive = integer('shuffleActive', options.shuffleActive ?? 3, 0, MAX_SHUFFLE_PEERS);
  return {
    self: options.self,
    now: options.now,
    random: options.random,
    activeTarget,
    maxActive: integer('maxActive', options.maxActive ?? Math.max(activeTarget, 6), activeTarget, 64),
    passiveSize: integer('passiveSize', options.passiveSize ?? 30, 1, 1024),
    activeWalk,
    passiveWalk: integer('passiveWalk', options.passiveWalk ?? 3, 0, activeWalk),
    shuffleActive,
    shufflePassive: integer('shufflePassive', options.shufflePassive ?? 4, 0, MAX_SHUFFLE_PEERS - 1 - shuffleActive),
    shuffleWalk: integer('shuffleWalk', options.shuffleWalk ?? 4, 0, MAX_WALK),
    shuffleInterval: integer('shuffleInterval', options.shuffleInterval ?? 30_000, 1, 2 ** 31),
    turnoverInterval: integer('turnoverInterval', options.turnoverInterval ?? 60_000, 1, 2 ** 31),
    maxPending: integer('maxPending', options.maxPending ?? 3, 1, 64),
    pendingTimeout: integer('pendingTimeout', options.pendingTimeout ?? 10_000, 1, 2 ** 31),
    maxLost: integer('maxLost', options.maxLost ?? 8, 0, 1024),
    lostRetry: integer('lostRetry', options.lostRetry ?? 15_000, 1, 2 ** 31),
    budgetInterval: integer('budgetInterval', options.budgetInterval ?? 10_000, 1, 2 ** 31),
    joinsPerInterval: integer('joinsPerInterval', options.joinsPerInterval ?? 5, 0, 1 << 20),
    forwardJoinsPerInterval: integer('forwardJoinsPerInterval', options.forwardJoinsPerInterval ?? 20, 0, 1 << 20),
    neighborRequestsPerInterval: integer('neighborRequestsPerInterval', options.neighborRequestsPerInterval ?? 20, 0, 1 << 20),
    shufflesPerInterval: integer('shufflesPerInterval', options.shufflesPerInterval ?? 20, 0, 1 << 20),
    mayConnect: options.mayConnect ?? (() => true),
  };
}
