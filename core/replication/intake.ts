/**
 * The one queue every entry from elsewhere is taken in by, so that entries are validated and
 * stored in the order they came: a bundle's entries and this device's own announcements one
 * by one, entries from peers in batches.
 *
 * A peer's entry joins the batch the queue takes in next, and is checked on its own at once
 * (`prepare`: its signature verified, its operation decoded), so that a batch is verified
 * while the one before it is stored. Its connection goes on reading while that batch fills;
 * once the batch is full, the connection waits until the queue has taken it up (`room`): what
 * a fast peer can make us hold unstored is one batch.
 */
import type { Hash } from '../hash/hash.js';

/** An entry being taken in, within `roots` (none: unscoped), from `connection` (none: a bundle, or this device). */
export interface Incoming<C> {
  entry: Uint8Array;
  operation: Uint8Array;
  roots: ReadonlySet<Hash> | undefined;
  connection: C | undefined;
}

/** A peer's entry as a batch holds it: checked on its own (`prepare`) since it came. */
export interface Received<C, P> extends Incoming<C> {
  prepared: Promise<P>;
}

/**
 * Entries from peers taken in together, at most. A batch is checked against the store in
 * one go: in a page, about 25 ms of main thread for 128.
 */
export const MAX_BATCH = 128;

export class Intake<C, P> {
  #queue: Promise<unknown> = Promise.resolve();
  /** Entries received and not taken in yet, and when the queue's job that takes them in starts. */
  #incoming: Array<Received<C, P> & { taken: () => void }> = [];
  #nextBatchStarted: Promise<void> | undefined;

  /** `prepare` checks a received entry on its own; `takeBatch` takes in one batch of received entries, on the queue. */
  constructor(
    private readonly prepare: (incoming: Incoming<C>) => Promise<P>,
    private readonly takeBatch: (batch: ReadonlyArray<Received<C, P>>) => Promise<void>,
  ) {}

  /** Runs `work` once everything queued before it is done. */
  enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Files a peer's entry for the next batch: `taken` once it was taken in, `room` (when the batch is full) once the next may fill. */
  receive(incoming: Incoming<C>): { taken: Promise<void>; room: Promise<void> | undefined } {
    let taken!: () => void;
    const done = new Promise<void>((resolve) => (taken = resolve));
    const prepared = this.prepare(incoming);
    // Awaited when its batch is taken in; a failure meanwhile is no unhandled rejection.
    prepared.catch(() => undefined);
    this.#incoming.push({ ...incoming, prepared, taken });
    if (this.#incoming.length === 1) {
      let started!: () => void;
      this.#nextBatchStarted = new Promise<void>((resolve) => (started = resolve));
      void this.enqueue(() => {
        started();
        return this.#takeNextBatch();
      });
    }
    return { taken: done, room: this.#incoming.length >= MAX_BATCH ? this.#nextBatchStarted : undefined };
  }

  /** Resolves once everything queued so far is done (the queue may have grown meanwhile). */
  get tail(): Promise<unknown> {
    return this.#queue;
  }

  async #takeNextBatch(): Promise<void> {
    const batch = this.#incoming;
    this.#incoming = [];
    try {
      await this.takeBatch(batch);
    } finally {
      for (const item of batch) item.taken();
    }
  }
}
