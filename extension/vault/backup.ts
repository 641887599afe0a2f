/**
 * The backup file: identities with their private keys, sealed under a passphrase of its own.
 *
 *   { format: 'panda-kit-vault-backup', version: 1,
 *     kdf: { name: 'PBKDF2', hash: 'SHA-256', iterations, salt }, cipher: { name: 'AES-GCM', iv }, data }
 *
 * `data` is AES-GCM-256 over the JSON `{ identities: [{ id, name, publicKey, privateKey, createdAt }] }`
 * with `'panda-kit-vault-backup/1'` as additional data. Nothing is readable without the
 * passphrase, not even which public keys the file holds (that would link personas).
 *
 * Reading is strict about the envelope (`VAULT_BACKUP_INVALID`) and the keys (a public key
 * must match its private key), lenient about what only describes an identity: a bad name
 * becomes "Restored", a missing creation time the current time. Restoring adds identities by
 * public key, never twice.
 */
import { KeyPair } from '../../core/identity/key-pair.js';
import { decrypt, deriveKey, fromUtf8, isObject, seal, sealedParts, utf8 } from './crypto.js';
import { VaultError } from './errors.js';
import { checkName, keepOnly, newIdentityId, type VaultIdentities } from './identities.js';
import { copyIdentity, HEX_KEY, ID_PATTERN, type Identity, type KeyMap, type VaultRecord } from './record.js';

export const BACKUP_FORMAT = 'panda-kit-vault-backup';
export const BACKUP_VERSION = 1;
/** Backup files larger than this are refused before parsing. */
const MAX_BACKUP_CHARS = 10_000_000;
const BACKUP_AAD = `${BACKUP_FORMAT}/${BACKUP_VERSION}`;

export interface RestoreOptions {
  /** Make the backup's identities the vault's only ones (default: add to them). */
  replace?: boolean;
}

export interface RestoreResult {
  /** Identities from the backup that were new to the vault. */
  added: Identity[];
  /** Identities from the backup the vault already had (same public key): not added twice. */
  existing: Identity[];
  /** Identities the vault had and no longer has (`replace` only). */
  removed: Identity[];
}

interface BackupEntry {
  id?: string;
  name: string;
  publicKey: string;
  privateKey: string;
  createdAt: number;
}

type Restored = { entry: BackupEntry; keyPair: KeyPair }[];

/** The backup file's text (JSON, for a file) of `identities` under `passphrase`. */
export async function writeBackup(identities: readonly Identity[], keys: KeyMap, passphrase: string, iterations: number): Promise<string> {
  const entries: BackupEntry[] = identities.map((identity) => ({
    id: identity.id,
    name: identity.name,
    publicKey: identity.publicKey,
    privateKey: keys.get(identity.id)!.privateKey(),
    createdAt: identity.createdAt,
  }));
  const { sealed, derived } = await seal(passphrase, iterations, utf8(JSON.stringify({ identities: entries })), BACKUP_AAD);
  derived.raw.fill(0);
  return `${JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, kdf: sealed.kdf, cipher: sealed.cipher, data: sealed.data }, null, 2)}\n`;
}

/**
 * A backup's identities with their key pairs: `VAULT_BACKUP_INVALID` or `VAULT_PASSPHRASE_WRONG`
 * otherwise. `now` is the creation time of entries that have none.
 */
export async function readBackup(text: string, passphrase: string, now: () => number): Promise<Restored> {
  const invalid = (why: string) => new VaultError('VAULT_BACKUP_INVALID', `This is not a Panda Kit vault backup: ${why}`);
  if (typeof text !== 'string' || text.length > MAX_BACKUP_CHARS) throw invalid('not a backup file');
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (!isObject(file) || file.format !== BACKUP_FORMAT) throw invalid('unknown format');
  if (file.version !== BACKUP_VERSION)
    throw new VaultError('VAULT_BACKUP_INVALID', 'This backup has a version this extension does not know', { version: file.version });
  const parts = sealedParts(file);
  if (!parts) throw invalid('encryption parameters');
  if (typeof passphrase !== 'string') throw new VaultError('VAULT_PASSPHRASE_WRONG', 'The passphrase does not open this backup');
  const derived = await deriveKey(passphrase, parts.salt, parts.iterations);
  derived.raw.fill(0);
  const plain = await decrypt(derived.key, parts.iv, parts.data, BACKUP_AAD);
  if (!plain) throw new VaultError('VAULT_PASSPHRASE_WRONG', 'The passphrase does not open this backup, or the file was altered');

  let payload: unknown;
  try {
    payload = JSON.parse(fromUtf8(plain));
  } catch {
    throw invalid('content not readable');
  }
  if (!isObject(payload) || !Array.isArray(payload.identities) || payload.identities.length === 0) throw invalid('no identities');
  return payload.identities.map((raw: unknown) => {
    if (!isObject(raw) || typeof raw.privateKey !== 'string' || !HEX_KEY.test(raw.privateKey)) throw invalid('private key');
    const keyPair = KeyPair.fromPrivateKey(raw.privateKey);
    if (raw.publicKey !== undefined && raw.publicKey !== keyPair.publicKey()) throw invalid('public key does not match its private key');
    let name: string;
    try {
      name = checkName(raw.name);
    } catch {
      name = 'Restored';
    }
    const entry: BackupEntry = {
      name,
      publicKey: keyPair.publicKey(),
      privateKey: raw.privateKey,
      createdAt: typeof raw.createdAt === 'number' && Number.isFinite(raw.createdAt) ? raw.createdAt : now(),
    };
    if (typeof raw.id === 'string' && ID_PATTERN.test(raw.id)) entry.id = raw.id;
    return { entry, keyPair };
  });
}

/**
 * What the record becomes with the backup's identities: added to it (the ones it lacks, by
 * public key), or with `replace` as its only identities (ones it had keep their id, so the
 * sites' choices stay). `changed` is false when there is nothing to store.
 */
export function mergeBackup(
  record: VaultRecord,
  keys: KeyMap,
  restoredEntries: Restored,
  options: RestoreOptions,
): { result: RestoreResult; changed: boolean; next: VaultIdentities; nextKeys: KeyMap } {
  const replace = options.replace === true;
  const byPublicKey = new Map(record.identities.map((identity) => [identity.publicKey, identity]));
  const takenIds = new Set(record.identities.map((identity) => identity.id));
  const result: RestoreResult = { added: [], existing: [], removed: [] };
  const seen = new Set<string>();
  const restored: Identity[] = [];
  const nextKeys = new Map<string, KeyPair>(replace ? [] : keys);

  for (const { entry, keyPair } of restoredEntries) {
    if (seen.has(entry.publicKey)) continue;
    seen.add(entry.publicKey);
    const old = byPublicKey.get(entry.publicKey);
    if (old && !replace) {
      result.existing.push(copyIdentity(old));
      continue;
    }
    const id = old?.id ?? (entry.id !== undefined && !takenIds.has(entry.id) ? entry.id : newIdentityId());
    takenIds.add(id);
    const identity: Identity = old
      ? { ...old, name: entry.name, createdAt: entry.createdAt }
      : { id, name: entry.name, publicKey: entry.publicKey, createdAt: entry.createdAt };
    restored.push(identity);
    nextKeys.set(id, keyPair);
    (old ? result.existing : result.added).push(copyIdentity(identity));
  }

  let next: VaultIdentities;
  if (replace) {
    next = keepOnly(record, restored);
    const kept = new Set(restored.map((identity) => identity.id));
    result.removed = record.identities.filter((identity) => !kept.has(identity.id)).map(copyIdentity);
  } else {
    next = { identities: [...record.identities, ...restored], active: record.active, origins: record.origins };
  }
  return { result, changed: result.added.length > 0 || result.removed.length > 0 || replace, next, nextKeys };
}
