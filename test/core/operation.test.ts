import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CborMap, type CborValue } from '../../core/operation/cbor.js';
import { encodeCbor } from '../../core/operation/cbor-encode.js';
import {
  MAX_OPERATION_SIZE,
  OperationFields,
  PandaError,
  SCHEMA_DEFINITION_V1,
  SCHEMA_FIELD_DEFINITION_V1,
  Schema,
  bytesToHex,
  decodeOperation,
  encodeOperation,
  generateHash,
  hexToBytes,
  schemaDefinitionV1,
  schemaFieldDefinitionV1,
  schemaIdFor,
  validateOperation,
  type OperationArgs,
} from '../../core/index.js';
import { hasCode } from './support.js';

const [H1, H2, H3] = ['one', 'two', 'three'].map((s) => generateHash(new TextEncoder().encode(s))).sort() as [string, string, string];
const VENUE_ID = schemaIdFor('venue', [H3]);
const FESTIVAL_ID = schemaIdFor('festival', [H1, H2]);

const festival = new Schema({
  id: FESTIVAL_ID,
  description: 'A festival with every field type',
  fields: {
    title: 'str',
    capacity: 'int',
    price: 'float',
    open: 'bool',
    logo: 'bytes',
    venue: `relation(${VENUE_ID})`,
    artists: `relation_list(${VENUE_ID})`,
    pinned: `pinned_relation(${VENUE_ID})`,
    history: `pinned_relation_list(${VENUE_ID})`,
  },
});
const venue = new Schema({ id: VENUE_ID, description: 'A place', fields: { name: 'str', capacity: 'int' } });

function festivalFields(): OperationFields {
  const fields = new OperationFields();
  fields.insert('title', 'str', 'Panda Fest');
  fields.insert('capacity', 'int', 500n);
  fields.insert('price', 'float', 12.5);
  fields.insert('open', 'bool', true);
  fields.insert('logo', 'bytes', Uint8Array.of(1, 2, 3));
  fields.insert('venue', 'relation', H3);
  fields.insert('artists', 'relation_list', [H2, H1]);
  fields.insert('pinned', 'pinned_relation', [H1, H2]);
  fields.insert('history', 'pinned_relation_list', [[H1], [H2, H3]]);
  return fields;
}

/** CBOR field values for the festival schema, by name, in hand-built operations. */
function festivalCbor(overrides: Record<string, CborValue> = {}): CborMap {
  const values: Record<string, CborValue> = {
    artists: [hexToBytes(H2), hexToBytes(H1)],
    capacity: 500n,
    history: [[hexToBytes(H1)], [hexToBytes(H2), hexToBytes(H3)]],
    logo: Uint8Array.of(1, 2, 3),
    open: true,
    pinned: [hexToBytes(H1), hexToBytes(H2)],
    price: 12.5,
    title: 'Panda Fest',
    venue: hexToBytes(H3),
    ...overrides,
  };
  return new CborMap(
    Object.keys(values)
      .sort()
      .map((k) => [k, values[k]!] as const),
  );
}

const createCbor = (fields: CborMap, schemaId = FESTIVAL_ID): Uint8Array => encodeCbor([1n, 0n, schemaId, fields]);
const updateCbor = (fields: CborMap, previous: CborValue = [hexToBytes(H1)], schemaId = FESTIVAL_ID) => encodeCbor([1n, 1n, schemaId, previous, fields]);
const deleteCbor = (previous: CborValue, schemaId = FESTIVAL_ID) => encodeCbor([1n, 2n, schemaId, previous]);

const decodeAndValidate = (bytes: Uint8Array, schema: Schema = festival) => validateOperation(decodeOperation(bytes), schema);

describe('canonical encoding', () => {
  test('schema_field_definition_v1 {name: venue, type: str} has the known bytes', () => {
    const bytes = encodeOperation({ schemaId: SCHEMA_FIELD_DEFINITION_V1, fields: { name: 'venue', type: 'str' } });
    assert.equal(bytesToHex(bytes), '840100781a736368656d615f6669656c645f646566696e6974696f6e5f7631a2646e616d656576656e7565647479706563737472');
    // field insertion order does not matter, and action defaults to create
    const reordered = encodeOperation({ schemaId: SCHEMA_FIELD_DEFINITION_V1, action: 'create', fields: { type: 'str', name: 'venue' } });
    assert.deepEqual(reordered, bytes);
  });

  test('update and delete: previous is sorted, a single hash may be given as a string', () => {
    const update = encodeOperation({ schemaId: VENUE_ID, action: 'update', previous: [H2, H1], fields: { capacity: 3n } });
    const expected = encodeCbor([1n, 1n, VENUE_ID, [hexToBytes(H1), hexToBytes(H2)], new CborMap([['capacity', 3n]])]);
    assert.deepEqual(update, expected);
    const del = encodeOperation({ schemaId: VENUE_ID, action: 'delete', previous: H3 });
    assert.deepEqual(del, encodeCbor([1n, 2n, VENUE_ID, [hexToBytes(H3)]]));
    assert.equal(bytesToHex(del).slice(0, 4), '8401');
  });

  test('fields are sorted byte-lexically (B, a, aa, ab, b)', () => {
    const fields = new OperationFields();
    for (const name of ['b', 'ab', 'aa', 'a', 'B']) fields.insert(name, 'int', 1n);
    assert.deepEqual(fields.names(), ['B', 'a', 'aa', 'ab', 'b']);
    const bytes = encodeOperation({ schemaId: VENUE_ID, fields });
    const decoded = decodeOperation(bytes);
    assert.deepEqual([...decoded.fields!.keys()], ['B', 'a', 'aa', 'ab', 'b']);
  });

  test('easy values: whole numbers become int, others float; bigints int', () => {
    const bytes = encodeOperation({ schemaId: VENUE_ID, fields: { a: 2, b: 2.5, c: 7n, d: false, e: Uint8Array.of(9) } });
    const fields = decodeOperation(bytes).fields!;
    assert.equal(fields.get('a'), 2n);
    assert.equal(fields.get('b'), 2.5);
    assert.equal(fields.get('c'), 7n);
    assert.equal(fields.get('d'), false);
    assert.deepEqual(fields.get('e'), Uint8Array.of(9));
  });

  test('every field type round trips through encode, decode and validate', () => {
    const bytes = encodeOperation({ schemaId: FESTIVAL_ID, fields: festivalFields() });
    assert.deepEqual(bytes, createCbor(festivalCbor({ artists: [hexToBytes(H2), hexToBytes(H1)] })));
    const operation = decodeAndValidate(bytes);
    assert.equal(operation.action, 'create');
    assert.equal(operation.version, 1);
    assert.equal(operation.schemaId, FESTIVAL_ID);
    assert.equal(operation.previous, undefined);
    const fields = operation.fields!;
    assert.equal(fields.get('title'), 'Panda Fest');
    assert.equal(fields.get('capacity'), 500n);
    assert.equal(fields.get('price'), 12.5);
    assert.equal(fields.get('open'), true);
    assert.deepEqual(fields.get('logo'), Uint8Array.of(1, 2, 3));
    assert.equal(fields.get('venue'), H3);
    assert.deepEqual(fields.get('artists'), [H2, H1]); // a relation list keeps its order
    assert.deepEqual(fields.get('pinned'), [H1, H2]);
    assert.deepEqual(fields.get('history'), [[H1], [H2, H3]]);
    assert.equal(fields.getTyped('venue')?.type, 'relation');
    assert.equal(fields.getTyped('history')?.type, 'pinned_relation_list');
  });

  test('update and delete decode with their previous', () => {
    const update = decodeAndValidate(updateCbor(new CborMap([['title', 'New']]), [hexToBytes(H1), hexToBytes(H2)]));
    assert.equal(update.action, 'update');
    assert.deepEqual(update.previous, [H1, H2]);
    assert.deepEqual(update.fields!.names(), ['title']);
    const del = decodeAndValidate(deleteCbor([hexToBytes(H3)]));
    assert.equal(del.action, 'delete');
    assert.deepEqual(del.previous, [H3]);
    assert.equal(del.fields, undefined);
  });

  test('decodeOperation takes hex as well as bytes', () => {
    const bytes = encodeOperation({ schemaId: VENUE_ID, fields: { name: 'Hall', capacity: 10n } });
    assert.deepEqual(decodeOperation(bytesToHex(bytes)), decodeOperation(bytes));
  });
});

describe('structure errors', () => {
  test('OPERATION_FIELDS_UNSORTED: keys out of order', () => {
    const unsorted = new CborMap([
      ['name', 'Hall'],
      ['capacity', 1n],
    ]);
    assert.throws(() => decodeOperation(createCbor(unsorted, VENUE_ID)), hasCode('OPERATION_FIELDS_UNSORTED'));
    // 'a' < 'B' is false in byte order: B (0x42) sorts before a (0x61)
    assert.throws(
      () =>
        decodeOperation(
          createCbor(
            new CborMap([
              ['a', 1n],
              ['B', 1n],
            ]),
            VENUE_ID,
          ),
        ),
      hasCode('OPERATION_FIELDS_UNSORTED'),
    );
    assert.throws(
      () =>
        decodeOperation(
          updateCbor(
            new CborMap([
              ['b', 1n],
              ['ab', 1n],
            ]),
            [hexToBytes(H1)],
            VENUE_ID,
          ),
        ),
      hasCode('OPERATION_FIELDS_UNSORTED'),
    );
  });

  test('OPERATION_FIELD_DUPLICATE: a key twice', () => {
    const duplicate = new CborMap([
      ['capacity', 1n],
      ['capacity', 2n],
      ['name', 'x'],
    ]);
    assert.throws(() => decodeOperation(createCbor(duplicate, VENUE_ID)), hasCode('OPERATION_FIELD_DUPLICATE'));
    const fields = new OperationFields();
    fields.insert('name', 'str', 'x');
    assert.throws(() => fields.insert('name', 'str', 'y'), hasCode('OPERATION_FIELD_DUPLICATE'));
  });

  test('OPERATION_FIELD_NAME_INVALID: bad field names', () => {
    for (const name of ['', '1abc', '_abc', 'a-b', 'a b', 'ä', 'a'.repeat(65)]) {
      assert.throws(() => decodeOperation(createCbor(new CborMap([[name, 1n]]), VENUE_ID)), hasCode('OPERATION_FIELD_NAME_INVALID'), name);
      assert.throws(() => new OperationFields().insert(name, 'int', 1n), hasCode('OPERATION_FIELD_NAME_INVALID'), name);
    }
    // the longest valid name
    assert.equal(decodeOperation(createCbor(new CborMap([['a'.repeat(64), 1n]]), VENUE_ID)).fields!.size, 1);
  });

  test('OPERATION_VERSION_UNSUPPORTED', () => {
    for (const version of [0n, 2n, 1, 'one'] as CborValue[]) {
      const bytes = encodeCbor([version, 0n, VENUE_ID, new CborMap([['name', 'x']])]);
      assert.throws(() => decodeOperation(bytes), hasCode('OPERATION_VERSION_UNSUPPORTED'), inspect(version));
    }
  });

  test('OPERATION_ACTION_INVALID', () => {
    for (const action of [3n, -1n, 255n, 0.0, 'create', true] as CborValue[]) {
      const bytes = encodeCbor([1n, action, VENUE_ID, new CborMap([['name', 'x']])]);
      assert.throws(() => decodeOperation(bytes), hasCode('OPERATION_ACTION_INVALID'), inspect(action));
    }
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'merge' } as unknown as OperationArgs), hasCode('OPERATION_ACTION_INVALID'));
  });

  test('OPERATION_PREVIOUS_INVALID on decode: unsorted, duplicate, empty, non-hash', () => {
    const fields = new CborMap([['name', 'x']]);
    const cases: Array<[string, CborValue]> = [
      ['unsorted', [hexToBytes(H2), hexToBytes(H1)]],
      ['duplicate', [hexToBytes(H1), hexToBytes(H1)]],
      ['empty', []],
      ['wrong hash prefix', [hexToBytes('0120' + H1.slice(4))]],
      ['33 bytes', [hexToBytes(H1).subarray(0, 33)]],
      ['text', [H1]],
      ['not an array', hexToBytes(H1)],
      ['nested', [[hexToBytes(H1)]]],
    ];
    for (const [what, previous] of cases) {
      assert.throws(() => decodeOperation(updateCbor(fields, previous, VENUE_ID)), hasCode('OPERATION_PREVIOUS_INVALID'), `update: ${what}`);
      assert.throws(() => decodeOperation(deleteCbor(previous, VENUE_ID)), hasCode('OPERATION_PREVIOUS_INVALID'), `delete: ${what}`);
    }
  });

  test('OPERATION_PREVIOUS_INVALID on encode: missing, empty, duplicate, or given for a create', () => {
    const fields = { name: 'x' };
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'update', fields }), hasCode('OPERATION_PREVIOUS_INVALID'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'update', previous: [], fields }), hasCode('OPERATION_PREVIOUS_INVALID'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'delete' }), hasCode('OPERATION_PREVIOUS_INVALID'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'update', previous: [H1, H1], fields }), hasCode('OPERATION_PREVIOUS_INVALID'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, previous: [H1], fields }), hasCode('OPERATION_PREVIOUS_INVALID'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'update', previous: ['not a hash'], fields }), hasCode('HASH_INVALID'));
  });

  test('OPERATION_FIELDS_MISSING: update with an empty map, or without fields', () => {
    assert.throws(() => decodeOperation(updateCbor(new CborMap([]), [hexToBytes(H1)], VENUE_ID)), hasCode('OPERATION_FIELDS_MISSING'));
    assert.throws(() => decodeOperation(createCbor(new CborMap([]), VENUE_ID)), hasCode('OPERATION_FIELDS_MISSING'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'update', previous: H1, fields: {} }), hasCode('OPERATION_FIELDS_MISSING'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'update', previous: H1 }), hasCode('OPERATION_FIELDS_MISSING'));
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID }), hasCode('OPERATION_FIELDS_MISSING'));
  });

  test('OPERATION_FORMAT_INVALID: wrong shapes', () => {
    const fields = new CborMap([['name', 'x']]);
    const cases: Array<[string, CborValue]> = [
      ['not an array', fields],
      ['too short', [1n, 0n]],
      ['create with previous', [1n, 0n, VENUE_ID, [hexToBytes(H1)], fields]],
      ['create without fields', [1n, 0n, VENUE_ID]],
      ['update without previous', [1n, 1n, VENUE_ID, fields]],
      ['delete with fields', [1n, 2n, VENUE_ID, [hexToBytes(H1)], fields]],
      ['fields as an array', [1n, 0n, VENUE_ID, [['name', 'x']]]],
      ['schema id not text', [1n, 0n, hexToBytes(H1), fields]],
      ['a map value', [1n, 0n, VENUE_ID, new CborMap([['name', new CborMap([])]])]],
      ['a mixed array value', [1n, 0n, VENUE_ID, new CborMap([['name', [hexToBytes(H1), 1n]]])]],
      ['an array of ints', [1n, 0n, VENUE_ID, new CborMap([['name', [1n, 2n]]])]],
    ];
    for (const [what, value] of cases) {
      assert.throws(() => decodeOperation(encodeCbor(value)), hasCode('OPERATION_FORMAT_INVALID'), what);
    }
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, action: 'delete', previous: H1, fields: { name: 'x' } }), hasCode('OPERATION_FORMAT_INVALID'));
  });

  test('SCHEMA_ID_INVALID for a bad schema id, in encode and decode', () => {
    assert.throws(() => decodeOperation(createCbor(new CborMap([['name', 'x']]), 'venue')), hasCode('SCHEMA_ID_INVALID'));
    assert.throws(() => encodeOperation({ schemaId: 'venue_1234', fields: { name: 'x' } }), hasCode('SCHEMA_ID_INVALID'));
  });

  test('OPERATION_TOO_MANY_FIELDS: more than 1024 fields', () => {
    const names = Array.from({ length: 1025 }, (_, i) => `f${String(i).padStart(4, '0')}`);
    const map = new CborMap(names.map((name) => [name, 1n] as const));
    assert.throws(() => decodeOperation(createCbor(map, VENUE_ID)), hasCode('OPERATION_TOO_MANY_FIELDS'));
    assert.equal(decodeOperation(createCbor(new CborMap(map.entries.slice(0, 1024)), VENUE_ID)).fields!.size, 1024);
    const fields = new OperationFields();
    for (const name of names.slice(0, 1024)) fields.insert(name, 'int', 1n);
    assert.throws(() => fields.insert(names[1024]!, 'int', 1n), hasCode('OPERATION_TOO_MANY_FIELDS'));
  });

  test('OPERATION_TOO_LARGE: an operation of MAX_OPERATION_SIZE bytes decodes, one byte more does not', () => {
    const blobId = schemaIdFor('blob', [H1]);
    const base = encodeCbor([1n, 0n, blobId, new CborMap([['data', new Uint8Array(0x10000)]])]).length - 0x10000;
    const data = new Uint8Array(MAX_OPERATION_SIZE - base);
    const bytes = encodeCbor([1n, 0n, blobId, new CborMap([['data', data]])]);
    assert.equal(bytes.length, MAX_OPERATION_SIZE);
    assert.equal((decodeOperation(bytes).fields!.get('data') as Uint8Array).length, data.length);
    const larger = encodeCbor([1n, 0n, blobId, new CborMap([['data', new Uint8Array(data.length + 1)]])]);
    assert.equal(larger.length, MAX_OPERATION_SIZE + 1);
    assert.throws(() => decodeOperation(larger), hasCode('OPERATION_TOO_LARGE'));
    assert.throws(() => decodeOperation(new Uint8Array(10 * MAX_OPERATION_SIZE)), hasCode('OPERATION_TOO_LARGE'));
  });

  test('non-canonical CBOR is rejected in operations too', () => {
    const canonical = bytesToHex(encodeOperation({ schemaId: SCHEMA_FIELD_DEFINITION_V1, fields: { name: 'venue', type: 'str' } }));
    // version 1 written as 1801
    assert.throws(() => decodeOperation('84180100' + canonical.slice(6)), hasCode('OPERATION_NON_CANONICAL'));
    // trailing byte
    assert.throws(() => decodeOperation(canonical + '00'), hasCode('OPERATION_CBOR_INVALID'));
  });
});

describe('validation against the schema', () => {
  test('OPERATION_FIELDS_MISSING: a create without every schema field', () => {
    const values = festivalCbor();
    const without = new CborMap(values.entries.filter(([name]) => name !== 'price'));
    assert.throws(
      () => decodeAndValidate(createCbor(without)),
      (e: unknown) => e instanceof PandaError && e.code === 'OPERATION_FIELDS_MISSING' && (e.details?.fields as string[]).join() === 'price',
    );
    // an update may set any subset
    assert.deepEqual(decodeAndValidate(updateCbor(new CborMap([['price', 1.5]]))).fields!.names(), ['price']);
  });

  test('OPERATION_FIELD_UNKNOWN: a field the schema does not have', () => {
    assert.throws(() => decodeAndValidate(updateCbor(new CborMap([['colour', 'red']]))), hasCode('OPERATION_FIELD_UNKNOWN'));
    assert.throws(() => decodeAndValidate(createCbor(festivalCbor({ zzz: 1n }))), hasCode('OPERATION_FIELD_UNKNOWN'));
  });

  const INVALID_VALUES: Array<[string, string, CborValue]> = [
    ['int in a float field', 'price', 12n],
    ['float in an int field', 'capacity', 4.5],
    ['text in an int field', 'capacity', '4'],
    ['int in a str field', 'title', 1n],
    ['bytes in a str field', 'title', Uint8Array.of(0x61)],
    ['int in a bool field', 'open', 1n],
    ['a hash list in a bytes field', 'logo', [hexToBytes(H1)]],
    ['non-hash bytes in a relation', 'venue', Uint8Array.of(1, 2, 3)],
    ['34 bytes with a wrong prefix in a relation', 'venue', hexToBytes('0120' + H1.slice(4))],
    ['text hash in a relation', 'venue', H1],
    ['a list in a relation', 'venue', [hexToBytes(H1)]],
    ['a single hash as a relation list', 'artists', hexToBytes(H1)],
    ['non-hash in a relation list', 'artists', [hexToBytes(H1), Uint8Array.of(1)]],
    ['unsorted pinned relation', 'pinned', [hexToBytes(H2), hexToBytes(H1)]],
    ['duplicate in a pinned relation', 'pinned', [hexToBytes(H1), hexToBytes(H1)]],
    ['empty pinned relation', 'pinned', []],
    ['flat list as a pinned relation list', 'history', [hexToBytes(H1)]],
    ['unsorted view id in a pinned relation list', 'history', [[hexToBytes(H3), hexToBytes(H2)]]],
    ['empty view id in a pinned relation list', 'history', [[]]],
  ];
  for (const [what, field, value] of INVALID_VALUES) {
    test(`OPERATION_FIELD_VALUE_INVALID: ${what}`, () => {
      assert.throws(() => decodeAndValidate(createCbor(festivalCbor({ [field]: value }))), hasCode('OPERATION_FIELD_VALUE_INVALID'));
      assert.throws(() => decodeAndValidate(updateCbor(new CborMap([[field, value]]))), hasCode('OPERATION_FIELD_VALUE_INVALID'));
    });
  }

  test('OPERATION_FIELD_VALUE_INVALID: a float holding a whole number (4.0, f94400) in an int field', () => {
    // 4 and 4.0 are different values of different types (see cbor.ts); accepting f94400 for an
    // int would give the same operation two byte forms (04 and f94400).
    const bytes = updateCbor(new CborMap([['capacity', 4]]));
    assert.ok(bytesToHex(bytes).endsWith('68636170616369747' + '9f94400'));
    assert.throws(() => decodeAndValidate(bytes), hasCode('OPERATION_FIELD_VALUE_INVALID'));
  });

  test('OPERATION_FIELD_VALUE_INVALID from OperationFields.insert', () => {
    const fields = new OperationFields();
    const cases: Array<[string, Parameters<OperationFields['insert']>[1], unknown]> = [
      ['int', 'int', 2n ** 63n],
      ['int', 'int', 1.5],
      ['int', 'int', Number.MAX_SAFE_INTEGER + 1],
      ['float', 'float', 1n],
      ['str', 'str', 1],
      ['bool', 'bool', 'true'],
      ['bytes', 'bytes', [1, 2]],
      ['relation', 'relation', H1.toUpperCase()],
      ['relation_list', 'relation_list', [H1, 'x']],
      ['pinned_relation', 'pinned_relation', [H2, H1]],
      ['pinned_relation', 'pinned_relation', []],
      ['pinned_relation_list', 'pinned_relation_list', [[H1, H1]]],
    ];
    for (const [name, type, value] of cases) {
      assert.throws(() => fields.insert(name, type, value as never), hasCode('OPERATION_FIELD_VALUE_INVALID'), `${type}: ${String(value)}`);
    }
    assert.equal(fields.length(), 0);
    assert.throws(() => encodeOperation({ schemaId: VENUE_ID, fields: { a: null as unknown as string } }), hasCode('OPERATION_FIELD_VALUE_INVALID'));
  });

  test('SCHEMA_MISMATCH: validating against a different schema', () => {
    const bytes = encodeOperation({ schemaId: VENUE_ID, fields: { name: 'Hall', capacity: 10n } });
    assert.throws(() => validateOperation(decodeOperation(bytes), festival), hasCode('SCHEMA_MISMATCH'));
    assert.equal(validateOperation(decodeOperation(bytes), venue).fields!.get('capacity'), 10n);
  });
});

describe('system schema rules', () => {
  const definition = (fields: Record<string, CborValue>, action: 'create' | 'update' = 'create') => {
    const map = new CborMap(
      Object.keys(fields)
        .sort()
        .map((k) => [k, fields[k]!] as const),
    );
    return action === 'create' ? createCbor(map, SCHEMA_DEFINITION_V1) : updateCbor(map, [hexToBytes(H1)], SCHEMA_DEFINITION_V1);
  };
  const validDefinition = { name: 'festival', description: 'Festivals', fields: [[hexToBytes(H1)], [hexToBytes(H2), hexToBytes(H3)]] };

  test('a valid schema_definition_v1 is accepted', () => {
    const operation = decodeAndValidate(definition(validDefinition), schemaDefinitionV1);
    assert.equal(operation.fields!.get('name'), 'festival');
    assert.deepEqual(operation.fields!.get('fields'), [[H1], [H2, H3]]);
    // the same through encodeOperation
    const fields = new OperationFields({ name: 'festival', description: 'x'.repeat(256) });
    fields.insert('fields', 'pinned_relation_list', [[H1]]);
    const encoded = encodeOperation({ schemaId: SCHEMA_DEFINITION_V1, fields });
    assert.equal(decodeAndValidate(encoded, schemaDefinitionV1).fields!.get('description'), 'x'.repeat(256));
  });

  for (const name of ['1festival', 'f', 'festival_', 'fest ival', 'a'.repeat(65), '']) {
    test(`schema_definition_v1 with name ${JSON.stringify(name.length > 20 ? `${name.length} chars` : name)} is rejected`, () => {
      assert.throws(() => decodeAndValidate(definition({ ...validDefinition, name }), schemaDefinitionV1), hasCode('SCHEMA_NAME_INVALID'));
      assert.throws(() => decodeAndValidate(definition({ name }, 'update'), schemaDefinitionV1), hasCode('SCHEMA_NAME_INVALID'));
    });
  }

  test('schema_definition_v1 with a 257-character description is rejected, 256 is fine', () => {
    assert.throws(
      () => decodeAndValidate(definition({ ...validDefinition, description: 'd'.repeat(257) }), schemaDefinitionV1),
      hasCode('SCHEMA_DESCRIPTION_INVALID'),
    );
    assert.throws(() => decodeAndValidate(definition({ description: 'd'.repeat(257) }, 'update'), schemaDefinitionV1), hasCode('SCHEMA_DESCRIPTION_INVALID'));
    assert.doesNotThrow(() => decodeAndValidate(definition({ ...validDefinition, description: 'd'.repeat(256) }), schemaDefinitionV1));
    assert.doesNotThrow(() => decodeAndValidate(definition({ ...validDefinition, description: '' }), schemaDefinitionV1));
  });

  test('description length counts characters (code points), not UTF-16 units or bytes', () => {
    assert.doesNotThrow(() => decodeAndValidate(definition({ ...validDefinition, description: '🐼'.repeat(256) }), schemaDefinitionV1));
    assert.throws(
      () => decodeAndValidate(definition({ ...validDefinition, description: '🐼'.repeat(257) }), schemaDefinitionV1),
      hasCode('SCHEMA_DESCRIPTION_INVALID'),
    );
  });

  test('schema_definition_v1 with an empty fields list is rejected', () => {
    assert.throws(() => decodeAndValidate(definition({ ...validDefinition, fields: [] }), schemaDefinitionV1), hasCode('SCHEMA_FIELDS_INVALID'));
    assert.throws(() => decodeAndValidate(definition({ fields: [] }, 'update'), schemaDefinitionV1), hasCode('SCHEMA_FIELDS_INVALID'));
  });

  test('schema_definition_v1 fields must be a pinned relation list of view ids', () => {
    assert.throws(
      () => decodeAndValidate(definition({ ...validDefinition, fields: [hexToBytes(H1)] }), schemaDefinitionV1),
      hasCode('OPERATION_FIELD_VALUE_INVALID'),
    );
  });

  const fieldDefinition = (name: CborValue, type: CborValue) =>
    createCbor(
      new CborMap([
        ['name', name],
        ['type', type],
      ]),
      SCHEMA_FIELD_DEFINITION_V1,
    );

  for (const type of [
    'bool',
    'int',
    'float',
    'str',
    'bytes',
    `relation(${VENUE_ID})`,
    `relation_list(${FESTIVAL_ID})`,
    `pinned_relation(${SCHEMA_DEFINITION_V1})`,
    `pinned_relation_list(${VENUE_ID})`,
  ]) {
    test(`schema_field_definition_v1 with type ${type.slice(0, 30)} is accepted`, () => {
      const operation = decodeAndValidate(fieldDefinition('venue', type), schemaFieldDefinitionV1);
      assert.equal(operation.fields!.get('type'), type);
    });
  }

  for (const type of [
    'string',
    'integer',
    'Str',
    ' str',
    'relation',
    'relation()',
    'relation(venue)',
    `relation(${VENUE_ID}`,
    `relations(${VENUE_ID})`,
    `relation(${VENUE_ID.toUpperCase()})`,
    '',
  ]) {
    test(`schema_field_definition_v1 with type ${JSON.stringify(type.slice(0, 30))} is rejected`, () => {
      assert.throws(() => decodeAndValidate(fieldDefinition('venue', type), schemaFieldDefinitionV1), hasCode('SCHEMA_FIELD_TYPE_INVALID'));
    });
  }

  test('schema_field_definition_v1 with a bad field name is rejected', () => {
    for (const name of ['1venue', '_venue', 'ven ue', '', 'v'.repeat(65)]) {
      assert.throws(() => decodeAndValidate(fieldDefinition(name, 'str'), schemaFieldDefinitionV1), hasCode('OPERATION_FIELD_NAME_INVALID'), name);
    }
  });

  test('schema_field_definition_v1 with a non-text type is rejected', () => {
    assert.throws(() => decodeAndValidate(fieldDefinition('venue', 1n), schemaFieldDefinitionV1), hasCode('OPERATION_FIELD_VALUE_INVALID'));
  });
});
