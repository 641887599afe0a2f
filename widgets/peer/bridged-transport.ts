/**
 * A replication transport across the page and the in-page peer's worker: the data channel
 * stays on the page (`TransportBridge`), the replicator in the worker sees a `Transport` of
 * its own (`BridgedTransports`). Frames cross as messages, in order both ways.
 *
 * Back-pressure holds across the bridge: the worker counts the bytes it sent and the page
 * reports, after each burst of sends, how many of them it handed to the channel and the
 * channel's `bufferedAmount` then; so the worker's `bufferedAmount` is what the channel holds
 * plus what is still on its way to it, and `drained` waits for the channel itself.
 */
import type { Transport } from '../../core/index.js';
import type { FromWorker, MessageEnd, ToWorker } from './worker-messages.js';

type TransportMessage<M, K> = Extract<M, { kind: K }>;

/** The page's end: its networks' transports, each forwarded to the worker under an id. */
export class TransportBridge {
  readonly #transports = new Map<number, { transport: Transport; handled: number; reporting: boolean }>();
  #nextId = 1;

  constructor(private readonly worker: MessageEnd<ToWorker>) {}

  /** Hands `transport` over to the worker's replicator. */
  add(transport: Transport): void {
    const id = this.#nextId++;
    const state = { transport, handled: 0, reporting: false };
    this.#transports.set(id, state);
    this.worker.postMessage({ kind: 'transport', id, remoteId: transport.remoteId });
    transport.onFrame = (frame) => this.worker.postMessage({ kind: 'frame', id, frame });
    transport.onClose = () => {
      if (this.#transports.delete(id)) this.worker.postMessage({ kind: 'closed', id });
    };
  }

  /** What the worker asks of a transport. */
  handle(message: TransportMessage<FromWorker, 'send' | 'close-transport' | 'drain'>): void {
    const state = this.#transports.get(message.id);
    if (!state) return;
    const { transport } = state;
    switch (message.kind) {
      case 'send':
        transport.send(message.frame);
        state.handled += message.frame.byteLength;
        // One report per burst of frames, once the page's task has sent them all.
        if (!state.reporting) {
          state.reporting = true;
          queueMicrotask(() => {
            state.reporting = false;
            this.#report(message.id);
          });
        }
        return;
      case 'drain':
        void transport.drained(message.threshold).then(() => this.#report(message.id, message.ticket));
        return;
      case 'close-transport':
        transport.close();
        return;
    }
  }

  #report(id: number, ticket?: number): void {
    const state = this.#transports.get(id);
    const amount = state?.transport.bufferedAmount ?? 0;
    const message: ToWorker = { kind: 'buffered', id, handled: state?.handled ?? 0, amount };
    this.worker.postMessage(ticket === undefined ? message : { ...message, ticket });
  }

  /** Closes every transport (the page's peer is closing). */
  close(): void {
    for (const { transport } of [...this.#transports.values()]) transport.close();
    this.#transports.clear();
  }
}

/** The worker's end of one bridged transport. */
class BridgedTransport implements Transport {
  onFrame: ((frame: Uint8Array) => void) | undefined = undefined;
  onClose: (() => void) | undefined = undefined;
  /** Bytes sent to the page, and of them handed to the channel with its buffer then, as last reported. */
  #sent = 0;
  #handled = 0;
  #channelBuffered = 0;
  #closed = false;
  readonly #drains = new Map<number, () => void>();
  #nextTicket = 1;

  constructor(
    readonly remoteId: string,
    private readonly id: number,
    private readonly page: MessageEnd<FromWorker>,
  ) {}

  get bufferedAmount(): number {
    return this.#channelBuffered + (this.#sent - this.#handled);
  }

  send(frame: Uint8Array): void {
    if (this.#closed) return;
    this.#sent += frame.byteLength;
    this.page.postMessage({ kind: 'send', id: this.id, frame });
  }

  drained(threshold: number): Promise<void> {
    if (this.#closed || this.bufferedAmount <= threshold) return Promise.resolve();
    const ticket = this.#nextTicket++;
    return new Promise((resolve) => {
      this.#drains.set(ticket, resolve);
      this.page.postMessage({ kind: 'drain', id: this.id, threshold, ticket });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.page.postMessage({ kind: 'close-transport', id: this.id });
    this.closed();
  }

  reported(handled: number, amount: number, ticket: number | undefined): void {
    this.#handled = handled;
    this.#channelBuffered = amount;
    if (ticket === undefined) return;
    this.#drains.get(ticket)?.();
    this.#drains.delete(ticket);
  }

  frame(frame: Uint8Array): void {
    if (!this.#closed) this.onFrame?.(frame);
  }

  /** Gone, whichever side closed it: `onClose` once, and nobody waits for a drain any more. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const resolve of this.#drains.values()) resolve();
    this.#drains.clear();
    this.onClose?.();
  }
}

/** The worker's end: a `Transport` for each the page bridges, handed to `onTransport`. */
export class BridgedTransports {
  readonly #transports = new Map<number, BridgedTransport>();

  constructor(
    private readonly page: MessageEnd<FromWorker>,
    private readonly onTransport: (transport: Transport) => void,
  ) {}

  /** What the page says of its transports. */
  handle(message: TransportMessage<ToWorker, 'transport' | 'frame' | 'closed' | 'buffered'>): void {
    if (message.kind === 'transport') {
      const transport = new BridgedTransport(message.remoteId, message.id, this.page);
      this.#transports.set(message.id, transport);
      this.onTransport(transport);
      return;
    }
    const transport = this.#transports.get(message.id);
    if (!transport) return;
    if (message.kind === 'frame') transport.frame(message.frame);
    else if (message.kind === 'buffered') transport.reported(message.handled, message.amount, message.ticket);
    else {
      this.#transports.delete(message.id);
      transport.closed();
    }
  }
}
