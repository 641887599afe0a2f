/**
 * materializeDocument: a document's state from its operations, as p2panda builds it
 * (graph order from sortGraph, last write wins per field, a DELETE ends it), plus the
 * `accepts` hook that keeps other authors' operations in the graph without applying them.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OperationFields, materializeDocument, type DocumentOperation, type DocumentView, type EasyValues, type OperationAction } from '../../core/index.js';
import { mulberry32, shuffle } from './festival-support.js';

const SCHEMA = 'venue_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
const OTHER_SCHEMA = 'stage_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
const OWNER = 'aa'.repeat(32);
const OTHER = 'bb'.repeat(32);

interface OpInput {
  by?: string;
  action?: OperationAction;
  previous?: string[];
  fields?: EasyValues;
  schemaId?: string;
}

function op(id: string, { by = OWNER, action, previous, fields, schemaId = SCHEMA }: OpInput = {}): DocumentOperation {
  const operation: DocumentOperation = { id, publicKey: by, schemaId, action: action ?? (previous ? 'update' : 'create') };
  if (previous) operation.previous = previous;
  if (fields) operation.fields = new OperationFields(fields);
  return operation;
}

const ownerOnly = { accepts: (operation: DocumentOperation, create: DocumentOperation) => operation.publicKey === create.publicKey };
const fieldsOf = (view: DocumentView | undefined) => {
  const values: Record<string, unknown> = {};
  view!.fields.forEach((value, name) => (values[name] = value));
  return values;
};

describe('materializeDocument: last write wins per field, in graph order', () => {
  test('a CREATE alone gives its fields, its author as owner, and itself as view id', () => {
    const view = materializeDocument('c', [op('c', { fields: { name: 'Hall', capacity: 100n } })]);
    assert.deepEqual(
      { ...view, fields: fieldsOf(view) },
      {
        id: 'c',
        schemaId: SCHEMA,
        owner: OWNER,
        viewId: ['c'],
        fields: { capacity: 100n, name: 'Hall' },
        deleted: false,
        applied: ['c'],
      },
    );
  });

  test('updates change only the fields they set, later ones over earlier ones', () => {
    const view = materializeDocument('c', [
      op('c', { fields: { name: 'Hall', capacity: 100n, open: true } }),
      op('u1', { previous: ['c'], fields: { name: 'Big Hall' } }),
      op('u2', { previous: ['u1'], fields: { capacity: 250n } }),
      op('u3', { previous: ['u2'], fields: { name: 'Great Hall' } }),
    ]);
    assert.deepEqual(fieldsOf(view), { name: 'Great Hall', capacity: 250n, open: true });
    assert.deepEqual(view!.applied, ['c', 'u1', 'u2', 'u3']);
    assert.deepEqual(view!.viewId, ['u3']);
  });

  test('concurrent branches: the branch with the higher id applies last and wins the fields both set', () => {
    const operations = [
      op('c', { fields: { name: 'Hall', capacity: 1n, open: false } }),
      op('x1', { previous: ['c'], fields: { name: 'From x1', capacity: 10n } }),
      op('x2', { previous: ['c'], fields: { name: 'From x2', open: true } }),
    ];
    const view = materializeDocument('c', operations)!;
    assert.deepEqual(view.applied, ['c', 'x1', 'x2']);
    assert.deepEqual(fieldsOf(view), { name: 'From x2', capacity: 10n, open: true });
    assert.deepEqual(view.viewId, ['x1', 'x2']);
  });

  test('a deeper branch does not win by depth: walk order decides', () => {
    // c -> a1 -> a2 and c -> b1: a1 < b1, so a1 a2 apply first and b1 last.
    const view = materializeDocument('c', [
      op('c', { fields: { name: 'Hall' } }),
      op('a1', { previous: ['c'], fields: { name: 'A1' } }),
      op('a2', { previous: ['a1'], fields: { name: 'A2' } }),
      op('b1', { previous: ['c'], fields: { name: 'B1' } }),
    ])!;
    assert.deepEqual(view.applied, ['c', 'a1', 'a2', 'b1']);
    assert.equal(view.fields.get('name'), 'B1');
    assert.deepEqual(view.viewId, ['a2', 'b1']);
  });

  test('a merge applies after both branches and its fields win', () => {
    const view = materializeDocument('c', [
      op('c', { fields: { name: 'Hall', capacity: 1n } }),
      op('x1', { previous: ['c'], fields: { name: 'X1' } }),
      op('x2', { previous: ['c'], fields: { name: 'X2', capacity: 2n } }),
      op('m', { previous: ['x1', 'x2'], fields: { name: 'Merged' } }),
    ])!;
    assert.deepEqual(view.applied, ['c', 'x1', 'x2', 'm']);
    assert.deepEqual(fieldsOf(view), { name: 'Merged', capacity: 2n });
    assert.deepEqual(view.viewId, ['m']);
  });

  test('an operation of another schema is kept in the graph but changes nothing', () => {
    const view = materializeDocument('c', [
      op('c', { fields: { name: 'Hall' } }),
      op('u', { previous: ['c'], fields: { name: 'Other' }, schemaId: OTHER_SCHEMA }),
    ])!;
    assert.deepEqual(fieldsOf(view), { name: 'Hall' });
    assert.deepEqual(view.applied, ['c']);
    assert.deepEqual(view.viewId, ['u']);
  });

  test('updates whose previous operations are unknown wait', () => {
    const view = materializeDocument('c', [
      op('c', { fields: { name: 'Hall' } }),
      op('u2', { previous: ['u1'], fields: { name: 'Later' } }), // u1 has not arrived
    ])!;
    assert.deepEqual(fieldsOf(view), { name: 'Hall' });
    assert.deepEqual(view.viewId, ['c']);
  });
});

describe('materializeDocument: delete', () => {
  test('a DELETE ends the document', () => {
    const view = materializeDocument('c', [
      op('c', { fields: { name: 'Hall' } }),
      op('u', { previous: ['c'], fields: { name: 'Big Hall' } }),
      op('d', { previous: ['u'], action: 'delete' }),
    ])!;
    assert.equal(view.deleted, true);
    assert.deepEqual(view.applied, ['c', 'u', 'd']);
    assert.deepEqual(view.viewId, ['d']);
  });

  test('a DELETE on a concurrent branch ends the document whatever its id', () => {
    for (const [deleteId, updateId] of [
      ['d', 'u'],
      ['u', 'd'],
    ] as const) {
      const view = materializeDocument('c', [
        op('c', { fields: { name: 'Hall' } }),
        op(deleteId, { previous: ['c'], action: 'delete' }),
        op(updateId, { previous: ['c'], fields: { name: 'Renamed' } }),
      ])!;
      assert.equal(view.deleted, true, `delete ${deleteId}, update ${updateId}`);
    }
  });

  test('without a DELETE, deleted is false', () => {
    const view = materializeDocument('c', [op('c', { fields: { name: 'Hall' } }), op('u', { previous: ['c'], fields: { name: 'X' } })])!;
    assert.equal(view.deleted, false);
  });
});

describe('materializeDocument: accepts (single owner)', () => {
  const operations = [
    op('c', { fields: { name: 'Hall', capacity: 100n } }),
    op('m1', { by: OTHER, previous: ['c'], fields: { name: 'Hacked', capacity: 1n } }),
  ];

  test("another author's UPDATE is kept in the view id but not applied", () => {
    const view = materializeDocument('c', operations, ownerOnly)!;
    assert.deepEqual(fieldsOf(view), { name: 'Hall', capacity: 100n });
    assert.deepEqual(view.applied, ['c']);
    assert.deepEqual(view.viewId, ['m1']);
    assert.equal(view.owner, OWNER);
  });

  test('without accepts, every operation counts', () => {
    const view = materializeDocument('c', operations)!;
    assert.deepEqual(fieldsOf(view), { name: 'Hacked', capacity: 1n });
  });

  test("the owner's update that follows the rejected one applies", () => {
    const view = materializeDocument('c', [...operations, op('o2', { previous: ['m1'], fields: { capacity: 120n } })], ownerOnly)!;
    assert.deepEqual(fieldsOf(view), { name: 'Hall', capacity: 120n });
    assert.deepEqual(view.applied, ['c', 'o2']);
    assert.deepEqual(view.viewId, ['o2']);
  });

  test("another author's DELETE does not end the document", () => {
    const view = materializeDocument('c', [op('c', { fields: { name: 'Hall' } }), op('d', { by: OTHER, previous: ['c'], action: 'delete' })], ownerOnly)!;
    assert.equal(view.deleted, false);
    assert.deepEqual(view.applied, ['c']);
    assert.deepEqual(view.viewId, ['d']);
  });

  test('accepts is asked about every operation but the CREATE, with the CREATE', () => {
    const asked: Array<[string, string]> = [];
    const view = materializeDocument(
      'c',
      [
        op('c', { fields: { name: 'Hall' } }),
        op('u', { previous: ['c'], fields: { name: 'X' } }),
        op('v', { by: OTHER, previous: ['u'], fields: { name: 'Y' } }),
      ],
      {
        accepts: (operation, create) => {
          asked.push([operation.id, create.id]);
          return false;
        },
      },
    )!;
    assert.deepEqual(asked, [
      ['u', 'c'],
      ['v', 'c'],
    ]);
    assert.deepEqual(fieldsOf(view), { name: 'Hall' }, 'the CREATE applies regardless');
  });
});

describe('materializeDocument: missing CREATE', () => {
  test('without its CREATE a document is undefined', () => {
    assert.equal(materializeDocument('c', [op('u', { previous: ['c'], fields: { name: 'X' } })]), undefined);
    assert.equal(materializeDocument('c', []), undefined);
  });

  test('a document id that names an UPDATE is undefined', () => {
    assert.equal(materializeDocument('u', [op('c', { fields: { name: 'Hall' } }), op('u', { previous: ['c'], fields: { name: 'X' } })]), undefined);
  });
});

// ---------------------------------------------------------------------------------------
// Order independence
// ---------------------------------------------------------------------------------------

/** A random document: a CREATE and updates/deletes over earlier operations, by two authors. */
const documentArb = fc
  .integer({ min: 0, max: 12 })
  .chain((size) =>
    fc.record({
      ids: fc.uniqueArray(
        fc.integer({ min: 0, max: 36 ** 3 - 1 }).map((n) => `o${n.toString(36)}`),
        { minLength: size + 1, maxLength: size + 1 },
      ),
      steps: fc.tuple(
        ...Array.from({ length: size }, (_, index) =>
          fc.record({
            previous: fc.uniqueArray(fc.integer({ min: 0, max: index }), { minLength: 1, maxLength: Math.min(2, index + 1) }),
            byOwner: fc.boolean(),
            remove: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
            fields: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 3 }), { maxKeys: 3 }),
          }),
        ),
      ),
      seed: fc.integer(),
    }),
  )
  .map(({ ids, steps, seed }) => {
    const operations = [op(ids[0]!, { fields: { a: 'create', b: 'create', c: 'create' } })];
    steps.forEach((step, index) => {
      const previous = step.previous.map((i) => ids[i]!).sort();
      const by = step.byOwner ? OWNER : OTHER;
      operations.push(
        step.remove || Object.keys(step.fields).length === 0
          ? op(ids[index + 1]!, { by, previous, action: step.remove ? 'delete' : 'update', ...(step.remove ? {} : { fields: { a: 'x' } }) })
          : op(ids[index + 1]!, { by, previous, fields: step.fields }),
      );
    });
    return { id: ids[0]!, operations, seed };
  });

describe('materializeDocument: order independence', () => {
  test('the same operations in any order, some twice, give the same document', () => {
    fc.assert(
      fc.property(documentArb, ({ id, operations, seed }) => {
        const random = mulberry32(seed);
        for (const options of [{}, ownerOnly]) {
          const comparable = (view: DocumentView | undefined) => view && { ...view, fields: fieldsOf(view) };
          const expected = comparable(materializeDocument(id, operations, options));
          for (let round = 0; round < 4; round++) {
            const input = shuffle([...operations, ...operations.filter(() => random() < 0.2)], random);
            assert.deepEqual(comparable(materializeDocument(id, input, options)), expected);
          }
        }
      }),
      { numRuns: 300, seed: 77 },
    );
  });

  test('each field holds the value of the last applied operation that sets it', () => {
    fc.assert(
      fc.property(documentArb, ({ id, operations }) => {
        const view = materializeDocument(id, operations, ownerOnly)!;
        const byId = new Map(operations.map((operation) => [operation.id, operation]));
        for (const name of ['a', 'b', 'c']) {
          const setter = [...view.applied].reverse().find((opId) => byId.get(opId)!.fields?.has(name));
          assert.equal(view.fields.get(name), byId.get(setter!)!.fields!.get(name));
        }
        assert.ok(
          view.applied.every((opId) => byId.get(opId)!.publicKey === OWNER),
          'only the owner applies',
        );
        assert.equal(
          view.deleted,
          view.applied.some((opId) => byId.get(opId)!.action === 'delete'),
        );
      }),
      { numRuns: 300, seed: 78 },
    );
  });
});
