/**
 * Festival replication between peers, over any `Transport`, in the spirit of aquadoggo's
 * log-height strategy:
 *
 *   initiator                                  responder
 *   SyncRequest(session, live, my heights) ->
 *                                           <- Have(session, live, heights for the targets both share)
 *                                           <- Entry* (what the initiator lacks), SyncDone
 *   Entry* (what the responder lacks), SyncDone ->
 *
 * Peers in step exchange one request, one answer and a SyncDone: a few bytes per log.
 * With `live`, new entries are then pushed as they are stored. Every entry is validated
 * (signature, log integrity, schema, festival scope) before it is stored; one that depends
 * on something not here yet waits (bounded) and is retried when that arrives. A peer that
 * sends invalid data is disconnected and blocked after `maxOffences`; forks are stored as
 * evidence by `publish` and reported.
 */
import { publish } from '../api/publish.js';
import { assertEntrySignature, parseEntry } from '../entry/decode.js';
import { isPandaError, PandaError } from '../errors.js';
import { festivalSchemaRegistry } from '../festival/schemas.js';
import { generateHash, type Hash } from '../hash/hash.js';
import { decodeTypedOperation } from '../operation/decode-typed.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { LogInfo, Store } from '../storage/store.js';
import { FrameReader, FrameWriter } from './framing.js';
import { decodeMessage, encodeMessage, type LogHeights, type Message, type TargetHeights } from './messages.js';
import { placementOf, schemaRank, ScopeIndex, syncTarget } from './scope.js';
import type { Transport } from './transport.js';

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
  /** Entries waiting for something they depend on, at most (default 20,000). */
  maxPending?: number;
  clock?: Clock;
  /** Random numbers in [0, 1) for session ids (default Math.random). */
  random?: () => number;
}

export type ReplicatorEvent =
  | { type: 'entry'; hash: Hash; publicKey: string; documentId: Hash; from: string | undefined }
  | { type: 'fork'; publicKey: string; logId: number; seqNum: number; from: string | undefined }
  | { type: 'offence'; peer: string; code: string; message: string }
  | { type: 'blocked'; peer: string }
  | { type: 'connected'; peer: string }
  | { type: 'disconnected'; peer: string }
  | { type: 'synced'; peer: string; festivals: Hash[] };

export type IngestOutcome = 'stored' | 'duplicate' | 'pending' | 'ignored';

export interface PeerHealth {
  id: string;
  /** Festivals both sides share on this connection. */
  festivals: Hash[];
  live: boolean;
  /** When the last sync with this peer finished (ms since the epoch). */
  syncedAt: number | undefined;
  bytesSent: number;
  bytesReceived: number;
}

export interface FestivalHealth {
  id: Hash;
  /** Logs and entries held here. */
  logs: number;
  entries: number;
  /** Entries some connected peer has and this one does not (as of the last sync). */
  missing: number;
}

export interface ReplicationHealth {
  peers: PeerHealth[];
  festivals: FestivalHealth[];
  /** When each author was last seen writing (entries stored or published here), latest first. */
  authors: Array<{ publicKey: string; lastActive: number }>;
  forks: number;
  blocked: string[];
}

interface Source {
  /** The connection it came in on (none for a bundle). */
  connection?: Connection;
  roots: ReadonlySet<Hash>;
}

interface Waiting {
  entry: Uint8Array;
  operation: Uint8Array;
  source: Source | undefined;
}

/** Errors that mean "not yet": something this entry builds on has not arrived. */
const DEPENDENCY_CODES = new Set(['LOG_SEQ_GAP', 'DOCUMENT_UNKNOWN']);
/**
 * Errors that are nobody's offence: data from a newer version, or a fork by its author (a
 * validly signed entry whose backlink names another predecessor than the one held is one
 * too; `publish` keeps it as evidence either way).
 */
const FORK_CODES = new Set(['LOG_FORK', 'ENTRY_BACKLINK_MISMATCH']);
const HARMLESS_CODES = new Set(['SCHEMA_UNKNOWN', 'ENTRY_DUPLICATE', ...FORK_CODES]);

class NotYet extends Error {
  constructor(readonly key: string) {
    super(`waiting for ${key}`);
  }
}

const logKey = (publicKey: string, logId: number) => `${publicKey}/${logId}`;

export class Replicator {
  readonly schemas: SchemaRegistry;
  readonly index: ScopeIndex;
  readonly #options: Required<Omit<ReplicatorOptions, 'schemas' | 'festivals'>>;
  readonly #roots = new Set<Hash>();
  readonly #targets = new Map<string, Hash>();
  readonly #logs = new Map<string, LogInfo>();
  readonly #connections = new Set<Connection>();
  readonly #offences = new Map<string, number>();
  readonly #blocked = new Set<string>();
  readonly #lastActive = new Map<string, number>();
  readonly #pending = new Map<string, Waiting[]>();
  #pendingCount = 0;
  #forks = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<(event: ReplicatorEvent) => void>();
  #closed = false;

  private constructor(readonly store: Store, options: ReplicatorOptions) {
    this.schemas = options.schemas ?? festivalSchemaRegistry();
    this.index = new ScopeIndex(this.schemas);
    this.#options = {
      live: options.live ?? true,
      maxOffences: options.maxOffences ?? 3,
      syncTimeout: options.syncTimeout ?? 20_000,
      resyncInterval: options.resyncInterval ?? 60_000,
      highWaterMark: options.highWaterMark ?? 1024 * 1024,
      maxPending: options.maxPending ?? 20_000,
      clock: options.clock ?? systemClock,
      random: options.random ?? Math.random,
    };
    for (const festival of options.festivals ?? []) this.join(festival);
  }

  /** A replicator over `store`, after reading which logs it holds. */
  static async open(store: Store, options: ReplicatorOptions = {}): Promise<Replicator> {
    const replicator = new Replicator(store, options);
    await replicator.index.load(store);
    for (const log of await store.getLogs()) replicator.#logs.set(logKey(log.publicKey, log.logId), log);
    return replicator;
  }

  get options(): Readonly<Required<Omit<ReplicatorOptions, 'schemas' | 'festivals'>>> {
    return this.#options;
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
    const connection = new Connection(this, transport);
    if (this.#closed || this.#blocked.has(transport.remoteId)) {
      connection.close('REPLICATION_PEER_BLOCKED', 'This peer is blocked');
      return connection;
    }
    this.#connections.add(connection);
    this.emit({ type: 'connected', peer: transport.remoteId });
    connection.sync();
    return connection;
  }

  /** @internal */
  dropConnection(connection: Connection): void {
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
    return this.#enqueue(() => this.#ingest({ entry, operation, source: undefined }, true));
  }

  /**
   * Validates and stores an entry from elsewhere (a peer, a bundle): exactly the checks every
   * replicated entry goes through. Rejects with the PandaError of invalid data.
   */
  ingest(entry: Uint8Array, operation: Uint8Array, roots?: ReadonlySet<Hash>): Promise<IngestOutcome> {
    return this.#enqueue(() => this.#ingest({ entry, operation, source: roots ? { roots } : undefined }, false));
  }

  /** @internal An entry a connection received. */
  receive(connection: Connection, entry: Uint8Array, operation: Uint8Array, roots: ReadonlySet<Hash>): Promise<void> {
    return this.#enqueue(async () => {
      try {
        await this.#ingest({ entry, operation, source: { connection, roots } }, false);
      } catch (error) {
        connection.offence(error);
      }
    });
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #ingest(waiting: Waiting, announced: boolean): Promise<IngestOutcome> {
    const { entry, operation, source } = waiting;
    try {
      if (source) await this.#checkScope(entry, operation, source.roots);
      const result = await publish(this.store, this.schemas, entry, operation);
      if (result.duplicate && !announced) return 'duplicate';
      const { publicKey } = result.entry;
      const logId = Number(result.entry.logId);
      const seqNum = Number(result.entry.seqNum);
      this.index.add({
        id: result.hash,
        documentId: result.documentId,
        schemaId: result.operation.schemaId,
        publicKey,
        logId,
        seqNum,
        action: result.operation.action,
        bytes: operation,
      });
      const key = logKey(publicKey, logId);
      const held = this.#logs.get(key);
      if (!held || held.latestSeqNum < seqNum) {
        this.#logs.set(key, { publicKey, logId, documentId: result.documentId, schemaId: result.operation.schemaId, latestSeqNum: seqNum, latestHash: result.hash });
      }
      this.#lastActive.set(publicKey, this.#options.clock.now());
      this.emit({ type: 'entry', hash: result.hash, publicKey, documentId: result.documentId, from: source?.connection?.remoteId });
      this.#push(entry, operation, result.documentId, publicKey, source?.connection);
      await this.#wake(`log:${key}:${seqNum}`);
      await this.#wake(`op:${result.hash}`);
      return result.duplicate ? 'duplicate' : 'stored';
    } catch (error) {
      if (error instanceof NotYet) {
        if (await this.#recordForkIfAny(entry, source)) return 'ignored';
        return this.#wait(error.key, waiting);
      }
      if (!isPandaError(error)) throw error;
      if (DEPENDENCY_CODES.has(error.code)) {
        if (error.code === 'LOG_SEQ_GAP') {
          const { publicKey, logId, seqNum } = error.details as { publicKey: string; logId: number; seqNum: number };
          return this.#wait(`log:${logKey(publicKey, logId)}:${seqNum - 1}`, waiting);
        }
        return this.#wait(`op:${(error.details as { operationId: Hash }).operationId}`, waiting);
      }
      if (FORK_CODES.has(error.code)) {
        this.#forks++;
        const parsed = parseEntry(entry);
        this.emit({ type: 'fork', publicKey: parsed.publicKey, logId: Number(parsed.logId), seqNum: Number(parsed.seqNum), from: source?.connection?.remoteId });
      }
      if (HARMLESS_CODES.has(error.code)) return 'ignored';
      throw error;
    }
  }

  /**
   * Whether a received entry lies within the festivals of the session it came in: its
   * document's festival (from its CREATE, or from the document it updates) must be one of
   * `roots` or nested in one. Throws NotYet while what decides it has not arrived.
   */
  async #checkScope(entry: Uint8Array, operation: Uint8Array, roots: ReadonlySet<Hash>): Promise<void> {
    const decoded = decodeTypedOperation(operation, this.schemas.lookUp);
    if (decoded.action === 'create') {
      const placement = placementOf(decoded.schemaId, decoded.fields);
      if (placement.kind === 'profile') return;
      if (placement.kind === 'festival') {
        if (roots.has(generateHash(entry))) return;
        if (placement.parent === undefined) throw outOfScope();
        return this.#checkFestival(placement.parent, roots);
      }
      if (placement.kind === 'in-festival') return this.#checkFestival(placement.festival, roots);
      throw outOfScope();
    }
    const previous = decoded.previous![0]!;
    const stored = await this.store.getOperation(previous);
    if (!stored) throw new NotYet(`op:${previous}`);
    if (this.index.rootsOf(stored.documentId, roots).length > 0 || this.index.isProfile(stored.documentId)) return;
    throw outOfScope();
  }

  #checkFestival(festivalId: Hash, roots: ReadonlySet<Hash>): void {
    const chain = this.index.ancestry(festivalId);
    if (chain.some((id) => roots.has(id))) return;
    // The top of the known chain is not known as a festival yet: wait for it.
    const top = chain.at(-1)!;
    if (!this.index.knows(top)) throw new NotYet(`op:${top}`);
    throw outOfScope();
  }

  /**
   * An entry that cannot be placed yet may still contradict the log held here (same author,
   * log and position, or another predecessor): that is a fork whatever else is missing.
   */
  async #recordForkIfAny(bytes: Uint8Array, source: Source | undefined): Promise<boolean> {
    const entry = parseEntry(bytes);
    const logId = Number(entry.logId);
    const seqNum = Number(entry.seqNum);
    const hash = generateHash(bytes);
    const existing = await this.store.getEntry(entry.publicKey, logId, seqNum);
    const previous = existing || seqNum === 1 ? undefined : await this.store.getEntry(entry.publicKey, logId, seqNum - 1);
    const kind = existing && existing.hash !== hash ? 'seq' : previous && entry.backlink !== previous.hash ? 'backlink' : undefined;
    if (kind === undefined) return false;
    await assertEntrySignature(entry);
    await this.store.addForkEvidence({ publicKey: entry.publicKey, logId, seqNum: kind === 'seq' ? seqNum : seqNum - 1, kind, stored: (existing ?? previous)!.bytes, conflicting: bytes.slice(), detectedAt: Date.now() });
    this.#forks++;
    this.emit({ type: 'fork', publicKey: entry.publicKey, logId, seqNum, from: source?.connection?.remoteId });
    return true;
  }

  #wait(key: string, waiting: Waiting): IngestOutcome {
    if (this.#pendingCount >= this.#options.maxPending) {
      // Full: forget the oldest group; its entries come again with the next sync.
      const [oldest, list] = this.#pending.entries().next().value!;
      this.#pending.delete(oldest);
      this.#pendingCount -= list.length;
    }
    const list = this.#pending.get(key);
    if (list) list.push(waiting);
    else this.#pending.set(key, [waiting]);
    this.#pendingCount++;
    return 'pending';
  }

  async #wake(key: string): Promise<void> {
    const list = this.#pending.get(key);
    if (!list) return;
    this.#pending.delete(key);
    this.#pendingCount -= list.length;
    for (const waiting of list) {
      try {
        await this.#ingest(waiting, false);
      } catch (error) {
        waiting.source?.connection?.offence(error);
      }
    }
  }

  /** Entries waiting for something they depend on. */
  get pendingCount(): number {
    return this.#pendingCount;
  }

  #push(entry: Uint8Array, operation: Uint8Array, documentId: Hash, author: string, from: Connection | undefined): void {
    for (const connection of this.#connections) {
      if (connection === from || !connection.live) continue;
      const roots = connection.sharedRoots;
      if (this.index.rootsOf(documentId, roots).length > 0 || (this.index.isProfile(documentId) && this.authorWithin(author, roots))) {
        connection.pushEntry(entry, operation);
      }
    }
  }

  /** Whether `author` has written anything within `roots`. */
  authorWithin(author: string, roots: ReadonlySet<Hash>): boolean {
    for (const log of this.#logs.values()) {
      if (log.publicKey === author && this.index.rootsOf(log.documentId, roots).length > 0) return true;
    }
    return false;
  }

  /** @internal The logs held within `roots`, by sync target. */
  logsByTarget(roots: ReadonlySet<Hash>): Map<string, LogInfo[]> {
    const byRoot = this.index.logsByRoot([...this.#logs.values()], roots);
    return new Map([...byRoot].map(([root, logs]) => [syncTarget(root), logs]));
  }

  /** @internal Local heights of logs within the festivals of `targets`. */
  heightsFor(targets: Iterable<string>): { have: TargetHeights; roots: Set<Hash> } {
    const roots = new Set<Hash>();
    for (const target of targets) {
      const festival = this.#targets.get(target);
      if (festival !== undefined) roots.add(festival);
    }
    const have: TargetHeights = new Map();
    for (const [target, logs] of this.logsByTarget(roots)) {
      const authors: LogHeights = new Map();
      for (const log of logs) {
        let byLog = authors.get(log.publicKey);
        if (!byLog) authors.set(log.publicKey, (byLog = new Map()));
        byLog.set(log.logId, log.latestSeqNum);
      }
      have.set(target, authors);
    }
    return { have, roots };
  }

  /** @internal The latest seq held of a log (0: none). */
  heldSeq(publicKey: string, logId: number): number {
    return this.#logs.get(logKey(publicKey, logId))?.latestSeqNum ?? 0;
  }

  /** @internal Counts an offence against a peer; true when it is now blocked. */
  offence(peer: string, code: string, message: string): boolean {
    const count = (this.#offences.get(peer) ?? 0) + 1;
    this.#offences.set(peer, count);
    this.emit({ type: 'offence', peer, code, message });
    if (count < this.#options.maxOffences) return false;
    if (!this.#blocked.has(peer)) {
      this.#blocked.add(peer);
      this.emit({ type: 'blocked', peer });
    }
    return true;
  }

  isBlocked(peer: string): boolean {
    return this.#blocked.has(peer);
  }

  unblock(peer: string): void {
    this.#blocked.delete(peer);
    this.#offences.delete(peer);
  }

  health(): ReplicationHealth {
    const peers = [...this.#connections].map((connection) => connection.health());
    const byTarget = this.logsByTarget(this.#roots);
    const festivals: FestivalHealth[] = [];
    for (const festival of this.#roots) {
      const target = syncTarget(festival);
      const logs = byTarget.get(target) ?? [];
      let missing = 0;
      for (const connection of this.#connections) {
        let behind = 0;
        for (const [publicKey, byLog] of connection.remoteHeights.get(target) ?? []) {
          for (const [logId, seqNum] of byLog) behind += Math.max(0, seqNum - this.heldSeq(publicKey, logId));
        }
        missing = Math.max(missing, behind);
      }
      festivals.push({ id: festival, logs: logs.length, entries: logs.reduce((sum, log) => sum + log.latestSeqNum, 0), missing });
    }
    const authors = [...this.#lastActive].map(([publicKey, lastActive]) => ({ publicKey, lastActive })).sort((a, b) => b.lastActive - a.lastActive);
    return { peers, festivals, authors, forks: this.#forks, blocked: [...this.#blocked] };
  }

  /** Closes every connection. */
  close(): void {
    this.#closed = true;
    for (const connection of [...this.#connections]) connection.close();
  }

  /** Resolves once everything received so far has been validated and stored. */
  async idle(): Promise<void> {
    for (;;) {
      const queue = this.#queue;
      const inboxes = [...this.#connections].map((connection) => connection.inbox);
      await Promise.all([queue, ...inboxes]);
      if (queue === this.#queue && [...this.#connections].every((connection, i) => connection.inbox === inboxes[i])) return;
    }
  }
}

function outOfScope(): PandaError {
  return new PandaError('REPLICATION_OUT_OF_SCOPE', 'The entry belongs to no festival this sync is about');
}

interface Session {
  id: number;
  initiator: boolean;
  sentDone: boolean;
  gotDone: boolean;
  timer: unknown;
}

/** One peer connection: its sessions, its frames, its live pushes. */
export class Connection {
  readonly remoteId: string;
  /** Festivals both sides share (set by the latest sync). */
  sharedRoots: ReadonlySet<Hash> = new Set();
  /** The other side's log heights from the latest sync, by target. */
  remoteHeights: TargetHeights = new Map();
  live = false;
  syncedAt: number | undefined;
  readonly #writer: FrameWriter;
  readonly #reader: FrameReader;
  #session: Session | undefined;
  #inbox: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  #resyncTimer: unknown;
  #closed = false;

  constructor(
    private readonly replicator: Replicator,
    private readonly transport: Transport,
  ) {
    this.remoteId = transport.remoteId;
    this.#writer = new FrameWriter((frame) => this.#sendFrame(frame));
    this.#reader = new FrameReader((message) => this.#onMessage(message));
    transport.onFrame = (frame) => {
      if (this.#closed) return;
      try {
        this.#reader.read(frame);
      } catch (error) {
        this.offence(error);
      }
    };
    transport.onClose = () => this.#closedByTransport();
  }

  get bytesSent(): number {
    return this.#writer.bytesOut;
  }

  get bytesReceived(): number {
    return this.#reader.bytesIn;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** @internal Settles once the messages received so far have been handled. */
  get inbox(): Promise<void> {
    return this.#inbox;
  }

  health(): PeerHealth {
    return {
      id: this.remoteId,
      festivals: [...this.sharedRoots],
      live: this.live,
      syncedAt: this.syncedAt,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
    };
  }

  #sendFrame(frame: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.transport.send(frame);
    } catch {
      this.close();
    }
  }

  #send(message: Message): void {
    if (this.#closed) return;
    this.#writer.push(encodeMessage(message));
  }

  /** Sends what is queued, waiting while the transport's buffer is over the high-water mark. */
  async #drain(): Promise<void> {
    this.#writer.flush();
    const high = this.replicator.options.highWaterMark;
    if (!this.#closed && this.transport.bufferedAmount > high) await this.transport.drained(high / 2);
  }

  #newSessionId(): number {
    return 1 + Math.floor(this.replicator.options.random() * 0xfffffffe);
  }

  /** Starts a sync (unless one is running). */
  sync(): void {
    if (this.#closed || this.#session) return;
    const targets = [...this.replicator.festivals()].map((festival) => syncTarget(festival));
    if (targets.length === 0) return;
    const { have } = this.replicator.heightsFor(targets);
    const session: Session = { id: this.#newSessionId(), initiator: true, sentDone: false, gotDone: false, timer: undefined };
    this.#session = session;
    this.#touch(session);
    this.#send({ type: 'sync-request', session: session.id, live: this.replicator.options.live, have });
    this.#writer.flush();
  }

  /** Stops sharing a festival the replicator left. */
  forget(festivalId: Hash): void {
    const roots = new Set(this.sharedRoots);
    roots.delete(festivalId);
    this.sharedRoots = roots;
  }

  #touch(session: Session): void {
    const clock = this.replicator.options.clock;
    clock.clearTimeout(session.timer);
    session.timer = clock.setTimeout(() => {
      if (this.#session !== session) return;
      // No progress: whatever was lost comes again with a fresh sync.
      this.#session = undefined;
      this.sync();
    }, this.replicator.options.syncTimeout);
  }

  #endSession(session: Session): void {
    const clock = this.replicator.options.clock;
    clock.clearTimeout(session.timer);
    if (this.#session === session) this.#session = undefined;
    this.syncedAt = clock.now();
    this.replicator.emit({ type: 'synced', peer: this.remoteId, festivals: [...this.sharedRoots] });
    const interval = this.replicator.options.resyncInterval;
    if (interval > 0) {
      clock.clearTimeout(this.#resyncTimer);
      this.#resyncTimer = clock.setTimeout(() => this.sync(), interval);
    }
  }

  #onMessage(bytes: Uint8Array): void {
    let message: Message;
    try {
      message = decodeMessage(bytes);
    } catch (error) {
      this.offence(error);
      return;
    }
    if (message.type === 'entry') {
      // Entries are validated in arrival order by the replicator's queue, within the
      // festivals shared at that point. Before any are (the answer that names them was
      // lost), an entry is dropped: it comes again with the next sync.
      this.#inbox = this.#inbox.then(() => {
        if (this.sharedRoots.size === 0) return;
        return this.replicator.receive(this, message.entry, message.operation, this.sharedRoots);
      });
      return;
    }
    // Everything else runs after the entries before it have been handed over.
    this.#inbox = this.#inbox.then(() => this.#handle(message)).catch((error: unknown) => this.offence(error));
  }

  async #handle(message: Exclude<Message, { type: 'entry' }>): Promise<void> {
    if (this.#closed) return;
    switch (message.type) {
      case 'sync-request': {
        const mine = this.#session;
        // Both asked at once: the lower session id goes on, the other side answers it.
        if (mine?.initiator && !mine.gotDone && mine.id < message.session) return;
        if (mine) this.replicator.options.clock.clearTimeout(mine.timer);
        const session: Session = { id: message.session, initiator: false, sentDone: false, gotDone: false, timer: undefined };
        this.#session = session;
        this.#touch(session);
        const { have, roots } = this.replicator.heightsFor(message.have.keys());
        this.#share(roots, message.have, message.live);
        this.#send({ type: 'have', session: session.id, live: this.replicator.options.live, have });
        // Sent alongside, not awaited: the other side's entries keep being taken in meanwhile.
        void this.#sendMissing(session, message.have).catch(() => this.close());
        return;
      }
      case 'have': {
        const session = this.#session;
        if (!session || session.id !== message.session || !session.initiator) return;
        this.#touch(session);
        const roots = new Set<Hash>();
        for (const target of message.have.keys()) {
          const festival = this.replicator.festivalOfTarget(target);
          if (festival !== undefined) roots.add(festival);
        }
        this.#share(roots, message.have, message.live);
        void this.#sendMissing(session, message.have).catch(() => this.close());
        return;
      }
      case 'sync-done': {
        const session = this.#session;
        if (!session || session.id !== message.session) return;
        session.gotDone = true;
        if (session.sentDone) this.#endSession(session);
        else this.#touch(session);
        return;
      }
      case 'error':
        this.close();
        return;
    }
  }

  #share(roots: Set<Hash>, remote: TargetHeights, remoteLive: boolean): void {
    this.sharedRoots = roots;
    const shared: TargetHeights = new Map();
    for (const [target, heights] of remote) if (this.replicator.festivalOfTarget(target) !== undefined) shared.set(target, heights);
    this.remoteHeights = shared;
    this.live = this.replicator.options.live && remoteLive;
  }

  /** Sends every entry of the shared festivals that `remote` lacks, by log and seq, then SyncDone. */
  async #sendMissing(session: Session, remote: TargetHeights): Promise<void> {
    const store = this.replicator.store;
    const logs = new Map<string, LogInfo>();
    for (const list of this.replicator.logsByTarget(this.sharedRoots).values()) for (const log of list) logs.set(`${log.publicKey}/${log.logId}`, log);
    const theirs = (log: LogInfo) => {
      let seqNum = 0;
      for (const authors of remote.values()) seqNum = Math.max(seqNum, authors.get(log.publicKey)?.get(log.logId) ?? 0);
      return seqNum;
    };
    const index = this.replicator.index;
    const wanted = [...logs.values()]
      .map((log) => ({ log, from: theirs(log) + 1 }))
      .filter(({ log, from }) => log.latestSeqNum >= from)
      // What others build on first: festivals, profiles, resources, events, authorizations;
      // a document's own log before other authors' updates to it.
      .sort(
        (a, b) =>
          schemaRank(a.log.schemaId) - schemaRank(b.log.schemaId) ||
          Number(index.ownerOf(a.log.documentId) !== a.log.publicKey) - Number(index.ownerOf(b.log.documentId) !== b.log.publicKey) ||
          (a.log.publicKey < b.log.publicKey ? -1 : a.log.publicKey > b.log.publicKey ? 1 : a.log.logId - b.log.logId),
      );
    for (const { log, from } of wanted) {
      for (const entry of await store.getEntries(log.publicKey, log.logId, from)) {
        if (this.#closed || this.#session !== session) return;
        const operation = await store.getOperation(entry.hash);
        if (!operation) continue;
        // Session 0: an entry stands on its own (its festival decides whether it is welcome),
        // and a one-byte session id saves four bytes on every entry.
        this.#send({ type: 'entry', session: 0, entry: entry.bytes, operation: operation.bytes });
        if (this.transport.bufferedAmount > this.replicator.options.highWaterMark) await this.#drain();
      }
      this.#touch(session);
    }
    if (this.#closed || this.#session !== session) return;
    this.#send({ type: 'sync-done', session: session.id });
    session.sentDone = true;
    await this.#drain();
    if (session.gotDone) this.#endSession(session);
  }

  /** @internal A live push of a newly stored entry. */
  pushEntry(entry: Uint8Array, operation: Uint8Array): void {
    this.#send({ type: 'entry', session: 0, entry, operation });
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#writer.flush();
    });
  }

  /** @internal Counts invalid data from this peer; hangs up once it is blocked. */
  offence(error: unknown): void {
    if (this.#closed) return;
    const code = isPandaError(error) ? error.code : 'REPLICATION_MESSAGE_INVALID';
    const message = error instanceof Error ? error.message : String(error);
    if (this.replicator.offence(this.remoteId, code, message)) this.close('REPLICATION_PEER_BLOCKED', 'Too much invalid data');
  }

  /** Hangs up (telling the other side why, if given). */
  close(code?: string, reason?: string): void {
    if (this.#closed) return;
    if (code !== undefined) {
      this.#send({ type: 'error', code, message: reason ?? '' });
      this.#writer.flush();
    }
    this.#shutdown();
    this.transport.close();
  }

  #closedByTransport(): void {
    if (this.#closed) return;
    this.#shutdown();
  }

  #shutdown(): void {
    this.#closed = true;
    const clock = this.replicator.options.clock;
    if (this.#session) clock.clearTimeout(this.#session.timer);
    clock.clearTimeout(this.#resyncTimer);
    this.#session = undefined;
    this.replicator.dropConnection(this);
  }
}
