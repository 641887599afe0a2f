// decodeTypedOperation must agree with decodeOperation + validateOperation: same result for
// every operation they accept, and a rejection wherever either rejects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as core from '../../core/index.js';
import { FIELD_TYPES, I64_MAX, I64_MIN, coreArgs, fieldSpecArbOf, fieldsArbOf, halfToNumber, hasCode, opArbOf, schemaFor, valueArbsWith } from './support.js';

const SCHEMA_ID = 'venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
const valueArbs = valueArbsWith({
  str: fc.string({ unit: 'binary', maxLength: 40 }),
  int: fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  float: fc.oneof(fc.double(), fc.integer({ min: 0, max: 0xffff }).map(halfToNumber)),
  bytes: fc.uint8Array({ maxLength: 40 }),
});
const opArb = opArbOf(fc.constant(SCHEMA_ID), fieldsArbOf(fieldSpecArbOf(valueArbs)));

type Outcome = { ok: true; operation: core.Operation } | { ok: false; code: string };

function outcome(run: () => core.Operation): Outcome {
  try {
    return { ok: true, operation: run() };
  } catch (error) {
    if (!(error instanceof core.PandaError)) throw error;
    return { ok: false, code: error.code };
  }
}

const twoStep = (bytes: Uint8Array, schema: core.Schema) => outcome(() => core.validateOperation(core.decodeOperation(bytes), schema));
const onePass = (bytes: Uint8Array, schema: core.Schema) => outcome(() => core.decodeTypedOperation(bytes, (id) => (id === schema.id ? schema : undefined)));

const comparable = (operation: core.Operation) => ({ ...operation, fields: operation.fields?.entries() });

function assertAgree(bytes: Uint8Array, schema: core.Schema, context: string): Outcome {
  const a = twoStep(bytes, schema);
  const b = onePass(bytes, schema);
  assert.equal(
    b.ok,
    a.ok,
    `${context}: one decoder accepts, the other rejects (${JSON.stringify(a.ok ? 'ok' : a.code)} vs ${JSON.stringify(b.ok ? 'ok' : b.code)})`,
  );
  if (a.ok && b.ok) assert.deepEqual(comparable(b.operation), comparable(a.operation), context);
  return b;
}

test('valid operations of every field type decode to the same typed operation', () => {
  fc.assert(
    fc.property(opArb, (op) => {
      const bytes = core.encodeOperation(coreArgs(op));
      const result = assertAgree(bytes, schemaFor(op.schemaId, op.fields), 'valid');
      assert.equal(result.ok, true);
    }),
    { numRuns: 400 },
  );
});

test('mutated and truncated operations: both decoders accept the same, or both reject', () => {
  fc.assert(
    fc.property(opArb, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (op, position, xor, truncate) => {
      const bytes = core.encodeOperation(coreArgs(op));
      const mutated = truncate ? bytes.slice(0, position % bytes.length) : bytes.slice();
      if (!truncate) mutated[position % bytes.length]! ^= xor;
      assertAgree(mutated, schemaFor(op.schemaId, op.fields), 'mutated');
    }),
    { numRuns: 1500 },
  );
});

test('checked against a schema with other field types, both decoders reject', () => {
  fc.assert(
    fc.property(
      opArb.filter((op) => op.action !== 'delete'),
      fc.nat(),
      (op, shift) => {
        const fields = op.fields!;
        const other = fields.map((field, i) => ({ name: field.name, type: FIELD_TYPES[(FIELD_TYPES.indexOf(field.type) + 1 + ((shift + i) % 8)) % 9]! }));
        const result = assertAgree(core.encodeOperation(coreArgs(op)), schemaFor(op.schemaId, other), 'other types');
        // Some values are valid under another type too (an empty relation list is an empty
        // pinned relation list); what matters is that both decoders decide alike.
        if (result.ok) assert.ok(result.operation.fields);
      },
    ),
    { numRuns: 400 },
  );
});

test('an operation of an unknown schema is SCHEMA_UNKNOWN, a field the schema lacks OPERATION_FIELD_UNKNOWN', () => {
  const bytes = core.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: 'Hall' } });
  assert.throws(() => core.decodeTypedOperation(bytes, () => undefined), hasCode('SCHEMA_UNKNOWN'));
  const schema = new core.Schema({ id: SCHEMA_ID, description: 'x', fields: { title: 'str' } });
  assert.throws(() => core.decodeTypedOperation(bytes, () => schema), hasCode('OPERATION_FIELD_UNKNOWN'));
});

// decodeStoredFields reads a stored operation's fields, stepping over the header the store
// read before: given that header, it must decide exactly as the full decoder does.

/** Bytes of the header of `op` in canonical CBOR (computed here, not by the decoder under test). */
function headerSize(op: { schemaId: string; previous?: readonly string[] }): number {
  const textHead = op.schemaId.length < 24 ? 1 : op.schemaId.length < 256 ? 2 : 3;
  const previous = op.previous ? 1 + op.previous.length * (2 + 34) : 0;
  return 3 + textHead + op.schemaId.length + previous;
}

const stored = (bytes: Uint8Array, header: core.KnownHeader, schema: core.Schema) =>
  outcome(() => ({ ...header, version: 1, fields: core.decodeStoredFields(bytes, header, (id) => (id === schema.id ? schema : undefined)) }) as core.Operation);

const headerOf = (op: { action: core.OperationAction; schemaId: string; previous?: string[] }): core.KnownHeader =>
  op.previous ? { action: op.action, schemaId: op.schemaId, previous: op.previous } : { action: op.action, schemaId: op.schemaId };

test('stored operations: given their header, the fields decode as the full decoder decodes them', () => {
  fc.assert(
    fc.property(opArb, (op) => {
      const bytes = core.encodeOperation(coreArgs(op));
      const schema = schemaFor(op.schemaId, op.fields);
      const full = onePass(bytes, schema);
      const fast = stored(bytes, headerOf(op), schema);
      assert.ok(full.ok && fast.ok);
      assert.equal(fast.operation.fields?.entries() === undefined, op.action === 'delete');
      assert.deepEqual(fast.operation.fields?.entries(), full.operation.fields?.entries());
    }),
    { numRuns: 400 },
  );
});

test('stored operations mutated or cut in their fields: the same verdict as the full decoder; in their header: never other fields', () => {
  fc.assert(
    fc.property(opArb, fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean(), (op, position, xor, truncate) => {
      const bytes = core.encodeOperation(coreArgs(op));
      const schema = schemaFor(op.schemaId, op.fields);
      if (op.action === 'delete') assert.equal(headerSize(op), bytes.length);
      else assert.equal(bytes[headerSize(op)]! >> 5, 5, 'the fields map starts right after the header');
      const at = position % bytes.length;
      const mutated = truncate ? bytes.slice(0, at) : bytes.slice();
      if (!truncate) mutated[at]! ^= xor;
      const fast = stored(mutated, headerOf(op), schema);
      if (at >= headerSize(op)) {
        const full = onePass(mutated, schema);
        assert.equal(fast.ok, full.ok, `fields byte ${at}: ${JSON.stringify(fast.ok || fast.code)} vs ${JSON.stringify(full.ok || full.code)}`);
        if (fast.ok && full.ok) assert.deepEqual(fast.operation.fields?.entries(), full.operation.fields?.entries());
        else if (!fast.ok && !full.ok) assert.equal(fast.code, full.code);
      } else if (fast.ok) {
        // A changed schema id or previous id of the same form is the store's to vouch for;
        // the fields are still the original ones, read from where they were.
        const original = onePass(bytes, schema);
        assert.ok(original.ok);
        assert.deepEqual(fast.operation.fields?.entries(), original.operation.fields?.entries());
      }
    }),
    { numRuns: 2000 },
  );
});

test("a stored header that is not the operation's: OPERATION_FORMAT_INVALID", () => {
  const schema = new core.Schema({ id: SCHEMA_ID, description: 'x', fields: { name: 'str' } });
  const lookUp = () => schema;
  const previous = ['0020' + 'ab'.repeat(32)];
  const create = core.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: 'Hall' } });
  const update = core.encodeOperation({ action: 'update', schemaId: SCHEMA_ID, previous, fields: { name: 'Hall' } });
  const remove = core.encodeOperation({ action: 'delete', schemaId: SCHEMA_ID, previous });
  // The update with its previous id's head saying 33 bytes instead of 34.
  const notAnId = update.slice();
  notAnId[headerSize({ schemaId: SCHEMA_ID }) + 2]! -= 1;
  const shorterId = 'venue_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
  const otherSchema = new core.Schema({ id: shorterId, description: 'x', fields: { name: 'str' } });
  const cases: Array<[Uint8Array, core.KnownHeader, (id: string) => core.Schema | undefined]> = [
    [create, { action: 'update', schemaId: SCHEMA_ID, previous }, lookUp],
    [update, { action: 'create', schemaId: SCHEMA_ID }, lookUp],
    [update, { action: 'delete', schemaId: SCHEMA_ID, previous }, lookUp],
    [remove, { action: 'create', schemaId: SCHEMA_ID }, lookUp],
    [create, { action: 'delete', schemaId: SCHEMA_ID, previous }, lookUp],
    [notAnId, { action: 'update', schemaId: SCHEMA_ID, previous }, lookUp],
    [update, { action: 'update', schemaId: SCHEMA_ID, previous: [...previous, '0020' + 'cd'.repeat(32)] }, lookUp],
    [update, { action: 'update', schemaId: SCHEMA_ID }, lookUp],
    [create, { action: 'create', schemaId: shorterId }, () => otherSchema],
  ];
  for (const [bytes, header, lookup] of cases) {
    assert.throws(
      () => core.decodeStoredFields(bytes, header, lookup),
      (error) => hasCode('OPERATION_FORMAT_INVALID')(error) && /it was stored as/.test((error as Error).message),
      JSON.stringify(header),
    );
  }
  assert.throws(() => core.decodeStoredFields(create, { action: 'create', schemaId: SCHEMA_ID }, () => undefined), hasCode('SCHEMA_UNKNOWN'));
});
