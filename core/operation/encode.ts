import { PandaError } from '../errors.js';
import { hashToBytes, type Hash } from '../hash/hash.js';
import { parseSchemaId, assertSortedUnique } from '../schema/schema-id.js';
import { CborMap, type CborValue } from './cbor.js';
import { encodeCbor } from './cbor-encode.js';
import { ACTION_CODES, OPERATION_VERSION, OperationFields, type EasyValues, type OperationAction, type TypedValue } from './operation.js';

/** What `encodeOperation` needs; the names are p2panda-js's. */
export interface OperationArgs {
  schemaId: string;
  /** Default `create`. */
  action?: OperationAction;
  /** The document view id this operation follows: required for update and delete. */
  previous?: Hash[] | Hash;
  /** Required for create and update, absent for delete. */
  fields?: OperationFields | EasyValues;
}

export function encodeValue({ type, value }: TypedValue): CborValue {
  switch (type) {
    case 'relation':
      return hashToBytes(value as Hash);
    case 'relation_list':
    case 'pinned_relation':
      return (value as Hash[]).map(hashToBytes);
    case 'pinned_relation_list':
      return (value as Hash[][]).map((viewId) => viewId.map(hashToBytes));
    default:
      return value;
  }
}

/**
 * Encodes an operation as p2panda does: `[1, action, schema_id, previous?, {fields}?]`,
 * fields sorted by name, hashes as byte strings. Returns the CBOR bytes.
 */
export function encodeOperation(args: OperationArgs): Uint8Array {
  const action = args.action ?? 'create';
  if (!(action in ACTION_CODES)) throw new PandaError('OPERATION_ACTION_INVALID', `Unknown operation action "${String(action)}"`);
  const schemaId = parseSchemaId(args.schemaId).id;
  const header: CborValue[] = [BigInt(OPERATION_VERSION), BigInt(ACTION_CODES[action]), schemaId];

  if (action === 'create') {
    if (args.previous !== undefined) throw new PandaError('OPERATION_PREVIOUS_INVALID', 'A create operation has no previous operations');
  } else {
    const previous = typeof args.previous === 'string' ? [args.previous] : args.previous;
    if (!previous || previous.length === 0) {
      throw new PandaError('OPERATION_PREVIOUS_INVALID', `An ${action} operation needs the view id it follows (previous)`);
    }
    previous.forEach((id) => hashToBytes(id));
    const sorted = [...previous].sort();
    assertSortedUnique(sorted, 'OPERATION_PREVIOUS_INVALID', 'previous view id');
    header.push(sorted.map(hashToBytes));
  }

  if (action === 'delete') {
    if (args.fields !== undefined) throw new PandaError('OPERATION_FORMAT_INVALID', 'A delete operation has no fields');
  } else {
    const fields = args.fields instanceof OperationFields ? args.fields : new OperationFields(args.fields);
    if (fields.isEmpty()) throw new PandaError('OPERATION_FIELDS_MISSING', `A ${action} operation needs at least one field`);
    header.push(new CborMap(fields.entries().map(([name, typed]) => [name, encodeValue(typed)] as const)));
  }
  return encodeCbor(header);
}
