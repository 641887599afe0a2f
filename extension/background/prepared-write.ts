/**
 * A checked `panda_publish` request turned into the node's call: the schema it signs for,
 * what the person's prompt shows, and the write itself, to run once they approved. Every
 * field is converted and checked here, and every festival and document it names must be in
 * the asker's scope, so that the person is never asked about a request that cannot be
 * carried out (or that the site may not make).
 */
import { isHash, OperationFields, type FestivalModel, type FestivalNode, type Hash, type KeyPair } from '../../core/index.js';
import { describeCreate, describeDelete, describeUpdate, type Prompt } from './describe.js';
import type { DocumentType, FieldValue, PublishRequest } from './publish-request.js';
import { documentIdParam, invalid } from './request-params.js';
import { checkDocumentInScope, notGranted } from './site-scope.js';

export interface PreparedWrite {
  type: DocumentType;
  prompt: Prompt;
  write: (keyPair: KeyPair) => Promise<{ documentId: Hash; hash: Hash }>;
}

const text = (value: FieldValue | undefined) => (value === undefined ? undefined : String(value));
const number = (value: FieldValue | undefined, name: string) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) invalid(`${name} is a whole number (Unix seconds for times)`);
  return value;
};
const list = (value: FieldValue | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : invalid('a list of ids is an array of strings');
/** `object` without its undefined properties, typed with those properties optional. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};
const defined = <T extends object>(object: T) => Object.fromEntries(Object.entries(object).filter(([, item]) => item !== undefined)) as Defined<T>;

/**
 * `request` by `publicKey` as the node's call. `scope`: the festivals the asker may write in
 * (a site's granted ones with what nests in them; every festival for the person's own pages).
 */
export function prepareWrite(node: FestivalNode, scope: ReadonlySet<Hash>, publicKey: string, request: PublishRequest, model: FestivalModel): PreparedWrite {
  if (request.action !== 'create') {
    const { documentId } = request;
    const known = typeOf(model, documentId);
    // A profile belongs to no festival: a site may change only the profile of the identity it sees.
    if (known === 'profile') {
      if (model.profiles.get(documentId)!.owner !== publicKey) notGranted();
    } else {
      checkDocumentInScope(model, scope, documentId);
    }
    const type = known!;
    if (type !== request.type) invalid(`Document ${documentId} is a ${type}, not a ${request.type}`);
    if (request.action === 'delete') return { type, prompt: describeDelete(type, documentId, model), write: (keyPair) => node.delete(keyPair, documentId) };
    const fields = updateFields(node, type, request.fields);
    const changes = Object.fromEntries(
      [...fields.entries()].map(([name, value]) => [name, typeof value.value === 'bigint' ? Number(value.value) : value.value]),
    );
    return {
      type,
      prompt: describeUpdate(type, documentId, changes, currentFields(model, type, documentId), model),
      write: (keyPair) => node.update(keyPair, documentId, fields),
    };
  }
  const granted = (festival: Hash) => {
    if (!scope.has(festival)) notGranted();
    return festival;
  };
  const f = request.fields;
  const create = <T extends Record<string, unknown>>(
    fields: T,
    write: (keyPair: KeyPair, fields: T) => Promise<{ documentId: Hash; hash: Hash }>,
  ): PreparedWrite => ({
    type: request.type,
    prompt: describeCreate(request.type, fields, model),
    write: (keyPair) => write(keyPair, fields),
  });
  switch (request.type) {
    case 'festival': {
      const fields = defined({
        name: String(f.name ?? ''),
        description: text(f.description),
        start: number(f.start, 'start'),
        end: number(f.end, 'end'),
        timezone: text(f.timezone),
        parent: f.parent === undefined || f.parent === '' ? undefined : granted(documentIdParam(f.parent, 'parent')),
        image: text(f.image),
        url: text(f.url),
      });
      return create(fields, (keyPair, values) => node.createFestival(keyPair, values));
    }
    case 'profile': {
      const fields = defined({ name: String(f.name ?? ''), description: text(f.description), avatar: text(f.avatar), devices: list(f.devices) });
      return create(fields, (keyPair, values) => node.createProfile(keyPair, values));
    }
    case 'resource': {
      const fields = defined({
        festival: granted(documentIdParam(f.festival, 'festival')),
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
      for (const id of fields.dependsOn ?? []) if (isHash(id)) checkDocumentInScope(model, scope, id);
      return create(fields, (keyPair, values) => node.createResource(keyPair, values));
    }
    case 'event': {
      const fields = defined({
        festival: granted(documentIdParam(f.festival, 'festival')),
        title: String(f.title ?? ''),
        description: text(f.description),
        start: number(f.start, 'start'),
        end: number(f.end, 'end'),
        resources: list(f.resources),
      });
      for (const id of fields.resources ?? []) if (isHash(id)) checkDocumentInScope(model, scope, id);
      return create(fields, (keyPair, values) => node.createEvent(keyPair, values));
    }
    case 'authorization': {
      if (f.decision !== 'confirm' && f.decision !== 'deny') invalid('decision is confirm or deny');
      const decision: 'confirm' | 'deny' = f.decision;
      const fields = { decision, resource: documentIdParam(f.resource, 'resource'), event: documentIdParam(f.event, 'event'), note: text(f.note) ?? '' };
      checkDocumentInScope(model, scope, fields.resource);
      checkDocumentInScope(model, scope, fields.event);
      return create(fields, (keyPair, values) => node.authorize(keyPair, values.resource, values.event, values.decision, values.note));
    }
  }
}

/** The schema `documentId` was created with, if the model holds it. */
function typeOf(model: FestivalModel, documentId: Hash): DocumentType | undefined {
  if (model.events.has(documentId)) return 'event';
  if (model.resources.has(documentId)) return 'resource';
  if (model.festivals.has(documentId)) return 'festival';
  if (model.profiles.has(documentId)) return 'profile';
  if (model.authorizations.has(documentId)) return 'authorization';
  return undefined;
}

/** Update values in the types the document's schema gives its fields (names as in the schema). */
function updateFields(node: FestivalNode, schemaId: DocumentType, values: Record<string, FieldValue>): OperationFields {
  const schema = node.schemas.all().find((item) => item.name === `panda_${schemaId}`)!;
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

/** A stored document's values by the names of its schema's fields (for "old → new" in prompts). */
function currentFields(model: FestivalModel, type: DocumentType, documentId: Hash): Record<string, unknown> {
  if (type === 'resource') {
    const { location, dependsOn, ...rest } = model.resources.get(documentId)!;
    const position = location.position
      ? `geo:${location.position.latitude},${location.position.longitude}${location.position.altitude === undefined ? '' : `,${location.position.altitude}`}`
      : '';
    const coordinate = location.coordinate ? `${location.coordinate.x},${location.coordinate.y},${location.coordinate.z}` : '';
    return { ...rest, position, address: location.address ?? '', url: location.url ?? '', coordinate, depends_on: dependsOn };
  }
  if (type === 'event') {
    const { createdAt, ...rest } = model.events.get(documentId)!;
    return { ...rest, created_at: createdAt };
  }
  const document =
    type === 'festival' ? model.festivals.get(documentId) : type === 'profile' ? model.profiles.get(documentId) : model.authorizations.get(documentId);
  return { ...(document ?? {}) };
}
