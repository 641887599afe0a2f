/**
 * The CBOR subset p2panda operations use, encoded canonically and decoded strictly.
 *
 * Why not cbor-x here (it frames replication messages elsewhere): operations must be
 * byte-identical to p2panda's, which writes every float in its smallest lossless width
 * (4.5 -> f9 4480), and cbor-x never writes half-precision floats. Decoding must keep the
 * int/float distinction (4 and 4.0 are different values of different field types), reject
 * every non-canonical form so that one operation has one encoding, and never allocate more
 * than the input justifies; cbor-x decodes to plain JS numbers and is lenient by design.
 *
 * Values: text -> string, integer -> bigint, float -> number, bool -> boolean,
 * byte string -> Uint8Array (a view into the decoded input), array -> CborValue[],
 * map (text keys only) -> CborMap.
 */
import { PandaError } from '../errors.js';

export type CborValue = string | bigint | number | boolean | Uint8Array | CborValue[] | CborMap;

/** A CBOR map with text keys, in the order the keys appear in the bytes. */
export class CborMap {
  constructor(readonly entries: ReadonlyArray<readonly [string, CborValue]>) {}
}

const MAX_I64 = 2n ** 63n - 1n;
const MIN_I64 = -(2n ** 63n);
const MAX_DEPTH = 8;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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

function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const f32 = new DataView(new ArrayBuffer(4));

/** The IEEE 754 half-precision bits of `value` if it converts exactly, else undefined. */
function toHalfIfLossless(value: number): number | undefined {
  if (Number.isNaN(value)) return 0x7e00;
  if (Math.fround(value) !== value) return undefined;
  f32.setFloat32(0, value);
  const bits = f32.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const fraction = bits & 0x7fffff;
  let half: number;
  if (value === 0 || !Number.isFinite(value)) half = sign | (value === 0 ? 0 : 0x7c00);
  else if (exponent >= 0x1f) return undefined;
  else if (exponent <= 0) {
    if (exponent < -10) return undefined;
    half = sign | ((fraction | 0x800000) >> (14 - exponent));
  } else half = sign | (exponent << 10) | (fraction >> 13);
  return Object.is(halfToNumber(half), value) ? half : undefined;
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

function decodeText(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new PandaError('OPERATION_CBOR_INVALID', 'A text string is not valid UTF-8');
  }
}

/**
 * Short texts recur in operation after operation (field names, schema ids, "confirm"): they
 * are decoded once and then looked up by a hash of their bytes, which saves a view, a
 * decode and a string per field. Entries keep their bytes, so a hash collision never returns
 * the wrong text; the table is bounded.
 */
const INTERNED_TEXT_SIZE = 96;
const INTERNED_LIMIT = 8192;
const interned = new Map<number, { bytes: Uint8Array; text: string }>();

function internedText(source: Uint8Array, start: number, size: number): string {
  let hash = 0x811c9dc5 ^ size;
  for (let i = start; i < start + size; i++) hash = Math.imul(hash ^ source[i]!, 0x01000193);
  // 30 bits: small integers are stored unboxed, so looking them up allocates nothing.
  hash &= 0x3fffffff;
  const entry = interned.get(hash);
  if (entry && entry.bytes.length === size) {
    let same = true;
    for (let i = 0; i < size && same; i++) same = entry.bytes[i] === source[start + i];
    if (same) return entry.text;
  }
  const bytes = source.slice(start, start + size);
  const text = decodeText(bytes);
  if (interned.size >= INTERNED_LIMIT) interned.clear();
  interned.set(hash, { bytes, text });
  return text;
}

/** Reads CBOR items one after another, strictly (see `decodeCbor`). */
export class CborReader {
  offset = 0;
  #view: DataView | undefined;

  constructor(readonly bytes: Uint8Array) {}

  /** Made only when a wide number is read: most operations have none. */
  private get view(): DataView {
    this.#view ??= new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
    return this.#view;
  }

  need(size: number): void {
    if (this.offset + size > this.bytes.length) {
      throw new PandaError('OPERATION_CBOR_INVALID', 'The operation ends in the middle of a value');
    }
  }

  /** Major type and additional information of the last head read. */
  major = 0;
  info = 0;
  /** The last head's argument when it is above 2^53 - 1 (then `head` returns Infinity). */
  bigArgument = 0n;

  /**
   * Reads an item head, rejecting non-shortest arguments; sets `major` and `info` and returns
   * the argument as a number. Numbers, not bigints or tuples: every item has a head, and
   * operations are decoded by the thousand.
   */
  head(): number {
    this.need(1);
    const initial = this.bytes[this.offset++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    this.major = major;
    this.info = info;
    if (major === 7 || info < 24) return info;
    let argument: number;
    let minimum: number;
    if (info === 24) {
      this.need(1);
      argument = this.bytes[this.offset]!;
      minimum = 24;
      this.offset += 1;
    } else if (info === 25) {
      this.need(2);
      argument = (this.bytes[this.offset]! << 8) | this.bytes[this.offset + 1]!;
      minimum = 0x100;
      this.offset += 2;
    } else if (info === 26) {
      this.need(4);
      const b = this.bytes;
      const o = this.offset;
      argument = b[o]! * 0x1000000 + ((b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!);
      minimum = 0x10000;
      this.offset += 4;
    } else if (info === 27) {
      this.need(8);
      const big = this.view.getBigUint64(this.offset);
      this.offset += 8;
      if (big < 0x100000000n) throw new PandaError('OPERATION_NON_CANONICAL', 'A CBOR length or integer is not in its shortest form');
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.bigArgument = big;
        return Infinity;
      }
      return Number(big);
    } else if (info === 31) {
      throw new PandaError('OPERATION_NON_CANONICAL', 'Indefinite-length items are not allowed in operations');
    } else {
      throw new PandaError('OPERATION_CBOR_INVALID', `Reserved CBOR additional information ${info}`);
    }
    if (argument < minimum) {
      throw new PandaError('OPERATION_NON_CANONICAL', 'A CBOR length or integer is not in its shortest form');
    }
    return argument;
  }

  /** A length that the remaining input can possibly hold (each item takes at least a byte). */
  length(argument: number, itemSize: number): number {
    if (argument * itemSize > this.bytes.length - this.offset) {
      throw new PandaError('OPERATION_CBOR_INVALID', 'A CBOR length exceeds the operation');
    }
    return argument;
  }

  /** A text string item (throws `error` for anything else). */
  text(error: () => never): string {
    const size = this.head();
    if (this.major !== 3) error();
    this.length(size, 1);
    const start = this.offset;
    this.offset += size;
    return size <= INTERNED_TEXT_SIZE ? internedText(this.bytes, start, size) : decodeText(this.bytes.subarray(start, start + size));
  }

  /** The last head's argument as a bigint (an integer's magnitude). */
  bigIntArgument(argument: number): bigint {
    return argument === Infinity ? this.bigArgument : BigInt(argument);
  }

  item(depth: number): CborValue {
    if (depth > MAX_DEPTH) throw new PandaError('OPERATION_CBOR_INVALID', 'The operation nests too deeply');
    const argument = this.head();
    const { major, info } = this;
    switch (major) {
      case 0: {
        const value = this.bigIntArgument(argument);
        if (value > MAX_I64) throw new PandaError('OPERATION_FIELD_VALUE_INVALID', 'Integers are 64-bit signed; this one is too large');
        return value;
      }
      case 1: {
        const magnitude = this.bigIntArgument(argument);
        if (magnitude > MAX_I64) throw new PandaError('OPERATION_FIELD_VALUE_INVALID', 'Integers are 64-bit signed; this one is too small');
        return -1n - magnitude;
      }
      case 2: {
        const size = this.length(argument, 1);
        // A view, not a copy: most byte strings are hashes that become hex right away.
        const value = this.bytes.subarray(this.offset, this.offset + size);
        this.offset += size;
        return value;
      }
      case 3: {
        const size = this.length(argument, 1);
        const start = this.offset;
        this.offset += size;
        return size <= INTERNED_TEXT_SIZE ? internedText(this.bytes, start, size) : decodeText(this.bytes.subarray(start, start + size));
      }
      case 4: {
        const count = this.length(argument, 1);
        const items: CborValue[] = [];
        for (let i = 0; i < count; i++) items.push(this.item(depth + 1));
        return items;
      }
      case 5: {
        const count = this.length(argument, 2);
        const entries: [string, CborValue][] = [];
        for (let i = 0; i < count; i++) {
          const key = this.item(depth + 1);
          if (typeof key !== 'string') throw new PandaError('OPERATION_FORMAT_INVALID', 'Operation field names must be text');
          entries.push([key, this.item(depth + 1)]);
        }
        return new CborMap(entries);
      }
      case 6:
        throw new PandaError('OPERATION_FORMAT_INVALID', 'CBOR tags are not allowed in operations');
      default:
        return this.simple(info);
    }
  }

  /** Throws unless everything has been read. */
  finish(): void {
    if (this.offset !== this.bytes.length) {
      throw new PandaError('OPERATION_CBOR_INVALID', `The operation has ${this.bytes.length - this.offset} bytes after its end`);
    }
  }

  private simple(info: number): CborValue {
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 25 || info === 26 || info === 27) {
      const size = info === 25 ? 2 : info === 26 ? 4 : 8;
      this.need(size);
      const value =
        size === 2 ? halfToNumber(this.view.getUint16(this.offset)) :
        size === 4 ? this.view.getFloat32(this.offset) : this.view.getFloat64(this.offset);
      const start = this.offset - 1;
      this.offset += size;
      // A float must be in its smallest lossless width (and NaN in the one canonical form).
      const canonical = encodeCbor(value);
      const actual = this.bytes.subarray(start, this.offset);
      if (canonical.length !== actual.length || canonical.some((b, i) => b !== actual[i])) {
        throw new PandaError('OPERATION_NON_CANONICAL', 'A float is not in its smallest lossless encoding');
      }
      return value;
    }
    throw new PandaError('OPERATION_FORMAT_INVALID', `CBOR simple value ${info} (null, undefined, ...) is not allowed in operations`);
  }
}

/** Strictly decodes one CBOR item that must span all of `bytes`. */
export function decodeCbor(bytes: Uint8Array): CborValue {
  const reader = new CborReader(bytes);
  const value = reader.item(0);
  reader.finish();
  return value;
}
