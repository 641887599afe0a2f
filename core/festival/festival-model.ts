import { createView, materializeDocument, type DocumentOperation, type DocumentView, type MaterializeOptions } from '../document/document.js';
import { decodeStoredFields } from '../operation/decode-typed.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { StoredOperation } from '../storage/store.js';
import type { Hash } from '../hash/hash.js';
import { evaluateBookings, requestOrder, statusFor, type Bookings, type RequestStatus } from './bookings.js';
import {
  DocumentInvalid,
  parseAuthorization,
  parseEvent,
  parseFestival,
  parseProfile,
  parseResource,
  type Authorization,
  type Festival,
  type FestivalEvent,
  type InvalidDocument,
  type Profile,
  type Resource,
} from './model.js';
import { freeSlots, type Slot } from './free-slots.js';
import { PolicyRegistry } from './policies.js';
import { AUTHORIZATION_SCHEMA_ID, EVENT_SCHEMA_ID, FESTIVAL_SCHEMA_ID, PROFILE_SCHEMA_ID, RESOURCE_SCHEMA_ID, festivalSchemaRegistry } from './schemas.js';

/** An operation of a festival document, decoded and checked against its schema. */
export interface FestivalOperation extends DocumentOperation {
  documentId: Hash;
}

/** What a model is made from: operations decoded already, or stored ones (decoded as needed). */
export type ModelOperation = FestivalOperation | StoredOperation;

/**
 * Decodes a stored festival operation's fields and checks them against its schema; the
 * header is the store's (read from these bytes when the operation was stored).
 */
export function toFestivalOperation(stored: StoredOperation, schemas: SchemaRegistry): FestivalOperation {
  const fields = decodeStoredFields(stored.bytes, stored, schemas.lookUp);
  // One object with every property from the start (absent ones undefined): adding
  // properties later would give each of tens of thousands a second, out-of-object store.
  return {
    id: stored.id,
    documentId: stored.documentId,
    publicKey: stored.publicKey,
    schemaId: stored.schemaId,
    action: stored.action,
    previous: stored.previous,
    fields,
  } as FestivalOperation;
}

export interface ScheduleItem {
  event: FestivalEvent;
  festival: Festival | undefined;
  /** Each requested resource with the request's status, in the event's order. */
  resources: Array<{ resource: Resource | undefined; status: RequestStatus }>;
  /** Requested resources of kind `location`. */
  locations: Resource[];
  confirmed: number;
  requested: number;
  /** confirmed / requested (1 when nothing is requested). */
  confirmation: number;
}

export interface Booking {
  event: FestivalEvent;
  status: RequestStatus;
}

export interface PendingRequest {
  resource: Resource;
  event: FestivalEvent;
  status: RequestStatus;
}

const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The whole festival model, materialised from operations: festivals, profiles, resources,
 * events and authorizations, who holds what, and the queries on top. A resource, event,
 * festival or profile only changes through its owner (the author of its CREATE) and the
 * device keys the owner's profile names; an authorization counts only from the users the
 * resource's policy asks.
 */
/** Documents materialised between two steps of `FestivalModel.build`. */
const STEP_DOCUMENTS = 200;

/** What the constructor is given when `build` makes the model in steps instead. */
const IN_STEPS: Iterable<ModelOperation> = Object.freeze([]);

export class FestivalModel {
  readonly festivals = new Map<Hash, Festival>();
  readonly profiles = new Map<Hash, Profile>();
  readonly resources = new Map<Hash, Resource>();
  readonly events = new Map<Hash, FestivalEvent>();
  readonly authorizations = new Map<Hash, Authorization>();
  /** Documents left out because their values break a rule. */
  readonly invalid: InvalidDocument[] = [];
  /** Ids of deleted documents. */
  readonly deleted = new Set<Hash>();
  #bookings!: Bookings;
  #requests: Map<Hash, Map<Hash, RequestStatus>> | undefined;
  readonly #profileByOwner = new Map<string, Profile>();
  readonly #invalidIds = new Set<Hash>();
  #profileByDevice: Map<string, Profile> | undefined;

  /**
   * The model of `operations`, built at once. `FestivalModel.build` builds it in steps, for
   * a thread that must stay responsive meanwhile.
   */
  constructor(
    operations: Iterable<ModelOperation>,
    readonly policies = new PolicyRegistry(),
    schemas?: SchemaRegistry,
  ) {
    if (operations === IN_STEPS) return;
    for (const _step of this.#steps(operations, schemas));
  }

  /**
   * The model of `operations`, built in steps of about `STEP_DOCUMENTS` documents, with
   * `between()` awaited after each: a page passes one that yields to its event loop once
   * a slice of time is used up, so that no step of a big festival's model is a long task.
   */
  static async build(
    operations: Iterable<ModelOperation>,
    between: () => Promise<void> | undefined,
    policies = new PolicyRegistry(),
    schemas?: SchemaRegistry,
  ): Promise<FestivalModel> {
    const model = new FestivalModel(IN_STEPS, policies);
    for (const _step of model.#steps(operations, schemas)) await between();
    return model;
  }

  /** Builds the model, yielding between steps. */
  *#steps(operations: Iterable<ModelOperation>, schemas: SchemaRegistry | undefined): Generator<void, void, undefined> {
    // Creates by schema, and everything that follows a create by document: most documents
    // are a lone CREATE, so only the few with history need a map entry. Stored operations
    // are decoded document by document as they are materialised, so a decoded operation is
    // garbage as soon as its document is parsed, instead of all of them living to the end.
    const creates = new Map<string, ModelOperation[]>();
    const following = new Map<Hash, ModelOperation[]>();
    let schemaId: string | undefined;
    let ofSchema: ModelOperation[] = [];
    for (const operation of operations) {
      if (operation.action === 'create' && operation.id === operation.documentId) {
        // Input usually comes schema by schema (it is stored that way): no lookup per operation.
        if (operation.schemaId !== schemaId) {
          schemaId = operation.schemaId;
          ofSchema = creates.get(schemaId) ?? [];
          creates.set(schemaId, ofSchema);
        }
        ofSchema.push(operation);
      } else {
        const list = following.get(operation.documentId);
        if (list) list.push(operation);
        else following.set(operation.documentId, [operation]);
      }
    }
    // Made only if stored operations come in: decoded ones need no schemas.
    let registry = schemas;
    const schemasFor = () => (registry ??= festivalSchemaRegistry());
    const decoded = (operation: ModelOperation): FestivalOperation => ('bytes' in operation ? toFestivalOperation(operation, schemasFor()) : operation);
    const materialize = (create: ModelOperation, history: ModelOperation[] | undefined, options: MaterializeOptions) => {
      if (history) {
        // Sized up front, without the intermediate array a spread of a map would make.
        const list = new Array<FestivalOperation>(history.length + 1);
        list[0] = decoded(create);
        for (let i = 0; i < history.length; i++) list[i + 1] = decoded(history[i]!);
        return materializeDocument(create.id, list, options);
      }
      // Most documents: a lone CREATE, its fields decoded straight into the view.
      const fields = 'bytes' in create ? decodeStoredFields(create.bytes, create, schemasFor().lookUp) : create.fields;
      return createView(create, fields);
    };

    // Profiles first: they say which device keys act for whom.
    const ownDocument = { accepts: (operation: DocumentOperation, create: DocumentOperation) => operation.publicKey === create.publicKey };
    // Each document's history is looked up in one pass before any decoding: between
    // decodes, the map and the ids have long left the CPU caches.
    const build = function* <T>(model: FestivalModel, schemaId: string, parse: (view: DocumentView) => T, into: Map<Hash, T>, options: MaterializeOptions) {
      const list = creates.get(schemaId) ?? [];
      const histories = list.map((create) => following.get(create.id));
      for (let i = 0; i < list.length; i++) {
        model.#add(materialize(list[i]!, histories[i], options), parse, into);
        if (i % STEP_DOCUMENTS === STEP_DOCUMENTS - 1) yield;
      }
    };
    yield* build(this, PROFILE_SCHEMA_ID, parseProfile, this.profiles, ownDocument);
    for (const profile of [...this.profiles.values()].sort((a, b) => compareIds(a.id, b.id))) {
      if (!this.#profileByOwner.has(profile.owner)) this.#profileByOwner.set(profile.owner, profile);
    }
    const ownersDocument = { accepts: (operation: DocumentOperation, create: DocumentOperation) => this.actsFor(operation.publicKey, create.publicKey) };
    yield* build(this, FESTIVAL_SCHEMA_ID, parseFestival, this.festivals, ownersDocument);
    yield* build(this, RESOURCE_SCHEMA_ID, parseResource, this.resources, ownersDocument);
    yield* build(this, EVENT_SCHEMA_ID, parseEvent, this.events, ownersDocument);
    yield* build(this, AUTHORIZATION_SCHEMA_ID, parseAuthorization, this.authorizations, ownersDocument);

    yield;
    this.#bookings = evaluateBookings({
      resources: this.resources,
      deletedResources: this.deleted,
      events: this.events,
      authorizations: this.authorizations.values(),
      actsFor: (author, user) => this.actsFor(author, user),
      policies: this.policies,
    });
  }

  #add<T>(view: DocumentView | undefined, parse: (view: DocumentView) => T, into: Map<Hash, T>): void {
    if (!view) return;
    if (view.deleted) {
      this.deleted.add(view.id);
      return;
    }
    try {
      into.set(view.id, parse(view));
    } catch (error) {
      if (!(error instanceof DocumentInvalid)) throw error;
      // Input may hold a document twice: list it once.
      if (this.#invalidIds.has(view.id)) return;
      this.#invalidIds.add(view.id);
      this.invalid.push({ id: view.id, schemaId: view.schemaId, reason: error.message });
    }
  }

  /** The profile of the user `publicKey` (their earliest by id, if they made several). */
  profileOf(publicKey: string): Profile | undefined {
    return this.#profileByOwner.get(publicKey);
  }

  /**
   * The profile of whoever `publicKey` acts for: the user's own, else that of the user whose
   * profile names it as a device (the first such profile by id).
   */
  personOf(publicKey: string): Profile | undefined {
    const own = this.#profileByOwner.get(publicKey);
    if (own) return own;
    if (!this.#profileByDevice) {
      this.#profileByDevice = new Map();
      for (const profile of this.#profileByOwner.values())
        for (const device of profile.devices) if (!this.#profileByDevice.has(device)) this.#profileByDevice.set(device, profile);
    }
    return this.#profileByDevice.get(publicKey);
  }

  /**
   * Whether `author` may act as `user`: the same key, or a device the user's profile names.
   * The profile's latest version rules, for everything the device ever signed: once a device
   * is unlinked, none of its changes to the user's documents and none of its decisions count
   * as the user's any more, those made while it was linked included. Nothing ties a document
   * to the profile version it was signed under (operations carry no time, and `decided_at` is
   * the device's own claim, which a removed device could backdate), so the model cannot tell
   * earlier from later; the user decides again where it matters.
   */
  actsFor(author: string, user: string): boolean {
    return author === user || (this.#profileByOwner.get(user)?.devices.includes(author) ?? false);
  }

  /** Request statuses by resource id, then event id (made when first asked for). */
  get requests(): ReadonlyMap<Hash, ReadonlyMap<Hash, RequestStatus>> {
    this.#requests ??= new Map([...this.#bookings.byResource].map(([id, statuses]) => [id, new Map(statuses.map((status) => [status.event, status]))]));
    return this.#requests;
  }

  /** The festival and every festival nested in it, at any depth. */
  festivalTree(festivalId: Hash): Hash[] {
    const children = new Map<Hash, Hash[]>();
    for (const festival of this.festivals.values()) {
      if (festival.parent === undefined) continue;
      const list = children.get(festival.parent);
      if (list) list.push(festival.id);
      else children.set(festival.parent, [festival.id]);
    }
    const tree: Hash[] = [];
    const seen = new Set<Hash>();
    const walk = (id: Hash) => {
      if (seen.has(id)) return;
      seen.add(id);
      tree.push(id);
      for (const child of (children.get(id) ?? []).sort(compareIds)) walk(child);
    };
    walk(festivalId);
    return tree;
  }

  /** A request's status; undefined if the event does not request the resource. */
  requestStatus(resourceId: Hash, eventId: Hash): RequestStatus | undefined {
    return statusFor(this.#bookings.byEvent.get(eventId), resourceId);
  }

  /**
   * A festival's schedule, nested festivals included: its events by start time with their
   * resources, locations and how confirmed each is.
   */
  schedule(festivalId: Hash): ScheduleItem[] {
    const festivals = new Set(this.festivalTree(festivalId));
    const items: ScheduleItem[] = [];
    for (const event of this.events.values()) {
      if (!festivals.has(event.festival)) continue;
      const statuses = this.#bookings.byEvent.get(event.id)!;
      const resources = new Array<ScheduleItem['resources'][number]>(statuses.length);
      const locations: Resource[] = [];
      let confirmed = 0;
      for (let i = 0; i < statuses.length; i++) {
        const status = statuses[i]!;
        const resource = this.resources.get(status.resource);
        resources[i] = { resource, status };
        if (status.state === 'confirmed') confirmed++;
        if (resource?.kind === 'location') locations.push(resource);
      }
      items.push({
        event,
        festival: this.festivals.get(event.festival),
        resources,
        locations,
        confirmed,
        requested: resources.length,
        confirmation: resources.length === 0 ? 1 : confirmed / resources.length,
      });
    }
    return items.sort(
      // Titles compare by code unit, not by locale: every peer must order alike.
      (a, b) => a.event.start - b.event.start || a.event.end - b.event.end || compareIds(a.event.title, b.event.title) || compareIds(a.event.id, b.event.id),
    );
  }

  /** Every request for a resource over time, by start. */
  bookings(resourceId: Hash): Booking[] {
    const statuses = this.#bookings.byResource.get(resourceId);
    if (!statuses) return [];
    return statuses
      .map((status) => ({ event: this.events.get(status.event)!, status }))
      .sort((a, b) => a.event.start - b.event.start || requestOrder(a.event, b.event));
  }

  /**
   * When the resource has room within [from, to): maximal slots with how many more events
   * could hold it. Defaults to the span of the resource's festival.
   */
  freeSlots(resourceId: Hash, from?: number, to?: number): Slot[] {
    const resource = this.resources.get(resourceId);
    if (!resource) return [];
    const festival = this.festivals.get(resource.festival);
    const start = from ?? festival?.start;
    const end = to ?? festival?.end;
    if (start === undefined || end === undefined || end <= start) return [];
    const held = this.bookings(resourceId)
      .filter(({ status }) => status.state === 'confirmed')
      .map(({ event }) => event);
    return freeSlots(resource.capacity, start, end, held);
  }

  /** Requests that lost their resource to earlier ones, with the bookings they collide with. */
  conflicts(resourceId?: Hash): Array<{ resource: Resource; event: FestivalEvent; with: FestivalEvent[] }> {
    const result: Array<{ resource: Resource; event: FestivalEvent; with: FestivalEvent[] }> = [];
    for (const [id, statuses] of this.#bookings.byResource) {
      if (resourceId !== undefined && id !== resourceId) continue;
      const resource = this.resources.get(id);
      if (!resource) continue;
      const held = statuses.filter((status) => status.state === 'confirmed').map((status) => this.events.get(status.event)!);
      for (const status of statuses) {
        if (status.state !== 'conflict') continue;
        const event = this.events.get(status.event)!;
        result.push({ resource, event, with: held.filter((other) => other.start < event.end && other.end > event.start) });
      }
    }
    return result;
  }

  /** Requests still waiting for `user`'s decision (as owner, or as a member who has not voted). */
  pendingFor(user: string): PendingRequest[] {
    const result: PendingRequest[] = [];
    for (const [id, statuses] of this.#bookings.byResource) {
      const resource = this.resources.get(id);
      const policy = resource && this.policies.get(resource.policy);
      if (!resource || !policy || !policy.voters(resource).includes(user)) continue;
      for (const status of statuses) {
        if (status.state !== 'pending' || status.votes.some((vote) => vote.voter === user)) continue;
        result.push({ resource, event: this.events.get(status.event)!, status });
      }
    }
    return result.sort((a, b) => requestOrder(a.event, b.event) || compareIds(a.resource.id, b.resource.id));
  }
}
