/**
 * One peer connection (after aquadoggo's `replication/session.rs`): its frames, its live
 * pushes, and its sync sessions (sync-sessions.ts). It knows its replicator only through
 * `ConnectionHost` (connection-host.ts), which is all a session needs: the festivals taken
 * part in, the local logs (as heights and as sets to reconcile) and logs to send, and where
 * received entries, offences and the end of a sync go.
 *
 * A sync reconciles the logs of the festivals both sides take part in (sync-sessions.ts runs
 * it, reconcile-session.ts decides what to say, reconcile.ts answers each range):
 *
 *   initiator                                        responder
 *   Reconcile(session, live, [target, fingerprint of all its logs]*) ->          (62 B for one festival)
 *                                     <- Ranges(round 1, live, same: [targets in step], differ: [targets that differ],
 *                                              ranges: the root's four children, or its logs if few)
 *   Nothing differs: the sync is over, for both (15 B back). Otherwise the logs of the
 *   targets that differ are reconciled together, a digit deeper each round: a range whose
 *   fingerprints differ is answered with its children's fingerprints, or the heights of
 *   its logs once few; heights are answered with what the answerer is behind in ("want"):
 *   Ranges(round 2: fingerprints, logs) ->
 *                                     <- Ranges(round 3: fingerprints, logs, wants)
 *   ...                                              (a round that asks nothing is the last)
 *   Then whoever was told heights sends what the other lacks (one batch, in sync order) and
 *   a SyncDone, which the one who told them waits for:  Entry*, SyncDone ->  /  <- Entry*, SyncDone
 *
 * With a peer that asked in log heights, and whenever reconciling would cost more than the
 * heights (the side about to send the next round sends a SyncRequest under the session's id
 * instead), as in aquadoggo:
 *
 *   SyncRequest(session, live, my heights) ->
 *                                     <- Have(session, live, heights for the targets both share)
 *                                     <- Entry* (what the initiator lacks), SyncDone
 *   Entry* (what the responder lacks), SyncDone ->
 *
 * A malformed reconciliation message, or one that breaks its rules, is an offence that also
 * ends the connection: the conversation cannot go on.
 */
import { isPandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import type { ConnectionHost } from './connection-host.js';
import { FrameReader, FrameWriter } from './framing.js';
import type { PeerHealth } from './health.js';
import { decodeMessage, encodeMessage, type Message, type TargetHeights } from './messages.js';
import { SyncSessions } from './sync-sessions.js';
import type { Transport } from './transport.js';

export class Connection {
  readonly remoteId: string;
  readonly #host: ConnectionHost;
  readonly #transport: Transport;
  readonly #writer: FrameWriter;
  readonly #reader: FrameReader;
  readonly #sessions: SyncSessions;
  #inbox: Promise<void> = Promise.resolve();
  /** When the latest entry handed to the replicator was taken in. */
  #taken: Promise<void> = Promise.resolve();
  #flushScheduled = false;
  #closed = false;

  constructor(host: ConnectionHost, transport: Transport) {
    this.#host = host;
    this.#transport = transport;
    this.remoteId = transport.remoteId;
    this.#writer = new FrameWriter((frame) => this.#sendFrame(frame));
    this.#reader = new FrameReader((message) => this.#onMessage(message), host.reassembly);
    this.#sessions = new SyncSessions(host, {
      connection: this,
      closed: () => this.#closed,
      bufferedAmount: () => transport.bufferedAmount,
      send: (message) => this.#send(message),
      push: (bytes) => {
        if (!this.#closed) this.#writer.push(bytes);
      },
      flush: () => this.#writer.flush(),
      drain: () => this.#drain(),
      close: () => this.close(),
      refuse: (error) => this.#refuse(error),
    });
    transport.onFrame = (frame) => {
      if (this.#closed) return;
      try {
        this.#reader.read(frame);
      } catch (error) {
        this.#offence(error);
      }
    };
    transport.onClose = () => this.#closedByTransport();
  }

  /** Festivals both sides share (set by the latest sync). */
  get sharedRoots(): ReadonlySet<Hash> {
    return this.#sessions.sharedRoots;
  }

  /**
   * The other side's log heights from the latest sync, by target: all of them after a
   * log-height sync, those of the logs the two differed in after a reconciliation.
   */
  get remoteHeights(): TargetHeights {
    return this.#sessions.remoteHeights;
  }

  /** Whether new entries are pushed to the other side as they are stored (both sides asked for it). */
  get live(): boolean {
    return this.#sessions.live;
  }

  /** When the latest sync ended. */
  get syncedAt(): number | undefined {
    return this.#sessions.syncedAt;
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

  /** Settles once the messages received so far have been handled (entries: handed to the replicator). */
  get inbox(): Promise<void> {
    return this.#inbox;
  }

  health(): PeerHealth {
    const waiting = this.#host.waitingOf(this);
    return {
      id: this.remoteId,
      festivals: [...this.sharedRoots],
      live: this.live,
      syncedAt: this.syncedAt,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
      waiting: waiting.count,
      waitingBytes: waiting.bytes,
    };
  }

  /** Starts a sync (unless one is running). */
  sync(): void {
    this.#sessions.start();
  }

  /** Stops sharing a festival the replicator left. */
  forget(festivalId: Hash): void {
    this.#sessions.forget(festivalId);
  }

  /** Sends an entry at once (a live push of one just stored); frames go out together at the end of the task. */
  push(entry: Uint8Array, operation: Uint8Array): void {
    this.#send({ type: 'entry', session: 0, entry, operation });
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      this.#writer.flush();
    });
  }

  /** Hangs up (telling the other side why, if given). */
  close(code?: string, reason?: string): void {
    if (this.#closed) return;
    if (code !== undefined) {
      this.#send({ type: 'error', code, message: reason ?? '' });
      this.#writer.flush();
    }
    this.#shutdown();
    this.#transport.close();
  }

  #offence(error: unknown): void {
    if (!this.#closed) this.#host.offence(this, error);
  }

  /** An offence that ends the connection: the conversation it broke cannot go on. */
  #refuse(error: unknown): void {
    this.#offence(error);
    this.close('REPLICATION_MESSAGE_INVALID', error instanceof Error ? error.message : String(error));
  }

  #sendFrame(frame: Uint8Array): void {
    if (this.#closed) return;
    try {
      this.#transport.send(frame);
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
    const high = this.#host.settings.highWaterMark;
    if (!this.#closed && this.#transport.bufferedAmount > high) await this.#transport.drained(high / 2);
  }

  #onMessage(bytes: Uint8Array): void {
    let message: Message;
    try {
      message = decodeMessage(bytes);
    } catch (error) {
      const type = isPandaError(error) ? error.details?.type : undefined;
      if (type === 'reconcile' || type === 'ranges') this.#refuse(error);
      else this.#offence(error);
      return;
    }
    if (message.type === 'entry') {
      // Entries are validated in arrival order by the replicator's queue, within the
      // festivals shared at that point. Before any are (the answer that names them was
      // lost), an entry is dropped: it comes again with the next sync.
      this.#inbox = this.#inbox.then(() => {
        if (this.sharedRoots.size === 0) return;
        const { taken, room } = this.#host.receive(this, message.entry, message.operation, this.sharedRoots);
        this.#taken = taken;
        return room;
      });
      return;
    }
    // Everything else runs after the entries before it have been taken in.
    this.#inbox = this.#inbox
      .then(() => this.#taken)
      .then(() => {
        if (!this.#closed) this.#sessions.handle(message, bytes.length);
      })
      .catch((error: unknown) => this.#offence(error));
  }

  #closedByTransport(): void {
    if (this.#closed) return;
    this.#shutdown();
  }

  #shutdown(): void {
    this.#closed = true;
    this.#sessions.stop();
    this.#reader.close();
    this.#host.closed(this);
  }
}
