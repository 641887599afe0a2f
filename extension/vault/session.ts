/**
 * The passphrase and the unlocked session: sealing the key set under a passphrase, opening
 * it again, and keeping the unlock across service worker restarts.
 *
 * The key comes from PBKDF2-SHA-256 over the passphrase with a random 16-byte salt and the
 * stored iteration count (600,000 by default, raised on the next unlock when the configured
 * count is higher). New passphrases have at least `MIN_PASSPHRASE_LENGTH` characters.
 *
 * Unlocked state in session storage (`VAULT_SESSION_KEY`): after an unlock the derived AES
 * key's raw bytes (never the passphrase, never the private keys) are kept as
 * `{ version: 1, salt, iterations, key }`. The key rather than the decrypted key set,
 * because after the service worker restarts the vault must still be able to write a new
 * key set (create, remove or restore identities) without asking for the passphrase again,
 * and that needs the AES key; the private keys themselves then exist in plain form only in
 * memory. `salt` and `iterations` tie it to the current ciphertext: after a passphrase change
 * a stale entry is ignored and removed. `lock()` removes it.
 * `storage.session` lives in memory only and by default is readable by trusted extension
 * contexts only (background, extension pages), not by content scripts: the background must
 * never call `storage.session.setAccessLevel({ accessLevel: 'TRUSTED_AND_UNTRUSTED_CONTEXTS' })`;
 * calling it with `{ accessLevel: 'TRUSTED_CONTEXTS' }` (the default) at start-up, where the
 * browser supports it, pins that down.
 */
import { base64 } from '@scure/base';
import {
  AES_KEY_BYTES,
  MAX_PBKDF2_ITERATIONS,
  MIN_PBKDF2_ITERATIONS,
  base64ToBytes,
  decrypt,
  deriveKey,
  importAesKey,
  isObject,
  seal,
  sealedParts,
  type DerivedKey,
  type KdfParams,
  type Sealed,
} from './crypto.js';
import { VaultError } from './errors.js';
import { KEYS_AAD, keySetBytes, keySetFromBytes, type Identity, type KeyMap, type KeysField } from './record.js';
import type { VaultStorage } from './storage.js';

/** The key of the unlocked state in session storage. */
export const VAULT_SESSION_KEY = 'vault-session';
/** New passphrases (vault and backup) have at least this many characters. */
export const MIN_PASSPHRASE_LENGTH = 8;

interface SessionRecord {
  version: 1;
  salt: string;
  iterations: number;
  key: string;
}

/** The PBKDF2 count for new encryptions: the option, checked (RangeError), or 600,000. */
export function configuredIterations(options: { pbkdf2Iterations?: number; unsafeTestIterations?: boolean }): number {
  const iterations = options.pbkdf2Iterations ?? MIN_PBKDF2_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError(`pbkdf2Iterations must be an integer from 1 to ${MAX_PBKDF2_ITERATIONS}`);
  }
  if (iterations < MIN_PBKDF2_ITERATIONS && options.unsafeTestIterations !== true) {
    throw new RangeError(`pbkdf2Iterations below ${MIN_PBKDF2_ITERATIONS} needs unsafeTestIterations (tests only)`);
  }
  return iterations;
}

/** `VAULT_PASSPHRASE_WEAK` for a new passphrase shorter than `MIN_PASSPHRASE_LENGTH` characters. */
export function checkStrength(passphrase: unknown): void {
  if (typeof passphrase !== 'string' || [...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new VaultError('VAULT_PASSPHRASE_WEAK', `A passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
}

/** The key set sealed under `passphrase` with a fresh salt, and the key derived for it. */
export async function sealKeySet(
  passphrase: string,
  iterations: number,
  keys: KeyMap,
  identities: readonly Identity[],
): Promise<{ keys: Extract<KeysField, { kind: 'sealed' }>; derived: DerivedKey }> {
  const { sealed, derived } = await seal(passphrase, iterations, keySetBytes(keys, identities), KEYS_AAD);
  return { keys: { kind: 'sealed', ...sealed }, derived };
}

/** Decrypts the stored key set with a passphrase: `VAULT_PASSPHRASE_WRONG` or `VAULT_CORRUPT` otherwise. */
export async function openSealed(sealed: Sealed, passphrase: string, identities: readonly Identity[]): Promise<{ keys: KeyMap; derived: DerivedKey }> {
  if (typeof passphrase !== 'string') throw new VaultError('VAULT_PASSPHRASE_WRONG', 'The passphrase is wrong');
  const parts = sealedParts(sealed);
  if (!parts) throw new VaultError('VAULT_CORRUPT', 'The stored key set is malformed');
  const derived = await deriveKey(passphrase, parts.salt, parts.iterations);
  const plain = await decrypt(derived.key, parts.iv, parts.data, KEYS_AAD);
  if (!plain) {
    derived.raw.fill(0);
    throw new VaultError('VAULT_PASSPHRASE_WRONG', 'The passphrase is wrong');
  }
  return { keys: keySetFromBytes(plain, identities), derived };
}

/**
 * The unlocked state of this browser session, if session storage has a key that opens `sealed`;
 * otherwise `undefined`, and a stale (passphrase changed) or malformed entry is removed.
 */
export async function resumeSession(
  storage: VaultStorage,
  sealed: Sealed,
  identities: readonly Identity[],
): Promise<{ keys: KeyMap; aesKey: CryptoKey } | undefined> {
  let stored: unknown;
  try {
    stored = await storage.get(VAULT_SESSION_KEY);
  } catch {
    return undefined;
  }
  if (stored === undefined || stored === null) return undefined;
  const session = parseSession(stored);
  const parts = sealedParts(sealed);
  if (!parts) throw new VaultError('VAULT_CORRUPT', 'The stored key set is malformed');
  if (session && session.salt === sealed.kdf.salt && session.iterations === sealed.kdf.iterations) {
    const raw = base64ToBytes(session.key)!;
    const aesKey = await importAesKey(raw);
    raw.fill(0);
    const plain = await decrypt(aesKey, parts.iv, parts.data, KEYS_AAD);
    if (plain) return { keys: keySetFromBytes(plain, identities), aesKey };
  }
  await forgetSession(storage).catch(() => {});
  return undefined;
}

/** Keeps the derived AES key for this browser session. Best effort: without it, a restarted worker asks for the passphrase. */
export async function rememberSession(storage: VaultStorage, derived: DerivedKey, kdf: KdfParams): Promise<void> {
  const record: SessionRecord = { version: 1, salt: kdf.salt, iterations: kdf.iterations, key: base64.encode(derived.raw) };
  derived.raw.fill(0);
  try {
    await storage.set(VAULT_SESSION_KEY, record);
  } catch {
    await forgetSession(storage).catch(() => {});
  }
}

export function forgetSession(storage: VaultStorage): Promise<void> {
  return storage.remove(VAULT_SESSION_KEY);
}

function parseSession(value: unknown): SessionRecord | undefined {
  if (!isObject(value) || value.version !== 1 || typeof value.salt !== 'string' || typeof value.iterations !== 'number') return undefined;
  if (base64ToBytes(value.key)?.length !== AES_KEY_BYTES) return undefined;
  return value as unknown as SessionRecord;
}
