/**
 * p2panda-js 0.8.1 as the oracle: Panda Kit's core must produce and accept the very same
 * bytes for operations, entries, hashes, keys and signatures.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as p2panda from 'p2panda-js';
import * as core from '../../core/index.js';
import { useWasmHashing } from '../../core/hash/hash.js';
import {
  FIELD_TYPES,
  I64_MAX,
  I64_MIN,
  U64_MAX,
  coreArgs,
  fieldSpecArbOf,
  fieldsArbOf,
  halfToNumber,
  hashArb,
  opArbOf,
  operationArgs,
  schemaFor,
  valueArbsWith,
} from './support.js';
import type { FieldSpec, OpSpec } from './support.js';

const SCHEMA_ID = 'venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
const PRIVATE_KEY = '1f9e81007da0c007314a151be11be392de4cdc76888fbc5a8c62aa03c6730c6a';

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

const strArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 30 }),
  // Latin-1 and other 2-byte UTF-8 characters (U+0080..U+07FF), rare in 'binary'.
  fc.string({ unit: fc.integer({ min: 0, max: 0x7ff }).map((code) => String.fromCharCode(code)), maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'grapheme-ascii', minLength: 20, maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300, size: 'max' }),
  fc.constantFrom(
    '',
    'Panda Party!',
    'a\u0000b',
    '😀🐼',
    'héllo',
    '\u0080',
    '\u00ff',
    '\u007f\u0080',
    'x'.repeat(23),
    'x'.repeat(24),
    'y'.repeat(255),
    'y'.repeat(256),
  ),
);

const intArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: I64_MIN, max: I64_MAX }),
  fc.integer().map(BigInt),
  fc.constantFrom(
    0n,
    1n,
    -1n,
    23n,
    24n,
    -24n,
    -25n,
    255n,
    256n,
    -256n,
    -257n,
    65535n,
    65536n,
    2n ** 32n - 1n,
    2n ** 32n,
    -(2n ** 32n),
    -(2n ** 32n) - 1n,
    2n ** 53n,
    -(2n ** 53n),
    I64_MAX,
    I64_MIN,
    I64_MAX - 1n,
    I64_MIN + 1n,
  ),
);

const floatArb: fc.Arbitrary<number> = fc.oneof(
  fc.double(), // mostly f64
  fc.float(), // exactly representable in f32
  fc.integer({ min: 0, max: 0xffff }).map(halfToNumber), // exactly representable in f16
  fc.integer({ min: -(2 ** 20), max: 2 ** 20 }).map((n) => n), // whole-number floats
  fc.constantFrom(
    -0,
    0,
    4,
    4.5,
    -4.5,
    0.1,
    1,
    -1,
    0.5,
    65504,
    65505,
    65520,
    100000,
    1e-8,
    5.960464477539063e-8,
    2 ** -24,
    2 ** -25,
    2 ** -14,
    3.4028234663852886e38,
    1e39,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.MAX_SAFE_INTEGER,
    2 ** 64,
    Infinity,
    -Infinity,
    NaN,
  ),
);

const bytesArb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 80 }),
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ minLength: 34, maxLength: 34 }),
  hashArb.map((hash) => core.hexToBytes(hash)), // 34 bytes that look exactly like a relation
  fc.uint8Array({ minLength: 250, maxLength: 300 }),
);

const valueArbs = valueArbsWith({ str: strArb, int: intArb, float: floatArb, bytes: bytesArb });
const opArb = opArbOf(fc.constant(SCHEMA_ID), fieldsArbOf(fieldSpecArbOf(valueArbs)));

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/** Typed inserts only: in p2panda-js's easy form a whole-number float would become an int. */
function p2pandaArgs(op: OpSpec): p2panda.OperationArgs {
  return operationArgs(op, () => new p2panda.OperationFields());
}

/** Byte-lexical order of field names (ASCII, so plain string comparison). */
const byName = <T extends { name: string } | readonly [string, unknown]>(a: T, b: T) => {
  const x = 'name' in a ? a.name : a[0];
  const y = 'name' in b ? b.name : b[0];
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * One comparable shape for decoded values of both libraries: a top-level byte string
 * (bytes or relation) becomes { bytes: hex }; hashes inside lists become hex strings
 * (p2panda-js gives hex strings there, core gives Uint8Arrays).
 */
function normValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: core.bytesToHex(value) };
  if (Array.isArray(value)) return value.map(normInner);
  return value;
}
function normInner(value: unknown): unknown {
  if (value instanceof Uint8Array) return core.bytesToHex(value);
  if (Array.isArray(value)) return value.map(normInner);
  return value;
}
function expectedValue(spec: FieldSpec): unknown {
  if (spec.type === 'bytes') return { bytes: core.bytesToHex(spec.value as Uint8Array) };
  if (spec.type === 'relation') return { bytes: spec.value as string };
  return spec.value;
}

function expectedFields(op: OpSpec): Array<[string, unknown]> | undefined {
  if (!op.fields) return undefined;
  return [...op.fields].sort(byName).map((spec) => [spec.name, expectedValue(spec)]);
}

function normFields(fields: Map<string, unknown> | undefined, sort: boolean): Array<[string, unknown]> | undefined {
  if (fields === undefined) return undefined;
  const entries = [...fields].map(([name, value]): [string, unknown] => [name, normValue(value)]);
  return sort ? entries.sort(byName) : entries;
}

/** p2panda-js sets absent links to undefined; core leaves the keys out. */
function normEntry(entry: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

/** p2panda-js's verifySignature throws (rather than returning false) for some malformed signatures. */
function oracleVerify(publicKey: string, messageHex: string, signature: string): boolean {
  try {
    return p2panda.verifySignature(publicKey, messageHex, signature);
  } catch {
    return false;
  }
}

function flipBit(hex: string, bit: number): string {
  const bytes = core.hexToBytes(hex);
  bytes[bit >> 3]! ^= 1 << (bit & 7);
  return core.bytesToHex(bytes);
}

// ---------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------

describe('operations: core vs p2panda-js', () => {
  test('random operations of every field type and action encode to identical bytes and decode both ways', () => {
    const seenTypes = new Set<string>();
    const seenActions = new Set<string>();
    fc.assert(
      fc.property(opArb, (op) => {
        seenActions.add(op.action);
        for (const spec of op.fields ?? []) seenTypes.add(spec.type);

        const coreBytes = core.encodeOperation(coreArgs(op));
        const oracleHex = p2panda.encodeOperation(p2pandaArgs(op));
        assert.equal(core.bytesToHex(coreBytes), oracleHex);

        // core decodes p2panda-js output ...
        const decodedByCore = core.decodeOperation(oracleHex);
        assert.equal(decodedByCore.version, 1);
        assert.equal(decodedByCore.action, op.action);
        assert.equal(decodedByCore.schemaId, SCHEMA_ID);
        assert.deepEqual(decodedByCore.previous, op.previous);
        assert.deepEqual(normFields(decodedByCore.fields, false), expectedFields(op));
        // ... and gives the values their schema types back.
        if (op.fields) {
          const typed = core.validateOperation(decodedByCore, schemaFor(SCHEMA_ID, op.fields));
          for (const spec of op.fields) assert.deepEqual(typed.fields!.getTyped(spec.name), { type: spec.type, value: spec.value });
        }

        // p2panda-js decodes core output.
        const decodedByOracle = p2panda.decodeOperation(core.bytesToHex(coreBytes));
        assert.equal(decodedByOracle.version, 1);
        assert.equal(decodedByOracle.action, op.action);
        assert.equal(decodedByOracle.schemaId, SCHEMA_ID);
        assert.deepEqual(decodedByOracle.previous, op.previous);
        assert.deepEqual(normFields(decodedByOracle.fields, true), expectedFields(op));
      }),
      { numRuns: 600 },
    );
    assert.deepEqual([...seenTypes].sort(), [...FIELD_TYPES].sort());
    assert.deepEqual([...seenActions].sort(), ['create', 'delete', 'update']);
  });

  test('mutated operations that core accepts as canonical and valid decode the same in p2panda-js', () => {
    const isHashBytes = (v: unknown) => v instanceof Uint8Array && v.length === 34 && v[0] === 0 && v[1] === 32;
    let compared = 0;
    fc.assert(
      fc.property(opArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 2 }), (op, edits) => {
        const bytes = core.encodeOperation(coreArgs(op));
        for (const [position, byte] of edits) bytes[position % bytes.length] = byte;
        let plain: core.PlainOperation;
        try {
          plain = core.decodeOperation(bytes);
        } catch (error) {
          assert.ok(core.isPandaError(error), String(error));
          return;
        }
        // Only compare what a schema could accept (hash lists made of hashes).
        const lists = [...(plain.fields?.values() ?? [])].filter((v): v is Uint8Array[] | Uint8Array[][] => Array.isArray(v));
        if (!lists.every((list) => (list as unknown[]).every((item) => isHashBytes(item) || (Array.isArray(item) && item.every(isHashBytes))))) return;
        compared++;
        const oracle = p2panda.decodeOperation(core.bytesToHex(bytes));
        assert.equal(oracle.action, plain.action);
        assert.equal(oracle.schemaId, plain.schemaId);
        assert.deepEqual(oracle.previous, plain.previous);
        assert.deepEqual(normFields(oracle.fields, true), normFields(plain.fields, false));
      }),
      { numRuns: 1000 },
    );
    assert.ok(compared > 20, `only ${compared} mutated operations were compared`);
  });

  test('float widths (f16, f32, f64), -0 and whole-number floats match the oracle byte for byte', () => {
    const cases: Array<[number, string]> = [
      [4, 'f94400'],
      [4.5, 'f94480'],
      [-0, 'f98000'],
      [0, 'f90000'],
      [65504, 'f97bff'],
      [5.960464477539063e-8, 'f90001'],
      [100000, 'fa47c35000'],
      [3.4028234663852886e38, 'fa7f7fffff'],
      [0.1, 'fb3fb999999999999a'],
      [1e300, 'fb7e37e43c8800759c'],
      [Infinity, 'f97c00'],
      [NaN, 'f97e00'],
    ];
    for (const [value, expectedTail] of cases) {
      const coreFields = new core.OperationFields();
      coreFields.insert('value', 'float', value);
      const oracleFields = new p2panda.OperationFields();
      oracleFields.insert('value', 'float', value);
      const coreHex = core.bytesToHex(core.encodeOperation({ schemaId: SCHEMA_ID, fields: coreFields }));
      const oracleHex = p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: oracleFields });
      assert.equal(coreHex, oracleHex, `float ${value}`);
      assert.ok(coreHex.endsWith(`6576616c7565${expectedTail}`), `float ${value} encodes as ${expectedTail}: ${coreHex}`);
      const decoded = core.decodeOperation(oracleHex).fields!.get('value');
      assert.ok(Object.is(decoded, value), `float ${value} decodes to ${String(decoded)}`);
    }
  });

  test('a whole-number float stays a float (not an int) through both libraries', () => {
    const schema = new core.Schema({ id: SCHEMA_ID, description: '', fields: { price: 'float', seats: 'int' } });
    const oracleFields = new p2panda.OperationFields();
    oracleFields.insert('price', 'float', 4.0);
    oracleFields.insert('seats', 'int', 4n);
    const oracleHex = p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: oracleFields });
    const coreFields = new core.OperationFields();
    coreFields.insert('price', 'float', 4.0);
    coreFields.insert('seats', 'int', 4n);
    assert.equal(core.bytesToHex(core.encodeOperation({ schemaId: SCHEMA_ID, fields: coreFields })), oracleHex);
    const typed = core.validateOperation(core.decodeOperation(oracleHex), schema);
    assert.deepEqual(typed.fields!.getTyped('price'), { type: 'float', value: 4 });
    assert.deepEqual(typed.fields!.getTyped('seats'), { type: 'int', value: 4n });
    // The easy forms agree too: a whole number is an int in both.
    assert.equal(
      core.bytesToHex(core.encodeOperation({ schemaId: SCHEMA_ID, fields: { seats: 4, price: 4.5 } })),
      p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: { seats: 4, price: 4.5 } }),
    );
  });

  test('field names sort byte-lexically (B, a, aa, ab, b) like the oracle', () => {
    const names = ['b', 'ab', 'aa', 'a', 'B'];
    const coreFields = new core.OperationFields();
    const oracleFields = new p2panda.OperationFields();
    for (const name of names) {
      coreFields.insert(name, 'bool', true);
      oracleFields.insert(name, 'bool', true);
    }
    const coreBytes = core.encodeOperation({ schemaId: SCHEMA_ID, fields: coreFields });
    assert.equal(core.bytesToHex(coreBytes), p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: oracleFields }));
    assert.deepEqual([...core.decodeOperation(coreBytes).fields!.keys()], ['B', 'a', 'aa', 'ab', 'b']);
  });
});

// ---------------------------------------------------------------------------------------
// Entries and logs
// ---------------------------------------------------------------------------------------

interface BuiltLog {
  logId: bigint;
  coreEntries: Uint8Array[];
  coreOperations: Uint8Array[];
  oracleEntries: string[];
  oracleOperations: string[];
}

/** One document per log: a CREATE, then UPDATEs that each follow the previous entry. */
async function buildLog(logId: bigint, length: number, coreKeyPair: core.KeyPair, oracleKeyPair: p2panda.KeyPair): Promise<BuiltLog> {
  const log: BuiltLog = { logId, coreEntries: [], coreOperations: [], oracleEntries: [], oracleOperations: [] };
  for (let seq = 1; seq <= length; seq++) {
    const seqNum = BigInt(seq);
    // Core side: links from core's own hashes.
    const coreOp =
      seq === 1
        ? core.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: `venue ${logId}`, capacity: BigInt(seq) } })
        : core.encodeOperation({
            schemaId: SCHEMA_ID,
            action: 'update',
            previous: [core.generateHash(log.coreEntries[seq - 2]!)],
            fields: seq % 2 ? { name: `venue ${logId} v${seq}` } : { capacity: BigInt(seq * 10) },
          });
    const coreLinks: { backlink?: string; skiplink?: string } = {};
    if (seq > 1) coreLinks.backlink = core.generateHash(log.coreEntries[seq - 2]!);
    if (core.isSkiplinkRequired(seqNum)) coreLinks.skiplink = core.generateHash(log.coreEntries[Number(core.lipmaa(seqNum)) - 1]!);
    const coreEntry = await core.signAndEncodeEntry({ logId, seqNum, ...coreLinks, operation: coreOp }, coreKeyPair);

    // Oracle side: only p2panda-js functions.
    const oracleOp =
      seq === 1
        ? p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: `venue ${logId}`, capacity: BigInt(seq) } })
        : p2panda.encodeOperation({
            schemaId: SCHEMA_ID,
            action: 'update',
            previous: [p2panda.generateHash(log.oracleEntries[seq - 2]!)],
            fields: seq % 2 ? { name: `venue ${logId} v${seq}` } : { capacity: BigInt(seq * 10) },
          });
    const oracleLinks: { backlink?: string; skiplink?: string } = {};
    if (seq > 1) oracleLinks.backlink = p2panda.generateHash(log.oracleEntries[seq - 2]!);
    if (core.isSkiplinkRequired(seqNum)) oracleLinks.skiplink = p2panda.generateHash(log.oracleEntries[Number(core.lipmaa(seqNum)) - 1]!);
    const oracleEntry = p2panda.signAndEncodeEntry({ logId, seqNum, ...oracleLinks, operation: oracleOp }, oracleKeyPair);

    log.coreEntries.push(coreEntry);
    log.coreOperations.push(coreOp);
    log.oracleEntries.push(oracleEntry);
    log.oracleOperations.push(oracleOp);
  }
  return log;
}

const LOG_LENGTH = 45;
const LOG_IDS = [0n, 1n, 247n, 248n, 2n ** 40n];

describe('entries and logs: core vs p2panda-js', () => {
  const coreKeyPair = new core.KeyPair(PRIVATE_KEY);
  const oracleKeyPair = new p2panda.KeyPair(PRIVATE_KEY);
  const logs = new Map<bigint, Promise<BuiltLog>>();
  const logFor = (logId: bigint) => {
    let log = logs.get(logId);
    if (!log) logs.set(logId, (log = buildLog(logId, logId === 0n || logId === 2n ** 40n ? LOG_LENGTH : 14, coreKeyPair, oracleKeyPair)));
    return log;
  };

  test('the same private key gives the same public key', () => {
    assert.equal(coreKeyPair.publicKey(), oracleKeyPair.publicKey());
    assert.equal(coreKeyPair.privateKey(), oracleKeyPair.privateKey());
  });

  test(`logs of ${LOG_LENGTH} entries (and shorter ones at other log ids) are byte-identical`, async () => {
    for (const logId of LOG_IDS) {
      const log = await logFor(logId);
      for (let i = 0; i < log.coreEntries.length; i++) {
        assert.equal(core.bytesToHex(log.coreOperations[i]!), log.oracleOperations[i], `operation ${i + 1} of log ${logId}`);
        assert.equal(core.bytesToHex(log.coreEntries[i]!), log.oracleEntries[i], `entry ${i + 1} of log ${logId}`);
      }
      assert.equal(log.coreEntries.length, logId === 0n || logId === 2n ** 40n ? LOG_LENGTH : 14);
    }
  });

  test('skiplinks appear exactly where the oracle wants them: 4, 8, 12, 13, 17, 40, ... never at 2, 3, 5, 16', async () => {
    const log = await logFor(0n);
    const withSkiplink: number[] = [];
    for (let seq = 1; seq <= LOG_LENGTH; seq++) {
      const decoded = await core.decodeEntry(log.coreEntries[seq - 1]!);
      const oracle = p2panda.decodeEntry(log.oracleEntries[seq - 1]!);
      assert.equal(decoded.skiplink, oracle.skiplink, `seq ${seq}`);
      if (decoded.skiplink !== undefined) {
        withSkiplink.push(seq);
        assert.equal(decoded.skiplink, core.generateHash(log.coreEntries[Number(core.lipmaa(BigInt(seq))) - 1]!));
        assert.notEqual(decoded.skiplink, decoded.backlink);
      }
      if (seq > 1) assert.equal(decoded.backlink, core.generateHash(log.coreEntries[seq - 2]!));
      else assert.equal(decoded.backlink, undefined);
    }
    // Bamboo: lipmaa(16) = 15 = its backlink, so 16 has no skiplink; 17 skips to 13.
    for (const seq of [4, 8, 12, 13, 17, 40]) assert.ok(withSkiplink.includes(seq), `seq ${seq} has a skiplink`);
    for (const seq of [1, 2, 3, 5, 6, 7, 9, 10, 11, 14, 15, 16]) assert.ok(!withSkiplink.includes(seq), `seq ${seq} has no skiplink`);
    assert.deepEqual(withSkiplink, [4, 8, 12, 13, 17, 21, 25, 26, 30, 34, 38, 39, 40, 44]);
    // lipmaa(1..17) from the Bamboo spec.
    assert.deepEqual(
      Array.from({ length: 17 }, (_, i) => core.lipmaa(BigInt(i + 1))),
      [0n, 1n, 2n, 1n, 4n, 5n, 6n, 4n, 8n, 9n, 10n, 8n, 4n, 13n, 14n, 15n, 13n],
    );
  });

  test('isSkiplinkRequired agrees with p2panda-js, which refuses to sign without a required skiplink', () => {
    const operation = p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: 'lipmaa' } });
    const backlink = core.generateHash(new Uint8Array([7]));
    const oracleRequiresSkiplink = (seqNum: bigint) => {
      try {
        p2panda.signAndEncodeEntry({ seqNum, backlink, operation }, oracleKeyPair);
        return false;
      } catch {
        return true;
      }
    };
    const seqNums = [
      ...Array.from({ length: 400 }, (_, i) => BigInt(i + 2)),
      ...fc.sample(fc.bigInt({ min: 2n, max: U64_MAX }), { numRuns: 100, seed: 42 }),
      120n,
      121n,
      122n,
      364n,
      365n,
      366n,
      1093n,
      1094n,
      3280n,
      3281n,
      U64_MAX - 1n,
      U64_MAX,
    ];
    for (const seqNum of seqNums) {
      assert.equal(core.isSkiplinkRequired(seqNum), oracleRequiresSkiplink(seqNum), `seq ${seqNum}`);
    }
  });

  test('core decodes p2panda-js entries to what p2panda-js decodes, and p2panda-js decodes core entries', async () => {
    for (const logId of LOG_IDS) {
      const log = await logFor(logId);
      for (let i = 0; i < log.coreEntries.length; i++) {
        const oracleDecoded = normEntry(p2panda.decodeEntry(log.oracleEntries[i]!));
        assert.deepEqual(await core.decodeEntry(log.oracleEntries[i]!), oracleDecoded);
        assert.deepEqual(await core.decodeEntry(core.hexToBytes(log.oracleEntries[i]!)), oracleDecoded);
        assert.deepEqual(normEntry(p2panda.decodeEntry(core.bytesToHex(log.coreEntries[i]!))), oracleDecoded);
        assert.equal(oracleDecoded['logId'], logId);
        assert.equal(oracleDecoded['seqNum'], BigInt(i + 1));
        assert.equal(oracleDecoded['publicKey'], coreKeyPair.publicKey());
        assert.equal(oracleDecoded['payloadSize'], BigInt(log.coreOperations[i]!.length));
        assert.equal(oracleDecoded['payloadHash'], core.generateHash(log.coreOperations[i]!));
      }
    }
  });

  test('single entries at VarU64 width boundaries of log id and seq num are byte-identical', async () => {
    const boundaries = [1n, 247n, 248n, 255n, 256n, 65535n, 65536n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 40n, 2n ** 56n, U64_MAX];
    const operation = p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: 'edge' } });
    const backlink = core.generateHash(new Uint8Array([1]));
    const skiplink = core.generateHash(new Uint8Array([2]));
    for (const logId of [0n, ...boundaries]) {
      for (const seqNum of boundaries) {
        const links: { backlink?: string; skiplink?: string } = {};
        if (seqNum > 1n) links.backlink = backlink;
        if (core.isSkiplinkRequired(seqNum)) links.skiplink = skiplink;
        const coreEntry = await core.signAndEncodeEntry({ logId, seqNum, ...links, operation }, coreKeyPair);
        const oracleEntry = p2panda.signAndEncodeEntry({ logId, seqNum, ...links, operation }, oracleKeyPair);
        assert.equal(core.bytesToHex(coreEntry), oracleEntry, `log ${logId} seq ${seqNum}`);
        const expected = normEntry(p2panda.decodeEntry(oracleEntry));
        assert.deepEqual(await core.decodeEntry(oracleEntry), expected);
        assert.deepEqual(normEntry(p2panda.decodeEntry(core.bytesToHex(coreEntry))), expected);
        assert.equal(expected['logId'], logId);
        assert.equal(expected['seqNum'], seqNum);
        assert.equal(expected['skiplink'], links.skiplink);
      }
    }
    // The VarU64 forms the wire format page spells out, as they appear after the public key.
    const varu64 = async (logId: bigint) =>
      core.bytesToHex((await core.signAndEncodeEntry({ logId, operation }, coreKeyPair)).subarray(33, 33 + core.encodeVarU64(logId).length));
    assert.equal(await varu64(247n), 'f7');
    assert.equal(await varu64(248n), 'f8f8');
    assert.equal(await varu64(256n), 'f90100');
    assert.equal(await varu64(65536n), 'fa010000');
    assert.equal(await varu64(U64_MAX), 'ffffffffffffffffff');
  });

  test('random log ids and seq nums: identical bytes (and so the same lipmaa links)', async () => {
    const operation = p2panda.encodeOperation({ schemaId: SCHEMA_ID, fields: { name: 'random' } });
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: U64_MAX }),
        fc.oneof(fc.bigInt({ min: 1n, max: 100000n }), fc.bigInt({ min: 1n, max: U64_MAX })),
        hashArb,
        hashArb,
        async (logId, seqNum, backlink, skiplink) => {
          fc.pre(backlink !== skiplink);
          const links: { backlink?: string; skiplink?: string } = {};
          if (seqNum > 1n) links.backlink = backlink;
          if (core.isSkiplinkRequired(seqNum)) links.skiplink = skiplink;
          const coreEntry = await core.signAndEncodeEntry({ logId, seqNum, ...links, operation }, coreKeyPair);
          const oracleEntry = p2panda.signAndEncodeEntry({ logId, seqNum, ...links, operation }, oracleKeyPair);
          assert.equal(core.bytesToHex(coreEntry), oracleEntry);
          assert.deepEqual(normEntry(p2panda.decodeEntry(core.bytesToHex(coreEntry))), await core.decodeEntry(oracleEntry));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a p2panda-js log publishes into core in order; out of order it is LOG_SEQ_GAP', async () => {
    const registry = new core.SchemaRegistry([new core.Schema({ id: SCHEMA_ID, description: 'Festival venues', fields: { name: 'str', capacity: 'int' } })]);
    const store = new core.MemoryStore();
    const publicKey = oracleKeyPair.publicKey();
    for (const logId of [0n, 2n ** 40n]) {
      const log = await logFor(logId);
      const documentId = p2panda.generateHash(log.oracleEntries[0]!);
      for (let i = 0; i < log.oracleEntries.length; i++) {
        const result = await core.publish(store, registry, log.oracleEntries[i]!, log.oracleOperations[i]!);
        assert.equal(result.hash, p2panda.generateHash(log.oracleEntries[i]!));
        assert.equal(result.documentId, documentId);
        assert.equal(result.duplicate, false);
        assert.equal(result.operation.action, i === 0 ? 'create' : 'update');
        assert.deepEqual(result.entry, normEntry(p2panda.decodeEntry(log.oracleEntries[i]!)));
      }
      const stored = await store.getLog(publicKey, Number(logId));
      assert.equal(stored?.latestSeqNum, LOG_LENGTH);
      assert.equal(stored?.documentId, documentId);
      assert.equal(stored?.latestHash, p2panda.generateHash(log.oracleEntries[LOG_LENGTH - 1]!));
      // Publishing an entry again is harmless.
      const again = await core.publish(store, registry, log.oracleEntries[12]!, log.oracleOperations[12]!);
      assert.equal(again.duplicate, true);
    }
    assert.equal((await store.getEntries(publicKey, 0, 1)).length, LOG_LENGTH);

    // Out of order, into a fresh store.
    const fresh = new core.MemoryStore();
    const log = await logFor(0n);
    const gap = (i: number) =>
      assert.rejects(core.publish(fresh, registry, log.oracleEntries[i]!, log.oracleOperations[i]!), (error: unknown) => {
        assert.ok(core.isPandaError(error), String(error));
        assert.equal(error.code, 'LOG_SEQ_GAP');
        return true;
      });
    await gap(1); // seq 2 into an empty log
    await gap(3);
    await core.publish(fresh, registry, log.oracleEntries[0]!, log.oracleOperations[0]!);
    await gap(2); // seq 3 after seq 1
    await gap(44);
    await core.publish(fresh, registry, log.oracleEntries[1]!, log.oracleOperations[1]!);
    await core.publish(fresh, registry, log.oracleEntries[2]!, log.oracleOperations[2]!);
    await gap(4); // seq 5 after seq 3
    assert.equal((await fresh.getLog(publicKey, 0))?.latestSeqNum, 3);
  });
});

// ---------------------------------------------------------------------------------------
// Hashes, keys and signatures
// ---------------------------------------------------------------------------------------

describe('hashes, keys and signatures: core vs p2panda-js', () => {
  test('generateHash equals p2panda-js generateHash for random byte strings (WebAssembly and JavaScript BLAKE3)', async () => {
    assert.equal(await core.hashingReady(), true, 'WebAssembly BLAKE3 is available in Node');
    const bytesArb = fc.oneof(fc.uint8Array({ minLength: 1 }), fc.uint8Array({ minLength: 1, maxLength: 3000, size: 'max' }));
    for (const wasm of [true, false]) {
      useWasmHashing(wasm);
      try {
        fc.assert(
          fc.property(bytesArb, (bytes) => {
            const hex = core.bytesToHex(bytes);
            const expected = p2panda.generateHash(hex);
            assert.equal(core.generateHash(bytes), expected);
            assert.equal(core.generateHash(hex), expected);
            assert.ok(core.isHash(expected));
          }),
          { numRuns: 300 },
        );
        assert.equal(core.generateHash('aabbcc'), '0020d5f1c831db4153ae65d0bd3edf6b88eb8f5c9985e35d5192e371f5b469eeb4c4');
      } finally {
        useWasmHashing(true);
      }
    }
  });

  test('KeyPair: the same private key gives the same public key in both libraries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (secret) => {
        const hex = core.bytesToHex(secret);
        const oracle = new p2panda.KeyPair(hex);
        assert.equal(new core.KeyPair(hex).publicKey(), oracle.publicKey());
        assert.equal(new core.KeyPair(secret).publicKey(), oracle.publicKey());
      }),
      { numRuns: 100 },
    );
  });

  test('signatures over the same bytes are identical and verifySignature agrees with p2panda-js (valid and bit-flipped)', async () => {
    // p2panda-js 0.8.1 KeyPair.sign(hex) and verifySignature(pk, hex, sig) check the hex string
    // is valid hex and then sign / verify the UTF-8 bytes of that *text* (the wasm side gets
    // the string). So the bytes the oracle signs for `hex` are utf8(hex).
    const utf8 = (text: string) => new TextEncoder().encode(text);
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 300, size: 'max' }),
        fc.nat({ max: 64 * 8 - 1 }),
        async (secret, message, bit) => {
          const keyHex = core.bytesToHex(secret);
          const coreKeyPair = new core.KeyPair(keyHex);
          const oracleKeyPair = new p2panda.KeyPair(keyHex);
          const publicKey = oracleKeyPair.publicKey();
          const messageHex = core.bytesToHex(message);
          const signedBytes = utf8(messageHex);
          const oracleSignature = oracleKeyPair.sign(messageHex);
          const coreSignature = core.bytesToHex(await coreKeyPair.sign(signedBytes));
          assert.equal(coreSignature, oracleSignature);
          assert.equal(p2panda.verifySignature(publicKey, messageHex, coreSignature), true);
          assert.equal(await core.verifySignature(publicKey, signedBytes, oracleSignature), true);
          assert.equal(await core.verifySignature(core.hexToBytes(publicKey), signedBytes, core.hexToBytes(oracleSignature)), true);
          // Core signatures over raw bytes verify over those bytes, not over their hex text.
          const rawSignature = await coreKeyPair.sign(message);
          assert.equal(await core.verifySignature(publicKey, message, rawSignature), true);
          assert.equal(await core.verifySignature(publicKey, messageHex, rawSignature), false);
          // A flipped signature bit: both reject.
          const flipped = flipBit(oracleSignature, bit);
          assert.equal(oracleVerify(publicKey, messageHex, flipped), false);
          assert.equal(await core.verifySignature(publicKey, signedBytes, flipped), false);
          // A flipped message bit: both reject.
          const other = flipBit(messageHex, bit % (message.length * 8));
          assert.equal(oracleVerify(publicKey, other, oracleSignature), false);
          assert.equal(await core.verifySignature(publicKey, utf8(other), oracleSignature), false);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('KeyPair.sign and verifySignature give the same answers as p2panda-js for the same hex-string arguments', async () => {
    // Same call, same arguments, in both libraries. Core hex-decodes a string message;
    // p2panda-js 0.8.1 signs/verifies the UTF-8 text of the hex string (see above).
    const coreKeyPair = new core.KeyPair(PRIVATE_KEY);
    const oracleKeyPair = new p2panda.KeyPair(PRIVATE_KEY);
    const message = 'aabbcc';
    const oracleSignature = oracleKeyPair.sign(message);
    const coreSignature = core.bytesToHex(await coreKeyPair.sign(message));
    const oracle = {
      sign: oracleSignature,
      verifiesItsOwn: p2panda.verifySignature(oracleKeyPair.publicKey(), message, oracleSignature),
      verifiesTheOther: oracleVerify(oracleKeyPair.publicKey(), message, coreSignature),
    };
    const ours = {
      sign: coreSignature,
      verifiesItsOwn: await core.verifySignature(coreKeyPair.publicKey(), message, coreSignature),
      verifiesTheOther: await core.verifySignature(coreKeyPair.publicKey(), message, oracleSignature),
    };
    assert.equal(oracle.verifiesItsOwn, true);
    assert.deepEqual(ours, oracle);
  });
});
