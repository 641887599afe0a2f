/**
 * How the planner page (planner.html) talks to the background, next to the popup's methods
 * (popup-protocol.ts, same message target and port): the festivals, resources, events and
 * requests the person plans with, and signing as the person's own action. The planner is the
 * person's own page, so what it signs is not asked about again (as with `popup_authorize`).
 * Only pages of the extension itself are answered. No browser APIs in here.
 */
import type { RequestState } from '../../core/index.js';
import type { FestivalFileMethods } from './festival-file-protocol.js';
import type { FestivalView, PopupMethod, PopupMethods } from './popup-protocol.js';

/** A location's details, as the planner shows them. */
export interface PlannerLocation {
  address?: string;
  /** RFC 5870 geo URI ("geo:38.71,-9.14"). */
  geo?: string;
  position?: { latitude: number; longitude: number };
  url?: string;
}

export interface PlannerResource {
  id: string;
  festival: string;
  title: string;
  description: string;
  kind: string;
  owner: string;
  mine: boolean;
  capacity: number;
  policy: string;
  /** The policy in words: "2 of 3 members must confirm (Ana, Bo, Cy)". */
  rule: string;
  quorum: number;
  members: string[];
  dependsOn: string[];
  location: PlannerLocation;
}

export interface PlannerRequestStatus {
  resourceId: string;
  resourceTitle: string;
  state: RequestState;
  /** The status in words: "confirmed", "waiting for 1 more of 2 votes", "denied: busy that night". */
  words: string;
}

export interface PlannerEvent {
  id: string;
  festival: string;
  title: string;
  description: string;
  start: number;
  end: number;
  /** "Fri 21:00-23:00" in the festival's zone. */
  when: string;
  owner: string;
  mine: boolean;
  requests: PlannerRequestStatus[];
}

export interface PlannerFestival extends FestivalView {
  description: string;
  /** Unix seconds; 0 while the festival's data has not arrived. */
  start: number;
  end: number;
  timezone: string;
  parent?: string;
  url?: string;
  image?: string;
  /** "" while unknown. */
  owner: string;
  mine: boolean;
  /** Whether this extension replicates it (it has signaling settings). */
  joined: boolean;
  /** The signaling servers its peers meet through. */
  signaling: string[];
  resources: PlannerResource[];
  events: PlannerEvent[];
}

/** A request that waits for the person: as the resource's owner, or as one of its quorum's members. */
export interface PlannerPendingRequest {
  resourceId: string;
  resourceTitle: string;
  eventId: string;
  eventTitle: string;
  festivalName: string;
  when: string;
  requestedBy: string;
  role: 'owner' | 'member';
  /** The resource's policy in words. */
  rule: string;
}

export interface PlannerProfile {
  id: string;
  name: string;
  description: string;
  avatar: string;
}

export interface PlannerState {
  locked: boolean;
  /** The identity that signs here (the popup's identity in use); null while locked. */
  me: { identityId: string; name: string; publicKey: string } | null;
  /** The person's profile document, if they made one. */
  profile: PlannerProfile | null;
  /** The signaling servers a new festival starts with. */
  defaultSignaling: string[];
  /** Festivals taken part in or made by the person, parents before their sub-festivals. */
  festivals: PlannerFestival[];
  /** Profile names by public key, for every user who has one. */
  names: Record<string, string>;
  pending: PlannerPendingRequest[];
}

/** The largest schedule file the planner imports, in bytes (camp2019's JSON, 79 talks, is 210 KB). */
export const MAX_PLANNER_SCHEDULE_BYTES = 5 * 1024 * 1024;

/** What an import into a festival did (node/schedule-import.ts's report, for the page). */
export interface PlannerImportResult {
  /** In words: "79 events added, 2 rooms added; 1 talk skipped", or "nothing changed". */
  words: string;
  events: { added: number; moved: number; updated: number; removed: number };
  rooms: { added: number; updated: number; removed: number };
  /** Talks left out, by name ('"Opening" (guid …)'), and why. */
  skipped: Array<{ talk: string; reason: string }>;
  /** Said about the file as a whole (a time zone it names that is not one). */
  notes: string[];
}

export interface PlannerMethods extends FestivalFileMethods {
  planner_state: { params: undefined; result: PlannerState };
  /** A festival query (`panda_query`'s params), answered on everything this extension holds. */
  planner_query: { params: Record<string, unknown>; result: unknown };
  /** `panda_publish`'s params, signed by the identity in use at once. */
  planner_publish: { params: Record<string, unknown>; result: { documentId: string; operationId: string } };
  /** `site`: the origin a join link was opened on (from the background's offer), granted the festival. */
  planner_join: { params: { festivalId: string; signaling: string[]; site?: string }; result: true };
  planner_leave: { params: { festivalId: string }; result: true };
  /** Replaces a joined festival's signaling servers. */
  planner_setSignaling: { params: { festivalId: string; signaling: string[] }; result: true };
  planner_setDefaultSignaling: { params: { signaling: string[] }; result: true };
  /**
   * A frab/c3voc schedule file's text (JSON v1 or v2, or schedule.xml; at most
   * MAX_PLANNER_SCHEDULE_BYTES) imported into a festival the person owns, signed as them: a
   * room resource per room, an event per talk; again with a changed file, what changed.
   * `name`: the file's name, for the errors.
   */
  planner_importSchedule: { params: { festivalId: string; text: string; name?: string }; result: PlannerImportResult };
}

export type PlannerMethod = keyof PlannerMethods;

/** What the planner's elements use: the background (both the popup's methods and these), or a fake in tests. */
export interface PlannerClient {
  request<M extends PlannerMethod | PopupMethod>(
    method: M,
    params?: (PlannerMethods & PopupMethods)[M]['params'],
  ): Promise<(PlannerMethods & PopupMethods)[M]['result']>;
  onChanged(listener: () => void): () => void;
}

export const PLANNER_METHODS: readonly PlannerMethod[] = [
  'planner_state',
  'planner_query',
  'planner_publish',
  'planner_join',
  'planner_leave',
  'planner_setSignaling',
  'planner_setDefaultSignaling',
  'planner_importSchedule',
  'planner_exportFestival',
  'planner_festivalHeights',
  'planner_previewFestivalFile',
  'planner_importFestivalFile',
];

export const isPlannerMethod = (method: string): method is PlannerMethod => (PLANNER_METHODS as readonly string[]).includes(method);
