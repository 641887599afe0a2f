import { PandaError } from '../core/errors.js';
import { MAX_FRAME_SIZE, type Transport } from '../core/replication/transport.js';
import { closeQuietly } from './quiet-close.js';
import { systemTimers, type Timers } from './timers.js';

/**
 * The part of an RTCDataChannel the transport uses. Browsers' RTCDataChannel and
 * node-datachannel's polyfill (`node-datachannel/polyfill`) both have it.
 */
export interface DataChannelLike {
  readonly label: string;
  readonly readyState: RTCDataChannelState;
  readonly bufferedAmount: number;
  bufferedAmountLowThreshold: number;
  binaryType: BinaryType;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error' | 'bufferedamountlow', listener: (event: Event) => void): void;
  removeEventListener(type: 'open' | 'message' | 'close' | 'error' | 'bufferedamountlow', listener: (event: Event) => void): void;
}

/** Frames kept while nobody has set `onFrame` yet; more than this closes the transport. */
const MAX_QUEUED_FRAMES = 4096;
/**
 * `bufferedamountlow` only fires when the amount crosses the threshold set at the time. With
 * node-datachannel the amount is updated on another thread, so the crossing can happen between
 * reading it and raising the threshold: a slow poll makes sure `drained` still resolves.
 */
const DRAIN_POLL_MS = 100;

export interface DataChannelTransportOptions {
  /** Called once when the transport is closed, after `onClose` (for whoever owns the channel). */
  onClosed?: (() => void) | undefined;
  /** Timers (the drain poll); default the globals. */
  timers?: Timers | undefined;
}

interface DrainWaiter {
  threshold: number;
  resolve: () => void;
}

/**
 * A `Transport` over one open, ordered and reliable RTCDataChannel (browser or
 * node-datachannel). Frames are binary messages of at most `MAX_FRAME_SIZE` bytes; text
 * messages are ignored. Frames that arrive before `onFrame` is set are kept and handed over
 * as soon as it is. `onClose` fires once, whichever side closed the channel (or when the
 * channel failed).
 */
export class DataChannelTransport implements Transport {
  readonly remoteId: string;
  onClose: (() => void) | undefined = undefined;

  readonly #channel: DataChannelLike;
  #onFrame: ((frame: Uint8Array) => void) | undefined = undefined;
  #queued: Uint8Array[] = [];
  #closed = false;
  #waiters: DrainWaiter[] = [];
  #poll: unknown;
  readonly #timers: Timers;
  readonly #onClosed: (() => void) | undefined;
  readonly #listeners: Array<[Parameters<DataChannelLike['addEventListener']>[0], (event: Event) => void]>;

  /**
   * @param channel an open data channel (readyState 'open'); the transport owns it from now on.
   * @param remoteId the other peer's id, as the network knows it.
   * @param options `onClosed`: for the owner of the channel (a network), called once right
   * after `onClose`.
   * Throws `TRANSPORT_CLOSED` if the channel is closing or closed, `INPUT_INVALID` if it is
   * not open yet.
   */
  constructor(channel: DataChannelLike, remoteId: string, options: DataChannelTransportOptions = {}) {
    if (channel.readyState === 'closing' || channel.readyState === 'closed') {
      throw new PandaError('TRANSPORT_CLOSED', 'The data channel is already closed', { label: channel.label });
    }
    if (channel.readyState !== 'open') {
      throw new PandaError('INPUT_INVALID', 'A DataChannelTransport needs an open data channel', {
        readyState: channel.readyState,
      });
    }
    this.#channel = channel;
    this.remoteId = remoteId;
    this.#onClosed = options.onClosed;
    this.#timers = options.timers ?? systemTimers;
    channel.binaryType = 'arraybuffer';
    this.#listeners = [
      ['message', (event) => this.#receive((event as MessageEvent).data)],
      ['close', () => this.#finish()],
      ['bufferedamountlow', () => this.#checkWaiters()],
    ];
    for (const [type, listener] of this.#listeners) channel.addEventListener(type, listener);
  }

  /** The channel's label (the festival topic, for channels `WebRtcNetwork` opens). */
  get label(): string {
    return this.#channel.label;
  }

  /** Whether the transport is closed (no more frames either way). */
  get closed(): boolean {
    return this.#closed;
  }

  get bufferedAmount(): number {
    if (this.#closed) return 0;
    try {
      return this.#channel.bufferedAmount;
    } catch {
      return 0;
    }
  }

  get onFrame(): ((frame: Uint8Array) => void) | undefined {
    return this.#onFrame;
  }

  set onFrame(handler: ((frame: Uint8Array) => void) | undefined) {
    this.#onFrame = handler;
    if (handler && this.#queued.length > 0) {
      const queued = this.#queued;
      this.#queued = [];
      for (const frame of queued) {
        // A handler replaced or closed while flushing gets the rest the usual way.
        if (this.#onFrame !== handler) {
          this.#queued.push(frame);
          continue;
        }
        this.#deliver(frame);
      }
    }
  }

  /**
   * Sends one frame. Throws `INPUT_INVALID` for anything but a Uint8Array of at most
   * `MAX_FRAME_SIZE` bytes, `TRANSPORT_CLOSED` once closed (or if the channel refuses the
   * message, which also closes the transport).
   */
  send(frame: Uint8Array): void {
    if (!(frame instanceof Uint8Array)) {
      throw new PandaError('INPUT_INVALID', 'A frame must be a Uint8Array');
    }
    if (frame.byteLength > MAX_FRAME_SIZE) {
      throw new PandaError('INPUT_INVALID', `A frame may have at most ${MAX_FRAME_SIZE} bytes`, {
        size: frame.byteLength,
        max: MAX_FRAME_SIZE,
      });
    }
    if (this.#closed || this.#channel.readyState !== 'open') {
      throw new PandaError('TRANSPORT_CLOSED', `The connection to ${this.remoteId} is closed`, { remoteId: this.remoteId });
    }
    try {
      // A view on a SharedArrayBuffer cannot be sent; copying also detaches from later writes.
      const data = frame.buffer instanceof ArrayBuffer ? (frame as Uint8Array<ArrayBuffer>) : new Uint8Array(frame);
      this.#channel.send(data);
    } catch (error) {
      this.close();
      throw new PandaError('TRANSPORT_CLOSED', `Sending to ${this.remoteId} failed: ${String(error)}`, {
        remoteId: this.remoteId,
      });
    }
  }

  drained(threshold: number): Promise<void> {
    if (this.#closed || this.bufferedAmount <= threshold) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.#waiters.push({ threshold, resolve });
      this.#arm();
    });
  }

  close(): void {
    if (this.#closed) return;
    closeQuietly(this.#channel);
    // Do not wait for the channel's close event (it may never come if the connection died):
    // onClose fires once, on a later microtask, so the caller is not re-entered.
    queueMicrotask(() => this.#finish());
  }

  #receive(data: unknown): void {
    if (this.#closed) return;
    let frame: Uint8Array;
    if (data instanceof ArrayBuffer) frame = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) frame = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    else return; // text (or a Blob, which binaryType 'arraybuffer' rules out): not a frame
    if (frame.byteLength > MAX_FRAME_SIZE) return;
    if (this.#onFrame) {
      this.#deliver(frame);
      return;
    }
    if (this.#queued.length >= MAX_QUEUED_FRAMES) {
      this.close();
      return;
    }
    this.#queued.push(frame);
  }

  #deliver(frame: Uint8Array): void {
    try {
      this.#onFrame?.(frame);
    } catch (error) {
      // A throwing handler must not take the channel's event dispatch down with it.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  #arm(): void {
    const highest = Math.max(...this.#waiters.map((w) => w.threshold));
    try {
      this.#channel.bufferedAmountLowThreshold = Math.max(0, highest);
    } catch {
      // ignore: the poll still resolves the waiter
    }
    this.#poll ??= this.#timers.setInterval(() => this.#checkWaiters(), DRAIN_POLL_MS);
    this.#checkWaiters();
  }

  #checkWaiters(): void {
    if (this.#waiters.length === 0) return;
    const amount = this.bufferedAmount;
    const waiting: DrainWaiter[] = [];
    for (const waiter of this.#waiters) {
      if (this.#closed || amount <= waiter.threshold) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
    if (waiting.length === 0) {
      if (this.#poll !== undefined) this.#timers.clearInterval(this.#poll);
      this.#poll = undefined;
    } else if (!this.#closed) {
      try {
        this.#channel.bufferedAmountLowThreshold = Math.max(...waiting.map((w) => w.threshold));
      } catch {
        // ignore
      }
    }
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [type, listener] of this.#listeners) {
      try {
        this.#channel.removeEventListener(type, listener);
      } catch {
        // ignore
      }
    }
    this.#queued = [];
    this.#checkWaiters();
    if (this.#poll !== undefined) this.#timers.clearInterval(this.#poll);
    this.#poll = undefined;
    for (const callback of [this.onClose, this.#onClosed]) {
      if (!callback) continue;
      try {
        callback();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
