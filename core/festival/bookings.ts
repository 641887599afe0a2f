/**
 * Decides which events hold which resources, identically on every peer that holds the
 * same documents: the resource's policy gives each request a verdict, then requests are
 * taken in first-come order (claimed request time, then event id) and an approved request
 * holds the resource if the event also holds everything the resource depends on and the
 * resource still has capacity for the event's time.
 */
import type { Hash } from '../hash/hash.js';
import type { Authorization, FestivalEvent, Resource } from './model.js';
import type { PolicyRegistry, Vote } from './policies.js';

export type RequestState = 'confirmed' | 'denied' | 'pending' | 'conflict' | 'blocked';

export interface RequestStatus {
  event: Hash;
  resource: Hash;
  state: RequestState;
  /** Why it is not confirmed, in words. */
  reason?: string;
  /** Latest decision of each user whose decision counts here, by voter. */
  votes: Vote[];
}

export interface BookingInput {
  resources: ReadonlyMap<Hash, Resource>;
  /** Resources known to be deleted. */
  deletedResources: ReadonlySet<Hash>;
  events: ReadonlyMap<Hash, FestivalEvent>;
  authorizations: Iterable<Authorization>;
  /** Whether `author` may decide as `user` (the same key, or one of the user's devices). */
  actsFor: (author: string, user: string) => boolean;
  policies: PolicyRegistry;
}

export interface Bookings {
  /** Each event's request statuses, in the order of its `resources`. */
  byEvent: Map<Hash, RequestStatus[]>;
  /** Each requested resource's request statuses: first-come order for known resources. */
  byResource: Map<Hash, RequestStatus[]>;
}

/** An event's request for one resource, with the statuses of all the event's requests. */
interface Request {
  event: FestivalEvent;
  status: RequestStatus;
  statuses: readonly RequestStatus[];
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

/**
 * Whether `held` leaves room for one more event within [start, end): the most events
 * holding the resource at any one instant stays below `capacity`.
 */
function hasRoom(held: readonly FestivalEvent[], start: number, end: number, capacity: number): boolean {
  // Fewer overlapping events than capacity can never fill it: the usual case, without
  // building and sorting the sweep's points.
  let overlapping = 0;
  for (const event of held) if (event.start < end && event.end > start) overlapping++;
  if (overlapping < capacity) return true;
  if (capacity === 1) return false;
  const points: Array<[number, number]> = [];
  for (const event of held) {
    if (event.start < end && event.end > start) {
      points.push([Math.max(event.start, start), 1], [Math.min(event.end, end), -1]);
    }
  }
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  for (const [, delta] of points) {
    current += delta;
    if (current >= capacity) return false;
  }
  return true;
}

/** The status of `event`'s request for `resource` among the event's statuses. */
export function statusFor(statuses: readonly RequestStatus[] | undefined, resource: Hash): RequestStatus | undefined {
  if (!statuses) return undefined;
  // An event requests a handful of resources: a scan beats a map per event.
  for (const status of statuses) if (status.resource === resource) return status;
  return undefined;
}

/**
 * Adds each authorization to the request it decides as its voter's latest vote, counting
 * only voters the resource's policy asks.
 */
function collectVotes(input: BookingInput, byEvent: ReadonlyMap<Hash, RequestStatus[]>): void {
  // Voters by resource id; null for resources unknown here or of an unknown policy.
  const votersOf = new Map<Hash, readonly string[] | null>();
  for (const authorization of input.authorizations) {
    const status = statusFor(byEvent.get(authorization.event), authorization.resource);
    if (!status) continue;
    let voters = votersOf.get(authorization.resource);
    if (voters === undefined) {
      const resource = input.resources.get(authorization.resource);
      const policy = resource && input.policies.get(resource.policy);
      votersOf.set(authorization.resource, (voters = policy ? policy.voters(resource) : null));
    }
    if (voters === null) continue;
    // A voter always votes as themselves, so that no one can collect others' votes by
    // naming their keys as devices.
    const voter = voters.includes(authorization.owner) ? authorization.owner : voters.find((user) => input.actsFor(authorization.owner, user));
    if (voter === undefined) continue;
    const vote: Vote = {
      voter,
      decision: authorization.decision,
      decidedAt: authorization.decidedAt,
      note: authorization.note,
      authorization: authorization.id,
    };
    const votes = status.votes;
    let index = 0;
    while (index < votes.length && votes[index]!.voter !== voter) index++;
    if (index === votes.length) votes.push(vote);
    // The latest decision counts; equal times are settled by document id.
    else if (vote.decidedAt > votes[index]!.decidedAt || (vote.decidedAt === votes[index]!.decidedAt && vote.authorization > votes[index]!.authorization)) {
      votes[index] = vote;
    }
  }
}

/** Every request's status, by event and by resource. */
export function evaluateBookings(input: BookingInput): Bookings {
  const byEvent = new Map<Hash, RequestStatus[]>();
  const requests = new Map<Hash, Request[]>();
  for (const event of input.events.values()) {
    const statuses = new Array<RequestStatus>(event.resources.length);
    for (let i = 0; i < event.resources.length; i++) {
      const resource = event.resources[i]!;
      const status: RequestStatus = { event: event.id, resource, state: 'pending', votes: [] };
      statuses[i] = status;
      const list = requests.get(resource);
      if (list) list.push({ event, status, statuses });
      else requests.set(resource, [{ event, status, statuses }]);
    }
    byEvent.set(event.id, statuses);
  }
  collectVotes(input, byEvent);

  const byResource = new Map<Hash, RequestStatus[]>();
  const { order, cyclic } = dependencyOrder(input.resources);
  for (const resource of order) {
    const policy = input.policies.get(resource.policy);
    const held: FestivalEvent[] = [];
    const statuses: RequestStatus[] = [];
    byResource.set(resource.id, statuses);
    for (const { event, status, statuses: eventStatuses } of requests.get(resource.id)?.sort((a, b) => requestOrder(a.event, b.event)) ?? []) {
      statuses.push(status);
      if (status.votes.length > 1) status.votes.sort((a, b) => (a.voter < b.voter ? -1 : a.voter > b.voter ? 1 : 0));
      if (!policy) {
        status.reason = `unknown policy "${resource.policy}"`;
        continue;
      }
      const verdict = policy.decide(resource, event, status.votes);
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
      const missing =
        resource.dependsOn.length === 0
          ? resource.dependsOn
          : resource.dependsOn.filter((dependency) => statusFor(eventStatuses, dependency)?.state !== 'confirmed');
      if (missing.length > 0) {
        status.state = 'blocked';
        status.reason = `needs ${missing.map((id) => input.resources.get(id)?.title ?? id).join(', ')} as well`;
        continue;
      }
      if (!hasRoom(held, event.start, event.end, resource.capacity)) {
        status.state = 'conflict';
        status.reason = 'already held by earlier requests at that time';
        continue;
      }
      status.state = 'confirmed';
      held.push(event);
    }
  }

  // Requests for resources not known here (yet), or deleted.
  for (const [resource, list] of requests) {
    if (byResource.has(resource)) continue;
    const deleted = input.deletedResources.has(resource);
    const statuses = list.map(({ status }) => {
      status.state = deleted ? 'denied' : 'pending';
      status.reason = deleted ? 'the resource was deleted' : 'the resource is not known here yet';
      return status;
    });
    byResource.set(resource, statuses);
  }
  return { byEvent, byResource };
}
