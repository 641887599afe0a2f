/**
 * Ed25519 with one validity rule on every platform.
 *
 * Signing and verifying run on the platform's WebCrypto Ed25519 where it exists (Node 20,
 * Chromium 137+, Firefox 129+) because it is several times faster than pure JavaScript, and
 * on @noble/ed25519 everywhere else. Implementations disagree on edge cases (non-canonical
 * point encodings, small-order keys, unreduced scalars, cofactored or cofactorless equation),
 * and two peers that disagree about an entry's validity would never converge. So before any
 * backend sees a signature, `isStrictlyWellFormed` applies the strict RFC 8032 encoding rules;
 * what remains is the cofactorless group equation [s]B = R + [k]A, which every backend
 * (OpenSSL in Node, BoringSSL in Chromium, NSS in Firefox, and `verifyWithNoble` below)
 * computes identically.
 */
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, equalBytes, hexToBytes } from '../bytes.js';

ed.hashes.sha512 = sha512;

export const PUBLIC_KEY_SIZE = 32;
export const PRIVATE_KEY_SIZE = 32;
export const SIGNATURE_SIZE = 64;

// Group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L_LE = hexToBytes('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010');
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
// p = 2^255 - 19, little-endian, without the sign bit.
const P_LE = hexToBytes('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');

/**
 * Canonical encodings of the eight points of small order (test/core/ed25519.test.ts checks
 * that each has order dividing 8 and that they are all distinct). A public key that is one of
 * them verifies signatures for many messages at once, so it is never accepted.
 */
const SMALL_ORDER_POINTS = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
];
export const SMALL_ORDER_POINT_ENCODINGS: readonly string[] = Object.freeze([...SMALL_ORDER_POINTS]);
const SMALL_ORDER_SET = new Set(SMALL_ORDER_POINTS);

/** Compares two 32-byte little-endian numbers, ignoring bit 255 of `a` when `maskSign`. */
function lessThanLE(a: Uint8Array, b: Uint8Array, maskSign: boolean): boolean {
  for (let i = 31; i >= 0; i--) {
    const ai = i === 31 && maskSign ? a[i]! & 0x7f : a[i]!;
    const bi = b[i]!;
    if (ai !== bi) return ai < bi;
  }
  return false;
}

/**
 * RFC 8032 5.1.3 decoding rules that can be checked on the bytes: y < p, and no sign bit
 * on a point with x = 0 (only y = 1 and y = p - 1 have x = 0).
 */
function isCanonicalPointEncoding(point: Uint8Array): boolean {
  if (!lessThanLE(point, P_LE, true)) return false;
  if ((point[31]! & 0x80) === 0) return true;
  const y = point.slice();
  y[31]! &= 0x7f;
  const hex = bytesToHex(y);
  return hex !== SMALL_ORDER_POINTS[0] && hex !== SMALL_ORDER_POINTS[1];
}

/**
 * The strict part of the validity rule: 32-byte canonical public key that is not of small
 * order, 64-byte signature with canonical R and s < L. Cheap byte checks only.
 */
export function isStrictlyWellFormed(publicKey: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== PUBLIC_KEY_SIZE || signature.length !== SIGNATURE_SIZE) return false;
  if (!isCanonicalPointEncoding(publicKey)) return false;
  if (SMALL_ORDER_SET.has(bytesToHex(publicKey))) return false;
  if (!isCanonicalPointEncoding(signature.subarray(0, 32))) return false;
  return lessThanLE(signature.subarray(32, 64), L_LE, false);
}

function numberFromLE(bytes: Uint8Array): bigint {
  return BigInt('0x' + (bytesToHex(bytes.slice().reverse()) || '0'));
}

/**
 * Cofactorless RFC 8032 verification in pure JavaScript. Not noble's own `verify`: with
 * `zip215: false` that one checks the cofactored equation, which accepts some signatures
 * with torsion components that the native backends reject.
 */
export function verifyWithNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!isStrictlyWellFormed(publicKey, signature)) return false;
  try {
    const A = ed.Point.fromBytes(publicKey, false);
    const r = signature.subarray(0, 32);
    const R = ed.Point.fromBytes(r, false);
    const s = numberFromLE(signature.subarray(32, 64));
    const k = numberFromLE(sha512(concatBytes(r, publicKey, message))) % L;
    return ed.Point.BASE.multiply(s, false).equals(R.add(A.multiply(k, false)));
  } catch {
    return false;
  }
}

// PKCS#8 wrapper for a raw 32-byte Ed25519 seed (RFC 8410), needed by WebCrypto's importKey.
const PKCS8_PREFIX = hexToBytes('302e020100300506032b657004220420');

type Subtle = SubtleCrypto;

// WebCrypto's types want ArrayBuffer-backed views; ours always are (never SharedArrayBuffer).
const buffer = (bytes: Uint8Array) => bytes as Uint8Array<ArrayBuffer>;

function subtleCrypto(): Subtle | undefined {
  return (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle;
}

// RFC 8032 section 7.1, test 1: the probe only trusts WebCrypto if it reproduces this.
const PROBE_PRIVATE = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const PROBE_PUBLIC = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
const PROBE_SIGNATURE = hexToBytes(
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
);

let nativeProbe: Promise<boolean> | undefined;

/** Whether this runtime's WebCrypto signs and verifies Ed25519 correctly (probed once). */
export function hasNativeEd25519(): Promise<boolean> {
  nativeProbe ??= (async () => {
    const subtle = subtleCrypto();
    if (!subtle) return false;
    try {
      const signingKey = await importSigningKey(subtle, PROBE_PRIVATE);
      const signature = new Uint8Array(await subtle.sign('Ed25519', signingKey, new Uint8Array(0)));
      const verifyingKey = await subtle.importKey('raw', buffer(PROBE_PUBLIC), { name: 'Ed25519' }, false, ['verify']);
      const valid = await subtle.verify('Ed25519', verifyingKey, buffer(PROBE_SIGNATURE), new Uint8Array(0));
      return valid && equalBytes(signature, PROBE_SIGNATURE);
    } catch {
      return false;
    }
  })();
  return nativeProbe;
}

let forcedBackend: 'native' | 'noble' | undefined;

/** Test hook: run everything on one backend. `undefined` restores automatic selection. */
export function forceEd25519Backend(backend: 'native' | 'noble' | undefined): void {
  forcedBackend = backend;
}

async function useNative(): Promise<boolean> {
  if (forcedBackend === 'noble') return false;
  return hasNativeEd25519();
}

function importSigningKey(subtle: Subtle, privateKey: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey('pkcs8', buffer(concatBytes(PKCS8_PREFIX, privateKey)), { name: 'Ed25519' }, false, ['sign']);
}

// Imported verification keys, by public key hex. Festivals have far fewer authors than
// entries, so nearly every verification hits this cache. Bounded: oldest dropped first.
const VERIFY_KEY_CACHE_LIMIT = 4096;
const verifyKeys = new Map<string, Promise<CryptoKey>>();

function verifyingKey(subtle: Subtle, publicKey: Uint8Array): Promise<CryptoKey> {
  const id = bytesToHex(publicKey);
  let key = verifyKeys.get(id);
  if (!key) {
    if (verifyKeys.size >= VERIFY_KEY_CACHE_LIMIT) verifyKeys.delete(verifyKeys.keys().next().value!);
    key = subtle.importKey('raw', buffer(publicKey), { name: 'Ed25519' }, false, ['verify']);
    verifyKeys.set(id, key);
  }
  return key;
}

export async function verifyWithWebCrypto(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  if (!isStrictlyWellFormed(publicKey, signature)) return false;
  const subtle = subtleCrypto()!;
  try {
    return await subtle.verify('Ed25519', await verifyingKey(subtle, publicKey), buffer(signature), buffer(message));
  } catch {
    return false;
  }
}

/** Verifies `signature` over `message` under the strict rule above. Never throws. */
export async function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return (await useNative()) ? verifyWithWebCrypto(publicKey, message, signature) : verifyWithNoble(publicKey, message, signature);
}

export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  return ed.getPublicKey(privateKey);
}

export function randomPrivateKey(): Uint8Array {
  return ed.utils.randomSecretKey();
}

/**
 * A signing function bound to one private key. Ed25519 signatures are deterministic, so
 * both backends produce the same bytes; the WebCrypto key is imported once and reused.
 */
export function createSigner(privateKey: Uint8Array): (message: Uint8Array) => Promise<Uint8Array> {
  const seed = privateKey.slice();
  let nativeKey: Promise<CryptoKey> | undefined;
  return async (message) => {
    if (await useNative()) {
      const subtle = subtleCrypto()!;
      nativeKey ??= importSigningKey(subtle, seed);
      return new Uint8Array(await subtle.sign('Ed25519', await nativeKey, buffer(message)));
    }
    return ed.sign(message, seed);
  };
}
