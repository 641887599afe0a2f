import { hexOf } from '../bytes.js';
import { PandaError } from '../errors.js';
import { HASH_SIZE, type Hash } from '../hash/hash.js';
import type { FieldTypeName } from '../schema/field-type.js';
import { assertSortedUnique } from '../schema/schema-id.js';
import type { Schema } from '../schema/schema.js';
import type { CborReader } from './cbor-decode.js';
import { readOperation, readStoredFields, type KnownHeader } from './decode.js';
import { OperationFields, type Operation, type OperationValue } from './operation.js';
import { validateSystemFields } from './validate.js';

function invalid(name: string, message: string): never {
  throw new PandaError('OPERATION_FIELD_VALUE_INVALID', `Field "${name}": ${message}`, { field: name });
}

/**
 * Ids recur across operations (every operation of a festival names the festival): their
 * hex is made once and looked up by 30 bits of the digest (BLAKE3 output, so as good as
 * random, and small integers stay unboxed). Entries keep the whole digest, so a collision
 * never returns the wrong id; a crafted one only costs a fresh hex. Bounded. Without it,
 * materialising the festival benchmark took about 1.4x as long (the model's maps meet the
 * same id strings again and again).
 */
const INTERNED_LIMIT = 65536;
const internedIds = new Map<number, { digest: Uint8Array; hex: Hash }>();

function internedId(bytes: Uint8Array, offset: number): Hash {
  const start = offset + 2;
  const key = bytes[start]! | (bytes[start + 1]! << 8) | (bytes[start + 2]! << 16) | ((bytes[start + 3]! & 0x3f) << 24);
  const entry = internedIds.get(key);
  if (entry) {
    const digest = entry.digest;
    let i = 0;
    while (i < 32 && digest[i] === bytes[start + i]) i++;
    if (i === 32) return entry.hex;
  }
  const hex = hexOf(bytes, offset, offset + HASH_SIZE);
  if (internedIds.size >= INTERNED_LIMIT) internedIds.clear();
  internedIds.set(key, { digest: bytes.slice(start, offset + HASH_SIZE), hex });
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
        type === 'str'
          ? typeof value === 'string'
          : type === 'int'
            ? typeof value === 'bigint'
            : type === 'float'
              ? typeof value === 'number'
              : type === 'bool'
                ? typeof value === 'boolean'
                : value instanceof Uint8Array;
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

/** The schema lookup, and the schema once the header has named it (looked up once per operation). */
interface TypedContext {
  schemaFor: SchemaLookup;
  schema: Schema | undefined;
  /** Position in the schema's sorted field names after the last name read. */
  nextName: number;
}

/**
 * Reads the field name at the reader if it is one of the schema's names, at or after the
 * last one read, by comparing bytes with the schema's own (ASCII) name: no text decoding,
 * interning or name check per field, and the name is the schema's string. Anything else
 * (unknown, unsorted, repeated, oddly encoded) is left to the generic path and its errors.
 */
function readKnownName(reader: CborReader, header: KnownHeader, context: TypedContext): string | undefined {
  const schema = (context.schema ??= context.schemaFor(header.schemaId));
  if (!schema) return undefined;
  const { bytes, offset } = reader;
  const initial = bytes[offset];
  if (initial === undefined || initial >> 5 !== 3) return undefined;
  let size = initial & 0x1f;
  let start = offset + 1;
  if (size === 24) {
    size = bytes[start] ?? 0;
    if (size < 24) return undefined;
    start++;
  } else if (size > 24) return undefined;
  if (start + size > bytes.length) return undefined;
  const names = schema.fieldNames;
  for (let k = context.nextName; k < names.length; k++) {
    const candidate = names[k]!;
    if (candidate.length !== size) continue;
    let i = 0;
    while (i < size && candidate.charCodeAt(i) === bytes[start + i]) i++;
    if (i < size) continue;
    context.nextName = k + 1;
    reader.offset = start + size;
    return candidate;
  }
  return undefined;
}

function readTypedValue(reader: CborReader, name: string, header: KnownHeader, context: TypedContext): OperationValue {
  const schema = (context.schema ??= schemaOf(context.schemaFor, header.schemaId));
  const fieldType = schema.fields.get(name);
  if (!fieldType) throw new PandaError('OPERATION_FIELD_UNKNOWN', `Schema ${schema.name} has no field "${name}"`, { field: name });
  return readValue(reader, name, fieldType.type);
}

/** A create's fields are complete; the values are the schema's types (read so) and the system schemas' rules hold. */
function checkedTypedFields(header: KnownHeader, fields: { names: readonly string[]; values: OperationValue[] }, schema: Schema): OperationFields {
  if (header.action === 'create' && fields.names.length !== schema.fields.size) {
    const present = new Set(fields.names);
    const missing = [...schema.fields.keys()].filter((name) => !present.has(name));
    throw new PandaError('OPERATION_FIELDS_MISSING', `A create operation sets every field; missing: ${missing.join(', ')}`, { fields: missing });
  }
  // Every field (a create's always): the schema's own names array serves, one fewer per operation.
  const names = fields.names.length === schema.fieldNames.length ? schema.fieldNames : fields.names;
  const checked = OperationFields.fromChecked(names, fields.values, schema.fields);
  validateSystemFields(schema.id, checked);
  return checked;
}

export function decodeTypedOperation(input: Uint8Array | string, schemaFor: SchemaLookup): Operation {
  const context: TypedContext = { schemaFor, schema: undefined, nextName: 0 };
  const { header, fields } = readOperation(input, readTypedValue, context, readKnownName);
  const known = context.schema ?? schemaOf(schemaFor, header.schemaId);
  if (!fields) return header;
  const checked = checkedTypedFields(header, fields, known);
  // A new object with every property from the start, rather than `fields` added to the
  // header: that would give each operation a second, out-of-object property store.
  const { version, action, schemaId, previous } = header;
  return previous ? { version, action, schemaId, previous, fields: checked } : { version, action, schemaId, fields: checked };
}

/**
 * The fields of an operation whose header is known already, a stored operation's (see
 * `readStoredFields`: the header is stepped over, not decoded again), decoded and checked
 * against the schema exactly as `decodeTypedOperation` checks them. Undefined for a delete.
 */
export function decodeStoredFields(input: Uint8Array | string, header: KnownHeader, schemaFor: SchemaLookup): OperationFields | undefined {
  const schema = schemaOf(schemaFor, header.schemaId);
  const fields = readStoredFields(input, header, readTypedValue, { schemaFor, schema, nextName: 0 }, readKnownName, schema.fieldNames);
  return fields && checkedTypedFields(header, fields, schema);
}
