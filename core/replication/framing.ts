/**
 * Messages in frames of at most 16 KiB. Small messages are packed together (a frame of
 * many entries costs a few bytes more than the entries), large ones are cut into
 * fragments. A lost, repeated or late frame costs only the messages in it, never the ones
 * after, so replication also survives unreliable links: fragments may come in any order,
 * interleaved with those of other messages. Partial messages are bounded by bytes, not by
 * how many there are (reordered fragments of a large sync still complete): at most
 * `MAX_PARTIAL_BYTES` per reader and, with a shared `ReassemblyBudget`, in total over all
 * readers; over a bound, the oldest partial message is given up (it comes again with the
 * next sync).
 *
 * Frame: [kind][body]
 *   kind 0, packed:   ([length: LEB128][message bytes])*
 *   kind 1, fragment: [message id: LEB128][index: LEB128][count: LEB128][part bytes]
 */
import { PandaError } from '../errors.js';
import { MAX_MESSAGE_SIZE } from './messages.js';
import { MAX_FRAME_SIZE } from './transport.js';

const PACKED = 0;
const FRAGMENT = 1;
/** Room a fragment header takes at most (kind and three LEB128 numbers). */
const FRAGMENT_HEADER = 1 + 5 + 3 + 3;
/** Bytes of partial messages one reader keeps; more gives up its oldest partial message. */
export const MAX_PARTIAL_BYTES = 2 * 1024 * 1024;
/** Partial messages one reader keeps (each costs a little besides its bytes). */
export const MAX_PARTIAL_MESSAGES = 256;
/** Bytes counted for a partial message besides its parts. */
const PARTIAL_OVERHEAD = 256;

interface Partial {
  count: number;
  parts: Array<Uint8Array | undefined>;
  received: number;
  size: number;
  /** When it started, in the order of the budget (older is smaller). */
  stamp: number;
}

function frameError(message: string): never {
  throw new PandaError('REPLICATION_FRAME_INVALID', message);
}

function writeLeb128(target: number[], value: number): void {
  while (value >= 0x80) {
    target.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  target.push(value);
}

class ByteReader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  leb128(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.bytes.length) frameError('A frame ends inside a number');
      const byte = this.bytes[this.offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return frameError('A number in a frame is too long');
  }
}

/**
 * Packs messages into frames. `push` queues a message; frames are handed to `emit` as they
 * fill up, and `flush` sends the last, partly filled one.
 */
export class FrameWriter {
  #frame: Uint8Array = new Uint8Array(MAX_FRAME_SIZE);
  #length = 0;
  #nextId = 1;
  /** Bytes handed to `emit` so far. */
  bytesOut = 0;

  constructor(private readonly emit: (frame: Uint8Array) => void) {}

  push(message: Uint8Array): void {
    if (message.length > MAX_MESSAGE_SIZE) {
      throw new PandaError('REPLICATION_MESSAGE_TOO_LARGE', `Messages are limited to ${MAX_MESSAGE_SIZE} bytes, got ${message.length}`);
    }
    const head: number[] = [];
    writeLeb128(head, message.length);
    const size = head.length + message.length;
    if (size + 1 > MAX_FRAME_SIZE) {
      this.flush();
      this.#fragment(message);
      return;
    }
    if (this.#length + size > MAX_FRAME_SIZE) this.flush();
    if (this.#length === 0) this.#frame[this.#length++] = PACKED;
    this.#frame.set(head, this.#length);
    this.#frame.set(message, this.#length + head.length);
    this.#length += size;
  }

  flush(): void {
    if (this.#length === 0) return;
    const frame = this.#frame.slice(0, this.#length);
    this.#length = 0;
    this.#send(frame);
  }

  #fragment(message: Uint8Array): void {
    const id = this.#nextId;
    this.#nextId = (this.#nextId % 0xfffffff) + 1;
    const partSize = MAX_FRAME_SIZE - FRAGMENT_HEADER;
    const count = Math.ceil(message.length / partSize);
    for (let index = 0; index < count; index++) {
      const head = [FRAGMENT];
      writeLeb128(head, id);
      writeLeb128(head, index);
      writeLeb128(head, count);
      const part = message.subarray(index * partSize, (index + 1) * partSize);
      const frame = new Uint8Array(head.length + part.length);
      frame.set(head);
      frame.set(part, head.length);
      this.#send(frame);
    }
  }

  #send(frame: Uint8Array): void {
    this.bytesOut += frame.length;
    this.emit(frame);
  }
}

/**
 * Bytes of partial messages shared by several readers (all connections of one replicator):
 * when they are over `limit`, the oldest partial message of any reader is given up first.
 * Honest fragments complete within moments; ones that never do age and go.
 */
export class ReassemblyBudget {
  used = 0;
  #stamp = 0;
  readonly readers = new Set<FrameReader>();

  constructor(readonly limit = 8 * 1024 * 1024) {}

  /** @internal */
  nextStamp(): number {
    return ++this.#stamp;
  }

  /** @internal Gives up the oldest partial messages until `size` more bytes fit (or none is left). */
  makeRoom(size: number): void {
    while (this.used + size > this.limit) {
      let oldest: FrameReader | undefined;
      for (const reader of this.readers) {
        const stamp = reader.oldestStamp();
        if (stamp !== undefined && (oldest === undefined || stamp < oldest.oldestStamp()!)) oldest = reader;
      }
      if (!oldest) return;
      oldest.dropOldest();
    }
  }
}

/**
 * Takes frames apart into messages. Throws REPLICATION_FRAME_INVALID for a malformed frame
 * (the messages before the fault in a packed frame are still returned through `onMessage`)
 * and REPLICATION_MESSAGE_TOO_LARGE before buffering anything beyond the limit.
 */
export class FrameReader {
  readonly #partial = new Map<number, Partial>();
  readonly #budget: ReassemblyBudget;
  #bytes = 0;
  /** Bytes of frames read so far. */
  bytesIn = 0;

  /** `budget`: shared with other readers (by default this reader's own, of `MAX_PARTIAL_BYTES`). */
  constructor(
    private readonly onMessage: (message: Uint8Array) => void,
    budget?: ReassemblyBudget,
  ) {
    this.#budget = budget ?? new ReassemblyBudget(MAX_PARTIAL_BYTES);
    this.#budget.readers.add(this);
  }

  /** Bytes of partial messages held, as counted against the budgets. */
  get partialBytes(): number {
    return this.#bytes;
  }

  /** Gives up every partial message and leaves the shared budget (the connection ended). */
  close(): void {
    while (this.#partial.size > 0) this.dropOldest();
    this.#budget.readers.delete(this);
  }

  /** @internal */
  oldestStamp(): number | undefined {
    return this.#partial.values().next().value?.stamp;
  }

  /** @internal */
  dropOldest(): void {
    const first = this.#partial.keys().next();
    if (!first.done) this.#drop(first.value);
  }

  #drop(id: number): void {
    const message = this.#partial.get(id);
    if (!message) return;
    this.#partial.delete(id);
    const held = message.size + PARTIAL_OVERHEAD;
    this.#bytes -= held;
    this.#budget.used -= held;
  }

  read(frame: Uint8Array): void {
    this.bytesIn += frame.length;
    if (frame.length > MAX_FRAME_SIZE) frameError(`Frames are at most ${MAX_FRAME_SIZE} bytes, got ${frame.length}`);
    if (frame.length === 0) frameError('An empty frame');
    const reader = new ByteReader(frame);
    reader.offset = 1;
    if (frame[0] === PACKED) {
      if (frame.length === 1) frameError('A packed frame holds no message');
      while (reader.offset < frame.length) {
        const size = reader.leb128();
        if (size === 0 || reader.offset + size > frame.length) frameError('A message length runs past the frame');
        const message = frame.subarray(reader.offset, reader.offset + size);
        reader.offset += size;
        this.onMessage(message);
      }
    } else if (frame[0] === FRAGMENT) {
      this.#fragment(reader);
    } else {
      frameError(`Unknown frame kind ${frame[0]}`);
    }
  }

  #fragment(reader: ByteReader): void {
    const id = reader.leb128();
    const index = reader.leb128();
    const count = reader.leb128();
    const part = reader.bytes.subarray(reader.offset);
    const maxCount = Math.ceil(MAX_MESSAGE_SIZE / (MAX_FRAME_SIZE - FRAGMENT_HEADER));
    if (count < 2 || count > maxCount || index >= count || part.length === 0) frameError('A fragment header is out of range');
    let message = this.#partial.get(id);
    if (message && message.count !== count) {
      this.#drop(id);
      message = undefined;
    }
    if (message?.parts[index]) return; // a repeated frame
    if ((message?.size ?? 0) + part.length > MAX_MESSAGE_SIZE) {
      this.#drop(id);
      throw new PandaError('REPLICATION_MESSAGE_TOO_LARGE', `Messages are limited to ${MAX_MESSAGE_SIZE} bytes`);
    }
    const adds = part.length + (message ? 0 : PARTIAL_OVERHEAD);
    // Room first, from the oldest partial messages. If that is this one, it goes too (with
    // this part): a message this old has lost frames on the way.
    while (this.#partial.size > 0 && (this.#bytes + adds > MAX_PARTIAL_BYTES || (!message && this.#partial.size >= MAX_PARTIAL_MESSAGES))) this.dropOldest();
    this.#budget.makeRoom(adds);
    if (message && this.#partial.get(id) !== message) return;
    if (!message) {
      message = { count, parts: new Array<Uint8Array | undefined>(count), received: 0, size: 0, stamp: this.#budget.nextStamp() };
      this.#partial.set(id, message);
    }
    message.parts[index] = part.slice();
    message.received++;
    message.size += part.length;
    this.#bytes += adds;
    this.#budget.used += adds;
    if (message.received < count) return;
    this.#drop(id);
    const whole = new Uint8Array(message.size);
    let offset = 0;
    for (const piece of message.parts) {
      whole.set(piece!, offset);
      offset += piece!.length;
    }
    this.onMessage(whole);
  }
}
