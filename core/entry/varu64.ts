import { PandaError } from '../errors.js';

/**
 * VarU64, Bamboo's integer encoding: a first byte below 248 is the value itself; a first
 * byte of 247 + n says that n big-endian bytes (1 to 8) follow. Only the shortest form is
 * valid, so every number has exactly one encoding.
 */
export const MAX_U64 = 2n ** 64n - 1n;

export function encodeVarU64(value: bigint): Uint8Array {
  if (value < 0n || value > MAX_U64) {
    throw new PandaError('ENTRY_VARU64_INVALID', `VarU64 values range from 0 to 2^64-1, got ${value}`);
  }
  if (value < 248n) return Uint8Array.of(Number(value));
  let length = 0;
  for (let rest = value; rest > 0n; rest >>= 8n) length++;
  const out = new Uint8Array(1 + length);
  out[0] = 247 + length;
  let rest = value;
  for (let i = length; i >= 1; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** Reads a VarU64 at `offset`; returns the value and the number of bytes it took. */
export function decodeVarU64(bytes: Uint8Array, offset: number, what: string): [value: bigint, size: number] {
  if (offset >= bytes.length) {
    throw new PandaError('ENTRY_TRUNCATED', `The entry ends before its ${what}`, { field: what });
  }
  const first = bytes[offset]!;
  if (first < 248) return [BigInt(first), 1];
  const length = first - 247;
  if (offset + 1 + length > bytes.length) {
    throw new PandaError('ENTRY_TRUNCATED', `The entry ends inside its ${what}`, { field: what });
  }
  let value = 0n;
  for (let i = 1; i <= length; i++) value = (value << 8n) | BigInt(bytes[offset + i]!);
  const minimum = length === 1 ? 248n : 1n << BigInt(8 * (length - 1));
  if (value < minimum) {
    throw new PandaError('ENTRY_VARU64_INVALID', `The ${what} is not in its shortest VarU64 form`, { field: what });
  }
  return [value, 1 + length];
}
