/**
 * Decides which events hold which resources, identically on every peer that holds the
 * same documents: the resource's policy gives each request a verdict, then requests are
 * taken in first-come order (claimed request time, then event id) and an approved request
 * holds the resource if the event also holds everything the resource depends on and the
 * resource still has capacity for the event's time.
 */
import type { Hash } from '../hash/hash.js';
import type { FestivalEvent, Resource } from './model.js';
import type { PolicyRegistry, Vote } from './policies.js';

export type RequestState = 'confirmed' | 'denied' | 'pending' | 'conflict' | 'blocked';

export interface RequestStatus {
  event: Hash;
  resource: Hash;
  state: RequestState;
  /** Why it is not confirmed, in words. */
  reason?: string;
  /** Latest decision of each user whose decision counts here. */
  votes: Vote[];
}

export interface BookingInput {
  resources: ReadonlyMap<Hash, Resource>;
  /** Resources known to be deleted. */
  deletedResources: ReadonlySet<Hash>;
  events: Iterable<FestivalEvent>;
  /** Votes by resource id, then event id, already limited to each resource's voters. */
  votes: ReadonlyMap<Hash, ReadonlyMap<Hash, Vote[]>>;
  policies: PolicyRegistry;
}

/** First-come order: claimed request time, then event id. */
export function requestOrder(a: FestivalEvent, b: FestivalEvent): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Resources ordered so that each comes after what it depends on; members of cycles last, flagged. */
function dependencyOrder(resources: ReadonlyMap<Hash, Resource>): { order: Resource[]; cyclic: Set<Hash> } {
  const order: Resource[] = [];
  const state = new Map<Hash, 'visiting' | 'done'>();
  const cyclic = new Set<Hash>();
  const visit = (resource: Resource, path: Hash[]) => {
    const seen = state.get(resource.id);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      for (const id of path.slice(path.indexOf(resource.id))) cyclic.add(id);
      return;
    }
    state.set(resource.id, 'visiting');
    for (const dependency of resource.dependsOn) {
      const target = resources.get(dependency);
      if (target) visit(target, [...path, resource.id]);
    }
    state.set(resource.id, 'done');
    order.push(resource);
  };
  for (const id of [...resources.keys()].sort()) visit(resources.get(id)!, []);
  return { order, cyclic };
}

/** Most events holding the resource at any one instant within [start, end). */
function peakOverlap(held: readonly FestivalEvent[], start: number, end: number): number {
  const points: Array<[number, number]> = [];
  for (const event of held) {
    if (event.start < end && event.end > start) {
      points.push([Math.max(event.start, start), 1], [Math.min(event.end, end), -1]);
    }
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of points) {
    current += delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

/** Every request's status, by resource id, then event id. */
export function evaluateBookings(input: BookingInput): Map<Hash, Map<Hash, RequestStatus>> {
  const requests = new Map<Hash, FestivalEvent[]>();
  for (const event of input.events) {
    for (const resource of event.resources) {
      const list = requests.get(resource);
      if (list) list.push(event);
      else requests.set(resource, [event]);
    }
  }
  const result = new Map<Hash, Map<Hash, RequestStatus>>();
  const statusOf = (resource: Hash, event: Hash) => result.get(resource)?.get(event);
  const { order, cyclic } = dependencyOrder(input.resources);

  for (const resource of order) {
    const statuses = new Map<Hash, RequestStatus>();
    result.set(resource.id, statuses);
    const policy = input.policies.get(resource.policy);
    const held: FestivalEvent[] = [];
    const votesByEvent = input.votes.get(resource.id);
    for (const event of (requests.get(resource.id) ?? []).sort(requestOrder)) {
      const votes = votesByEvent?.get(event.id) ?? [];
      const status: RequestStatus = { event: event.id, resource: resource.id, state: 'pending', votes };
      statuses.set(event.id, status);
      if (!policy) {
        status.reason = `unknown policy "${resource.policy}"`;
        continue;
      }
      const verdict = policy.decide(resource, event, votes);
      if (verdict !== 'approved') {
        status.state = verdict;
        status.reason = verdict === 'denied' ? 'denied' : 'waiting for a decision';
        continue;
      }
      if (cyclic.has(resource.id)) {
        status.state = 'blocked';
        status.reason = 'its dependencies form a cycle';
        continue;
      }
      const missing = resource.dependsOn.filter((dependency) => statusOf(dependency, event.id)?.state !== 'confirmed');
      if (missing.length > 0) {
        status.state = 'blocked';
        status.reason = `needs ${missing.map((id) => input.resources.get(id)?.title ?? id).join(', ')} as well`;
        continue;
      }
      if (peakOverlap(held, event.start, event.end) >= resource.capacity) {
        status.state = 'conflict';
        status.reason = 'already held by earlier requests at that time';
        continue;
      }
      status.state = 'confirmed';
      held.push(event);
    }
  }

  // Requests for resources not known here (yet), or deleted.
  for (const [resource, events] of requests) {
    if (result.has(resource)) continue;
    const deleted = input.deletedResources.has(resource);
    result.set(
      resource,
      new Map(
        events.map((event) => [
          event.id,
          {
            event: event.id,
            resource,
            state: deleted ? 'denied' : 'pending',
            reason: deleted ? 'the resource was deleted' : 'the resource is not known here yet',
            votes: [],
          } satisfies RequestStatus,
        ]),
      ),
    );
  }
  return result;
}
