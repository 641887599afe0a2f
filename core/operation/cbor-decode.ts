/**
 * Strict decoding of operation CBOR: every head in its shortest form, every float in its
 * smallest lossless width, no indefinite lengths, tags or simple values other than true and
 * false, text keys only, at most `MAX_DEPTH` levels, and no length the remaining input could
 * not hold (so nothing allocates more than the input justifies). Anything else is a
 * PandaError: OPERATION_CBOR_INVALID, OPERATION_NON_CANONICAL or OPERATION_FORMAT_INVALID.
 */
import { PandaError } from '../errors.js';
import { CborMap, MAX_I64, type CborValue } from './cbor.js';
import { encodeCbor } from './cbor-encode.js';
import { halfToNumber } from './cbor-float.js';
import { textAt } from './cbor-text.js';

const MAX_DEPTH = 8;

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
    return this.#textOf(size);
  }

  /** The text string whose head (of `size` bytes) was just read. */
  #textOf(size: number): string {
    this.length(size, 1);
    const start = this.offset;
    this.offset += size;
    return textAt(this.bytes, start, size);
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
      case 3:
        return this.#textOf(argument);
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
        size === 2 ? halfToNumber(this.view.getUint16(this.offset)) : size === 4 ? this.view.getFloat32(this.offset) : this.view.getFloat64(this.offset);
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
