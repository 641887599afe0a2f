/**
 * The sync sessions of one connection (drawn in connection.ts): which of two syncs started
 * at once goes on, the log-height steps, the rounds of a reconciliation (reconcile-session.ts
 * decides what to say), the entries sent at the end and the SyncDone after them, timeouts
 * and re-syncs, and what the latest sync found: the festivals shared, the other side's
 * heights, whether it is live. The connection hands it every message but entries.
 */
import type { Hash } from '../hash/hash.js';
import type { LogInfo } from '../storage/store.js';
import type { Connection } from './connection.js';
import type { ConnectionHost } from './connection-host.js';
import type { Message, TargetHeights } from './messages.js';
import { Reconciliation, type Step } from './reconcile-session.js';

/** What the sessions need of their connection's wire. */
export interface SessionWire {
  readonly connection: Connection;
  closed(): boolean;
  /** Bytes handed to the transport and not yet on their way. */
  bufferedAmount(): number;
  send(message: Message): void;
  /** Queues an encoded message. */
  push(bytes: Uint8Array): void;
  flush(): void;
  /** Flushes, then waits while the transport's buffer is over the high-water mark. */
  drain(): Promise<void>;
  close(): void;
  /** An offence that ends the connection. */
  refuse(error: unknown): void;
}

interface Session {
  id: number;
  initiator: boolean;
  sentDone: boolean;
  gotDone: boolean;
  timer: unknown;
  /** The reconciliation of this session (none: a log-height sync). */
  talk: Reconciliation | undefined;
}

export class SyncSessions {
  /** Festivals both sides share (set by the latest sync). */
  sharedRoots: ReadonlySet<Hash> = new Set();
  /**
   * The other side's log heights from the latest sync, by target: all of them after a
   * log-height sync, those of the logs the two differed in after a reconciliation.
   */
  remoteHeights: TargetHeights = new Map();
  live = false;
  syncedAt: number | undefined;
  #session: Session | undefined;
  #resyncTimer: unknown;
  /** The peer asked in log heights: it is answered in kind (an older peer may know nothing else). */
  #heightsOnly = false;

  constructor(
    private readonly host: ConnectionHost,
    private readonly wire: SessionWire,
  ) {}

  /** Starts a sync (unless one is running). */
  start(): void {
    if (this.wire.closed() || this.#session) return;
    this.host.syncStarting();
    if (this.wire.closed()) return;
    const targets = this.host.targets();
    if (targets.length === 0) return;
    const session = this.#begin(1 + Math.floor(this.host.settings.random() * 0xfffffffe), true);
    const live = this.host.settings.live;
    if (this.#heightsOnly) {
      this.wire.send({ type: 'sync-request', session: session.id, live, have: this.host.heightsFor(targets).have });
    } else {
      const { reconciliation, message } = Reconciliation.open(this.host, session.id, live, targets);
      session.talk = reconciliation;
      this.wire.send(message);
    }
    this.wire.flush();
  }

  /** Stops sharing a festival the replicator left. */
  forget(festivalId: Hash): void {
    const roots = new Set(this.sharedRoots);
    roots.delete(festivalId);
    this.sharedRoots = roots;
  }

  /** The connection closed. */
  stop(): void {
    const clock = this.host.settings.clock;
    if (this.#session) clock.clearTimeout(this.#session.timer);
    clock.clearTimeout(this.#resyncTimer);
    this.#session = undefined;
  }

  /** Handles a message of `size` bytes (entries go elsewhere). */
  handle(message: Exclude<Message, { type: 'entry' }>, size: number): void {
    switch (message.type) {
      case 'sync-request': {
        // A request under the current session id is a reconciliation turned log-height sync.
        if (message.session !== this.#session?.id) this.#heightsOnly = true;
        if (!this.#answers(message.session)) return;
        const session = this.#begin(message.session, false);
        const { have, roots } = this.host.heightsFor(message.have.keys());
        this.#share(roots, message.have, message.live);
        this.wire.send({ type: 'have', session: session.id, live: this.host.settings.live, have });
        // Sent alongside, not awaited: the other side's entries keep being taken in meanwhile.
        this.#sendMissing(session, message.have);
        return;
      }
      case 'have': {
        const session = this.#session;
        if (!session || session.id !== message.session || !session.initiator || session.talk) return;
        this.#touch(session);
        const roots = new Set<Hash>();
        for (const target of message.have.keys()) {
          const festival = this.host.festivalOfTarget(target);
          if (festival !== undefined) roots.add(festival);
        }
        this.#share(roots, message.have, message.live);
        this.#sendMissing(session, message.have);
        return;
      }
      case 'reconcile':
      case 'ranges':
        try {
          if (message.type === 'reconcile') this.#opened(message, size);
          else this.#ranges(message, size);
        } catch (error) {
          this.wire.refuse(error);
        }
        return;
      case 'sync-done': {
        const session = this.#session;
        if (!session || session.id !== message.session) return;
        session.gotDone = true;
        if (session.sentDone) this.#end(session);
        else this.#touch(session);
        return;
      }
      case 'error':
        this.wire.close();
        return;
    }
  }

  #begin(id: number, initiator: boolean): Session {
    const session: Session = { id, initiator, sentDone: false, gotDone: false, timer: undefined, talk: undefined };
    this.#session = session;
    this.#touch(session);
    return session;
  }

  /** Whether to answer a sync the peer starts: when both start one at once, the lower session id goes on. */
  #answers(session: number): boolean {
    const mine = this.#session;
    if (mine?.initiator && !mine.gotDone && mine.id < session) return false;
    if (mine) this.host.settings.clock.clearTimeout(mine.timer);
    return true;
  }

  #touch(session: Session): void {
    const { clock, syncTimeout } = this.host.settings;
    clock.clearTimeout(session.timer);
    session.timer = clock.setTimeout(() => {
      if (this.#session !== session) return;
      // No progress: whatever was lost comes again with a fresh sync.
      this.#session = undefined;
      this.start();
    }, syncTimeout);
  }

  #end(session: Session): void {
    const { clock, resyncInterval } = this.host.settings;
    clock.clearTimeout(session.timer);
    if (this.#session === session) this.#session = undefined;
    this.syncedAt = clock.now();
    this.host.synced(this.wire.connection);
    if (resyncInterval > 0) {
      clock.clearTimeout(this.#resyncTimer);
      this.#resyncTimer = clock.setTimeout(() => this.start(), resyncInterval);
    }
  }

  /** The responder's part of a Reconcile: round 1 names the targets both share, with the answers for them. */
  #opened(message: Extract<Message, { type: 'reconcile' }>, size: number): void {
    this.#heightsOnly = false;
    if (!this.#answers(message.session)) return;
    const session = this.#begin(message.session, false);
    const talk = (session.talk = new Reconciliation(this.host, session.id, this.host.settings.live, [...message.fingerprints.keys()]));
    const step = talk.opened(message.fingerprints, size);
    this.#share(talk.roots(), talk.remote, message.live);
    this.#step(session, talk, step);
  }

  /** A round of the reconciliation under way. */
  #ranges(message: Extract<Message, { type: 'ranges' }>, size: number): void {
    const session = this.#session;
    const talk = session?.talk;
    // A round repeated, late or of another session is dropped (a lost one: the session times out and syncs again).
    const step = talk?.heard(message, size);
    if (!session || !talk || !step) return;
    this.#touch(session);
    if (message.round === 1) this.#share(talk.roots(), talk.remote, message.live);
    this.#step(session, talk, step);
  }

  #step(session: Session, talk: Reconciliation, step: Step): void {
    if (step.heights) {
      // Reconciling would cost more than the heights: the same session goes on as a log-height sync.
      session.talk = undefined;
      session.initiator = true;
      this.wire.send({ type: 'sync-request', session: session.id, live: talk.live, have: this.host.heightsFor(step.heights).have });
      this.wire.flush();
      return;
    }
    if (step.say) this.wire.push(step.say);
    // After the last round: who was told heights sends what the other lacks (in the frames
    // after our last round) and a SyncDone; who told heights waits for it.
    if (step.over && !talk.listed) session.gotDone = true;
    if (step.over && talk.listedToUs) {
      this.#sendEntries(session, (log) => talk.theirs(log));
      return;
    }
    this.wire.flush();
    if (!step.over) return;
    session.sentDone = true;
    if (session.gotDone) this.#end(session);
  }

  #share(roots: Set<Hash>, remote: TargetHeights, remoteLive: boolean): void {
    this.sharedRoots = roots;
    const shared: TargetHeights = new Map();
    for (const [target, heights] of remote) if (this.host.festivalOfTarget(target) !== undefined) shared.set(target, heights);
    this.remoteHeights = shared;
    this.live = this.host.settings.live && remoteLive;
  }

  /** Sends every entry of the shared festivals that `remote` lacks, by log and seq, then SyncDone. */
  #sendMissing(session: Session, remote: TargetHeights): void {
    this.#sendEntries(session, (log) => {
      let seqNum = 0;
      for (const authors of remote.values()) seqNum = Math.max(seqNum, authors.get(log.publicKey)?.get(log.logId) ?? 0);
      return seqNum;
    });
  }

  /** Sends (not awaited) every entry of the shared festivals above `theirs(log)`, in sync order, then SyncDone. */
  #sendEntries(session: Session, theirs: (log: LogInfo) => number): void {
    void this.#streamEntries(session, theirs).catch(() => this.wire.close());
  }

  async #streamEntries(session: Session, theirs: (log: LogInfo) => number): Promise<void> {
    const { store, settings } = this.host;
    for (const { log, from } of this.host.logsToSend(this.sharedRoots, theirs)) {
      for (const entry of await store.getEntries(log.publicKey, log.logId, from)) {
        if (this.wire.closed() || this.#session !== session) return;
        const operation = await store.getOperation(entry.hash);
        if (!operation) continue;
        // Session 0: an entry stands on its own (its festival decides whether it is welcome),
        // and a one-byte session id saves four bytes on every entry.
        this.wire.send({ type: 'entry', session: 0, entry: entry.bytes, operation: operation.bytes });
        if (this.wire.bufferedAmount() > settings.highWaterMark) await this.wire.drain();
      }
      this.#touch(session);
    }
    if (this.wire.closed() || this.#session !== session) return;
    this.wire.send({ type: 'sync-done', session: session.id });
    session.sentDone = true;
    await this.wire.drain();
    if (session.gotDone) this.#end(session);
  }
}
