import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCHEMA_DEFINITION_V1,
  SCHEMA_FIELD_DEFINITION_V1,
  SYSTEM_SCHEMAS,
  Schema,
  SchemaRegistry,
  formatFieldType,
  generateHash,
  parseFieldType,
  parseSchemaId,
  schemaDefinitionV1,
  schemaFieldDefinitionV1,
  schemaIdFor,
} from '../../core/index.js';
import { hasCode } from './support.js';

const [H1, H2, H3] = ['a', 'b', 'c'].map((s) => generateHash(new TextEncoder().encode(s))).sort() as [string, string, string];

describe('parseSchemaId', () => {
  test('system ids', () => {
    assert.deepEqual(parseSchemaId('schema_definition_v1'), { kind: 'system', id: 'schema_definition_v1' });
    assert.deepEqual(parseSchemaId('schema_field_definition_v1'), { kind: 'system', id: 'schema_field_definition_v1' });
    assert.equal(SCHEMA_DEFINITION_V1, 'schema_definition_v1');
    assert.equal(SCHEMA_FIELD_DEFINITION_V1, 'schema_field_definition_v1');
  });

  test('an application id with one view id hash', () => {
    assert.deepEqual(parseSchemaId(`venue_${H1}`), { kind: 'application', id: `venue_${H1}`, name: 'venue', viewId: [H1] });
  });

  test('an application id with several view id hashes', () => {
    assert.deepEqual(parseSchemaId(`venue_${H1}_${H2}_${H3}`), {
      kind: 'application',
      id: `venue_${H1}_${H2}_${H3}`,
      name: 'venue',
      viewId: [H1, H2, H3],
    });
  });

  test('names with underscores, digits and upper case', () => {
    const parsed = parseSchemaId(`festival_venue_2024_${H1}_${H2}`);
    assert.equal(parsed.kind, 'application');
    assert.ok(parsed.kind === 'application');
    assert.equal(parsed.name, 'festival_venue_2024');
    assert.deepEqual(parsed.viewId, [H1, H2]);
    const upper = parseSchemaId(`Festival_X_${H1}`);
    assert.ok(upper.kind === 'application');
    assert.equal(upper.name, 'Festival_X');
    // a name like a system id but with a view id is an application schema
    const lookalike = parseSchemaId(`schema_definition_v1_${H1}`);
    assert.ok(lookalike.kind === 'application');
    assert.equal(lookalike.name, 'schema_definition_v1');
  });

  test('names of 2 and of 64 characters are the limits', () => {
    assert.ok(parseSchemaId(`ab_${H1}`).kind === 'application');
    assert.ok(parseSchemaId(`${'a'.repeat(64)}_${H1}`).kind === 'application');
    assert.throws(() => parseSchemaId(`a_${H1}`), hasCode('SCHEMA_ID_INVALID'));
    assert.throws(() => parseSchemaId(`${'a'.repeat(65)}_${H1}`), hasCode('SCHEMA_ID_INVALID'));
  });

  const INVALID: Array<[string, unknown]> = [
    ['no hash', 'venue'],
    ['no name', H1],
    ['empty name', `_${H1}`],
    ['empty', ''],
    ['name starting with a digit', `1venue_${H1}`],
    ['name starting with an underscore', `_venue_${H1}`],
    ['name ending with an underscore', `venue__${H1}`],
    ['name with a dash', `ven-ue_${H1}`],
    ['name with a space', `ven ue_${H1}`],
    ['unsorted hashes', `venue_${H2}_${H1}`],
    ['duplicate hashes', `venue_${H1}_${H1}`],
    ['upper-case hex', `venue_${H1.toUpperCase()}`],
    ['upper-case hex in the second hash', `venue_${H1}_${H2.slice(0, 10)}${H2.slice(10).toUpperCase()}`],
    ['short hash', `venue_${H1.slice(0, 66)}`],
    ['hash without the 0020 prefix', `venue_0120${H1.slice(4)}`],
    ['trailing underscore', `venue_${H1}_`],
    ['system id with a suffix', 'schema_definition_v2'],
    ['a number', 42],
    ['undefined', undefined],
  ];
  for (const [what, id] of INVALID) {
    test(`${what} -> SCHEMA_ID_INVALID`, () => {
      assert.throws(() => parseSchemaId(id), hasCode('SCHEMA_ID_INVALID'));
    });
  }
});

describe('schemaIdFor', () => {
  test('joins name and sorted view id', () => {
    assert.equal(schemaIdFor('venue', [H3, H1, H2]), `venue_${H1}_${H2}_${H3}`);
    assert.equal(schemaIdFor('venue', [H2]), `venue_${H2}`);
  });

  test('its result parses back to the same name and view id', () => {
    const id = schemaIdFor('festival_venue', [H2, H1]);
    assert.deepEqual(parseSchemaId(id), { kind: 'application', id, name: 'festival_venue', viewId: [H1, H2] });
  });

  test('does not modify its argument', () => {
    const viewId = [H2, H1];
    schemaIdFor('venue', viewId);
    assert.deepEqual(viewId, [H2, H1]);
  });

  test('rejects bad names with SCHEMA_NAME_INVALID and bad view ids with SCHEMA_ID_INVALID', () => {
    assert.throws(() => schemaIdFor('1venue', [H1]), hasCode('SCHEMA_NAME_INVALID'));
    assert.throws(() => schemaIdFor('venue_', [H1]), hasCode('SCHEMA_NAME_INVALID'));
    assert.throws(() => schemaIdFor('venue', []), hasCode('SCHEMA_ID_INVALID'));
    assert.throws(() => schemaIdFor('venue', ['abc']), hasCode('SCHEMA_ID_INVALID'));
    assert.throws(() => schemaIdFor('venue', [H1.toUpperCase()]), hasCode('SCHEMA_ID_INVALID'));
  });

  test('rejects a view id with a duplicate operation id (parseSchemaId would reject the result)', () => {
    assert.throws(() => parseSchemaId(`venue_${H1}_${H1}`), hasCode('SCHEMA_ID_INVALID'));
    assert.throws(() => schemaIdFor('venue', [H1, H1]), hasCode('SCHEMA_ID_INVALID'));
  });
});

describe('parseFieldType', () => {
  const venueId = `venue_${H1}`;
  const TYPES: Array<[string, object]> = [
    ['bool', { type: 'bool' }],
    ['int', { type: 'int' }],
    ['float', { type: 'float' }],
    ['str', { type: 'str' }],
    ['bytes', { type: 'bytes' }],
    [`relation(${venueId})`, { type: 'relation', schema: venueId }],
    [`relation_list(${venueId})`, { type: 'relation_list', schema: venueId }],
    [`pinned_relation(${venueId})`, { type: 'pinned_relation', schema: venueId }],
    [`pinned_relation_list(${venueId})`, { type: 'pinned_relation_list', schema: venueId }],
    [`relation(${SCHEMA_FIELD_DEFINITION_V1})`, { type: 'relation', schema: SCHEMA_FIELD_DEFINITION_V1 }],
    [`pinned_relation_list(venue_${H1}_${H2})`, { type: 'pinned_relation_list', schema: `venue_${H1}_${H2}` }],
  ];
  for (const [text, expected] of TYPES) {
    test(`${text.slice(0, 40)} parses and formats back`, () => {
      const parsed = parseFieldType(text);
      assert.deepEqual(parsed, expected);
      assert.equal(formatFieldType(parsed), text);
    });
  }

  const INVALID: unknown[] = [
    'string',
    'integer',
    'boolean',
    'Str',
    'INT',
    ' str',
    'str ',
    '',
    'relation',
    'relation()',
    'relation(venue)',
    `relation(${venueId}`,
    `relation ${venueId}`,
    `relation(${venueId}))`,
    `relation((${venueId}))`,
    `relations(${venueId})`,
    `pinned_relation_lists(${venueId})`,
    `relation(venue_${H2}_${H1})`,
    `relation(${venueId.toUpperCase()})`,
    `str(${venueId})`,
    1,
    null,
    undefined,
    { type: 'str' },
  ];
  for (const text of INVALID) {
    test(`${JSON.stringify(text)?.slice(0, 40) ?? 'undefined'} -> SCHEMA_FIELD_TYPE_INVALID`, () => {
      assert.throws(() => parseFieldType(text), hasCode('SCHEMA_FIELD_TYPE_INVALID'));
    });
  }
});

describe('Schema', () => {
  const id = schemaIdFor('venue', [H1]);

  test('a schema: id, name, description, sorted fields, view id', () => {
    const schema = new Schema({ id, description: 'A place', fields: { name: 'str', capacity: { type: 'int' }, owner: `relation(${id})` } });
    assert.equal(schema.id, id);
    assert.equal(schema.name, 'venue');
    assert.equal(schema.description, 'A place');
    assert.deepEqual([...schema.fields.keys()], ['capacity', 'name', 'owner']);
    assert.deepEqual(schema.fields.get('owner'), { type: 'relation', schema: id });
    assert.deepEqual(schema.viewId, [H1]);
  });

  test('the system schemas', () => {
    assert.equal(schemaDefinitionV1.id, SCHEMA_DEFINITION_V1);
    assert.equal(schemaDefinitionV1.name, 'schema_definition');
    assert.equal(schemaDefinitionV1.viewId, undefined);
    assert.deepEqual([...schemaDefinitionV1.fields.keys()], ['description', 'fields', 'name']);
    assert.deepEqual(schemaDefinitionV1.fields.get('fields'), { type: 'pinned_relation_list', schema: SCHEMA_FIELD_DEFINITION_V1 });
    assert.equal(schemaFieldDefinitionV1.name, 'schema_field_definition');
    assert.deepEqual([...schemaFieldDefinitionV1.fields.keys()], ['name', 'type']);
    assert.deepEqual(
      SYSTEM_SCHEMAS.map((s) => s.id),
      [SCHEMA_DEFINITION_V1, SCHEMA_FIELD_DEFINITION_V1],
    );
  });

  test('0 fields -> SCHEMA_FIELDS_INVALID', () => {
    assert.throws(() => new Schema({ id, description: '', fields: {} }), hasCode('SCHEMA_FIELDS_INVALID'));
  });

  test('1024 fields are fine, 1025 -> SCHEMA_FIELDS_INVALID', () => {
    const fields = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`f${i}`, 'int']));
    assert.equal(new Schema({ id, description: '', fields: fields(1024) }).fields.size, 1024);
    assert.throws(() => new Schema({ id, description: '', fields: fields(1025) }), hasCode('SCHEMA_FIELDS_INVALID'));
  });

  for (const name of ['1abc', '_abc', 'a-b', 'a b', 'é', 'a'.repeat(65)]) {
    test(`field name ${JSON.stringify(name.length > 20 ? `${name.length} chars` : name)} -> OPERATION_FIELD_NAME_INVALID`, () => {
      assert.throws(() => new Schema({ id, description: '', fields: { ok: 'str', [name]: 'str' } }), hasCode('OPERATION_FIELD_NAME_INVALID'));
    });
  }

  test('bad field types, description and id are rejected with their codes', () => {
    assert.throws(() => new Schema({ id, description: '', fields: { a: 'text' } }), hasCode('SCHEMA_FIELD_TYPE_INVALID'));
    assert.throws(() => new Schema({ id, description: '', fields: { a: { type: 'relation' } as never } }), hasCode('SCHEMA_FIELD_TYPE_INVALID'));
    assert.throws(() => new Schema({ id, description: 'x'.repeat(257), fields: { a: 'str' } }), hasCode('SCHEMA_DESCRIPTION_INVALID'));
    assert.equal(new Schema({ id, description: 'x'.repeat(256), fields: { a: 'str' } }).description.length, 256);
    assert.throws(() => new Schema({ id: 'venue', description: '', fields: { a: 'str' } }), hasCode('SCHEMA_ID_INVALID'));
  });

  test('fromDefinition builds the schema with the id of its definition view', () => {
    const schema = Schema.fromDefinition([H2, H1], {
      name: 'stage',
      description: 'A stage',
      fields: [
        { name: 'title', type: 'str' },
        { name: 'venue', type: `relation(${id})` },
      ],
    });
    assert.equal(schema.id, `stage_${H1}_${H2}`);
    assert.equal(schema.name, 'stage');
    assert.deepEqual(schema.viewId, [H1, H2]);
    assert.deepEqual(schema.fields.get('venue'), { type: 'relation', schema: id });
  });

  test('fromDefinition rejects a duplicate field name with SCHEMA_FIELDS_INVALID', () => {
    assert.throws(
      () =>
        Schema.fromDefinition([H1], {
          name: 'stage',
          description: '',
          fields: [
            { name: 'title', type: 'str' },
            { name: 'title', type: 'int' },
          ],
        }),
      hasCode('SCHEMA_FIELDS_INVALID'),
    );
  });

  test('fromDefinition rejects a bad name with SCHEMA_NAME_INVALID and no fields with SCHEMA_FIELDS_INVALID', () => {
    assert.throws(() => Schema.fromDefinition([H1], { name: 's', description: '', fields: [{ name: 'a', type: 'str' }] }), hasCode('SCHEMA_NAME_INVALID'));
    assert.throws(() => Schema.fromDefinition([H1], { name: 'stage', description: '', fields: [] }), hasCode('SCHEMA_FIELDS_INVALID'));
  });
});

describe('SchemaRegistry', () => {
  test('knows the system schemas and added ones', () => {
    const venue = new Schema({ id: schemaIdFor('venue', [H1]), description: '', fields: { name: 'str' } });
    const registry = new SchemaRegistry([venue]);
    assert.equal(registry.get(SCHEMA_DEFINITION_V1), schemaDefinitionV1);
    assert.equal(registry.get(SCHEMA_FIELD_DEFINITION_V1), schemaFieldDefinitionV1);
    assert.equal(registry.get(venue.id), venue);
    assert.equal(registry.get(schemaIdFor('venue', [H2])), undefined);
    assert.equal(registry.all().length, 3);
  });
});
