/**
 * The vault's cryptography, on WebCrypto (`crypto.subtle`) alone, so it runs the same in a
 * Chrome service worker, a Firefox background page and Node 20+.
 *
 * - Key derivation: PBKDF2-HMAC-SHA-256 over the NFC-normalised passphrase, random 16-byte
 *   salt, at least 600,000 iterations (OWASP's 2023 figure for PBKDF2-SHA256). The count and
 *   salt are stored next to the ciphertext so they can be raised later.
 * - Encryption: AES-GCM with a 256-bit key, a random 12-byte IV per encryption and a
 *   128-bit tag; the additional data binds the ciphertext to its format and version.
 *
 * Bytes that go into storage are base64 text (structured-clone and JSON friendly), from @scure/base.
 */
import { base64 } from '@scure/base';

/** OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023); the floor for real vaults. */
export const MIN_PBKDF2_ITERATIONS = 600_000;
/** A stored or imported count above this is refused: it would hang the background. */
export const MAX_PBKDF2_ITERATIONS = 100_000_000;
export const SALT_BYTES = 16;
export const IV_BYTES = 12;
export const AES_KEY_BYTES = 32;
/** AES-GCM's authentication tag (appended to the ciphertext by WebCrypto). */
export const TAG_BYTES = 16;

export interface KdfParams {
  name: 'PBKDF2';
  hash: 'SHA-256';
  iterations: number;
  /** base64, 16 bytes */
  salt: string;
}

export interface CipherParams {
  name: 'AES-GCM';
  /** base64, 12 bytes */
  iv: string;
}

/** One passphrase-protected blob, as stored in the vault record and in backup files. */
export interface Sealed {
  kdf: KdfParams;
  cipher: CipherParams;
  /** base64 of ciphertext and tag */
  data: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}

/**
 * Strict base64 for what comes from storage or a file (padded, canonical, no whitespace):
 * `undefined` for anything else, so the caller reports its own error code.
 */
export function base64ToBytes(text: unknown): Uint8Array<ArrayBuffer> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return base64.decode(text) as Uint8Array<ArrayBuffer>;
  } catch {
    return undefined;
  }
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Decodes UTF-8, throwing on invalid sequences. */
export function fromUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The passphrase as the bytes PBKDF2 sees: NFC first, so "é" typed either way is the same. */
export function passphraseBytes(passphrase: string): Uint8Array<ArrayBuffer> {
  return utf8(passphrase.normalize('NFC'));
}

/** A derived AES-GCM key, and its raw bytes for session storage. */
export interface DerivedKey {
  key: CryptoKey;
  raw: Uint8Array<ArrayBuffer>;
}

export async function deriveKey(passphrase: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<DerivedKey> {
  const secret = passphraseBytes(passphrase);
  try {
    const base = await crypto.subtle.importKey('raw', secret, 'PBKDF2', false, ['deriveBits']);
    const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, base, AES_KEY_BYTES * 8);
    const raw = new Uint8Array(bits);
    return { key: await importAesKey(raw), raw };
  } finally {
    secret.fill(0);
  }
}

/** A non-extractable AES-GCM key from 32 raw bytes. */
export function importAesKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM', length: AES_KEY_BYTES * 8 }, false, ['encrypt', 'decrypt']);
}

export async function encrypt(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, additionalData: string): Promise<{ iv: string; data: string }> {
  const iv = randomBytes(IV_BYTES);
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(additionalData), tagLength: TAG_BYTES * 8 }, key, plaintext);
  return { iv: base64.encode(iv), data: base64.encode(new Uint8Array(data)) };
}

/** The plaintext, or `undefined` when the key is wrong or the data was altered (GCM cannot tell which). */
export async function decrypt(
  key: CryptoKey,
  iv: Uint8Array<ArrayBuffer>,
  data: Uint8Array<ArrayBuffer>,
  additionalData: string,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: utf8(additionalData), tagLength: TAG_BYTES * 8 }, key, data);
    return new Uint8Array(plain);
  } catch {
    return undefined;
  }
}

/** Fresh salt and key for a passphrase, then `plaintext` sealed under it. */
export async function seal(
  passphrase: string,
  iterations: number,
  plaintext: Uint8Array<ArrayBuffer>,
  additionalData: string,
): Promise<{ sealed: Sealed; derived: DerivedKey }> {
  const salt = randomBytes(SALT_BYTES);
  const derived = await deriveKey(passphrase, salt, iterations);
  const sealed = await sealWith(derived.key, { name: 'PBKDF2', hash: 'SHA-256', iterations, salt: base64.encode(salt) }, plaintext, additionalData);
  return { sealed, derived };
}

/** Seals under an already derived key (same salt and count, fresh IV). */
export async function sealWith(key: CryptoKey, kdf: KdfParams, plaintext: Uint8Array<ArrayBuffer>, additionalData: string): Promise<Sealed> {
  const { iv, data } = await encrypt(key, plaintext, additionalData);
  return { kdf: { ...kdf }, cipher: { name: 'AES-GCM', iv }, data };
}

/** The checked binary parts of a sealed blob; `undefined` when its shape is wrong. */
export interface SealedParts {
  salt: Uint8Array<ArrayBuffer>;
  iterations: number;
  iv: Uint8Array<ArrayBuffer>;
  data: Uint8Array<ArrayBuffer>;
}

export function sealedParts(value: unknown): SealedParts | undefined {
  if (!isObject(value)) return undefined;
  const { kdf, cipher } = value;
  if (!isObject(kdf) || !isObject(cipher)) return undefined;
  if (kdf.name !== 'PBKDF2' || kdf.hash !== 'SHA-256' || cipher.name !== 'AES-GCM') return undefined;
  const iterations = kdf.iterations;
  if (typeof iterations !== 'number' || !Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) return undefined;
  const salt = base64ToBytes(kdf.salt);
  const iv = base64ToBytes(cipher.iv);
  const data = base64ToBytes(value.data);
  if (salt?.length !== SALT_BYTES || iv?.length !== IV_BYTES || !data || data.length < TAG_BYTES) return undefined;
  return { salt, iterations, iv, data };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
