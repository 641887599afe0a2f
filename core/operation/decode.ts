import { bytesToHex, toBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import { assertHashBytes, HASH_SIZE, type Hash } from '../hash/hash.js';
import { MAX_OPERATION_SIZE } from '../entry/entry.js';
import { parseSchemaId, assertSortedUnique } from '../schema/schema-id.js';
import { assertFieldName, MAX_FIELDS } from '../schema/schema.js';
import { CborMap, type CborValue } from './cbor.js';
import { CborReader } from './cbor-decode.js';
import { OPERATION_VERSION, type OperationAction } from './operation.js';

/**
 * A field value before a schema says its type. A 34-byte byte string may be bytes or a
 * relation and an array of them a relation list or a pinned relation, so hashes stay bytes
 * here; `validateOperation` gives them their type.
 */
export type PlainValue = string | bigint | number | boolean | Uint8Array | Uint8Array[] | Uint8Array[][];

/** A decoded operation whose fields have not been checked against a schema yet. */
export interface PlainOperation {
  version: number;
  action: OperationAction;
  schemaId: string;
  previous?: Hash[];
  fields?: Map<string, PlainValue>;
}

const ACTIONS: readonly OperationAction[] = ['create', 'update', 'delete'];

function format(message: string): never {
  throw new PandaError('OPERATION_FORMAT_INVALID', message);
}

function plainValue(name: string, value: CborValue): PlainValue {
  if (value instanceof CborMap) format(`Field "${name}" holds a map; operation values are never maps`);
  if (!Array.isArray(value)) return value;
  if (value.every((item) => item instanceof Uint8Array)) return value;
  if (value.every((item) => Array.isArray(item) && item.every((inner) => inner instanceof Uint8Array))) {
    return value;
  }
  return format(`Field "${name}" holds an array that is not a list of hashes or of hash lists`);
}

function viewIdFromCbor(value: CborValue | undefined): Hash[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((id) => id instanceof Uint8Array)) {
    throw new PandaError('OPERATION_PREVIOUS_INVALID', 'previous must be a non-empty array of operation ids');
  }
  const ids = (value as Uint8Array[]).map((id) => {
    try {
      assertHashBytes(id, 'previous operation id');
    } catch {
      throw new PandaError('OPERATION_PREVIOUS_INVALID', 'previous holds something that is not an operation id');
    }
    return bytesToHex(id);
  });
  assertSortedUnique(ids, 'OPERATION_PREVIOUS_INVALID', 'previous view id');
  return ids;
}

/** An operation's header: everything but its fields. */
export type OperationHeader = Omit<PlainOperation, 'fields'>;

/** What reading the fields needs of an operation's header (a stored operation has it all). */
export type KnownHeader = Pick<OperationHeader, 'action' | 'schemaId' | 'previous'>;

/**
 * Reads a field's value with the reader positioned at it. State goes in `context`, so that
 * readers are module-level functions rather than closures made for each operation.
 */
export type ValueReader<V, C> = (reader: CborReader, name: string, header: KnownHeader, context: C) => V;

/**
 * Reads a field name it recognises (a valid name) and returns it, or returns undefined
 * without reading, for the name to be decoded and checked as text.
 */
export type KnownNameReader<C> = (reader: CborReader, header: KnownHeader, context: C) => string | undefined;

const ACTION_CODES: Record<OperationAction, number> = { create: 0, update: 1, delete: 2 };

function readerOf(input: Uint8Array | string): CborReader {
  const bytes = toBytes(input, 'operation');
  if (bytes.length > MAX_OPERATION_SIZE) {
    throw new PandaError('OPERATION_TOO_LARGE', `Operations are limited to ${MAX_OPERATION_SIZE} bytes, got ${bytes.length}`);
  }
  return new CborReader(bytes);
}

/** Reads and checks version, action, schema id and previous. */
function readHeader(reader: CborReader): OperationHeader {
  const length = reader.head();
  if (reader.major !== 4 || length < 3) format('An operation is an array [version, action, schema id, ...]');
  reader.length(length, 1);
  const version = reader.item(1);
  if (version !== BigInt(OPERATION_VERSION)) {
    throw new PandaError('OPERATION_VERSION_UNSUPPORTED', `Operation version ${shownItem(version)} is not supported (expected ${OPERATION_VERSION})`);
  }
  const actionCode = reader.item(1);
  const action = typeof actionCode === 'bigint' && actionCode >= 0n && actionCode <= 2n ? ACTIONS[Number(actionCode)]! : undefined;
  if (!action) throw new PandaError('OPERATION_ACTION_INVALID', `Operation action ${shownItem(actionCode)} is not create (0), update (1) or delete (2)`);
  const schemaId = reader.item(1);
  if (typeof schemaId !== 'string') format('The schema id of an operation is text');
  const header: OperationHeader = { version: OPERATION_VERSION, action, schemaId: parseSchemaId(schemaId).id };

  const expectedLength = action === 'update' ? 5 : 4;
  if (length !== expectedLength) format(`A ${action} operation has ${expectedLength} elements, this one has ${length}`);
  if (action !== 'create') header.previous = viewIdFromCbor(reader.item(1));
  return header;
}

/** Reads a head that must be of type `major` with `argument`, else the header is not `header`. */
function expectHead(reader: CborReader, major: number, argument: number | undefined, header: KnownHeader): void {
  if (reader.head() !== argument || reader.major !== major) {
    format(`The operation's header is not the ${header.action} of ${header.schemaId} it was stored as`);
  }
}

/**
 * Steps over the header of an operation that `header` describes, checking its form (an
 * array of the action's length, version, action code, a text schema id of the id's length,
 * previous as that many operation ids) without decoding text or hashes. The caller vouches
 * that `header` was read from these bytes before.
 */
function skipHeader(reader: CborReader, header: KnownHeader): void {
  expectHead(reader, 4, header.action === 'update' ? 5 : 4, header);
  expectHead(reader, 0, OPERATION_VERSION, header);
  expectHead(reader, 0, ACTION_CODES[header.action], header);
  expectHead(reader, 3, header.schemaId.length, header);
  reader.need(header.schemaId.length);
  reader.offset += header.schemaId.length;
  if (header.action === 'create') return;
  expectHead(reader, 4, header.previous?.length, header);
  for (let i = 0; i < header.previous!.length; i++) {
    expectHead(reader, 2, HASH_SIZE, header);
    reader.need(HASH_SIZE);
    reader.offset += HASH_SIZE;
  }
}

const NO_NAMES: readonly string[] = [];

/**
 * Reads the fields map to the end of the operation, checking names (valid, sorted, unique).
 * While the names are `expectedNames` in order (a create's are all of its schema's), no
 * array of names is made: that array, or its start, serves.
 */
function readFields<V, C>(
  reader: CborReader,
  header: KnownHeader,
  readValue: ValueReader<V, C>,
  context: C,
  readKnownName: KnownNameReader<C> | undefined,
  expectedNames: readonly string[] = NO_NAMES,
): { names: readonly string[]; values: V[] } {
  const { action } = header;
  const count = reader.head();
  const major: number = reader.major;
  if (major !== 5) format(`The fields of a ${action} operation are a map`);
  reader.length(count, 2);
  if (count === 0) throw new PandaError('OPERATION_FIELDS_MISSING', `A ${action} operation has at least one field`);
  if (count > MAX_FIELDS) throw new PandaError('OPERATION_TOO_MANY_FIELDS', `An operation has at most ${MAX_FIELDS} fields`);
  let names: string[] | undefined;
  const values: V[] = new Array<V>(count);
  let last: string | undefined;
  for (let i = 0; i < count; i++) {
    let name = readKnownName?.(reader, header, context);
    if (name === undefined) {
      const item = reader.item(2);
      if (typeof item !== 'string') format('Operation field names must be text');
      name = assertFieldName(item);
    }
    if (last !== undefined && name <= last) {
      if (name === last) throw new PandaError('OPERATION_FIELD_DUPLICATE', `Field "${name}" appears twice`, { field: name });
      throw new PandaError('OPERATION_FIELDS_UNSORTED', `Field "${name}" comes after "${last}"; fields must be sorted by name`, { field: name });
    }
    last = name;
    if (!names && name !== expectedNames[i]) {
      names = new Array<string>(count);
      for (let k = 0; k < i; k++) names[k] = expectedNames[k]!;
    }
    if (names) names[i] = name;
    values[i] = readValue(reader, name, header, context);
  }
  reader.finish();
  return { names: names ?? (count === expectedNames.length ? expectedNames : expectedNames.slice(0, count)), values };
}

/**
 * Reads an operation item by item, checking structure, version, action, schema id,
 * previous and field names (valid, sorted, unique); `readValue` reads each field's value.
 * `readKnownName`, if given, may read field names it recognises. Shared by the plain and
 * the schema-directed decoder.
 */
export function readOperation<V, C>(
  input: Uint8Array | string,
  readValue: ValueReader<V, C>,
  context: C,
  readKnownName?: KnownNameReader<C>,
): { header: OperationHeader; fields?: { names: readonly string[]; values: V[] } } {
  const reader = readerOf(input);
  const header = readHeader(reader);
  if (header.action === 'delete') {
    reader.finish();
    return { header };
  }
  return { header, fields: readFields(reader, header, readValue, context, readKnownName) };
}

/**
 * Reads only the fields of an operation whose header is known already: a stored
 * operation's, which the store read from these very bytes when it took the operation in
 * (and checked). The header is stepped over (its form still checked, see `skipHeader`), so
 * its schema id and previous ids are not decoded again. Undefined for a delete.
 */
export function readStoredFields<V, C>(
  input: Uint8Array | string,
  header: KnownHeader,
  readValue: ValueReader<V, C>,
  context: C,
  readKnownName?: KnownNameReader<C>,
  expectedNames?: readonly string[],
): { names: readonly string[]; values: V[] } | undefined {
  const reader = readerOf(input);
  skipHeader(reader, header);
  if (header.action === 'delete') {
    reader.finish();
    return undefined;
  }
  return readFields(reader, header, readValue, context, readKnownName, expectedNames);
}

/**
 * Decodes an encoded operation (bytes or hex) without a schema: structure, action, schema
 * id, previous and field names are checked; values stay plain. Every non-canonical encoding
 * is rejected, so an operation has exactly one byte form. Byte-string values are views into
 * `input` (`validateOperation` copies `bytes` values).
 */
const readPlainValue = (reader: CborReader, name: string) => plainValue(name, reader.item(2));

export function decodeOperation(input: Uint8Array | string): PlainOperation {
  const { header, fields } = readOperation(input, readPlainValue, undefined);
  const operation: PlainOperation = header;
  if (fields) operation.fields = new Map(fields.names.map((name, i) => [name, fields.values[i]!]));
  return operation;
}

/** A decoded CBOR item in an error message: numbers and text as they are, anything else by its kind. */
function shownItem(item: unknown): string {
  if (typeof item === 'bigint' || typeof item === 'number' || typeof item === 'boolean') return String(item);
  if (typeof item === 'string') return JSON.stringify(item);
  if (item === null || item === undefined) return String(item);
  return item instanceof Uint8Array ? 'a byte string' : Array.isArray(item) ? 'an array' : 'a map';
}
