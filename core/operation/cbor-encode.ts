/**
 * Canonical CBOR encoding of operation values: every head in its shortest form, every float
 * in its smallest lossless width (4.5 -> f9 4480), as p2panda writes them, so that one
 * operation has one encoding and the same hash here and there.
 */
import { PandaError } from '../errors.js';
import { MAX_I64, MIN_I64, type CborValue } from './cbor.js';
import { toHalfIfLossless } from './cbor-float.js';

const textEncoder = new TextEncoder();

class Writer {
  private buffer = new Uint8Array(256);
  private view = new DataView(this.buffer.buffer);
  length = 0;

  private reserve(size: number): void {
    if (this.length + size <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.length + size) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** A major type with its argument in the shortest form. */
  head(major: number, argument: number | bigint): void {
    const m = major << 5;
    this.reserve(9);
    if (typeof argument === 'bigint') {
      if (argument >= 0x100000000n) {
        this.buffer[this.length++] = m | 27;
        this.view.setBigUint64(this.length, argument);
        this.length += 8;
        return;
      }
      argument = Number(argument);
    }
    if (argument < 24) this.buffer[this.length++] = m | argument;
    else if (argument < 0x100) {
      this.buffer[this.length++] = m | 24;
      this.buffer[this.length++] = argument;
    } else if (argument < 0x10000) {
      this.buffer[this.length++] = m | 25;
      this.view.setUint16(this.length, argument);
      this.length += 2;
    } else {
      this.buffer[this.length++] = m | 26;
      this.view.setUint32(this.length, argument);
      this.length += 4;
    }
  }

  /** A text string: ASCII (every field name, schema id and most values) is copied directly. */
  text(value: string): void {
    const length = value.length;
    let ascii = true;
    for (let i = 0; i < length; i++) {
      if (value.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      const bytes = textEncoder.encode(value);
      this.head(3, bytes.length);
      this.bytes(bytes);
      return;
    }
    this.head(3, length);
    this.reserve(length);
    const buffer = this.buffer;
    let offset = this.length;
    for (let i = 0; i < length; i++) buffer[offset++] = value.charCodeAt(i);
    this.length = offset;
  }

  float(value: number): void {
    this.reserve(9);
    const half = toHalfIfLossless(value);
    if (half !== undefined) {
      this.buffer[this.length++] = 0xf9;
      this.view.setUint16(this.length, half);
      this.length += 2;
    } else if (Number.isNaN(value) || Math.fround(value) === value) {
      this.buffer[this.length++] = 0xfa;
      this.view.setFloat32(this.length, value);
      this.length += 4;
    } else {
      this.buffer[this.length++] = 0xfb;
      this.view.setFloat64(this.length, value);
      this.length += 8;
    }
  }

  result(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

function write(writer: Writer, value: CborValue): void {
  if (typeof value === 'string') {
    writer.text(value);
  } else if (typeof value === 'bigint') {
    if (value > MAX_I64 || value < MIN_I64) {
      throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Integers are 64-bit signed, ${value} is out of range`);
    }
    if (value >= 0n) writer.head(0, value);
    else writer.head(1, -1n - value);
  } else if (typeof value === 'number') {
    writer.float(value);
  } else if (typeof value === 'boolean') {
    writer.byte(value ? 0xf5 : 0xf4);
  } else if (value instanceof Uint8Array) {
    writer.head(2, value.length);
    writer.bytes(value);
  } else if (Array.isArray(value)) {
    writer.head(4, value.length);
    for (const item of value) write(writer, item);
  } else {
    writer.head(5, value.entries.length);
    for (const [key, item] of value.entries) {
      writer.text(key);
      write(writer, item);
    }
  }
}

// One writer, reused: encoding is synchronous, so no two encodings ever share it at once,
// and operations are encoded far too often to allocate a fresh buffer each time.
const sharedWriter = new Writer();

/** Canonical CBOR encoding of `value`: shortest heads, smallest lossless floats. */
export function encodeCbor(value: CborValue): Uint8Array {
  sharedWriter.length = 0;
  write(sharedWriter, value);
  return sharedWriter.result();
}
