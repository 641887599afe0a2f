/** What a connection needs of its replicator: all a sync session gets to see of it. */
import type { Hash } from '../hash/hash.js';
import type { LogInfo, Store } from '../storage/store.js';
import type { Connection } from './connection.js';
import type { ReassemblyBudget } from './framing.js';
import type { TargetHeights } from './messages.js';
import type { ReplicatorSettings } from './options.js';
import type { ReconcileHost } from './reconcile-session.js';
import type { LogToSend } from './scope.js';

export interface ConnectionHost extends ReconcileHost {
  readonly settings: Pick<ReplicatorSettings, 'live' | 'syncTimeout' | 'resyncInterval' | 'highWaterMark' | 'clock' | 'random'>;
  /** Partial messages of all connections together are bounded by this. */
  readonly reassembly: ReassemblyBudget;
  /** Where the entries to send are read. */
  readonly store: Pick<Store, 'getEntries' | 'getOperation'>;
  /** The sync targets of the festivals taken part in. */
  targets(): string[];
  /** The festival a sync target stands for, if taken part in. */
  festivalOfTarget(target: string): Hash | undefined;
  /** Local heights of the logs within the festivals of `targets`, and those festivals. */
  heightsFor(targets: Iterable<string>): { have: TargetHeights; roots: Set<Hash> };
  /** The logs within `roots` of which someone holding `theirs(log)` lacks entries, in sync order. */
  logsToSend(roots: ReadonlySet<Hash>, theirs: (log: LogInfo) => number): LogToSend[];
  /**
   * Takes in an entry that arrived (in arrival order over all connections), within `roots`:
   * `taken` once it is, `room` (if any) to wait for before handing over the next.
   */
  receive(
    connection: Connection,
    entry: Uint8Array,
    operation: Uint8Array,
    roots: ReadonlySet<Hash>,
  ): { taken: Promise<void>; room: Promise<void> | undefined };
  /** Invalid data from the peer (or a failure of our own store it ran into). */
  offence(connection: Connection, error: unknown): void;
  /** What the connection has us hold waiting. */
  waitingOf(connection: Connection): { count: number; bytes: number };
  /** A sync starts: a good moment to let go of waiting entries that never resolved. */
  syncStarting(): void;
  synced(connection: Connection): void;
  closed(connection: Connection): void;
}
