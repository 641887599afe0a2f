import { hexToBytes as nobleHexToBytes } from '@noble/hashes/utils.js';
import { PandaError } from './errors.js';

// Character codes of the two hex digits of every byte value.
const HEX_CODES = new Uint16Array(512);
for (let i = 0; i < 256; i++) {
  const hex = i.toString(16).padStart(2, '0');
  HEX_CODES[2 * i] = hex.charCodeAt(0);
  HEX_CODES[2 * i + 1] = hex.charCodeAt(1);
}
const CHUNK = 8192;
let scratch = new Uint16Array(2 * CHUNK);
// Exactly sized buffers for the common lengths (ids), so no view has to be made.
const exact = new Map<number, Uint16Array>();

/**
 * Lower-case hexadecimal encoding of `bytes`. Built from character codes in one go, not by
 * appending two characters at a time: every id is hex, and appending leaves a string of
 * garbage per byte behind.
 */
export function bytesToHex(bytes: Uint8Array): string {
  return hexOf(bytes, 0, bytes.length);
}

/** Hex of `bytes[from..to)`, without making a view of that range first. */
export function hexOf(bytes: Uint8Array, from: number, to: number): string {
  const length = to - from;
  if (length <= 64) {
    let codes = exact.get(length);
    if (!codes) exact.set(length, (codes = new Uint16Array(2 * length)));
    for (let i = from, j = 0; i < to; i++, j += 2) {
      const byte = bytes[i]!;
      codes[j] = HEX_CODES[2 * byte]!;
      codes[j + 1] = HEX_CODES[2 * byte + 1]!;
    }
    return String.fromCharCode.apply(null, codes as unknown as number[]);
  }
  let hex = '';
  for (let start = from; start < to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK);
    const codes = 2 * (end - start);
    if (scratch.length < codes) scratch = new Uint16Array(codes);
    for (let i = start, j = 0; i < end; i++, j += 2) {
      const byte = bytes[i]!;
      scratch[j] = HEX_CODES[2 * byte]!;
      scratch[j + 1] = HEX_CODES[2 * byte + 1]!;
    }
    hex += String.fromCharCode.apply(null, scratch.subarray(0, codes) as unknown as number[]);
  }
  return hex;
}

/** Decodes hexadecimal text; throws `HEX_INVALID` for odd lengths or non-hex characters. */
export function hexToBytes(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new PandaError('HEX_INVALID', 'Expected a hexadecimal string');
  try {
    return nobleHexToBytes(hex);
  } catch {
    throw new PandaError('HEX_INVALID', `Not a valid hexadecimal string (${describeLength(hex)})`);
  }
}

/** Accepts bytes as given or as hex text, the two forms p2panda-js users pass around. */
export function toBytes(value: Uint8Array | string, what: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return hexToBytes(value);
  throw new PandaError('INPUT_INVALID', `${what} must be a Uint8Array or a hexadecimal string`);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeLength(text: string): string {
  return text.length > 40 ? `${text.length} characters` : JSON.stringify(text);
}
