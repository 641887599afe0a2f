/**
 * The extension's key vault: the person's identities (personas, bots) and their Ed25519
 * private keys. Pure module: WebCrypto only, no `browser.*`; storage is injected (see
 * storage.ts), so it runs in a Chrome MV3 service worker, a Firefox background page and Node.
 *
 * The private keys never leave the privileged context this runs in. Nothing here returns
 * one, except `keyPair()`, which exists for the extension's own publishing code in the same
 * context; its result must never be put in a message, a port, a page or a content script.
 *
 * At rest (persistent storage, one record under `VAULT_STORAGE_KEY`):
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
 * one ciphertext) with `'panda-kit-vault/1'` as additional data; the key comes from PBKDF2-
 * SHA-256 over the passphrase with a random 16-byte salt and the stored iteration count
 * (600,000 by default, raised on the next unlock when the configured count is higher).
 *
 * Every change writes the whole record with one `set`: it is stored as a whole or not at
 * all, and the vault changes its own state only after the write succeeded. So a failed write
 * (`VAULT_STORAGE_FAILED`) leaves both the stored and the in-memory vault as they were.
 * Changes are also queued one after the other, so two at once cannot lose each other's work.
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
 *
 * Without a passphrase (fresh install) the private keys are stored in plain text: a fresh
 * install works at once, and such a vault is never locked. Unlike `storage.session`,
 * `storage.local` is also readable from the extension's content scripts (which run in web
 * pages' renderer processes), so the UI should ask the person to set a passphrase. Note too
 * that the browser's on-disk store may keep an overwritten plain value for a while.
 */
import { KeyPair } from '../../core/identity/key-pair.js';
import {
  MIN_PBKDF2_ITERATIONS,
  MAX_PBKDF2_ITERATIONS,
  AES_KEY_BYTES,
  base64ToBytes,
  bytesToBase64,
  decrypt,
  deriveKey,
  fromUtf8,
  importAesKey,
  isObject,
  seal,
  sealWith,
  sealedParts,
  utf8,
  type DerivedKey,
  type KdfParams,
  type Sealed,
} from './crypto.js';
import { VaultError } from './errors.js';
import type { VaultStorage } from './storage.js';

export { VaultError, isVaultError, type VaultErrorCode } from './errors.js';
export { MemoryVaultStorage, type VaultStorage } from './storage.js';
export { MIN_PBKDF2_ITERATIONS } from './crypto.js';

/** The key of the vault record in persistent storage. */
export const VAULT_STORAGE_KEY = 'vault';
/** The key of the unlocked state in session storage. */
export const VAULT_SESSION_KEY = 'vault-session';
export const VAULT_FORMAT = 'panda-kit-vault';
export const VAULT_VERSION = 1;
export const BACKUP_FORMAT = 'panda-kit-vault-backup';
export const BACKUP_VERSION = 1;
/** New passphrases (vault and backup) have at least this many characters. */
export const MIN_PASSPHRASE_LENGTH = 8;
export const MAX_NAME_LENGTH = 64;
/** Backup files larger than this are refused before parsing. */
const MAX_BACKUP_CHARS = 10_000_000;

const KEYS_AAD = `${VAULT_FORMAT}/${VAULT_VERSION}`;
const BACKUP_AAD = `${BACKUP_FORMAT}/${BACKUP_VERSION}`;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const HEX_KEY = /^[0-9a-f]{64}$/;

/** One identity as everybody but the vault sees it: never a private key. */
export interface Identity {
  readonly id: string;
  readonly name: string;
  /** Ed25519 public key, 64 hex characters. */
  readonly publicKey: string;
  /** Milliseconds since 1970. */
  readonly createdAt: number;
}

export interface VaultOptions {
  /**
   * PBKDF2 iterations for new encryptions (vault and backups). Default and floor: 600,000;
   * lower counts throw a RangeError unless `unsafeTestIterations` is set.
   */
  pbkdf2Iterations?: number;
  /** Tests only: allow `pbkdf2Iterations` below 600,000. Never set this in the extension. */
  unsafeTestIterations?: boolean;
  /** Clock for `createdAt` (tests). */
  now?: () => number;
}

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

type KeysField = { kind: 'plain'; privateKeys: KeyEntry[] } | ({ kind: 'sealed' } & Sealed);

interface KeyEntry {
  id: string;
  privateKey: string;
}

interface VaultRecord {
  format: typeof VAULT_FORMAT;
  version: typeof VAULT_VERSION;
  identities: Identity[];
  active: string;
  origins: [origin: string, identityId: string][];
  keys: KeysField;
}

interface SessionRecord {
  version: 1;
  salt: string;
  iterations: number;
  key: string;
}

interface BackupEntry {
  id?: string;
  name: string;
  publicKey: string;
  privateKey: string;
  createdAt: number;
}

type KeyMap = ReadonlyMap<string, KeyPair>;

export class Vault {
  readonly #persistent: VaultStorage;
  readonly #session: VaultStorage;
  readonly #iterations: number;
  readonly #now: () => number;
  /** What is stored right now (never mutated: every change builds a new record). */
  #record: VaultRecord;
  /** The private keys by identity id; `undefined` while locked. */
  #keys: KeyMap | undefined;
  /** The AES key of the sealed key set while unlocked; `undefined` without a passphrase or while locked. */
  #aesKey: CryptoKey | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(persistent: VaultStorage, session: VaultStorage, record: VaultRecord, iterations: number, now: () => number) {
    this.#persistent = persistent;
    this.#session = session;
    this.#record = record;
    this.#iterations = iterations;
    this.#now = now;
  }

  /**
   * Opens the vault stored in `persistent`, or makes one with a single identity "Me" (no
   * passphrase) on first start. With a passphrase, it is unlocked if `session` still holds the
   * key from an unlock in this browser session, and locked otherwise.
   * Throws `VAULT_CORRUPT` (and writes nothing) when what is stored is not a vault it understands.
   */
  static async open(persistent: VaultStorage, session: VaultStorage, options: VaultOptions = {}): Promise<Vault> {
    const iterations = options.pbkdf2Iterations ?? MIN_PBKDF2_ITERATIONS;
    if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
      throw new RangeError(`pbkdf2Iterations must be an integer from 1 to ${MAX_PBKDF2_ITERATIONS}`);
    }
    if (iterations < MIN_PBKDF2_ITERATIONS && options.unsafeTestIterations !== true) {
      throw new RangeError(`pbkdf2Iterations below ${MIN_PBKDF2_ITERATIONS} needs unsafeTestIterations (tests only)`);
    }
    const now = options.now ?? Date.now;
    const stored = await persistent.get(VAULT_STORAGE_KEY);

    if (stored === undefined || stored === null) {
      const me = KeyPair.generate();
      const identity: Identity = { id: newId(), name: 'Me', publicKey: me.publicKey(), createdAt: now() };
      const record: VaultRecord = {
        format: VAULT_FORMAT,
        version: VAULT_VERSION,
        identities: [identity],
        active: identity.id,
        origins: [],
        keys: { kind: 'plain', privateKeys: [{ id: identity.id, privateKey: me.privateKey() }] },
      };
      await write(persistent, record);
      const vault = new Vault(persistent, session, record, iterations, now);
      vault.#keys = new Map([[identity.id, me]]);
      return vault;
    }

    const record = parseRecord(stored);
    const vault = new Vault(persistent, session, record, iterations, now);
    if (record.keys.kind === 'plain') {
      vault.#keys = keysFromEntries(record.keys.privateKeys, record.identities);
    } else {
      await vault.#resumeSession(record.keys);
    }
    return vault;
  }

  // ---- state ----

  /** Whether private keys are out of reach (a passphrase is set and not entered). */
  get isLocked(): boolean {
    return this.#keys === undefined;
  }

  /** Whether the private keys are encrypted at rest. */
  get hasPassphrase(): boolean {
    return this.#record.keys.kind === 'sealed';
  }

  /** PBKDF2 iterations the stored key set was encrypted with (`undefined` without a passphrase). */
  get storedIterations(): number | undefined {
    return this.#record.keys.kind === 'sealed' ? this.#record.keys.kdf.iterations : undefined;
  }

  // ---- identities (public information; available while locked) ----

  identities(): Identity[] {
    return this.#record.identities.map(copy);
  }

  identity(identityId: string): Identity {
    return copy(this.#find(identityId));
  }

  /** The default identity: the one a site sees unless the person chose another for it. */
  activeIdentity(): Identity {
    return this.identity(this.#record.active);
  }

  async setActiveIdentity(identityId: string): Promise<void> {
    await this.#exclusive(async () => {
      this.#find(identityId);
      if (this.#record.active === identityId) return;
      await this.#commit({ ...this.#record, active: identityId });
    });
  }

  /** The identity `origin` sees: the person's choice for it, or the active identity. */
  identityFor(origin: string): Identity {
    const chosen = this.#record.origins.find(([site]) => site === origin)?.[1];
    return this.identity(chosen ?? this.#record.active);
  }

  /** Chooses the identity `origin` sees; `null` goes back to the active identity. */
  async setIdentityFor(origin: string, identityId: string | null): Promise<void> {
    if (typeof origin !== 'string' || origin === '') throw new TypeError('origin must be a non-empty string');
    await this.#exclusive(async () => {
      if (identityId !== null) this.#find(identityId);
      const origins = this.#record.origins.filter(([site]) => site !== origin);
      if (identityId !== null) origins.push([origin, identityId]);
      await this.#commit({ ...this.#record, origins });
    });
  }

  /** The sites with an identity of their own, as [origin, identity id]. */
  originChoices(): [origin: string, identityId: string][] {
    return this.#record.origins.map(([origin, id]) => [origin, id]);
  }

  /** A new identity with a fresh key pair. Needs the vault unlocked (the key set is re-encrypted). */
  async createIdentity(name: string): Promise<Identity> {
    const clean = checkName(name);
    return this.#exclusive(async () => {
      const keys = this.#unlockedKeys();
      const keyPair = KeyPair.generate();
      const identity: Identity = { id: newId(), name: clean, publicKey: keyPair.publicKey(), createdAt: this.#now() };
      const identities = [...this.#record.identities, identity];
      const nextKeys = new Map(keys).set(identity.id, keyPair);
      await this.#commit({ ...this.#record, identities, keys: await this.#keysField(nextKeys, identities) }, nextKeys);
      return copy(identity);
    });
  }

  async renameIdentity(identityId: string, name: string): Promise<Identity> {
    const clean = checkName(name);
    return this.#exclusive(async () => {
      const renamed = { ...this.#find(identityId), name: clean };
      const identities = this.#record.identities.map((identity) => (identity.id === identityId ? renamed : identity));
      await this.#commit({ ...this.#record, identities });
      return copy(renamed);
    });
  }

  /**
   * Removes an identity and destroys its private key (the UI should offer a backup first).
   * Not the last one (`VAULT_LAST_IDENTITY`). Sites that saw it see the active identity again;
   * if it was the active one, the first remaining identity becomes active.
   */
  async removeIdentity(identityId: string): Promise<void> {
    await this.#exclusive(async () => {
      this.#find(identityId);
      if (this.#record.identities.length === 1) throw new VaultError('VAULT_LAST_IDENTITY', 'The last identity cannot be removed');
      const keys = this.#unlockedKeys();
      const identities = this.#record.identities.filter((identity) => identity.id !== identityId);
      const nextKeys = new Map(keys);
      nextKeys.delete(identityId);
      const active = this.#record.active === identityId ? identities[0]!.id : this.#record.active;
      const origins = this.#record.origins.filter(([, id]) => id !== identityId);
      await this.#commit({ ...this.#record, identities, active, origins, keys: await this.#keysField(nextKeys, identities) }, nextKeys);
    });
  }

  // ---- signing (inside the vault) ----

  /** Signs `message` (bytes, or a string as its UTF-8 text) as the identity: 64-byte Ed25519 signature. */
  async sign(identityId: string, message: Uint8Array | string): Promise<Uint8Array> {
    return this.keyPair(identityId).sign(message);
  }

  /**
   * The identity's key pair, for the extension's own publishing code in this same privileged
   * context (e.g. `FestivalNode` calls). It holds the private key: never send it, or anything
   * derived from `privateKey()`, in a message, to a page, a content script or any other context.
   */
  keyPair(identityId: string): KeyPair {
    this.#find(identityId);
    const keys = this.#unlockedKeys();
    const keyPair = keys.get(identityId);
    if (!keyPair) throw new VaultError('VAULT_CORRUPT', 'An identity has no private key', { identityId });
    return keyPair;
  }

  // ---- passphrase, lock and unlock ----

  /**
   * Encrypts the private keys at rest under `newPassphrase` (at least 8 characters), or
   * changes it: then `currentPassphrase` is required and checked against what is stored
   * (`VAULT_PASSPHRASE_WRONG`, nothing changed). Leaves the vault unlocked.
   */
  async setPassphrase(newPassphrase: string, currentPassphrase?: string): Promise<void> {
    checkStrength(newPassphrase);
    await this.#exclusive(async () => {
      let keys: KeyMap;
      if (this.#record.keys.kind === 'sealed') {
        if (currentPassphrase === undefined) throw new VaultError('VAULT_PASSPHRASE_WRONG', 'Changing the passphrase needs the current one');
        const opened = await this.#openSealed(this.#record.keys, currentPassphrase);
        opened.derived.raw.fill(0);
        keys = opened.keys;
      } else {
        keys = this.#unlockedKeys();
      }
      const { sealed, derived } = await seal(newPassphrase, this.#iterations, keySetBytes(keys, this.#record.identities), KEYS_AAD);
      await this.#commit({ ...this.#record, keys: { kind: 'sealed', ...sealed } }, keys);
      this.#aesKey = derived.key;
      await this.#rememberSession(derived, sealed.kdf);
    });
  }

  /** Stores the private keys in plain text again (needs the current passphrase). No-op without one. */
  async removePassphrase(currentPassphrase: string): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#record.keys.kind !== 'sealed') return;
      const { keys, derived } = await this.#openSealed(this.#record.keys, currentPassphrase);
      derived.raw.fill(0);
      const privateKeys = this.#record.identities.map((identity) => ({ id: identity.id, privateKey: keys.get(identity.id)!.privateKey() }));
      await this.#commit({ ...this.#record, keys: { kind: 'plain', privateKeys } }, keys);
      this.#aesKey = undefined;
      await this.#forgetSession().catch(() => {});
    });
  }

  /**
   * Forgets the private keys and the AES key, in memory and in session storage. Without a
   * passphrase there is nothing to lock (the keys are readable at rest): a no-op.
   * The vault is locked in memory at once; if removing the session entry fails, that error
   * is thrown (a restarted service worker could otherwise come back unlocked).
   */
  async lock(): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#record.keys.kind !== 'sealed') return;
      this.#keys = undefined;
      this.#aesKey = undefined;
      await this.#forgetSession();
    });
  }

  /**
   * Unlocks with the passphrase (`VAULT_PASSPHRASE_WRONG` otherwise; a wrong one changes
   * nothing, also when already unlocked). Keeps the AES key in session storage so the unlock
   * survives the service worker being stopped. If the stored iteration count is below the
   * configured one, the key set is re-encrypted with a fresh salt and the higher count.
   */
  async unlock(passphrase: string): Promise<void> {
    await this.#exclusive(async () => {
      const keysField = this.#record.keys;
      if (keysField.kind !== 'sealed') return;
      const { keys, derived } = await this.#openSealed(keysField, passphrase);
      this.#keys = keys;
      this.#aesKey = derived.key;
      if (keysField.kdf.iterations < this.#iterations) {
        const upgraded = await seal(passphrase, this.#iterations, keySetBytes(keys, this.#record.identities), KEYS_AAD);
        try {
          await this.#commit({ ...this.#record, keys: { kind: 'sealed', ...upgraded.sealed } });
          this.#aesKey = upgraded.derived.key;
          await this.#rememberSession(upgraded.derived, upgraded.sealed.kdf);
          derived.raw.fill(0);
          return;
        } catch {
          // Keep the old, still valid encryption; try again on the next unlock.
        }
      }
      await this.#rememberSession(derived, keysField.kdf);
    });
  }

  // ---- backup ----

  /**
   * An encrypted backup of all identities (or of `identityIds`): names, private keys and
   * creation times, under `passphrase` (at least 8 characters; it may differ from the
   * vault's). JSON text for a file. Nothing in it is readable without the passphrase, not even
   * which public keys it holds (that would link personas). Needs the vault unlocked.
   */
  async exportBackup(passphrase: string, options: { identityIds?: readonly string[] } = {}): Promise<string> {
    checkStrength(passphrase);
    const keys = this.#unlockedKeys();
    const chosen = options.identityIds === undefined ? this.#record.identities : options.identityIds.map((id) => this.#find(id));
    if (chosen.length === 0) throw new VaultError('VAULT_IDENTITY_UNKNOWN', 'A backup needs at least one identity');
    const identities: BackupEntry[] = chosen.map((identity) => ({
      id: identity.id,
      name: identity.name,
      publicKey: identity.publicKey,
      privateKey: keys.get(identity.id)!.privateKey(),
      createdAt: identity.createdAt,
    }));
    const { sealed, derived } = await seal(passphrase, this.#iterations, utf8(JSON.stringify({ identities })), BACKUP_AAD);
    derived.raw.fill(0);
    return `${JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, kdf: sealed.kdf, cipher: sealed.cipher, data: sealed.data }, null, 2)}\n`;
  }

  /**
   * Restores identities from a backup made by `exportBackup`. Adds the ones the vault does
   * not have (by public key: never twice), or with `replace` makes them the vault's only
   * identities (ones it already had keep their id, so the sites' choices stay). Needs the
   * vault unlocked. `VAULT_BACKUP_INVALID` for anything that is not such a backup,
   * `VAULT_PASSPHRASE_WRONG` when the passphrase does not open it (or its ciphertext was altered).
   */
  async restoreBackup(text: string, passphrase: string, options: RestoreOptions = {}): Promise<RestoreResult> {
    return this.#exclusive(async () => {
      const keys = this.#unlockedKeys();
      const entries = await readBackup(text, passphrase);
      const byPublicKey = new Map(this.#record.identities.map((identity) => [identity.publicKey, identity]));
      const takenIds = new Set(this.#record.identities.map((identity) => identity.id));
      const result: RestoreResult = { added: [], existing: [], removed: [] };
      const seen = new Set<string>();
      const restored: Identity[] = [];
      const nextKeys = new Map<string, KeyPair>(options.replace === true ? [] : keys);

      for (const { entry, keyPair } of entries) {
        if (seen.has(entry.publicKey)) continue;
        seen.add(entry.publicKey);
        const old = byPublicKey.get(entry.publicKey);
        if (old && options.replace !== true) {
          result.existing.push(copy(old));
          continue;
        }
        const id = old?.id ?? (entry.id !== undefined && !takenIds.has(entry.id) ? entry.id : newId());
        takenIds.add(id);
        const identity: Identity = old ? { ...old, name: entry.name, createdAt: entry.createdAt } : { id, name: entry.name, publicKey: entry.publicKey, createdAt: entry.createdAt };
        restored.push(identity);
        nextKeys.set(id, keyPair);
        (old ? result.existing : result.added).push(copy(identity));
      }

      let identities: Identity[];
      let active = this.#record.active;
      let origins = this.#record.origins;
      if (options.replace === true) {
        identities = restored;
        const kept = new Set(identities.map((identity) => identity.id));
        result.removed = this.#record.identities.filter((identity) => !kept.has(identity.id)).map(copy);
        if (!kept.has(active)) active = identities[0]!.id;
        origins = origins.filter(([, id]) => kept.has(id));
      } else {
        identities = [...this.#record.identities, ...restored];
      }
      if (result.added.length > 0 || result.removed.length > 0 || options.replace === true) {
        await this.#commit({ ...this.#record, identities, active, origins, keys: await this.#keysField(nextKeys, identities) }, nextKeys);
      }
      return result;
    });
  }

  // ---- internals ----

  #find(identityId: string): Identity {
    const identity = this.#record.identities.find((candidate) => candidate.id === identityId);
    if (!identity) throw new VaultError('VAULT_IDENTITY_UNKNOWN', 'No such identity', { identityId });
    return identity;
  }

  #unlockedKeys(): KeyMap {
    if (!this.#keys) throw new VaultError('VAULT_LOCKED', 'The vault is locked: unlock it with the passphrase');
    return this.#keys;
  }

  /** Runs changes one at a time, in call order. */
  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Stores `record` with one write, then (only then) makes it, and `keys`, the vault's state. */
  async #commit(record: VaultRecord, keys?: KeyMap): Promise<void> {
    await write(this.#persistent, record);
    this.#record = record;
    if (keys) this.#keys = keys;
  }

  /** The stored form of a key set: plain, or sealed under the current AES key (fresh IV). */
  async #keysField(keys: KeyMap, identities: readonly Identity[]): Promise<KeysField> {
    const current = this.#record.keys;
    if (current.kind === 'plain') {
      return { kind: 'plain', privateKeys: identities.map((identity) => ({ id: identity.id, privateKey: keys.get(identity.id)!.privateKey() })) };
    }
    if (!this.#aesKey) throw new VaultError('VAULT_LOCKED', 'The vault is locked: unlock it with the passphrase');
    return { kind: 'sealed', ...(await sealWith(this.#aesKey, current.kdf, keySetBytes(keys, identities), KEYS_AAD)) };
  }

  /** Decrypts the stored key set with a passphrase: `VAULT_PASSPHRASE_WRONG` or `VAULT_CORRUPT` otherwise. */
  async #openSealed(sealed: Sealed, passphrase: string): Promise<{ keys: KeyMap; derived: DerivedKey }> {
    if (typeof passphrase !== 'string') throw new VaultError('VAULT_PASSPHRASE_WRONG', 'The passphrase is wrong');
    const parts = sealedParts(sealed);
    if (!parts) throw new VaultError('VAULT_CORRUPT', 'The stored key set is malformed');
    const derived = await deriveKey(passphrase, parts.salt, parts.iterations);
    const plain = await decrypt(derived.key, parts.iv, parts.data, KEYS_AAD);
    if (!plain) {
      derived.raw.fill(0);
      throw new VaultError('VAULT_PASSPHRASE_WRONG', 'The passphrase is wrong');
    }
    return { keys: keySetFromBytes(plain, this.#record.identities), derived };
  }

  /** Back to the unlocked state of this browser session, if session storage has a matching key. */
  async #resumeSession(sealed: Sealed): Promise<void> {
    let stored: unknown;
    try {
      stored = await this.#session.get(VAULT_SESSION_KEY);
    } catch {
      return;
    }
    if (stored === undefined || stored === null) return;
    const session = parseSession(stored);
    const parts = sealedParts(sealed);
    if (!parts) throw new VaultError('VAULT_CORRUPT', 'The stored key set is malformed');
    if (session && session.salt === sealed.kdf.salt && session.iterations === sealed.kdf.iterations) {
      const raw = base64ToBytes(session.key)!;
      const key = await importAesKey(raw);
      raw.fill(0);
      const plain = await decrypt(key, parts.iv, parts.data, KEYS_AAD);
      if (plain) {
        this.#keys = keySetFromBytes(plain, this.#record.identities);
        this.#aesKey = key;
        return;
      }
    }
    await this.#forgetSession().catch(() => {}); // stale (passphrase changed) or malformed
  }

  /** Keeps the derived AES key for this browser session. Best effort: without it, a restarted worker asks for the passphrase. */
  async #rememberSession(derived: DerivedKey, kdf: KdfParams): Promise<void> {
    const record: SessionRecord = { version: 1, salt: kdf.salt, iterations: kdf.iterations, key: bytesToBase64(derived.raw) };
    derived.raw.fill(0);
    try {
      await this.#session.set(VAULT_SESSION_KEY, record);
    } catch {
      await this.#forgetSession().catch(() => {});
    }
  }

  #forgetSession(): Promise<void> {
    return this.#session.remove(VAULT_SESSION_KEY);
  }
}

// ---- helpers ----

function newId(): string {
  return crypto.randomUUID();
}

function copy(identity: Identity): Identity {
  return { id: identity.id, name: identity.name, publicKey: identity.publicKey, createdAt: identity.createdAt };
}

async function write(storage: VaultStorage, record: VaultRecord): Promise<void> {
  try {
    await storage.set(VAULT_STORAGE_KEY, record);
  } catch (cause) {
    throw new VaultError('VAULT_STORAGE_FAILED', 'Saving the vault failed; nothing was changed', undefined, { cause });
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function checkName(name: unknown): string {
  const clean = typeof name === 'string' ? name.normalize('NFC').trim() : '';
  if (clean === '' || [...clean].length > MAX_NAME_LENGTH || CONTROL.test(clean)) {
    throw new VaultError('VAULT_NAME_INVALID', `A name has 1 to ${MAX_NAME_LENGTH} characters and no control characters`);
  }
  return clean;
}

function checkStrength(passphrase: unknown): void {
  if (typeof passphrase !== 'string' || [...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new VaultError('VAULT_PASSPHRASE_WEAK', `A passphrase has at least ${MIN_PASSPHRASE_LENGTH} characters`);
  }
}

function keySetBytes(keys: KeyMap, identities: readonly Identity[]): Uint8Array<ArrayBuffer> {
  const entries: KeyEntry[] = identities.map((identity) => ({ id: identity.id, privateKey: keys.get(identity.id)!.privateKey() }));
  return utf8(JSON.stringify({ keys: entries }));
}

function keySetFromBytes(bytes: Uint8Array, identities: readonly Identity[]): KeyMap {
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
function keysFromEntries(entries: unknown[], identities: readonly Identity[]): KeyMap {
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
    if (keyPair.publicKey() !== identity.publicKey) throw new VaultError('VAULT_CORRUPT', 'A private key does not match its public key', { identityId: identity.id });
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
function parseRecord(value: unknown): VaultRecord {
  const corrupt = (why: string) => new VaultError('VAULT_CORRUPT', `The stored vault is not readable: ${why}`);
  if (!isObject(value) || value.format !== VAULT_FORMAT) throw corrupt('unknown format');
  if (value.version !== VAULT_VERSION) throw new VaultError('VAULT_CORRUPT', 'The stored vault has a version this extension does not know', { version: value.version });
  const { identities, active, origins, keys } = value;
  if (!Array.isArray(identities) || identities.length === 0 || !identities.every(isIdentity)) throw corrupt('identities');
  const ids = new Set(identities.map((identity) => identity.id));
  if (ids.size !== identities.length || new Set(identities.map((identity) => identity.publicKey)).size !== identities.length) throw corrupt('duplicate identities');
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
    identities: identities.map(copy),
    active,
    origins: siteChoices,
    keys: keysField,
  };
}

function parseSession(value: unknown): SessionRecord | undefined {
  if (!isObject(value) || value.version !== 1 || typeof value.salt !== 'string' || typeof value.iterations !== 'number') return undefined;
  if (base64ToBytes(value.key)?.length !== AES_KEY_BYTES) return undefined;
  return value as unknown as SessionRecord;
}

/** A backup's identities with their key pairs: `VAULT_BACKUP_INVALID` or `VAULT_PASSPHRASE_WRONG` otherwise. */
async function readBackup(text: string, passphrase: string): Promise<{ entry: BackupEntry; keyPair: KeyPair }[]> {
  const invalid = (why: string) => new VaultError('VAULT_BACKUP_INVALID', `This is not a Panda Kit vault backup: ${why}`);
  if (typeof text !== 'string' || text.length > MAX_BACKUP_CHARS) throw invalid('not a backup file');
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (!isObject(file) || file.format !== BACKUP_FORMAT) throw invalid('unknown format');
  if (file.version !== BACKUP_VERSION) throw new VaultError('VAULT_BACKUP_INVALID', 'This backup has a version this extension does not know', { version: file.version });
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
      createdAt: typeof raw.createdAt === 'number' && Number.isFinite(raw.createdAt) ? raw.createdAt : Date.now(),
    };
    if (typeof raw.id === 'string' && ID_PATTERN.test(raw.id)) entry.id = raw.id;
    return { entry, keyPair };
  });
}
