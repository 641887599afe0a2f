/**
 * Shared by the property and oracle tests under test/core/: constants, fast-check
 * generators for operations and their fields, and the helpers that turn generated specs
 * into core arguments and schemas. Not a test file itself (no `.test.ts` suffix).
 */
import fc from 'fast-check';
import * as core from '../../core/index.js';

export const I64_MAX = 2n ** 63n - 1n;
export const I64_MIN = -(2n ** 63n);
export const U64_MAX = 2n ** 64n - 1n;
export const FIELD_TYPES: readonly core.FieldTypeName[] = [
  'str',
  'int',
  'float',
  'bool',
  'bytes',
  'relation',
  'relation_list',
  'pinned_relation',
  'pinned_relation_list',
];
export const RELATION_TYPES: ReadonlySet<core.FieldTypeName> = new Set(['relation', 'relation_list', 'pinned_relation', 'pinned_relation_list']);

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

export interface FieldSpec {
  name: string;
  type: core.FieldTypeName;
  value: core.OperationValue;
}

export interface OpSpec {
  schemaId: string;
  action: core.OperationAction;
  previous?: string[];
  fields?: FieldSpec[];
}

/** IEEE 754 half-precision bits to a number (independent of core's implementation). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export const hashArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((digest) => `0020${core.bytesToHex(digest)}`);
/** A document view id: 1..3 distinct operation ids, sorted. */
export const viewIdArb = fc.uniqueArray(hashArb, { minLength: 1, maxLength: 3 }).map((ids) => [...ids].sort());
/** Ids from a pool of three, so lists repeat ids (relation lists may) and view ids. */
export const HASH_POOL = ['00', '01', '02'].map((byte) => core.generateHash(byte));
export const pooledHashArb = fc.constantFrom(...HASH_POOL);
export const pooledViewIdArb = fc.subarray(HASH_POOL, { minLength: 1 }).map((ids) => [...ids].sort());

export const nameArb = fc.oneof(
  fc.constantFrom('a', 'b', 'B', 'A', 'Z', 'z', 'aa', 'ab', 'a_', 'a0', 'name', 'Name', 'x_1'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { size: 'max' }),
);

/** The generators each test file picks for itself; the other field types are shared. */
export type ScalarValueArbs = Pick<Record<core.FieldTypeName, fc.Arbitrary<core.OperationValue>>, 'str' | 'int' | 'float' | 'bytes'>;

/** A value generator for every field type: the given scalars plus the shared bool and relation generators. */
export function valueArbsWith(scalars: ScalarValueArbs): Record<core.FieldTypeName, fc.Arbitrary<core.OperationValue>> {
  return {
    str: scalars.str,
    int: scalars.int,
    float: scalars.float,
    bool: fc.boolean(),
    bytes: scalars.bytes,
    relation: hashArb,
    relation_list: fc.oneof(
      fc.constant(null).map((): string[] => []),
      fc.array(hashArb, { maxLength: 4 }),
      fc.array(pooledHashArb, { minLength: 2, maxLength: 5 }),
    ),
    pinned_relation: viewIdArb,
    pinned_relation_list: fc.oneof(
      fc.constant(null).map((): string[][] => []),
      fc.array(viewIdArb, { maxLength: 3 }),
      fc.array(pooledViewIdArb, { minLength: 2, maxLength: 4 }),
    ),
  };
}

/** One field of any type, with a value drawn from `valueArbs[type]`. */
export function fieldSpecArbOf(valueArbs: Record<core.FieldTypeName, fc.Arbitrary<core.OperationValue>>): fc.Arbitrary<FieldSpec> {
  return fc.oneof(
    ...FIELD_TYPES.map((type) => fc.record({ name: nameArb, value: valueArbs[type] }).map(({ name, value }): FieldSpec => ({ name, type, value }))),
  );
}

/** 1..9 fields with distinct names. */
export function fieldsArbOf(fieldSpecArb: fc.Arbitrary<FieldSpec>): fc.Arbitrary<FieldSpec[]> {
  return fc.uniqueArray(fieldSpecArb, { minLength: 1, maxLength: 9, selector: (spec) => spec.name });
}

/** Create, update and delete operations with a schema id from `schemaIdArb`. */
export function opArbOf(schemaIdArb: fc.Arbitrary<string>, fieldsArb: fc.Arbitrary<FieldSpec[]>): fc.Arbitrary<OpSpec> {
  return fc.oneof(
    fc.record({ schemaId: schemaIdArb, fields: fieldsArb }).map((op): OpSpec => ({ action: 'create', ...op })),
    fc.record({ schemaId: schemaIdArb, previous: viewIdArb, fields: fieldsArb }).map((op): OpSpec => ({ action: 'update', ...op })),
    fc.record({ schemaId: schemaIdArb, previous: viewIdArb }).map((op): OpSpec => ({ action: 'delete', ...op })),
  );
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/** Typed inserts, which both core's and p2panda-js's OperationFields offer. */
interface TypedFields {
  insert(name: string, type: core.FieldTypeName, value: core.OperationValue): void;
}

/** Operation arguments for `op`, its fields inserted with their types into `newFields()`. */
export function operationArgs<F extends TypedFields>(
  op: OpSpec,
  newFields: () => F,
): { schemaId: string; action: core.OperationAction; previous?: string[]; fields?: F } {
  const args: { schemaId: string; action: core.OperationAction; previous?: string[]; fields?: F } = { schemaId: op.schemaId, action: op.action };
  if (op.previous) args.previous = op.previous;
  if (op.fields) {
    const fields = newFields();
    for (const { name, type, value } of op.fields) fields.insert(name, type, value);
    args.fields = fields;
  }
  return args;
}

export function coreArgs(op: OpSpec): core.OperationArgs {
  return operationArgs(op, () => new core.OperationFields());
}

/** A schema with id `schemaId` for these fields (relations point back to it); one `title: str` field if none are given. */
export function schemaFor(schemaId: string, fields: ReadonlyArray<{ name: string; type: core.FieldTypeName }> | undefined): core.Schema {
  const types: Record<string, string> = {};
  for (const { name, type } of fields ?? [{ name: 'title', type: 'str' }]) {
    types[name] = RELATION_TYPES.has(type) ? `${type}(${schemaId})` : type;
  }
  return new core.Schema({ id: schemaId, description: 'generated', fields: types });
}

/** An assert.throws / assert.rejects matcher for a PandaError with `code`. */
export const hasCode = (code: string) => (error: unknown) => error instanceof core.PandaError && error.code === code;
