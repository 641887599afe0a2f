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
  assert.equal(b.ok, a.ok, `${context}: one decoder accepts, the other rejects (${JSON.stringify(a.ok ? 'ok' : a.code)} vs ${JSON.stringify(b.ok ? 'ok' : b.code)})`);
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
    fc.property(opArb.filter((op) => op.action !== 'delete'), fc.nat(), (op, shift) => {
      const fields = op.fields!;
      const other = fields.map((field, i) => ({ name: field.name, type: FIELD_TYPES[(FIELD_TYPES.indexOf(field.type) + 1 + ((shift + i) % 8)) % 9]! }));
      const result = assertAgree(core.encodeOperation(coreArgs(op)), schemaFor(op.schemaId, other), 'other types');
      // Some values are valid under another type too (an empty relation list is an empty
      // pinned relation list); what matters is that both decoders decide alike.
      if (result.ok) assert.ok(result.operation.fields);
    }),
    { numRuns: 400 },
  );
});

test('an operation of an unknown schema is SCHEMA_UNKNOWN, a field the schema lacks OPERATION_FIELD_UNKNOWN', () => {
  const bytes = core.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: 'Hall' } });
  assert.throws(() => core.decodeTypedOperation(bytes, () => undefined), hasCode('SCHEMA_UNKNOWN'));
  const schema = new core.Schema({ id: SCHEMA_ID, description: 'x', fields: { title: 'str' } });
  assert.throws(() => core.decodeTypedOperation(bytes, () => schema), hasCode('OPERATION_FIELD_UNKNOWN'));
});
