/**
 * The vault record: what the vault keeps at rest (persistent storage, one record under
 * `VAULT_STORAGE_KEY`), how it is checked when read, and how the key set inside it is stored.
 *
 *   {
 *     format: 'panda-kit-vault', version: 1,
 *     identities: [{ id, name, publicKey, createdAt }],   // public: shown while locked
 *     active: id,                                         // the default identity
 *     origins: [[origin, id], ...],                       // which identity a site sees
 *     keys: { kind: 'plain', privateKeys: [{ id, privateKey }] }          // no passphrase yet
 *         | { kind: 'sealed', kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt },
 *             cipher: { name: 'AES-GCM', iv }, data }                    // with a passphrase
 *   }
 *
 * `data` is AES-GCM-256 over the JSON `{ keys: [{ id, privateKey }] }` (the whole key set as
 * one ciphertext) with `'panda-kit-vault/1'` (`KEYS_AAD`) as additional data; the key comes
 * from PBKDF2-SHA-256 over the passphrase (see session.ts and crypto.ts).
 *
 * Every change writes the whole record with one `set` (`writeRecord`): it is stored as a
 * whole or not at all. Anything read that is not such a record is `VAULT_CORRUPT` and is left
 * untouched.
 */
import { KeyPair } from '../../core/identity/key-pair.js';
import { fromUtf8, isObject, sealedParts, sealWith, utf8, type Sealed } from './crypto.js';
import { VaultError } from './errors.js';
import type { VaultStorage } from './storage.js';

/** The key of the vault record in persistent storage. */
export const VAULT_STORAGE_KEY = 'vault';
export const VAULT_FORMAT = 'panda-kit-vault';
export const VAULT_VERSION = 1;
/** The additional data of the sealed key set: binds it to this format and version. */
export const KEYS_AAD = `${VAULT_FORMAT}/${VAULT_VERSION}`;
/** What an identity id may be (ours are UUIDs; backups may bring others). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A 32-byte Ed25519 key as lowercase hex. */
export const HEX_KEY = /^[0-9a-f]{64}$/;

/** One identity as everybody but the vault sees it: never a private key. */
export interface Identity {
  readonly id: string;
  readonly name: string;
  /** Ed25519 public key, 64 hex characters. */
  readonly publicKey: string;
  /** Milliseconds since 1970. */
  readonly createdAt: number;
}

export type KeysField = { kind: 'plain'; privateKeys: KeyEntry[] } | ({ kind: 'sealed' } & Sealed);

export interface KeyEntry {
  id: string;
  privateKey: string;
}

export interface VaultRecord {
  format: typeof VAULT_FORMAT;
  version: typeof VAULT_VERSION;
  identities: Identity[];
  active: string;
  origins: [origin: string, identityId: string][];
  keys: KeysField;
}

/** The private keys by identity id. */
export type KeyMap = ReadonlyMap<string, KeyPair>;

/** A copy with exactly the public fields (nothing else an object may carry). */
export function copyIdentity(identity: Identity): Identity {
  return { id: identity.id, name: identity.name, publicKey: identity.publicKey, createdAt: identity.createdAt };
}

/** Stores `record` with one write: `VAULT_STORAGE_FAILED` (nothing changed) when that fails. */
export async function writeRecord(storage: VaultStorage, record: VaultRecord): Promise<void> {
  try {
    await storage.set(VAULT_STORAGE_KEY, record);
  } catch (cause) {
    throw new VaultError('VAULT_STORAGE_FAILED', 'Saving the vault failed; nothing was changed', undefined, { cause });
  }
}

/** The key set in the order of `identities`, as stored. */
function keyEntries(keys: KeyMap, identities: readonly Identity[]): KeyEntry[] {
  return identities.map((identity) => ({ id: identity.id, privateKey: keys.get(identity.id)!.privateKey() }));
}

/** The key set stored in plain text (no passphrase). */
export function plainKeys(keys: KeyMap, identities: readonly Identity[]): KeysField {
  return { kind: 'plain', privateKeys: keyEntries(keys, identities) };
}

/** The key set sealed under an already derived AES key (same salt and count as `sealed`, fresh IV). */
export async function resealedKeys(aesKey: CryptoKey, sealed: Sealed, keys: KeyMap, identities: readonly Identity[]): Promise<KeysField> {
  return { kind: 'sealed', ...(await sealWith(aesKey, sealed.kdf, keySetBytes(keys, identities), KEYS_AAD)) };
}

/** The plaintext that is sealed: `{ keys: [{ id, privateKey }] }` as UTF-8 JSON. */
export function keySetBytes(keys: KeyMap, identities: readonly Identity[]): Uint8Array<ArrayBuffer> {
  return utf8(JSON.stringify({ keys: keyEntries(keys, identities) }));
}

/** The decrypted key set, checked against the identities; `VAULT_CORRUPT` otherwise. */
export function keySetFromBytes(bytes: Uint8Array, identities: readonly Identity[]): KeyMap {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new VaultError('VAULT_CORRUPT', 'The decrypted key set is not readable');
  }
  if (!isObject(parsed) || !Array.isArray(parsed.keys)) throw new VaultError('VAULT_CORRUPT', 'The decrypted key set is malformed');
  return keysFromEntries(parsed.keys, identities);
}

/** Key pairs for every identity, checked against their public keys; `VAULT_CORRUPT` otherwise. */
export function keysFromEntries(entries: unknown[], identities: readonly Identity[]): KeyMap {
  const byId = new Map<string, string>();
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.id !== 'string' || typeof entry.privateKey !== 'string' || !HEX_KEY.test(entry.privateKey)) {
      throw new VaultError('VAULT_CORRUPT', 'A stored private key is malformed');
    }
    byId.set(entry.id, entry.privateKey);
  }
  const keys = new Map<string, KeyPair>();
  for (const identity of identities) {
    const hex = byId.get(identity.id);
    if (hex === undefined) throw new VaultError('VAULT_CORRUPT', 'An identity has no private key', { identityId: identity.id });
    const keyPair = KeyPair.fromPrivateKey(hex);
    if (keyPair.publicKey() !== identity.publicKey)
      throw new VaultError('VAULT_CORRUPT', 'A private key does not match its public key', { identityId: identity.id });
    keys.set(identity.id, keyPair);
  }
  return keys;
}

function isIdentity(value: unknown): value is Identity {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    ID_PATTERN.test(value.id) &&
    typeof value.name === 'string' &&
    typeof value.publicKey === 'string' &&
    HEX_KEY.test(value.publicKey) &&
    typeof value.createdAt === 'number' &&
    Number.isFinite(value.createdAt)
  );
}

/** The stored record, checked; `VAULT_CORRUPT` for anything else (which is then left untouched). */
export function parseRecord(value: unknown): VaultRecord {
  const corrupt = (why: string) => new VaultError('VAULT_CORRUPT', `The stored vault is not readable: ${why}`);
  if (!isObject(value) || value.format !== VAULT_FORMAT) throw corrupt('unknown format');
  if (value.version !== VAULT_VERSION)
    throw new VaultError('VAULT_CORRUPT', 'The stored vault has a version this extension does not know', { version: value.version });
  const { identities, active, origins, keys } = value;
  if (!Array.isArray(identities) || identities.length === 0 || !identities.every(isIdentity)) throw corrupt('identities');
  const ids = new Set(identities.map((identity) => identity.id));
  if (ids.size !== identities.length || new Set(identities.map((identity) => identity.publicKey)).size !== identities.length)
    throw corrupt('duplicate identities');
  if (typeof active !== 'string' || !ids.has(active)) throw corrupt('active identity');
  if (!Array.isArray(origins)) throw corrupt('origins');
  const siteChoices: [string, string][] = [];
  for (const pair of origins) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') throw corrupt('origins');
    if (ids.has(pair[1])) siteChoices.push([pair[0], pair[1]]);
  }
  let keysField: KeysField;
  if (isObject(keys) && keys.kind === 'plain' && Array.isArray(keys.privateKeys)) {
    keysField = { kind: 'plain', privateKeys: keys.privateKeys as KeyEntry[] };
  } else if (isObject(keys) && keys.kind === 'sealed' && sealedParts(keys)) {
    const sealed = keys as unknown as Sealed;
    keysField = { kind: 'sealed', kdf: { ...sealed.kdf }, cipher: { ...sealed.cipher }, data: sealed.data };
  } else {
    throw corrupt('keys');
  }
  return {
    format: VAULT_FORMAT,
    version: VAULT_VERSION,
    identities: identities.map(copyIdentity),
    active,
    origins: siteChoices,
    keys: keysField,
  };
}
