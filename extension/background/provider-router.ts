/**
 * The extension's answer to every page request: who may ask what, what the person is asked,
 * and what gets signed. The origin is always the one the browser reported (`RequestContext`);
 * nothing in a request body can change it.
 */
import {
  answerQuery,
  isHash,
  isPandaError,
  OperationFields,
  type FestivalModel,
  type FestivalNode,
  type Hash,
  type KeyPair,
} from '../../core/index.js';
import { PROVIDER_METHODS, ProviderErrorCode, ProviderRpcError, type ProviderMethod, type RequestArguments } from '../shared/protocol.js';
import type { ApprovalQueue } from './approvals.js';
import { describePublish } from './describe.js';
import { parseJoinOptions, type JoinOptions } from './festival-settings.js';
import type { Permissions } from './permissions.js';
import { parsePublishRequest, requestKind, type FieldValue, type PublishRequest } from './publish-request.js';
import type { RequestContext, Router } from './router.js';

export interface ProviderServices {
  node: FestivalNode;
  permissions: Permissions;
  approvals: ApprovalQueue;
  /** The identity `origin` sees. Its key stays in this context; throw ProviderRpcError 4100 while the vault is locked. */
  identityFor(origin: string): Promise<{ publicKey: string; keyPair: KeyPair }>;
  festivals(): Hash[];
  /** Replicate a festival, meeting its peers through `options.signaling`. */
  joinFestival(festivalId: Hash, options: JoinOptions): Promise<void>;
}

function invalid(message: string, data?: unknown): never {
  throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, message, data);
}

function param(params: unknown): Record<string, unknown> {
  const value = Array.isArray(params) ? params[0] : params;
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) invalid('params is an object');
  return value as Record<string, unknown>;
}

function hashParam(params: Record<string, unknown>, name: string): Hash {
  const value = params[name];
  if (!isHash(value)) invalid(`${name} is a document id`);
  return value;
}


const text = (value: FieldValue | undefined) => (value === undefined ? undefined : String(value));
const number = (value: FieldValue | undefined, name: string) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid(`${name} is a whole number (Unix seconds for times)`);
  return value;
};
const list = (value: FieldValue | undefined) => (value === undefined ? undefined : Array.isArray(value) ? value : invalid('a list of ids is an array of strings'));
/** `object` without its undefined properties, typed with those properties optional. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & { [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined> };
const defined = <T extends object>(object: T) => Object.fromEntries(Object.entries(object).filter(([, item]) => item !== undefined)) as Defined<T>;

export class ProviderRouter implements Router {
  readonly #listeners = new Map<string, Set<(event: string, data: unknown) => void>>();

  constructor(private readonly services: ProviderServices) {}

  subscribe(origin: string, listener: (event: string, data: unknown) => void): () => void {
    let set = this.#listeners.get(origin);
    if (!set) this.#listeners.set(origin, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  #emit(origin: string, event: string, data: unknown): void {
    for (const listener of this.#listeners.get(origin) ?? []) listener(event, data);
  }

  /** Festival data changed (a publish, or entries from peers): connected sites hear of it. */
  notifyChanged(): void {
    for (const origin of this.#listeners.keys()) if (this.services.permissions.isConnected(origin)) this.#emit(origin, 'festivalChanged', {});
  }

  /** The person revoked a site: its pages hear they are disconnected. */
  async revoke(origin: string): Promise<void> {
    await this.services.permissions.revoke(origin);
    this.#emit(origin, 'disconnect', { code: ProviderErrorCode.UNAUTHORIZED, message: 'The site was disconnected' });
  }

  async handle(context: RequestContext, request: RequestArguments): Promise<unknown> {
    if (typeof request !== 'object' || request === null || typeof request.method !== 'string') invalid('A request is { method, params }');
    const method = request.method as ProviderMethod;
    if (!PROVIDER_METHODS.includes(method)) throw new ProviderRpcError(ProviderErrorCode.UNSUPPORTED_METHOD, `Method ${request.method.slice(0, 60)} is not supported`);
    const { origin } = context;
    if (method === 'panda_connect') return this.#connect(origin);
    if (!this.services.permissions.isConnected(origin)) {
      throw new ProviderRpcError(ProviderErrorCode.UNAUTHORIZED, 'This site is not connected; call panda_connect first');
    }
    const params = param(request.params);
    switch (method) {
      case 'panda_getPublicKey':
        return (await this.services.identityFor(origin)).publicKey;
      case 'panda_festivals':
        return this.services.festivals();
      case 'panda_joinFestival':
        await this.services.joinFestival(hashParam(params, 'festivalId'), parseJoinOptions(params));
        return true;
      case 'panda_query':
        return this.#query(origin, params);
      case 'panda_publish':
        return this.#publish(origin, parsePublishRequest(request.params));
    }
  }

  async #connect(origin: string): Promise<{ publicKey: string }> {
    const { publicKey } = await this.services.identityFor(origin);
    if (!this.services.permissions.isConnected(origin)) {
      const decision = await this.services.approvals.ask({
        origin,
        kind: 'connect',
        description: `Connect ${origin}: it will see your public key and festival data, and may ask you to sign`,
        publicKey,
      });
      if (decision === 'deny') throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'The person did not connect this site');
      await this.services.permissions.connect(origin);
      this.#emit(origin, 'connect', {});
      this.#emit(origin, 'accountsChanged', [publicKey]);
    }
    return { publicKey };
  }

  async #query(origin: string, params: Record<string, unknown>): Promise<unknown> {
    const model = await this.services.node.model();
    const user = params.query === 'pending' ? (await this.services.identityFor(origin)).publicKey : undefined;
    try {
      return answerQuery(model, params, user);
    } catch (error) {
      if (isPandaError(error, 'INPUT_INVALID')) invalid(error.message);
      throw error;
    }
  }

  async #publish(origin: string, request: PublishRequest): Promise<{ documentId: Hash; operationId: Hash }> {
    const { publicKey, keyPair } = await this.services.identityFor(origin);
    const model = await this.services.node.model();
    const kind = requestKind(request);
    // Parameters are turned into the node's arguments first, so that the person is never
    // asked about a request that cannot be carried out.
    const write = this.#prepare(request, model);
    if (!this.services.permissions.allowsAlways(origin, kind)) {
      const decision = await this.services.approvals.ask({ origin, kind, description: describePublish(request, model), publicKey });
      if (decision === 'deny') throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'The person did not approve this');
      if (decision === 'approve-always') await this.services.permissions.allowAlways(origin, kind);
    }
    try {
      const result = await write(keyPair);
      this.notifyChanged();
      return { documentId: result.documentId, operationId: result.hash };
    } catch (error) {
      if (isPandaError(error)) invalid(error.message, { code: error.code });
      throw error;
    }
  }

  #prepare(request: PublishRequest, model: FestivalModel): (keyPair: KeyPair) => Promise<{ documentId: Hash; hash: Hash }> {
    const node = this.services.node;
    if (request.action === 'delete') {
      const { documentId } = request;
      return (keyPair) => node.delete(keyPair, documentId);
    }
    if (request.action === 'update') {
      const { documentId } = request;
      const fields = this.#updateFields(documentId, request.fields, model);
      return (keyPair) => node.update(keyPair, documentId, fields);
    }
    const f = request.fields;
    switch (request.type) {
      case 'festival': {
        const fields = defined({ name: String(f.name ?? ''), description: text(f.description), start: number(f.start, 'start'), end: number(f.end, 'end'), timezone: text(f.timezone), parent: text(f.parent), image: text(f.image), url: text(f.url) });
        return (keyPair) => node.createFestival(keyPair, fields);
      }
      case 'profile': {
        const fields = defined({ name: String(f.name ?? ''), description: text(f.description), avatar: text(f.avatar), devices: list(f.devices) });
        return (keyPair) => node.createProfile(keyPair, fields);
      }
      case 'resource': {
        const fields = defined({
          festival: hashOf(f.festival, 'festival'),
          title: String(f.title ?? ''),
          description: text(f.description),
          kind: text(f.kind),
          position: text(f.position),
          address: text(f.address),
          url: text(f.url),
          coordinate: text(f.coordinate),
          capacity: f.capacity === undefined ? undefined : number(f.capacity, 'capacity'),
          policy: text(f.policy),
          quorum: f.quorum === undefined ? undefined : number(f.quorum, 'quorum'),
          members: list(f.members),
          dependsOn: list(f.dependsOn),
        });
        return (keyPair) => node.createResource(keyPair, fields);
      }
      case 'event': {
        const fields = defined({ festival: hashOf(f.festival, 'festival'), title: String(f.title ?? ''), description: text(f.description), start: number(f.start, 'start'), end: number(f.end, 'end'), resources: list(f.resources) });
        return (keyPair) => node.createEvent(keyPair, fields);
      }
      case 'authorization': {
        const decision = f.decision;
        if (decision !== 'confirm' && decision !== 'deny') invalid('decision is confirm or deny');
        const [resource, event, note] = [hashOf(f.resource, 'resource'), hashOf(f.event, 'event'), text(f.note) ?? ''];
        return (keyPair) => node.authorize(keyPair, resource, event, decision, note);
      }
    }
  }

  /** Update values in the types the document's schema gives its fields (names as in the schema). */
  #updateFields(documentId: Hash, values: Record<string, FieldValue>, model: FestivalModel): OperationFields {
    const document = model.events.get(documentId) ?? model.resources.get(documentId) ?? model.festivals.get(documentId) ?? model.profiles.get(documentId);
    if (!document) invalid(`Document ${documentId} is not known here`);
    const schemaId = model.events.has(documentId) ? 'event' : model.resources.has(documentId) ? 'resource' : model.festivals.has(documentId) ? 'festival' : 'profile';
    const schema = this.services.node.schemas.all().find((item) => item.name === `panda_${schemaId}`)!;
    const fields = new OperationFields();
    for (const [name, value] of Object.entries(values)) {
      const type = schema.fields.get(name)?.type;
      if (type === undefined) invalid(`A ${schemaId} has no field "${name}"`);
      if (type === 'int') fields.insert(name, type, BigInt(number(value, name)));
      else if (type === 'relation_list') fields.insert(name, type, list(value)!);
      else if (type === 'str' || type === 'relation') fields.insert(name, type, Array.isArray(value) ? value.join(' ') : String(value));
      else invalid(`Field "${name}" cannot be changed here`);
    }
    return fields;
  }
}

function hashOf(value: FieldValue | undefined, name: string): Hash {
  if (!isHash(value)) invalid(`${name} is a document id`);
  return value;
}
