import { PandaError } from '../core/errors.js';
import { bytesToHex } from '../core/bytes.js';
import { MAX_FRAME_SIZE, type Transport } from '../core/replication/transport.js';
import { festivalTopic, isPeerId } from './signaling.js';
import type { TransportInfo } from './webrtc-network.js';

/**
 * Messages on a festival's BroadcastChannel (structured clone, not JSON):
 * - `{kind:'hello', from, to?}`: a tab joined (or wants to start over with `to`);
 * - `{kind:'welcome', from, to}`: the answer to a hello;
 * - `{kind:'frame', from, to, frame}`: one frame of the virtual connection from -> to;
 * - `{kind:'bye', from, to?}`: a tab closed its connection to `to` (to everyone without);
 * - `{kind:'ping', from}`: every `heartbeatMs`, so tabs that vanished are noticed.
 */
type BroadcastMessage =
  | { kind: 'hello'; from: string; to?: string }
  | { kind: 'welcome'; from: string; to: string }
  | { kind: 'frame'; from: string; to: string; frame: Uint8Array }
  | { kind: 'bye'; from: string; to?: string }
  | { kind: 'ping'; from: string };

/** The part of BroadcastChannel used here (browsers, workers and Node have it). */
export interface BroadcastChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: never) => void) | null;
}

export type BroadcastChannelClass = new (name: string) => BroadcastChannelLike;

export interface BroadcastNetworkOptions {
  /** Festivals to join right away. */
  festivals?: readonly string[] | undefined;
  /** This tab's id; random by default. */
  tabId?: string | undefined;
  /** Default `globalThis.BroadcastChannel`. */
  BroadcastChannel?: BroadcastChannelClass | undefined;
  /** Called for every new connection to another tab in a festival. */
  onTransport?: ((transport: Transport, info: TransportInfo) => void) | undefined;
  /** Pings go out this often (default 5,000 ms)... */
  heartbeatMs?: number | undefined;
  /** ...and a tab not heard of for this long is gone (default 75,000 ms: background tabs run timers once a minute). */
  timeoutMs?: number | undefined;
}

function parseMessage(value: unknown): BroadcastMessage | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const from = record['from'];
  const to = record['to'];
  if (!isPeerId(from)) return undefined;
  switch (record['kind']) {
    case 'hello':
      if (to !== undefined && !isPeerId(to)) return undefined;
      return to === undefined ? { kind: 'hello', from } : { kind: 'hello', from, to };
    case 'welcome':
      return isPeerId(to) ? { kind: 'welcome', from, to } : undefined;
    case 'frame': {
      const frame = record['frame'];
      if (!isPeerId(to) || !(frame instanceof Uint8Array) || frame.byteLength > MAX_FRAME_SIZE) return undefined;
      return { kind: 'frame', from, to, frame };
    }
    case 'bye':
      if (to !== undefined && !isPeerId(to)) return undefined;
      return to === undefined ? { kind: 'bye', from } : { kind: 'bye', from, to };
    case 'ping':
      return { kind: 'ping', from };
    default:
      return undefined;
  }
}

/**
 * A virtual point-to-point connection to one other tab over a festival's BroadcastChannel.
 * Nothing is buffered (`bufferedAmount` is always 0); delivery is reliable and in order as
 * long as both tabs live.
 */
class BroadcastTransport implements Transport {
  readonly remoteId: string;
  readonly bufferedAmount = 0;
  onClose: (() => void) | undefined = undefined;
  lastSeen = Date.now();
  #onFrame: ((frame: Uint8Array) => void) | undefined = undefined;
  #queued: Uint8Array[] = [];
  #closed = false;

  constructor(
    remoteId: string,
    private readonly post: (message: BroadcastMessage) => void,
    private readonly localId: string,
    private readonly gone: (transport: BroadcastTransport, ended: boolean) => void,
  ) {
    this.remoteId = remoteId;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get onFrame(): ((frame: Uint8Array) => void) | undefined {
    return this.#onFrame;
  }

  set onFrame(handler: ((frame: Uint8Array) => void) | undefined) {
    this.#onFrame = handler;
    if (!handler) return;
    const queued = this.#queued;
    this.#queued = [];
    for (const frame of queued) this.receive(frame);
  }

  send(frame: Uint8Array): void {
    if (!(frame instanceof Uint8Array)) throw new PandaError('INPUT_INVALID', 'A frame must be a Uint8Array');
    if (frame.byteLength > MAX_FRAME_SIZE) {
      throw new PandaError('INPUT_INVALID', `A frame may have at most ${MAX_FRAME_SIZE} bytes`, {
        size: frame.byteLength,
        max: MAX_FRAME_SIZE,
      });
    }
    if (this.#closed) {
      throw new PandaError('TRANSPORT_CLOSED', `The connection to tab ${this.remoteId} is closed`, { remoteId: this.remoteId });
    }
    // Structured clone copies the whole underlying buffer of a view: send just the frame.
    const copy = frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength ? frame : frame.slice();
    this.post({ kind: 'frame', from: this.localId, to: this.remoteId, frame: copy });
  }

  drained(_threshold: number): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.post({ kind: 'bye', from: this.localId, to: this.remoteId });
    } catch {
      // channel already closed
    }
    queueMicrotask(() => this.finish(true));
  }

  receive(frame: Uint8Array): void {
    if (this.#closed) return;
    const handler = this.#onFrame;
    if (!handler) {
      this.#queued.push(frame);
      return;
    }
    try {
      handler(frame);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** Closed from either side (`ended`: on purpose, not by a timeout): fires onClose once. */
  finish(ended: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queued = [];
    this.gone(this, ended);
    const onClose = this.onClose;
    if (!onClose) return;
    try {
      onClose();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

interface Room {
  festivalId: string;
  channel: BroadcastChannelLike;
  transports: Map<string, BroadcastTransport>;
  /** Tabs whose connection was ended on purpose: their pings do not bring it back. */
  ended: Set<string>;
}

function randomId(): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(12)));
}

/**
 * Tabs (and workers) of the same origin find each other over BroadcastChannel: one channel per
 * festival, named `festivalTopic(festivalId)`, and a virtual point-to-point `Transport` per
 * other tab in the festival (frames are tagged from/to; every tab sees every frame and keeps
 * its own). `onTransport` fires once per (tab, festival), as with `WebRtcNetwork`. A tab that
 * says bye (leave, close, `transport.close()`) or is not heard of for `timeoutMs` is gone:
 * its transport's `onClose` fires. No secret: everything on the origin is one trust domain.
 */
export class BroadcastNetwork {
  readonly tabId: string;
  onTransport: ((transport: Transport, info: TransportInfo) => void) | undefined;

  readonly #BroadcastChannel: BroadcastChannelClass;
  readonly #rooms = new Map<string, Room>(); // by festival id
  readonly #timeout: number;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: BroadcastNetworkOptions = {}) {
    const Channel = options.BroadcastChannel ?? (globalThis as { BroadcastChannel?: BroadcastChannelClass }).BroadcastChannel;
    if (typeof Channel !== 'function') {
      throw new PandaError('WEBRTC_UNAVAILABLE', 'No BroadcastChannel in this runtime');
    }
    if (options.tabId !== undefined && !isPeerId(options.tabId)) {
      throw new PandaError('INPUT_INVALID', 'A tab id has 1 to 128 characters out of A-Z a-z 0-9 _ . : -', {
        tabId: options.tabId,
      });
    }
    this.#BroadcastChannel = Channel;
    this.tabId = options.tabId ?? randomId();
    this.onTransport = options.onTransport;
    this.#timeout = options.timeoutMs ?? 75_000;
    const heartbeat = options.heartbeatMs ?? 5_000;
    this.#heartbeat = setInterval(() => this.#tick(), heartbeat);
    for (const festivalId of options.festivals ?? []) this.join(festivalId);
  }

  /** Ids of the festivals joined. */
  get festivals(): string[] {
    return [...this.#rooms.keys()];
  }

  /** Ids of the tabs connected in `festivalId`. */
  peers(festivalId: string): string[] {
    return [...(this.#rooms.get(festivalId)?.transports.keys() ?? [])];
  }

  join(festivalId: string): void {
    if (this.#closed) throw new PandaError('TRANSPORT_CLOSED', 'This network is closed');
    if (this.#rooms.has(festivalId)) return;
    const channel = new this.#BroadcastChannel(festivalTopic(festivalId));
    const room: Room = { festivalId, channel, transports: new Map(), ended: new Set() };
    this.#rooms.set(festivalId, room);
    channel.onmessage = (event: { data: unknown }) => {
      try {
        this.#receive(room, event.data);
      } catch {
        // never throw out of the channel's handler
      }
    };
    this.#post(room, { kind: 'hello', from: this.tabId });
  }

  leave(festivalId: string): void {
    const room = this.#rooms.get(festivalId);
    if (!room) return;
    this.#rooms.delete(festivalId);
    this.#post(room, { kind: 'bye', from: this.tabId });
    for (const transport of [...room.transports.values()]) transport.finish(true);
    room.channel.onmessage = null;
    try {
      room.channel.close();
    } catch {
      // ignore
    }
  }

  close(): void {
    if (this.#closed) return;
    for (const festivalId of this.festivals) this.leave(festivalId);
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }

  #post(room: Room, message: BroadcastMessage): void {
    try {
      room.channel.postMessage(message);
    } catch {
      // closed channel
    }
  }

  #receive(room: Room, data: unknown): void {
    if (this.#rooms.get(room.festivalId) !== room) return;
    const message = parseMessage(data);
    if (!message || message.from === this.tabId) return;
    if ('to' in message && message.to !== undefined && message.to !== this.tabId) return;
    const existing = room.transports.get(message.from);
    if (existing) existing.lastSeen = Date.now();
    switch (message.kind) {
      case 'hello':
        // A new tab, or one starting over: whatever we had with it is gone.
        existing?.finish(false);
        room.ended.delete(message.from);
        // The welcome goes out first: the other tab opens its end on it, and frames that
        // `onTransport` sends at once (a replicator's sync request) must not overtake it.
        this.#post(room, { kind: 'welcome', from: this.tabId, to: message.from });
        this.#open(room, message.from);
        break;
      case 'welcome':
        if (!existing) {
          room.ended.delete(message.from);
          this.#open(room, message.from);
        }
        break;
      case 'frame':
        existing?.receive(message.frame);
        break;
      case 'bye':
        room.ended.add(message.from);
        existing?.finish(true);
        break;
      case 'ping':
        // A tab we timed out is back (a background tab whose timers were throttled): start over.
        if (!existing && !room.ended.has(message.from)) this.#post(room, { kind: 'hello', from: this.tabId, to: message.from });
        break;
    }
  }

  #open(room: Room, remoteId: string): void {
    const transport = new BroadcastTransport(
      remoteId,
      (message) => {
        if (this.#rooms.get(room.festivalId) !== room) throw new PandaError('TRANSPORT_CLOSED', 'Festival left');
        room.channel.postMessage(message);
      },
      this.tabId,
      (gone, ended) => {
        if (room.transports.get(remoteId) === gone) room.transports.delete(remoteId);
        if (ended) room.ended.add(remoteId);
      },
    );
    room.transports.set(remoteId, transport);
    const handler = this.onTransport;
    if (!handler) return;
    try {
      handler(transport, { festivalId: room.festivalId, remoteId });
    } catch {
      // the handler's problem, not the channel's
    }
  }

  #tick(): void {
    const now = Date.now();
    for (const room of this.#rooms.values()) {
      this.#post(room, { kind: 'ping', from: this.tabId });
      for (const transport of [...room.transports.values()]) {
        if (now - transport.lastSeen > this.#timeout) transport.finish(false);
      }
    }
  }
}
