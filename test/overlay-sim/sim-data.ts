/**
 * How entries travel in the simulator: replication runs between neighbours only (the active
 * view's connections), as the Replicator's `Connection` per link does, so an entry reaches
 * peers its author never met by being passed on, hop by hop. Modelled, with the sizes of the
 * real messages (README "Replication"):
 *
 * - a new connection syncs once (the lower id asks), then every `resyncInterval`: a request
 *   of 62 bytes, an answer of 15 bytes when in step, about 900 bytes of reconciliation rounds
 *   when not, then each side sends the entries the other lacks (in frames of 16 KiB; a lost
 *   frame loses the entries in it, the next sync brings them);
 * - a new entry goes on as a note (the log's 6-byte key and its new height, 10 bytes), not in
 *   full: neighbours that lack it want it (10 bytes) from the first that noted it, asking the
 *   next noter when the entry does not come within `wantTimeout`. Notes skip neighbours known
 *   to hold the entry (their last sync summary, what they noted or sent). Only the author
 *   pushes its entry in full at once, since no neighbour can hold it yet.
 *
 * That is the proposal for the Replicator (today it pushes every stored entry in full to
 * every live connection but the one it came from: over a partial view that is about
 * `activeTarget - 1` times the data per peer). Each entry is one log's next height here;
 * what a note stands for in the real protocol is a height in the log-height summary.
 */
export const FRAME_OVERHEAD = 4;
export const ENTRY_MESSAGE_OVERHEAD = 12;
export const NOTE_ITEM_SIZE = 10;
/** A note also says how many hops from its author the noter holds the entry (one byte). */
const NOTE_HOPS_SIZE = 1;
/** Notes of an entry are gathered this long before it is wanted from the noter nearest its author. */
const NOTE_WINDOW_MS = 20;
/** A want not answered is asked again this often of the same noter when no other noted it. */
const WANT_RETRIES = 2;
export const SYNC_REQUEST_SIZE = 62;
export const SYNC_IN_STEP_SIZE = 15;
export const SYNC_ROUNDS_SIZE = 900;
const FRAME_SIZE = 16 * 1024;
/** Messages kept per peer before it is a neighbour (the real transport keeps up to 4,096 frames). */
const MAX_EARLY = 64;

export type DataMessage =
  | { type: 'note'; ids: number[]; hops: number[] }
  | { type: 'want'; ids: number[] }
  | { type: 'entries'; items: Array<{ id: number; hops: number }> }
  | { type: 'sync'; have: ReadonlySet<number> }
  | { type: 'sync-reply'; have: ReadonlySet<number> };

export interface DataHost {
  readonly self: string;
  now(): number;
  after(ms: number, run: () => void): void;
  send(to: string, message: DataMessage, size: number): void;
  sizeOf(id: number): number;
  /** `id` was stored here, `hops` from its author. */
  stored(id: number, hops: number): void;
  /** `id` came again (its bytes were wasted). */
  duplicate(id: number): void;
  readonly resyncInterval: number;
  readonly wantTimeout: number;
  /** Today's Replicator instead: every stored entry pushed in full to every neighbour but its sender. */
  readonly fullPush: boolean;
}

interface Neighbour {
  /** What the neighbour is known to hold: its latest sync summary, and what it noted or sent since. */
  summary: ReadonlySet<number>;
  extra: Set<number>;
  notes: number[];
  wants: number[];
  flushing: boolean;
}

export class PeerData {
  readonly held = new Set<number>();
  readonly #hops = new Map<number, number>();
  readonly #neighbours = new Map<string, Neighbour>();
  readonly #wanted = new Map<number, { from: string; hops: number; others: string[]; retries: number }>();
  /**
   * Messages from a peer that is not a neighbour yet: the side that accepts a neighbour starts
   * replicating before its answer arrives, and the real transport keeps frames until the
   * replicator takes the channel (datachannel-transport.ts), so they wait for `neighbourUp`.
   */
  readonly #early = new Map<string, DataMessage[]>();

  constructor(private readonly host: DataHost) {}

  /** Holds entries from the start (a peer that was there before), at hop 0. */
  seed(ids: Iterable<number>): void {
    for (const id of ids) {
      this.held.add(id);
      this.#hops.set(id, 0);
    }
  }

  neighbourUp(peer: string): void {
    if (this.#neighbours.has(peer)) return;
    const neighbour: Neighbour = { summary: new Set(), extra: new Set(), notes: [], wants: [], flushing: false };
    this.#neighbours.set(peer, neighbour);
    if (this.host.self < peer) {
      this.#sync(peer);
      const again = () => {
        if (this.#neighbours.get(peer) !== neighbour) return;
        this.#sync(peer);
        this.host.after(this.host.resyncInterval, again);
      };
      this.host.after(this.host.resyncInterval, again);
    }
    const early = this.#early.get(peer) ?? [];
    this.#early.delete(peer);
    for (const message of early) this.message(peer, message);
  }

  neighbourDown(peer: string): void {
    this.#neighbours.delete(peer);
  }

  /** The connection to `peer` is gone: what it sent before it became a neighbour goes with it. */
  linkGone(peer: string): void {
    this.#early.delete(peer);
  }

  /** This peer writes entry `id`: in full to every neighbour. */
  publish(id: number): void {
    this.held.add(id);
    this.#hops.set(id, 0);
    this.host.stored(id, 0);
    for (const peer of this.#neighbours.keys()) this.#sendEntries(peer, [id]);
  }

  message(from: string, message: DataMessage): void {
    const neighbour = this.#neighbours.get(from);
    if (!neighbour) {
      const early = this.#early.get(from) ?? [];
      this.#early.set(from, early);
      if (early.length < MAX_EARLY) early.push(message);
      return;
    }
    switch (message.type) {
      case 'sync':
        neighbour.summary = message.have;
        neighbour.extra.clear();
        this.host.send(
          from,
          { type: 'sync-reply', have: new Set(this.held) },
          FRAME_OVERHEAD + (this.#differs(message.have) ? SYNC_ROUNDS_SIZE : SYNC_IN_STEP_SIZE),
        );
        return this.#sendEntries(from, this.#lacking(message.have));
      case 'sync-reply':
        neighbour.summary = message.have;
        neighbour.extra.clear();
        return this.#sendEntries(from, this.#lacking(message.have));
      case 'entries':
        for (const { id, hops } of message.items) {
          neighbour.extra.add(id);
          if (this.held.has(id)) this.host.duplicate(id);
          else this.#store(id, hops, from);
        }
        return;
      case 'note':
        for (const [i, id] of message.ids.entries()) {
          neighbour.extra.add(id);
          if (this.held.has(id)) continue;
          const hops = message.hops[i]!;
          const wanted = this.#wanted.get(id);
          if (!wanted) {
            this.#wanted.set(id, { from, hops, others: [], retries: 0 });
            this.host.after(NOTE_WINDOW_MS, () => {
              const chosen = this.#wanted.get(id);
              if (chosen && !this.held.has(id)) this.#want(chosen.from, id);
            });
          } else if (wanted.from !== from && wanted.others.length < 4) {
            // Within the window, the noter nearest the author is the one asked.
            if (hops < wanted.hops && wanted.retries === 0) {
              wanted.others.push(wanted.from);
              wanted.from = from;
              wanted.hops = hops;
            } else wanted.others.push(from);
          }
        }
        return;
      case 'want':
        return this.#sendEntries(
          from,
          message.ids.filter((id) => this.held.has(id)),
        );
    }
  }

  #sync(peer: string): void {
    this.host.send(peer, { type: 'sync', have: new Set(this.held) }, FRAME_OVERHEAD + SYNC_REQUEST_SIZE);
  }

  #differs(theirs: ReadonlySet<number>): boolean {
    if (theirs.size !== this.held.size) return true;
    for (const id of theirs) if (!this.held.has(id)) return true;
    return false;
  }

  #lacking(theirs: ReadonlySet<number>): number[] {
    const lacking: number[] = [];
    for (const id of this.held) if (!theirs.has(id)) lacking.push(id);
    return lacking;
  }

  #store(id: number, hops: number, from: string): void {
    this.held.add(id);
    this.#hops.set(id, hops);
    this.#wanted.delete(id);
    this.host.stored(id, hops);
    for (const [peer, neighbour] of this.#neighbours) {
      if (this.host.fullPush && peer !== from) {
        this.#sendEntries(peer, [id]);
        continue;
      }
      if (peer === from || neighbour.summary.has(id) || neighbour.extra.has(id)) continue;
      neighbour.notes.push(id);
      this.#flushSoon(peer, neighbour);
    }
  }

  #want(from: string, id: number): void {
    const neighbour = this.#neighbours.get(from);
    if (!neighbour) return;
    neighbour.wants.push(id);
    this.#flushSoon(from, neighbour);
    this.host.after(this.host.wantTimeout, () => {
      const wanted = this.#wanted.get(id);
      if (!wanted || wanted.from !== from || this.held.has(id)) return;
      wanted.retries++;
      let next = wanted.others.shift();
      while (next !== undefined && !this.#neighbours.has(next)) next = wanted.others.shift();
      if (next === undefined && wanted.retries <= WANT_RETRIES && this.#neighbours.has(from)) next = from;
      // Nobody else noted it: the next sync brings it.
      if (next === undefined) return void this.#wanted.delete(id);
      wanted.from = next;
      this.#want(next, id);
    });
  }

  /** Notes and wants to one neighbour go out together, a moment later. */
  #flushSoon(peer: string, neighbour: Neighbour): void {
    if (neighbour.flushing) return;
    neighbour.flushing = true;
    this.host.after(5, () => {
      neighbour.flushing = false;
      if (this.#neighbours.get(peer) !== neighbour) return;
      const notes = neighbour.notes.splice(0);
      if (notes.length > 0) {
        const hops = notes.map((id) => this.#hops.get(id)!);
        this.host.send(peer, { type: 'note', ids: notes, hops }, FRAME_OVERHEAD + (NOTE_ITEM_SIZE + NOTE_HOPS_SIZE) * notes.length);
      }
      const wants = neighbour.wants.splice(0);
      if (wants.length > 0) this.host.send(peer, { type: 'want', ids: wants }, FRAME_OVERHEAD + NOTE_ITEM_SIZE * wants.length);
    });
  }

  /** Entries in frames of 16 KiB: a frame lost loses its entries, not the others. */
  #sendEntries(to: string, ids: readonly number[]): void {
    const neighbour = this.#neighbours.get(to);
    let items: Array<{ id: number; hops: number }> = [];
    let size = 0;
    for (const id of ids) {
      const bytes = this.host.sizeOf(id) + ENTRY_MESSAGE_OVERHEAD;
      if (size + bytes > FRAME_SIZE && items.length > 0) {
        this.host.send(to, { type: 'entries', items }, size + FRAME_OVERHEAD);
        items = [];
        size = 0;
      }
      items.push({ id, hops: this.#hops.get(id)! + 1 });
      size += bytes;
      neighbour?.extra.add(id);
    }
    if (items.length > 0) this.host.send(to, { type: 'entries', items }, size + FRAME_OVERHEAD);
  }
}
