import { hexOf } from '../bytes.js';
import { PandaError } from '../errors.js';
import { HASH_SIZE, type Hash } from '../hash/hash.js';
import type { FieldTypeName } from '../schema/field-type.js';
import { assertSortedUnique } from '../schema/schema-id.js';
import type { Schema } from '../schema/schema.js';
import type { CborReader } from './cbor.js';
import { readOperation, type OperationHeader } from './decode.js';
import { checkedFields, type Operation, type OperationValue } from './operation.js';
import { validateSystemFields } from './validate.js';

function invalid(name: string, message: string): never {
  throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": ${message}`, { field: name });
}

/**
 * Ids recur across operations (every operation of a festival names the festival): their
 * hex is made once and looked up by a hash of the digest, which keeps its bytes, so a
 * collision never returns the wrong id. Bounded.
 */
const INTERNED_LIMIT = 65536;
const internedIds = new Map<number, { digest: Uint8Array; hex: Hash }>();

function internedId(bytes: Uint8Array, offset: number): Hash {
  let hash = 0x811c9dc5;
  for (let i = offset + 2; i < offset + HASH_SIZE; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193);
  const entry = internedIds.get(hash);
  if (entry) {
    let same = true;
    for (let i = 0; i < 32 && same; i++) same = entry.digest[i] === bytes[offset + 2 + i];
    if (same) return entry.hex;
  }
  const hex = hexOf(bytes, offset, offset + HASH_SIZE);
  if (internedIds.size >= INTERNED_LIMIT) internedIds.clear();
  internedIds.set(hash, { digest: bytes.slice(offset + 2, offset + HASH_SIZE), hex });
  return hex;
}

/** Reads a 34-byte hash as hex straight from the input. */
function readHash(reader: CborReader, name: string): Hash {
  const size = reader.head();
  if (reader.major !== 2 || size !== HASH_SIZE) invalid(name, 'expected an operation or document id');
  reader.need(HASH_SIZE);
  const { bytes, offset } = reader;
  if (bytes[offset] !== 0 || bytes[offset + 1] !== 32) invalid(name, 'expected an operation or document id');
  reader.offset += HASH_SIZE;
  return internedId(bytes, offset);
}

function readHashList(reader: CborReader, name: string): Hash[] {
  const count = reader.head();
  if (reader.major !== 4) invalid(name, 'expected a list of ids');
  reader.length(count, 1);
  const ids: Hash[] = [];
  for (let i = 0; i < count; i++) ids.push(readHash(reader, name));
  return ids;
}

function readViewId(reader: CborReader, name: string): Hash[] {
  const ids = readHashList(reader, name);
  if (ids.length === 0) invalid(name, 'a document view id has at least one operation id');
  assertSortedUnique(ids, 'OPERATION_FIELD_VALUE_INVALID', 'document view id');
  return ids;
}

function readValue(reader: CborReader, name: string, type: FieldTypeName): OperationValue {
  switch (type) {
    case 'relation':
      return readHash(reader, name);
    case 'relation_list':
      return readHashList(reader, name);
    case 'pinned_relation':
      return readViewId(reader, name);
    case 'pinned_relation_list': {
      const count = reader.head();
      if (reader.major !== 4) invalid(name, 'expected a list of view ids');
      reader.length(count, 1);
      const viewIds: Hash[][] = [];
      for (let i = 0; i < count; i++) viewIds.push(readViewId(reader, name));
      return viewIds;
    }
    default: {
      const value = reader.item(2);
      const ok =
        type === 'str' ? typeof value === 'string' :
        type === 'int' ? typeof value === 'bigint' :
        type === 'float' ? typeof value === 'number' :
        type === 'bool' ? typeof value === 'boolean' :
        value instanceof Uint8Array;
      if (!ok) invalid(name, `expected a ${type} value`);
      return value instanceof Uint8Array ? value.slice() : (value as OperationValue);
    }
  }
}

/**
 * Decodes an operation and checks it against its schema in one pass: the result equals
 * `validateOperation(decodeOperation(input), schema)`, without the plain intermediate (a
 * peer materialising a festival decodes tens of thousands of operations). `schemaFor` looks
 * the schema up by the id the operation names.
 */
type SchemaLookup = (schemaId: string) => Schema | undefined;

function schemaOf(schemaFor: SchemaLookup, schemaId: string): Schema {
  const schema = schemaFor(schemaId);
  if (!schema) throw new PandaError('SCHEMA_UNKNOWN', `Schema ${schemaId} is not known here`, { schemaId });
  return schema;
}

function readTypedValue(reader: CborReader, name: string, header: OperationHeader, schemaFor: SchemaLookup): OperationValue {
  const schema = schemaOf(schemaFor, header.schemaId);
  const fieldType = schema.fields.get(name);
  if (!fieldType) throw new PandaError('OPERATION_FIELD_UNKNOWN', `Schema ${schema.name} has no field "${name}"`, { field: name });
  return readValue(reader, name, fieldType.type);
}

export function decodeTypedOperation(input: Uint8Array | string, schemaFor: SchemaLookup): Operation {
  const { header, fields } = readOperation(input, readTypedValue, schemaFor);
  const known = schemaOf(schemaFor, header.schemaId);
  const operation: Operation = header;
  if (!fields) return operation;
  if (header.action === 'create' && fields.names.length !== known.fields.size) {
    const present = new Set(fields.names);
    const missing = [...known.fields.keys()].filter((name) => !present.has(name));
    throw new PandaError('OPERATION_FIELDS_MISSING', `A create operation sets every field; missing: ${missing.join(', ')}`, { fields: missing });
  }
  operation.fields = checkedFields(fields.names, fields.values, known.fields);
  validateSystemFields(known.id, operation.fields);
  return operation;
}
