import { publish, publishOperation, type PublishResult } from '../api/publish.js';
import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import type { KeyPair } from '../identity/key-pair.js';
import { decodeTypedOperation } from '../operation/decode-typed.js';
import { encodeOperation, type OperationArgs } from '../operation/encode.js';
import { materializeDocument, type DocumentOperation, type DocumentView } from '../document/document.js';
import { OperationFields, type EasyValues } from '../operation/operation.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { Store, StoredOperation } from '../storage/store.js';
import { eventValues, festivalValues, resourceValues, unixNow, type EventFields, type FestivalFields, type ResourceFields } from './document-fields.js';
import { FestivalModel, toFestivalOperation, type FestivalOperation } from './festival-model.js';
import { DocumentInvalid, parseAuthorization, parseEvent, parseFestival, parseProfile, parseResource, type Decision } from './model.js';
import { PolicyRegistry } from './policies.js';
import {
  AUTHORIZATION_SCHEMA_ID,
  EVENT_SCHEMA_ID,
  FESTIVAL_SCHEMAS,
  FESTIVAL_SCHEMA_ID,
  PROFILE_SCHEMA_ID,
  RESOURCE_SCHEMA_ID,
  festivalSchemaRegistry,
} from './schemas.js';

/** The rules a document of each festival schema must keep, checked before anything is signed. */
const PARSERS = new Map<string, (view: DocumentView) => unknown>([
  [FESTIVAL_SCHEMA_ID, parseFestival],
  [PROFILE_SCHEMA_ID, parseProfile],
  [RESOURCE_SCHEMA_ID, parseResource],
  [EVENT_SCHEMA_ID, parseEvent],
  [AUTHORIZATION_SCHEMA_ID, parseAuthorization],
]);

// A subscription's refresh: it runs the query on the latest model, fired and not awaited.
type Listener = () => Promise<void>;
type PublishListener = (entry: Uint8Array, operation: Uint8Array) => void;

const FESTIVAL_SCHEMA_ID_SET = new Set(FESTIVAL_SCHEMAS.map((schema) => schema.id));

/** Stable text of a query result, to tell whether it changed (bigints and Maps included). */
function fingerprint(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'bigint' ? `${item}n` : item instanceof Map ? [...item] : item instanceof Set ? [...item] : item,
  );
}

/**
 * A festival peer's data: a Store plus the festival model on top, kept up to date. Works the
 * same in a page, an extension, a worker and a Node bot. Everything written through it is
 * validated and stored; `subscribe` tells listeners when a query's result changes.
 */
export class FestivalNode {
  readonly schemas: SchemaRegistry = festivalSchemaRegistry();
  readonly #decoded = new Map<Hash, FestivalOperation>();
  /**
   * Operations stored since the last build, named by `changed(ids)` or handed over by
   * `stored(operations)`: while `#complete`, a build decodes just these instead of every
   * stored operation again (reading from the store only those named by id), so a sync that
   * brings thousands of entries costs nothing per entry and build but their decoding.
   */
  #arrived = new Map<Hash, StoredOperation | undefined>();
  /** Whether `#decoded` holds every festival operation of the store, but those in `#arrived`. */
  #complete = false;
  // Bumped by every `changed()` without ids: a full read that started before one may have
  // missed what it announced, so it must not count as complete.
  #unnamedChanges = 0;
  readonly #listeners = new Set<Listener>();
  readonly #published = new Set<PublishListener>();
  #model: FestivalModel | undefined;
  #loading: Promise<FestivalModel> | undefined;
  // Bumped by every change: a load that started before a change must not be kept.
  #generation = 0;
  #notifyScheduled = false;

  /**
   * `checkDocuments: false` signs whatever it is given, valid festival document or not: only
   * for tests and tools that play a careless or hostile peer. `between`: the model is built
   * in steps with this awaited between them (`FestivalModel.build`), as a page needs it.
   */
  constructor(
    readonly store: Store,
    readonly policies = new PolicyRegistry(),
    readonly options: { checkDocuments?: boolean; between?: () => Promise<void> | undefined } = {},
  ) {}

  /** The current model (rebuilt after changes). */
  model(): Promise<FestivalModel> {
    if (this.#model) return Promise.resolve(this.#model);
    if (!this.#loading) {
      const loading = this.#load(this.#generation).finally(() => {
        if (this.#loading === loading) this.#loading = undefined;
      });
      this.#loading = loading;
    }
    return this.#loading;
  }

  #decode(stored: StoredOperation): FestivalOperation {
    let operation = this.#decoded.get(stored.id);
    if (!operation) this.#decoded.set(stored.id, (operation = toFestivalOperation(stored, this.schemas)));
    return operation;
  }

  async #load(generation: number): Promise<FestivalModel> {
    const arrived = this.#arrived;
    this.#arrived = new Map();
    const complete = this.#complete;
    const unnamedChanges = this.#unnamedChanges;
    try {
      if (complete) {
        const named = [...arrived].filter(([id, operation]) => operation === undefined && !this.#decoded.has(id));
        const read = await Promise.all(named.map(([id]) => this.store.getOperation(id)));
        for (const operation of [...arrived.values(), ...read]) if (operation && FESTIVAL_SCHEMA_ID_SET.has(operation.schemaId)) this.#decode(operation);
      } else {
        // What arrives while the store is read is read again next time (decoding skips repeats):
        // named ids are in the new `#arrived`, an unnamed change means reading everything again.
        for (const schema of FESTIVAL_SCHEMAS) {
          for (const stored of await this.store.getOperationsBySchema(schema.id)) this.#decode(stored);
        }
        this.#complete = unnamedChanges === this.#unnamedChanges;
      }
    } catch (error) {
      this.#complete = false;
      throw error;
    }
    const { between } = this.options;
    const model = between
      ? await FestivalModel.build(this.#decoded.values(), between, this.policies)
      : new FestivalModel(this.#decoded.values(), this.policies);
    if (generation === this.#generation) this.#model = model;
    return model;
  }

  /**
   * Call after something else wrote to the store (replication, another tab): with the ids of
   * the operations it stored when known (the next build reads only those), else without
   * (the next build reads the whole store).
   */
  changed(ids?: Iterable<Hash>): void {
    if (ids) {
      for (const id of ids) if (!this.#arrived.has(id)) this.#arrived.set(id, undefined);
    } else {
      this.#complete = false;
      this.#unnamedChanges++;
    }
    this.#stale();
  }

  /** Call after something else stored these operations (a replicator's `entry` events): the next build decodes them as they are. */
  stored(operations: Iterable<StoredOperation>): void {
    for (const operation of operations) this.#arrived.set(operation.id, operation);
    this.#stale();
  }

  /** The model is out of date: the next `model()` builds it again; listeners hear of it (coalesced). */
  #stale(): void {
    this.#generation++;
    this.#model = undefined;
    this.#loading = undefined;
    if (this.#notifyScheduled) return;
    this.#notifyScheduled = true;
    // Coalesce a burst of writes into one notification.
    setTimeout(() => {
      this.#notifyScheduled = false;
      for (const listener of [...this.#listeners]) void listener();
    }, 0);
  }

  /**
   * Calls `listener` with `query`'s result now and whenever it changes. Returns the function
   * that ends the subscription.
   */
  subscribe<T>(query: (model: FestivalModel) => T, listener: (result: T) => void): () => void {
    let last: string | undefined;
    let active = true;
    const run = async () => {
      const result = query(await this.model());
      const print = fingerprint(result);
      if (active && print !== last) {
        last = print;
        listener(result);
      }
    };
    this.#listeners.add(run);
    void run();
    return () => {
      active = false;
      this.#listeners.delete(run);
    };
  }

  /** Validates and stores an entry and operation from elsewhere (a peer, a bundle). */
  async publish(entry: Uint8Array | string, operation: Uint8Array | string): Promise<PublishResult> {
    const result = await publish(this.store, this.schemas, entry, operation);
    if (!result.duplicate) this.changed([result.hash]);
    return result;
  }

  /**
   * Signs and stores an operation of `keyPair`. A document counts as deleted only when the
   * model says so (a DELETE by someone other than the owner changes nothing).
   */
  async publishOperation(keyPair: KeyPair, args: OperationArgs) {
    await this.#assertValid(keyPair, args);
    const result = await publishOperation(this.store, this.schemas, keyPair, args, { isDeleted: (id) => this.#isDeleted(id) });
    this.changed([result.hash]);
    for (const listener of this.#published) listener(result.entryBytes, result.operationBytes);
    return result;
  }

  /**
   * Refuses (DOCUMENT_INVALID) to sign what would make a festival document break its rules
   * (an event ending before it starts, a link that is not http(s), ...): peers would leave
   * such a document out, so publishing it would only lose the person's work silently.
   */
  async #assertValid(keyPair: KeyPair, args: OperationArgs): Promise<void> {
    const parse = PARSERS.get(args.schemaId);
    if (!parse || args.action === 'delete' || this.options.checkDocuments === false) return;
    const { fields } = decodeTypedOperation(encodeOperation(args), this.schemas.lookUp);
    const pending = 'pending';
    let documentId = pending;
    const operations: DocumentOperation[] = [];
    if (args.action === 'update') {
      const previous = typeof args.previous === 'string' ? [args.previous] : [...(args.previous ?? [])];
      const target = previous[0] === undefined ? undefined : await this.store.getOperation(previous[0]);
      if (!target) return; // publishing reports the unknown document
      documentId = target.documentId;
      for (const stored of await this.store.getOperationsByDocument(documentId)) operations.push(this.#decode(stored));
      operations.push({ id: pending, publicKey: keyPair.publicKey(), schemaId: args.schemaId, action: 'update', previous, ...(fields ? { fields } : {}) });
    } else {
      operations.push({ id: pending, publicKey: keyPair.publicKey(), schemaId: args.schemaId, action: 'create', ...(fields ? { fields } : {}) });
    }
    const view = materializeDocument(documentId, operations);
    if (!view) return;
    try {
      parse(view);
    } catch (error) {
      if (error instanceof DocumentInvalid) throw new PandaError('DOCUMENT_INVALID', error.message);
      throw error;
    }
  }

  /** Calls `listener` with the bytes of every entry published through this node (to pass them on to peers). */
  onPublish(listener: PublishListener): () => void {
    this.#published.add(listener);
    return () => this.#published.delete(listener);
  }

  /**
   * Whether the model counts a document as deleted, without rebuilding the whole model: the
   * same rules applied to just the profiles (they name the owner's devices) and the document.
   */
  async #isDeleted(documentId: Hash): Promise<boolean> {
    if (this.#model) return this.#model.deleted.has(documentId);
    const profiles = await this.store.getOperationsBySchema(PROFILE_SCHEMA_ID);
    const document = await this.store.getOperationsByDocument(documentId);
    return new FestivalModel(
      [...profiles, ...document].map((stored) => this.#decode(stored)),
      this.policies,
    ).deleted.has(documentId);
  }

  createFestival(keyPair: KeyPair, fields: FestivalFields) {
    return this.publishOperation(keyPair, {
      schemaId: FESTIVAL_SCHEMA_ID,
      fields: festivalValues(fields),
    });
  }

  createProfile(keyPair: KeyPair, fields: { name: string; description?: string; avatar?: string; devices?: string[] }) {
    return this.publishOperation(keyPair, {
      schemaId: PROFILE_SCHEMA_ID,
      fields: { name: fields.name, description: fields.description ?? '', avatar: fields.avatar ?? '', devices: (fields.devices ?? []).join(' ') },
    });
  }

  createResource(keyPair: KeyPair, fields: ResourceFields) {
    return this.publishOperation(keyPair, { schemaId: RESOURCE_SCHEMA_ID, fields: resourceValues(fields) });
  }

  createEvent(keyPair: KeyPair, fields: EventFields) {
    return this.publishOperation(keyPair, { schemaId: EVENT_SCHEMA_ID, fields: eventValues(fields) });
  }

  /** Changes some fields of a document (only its owner's changes count). */
  async update(keyPair: KeyPair, documentId: Hash, fields: OperationFields | EasyValues) {
    const { schemaId, viewId } = await this.#current(documentId);
    return this.publishOperation(keyPair, { schemaId, action: 'update', previous: viewId, fields });
  }

  async delete(keyPair: KeyPair, documentId: Hash) {
    const { schemaId, viewId } = await this.#current(documentId);
    return this.publishOperation(keyPair, { schemaId, action: 'delete', previous: viewId });
  }

  /** Records `keyPair`'s decision on an event's request for a resource. */
  async authorize(keyPair: KeyPair, resourceId: Hash, eventId: Hash, decision: Decision, note = '', decidedAt = unixNow()) {
    const festival = await this.#festivalOf(eventId);
    const fields = new OperationFields({ decision, note, decided_at: decidedAt });
    fields.insert('festival', 'relation', festival);
    fields.insert('resource', 'relation', resourceId);
    fields.insert('event', 'relation', eventId);
    return this.publishOperation(keyPair, { schemaId: AUTHORIZATION_SCHEMA_ID, fields });
  }

  /** The festival an event's CREATE names, read from the store (no model rebuild). */
  async #festivalOf(eventId: Hash): Promise<Hash> {
    const create = await this.store.getOperation(eventId);
    if (!create || create.schemaId !== EVENT_SCHEMA_ID || create.action !== 'create') {
      throw new PandaError('DOCUMENT_UNKNOWN', `Event ${eventId} is not known here`, { documentId: eventId });
    }
    return toFestivalOperation(create, this.schemas).fields!.get('festival') as Hash;
  }

  async #current(documentId: Hash): Promise<{ schemaId: string; viewId: Hash[] }> {
    const operations = await this.store.getOperationsByDocument(documentId);
    const create = operations.find((operation) => operation.id === documentId);
    if (!create) throw new PandaError('DOCUMENT_UNKNOWN', `Document ${documentId} is not known here`, { documentId });
    const followed = new Set(operations.flatMap((operation) => operation.previous ?? []));
    return {
      schemaId: create.schemaId,
      viewId: operations
        .map((operation) => operation.id)
        .filter((id) => !followed.has(id))
        .sort(),
    };
  }
}
