/**
 * The festival model's queries by name, answered as plain JSON data: what the extension's
 * provider answers to `panda_query` and the widgets' in-page peer to `query()`, so both give
 * a page the same shapes. Bad parameters are `INPUT_INVALID`.
 */
import { PandaError } from '../errors.js';
import { isHash, type Hash } from '../hash/hash.js';
import type { FestivalModel } from './festival-model.js';

export const QUERY_NAMES = ['festival', 'schedule', 'resource', 'bookings', 'freeSlots', 'conflicts', 'pending'] as const;
export type QueryName = (typeof QUERY_NAMES)[number];

/** JSON-safe copies: bigints as numbers, Maps and Sets as arrays. */
export function toPlainData(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item instanceof Map || item instanceof Set ? [...item] : item)));
}

function documentId(params: Record<string, unknown>, name: string): Hash {
  const value = params[name];
  if (!isHash(value)) throw new PandaError('INPUT_INVALID', `${name} is a document id`, { name });
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
  switch (params.query as QueryName) {
    case 'festival': {
      const id = documentId(params, 'festivalId');
      return toPlainData({ festival: model.festivals.get(id), tree: model.festivalTree(id).flatMap((festival) => model.festivals.get(festival) ?? []) });
    }
    case 'schedule':
      return toPlainData(model.schedule(documentId(params, 'festivalId')));
    case 'resource':
      return toPlainData(model.resources.get(documentId(params, 'resourceId')) ?? null);
    case 'bookings':
      return toPlainData(model.bookings(documentId(params, 'resourceId')));
    case 'freeSlots':
      return toPlainData(model.freeSlots(documentId(params, 'resourceId'), time(params, 'from'), time(params, 'to')));
    case 'conflicts':
      return toPlainData(model.conflicts(params.resourceId === undefined ? undefined : documentId(params, 'resourceId')));
    case 'pending':
      if (user === undefined) throw new PandaError('INPUT_INVALID', 'pending needs an identity: the requests waiting for its decision (the extension answers it)');
      return toPlainData(model.pendingFor(user));
    default:
      throw new PandaError('INPUT_INVALID', `query is one of ${QUERY_NAMES.join(', ')}`, { query: String(params.query).slice(0, 40) });
  }
}
