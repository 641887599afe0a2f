/**
 * The identities in a vault record and the identity each site sees, as pure functions: each
 * change returns the parts of a new record and leaves the old one as it was, so the vault can
 * store the new record first and only then make it its state.
 *
 * A site sees the person's choice for its origin (`origins`), or else the active identity.
 * Removing an identity drops the sites' choices of it; if it was active, the first remaining
 * identity becomes active.
 */
import { KeyPair } from '../../core/identity/key-pair.js';
import { VaultError } from './errors.js';
import type { Identity, VaultRecord } from './record.js';

export const MAX_NAME_LENGTH = 64;

/** The parts of the record this module reads and changes. */
export type VaultIdentities = Pick<VaultRecord, 'identities' | 'active' | 'origins'>;

export function newIdentityId(): string {
  return crypto.randomUUID();
}

/** A new identity with a fresh key pair, created at `createdAt`. */
export function generateIdentity(name: string, createdAt: number): { identity: Identity; keyPair: KeyPair } {
  const keyPair = KeyPair.generate();
  return { identity: { id: newIdentityId(), name, publicKey: keyPair.publicKey(), createdAt }, keyPair };
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The name as stored (NFC, trimmed); `VAULT_NAME_INVALID` when empty, too long or with control characters. */
export function checkName(name: unknown): string {
  const clean = typeof name === 'string' ? name.normalize('NFC').trim() : '';
  if (clean === '' || [...clean].length > MAX_NAME_LENGTH || CONTROL.test(clean)) {
    throw new VaultError('VAULT_NAME_INVALID', `A name has 1 to ${MAX_NAME_LENGTH} characters and no control characters`);
  }
  return clean;
}

/** The identity with that id: `VAULT_IDENTITY_UNKNOWN` otherwise. */
export function findIdentity(record: VaultIdentities, identityId: string): Identity {
  const identity = record.identities.find((candidate) => candidate.id === identityId);
  if (!identity) throw new VaultError('VAULT_IDENTITY_UNKNOWN', 'No such identity', { identityId });
  return identity;
}

/** The id of the identity `origin` sees. */
export function identityIdFor(record: VaultIdentities, origin: string): string {
  return record.origins.find(([site]) => site === origin)?.[1] ?? record.active;
}

/** The site choices with `origin` seeing `identityId`, or (`null`) the active identity again. */
export function withSiteChoice(record: VaultIdentities, origin: string, identityId: string | null): VaultRecord['origins'] {
  if (identityId !== null) findIdentity(record, identityId);
  const origins = record.origins.filter(([site]) => site !== origin);
  if (identityId !== null) origins.push([origin, identityId]);
  return origins;
}

export function withRenamed(record: VaultIdentities, identityId: string, name: string): { identities: Identity[]; renamed: Identity } {
  const renamed = { ...findIdentity(record, identityId), name };
  return { identities: record.identities.map((identity) => (identity.id === identityId ? renamed : identity)), renamed };
}

/** The identities without `identityId` (not the last one: `VAULT_LAST_IDENTITY`). */
export function withoutIdentity(record: VaultIdentities, identityId: string): VaultIdentities {
  findIdentity(record, identityId);
  if (record.identities.length === 1) throw new VaultError('VAULT_LAST_IDENTITY', 'The last identity cannot be removed');
  const identities = record.identities.filter((identity) => identity.id !== identityId);
  const active = record.active === identityId ? identities[0]!.id : record.active;
  const origins = record.origins.filter(([, id]) => id !== identityId);
  return { identities, active, origins };
}

/** Only `identities` remain: the sites' choices of others go, and the first becomes active if the active one went. */
export function keepOnly(record: VaultIdentities, identities: Identity[]): VaultIdentities {
  const kept = new Set(identities.map((identity) => identity.id));
  const active = kept.has(record.active) ? record.active : identities[0]!.id;
  return { identities, active, origins: record.origins.filter(([, id]) => kept.has(id)) };
}
