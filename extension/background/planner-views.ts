/**
 * The festival model as the planner shows it: festivals with their resources and events,
 * each request's status in words, and the requests waiting for the person. Names come from
 * profiles where users made one. No browser APIs in here.
 */
import { pendingActedFor, type FestivalModel, type Hash, type RequestStatus, type Resource } from '../../core/index.js';
import type { PlannerEvent, PlannerPendingRequest, PlannerRequestStatus, PlannerResource } from '../shared/planner-protocol.js';
import { shortKey } from '../ui/format.js';
import { timeRange } from './describe.js';

/** Profile names by public key; a linked device without a profile of its own by its owner's name (it acts as them). */
export function profileNames(model: FestivalModel): Record<string, string> {
  const names: Record<string, string> = {};
  for (const profile of model.profiles.values()) {
    const name = model.profileOf(profile.owner)?.name;
    if (name) names[profile.owner] = name;
  }
  for (const profile of model.profiles.values()) {
    if (model.profileOf(profile.owner) !== profile || !profile.name) continue;
    for (const device of profile.devices) names[device] ??= profile.name;
  }
  return names;
}

const nameOf = (names: Record<string, string>, key: string) => names[key] ?? shortKey(key);

function geoUri(resource: Resource): string | undefined {
  const position = resource.location.position;
  if (!position) return undefined;
  return `geo:${position.latitude},${position.longitude}${position.altitude === undefined ? '' : `,${position.altitude}`}`;
}

export function resourceView(resource: Resource, me: string | undefined, names: Record<string, string>): PlannerResource {
  const { address, url } = resource.location;
  const geo = geoUri(resource);
  return {
    id: resource.id,
    festival: resource.festival,
    title: resource.title,
    description: resource.description,
    kind: resource.kind,
    owner: resource.owner,
    mine: resource.owner === me,
    capacity: resource.capacity,
    policy: resource.policy,
    rule: policyWords(resource, names),
    quorum: resource.quorum,
    members: [...resource.members],
    dependsOn: [...resource.dependsOn],
    location: {
      ...(address ? { address } : {}),
      ...(geo && resource.location.position
        ? { geo, position: { latitude: resource.location.position.latitude, longitude: resource.location.position.longitude } }
        : {}),
      ...(url ? { url } : {}),
    },
  };
}

/** "2 of 3 members must confirm (Ana, Bo, Cy)", "Mira decides each request", "first come, first served". */
export function policyWords(resource: Resource, names: Record<string, string>): string {
  if (resource.policy === 'quorum')
    return `${resource.quorum} of ${resource.members.length} members must confirm (${resource.members.map((key) => nameOf(names, key)).join(', ')})`;
  if (resource.policy === 'manual') return `${nameOf(names, resource.owner)} decides each request`;
  if (resource.policy === 'first-come-first-served') return 'first come, first served';
  return `policy “${resource.policy}”`;
}

/** A request's status in words, for the person who made the event. */
export function statusWords(status: RequestStatus, resource: Resource | undefined, names: Record<string, string>): string {
  switch (status.state) {
    case 'confirmed':
      return 'confirmed';
    case 'denied': {
      const note = status.votes.find((vote) => vote.decision === 'deny')?.note;
      return note ? `denied: “${note}”` : 'denied';
    }
    case 'conflict':
      return 'taken: earlier requests hold it at that time';
    case 'blocked':
      return status.reason ?? 'blocked';
    case 'pending': {
      if (!resource) return 'waiting: the resource is not known here yet';
      if (resource.policy === 'quorum') {
        const yes = status.votes.filter((vote) => vote.decision === 'confirm').length;
        return `waiting for votes: ${yes} of ${resource.quorum} needed`;
      }
      return `waiting for ${nameOf(names, resource.owner)} to decide`;
    }
  }
}

export function eventView(model: FestivalModel, eventId: Hash, me: string | undefined, names: Record<string, string>): PlannerEvent | undefined {
  const event = model.events.get(eventId);
  if (!event) return undefined;
  const timezone = model.festivals.get(event.festival)?.timezone ?? 'UTC';
  const requests: PlannerRequestStatus[] = event.resources.map((resourceId) => {
    const resource = model.resources.get(resourceId);
    const status = model.requestStatus(resourceId, eventId);
    return {
      resourceId,
      resourceTitle: resource?.title ?? 'an unknown resource',
      state: status?.state ?? 'pending',
      words: status ? statusWords(status, resource, names) : 'waiting',
    };
  });
  return {
    id: event.id,
    festival: event.festival,
    title: event.title,
    description: event.description,
    start: event.start,
    end: event.end,
    when: timeRange(event.start, event.end, timezone),
    owner: event.owner,
    mine: event.owner === me,
    requests,
  };
}

/** Requests waiting for `me`: as owner (manual, first come) or as a quorum member who has not voted; on a linked device, its owner's too. */
export function pendingViews(model: FestivalModel, me: string, names: Record<string, string>): PlannerPendingRequest[] {
  return pendingActedFor(model, me).map(({ resource, event }) => {
    const festival = model.festivals.get(event.festival);
    return {
      resourceId: resource.id,
      resourceTitle: resource.title,
      eventId: event.id,
      eventTitle: event.title,
      festivalName: festival?.name ?? 'an unknown festival',
      when: timeRange(event.start, event.end, festival?.timezone ?? 'UTC'),
      requestedBy: event.owner,
      role: resource.policy === 'quorum' ? 'member' : 'owner',
      rule: policyWords(resource, names),
    };
  });
}
