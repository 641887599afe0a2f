/**
 * The one queue every entry from elsewhere is taken in by, so that entries are validated and
 * stored in the order they came: a bundle's entries and this device's own announcements one
 * by one, entries from peers in batches.
 *
 * A peer's entry joins the batch the queue takes in next. Its connection goes on reading while
 * that batch fills (the batch before it is stored meanwhile); once the batch is full, the
 * connection waits until the queue has taken it up (`room`): what a fast peer can make us hold
 * unstored is one batch.
 */
import type { Hash } from '../hash/hash.js';

/** An entry being taken in, within `roots` (none: unscoped), from `connection` (none: a bundle, or this device). */
export interface Incoming<C> {
  entry: Uint8Array;
  operation: Uint8Array;
  roots: ReadonlySet<Hash> | undefined;
  connection: C | undefined;
}

/**
 * Entries from peers taken in together, at most. A batch is checked against the store in
 * one go: in a page, about 25 ms of main thread for 128.
 */
export const MAX_BATCH = 128;

export class Intake<C> {
  #queue: Promise<unknown> = Promise.resolve();
  /** Entries received and not taken in yet, and when the queue's job that takes them in starts. */
  #incoming: Array<Incoming<C> & { taken: () => void }> = [];
  #nextBatchStarted: Promise<void> | undefined;

  /** `takeBatch` takes in one batch of received entries; it runs on the queue. */
  constructor(private readonly takeBatch: (batch: ReadonlyArray<Incoming<C>>) => Promise<void>) {}

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
    this.#incoming.push({ ...incoming, taken });
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
