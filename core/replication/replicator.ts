/**
 * Festival replication between peers, over any `Transport`, in the spirit of aquadoggo's
 * log-height strategy, with range-based set reconciliation in front of it: peers in step
 * find out in one round trip of a few dozen bytes per festival, peers that differ in a few
 * logs pay for those logs (and log heights are the way on past that, and for peers that ask
 * in heights); with `live`, new entries are then pushed as they are stored. Every entry
 * is validated (signature, log integrity, schema, festival scope) before it is stored; one
 * that depends on something not here yet waits (bounded) and is retried when that arrives.
 * A peer that sends invalid data, or entries that never resolve, is disconnected and blocked
 * after `maxOffences`; forks are stored as evidence and reported.
 *
 * The rooms of core/replication:
 * - replicator.ts (aquadoggo's manager.rs): the festivals taken part in, the connections,
 *   what becomes of each entry taken in (told, pushed on, waiting), health;
 * - connection.ts (session.rs): one peer connection, its frames and live pushes, over the
 *   narrow `ConnectionHost` (connection-host.ts) of what it needs from the replicator;
 *   sync-sessions.ts: its sync sessions, by log heights or by reconciliation;
 * - log-set.ts, reconcile.ts, reconcile-session.ts: range-based reconciliation of the logs
 *   two peers hold (the trie of log keys and its fingerprints, one side's answer to a round,
 *   one session's rounds);
 * - intake.ts: the one queue entries are taken in by, and the batches peers' entries join;
 * - ingest.ts (ingest.rs): one entry checked for scope, validated and stored, with a result;
 *   ingest-batch.ts: many at once, in one store batch;
 * - waiting.ts: entries waiting for what they build on, filed by typed dependency, bounded;
 * - offences.ts: offences and blocking; health.ts: the health figures;
 * - held-logs.ts: the logs held, by author and log; scope.ts: which logs belong to which
 *   festival, and the one order logs are sent in (by syncs and bundles);
 * - options.ts: options, defaults and the one clock; events.ts: what listeners are told;
 * - messages.ts, framing.ts, transport.ts, memory-link.ts: the wire and its transports;
 * - bundle.ts, qr.ts: sync with no network, as a signed file or QR codes.
 */
import type { PublishResult } from '../api/publish.js';
import { PandaError } from '../errors.js';
import { festivalSchemaRegistry } from '../festival/schemas.js';
import { generateHash, type Hash } from '../hash/hash.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { LogInfo, Store } from '../storage/store.js';
import type { ConnectionHost } from './connection-host.js';
import { Connection } from './connection.js';
import type { ReplicatorEvent } from './events.js';
import { ReassemblyBudget } from './framing.js';
import { Activity, festivalHealth, IntakeFigures, type ReplicationHealth } from './health.js';
import { HeldLogs, heightsOf } from './held-logs.js';
import { ingestBatch, storedOperation } from './ingest-batch.js';
import type { CheckedEntry } from '../api/publish.js';
import { ingestEntry, prepareEntry, type IngestContext, type IngestResult } from './ingest.js';
import { Intake, type Incoming as IncomingEntry, type Received } from './intake.js';
import { authorWithin, pushLive, type LivePushContext } from './live-push.js';
import { LogSets } from './log-set.js';
import type { TargetHeights } from './messages.js';
import { Offences } from './offences.js';
import { settingsOf, type ReplicatorOptions, type ReplicatorSettings } from './options.js';
import { logsToSend, ScopeIndex, syncTarget } from './scope.js';
import type { Transport } from './transport.js';
import { WaitingEntries, type Dependency } from './waiting.js';

export { Connection } from './connection.js';
export type { ReplicatorEvent } from './events.js';
export type { FestivalHealth, PeerHealth, ReplicationHealth } from './health.js';
export type { Clock, ReplicatorOptions } from './options.js';

export type IngestOutcome = 'stored' | 'duplicate' | 'pending' | 'ignored';

type Incoming = IncomingEntry<Connection>;

export class Replicator {
  readonly schemas: SchemaRegistry;
  readonly index: ScopeIndex;
  readonly #settings: ReplicatorSettings;
  readonly #roots = new Set<Hash>();
  readonly #targets = new Map<string, Hash>();
  readonly #logs = new HeldLogs();
  /** The logs within festivals, as sets to reconcile. */
  readonly #logSets = new LogSets((roots) => [...this.index.logsByRoot(this.#logs.all(), roots).values()].flat());
  readonly #connections = new Set<Connection>();
  readonly #offences: Offences;
  readonly #activity = new Activity();
  readonly #waiting: WaitingEntries<Connection>;
  readonly #ingestContext: IngestContext;
  readonly #livePush: LivePushContext;
  readonly #host: ConnectionHost;
  readonly #intake = new Intake<Connection, CheckedEntry | IngestResult>(
    (incoming) => prepareEntry(this.schemas, incoming.entry, incoming.operation),
    (batch) => this.#takeBatch(batch),
  );
  readonly #intakeFigures = new IntakeFigures();
  readonly #listeners = new Set<(event: ReplicatorEvent) => void>();
  #closed = false;

  private constructor(
    readonly store: Store,
    options: ReplicatorOptions,
  ) {
    this.schemas = options.schemas ?? festivalSchemaRegistry();
    this.index = new ScopeIndex(this.schemas);
    const settings = (this.#settings = settingsOf(options));
    this.#offences = new Offences(settings.maxOffences);
    this.#waiting = new WaitingEntries({
      maxCount: settings.maxPending,
      maxBytes: settings.maxPendingBytes,
      maxCountPerOwner: settings.maxPendingPerConnection,
      maxBytesPerOwner: settings.maxPendingBytesPerConnection,
    });
    this.#ingestContext = { store, schemas: this.schemas, index: this.index, clock: settings.clock, isWaiting: (hash) => this.#waiting.has(hash) };
    this.#livePush = { index: this.index, logs: this.#logs, store, emit: (event) => this.emit(event) };
    this.#host = this.#connectionHost(settings);
    for (const festival of options.festivals ?? []) this.join(festival);
  }

  /** All a connection gets to see of this replicator. */
  #connectionHost(settings: ReplicatorSettings): ConnectionHost {
    return {
      settings,
      // Partial messages of all connections together (8 MiB).
      reassembly: new ReassemblyBudget(),
      store: this.store,
      targets: () => [...this.#targets.keys()],
      festivalOfTarget: (target) => this.festivalOfTarget(target),
      heightsFor: (targets) => this.#heightsFor(targets),
      logSet: (roots) => this.#logSets.of(new Set([...roots].filter((root) => this.#roots.has(root)))),
      logsToSend: (roots, theirs) =>
        logsToSend(this.index, new Set([...this.#logsByTarget(roots).values()].flat()), theirs, Math.floor(this.#settings.clock.now() / 1000)),
      receive: (connection, entry, operation, roots) => this.#intake.receive({ entry, operation, roots, connection }),
      offence: (connection, error) => this.#charge(connection, error),
      waitingOf: (connection) => this.#waiting.heldBy(connection),
      syncStarting: () => this.#expireWaiting(),
      synced: (connection) => this.emit({ type: 'synced', peer: connection.remoteId, festivals: [...connection.sharedRoots] }),
      closed: (connection) => this.#drop(connection),
    };
  }

  /** A replicator over `store`, after reading which logs it holds. */
  static async open(store: Store, options: ReplicatorOptions = {}): Promise<Replicator> {
    const replicator = new Replicator(store, options);
    await replicator.index.load(store);
    await replicator.#logs.load(store);
    return replicator;
  }

  get options(): Readonly<ReplicatorSettings> {
    return this.#settings;
  }

  /** Takes part in a festival (and everything nested in it); connected peers sync it at once. */
  join(festivalId: Hash): void {
    if (this.#roots.has(festivalId)) return;
    this.#roots.add(festivalId);
    this.#targets.set(syncTarget(festivalId), festivalId);
    for (const connection of this.#connections) connection.sync();
  }

  leave(festivalId: Hash): void {
    if (!this.#roots.delete(festivalId)) return;
    this.#targets.delete(syncTarget(festivalId));
    for (const connection of this.#connections) connection.forget(festivalId);
  }

  festivals(): Hash[] {
    return [...this.#roots];
  }

  /** The festival a sync target stands for, if this peer takes part in it. */
  festivalOfTarget(target: string): Hash | undefined {
    return this.#targets.get(target);
  }

  on(listener: (event: ReplicatorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: ReplicatorEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; replication goes on.
      }
    }
  }

  /** Starts replicating over `transport`; refused (closed at once) for a blocked peer. */
  connect(transport: Transport): Connection {
    const connection = new Connection(this.#host, transport);
    if (this.#closed || this.#offences.isBlocked(transport.remoteId)) {
      connection.close('REPLICATION_PEER_BLOCKED', 'This peer is blocked');
      return connection;
    }
    this.#connections.add(connection);
    this.emit({ type: 'connected', peer: transport.remoteId });
    connection.sync();
    return connection;
  }

  #drop(connection: Connection): void {
    // What it had us hold waits for nothing now: its entries come again from whoever has them.
    this.#waiting.dropOwner(connection);
    if (this.#connections.delete(connection)) this.emit({ type: 'disconnected', peer: connection.remoteId });
  }

  /** Starts a new sync on every connection. */
  resync(): void {
    for (const connection of this.#connections) connection.sync();
  }

  /**
   * Tells peers about an entry this device just published (it is already in the store):
   * live connections get it at once.
   */
  announce(entry: Uint8Array, operation: Uint8Array): Promise<IngestOutcome> {
    return this.#intake.enqueue(() => this.#take({ entry, operation, roots: undefined, connection: undefined }, true));
  }

  /**
   * Validates and stores an entry from elsewhere (a peer, a bundle): exactly the checks every
   * replicated entry goes through. Rejects with the PandaError of invalid data.
   */
  ingest(entry: Uint8Array, operation: Uint8Array, roots?: ReadonlySet<Hash>): Promise<IngestOutcome> {
    return this.#intake.enqueue(() => this.#take({ entry, operation, roots, connection: undefined }, false));
  }

  /** Takes an entry in; what it was rejected for counts against the connection it came in on. */
  async #takeCharging(incoming: Incoming): Promise<void> {
    try {
      await this.#take(incoming, false);
    } catch (error) {
      if (incoming.connection) this.#charge(incoming.connection, error);
    }
  }

  /**
   * Takes in a batch of entries from peers (`ingestBatch`), then tells and pushes them on
   * one by one; what each was rejected for counts against its connection.
   */
  async #takeBatch(batch: ReadonlyArray<Received<Connection, CheckedEntry | IngestResult>>): Promise<void> {
    const results = await ingestBatch(this.#ingestContext, batch, this.#intakeFigures);
    const telling = performance.now();
    for (const [i, item] of batch.entries()) {
      try {
        await this.#settle(results[i]!, item, false);
      } catch (error) {
        if (item.connection) this.#charge(item.connection, error);
      }
    }
    this.#intakeFigures.told(performance.now() - telling);
  }

  /** Takes an entry in; rejects with the PandaError of invalid data. `announced`: published here, stored already. */
  async #take(incoming: Incoming, announced: boolean): Promise<IngestOutcome> {
    return this.#settle(await ingestEntry(this.#ingestContext, incoming.entry, incoming.operation, incoming.roots), incoming, announced);
  }

  /** What becomes of an entry after ingest: noted, told and pushed on if stored, held if it waits. */
  async #settle(result: IngestResult, incoming: Incoming, announced: boolean): Promise<IngestOutcome> {
    switch (result.kind) {
      case 'stored':
        return this.#stored(result.published, incoming);
      case 'duplicate':
        return announced ? this.#stored(result.published, incoming) : 'duplicate';
      case 'waiting':
        return result.held ? 'pending' : this.#wait(result.dependency, incoming);
      case 'fork':
        this.#activity.forked();
        this.emit({ type: 'fork', publicKey: result.publicKey, logId: result.logId, seqNum: result.seqNum, from: incoming.connection?.remoteId });
        return 'ignored';
      case 'ignored':
        return 'ignored';
      case 'rejected':
        throw result.error;
    }
  }

  /** Notes a stored entry, tells listeners and live peers, and retries what waited for it. */
  async #stored(published: PublishResult, incoming: Incoming): Promise<IngestOutcome> {
    const { hash, documentId, operation } = published;
    const { publicKey } = published.entry;
    const logId = Number(published.entry.logId);
    const seqNum = Number(published.entry.seqNum);
    const stored = storedOperation(published, incoming.operation);
    this.index.add(stored);
    this.#logs.note({ publicKey, logId, documentId, schemaId: operation.schemaId, latestSeqNum: seqNum, latestHash: hash });
    // The logs held, or their scope, may have changed.
    this.#logSets.clear();
    this.#activity.wrote(publicKey, this.#settings.clock.now());
    const from = incoming.connection;
    this.emit({ type: 'entry', hash, publicKey, documentId, operation: stored, from: from?.remoteId });
    pushLive(this.#livePush, this.#connections, { entry: incoming.entry, operation: incoming.operation, documentId, author: publicKey, seqNum }, from);
    await this.#wake({ kind: 'log-entry', publicKey, logId, seqNum });
    await this.#wake({ kind: 'operation', id: hash });
    return published.duplicate ? 'duplicate' : 'stored';
  }

  #wait(dependency: Dependency, incoming: Incoming): IngestOutcome {
    const now = this.#settings.clock.now();
    this.#expireWaiting(now);
    const { connection, entry, operation, roots } = incoming;
    if (connection?.closed) return 'ignored';
    const outcome = this.#waiting.add({ hash: generateHash(entry), entry, operation, owner: connection, roots, dependency, since: now });
    // Full: not held; it comes again with the next sync, once what it waits for is here.
    return outcome === 'full' ? 'ignored' : 'pending';
  }

  async #wake(dependency: Dependency): Promise<void> {
    for (const item of this.#waiting.take(dependency)) {
      await this.#takeCharging({ entry: item.entry, operation: item.operation, roots: item.roots, connection: item.owner });
    }
  }

  /**
   * Drops received entries that have waited longer than `pendingTimeout`: each connection
   * that sent some is charged one offence (what they build on never came).
   */
  #expireWaiting(now = this.#settings.clock.now()): void {
    const timeout = this.#settings.pendingTimeout;
    const oldest = this.#waiting.oldestSince();
    if (oldest === undefined || oldest >= now - timeout) return;
    for (const [connection, count] of this.#waiting.expire(now - timeout)) {
      this.#charge(connection, new PandaError('REPLICATION_ENTRY_UNRESOLVED', `${count} entries waited ${timeout} ms for entries this peer never sent`));
    }
  }

  /** Counts an error against the peer of `connection` (our own store's failures are only said); hangs up once it is blocked. */
  #charge(connection: Connection, error: unknown): void {
    if (connection.closed) return;
    const { events, hangUp } = this.#offences.charge(connection.remoteId, error);
    for (const event of events) this.emit(event);
    if (hangUp) connection.close('REPLICATION_PEER_BLOCKED', 'Too much invalid data');
  }

  /** Entries waiting for something they depend on. */
  get pendingCount(): number {
    return this.#waiting.count;
  }

  /** Bytes of the entries waiting, as counted against the limits. */
  get pendingBytes(): number {
    return this.#waiting.bytes;
  }

  /** Whether `author` has written anything within `roots`. */
  authorWithin(author: string, roots: ReadonlySet<Hash>): boolean {
    return authorWithin(this.#livePush, author, roots);
  }

  /** The logs held within `roots`, by sync target. */
  #logsByTarget(roots: ReadonlySet<Hash>): Map<string, LogInfo[]> {
    const byRoot = this.index.logsByRoot(this.#logs.all(), roots);
    return new Map([...byRoot].map(([root, logs]) => [syncTarget(root), logs]));
  }

  /** Local heights of logs within the festivals of `targets`. */
  #heightsFor(targets: Iterable<string>): { have: TargetHeights; roots: Set<Hash> } {
    const roots = new Set<Hash>();
    for (const target of targets) {
      const festival = this.#targets.get(target);
      if (festival !== undefined) roots.add(festival);
    }
    const have: TargetHeights = new Map();
    for (const [target, logs] of this.#logsByTarget(roots)) have.set(target, heightsOf(logs));
    return { have, roots };
  }

  /** The latest seq held of a log (0: none). */
  heldSeq(publicKey: string, logId: number): number {
    return this.#logs.latestSeq(publicKey, logId);
  }

  isBlocked(peer: string): boolean {
    return this.#offences.isBlocked(peer);
  }

  unblock(peer: string): void {
    this.#offences.unblock(peer);
  }

  health(): ReplicationHealth {
    const connections = [...this.#connections];
    const [byTarget, remotes] = [this.#logsByTarget(this.#roots), connections.map((connection) => connection.remoteHeights)];
    const held = (publicKey: string, logId: number) => this.heldSeq(publicKey, logId);
    const festivals = [...this.#roots].map((id) => festivalHealth(id, byTarget.get(syncTarget(id)) ?? [], remotes, syncTarget(id), held));
    const peers = connections.map((connection) => connection.health());
    const [authors, forks, blocked] = [this.#activity.authors(), this.#activity.forks, this.#offences.blocked()];
    return { peers, festivals, authors, forks, blocked, intake: this.#intakeFigures.health };
  }

  /** Closes every connection. */
  close(): void {
    this.#closed = true;
    for (const connection of [...this.#connections]) connection.close();
  }

  /** Resolves once everything received so far has been validated and stored. */
  async idle(): Promise<void> {
    for (;;) {
      const queue = this.#intake.tail;
      const inboxes = [...this.#connections].map((connection) => connection.inbox);
      await Promise.all([queue, ...inboxes]);
      if (queue === this.#intake.tail && [...this.#connections].every((connection, i) => connection.inbox === inboxes[i])) return;
    }
  }
}
