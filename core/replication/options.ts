/** The replicator's options, their defaults, and the one clock every part of replication reads. */
import type { Hash } from '../hash/hash.js';
import type { SchemaRegistry } from '../schema/registry.js';

/** Timers, injectable so that simulations run on virtual time. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface ReplicatorOptions {
  /** Schemas whose data is replicated (default: the festival schemas). */
  schemas?: SchemaRegistry;
  /** Festivals to take part in from the start. */
  festivals?: Hash[];
  /** Push new entries to peers once in step (default true). */
  live?: boolean;
  /** Invalid messages or entries a peer may send before it is disconnected and blocked (default 3). */
  maxOffences?: number;
  /** A sync that makes no progress for this long is abandoned and tried again (ms, default 20 s). */
  syncTimeout?: number;
  /** Sync again this often on every connection, to catch anything a live push lost (ms, default 60 s; 0: never). */
  resyncInterval?: number;
  /** Outgoing bytes buffered on a transport before sending waits (default 1 MiB). */
  highWaterMark?: number;
  /** Entries waiting for something they depend on, at most, over all connections (default 20,000). */
  maxPending?: number;
  /** Bytes of waiting entries, at most, over all connections (default 32 MiB). */
  maxPendingBytes?: number;
  /** Waiting entries one connection may have us hold (default 1,000). */
  maxPendingPerConnection?: number;
  /** Bytes of waiting entries one connection may have us hold (default 8 MiB). */
  maxPendingBytesPerConnection?: number;
  /**
   * A received entry still waiting after this long is dropped and counts as an offence of
   * the connection it came in on: its peer sent something it could not back (ms, default 2 min).
   */
  pendingTimeout?: number;
  clock?: Clock;
  /** Random numbers in [0, 1) for session ids (default Math.random). */
  random?: () => number;
}

/** The options in effect: every one set, defaults filled in. */
export type ReplicatorSettings = Required<Omit<ReplicatorOptions, 'schemas' | 'festivals'>>;

export function settingsOf(options: ReplicatorOptions): ReplicatorSettings {
  return {
    live: options.live ?? true,
    maxOffences: options.maxOffences ?? 3,
    syncTimeout: options.syncTimeout ?? 20_000,
    resyncInterval: options.resyncInterval ?? 60_000,
    highWaterMark: options.highWaterMark ?? 1024 * 1024,
    maxPending: options.maxPending ?? 20_000,
    maxPendingBytes: options.maxPendingBytes ?? 32 * 1024 * 1024,
    maxPendingPerConnection: options.maxPendingPerConnection ?? 1_000,
    maxPendingBytesPerConnection: options.maxPendingBytesPerConnection ?? 8 * 1024 * 1024,
    pendingTimeout: options.pendingTimeout ?? 120_000,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  };
}
