/**
 * What one site may see of the festival model: the festivals it was granted (created or
 * joined with the person's approval, or shared with it in the popup) and the festivals
 * nested in them. A query about anything else answers 4100, the same answer whether the
 * thing exists or not, so a site learns nothing of what it was not granted; lists are
 * filtered to the scope. Pure functions over the model.
 */
import { answerQuery, isPandaError, toPlainData, type FestivalModel, type Hash } from '../../core/index.js';
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';
import { documentIdParam, invalid } from './request-params.js';

/** The festivals a site sees: each granted one and its nested festivals. */
export function scopeOf(model: FestivalModel, granted: readonly Hash[]): Set<Hash> {
  return new Set(granted.flatMap((id) => model.festivalTree(id)));
}

export function notGranted(): never {
  throw new ProviderRpcError(ProviderErrorCode.UNAUTHORIZED, 'This site was not granted that festival (or it does not exist)');
}

/** The festival `documentId` belongs to (a festival is its own), if the model knows it. */
export function festivalOfDocument(model: FestivalModel, documentId: Hash): Hash | undefined {
  if (model.festivals.has(documentId)) return documentId;
  const item = model.events.get(documentId) ?? model.resources.get(documentId);
  if (item) return item.festival;
  return model.authorizations.get(documentId)?.festival;
}

/** 4100 unless `documentId` is in `scope` (a profile is nobody's festival: never in scope). */
export function checkDocumentInScope(model: FestivalModel, scope: ReadonlySet<Hash>, documentId: Hash): void {
  const festival = festivalOfDocument(model, documentId);
  if (festival === undefined || !scope.has(festival)) notGranted();
}

/**
 * `panda_query` for a site whose festivals are `granted`: festival and schedule of a granted
 * festival (answered even before its data arrived), a resource of one, and only the
 * conflicts and pending requests within the scope.
 */
export function scopedQuery(model: FestivalModel, params: Record<string, unknown>, granted: readonly Hash[], user?: string): unknown {
  const scope = scopeOf(model, granted);
  const inScope = (festival: Hash) => scope.has(festival) || granted.includes(festival);
  const eventInScope = (id: Hash) => {
    const event = model.events.get(id);
    return event !== undefined && inScope(event.festival);
  };
  try {
    switch (params.query) {
      case 'festival':
      case 'schedule':
        if (!inScope(documentIdParam(params.festivalId, 'festivalId'))) notGranted();
        return answerQuery(model, params, user);
      case 'resource':
      case 'freeSlots': {
        const resource = model.resources.get(documentIdParam(params.resourceId, 'resourceId'));
        if (!resource || !inScope(resource.festival)) notGranted();
        return answerQuery(model, params, user);
      }
      case 'bookings': {
        const resource = model.resources.get(documentIdParam(params.resourceId, 'resourceId'));
        if (!resource || !inScope(resource.festival)) notGranted();
        return toPlainData(model.bookings(resource.id).filter((booking) => inScope(booking.event.festival)));
      }
      case 'conflicts': {
        if (params.resourceId !== undefined) {
          const resource = model.resources.get(documentIdParam(params.resourceId, 'resourceId'));
          if (!resource || !inScope(resource.festival)) notGranted();
        }
        const conflicts = model.conflicts(params.resourceId as Hash | undefined);
        return toPlainData(
          conflicts
            .filter((conflict) => inScope(conflict.resource.festival) && inScope(conflict.event.festival))
            .map((conflict) => ({ ...conflict, with: conflict.with.filter((event) => inScope(event.festival)) })),
        );
      }
      case 'pending': {
        const all = answerQuery(model, params, user) as Array<{ event: { id: Hash }; resource: { festival: Hash } }>;
        return all.filter((item) => eventInScope(item.event.id) && inScope(item.resource.festival));
      }
      default:
        return answerQuery(model, params, user);
    }
  } catch (error) {
    if (isPandaError(error, 'INPUT_INVALID')) invalid(error.message);
    throw error;
  }
}

/**
 * What a site can see of the model, as one string: `festivalChanged` goes to a site only
 * when this changed, so a change outside its scope is as silent as no change at all.
 */
export function scopeDigest(model: FestivalModel, granted: readonly Hash[]): string {
  const scope = scopeOf(model, granted);
  const parts: string[] = [...granted].sort();
  for (const festival of [...scope].sort()) parts.push(`${festival}:${model.festivals.get(festival)?.viewId.join(',') ?? ''}`);
  for (const id of granted) parts.push(JSON.stringify(answerQuery(model, { query: 'schedule', festivalId: id })));
  for (const resource of model.resources.values()) if (scope.has(resource.festival)) parts.push(`${resource.id}:${resource.viewId.join(',')}`);
  return parts.join('\n');
}
