/**
 * The festival model's queries by name, answered as plain JSON data: what the extension's
 * provider answers to `panda_query` and the widgets' in-page peer to `query()`, so both give
 * a page the same shapes. Bad parameters are `INPUT_INVALID`.
 *
 * People by name: every object in an answer that names an `owner` (or a `voter`) whose
 * profile is known also carries `ownerName` (`voterName`) and, where set, `ownerAvatar`
 * (`voterAvatar`), so that no page has to show a key where a person has a name. The names
 * are the profiles' untrusted text: pages render them as text.
 */
import { PandaError } from '../errors.js';
import { isHash, type Hash } from '../hash/hash.js';
import type { FestivalModel } from './festival-model.js';
import type { Profile } from './model.js';
import { isPublicKey } from './rules.js';
import { isRecord } from '../guards.js';

/** How many profiles the `profiles` query lists at most (a hostile peer may have made many). */
export const MAX_PROFILES_LISTED = 1000;

export const QUERY_NAMES = ['festival', 'schedule', 'resource', 'resources', 'profile', 'profiles', 'bookings', 'freeSlots', 'conflicts', 'pending'] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

/**
 * JSON-safe copies, as a JSON round trip would make them, without the text in between:
 * bigints as numbers, Maps and Sets as arrays, numbers that are not finite as null,
 * undefined properties left out (undefined in arrays as null). Answers are copied so that
 * what a caller does to them never reaches the model.
 */
export function toPlainData(value: unknown): unknown {
  return plainCopy(value) ?? null;
}

function plainCopy(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON writes -0 as 0.
      return Number.isFinite(value) ? value + 0 : null;
    case 'bigint':
      return Number(value);
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (Array.isArray(value) || value instanceof Map || value instanceof Set) {
    const items = Array.isArray(value) ? value : [...(value as Iterable<unknown>)];
    return items.map((item) => plainCopy(item) ?? null);
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = plainCopy((value as Record<string, unknown>)[key]);
    if (item !== undefined) copy[key] = item;
  }
  return copy;
}

function documentId(params: Record<string, unknown>, name: string): Hash {
  const value = params[name];
  if (!isHash(value)) throw new PandaError('INPUT_INVALID', `${name} is a document id`, { name });
  return value;
}

/** What a page learns of a person: name and avatar. */
const person = (profile: Profile) =>
  profile.avatar === undefined ? { publicKey: profile.owner, name: profile.name } : { publicKey: profile.owner, name: profile.name, avatar: profile.avatar };

/** Adds `ownerName`/`ownerAvatar` (and `voterName`/`voterAvatar`) beside every `owner` (`voter`) with a named profile, in place. */
function withNames(model: FestivalModel, value: unknown): unknown {
  const names = new Map<string, Profile | undefined>();
  const profileOf = (key: string) => {
    if (!names.has(key)) {
      const profile = model.personOf(key);
      names.set(key, profile && profile.name.trim() !== '' ? profile : undefined);
    }
    return names.get(key);
  };
  const visit = (item: unknown): void => {
    if (Array.isArray(item)) {
      for (const element of item) visit(element);
      return;
    }
    if (typeof item !== 'object' || item === null) return;
    const record = item as Record<string, unknown>;
    for (const role of ['owner', 'voter'] as const) {
      const key = record[role];
      const profile = typeof key === 'string' ? profileOf(key) : undefined;
      if (!profile) continue;
      record[`${role}Name`] = profile.name;
      if (profile.avatar !== undefined) record[`${role}Avatar`] = profile.avatar;
    }
    for (const child of Object.values(record)) if (isRecord(child)) visit(child);
  };
  visit(value);
  return value;
}

function publicKey(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || !isPublicKey(value)) throw new PandaError('INPUT_INVALID', `${name} is a public key (64 hex characters)`, { name });
  return value;
}

function time(params: Record<string, unknown>, name: string): number | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new PandaError('INPUT_INVALID', `${name} is a whole number of Unix seconds`, { name });
  return value;
}

/**
 * Answers `{ query, festivalId?, resourceId?, from?, to? }`. `pending` (the requests waiting
 * for a user's decision) needs that user: `user`, a public key; without one it is refused.
 */
export function answerQuery(model: FestivalModel, params: Record<string, unknown>, user?: string): unknown {
  return withNames(model, plainAnswer(model, params, user));
}

/**
 * `resources`: every resource of the festival and of the festivals nested in it, by title.
 * `profile`: the person behind `publicKey` (their own profile or the one naming the key as a
 * device), or null. `profiles`: the people known here, by name (at most MAX_PROFILES_LISTED).
 */
function plainAnswer(model: FestivalModel, params: Record<string, unknown>, user?: string): unknown {
  switch (params.query as QueryName) {
    case 'festival': {
      const id = documentId(params, 'festivalId');
      return toPlainData({ festival: model.festivals.get(id), tree: model.festivalTree(id).flatMap((festival) => model.festivals.get(festival) ?? []) });
    }
    case 'schedule':
      return toPlainData(model.schedule(documentId(params, 'festivalId')));
    case 'resource':
      return toPlainData(model.resources.get(documentId(params, 'resourceId')) ?? null);
    case 'resources': {
      const festivals = new Set(model.festivalTree(documentId(params, 'festivalId')));
      const resources = [...model.resources.values()].filter((resource) => festivals.has(resource.festival));
      return toPlainData(resources.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : 1)));
    }
    case 'profile': {
      const profile = model.personOf(publicKey(params, 'publicKey'));
      return profile ? person(profile) : null;
    }
    case 'profiles': {
      const people = [...model.profiles.values()].filter((profile) => model.profileOf(profile.owner) === profile && profile.name.trim() !== '');
      return people
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.owner < b.owner ? -1 : 1))
        .slice(0, MAX_PROFILES_LISTED)
        .map(person);
    }
    case 'bookings':
      return toPlainData(model.bookings(documentId(params, 'resourceId')));
    case 'freeSlots':
      return toPlainData(model.freeSlots(documentId(params, 'resourceId'), time(params, 'from'), time(params, 'to')));
    case 'conflicts':
      return toPlainData(model.conflicts(params.resourceId === undefined ? undefined : documentId(params, 'resourceId')));
    case 'pending':
      if (user === undefined)
        throw new PandaError('INPUT_INVALID', 'pending needs an identity: the requests waiting for its decision (the extension answers it)');
      return toPlainData(model.pendingFor(user));
    default:
      throw new PandaError('INPUT_INVALID', `query is one of ${QUERY_NAMES.join(', ')}`, { query: String(params.query).slice(0, 40) });
  }
}
