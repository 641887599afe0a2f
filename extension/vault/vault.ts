/**
 * The extension's key vault: the person's identities (personas, bots) and their Ed25519
 * private keys. Pure module: WebCrypto only, no `browser.*`; storage is injected (see
 * storage.ts), so it runs in a Chrome MV3 service worker, a Firefox background page and Node.
 *
 * The private keys never leave the privileged context this runs in. Nothing here returns
 * one, except `keyPair()`, which exists for the extension's own publishing code in the same
 * context; its result must never be put in a message, a port, a page or a content script.
 *
 * This file is the vault's API: the `Vault` class holds the state and ties the parts together.
 * - record.ts: the record at rest (format, checks when read, the stored key set);
 * - identities.ts: identities, their names and the identity each site sees (pure changes to the record);
 * - session.ts: the passphrase, and the unlocked state kept in session storage (lock/unlock);
 * - backup.ts: the backup file (export, import, merging into the vault);
 * - crypto.ts: PBKDF2 and AES-GCM on WebCrypto; errors.ts: `VaultError` and its codes;
 * - storage.ts, indexeddb-storage.ts: where the record and the session are stored.
 *
 * Every change writes the whole record with one `set`: it is stored as a whole or not at
 * all, and the vault changes its own state only after the write succeeded. So a failed write
 * (`VAULT_STORAGE_FAILED`) leaves both the stored and the in-memory vault as they were.
 * Changes are also queued one after the other, so two at once cannot lose each other's work.
 * One clock, the injected `now`, dates what the vault creates.
 *
 * Without a passphrase (fresh install) the private keys are stored in plain text: a fresh
 * install works at once, and such a vault is never locked. Unlike `storage.session`,
 * `storage.local` is also readable from the extension's content scripts (which run in web
 * pages' renderer processes), so the UI should ask the person to set a passphrase. Note too
 * that the browser's on-disk store may keep an overwritten plain value for a while.
 */
import type { KeyPair } from '../../core/identity/key-pair.js';
import { readBackup, writeBackup, mergeBackup, type RestoreOptions, type RestoreResult } from './backup.js';
import { VaultError } from './errors.js';
import { checkName, findIdentity, generateIdentity, identityIdFor, withoutIdentity, withRenamed, withSiteChoice } from './identities.js';
import {
  VAULT_FORMAT,
  VAULT_VERSION,
  copyIdentity,
  keysFromEntries,
  parseRecord,
  plainKeys,
  resealedKeys,
  writeRecord,
  VAULT_STORAGE_KEY,
  type Identity,
  type KeyMap,
  type KeysField,
  type VaultRecord,
} from './record.js';
import { checkStrength, configuredIterations, forgetSession, openSealed, rememberSession, resumeSession, sealKeySet } from './session.js';
import type { VaultStorage } from './storage.js';

export { VaultError, isVaultError, type VaultErrorCode } from './errors.js';
export { MemoryVaultStorage, type VaultStorage } from './storage.js';
export { MIN_PBKDF2_ITERATIONS } from './crypto.js';
export { VAULT_STORAGE_KEY, VAULT_FORMAT, VAULT_VERSION, type Identity } from './record.js';
export { VAULT_SESSION_KEY, MIN_PASSPHRASE_LENGTH } from './session.js';
export { MAX_NAME_LENGTH } from './identities.js';
export { BACKUP_FORMAT, BACKUP_VERSION, type RestoreOptions, type RestoreResult } from './backup.js';

export interface VaultOptions {
  /**
   * PBKDF2 iterations for new encryptions (vault and backups). Default and floor: 600,000;
   * lower counts throw a RangeError unless `unsafeTestIterations` is set.
   */
  pbkdf2Iterations?: number;
  /** Tests only: allow `pbkdf2Iterations` below 600,000. Never set this in the extension. */
  unsafeTestIterations?: boolean;
  /** The vault's clock: `createdAt` of new identities, and of restored ones a backup gives none (tests). */
  now?: () => number;
}

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
    const iterations = configuredIterations(options);
    const now = options.now ?? Date.now;
    const stored = await persistent.get(VAULT_STORAGE_KEY);

    if (stored === undefined || stored === null) {
      const { identity, keyPair } = generateIdentity('Me', now());
      const keys = new Map([[identity.id, keyPair]]);
      const record: VaultRecord = {
        format: VAULT_FORMAT,
        version: VAULT_VERSION,
        identities: [identity],
        active: identity.id,
        origins: [],
        keys: plainKeys(keys, [identity]),
      };
      await writeRecord(persistent, record);
      const vault = new Vault(persistent, session, record, iterations, now);
      vault.#keys = keys;
      return vault;
    }

    const record = parseRecord(stored);
    const vault = new Vault(persistent, session, record, iterations, now);
    if (record.keys.kind === 'plain') {
      vault.#keys = keysFromEntries(record.keys.privateKeys, record.identities);
    } else {
      const resumed = await resumeSession(session, record.keys, record.identities);
      vault.#keys = resumed?.keys;
      vault.#aesKey = resumed?.aesKey;
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
    return this.#record.identities.map(copyIdentity);
  }

  identity(identityId: string): Identity {
    return copyIdentity(findIdentity(this.#record, identityId));
  }

  /** The default identity: the one a site sees unless the person chose another for it. */
  activeIdentity(): Identity {
    return this.identity(this.#record.active);
  }

  async setActiveIdentity(identityId: string): Promise<void> {
    await this.#exclusive(async () => {
      findIdentity(this.#record, identityId);
      if (this.#record.active === identityId) return;
      await this.#commit({ ...this.#record, active: identityId });
    });
  }

  /** The identity `origin` sees: the person's choice for it, or the active identity. */
  identityFor(origin: string): Identity {
    return this.identity(identityIdFor(this.#record, origin));
  }

  /** Chooses the identity `origin` sees; `null` goes back to the active identity. */
  async setIdentityFor(origin: string, identityId: string | null): Promise<void> {
    if (typeof origin !== 'string' || origin === '') throw new TypeError('origin must be a non-empty string');
    await this.#exclusive(async () => {
      await this.#commit({ ...this.#record, origins: withSiteChoice(this.#record, origin, identityId) });
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
      const { identity, keyPair } = generateIdentity(clean, this.#now());
      const identities = [...this.#record.identities, identity];
      const nextKeys = new Map(keys).set(identity.id, keyPair);
      await this.#commit({ ...this.#record, identities, keys: await this.#keysField(nextKeys, identities) }, nextKeys);
      return copyIdentity(identity);
    });
  }

  async renameIdentity(identityId: string, name: string): Promise<Identity> {
    const clean = checkName(name);
    return this.#exclusive(async () => {
      const { identities, renamed } = withRenamed(this.#record, identityId, clean);
      await this.#commit({ ...this.#record, identities });
      return copyIdentity(renamed);
    });
  }

  /**
   * Removes an identity and destroys its private key (the UI should offer a backup first).
   * Not the last one (`VAULT_LAST_IDENTITY`). Sites that saw it see the active identity again;
   * if it was the active one, the first remaining identity becomes active.
   */
  async removeIdentity(identityId: string): Promise<void> {
    await this.#exclusive(async () => {
      const next = withoutIdentity(this.#record, identityId);
      const nextKeys = new Map(this.#unlockedKeys());
      nextKeys.delete(identityId);
      await this.#commit({ ...this.#record, ...next, keys: await this.#keysField(nextKeys, next.identities) }, nextKeys);
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
    findIdentity(this.#record, identityId);
    const keyPair = this.#unlockedKeys().get(identityId);
    if (!keyPair) throw new VaultError('VAULT_CORRUPT', 'An identity has no private key', { identityId });
    return keyPair;
  }

  // ---- passphrase, lock and unlock (see session.ts) ----

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
        const opened = await openSealed(this.#record.keys, currentPassphrase, this.#record.identities);
        opened.derived.raw.fill(0);
        keys = opened.keys;
      } else {
        keys = this.#unlockedKeys();
      }
      const sealed = await sealKeySet(newPassphrase, this.#iterations, keys, this.#record.identities);
      await this.#commit({ ...this.#record, keys: sealed.keys }, keys);
      this.#aesKey = sealed.derived.key;
      await rememberSession(this.#session, sealed.derived, sealed.keys.kdf);
    });
  }

  /** Stores the private keys in plain text again (needs the current passphrase). No-op without one. */
  async removePassphrase(currentPassphrase: string): Promise<void> {
    await this.#exclusive(async () => {
      if (this.#record.keys.kind !== 'sealed') return;
      const { keys, derived } = await openSealed(this.#record.keys, currentPassphrase, this.#record.identities);
      derived.raw.fill(0);
      await this.#commit({ ...this.#record, keys: plainKeys(keys, this.#record.identities) }, keys);
      this.#aesKey = undefined;
      await forgetSession(this.#session).catch(() => {});
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
      await forgetSession(this.#session);
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
      const { keys, derived } = await openSealed(keysField, passphrase, this.#record.identities);
      this.#keys = keys;
      this.#aesKey = derived.key;
      if (keysField.kdf.iterations < this.#iterations) {
        const upgraded = await sealKeySet(passphrase, this.#iterations, keys, this.#record.identities);
        try {
          await this.#commit({ ...this.#record, keys: upgraded.keys });
          this.#aesKey = upgraded.derived.key;
          await rememberSession(this.#session, upgraded.derived, upgraded.keys.kdf);
          derived.raw.fill(0);
          return;
        } catch {
          // Keep the old, still valid encryption; try again on the next unlock.
        }
      }
      await rememberSession(this.#session, derived, keysField.kdf);
    });
  }

  // ---- backup (see backup.ts) ----

  /**
   * An encrypted backup of all identities (or of `identityIds`): names, private keys and
   * creation times, under `passphrase` (at least 8 characters; it may differ from the
   * vault's). JSON text for a file. Nothing in it is readable without the passphrase, not even
   * which public keys it holds (that would link personas). Needs the vault unlocked.
   */
  async exportBackup(passphrase: string, options: { identityIds?: readonly string[] } = {}): Promise<string> {
    checkStrength(passphrase);
    const keys = this.#unlockedKeys();
    const chosen = options.identityIds === undefined ? this.#record.identities : options.identityIds.map((id) => findIdentity(this.#record, id));
    if (chosen.length === 0) throw new VaultError('VAULT_IDENTITY_UNKNOWN', 'A backup needs at least one identity');
    return writeBackup(chosen, keys, passphrase, this.#iterations);
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
      const entries = await readBackup(text, passphrase, this.#now);
      const { result, changed, next, nextKeys } = mergeBackup(this.#record, keys, entries, options);
      if (changed) await this.#commit({ ...this.#record, ...next, keys: await this.#keysField(nextKeys, next.identities) }, nextKeys);
      return result;
    });
  }

  // ---- internals ----

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
    await writeRecord(this.#persistent, record);
    this.#record = record;
    if (keys) this.#keys = keys;
  }

  /** The stored form of a key set: plain, or sealed under the current AES key (fresh IV). */
  async #keysField(keys: KeyMap, identities: readonly Identity[]): Promise<KeysField> {
    const current = this.#record.keys;
    if (current.kind === 'plain') return plainKeys(keys, identities);
    if (!this.#aesKey) throw new VaultError('VAULT_LOCKED', 'The vault is locked: unlock it with the passphrase');
    return resealedKeys(this.#aesKey, current, keys, identities);
  }
}
