import type { Hash } from '../hash/hash.js';
import type { OperationAction, OperationFields, OperationValue } from '../operation/operation.js';
import { sortGraph } from './graph.js';

/** What materialisation needs of an operation: who wrote what, after what. */
export interface DocumentOperation {
  id: Hash;
  publicKey: string;
  schemaId: string;
  action: OperationAction;
  previous?: readonly Hash[];
  fields?: OperationFields;
}

/** Read access to field values by name: a Map, or a lone CREATE's own fields. */
export interface FieldValues {
  get(name: string): OperationValue | undefined;
  has(name: string): boolean;
  forEach(callback: (value: OperationValue, name: string) => void): void;
}

/** A document's state at its current view. */
export interface DocumentView {
  /** The document id: the id of its CREATE operation. */
  id: Hash;
  schemaId: string;
  /** Author of the CREATE. */
  owner: string;
  /** The operations nothing follows, sorted: the view id of this state. */
  viewId: Hash[];
  /** Field values by name. Read-only: it may be the operation's own fields. */
  fields: FieldValues;
  deleted: boolean;
  /** Ids of the operations that changed this state, in the order they applied. */
  applied: Hash[];
}

export interface MaterializeOptions {
  /**
   * Whether an operation may change the document. Operations that may not are kept in the
   * graph (their place in it is data like any other) but change nothing: this is how a
   * festival document only changes through its owner. Default: every operation counts.
   */
  accepts?: (operation: DocumentOperation, create: DocumentOperation) => boolean;
}

/**
 * The order of a short history in which every operation follows exactly the one before
 * (the usual case: a create and a few updates), found without building the graph; this is
 * the order `sortGraph` gives it. Undefined for anything else.
 */
function linearOrder(documentId: Hash, list: readonly DocumentOperation[]): DocumentOperation[] | undefined {
  if (list.length > 8) return undefined;
  // Each operation exactly once (input may repeat one), one of them the CREATE.
  for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (list[i]!.id === list[j]!.id) return undefined;
  let create: DocumentOperation | undefined;
  for (const operation of list) if (operation.id === documentId) create = operation;
  if (!create) return undefined;
  const order = [create];
  for (let step = 1; step < list.length; step++) {
    const current = order[step - 1]!.id;
    let next: DocumentOperation | undefined;
    for (const operation of list) {
      if (operation.previous?.length !== 1 || operation.previous[0] !== current) continue;
      if (next) return undefined;
      next = operation;
    }
    if (!next) return undefined;
    order.push(next);
  }
  return order;
}

/** The view of a document that is nothing but its CREATE (`fields`: the CREATE's). */
export function createView(create: Omit<DocumentOperation, 'fields'>, fields: FieldValues | undefined): DocumentView {
  const id = create.id;
  // Its view id and what was applied are both just the CREATE: one array serves both.
  const only = [id];
  return {
    id,
    schemaId: create.schemaId,
    owner: create.publicKey,
    viewId: only,
    fields: fields ?? new Map<string, OperationValue>(),
    deleted: false,
    applied: only,
  };
}

/**
 * Materialises a document as p2panda does: its operations ordered by `sortGraph`, the
 * CREATE's fields, then every UPDATE's fields over them (last write wins per field, in that
 * order); a DELETE ends the document. Returns undefined while the CREATE is missing.
 */
export function materializeDocument(documentId: Hash, operations: Iterable<DocumentOperation>, options: MaterializeOptions = {}): DocumentView | undefined {
  const list = Array.isArray(operations) ? (operations as readonly DocumentOperation[]) : [...operations];
  // Most documents (every authorization, say) are a lone CREATE: no graph to walk.
  if (list.length === 1) {
    const [create] = list as [DocumentOperation];
    if (create.id !== documentId || create.action !== 'create') return undefined;
    return createView(create, create.fields);
  }
  // Short histories in which each operation follows the one before (a create and a few
  // updates) need neither a map nor the graph walk.
  let ordered = linearOrder(documentId, list);
  let tips: Hash[];
  if (ordered) {
    tips = [ordered.at(-1)!.id];
  } else {
    const byId = new Map<Hash, DocumentOperation>();
    for (const operation of list) byId.set(operation.id, operation);
    if (byId.get(documentId)?.action !== 'create') return undefined;
    const graph = sortGraph(documentId, byId.values());
    ordered = graph.sorted.map((id) => byId.get(id)!);
    tips = graph.tips;
  }
  const create = ordered[0]!;
  if (create.action !== 'create') return undefined;
  const fields = new Map<string, OperationValue>();
  const applied: Hash[] = [];
  let deleted = false;
  for (const operation of ordered) {
    if (operation.schemaId !== create.schemaId) continue;
    if (operation !== create && options.accepts && !options.accepts(operation, create)) continue;
    if (operation.action === 'delete') deleted = true;
    else operation.fields?.forEach((value, name) => fields.set(name, value));
    applied.push(operation.id);
  }
  return { id: documentId, schemaId: create.schemaId, owner: create.publicKey, viewId: tips, fields, deleted, applied };
}
