/**
 * Messages in frames of at most 16 KiB. Small messages are packed together (a frame of
 * many entries costs a few bytes more than the entries), large ones are cut into
 * fragments. Every frame stands on its own: a lost, repeated or late frame costs only the
 * messages in it, never the ones after, so replication also survives unreliable links.
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
/** Messages being reassembled at once; more evicts the oldest (its frames were lost). */
const MAX_PARTIAL = 4;

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
 * Takes frames apart into messages. Throws REPLICATION_FRAME_INVALID for a malformed frame
 * (the messages before the fault in a packed frame are still returned through `onMessage`)
 * and REPLICATION_MESSAGE_TOO_LARGE before buffering anything beyond the limit.
 */
export class FrameReader {
  readonly #partial = new Map<number, { count: number; parts: Array<Uint8Array | undefined>; received: number; size: number }>();
  /** Bytes of frames read so far. */
  bytesIn = 0;

  constructor(private readonly onMessage: (message: Uint8Array) => void) {}

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
      this.#partial.delete(id);
      message = undefined;
    }
    if (!message) {
      if (this.#partial.size >= MAX_PARTIAL) this.#partial.delete(this.#partial.keys().next().value!);
      message = { count, parts: new Array<Uint8Array | undefined>(count), received: 0, size: 0 };
      this.#partial.set(id, message);
    }
    if (message.parts[index]) return; // a repeated frame
    if (message.size + part.length > MAX_MESSAGE_SIZE) {
      this.#partial.delete(id);
      throw new PandaError('REPLICATION_MESSAGE_TOO_LARGE', `Messages are limited to ${MAX_MESSAGE_SIZE} bytes`);
    }
    message.parts[index] = part.slice();
    message.received++;
    message.size += part.length;
    if (message.received < count) return;
    this.#partial.delete(id);
    const whole = new Uint8Array(message.size);
    let offset = 0;
    for (const piece of message.parts) {
      whole.set(piece!, offset);
      offset += piece!.length;
    }
    this.onMessage(whole);
  }
}
