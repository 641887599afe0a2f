/**
 * The one queue every entry from elsewhere is taken in by, so that entries are validated and
 * stored in the order they came: a bundle's entries and this device's own announcements one
 * by one, entries from peers in batches.
 *
 * A peer's entry joins the batch that fills, and is checked on its own at once (`prepare`:
 * its signature verified, its operation decoded), so that batches are verified while the
 * one before them is stored. Its connection goes on reading while batches fill, until two
 * wait to be taken in (`room`: then it waits until the queue takes up the first): what a fast
 * peer can make us hold unstored is two batches, and there is always one being verified
 * while the queue is busy with another.
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
/** Batches that may wait to be taken in. */
const BATCHES_AHEAD = 2;

type Item<C, P> = Received<C, P> & { taken: () => void };

export class Intake<C, P> {
  #queue: Promise<unknown> = Promise.resolve();
  /** Batches received and not taken in yet, oldest first, each with when the queue's job that takes it in starts. */
  readonly #waiting: Array<{ items: Array<Item<C, P>>; started: Promise<void> }> = [];

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

  /** Files a peer's entry in the batch that fills: `taken` once it was taken in, `room` (when batches wait) once more may fill. */
  receive(incoming: Incoming<C>): { taken: Promise<void>; room: Promise<void> | undefined } {
    let taken!: () => void;
    const done = new Promise<void>((resolve) => (taken = resolve));
    const prepared = this.prepare(incoming);
    // Awaited when its batch is taken in; a failure meanwhile is no unhandled rejection.
    prepared.catch(() => undefined);
    const last = this.#waiting.at(-1);
    const batch = last && last.items.length < MAX_BATCH ? last : this.#newBatch();
    batch.items.push({ ...incoming, prepared, taken });
    const full = batch.items.length >= MAX_BATCH && this.#waiting.length >= BATCHES_AHEAD;
    return { taken: done, room: full ? this.#waiting[0]!.started : undefined };
  }

  /** A batch to fill, taken in by a job of the queue (which takes it out of the waiting ones as it starts). */
  #newBatch(): { items: Array<Item<C, P>>; started: Promise<void> } {
    let started!: () => void;
    const batch = { items: [] as Array<Item<C, P>>, started: new Promise<void>((resolve) => (started = resolve)) };
    this.#waiting.push(batch);
    void this.enqueue(async () => {
      this.#waiting.splice(this.#waiting.indexOf(batch), 1);
      started();
      try {
        await this.takeBatch(batch.items);
      } finally {
        for (const item of batch.items) item.taken();
      }
    });
    return batch;
  }

  /** Resolves once everything queued so far is done (the queue may have grown meanwhile). */
  get tail(): Promise<unknown> {
    return this.#queue;
  }
}
