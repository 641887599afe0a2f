import { blake3 } from '@noble/hashes/blake3.js';
import { createBLAKE3, type IHasher } from 'hash-wasm';
import { bytesToHex, hexToBytes, toBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import { isHash } from './hash-id.js';

/**
 * YASMF hashes: a one-byte algorithm tag (0x00 = BLAKE3), a one-byte digest length (0x20)
 * and the 32-byte digest. p2panda uses them for entry hashes (= operation ids), payload
 * hashes and document ids.
 */
export const HASH_SIZE = 34;
const YASMF_BLAKE3 = 0x00;
const DIGEST_SIZE = 32;

/** A YASMF hash as 68 lower-case hex characters, the form p2panda uses in ids. */
export type Hash = string;

/**
 * BLAKE3 runs on hash-wasm's WebAssembly build once it is compiled (about nine times faster
 * than pure JavaScript on entry-sized input; every entry is hashed at least twice), and on
 * @noble/hashes until then or where WebAssembly is not allowed (a page whose Content
 * Security Policy forbids it). Both give the same digest.
 */
let wasmHasher: IHasher | undefined;
let useWasm = true;
const wasmReady: Promise<boolean> = createBLAKE3().then(
  (hasher) => {
    wasmHasher = hasher;
    return true;
  },
  () => false,
);

/** Resolves once the WebAssembly BLAKE3 is in use (false if this runtime cannot have it). */
export function hashingReady(): Promise<boolean> {
  return wasmReady;
}

/** Test hook: hash with @noble/hashes only (`false`), or with WebAssembly when ready. */
export function useWasmHashing(enabled: boolean): void {
  useWasm = enabled;
}

/** YASMF-BLAKE3 hash of `bytes` as its 34 raw bytes. */
export function hashBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_SIZE);
  out[0] = YASMF_BLAKE3;
  out[1] = DIGEST_SIZE;
  if (useWasm && wasmHasher) out.set(wasmHasher.init().update(bytes).digest('binary'), 2);
  else out.set(blake3(bytes), 2);
  return out;
}

/** YASMF-BLAKE3 hash of bytes (or hex text), as hex: the same result as p2panda-js. */
export function generateHash(value: Uint8Array | string): Hash {
  return bytesToHex(hashBytes(toBytes(value, 'value')));
}

/** Throws `HASH_INVALID` unless `bytes` is a well-formed YASMF-BLAKE3 hash. */
export function assertHashBytes(bytes: Uint8Array, what = 'hash'): void {
  if (bytes.length !== HASH_SIZE || bytes[0] !== YASMF_BLAKE3 || bytes[1] !== DIGEST_SIZE) {
    throw new PandaError('HASH_INVALID', `The ${what} is not a YASMF-BLAKE3 hash (expected ${HASH_SIZE} bytes starting 0x00 0x20)`, { what });
  }
}

export { isHash };

/** Checks and returns a hash in hex form; throws `HASH_INVALID` otherwise. */
export function assertHash(value: unknown, what = 'hash'): Hash {
  if (!isHash(value)) {
    throw new PandaError('HASH_INVALID', `The ${what} must be a YASMF hash: 68 lower-case hex characters starting with 0020`, { what });
  }
  return value;
}

export function hashToBytes(hash: Hash): Uint8Array {
  return hexToBytes(assertHash(hash));
}
