/**
 * Authorization policies. A policy only says, for one request of one event for one resource,
 * whether the decisions so far approve it, deny it, or leave it pending; which users' decisions
 * count is part of the policy. Capacity and dependencies are applied afterwards, the same for
 * every policy (see bookings.ts), so adding a policy never touches the others.
 */
import type { Decision, FestivalEvent, Resource } from './model.js';

/** One user's latest decision on one request. */
export interface Vote {
  /** The user whose decision this is (a public key; decisions from their devices count as theirs). */
  voter: string;
  decision: Decision;
  decidedAt: number;
  note: string;
  /** The authorization document it comes from. */
  authorization: string;
}

export type Verdict = 'approved' | 'denied' | 'pending';

export interface AuthorizationPolicy {
  /** The value of a resource's `policy` field that selects this policy. */
  readonly name: string;
  /** Users whose decisions count for this resource. */
  voters(resource: Resource): readonly string[];
  /** The verdict on `event`'s request, given the latest vote of each voter who decided. */
  decide(resource: Resource, event: FestivalEvent, votes: readonly Vote[]): Verdict;
}

const ownerVote = (resource: Resource, votes: readonly Vote[]) => votes.find((vote) => vote.voter === resource.owner);

/** Automatic: every request is approved unless the owner denies it; earlier requests win capacity. */
export const firstComeFirstServed: AuthorizationPolicy = {
  name: 'first-come-first-served',
  voters: (resource) => [resource.owner],
  decide: (resource, _event, votes) => (ownerVote(resource, votes)?.decision === 'deny' ? 'denied' : 'approved'),
};

/** Only the owner's explicit confirmations count. */
export const manual: AuthorizationPolicy = {
  name: 'manual',
  voters: (resource) => [resource.owner],
  decide: (resource, _event, votes) => {
    const vote = ownerVote(resource, votes);
    return vote === undefined ? 'pending' : vote.decision === 'confirm' ? 'approved' : 'denied';
  },
};

/** n of m: a collective owns the resource; `quorum` of its `members` must confirm. */
export const quorum: AuthorizationPolicy = {
  name: 'quorum',
  voters: (resource) => resource.members,
  decide: (resource, _event, votes) => {
    const confirms = votes.filter((vote) => vote.decision === 'confirm').length;
    const denies = votes.length - confirms;
    if (confirms >= resource.quorum) return 'approved';
    return resource.members.length - denies < resource.quorum ? 'denied' : 'pending';
  },
};

/** Policies by name. Starts with the three built-in ones; add your own with `register`. */
export class PolicyRegistry {
  readonly #policies = new Map<string, AuthorizationPolicy>();

  constructor(policies: Iterable<AuthorizationPolicy> = [firstComeFirstServed, manual, quorum]) {
    for (const policy of policies) this.register(policy);
  }

  register(policy: AuthorizationPolicy): void {
    this.#policies.set(policy.name, policy);
  }

  get(name: string): AuthorizationPolicy | undefined {
    return this.#policies.get(name);
  }

  names(): string[] {
    return [...this.#policies.keys()];
  }
}
