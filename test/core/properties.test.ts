/**
 * Property tests for Panda Kit's core: round trips, canonical encodings, and strict
 * rejection (with a PandaError and a fitting code) of everything mutated or random.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as core from '../../core/index.js';
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
  schemaFor,
  valueArbsWith,
  viewIdArb,
} from './support.js';
import type { FieldSpec, OpSpec } from './support.js';

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

const schemaIdArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant('venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c'),
  fc.record({ name: fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,62}[A-Za-z0-9]$/), viewId: viewIdArb }).map(({ name, viewId }) => `${name}_${viewId.join('_')}`),
);

const valueArbs = valueArbsWith({
  str: fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    // Latin-1 and other 2-byte UTF-8 characters (U+0080..U+07FF), rare in 'binary'.
    fc.string({ unit: fc.integer({ min: 0, max: 0x7ff }).map((code) => String.fromCharCode(code)), maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 300, size: 'max' }),
    fc.constantFrom('', 'a\u0000b', '😀🐼', 'héllo', '\u0080', '\u00ff', '\u007f\u0080', 'x'.repeat(23), 'x'.repeat(24), 'y'.repeat(255), 'y'.repeat(256)),
  ),
  int: fc.oneof(
    fc.bigInt({ min: I64_MIN, max: I64_MAX }),
    fc.integer().map(BigInt),
    fc.constantFrom(0n, -1n, 23n, 24n, -24n, -25n, 255n, 256n, 65535n, 65536n, 2n ** 32n, -(2n ** 32n) - 1n, I64_MAX, I64_MIN),
  ),
  float: fc.oneof(
    fc.double(),
    fc.float(),
    fc.integer({ min: 0, max: 0xffff }).map(halfToNumber),
    fc.integer({ min: -(2 ** 20), max: 2 ** 20 }),
    fc.constantFrom(-0, 0, 4, 4.5, 0.1, 65504, 65520, 100000, 2 ** -24, 2 ** -25, Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN),
  ),
  bytes: fc.oneof(
    fc.uint8Array({ maxLength: 80 }),
    fc.uint8Array({ maxLength: 300, size: 'max' }),
    fc.uint8Array({ minLength: 34, maxLength: 34 }),
    hashArb.map((hash) => core.hexToBytes(hash)),
  ),
});

const fieldSpecArb = fieldSpecArbOf(valueArbs);
const opArb = opArbOf(schemaIdArb, fieldsArbOf(fieldSpecArb));

const u64Arb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: 300n }),
  fc.bigInt({ min: 0n, max: U64_MAX }),
  fc.constantFrom(0n, 247n, 248n, 255n, 256n, 65535n, 65536n, 2n ** 32n, 2n ** 40n, U64_MAX),
);
const seqNumArb: fc.Arbitrary<bigint> = u64Arb.filter((n) => n > 0n);

// A few key pairs, made once (key derivation is the slow part, not what is under test).
const KEY_PAIRS = [
  new core.KeyPair('1f9e81007da0c007314a151be11be392de4cdc76888fbc5a8c62aa03c6730c6a'),
  new core.KeyPair('00'.repeat(32)),
  new core.KeyPair('ff'.repeat(32)),
];
const keyPairArb = fc.constantFrom(...KEY_PAIRS);

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

function reencode(operation: core.Operation): Uint8Array {
  const args: core.OperationArgs = { schemaId: operation.schemaId, action: operation.action };
  if (operation.previous) args.previous = operation.previous;
  if (operation.fields) args.fields = operation.fields;
  return core.encodeOperation(args);
}

type CodeFilter = (code: string) => boolean;
const ENTRY_CODES: CodeFilter = (code) => code.startsWith('ENTRY_') || code === 'HASH_INVALID' || code === 'OPERATION_TOO_LARGE';
const OPERATION_CODES: CodeFilter = (code) => /^(OPERATION|SCHEMA|HASH)_/.test(code);

/** Runs `fn`; it must throw a PandaError whose code passes `allowed` (never another exception, never return). */
function expectPandaError(fn: () => unknown, allowed: CodeFilter, context: string): core.PandaError {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    assert.ok(core.isPandaError(error), `${context}: expected a PandaError, got ${String(error)}`);
    assert.ok(allowed(error.code), `${context}: unexpected code ${error.code}`);
    return error;
  }
  assert.fail(`${context}: accepted (${String(result)})`);
}

async function expectEntryRejected(bytes: Uint8Array | string, context: string): Promise<string> {
  try {
    await core.decodeEntry(bytes);
  } catch (error) {
    assert.ok(core.isPandaError(error), `${context}: expected a PandaError, got ${String(error)}`);
    assert.ok(ENTRY_CODES(error.code), `${context}: unexpected code ${error.code}`);
    return error.code;
  }
  return assert.fail(`${context}: decodeEntry accepted a mutated entry`);
}

const isHashBytes = (value: unknown) => value instanceof Uint8Array && value.length === 34 && value[0] === 0 && value[1] === 32;
function isViewId(value: unknown): boolean {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isHashBytes)) return false;
  const hex = (value as Uint8Array[]).map((id) => core.bytesToHex(id));
  return hex.every((id, i) => i === 0 || hex[i - 1]! < id);
}

/** The field type a plain (schema-less) value would have, and whether any schema could accept it. */
function inferType(value: core.PlainValue): { type: core.FieldTypeName; representable: boolean } {
  if (typeof value === 'string') return { type: 'str', representable: true };
  if (typeof value === 'bigint') return { type: 'int', representable: true };
  if (typeof value === 'number') return { type: 'float', representable: true };
  if (typeof value === 'boolean') return { type: 'bool', representable: true };
  if (value instanceof Uint8Array) return { type: 'bytes', representable: true };
  if (value.every((item) => item instanceof Uint8Array)) return { type: 'relation_list', representable: value.every(isHashBytes) };
  return { type: 'pinned_relation_list', representable: value.every(isViewId) };
}

/**
 * The contract for any operation bytes: decodeOperation either throws a PandaError with an
 * OPERATION_/SCHEMA_/HASH_ code, or the bytes are canonical: with the types the values imply
 * they validate and re-encode to exactly these bytes (unless no schema can hold a value, in
 * which case validation must say so).
 */
function checkOperationBytes(bytes: Uint8Array, context: string): 'rejected' | 'accepted' {
  let plain: core.PlainOperation;
  try {
    plain = core.decodeOperation(bytes);
  } catch (error) {
    assert.ok(core.isPandaError(error), `${context}: expected a PandaError, got ${String(error)}`);
    assert.ok(OPERATION_CODES(error.code), `${context}: unexpected code ${error.code}`);
    return 'rejected';
  }
  const fields = [...(plain.fields ?? [])].map(([name, value]) => ({ name, ...inferType(value) }));
  const schema = schemaFor(plain.schemaId, plain.fields ? fields : undefined);
  if (fields.every((field) => field.representable)) {
    let typed: core.Operation;
    try {
      typed = core.validateOperation(plain, schema);
    } catch (error) {
      // Only the system schemas add rules of their own (names, field types).
      const system = plain.schemaId === core.SCHEMA_DEFINITION_V1 || plain.schemaId === core.SCHEMA_FIELD_DEFINITION_V1;
      if (!system || !core.isPandaError(error) || !OPERATION_CODES(error.code)) throw error;
      return 'rejected';
    }
    assert.equal(core.bytesToHex(reencode(typed)), core.bytesToHex(bytes), `${context}: accepted but not canonical`);
    return 'accepted';
  }
  const error = expectPandaError(() => core.validateOperation(plain, schema), OPERATION_CODES, context);
  assert.equal(error.code, 'OPERATION_FIELD_VALUE_INVALID', context);
  return 'rejected';
}

/** Byte regions of an encoded entry, to know which error each mutation must give. */
type Region = 'tag' | 'publicKey' | 'varu64' | 'hashHeader' | 'hashDigest' | 'signature';
function entryRegions(entry: core.Entry): Region[] {
  const regions: Region[] = ['tag', ...Array<Region>(32).fill('publicKey')];
  const varu64 = (n: bigint) => regions.push(...Array<Region>(core.encodeVarU64(n).length).fill('varu64'));
  const hash = () => regions.push('hashHeader', 'hashHeader', ...Array<Region>(32).fill('hashDigest'));
  varu64(entry.logId);
  varu64(entry.seqNum);
  if (entry.skiplink !== undefined) hash();
  if (entry.backlink !== undefined) hash();
  varu64(entry.payloadSize);
  hash();
  regions.push(...Array<Region>(64).fill('signature'));
  return regions;
}

/** What a mutation inside `region` must be rejected with (undefined: any entry code). */
const EXPECTED_CODE: Record<Region, string | undefined> = {
  tag: 'ENTRY_TAG_UNSUPPORTED',
  publicKey: 'ENTRY_SIGNATURE_INVALID',
  varu64: undefined,
  hashHeader: 'HASH_INVALID',
  hashDigest: 'ENTRY_SIGNATURE_INVALID',
  signature: 'ENTRY_SIGNATURE_INVALID',
};

interface Fixture {
  name: string;
  bytes: Uint8Array;
  entry: core.Entry;
  operation: Uint8Array;
}

async function makeEntry(args: { logId: bigint; seqNum: bigint; operation: Uint8Array }, keyPair: core.KeyPair, link = 1): Promise<Uint8Array> {
  const links: { backlink?: string; skiplink?: string } = {};
  if (args.seqNum > 1n) links.backlink = core.generateHash(Uint8Array.of(link, 1));
  if (core.isSkiplinkRequired(args.seqNum)) links.skiplink = core.generateHash(Uint8Array.of(link, 2));
  return core.signAndEncodeEntry({ ...args, ...links }, keyPair);
}

const FIXTURE_OPERATION = core.encodeOperation({
  schemaId: 'venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c',
  fields: { name: 'Panda Party', capacity: 300n },
});

async function fixtures(): Promise<Fixture[]> {
  const specs: Array<[string, bigint, bigint, Uint8Array]> = [
    ['seq 1, log 0', 0n, 1n, FIXTURE_OPERATION],
    ['seq 2, log 7', 7n, 2n, FIXTURE_OPERATION],
    ['seq 4 (skiplink), log 2^40', 2n ** 40n, 4n, FIXTURE_OPERATION],
    ['seq 13 (skiplink), log 300, 300-byte payload', 300n, 13n, new Uint8Array(300).fill(7)],
    ['seq 2^64-1, log 2^64-1', U64_MAX, U64_MAX, new Uint8Array(70000).fill(1)],
  ];
  const result: Fixture[] = [];
  for (const [name, logId, seqNum, operation] of specs) {
    const bytes = await makeEntry({ logId, seqNum, operation }, KEY_PAIRS[0]!);
    result.push({ name, bytes, entry: await core.decodeEntry(bytes), operation });
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------------------

describe('round trips', () => {
  test('encodeOperation -> decodeOperation -> validateOperation gives the typed values back; re-encoding is byte-identical', () => {
    fc.assert(
      fc.property(opArb, (op) => {
        const bytes = core.encodeOperation(coreArgs(op));
        const plain = core.decodeOperation(bytes);
        assert.deepEqual(core.decodeOperation(core.bytesToHex(bytes)), plain);
        assert.equal(plain.version, 1);
        assert.equal(plain.action, op.action);
        assert.equal(plain.schemaId, op.schemaId);
        assert.deepEqual(plain.previous, op.previous);

        const typed = core.validateOperation(plain, schemaFor(op.schemaId, op.fields));
        assert.equal(typed.action, op.action);
        assert.equal(typed.schemaId, op.schemaId);
        assert.deepEqual(typed.previous, op.previous);
        if (op.fields) {
          assert.deepEqual(typed.fields!.names(), op.fields.map((spec) => spec.name).sort());
          for (const spec of op.fields) {
            assert.deepEqual(typed.fields!.getTyped(spec.name), { type: spec.type, value: spec.value }, spec.name);
          }
        } else {
          assert.equal(typed.fields, undefined);
        }
        assert.deepEqual(reencode(typed), bytes);
      }),
      { numRuns: 500 },
    );
  });

  test('a create operation must set every schema field; an update may set some', () => {
    fc.assert(
      fc.property(
        opArb.filter((op) => op.action !== 'delete'),
        (op) => {
          const fields = op.fields!;
          const extra = { name: fields.some((f) => f.name === 'zzzExtra') ? 'zzzExtra2' : 'zzzExtra', type: 'bool' as const };
          const schema = schemaFor(op.schemaId, [...fields, extra]);
          const plain = core.decodeOperation(core.encodeOperation(coreArgs(op)));
          if (op.action === 'create') {
            const error = expectPandaError(() => core.validateOperation(plain, schema), OPERATION_CODES, 'create');
            assert.equal(error.code, 'OPERATION_FIELDS_MISSING');
          } else {
            assert.equal(core.validateOperation(plain, schema).fields!.length(), fields.length);
          }
          // A field the schema does not know is rejected either way.
          const fewer = schemaFor(op.schemaId, fields.length > 1 ? fields.slice(1) : [extra]);
          assert.equal(expectPandaError(() => core.validateOperation(plain, fewer), OPERATION_CODES, 'unknown').code, 'OPERATION_FIELD_UNKNOWN');
        },
      ),
      { numRuns: 150 },
    );
  });

  test('signAndEncodeEntry -> decodeEntry gives the arguments back', async () => {
    await fc.assert(
      fc.asyncProperty(
        keyPairArb,
        u64Arb,
        seqNumArb,
        fc.tuple(hashArb, hashArb).filter(([a, b]) => a !== b),
        fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 600, size: 'max' })),
        async (keyPair, logId, seqNum, [backlink, skiplink], operation) => {
          const links: { backlink?: string; skiplink?: string } = {};
          if (seqNum > 1n) links.backlink = backlink;
          if (core.isSkiplinkRequired(seqNum)) links.skiplink = skiplink;
          const bytes = await core.signAndEncodeEntry({ logId, seqNum, ...links, operation }, keyPair);
          const decoded = await core.decodeEntry(bytes);
          assert.deepEqual(decoded, {
            publicKey: keyPair.publicKey(),
            logId,
            seqNum,
            ...links,
            payloadSize: BigInt(operation.length),
            payloadHash: core.generateHash(operation),
            signature: core.bytesToHex(bytes.subarray(bytes.length - 64)),
          });
          assert.deepEqual(await core.decodeEntry(core.bytesToHex(bytes)), decoded);
          assert.equal(bytes.length, entryRegions(decoded).length);
          assert.equal(await core.verifySignature(decoded.publicKey, bytes.subarray(0, bytes.length - 64), decoded.signature), true);
          core.validatePayload(decoded, operation);
          // Signatures are deterministic: the same arguments give the same bytes.
          assert.deepEqual(await core.signAndEncodeEntry({ logId, seqNum, ...links, operation }, keyPair), bytes);
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Mutated and random input
// ---------------------------------------------------------------------------------------

describe('mutated entries are rejected', { timeout: 30_000 }, () => {
  const built = fixtures();

  test('flipping any single bit of a valid entry is rejected with the code its position calls for', async () => {
    for (const fixture of await built) {
      const regions = entryRegions(fixture.entry);
      assert.equal(regions.length, fixture.bytes.length, fixture.name);
      for (let bit = 0; bit < fixture.bytes.length * 8; bit++) {
        const mutated = fixture.bytes.slice();
        mutated[bit >> 3]! ^= 1 << (bit & 7);
        const region = regions[bit >> 3]!;
        const code = await expectEntryRejected(mutated, `${fixture.name}, bit ${bit} (${region})`);
        const expected = EXPECTED_CODE[region];
        if (expected !== undefined) assert.equal(code, expected, `${fixture.name}, bit ${bit} (${region})`);
      }
    }
  });

  test('replacing any byte of a random valid entry is rejected with the code its position calls for', async () => {
    await fc.assert(
      fc.asyncProperty(
        keyPairArb,
        u64Arb,
        seqNumArb,
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (keyPair, logId, seqNum, operation, position, delta) => {
          const bytes = await makeEntry({ logId, seqNum, operation }, keyPair);
          const entry = await core.decodeEntry(bytes);
          const index = position % bytes.length;
          const mutated = bytes.slice();
          mutated[index] = (mutated[index]! + delta) & 0xff;
          const region = entryRegions(entry)[index]!;
          const code = await expectEntryRejected(mutated, `byte ${index} (${region})`);
          const expected = EXPECTED_CODE[region];
          if (expected !== undefined) assert.equal(code, expected, `byte ${index} (${region})`);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a valid entry truncated at every length is rejected with ENTRY_TRUNCATED', async () => {
    for (const fixture of await built) {
      for (let length = 0; length < fixture.bytes.length; length++) {
        const code = await expectEntryRejected(fixture.bytes.slice(0, length), `${fixture.name} cut to ${length}`);
        assert.equal(code, 'ENTRY_TRUNCATED', `${fixture.name} cut to ${length}`);
      }
      const hex = core.bytesToHex(fixture.bytes);
      assert.equal(await expectEntryRejected(hex.slice(0, hex.length - 2), fixture.name), 'ENTRY_TRUNCATED');
    }
  });

  test('bytes appended to a valid entry are rejected with ENTRY_TRAILING_BYTES (ENTRY_TOO_LARGE past the size limit)', async () => {
    const all = await built;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...all), fc.uint8Array({ minLength: 1, maxLength: 64 }), async (fixture, extra) => {
        const mutated = new Uint8Array(fixture.bytes.length + extra.length);
        mutated.set(fixture.bytes);
        mutated.set(extra, fixture.bytes.length);
        const code = await expectEntryRejected(mutated, `${fixture.name} + ${extra.length} bytes`);
        assert.equal(code, mutated.length > core.MAX_ENTRY_SIZE ? 'ENTRY_TOO_LARGE' : 'ENTRY_TRAILING_BYTES');
      }),
      { numRuns: 200 },
    );
    // One extra byte is always within the size limit.
    for (const fixture of all) {
      assert.equal(await expectEntryRejected(core.bytesToHex(fixture.bytes) + '00', fixture.name), 'ENTRY_TRAILING_BYTES');
    }
  });

  test('random byte arrays (and strings) given to decodeEntry only ever give PandaErrors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 300, size: 'max' }),
          fc.uint8Array({ maxLength: 300 }),
          // Past the tag check, into the VarU64s and hashes.
          fc.uint8Array({ minLength: 32, maxLength: 300, size: 'max' }).map((rest) => Uint8Array.of(0, ...rest)),
        ),
        async (bytes) => {
          await expectEntryRejected(bytes, 'random bytes');
        },
      ),
      { numRuns: 1000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        try {
          await core.decodeEntry(text);
          assert.fail('decodeEntry accepted a random string');
        } catch (error) {
          assert.ok(core.isPandaError(error), String(error));
          assert.ok(error.code === 'HEX_INVALID' || ENTRY_CODES(error.code), error.code);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('validly signed but malformed entries are rejected', () => {
  /** Signs arbitrary "entry" bytes: the signature is valid, so only structure can reject them. */
  async function signed(hex: string, keyPair = KEY_PAIRS[0]!): Promise<Uint8Array> {
    const unsigned = core.hexToBytes(hex);
    return Uint8Array.from([...unsigned, ...(await keyPair.sign(unsigned))]);
  }
  const publicKey = KEY_PAIRS[0]!.publicKey();
  const payloadHash = core.generateHash(FIXTURE_OPERATION);
  const size = core.bytesToHex(core.encodeVarU64(BigInt(FIXTURE_OPERATION.length)));
  const link1 = core.generateHash(Uint8Array.of(1));
  const link2 = core.generateHash(Uint8Array.of(2));

  test('the well-formed baseline decodes', async () => {
    const entry = await core.decodeEntry(await signed(`00${publicKey}0001${size}${payloadHash}`));
    assert.equal(entry.seqNum, 1n);
    const withLinks = await core.decodeEntry(await signed(`00${publicKey}0004${link2}${link1}${size}${payloadHash}`));
    assert.equal(withLinks.skiplink, link2);
    assert.equal(withLinks.backlink, link1);
  });

  test('each malformation gives its code', async () => {
    const cases: Array<[string, string, core.ErrorCode]> = [
      ['tag 0x01 (end of log)', `01${publicKey}0001${size}${payloadHash}`, 'ENTRY_TAG_UNSUPPORTED'],
      ['log id 0 as f800', `00${publicKey}f80001${size}${payloadHash}`, 'ENTRY_VARU64_INVALID'],
      ['log id 247 as f8f7', `00${publicKey}f8f701${size}${payloadHash}`, 'ENTRY_VARU64_INVALID'],
      ['log id 248 as f900f8', `00${publicKey}f900f801${size}${payloadHash}`, 'ENTRY_VARU64_INVALID'],
      ['log id 256 as fa00000100', `00${publicKey}fa0000010001${size}${payloadHash}`, 'ENTRY_VARU64_INVALID'],
      ['seq 1 as ff0000000000000001', `00${publicKey}00ff0000000000000001${size}${payloadHash}`, 'ENTRY_VARU64_INVALID'],
      ['seq 0', `00${publicKey}0000${size}${payloadHash}`, 'ENTRY_SEQ_NUM_INVALID'],
      ['skiplink equal to backlink', `00${publicKey}0004${link1}${link1}${size}${payloadHash}`, 'ENTRY_LINKS_INVALID'],
      ['payload size 2^18 + 1', `00${publicKey}0001${core.bytesToHex(core.encodeVarU64(2n ** 18n + 1n))}${payloadHash}`, 'OPERATION_TOO_LARGE'],
      ['payload hash with a SHA tag', `00${publicKey}0001${size}12${payloadHash.slice(2)}`, 'HASH_INVALID'],
      ['payload hash with a 0x40 length', `00${publicKey}0001${size}0040${payloadHash.slice(4)}`, 'HASH_INVALID'],
      ['backlink with a bad header', `00${publicKey}0002${'0021' + link1.slice(4)}${size}${payloadHash}`, 'HASH_INVALID'],
    ];
    for (const [name, hex, code] of cases) {
      const bytes = await signed(hex);
      assert.equal(await expectEntryRejected(bytes, name), code, name);
    }
  });

  test('an extra skiplink where none belongs, or a missing one where one does, is rejected', async () => {
    // seq 2 with a skiplink: the parser reads it as the backlink and then misreads the rest.
    await expectEntryRejected(await signed(`00${publicKey}0002${link2}${link1}${size}${payloadHash}`), 'seq 2 with skiplink');
    // seq 4 without its skiplink.
    await expectEntryRejected(await signed(`00${publicKey}0004${link1}${size}${payloadHash}`), 'seq 4 without skiplink');
    // seq 1 with a backlink.
    await expectEntryRejected(await signed(`00${publicKey}0001${link1}${size}${payloadHash}`), 'seq 1 with backlink');
  });
});

describe('operation structure', () => {
  /** CBOR bytes of one map entry (name then value), cut from a one-field operation. */
  function entryBytes(op: OpSpec, spec: FieldSpec): Uint8Array {
    const single = core.encodeOperation(coreArgs({ ...op, fields: [spec] }));
    const headerLength = headerOf(op).length;
    assert.equal(single[headerLength], 0xa1);
    return single.subarray(headerLength + 1);
  }
  /** The operation bytes before its fields map. */
  function headerOf(op: OpSpec): Uint8Array {
    // A one-field operation with a field whose encoding we know: "a": true -> 61 61 f5.
    const probe = core.encodeOperation(coreArgs({ ...op, fields: [{ name: 'a', type: 'bool', value: true }] }));
    return probe.subarray(0, probe.length - 4);
  }
  const multiFieldArb = opArb.filter((op) => op.action !== 'delete' && op.fields!.length >= 2);

  test('fields in any other than byte-lexical order give OPERATION_FIELDS_UNSORTED, repeated fields OPERATION_FIELD_DUPLICATE', () => {
    fc.assert(
      fc.property(multiFieldArb, fc.nat(), fc.nat(), (op, i, j) => {
        const header = headerOf(op);
        const sorted = [...op.fields!].sort((a, b) => (a.name < b.name ? -1 : 1));
        const entries = sorted.map((spec) => entryBytes(op, spec));
        const build = (parts: Uint8Array[]) => Uint8Array.from([...header, 0xa0 + parts.length, ...parts.flatMap((part) => [...part])]);
        // Sanity: rebuilding in sorted order gives the real encoding.
        assert.deepEqual(build(entries), core.encodeOperation(coreArgs(op)));
        // Swap two different fields.
        const a = i % entries.length;
        const b = (a + 1 + (j % (entries.length - 1))) % entries.length;
        const swapped = [...entries];
        [swapped[a], swapped[b]] = [swapped[b]!, swapped[a]!];
        const unsorted = expectPandaError(() => core.decodeOperation(build(swapped)), OPERATION_CODES, 'swapped');
        assert.equal(unsorted.code, 'OPERATION_FIELDS_UNSORTED');
        // Repeat one field right after itself.
        const repeated = [...entries.slice(0, a + 1), entries[a]!, ...entries.slice(a + 1)];
        const duplicate = expectPandaError(() => core.decodeOperation(build(repeated)), OPERATION_CODES, 'repeated');
        assert.equal(duplicate.code, 'OPERATION_FIELD_DUPLICATE');
      }),
      { numRuns: 100 },
    );
  });

  test('create and update operations with an empty fields map give OPERATION_FIELDS_MISSING', () => {
    fc.assert(
      fc.property(
        opArb.filter((op) => op.action !== 'delete'),
        (op) => {
          const empty = Uint8Array.from([...headerOf(op), 0xa0]);
          assert.equal(expectPandaError(() => core.decodeOperation(empty), OPERATION_CODES, 'empty map').code, 'OPERATION_FIELDS_MISSING');
          // A delete operation with a fields map has one element too many.
          const asDelete = core.encodeOperation(coreArgs({ schemaId: op.schemaId, action: 'delete', previous: op.previous ?? [core.generateHash('00')] }));
          assert.equal(asDelete[0], 0x84);
          const withMap = Uint8Array.from([0x85, ...asDelete.subarray(1), 0xa0]);
          assert.equal(expectPandaError(() => core.decodeOperation(withMap), OPERATION_CODES, 'delete with map').code, 'OPERATION_FORMAT_INVALID');
        },
      ),
      { numRuns: 50 },
    );
  });

  test('encodeOperation sorts previous: any order of the same ids gives the same bytes', () => {
    fc.assert(
      fc.property(
        opArb.filter((op) => op.previous !== undefined),
        fc.nat(),
        (op, seed) => {
          const shuffled = [...op.previous!];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (seed + i * 7) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          assert.deepEqual(core.encodeOperation(coreArgs({ ...op, previous: shuffled })), core.encodeOperation(coreArgs(op)));
          assert.deepEqual(core.decodeOperation(core.encodeOperation(coreArgs({ ...op, previous: shuffled }))).previous, op.previous);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('pinned relations must be sorted and unique; relation lists keep any order and repeats', () => {
    const schemaId = 'venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
    const uniqueIds = fc.uniqueArray(hashArb, { minLength: 2, maxLength: 4 }).map((ids) => [...ids].sort());
    fc.assert(
      fc.property(uniqueIds, (ids) => {
        const reversed = [...ids].reverse();
        const repeated = [ids[0]!, ...ids];
        // relation_list: order and repeats are data.
        for (const list of [reversed, repeated]) {
          const bytes = core.encodeOperation({
            schemaId,
            fields: (() => {
              const f = new core.OperationFields();
              f.insert('list', 'relation_list', list);
              return f;
            })(),
          });
          const typed = core.validateOperation(core.decodeOperation(bytes), schemaFor(schemaId, [{ name: 'list', type: 'relation_list' }]));
          assert.deepEqual(typed.fields!.get('list'), list);
        }
        // The same bytes as a pinned relation (or inside a pinned relation list) are rejected.
        for (const list of [reversed, repeated]) {
          const asList = new core.OperationFields();
          asList.insert('pin', 'relation_list', list);
          const plain = core.decodeOperation(core.encodeOperation({ schemaId, fields: asList }));
          const pinned = schemaFor(schemaId, [{ name: 'pin', type: 'pinned_relation' }]);
          assert.equal(expectPandaError(() => core.validateOperation(plain, pinned), OPERATION_CODES, 'pinned').code, 'OPERATION_FIELD_VALUE_INVALID');
          assert.equal(
            expectPandaError(() => new core.OperationFields().insert('pin', 'pinned_relation', list), OPERATION_CODES, 'insert').code,
            'OPERATION_FIELD_VALUE_INVALID',
          );
          const nested = new core.OperationFields();
          nested.insert('pins', 'pinned_relation_list', [[ids[0]!]]);
          const nestedBytes = core.encodeOperation({ schemaId, fields: nested });
          // Replace the inner view id [ids[0]] by the unsorted list, via the plain decoded form.
          const nestedPlain = core.decodeOperation(nestedBytes);
          nestedPlain.fields!.set('pins', [list.map((id) => core.hexToBytes(id))]);
          const pinnedList = schemaFor(schemaId, [{ name: 'pins', type: 'pinned_relation_list' }]);
          assert.equal(
            expectPandaError(() => core.validateOperation(nestedPlain, pinnedList), OPERATION_CODES, 'pinned list').code,
            'OPERATION_FIELD_VALUE_INVALID',
          );
        }
        // Sorted and unique: accepted as a pinned relation.
        const sortedFields = new core.OperationFields();
        sortedFields.insert('pin', 'relation_list', ids);
        const ok = core.validateOperation(
          core.decodeOperation(core.encodeOperation({ schemaId, fields: sortedFields })),
          schemaFor(schemaId, [{ name: 'pin', type: 'pinned_relation' }]),
        );
        assert.deepEqual(ok.fields!.getTyped('pin'), { type: 'pinned_relation', value: ids });
      }),
      { numRuns: 50 },
    );
  });

  test('a value validated against another field type is accepted exactly when its encoding is valid for that type', () => {
    const isHashHex = (id: string) => core.isHash(id);
    const sortedUnique = (ids: readonly string[]) => ids.every((id, i) => i === 0 || ids[i - 1]! < id);
    /** Whether the CBOR a value of spec.type writes is also a valid value of `type`. */
    function validAs(spec: FieldSpec, type: core.FieldTypeName): boolean {
      if (spec.type === type) return true;
      const v = spec.value;
      switch (type) {
        case 'bytes':
          return spec.type === 'relation';
        case 'relation':
          return spec.type === 'bytes' && isHashHex(core.bytesToHex(v as Uint8Array));
        case 'relation_list':
          return spec.type === 'pinned_relation' || (spec.type === 'pinned_relation_list' && (v as string[][]).length === 0);
        case 'pinned_relation':
          return spec.type === 'relation_list' && (v as string[]).length > 0 && sortedUnique(v as string[]);
        case 'pinned_relation_list':
          return spec.type === 'relation_list' && (v as string[]).length === 0;
        default:
          return false; // str, int, float, bool: only their own CBOR major type (int 4 is never float 4.0)
      }
    }
    const schemaId = 'venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c';
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fieldSpecArb, fc.constantFrom(...FIELD_TYPES), (spec, type) => {
        const bytes = core.encodeOperation(coreArgs({ schemaId, action: 'create', fields: [spec] }));
        const plain = core.decodeOperation(bytes);
        const schema = schemaFor(schemaId, [{ name: spec.name, type }]);
        if (validAs(spec, type)) {
          const typed = core.validateOperation(plain, schema);
          assert.equal(typed.fields!.getTyped(spec.name)!.type, type);
          assert.deepEqual(reencode(typed), bytes);
          accepted++;
        } else {
          const error = expectPandaError(() => core.validateOperation(plain, schema), OPERATION_CODES, `${spec.type} as ${type}`);
          assert.equal(error.code, 'OPERATION_FIELD_VALUE_INVALID', `${spec.type} as ${type}`);
          rejected++;
        }
      }),
      { numRuns: 1000 },
    );
    assert.ok(accepted > 50 && rejected > 50, `accepted ${accepted}, rejected ${rejected}`);
    // The classic confusions, explicitly: whole-number floats and ints never stand in for each other.
    const float4 = new core.OperationFields();
    float4.insert('n', 'float', 4);
    const int4 = new core.OperationFields();
    int4.insert('n', 'int', 4n);
    const asFloat = core.decodeOperation(core.encodeOperation({ schemaId, fields: float4 }));
    const asInt = core.decodeOperation(core.encodeOperation({ schemaId, fields: int4 }));
    const intSchema = schemaFor(schemaId, [{ name: 'n', type: 'int' }]);
    const floatSchema = schemaFor(schemaId, [{ name: 'n', type: 'float' }]);
    assert.equal(expectPandaError(() => core.validateOperation(asFloat, intSchema), OPERATION_CODES, 'float as int').code, 'OPERATION_FIELD_VALUE_INVALID');
    assert.equal(expectPandaError(() => core.validateOperation(asInt, floatSchema), OPERATION_CODES, 'int as float').code, 'OPERATION_FIELD_VALUE_INVALID');
  });

  test('previous operation ids out of order or repeated give OPERATION_PREVIOUS_INVALID', () => {
    const withPreviousArb = opArb.filter((op) => op.previous !== undefined && op.previous.length >= 2);
    fc.assert(
      fc.property(withPreviousArb, (op) => {
        const bytes = core.encodeOperation(coreArgs(op));
        const first = core.hexToBytes(op.previous![0]!);
        const second = core.hexToBytes(op.previous![1]!);
        const at = core.bytesToHex(bytes).indexOf(`5822${op.previous![0]!}`) / 2 + 2;
        assert.ok(at > 2);
        assert.deepEqual(bytes.subarray(at + 36, at + 70), second);
        const swapped = bytes.slice();
        swapped.set(second, at);
        swapped.set(first, at + 36);
        assert.equal(expectPandaError(() => core.decodeOperation(swapped), OPERATION_CODES, 'swapped').code, 'OPERATION_PREVIOUS_INVALID');
        const repeated = bytes.slice();
        repeated.set(first, at + 36);
        assert.equal(expectPandaError(() => core.decodeOperation(repeated), OPERATION_CODES, 'repeated').code, 'OPERATION_PREVIOUS_INVALID');
      }),
      { numRuns: 100 },
    );
  });
});

describe('mutated and random operations', { timeout: 30_000 }, () => {
  test('a valid operation truncated at every length is rejected with a PandaError', () => {
    fc.assert(
      fc.property(opArb, (op) => {
        const bytes = core.encodeOperation(coreArgs(op));
        for (let length = 0; length < bytes.length; length++) {
          // A prefix of a CBOR item is never a whole item: always rejected.
          assert.equal(checkOperationBytes(bytes.slice(0, length), `cut to ${length}`), 'rejected');
        }
        assert.equal(checkOperationBytes(bytes, 'unchanged'), 'accepted');
      }),
      { numRuns: 100 },
    );
  });

  test('random byte mutations either stay canonical and valid or give an OPERATION_/SCHEMA_/HASH_ PandaError', () => {
    const mutationArb = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), position: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('flip' as const), position: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('insert' as const), position: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('delete' as const), position: fc.nat() }),
    );
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(opArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (op, mutations) => {
        let bytes = core.encodeOperation(coreArgs(op));
        for (const mutation of mutations) {
          const at = mutation.position % (bytes.length + (mutation.kind === 'insert' ? 1 : 0));
          if (mutation.kind === 'set') {
            bytes = bytes.slice();
            bytes[at] = mutation.byte;
          } else if (mutation.kind === 'flip') {
            bytes = bytes.slice();
            bytes[at]! ^= 1 << mutation.bit;
          } else if (mutation.kind === 'insert') {
            bytes = Uint8Array.from([...bytes.subarray(0, at), mutation.byte, ...bytes.subarray(at)]);
          } else {
            bytes = Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
          }
          if (bytes.length === 0) break;
        }
        if (checkOperationBytes(bytes, `mutated ${core.bytesToHex(bytes)}`) === 'accepted') accepted++;
        else rejected++;
      }),
      { numRuns: 2000 },
    );
    // Both outcomes happen (a changed str/bytes value is still a valid operation).
    assert.ok(accepted > 0 && rejected > 0, `accepted ${accepted}, rejected ${rejected}`);
  });

  test('non-canonical encodings of valid values are rejected with OPERATION_NON_CANONICAL', () => {
    const prefix = (fieldValue: string) =>
      core.hexToBytes(
        core
          .bytesToHex(core.encodeOperation({ schemaId: 'venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c', fields: { a: true } }))
          .replace(/6161f5$/, `6161${fieldValue}`),
      );
    for (const value of [
      '1801', // 1 as a one-byte argument
      '190001', // 1 as two bytes
      '1a00000001',
      '1b0000000000000001',
      '3800', // -1 as a one-byte argument
      'fa40800000', // 4.0 as f32 (f16 would do)
      'fb4010000000000000', // 4.0 as f64
      'fb3ff0000000000000', // 1.0 as f64
      'fa7fc00000', // NaN as f32
      '5f41aaff', // indefinite-length bytes
    ]) {
      const error = expectPandaError(() => core.decodeOperation(prefix(value)), OPERATION_CODES, value);
      assert.equal(error.code, 'OPERATION_NON_CANONICAL', value);
    }
    // Items operations never hold, and malformed CBOR.
    const forbidden: Array<[string, core.ErrorCode]> = [
      ['f6', 'OPERATION_FORMAT_INVALID'], // null
      ['f7', 'OPERATION_FORMAT_INVALID'], // undefined
      ['f0', 'OPERATION_FORMAT_INVALID'], // simple(16)
      ['f820', 'OPERATION_FORMAT_INVALID'], // simple(32)
      ['fc', 'OPERATION_FORMAT_INVALID'], // reserved
      ['ff', 'OPERATION_FORMAT_INVALID'], // break outside an indefinite item
      ['c11a5f5e1000', 'OPERATION_FORMAT_INVALID'], // tag 1 (epoch time)
      ['a0', 'OPERATION_FORMAT_INVALID'], // a map as a value
      ['820102', 'OPERATION_FORMAT_INVALID'], // an array of ints
      ['9f01ff', 'OPERATION_NON_CANONICAL'], // indefinite-length array
      ['1c', 'OPERATION_CBOR_INVALID'], // reserved additional information
      ['62c328', 'OPERATION_CBOR_INVALID'], // invalid UTF-8
      ['5affffffff00', 'OPERATION_CBOR_INVALID'], // a length beyond the input
      ['1b8000000000000000', 'OPERATION_FIELD_VALUE_INVALID'], // 2^63
      ['3b8000000000000000', 'OPERATION_FIELD_VALUE_INVALID'], // -2^63 - 1
    ];
    for (const [value, code] of forbidden) {
      const error = expectPandaError(() => core.decodeOperation(prefix(value)), OPERATION_CODES, value);
      assert.equal(error.code, code, value);
    }
    assert.equal(core.decodeOperation(prefix('1b7fffffffffffffff')).fields!.get('a'), 2n ** 63n - 1n);
    assert.equal(core.decodeOperation(prefix('3b7fffffffffffffff')).fields!.get('a'), -(2n ** 63n));
    // Sanity: the canonical forms decode.
    assert.equal(core.decodeOperation(prefix('01')).fields!.get('a'), 1n);
    assert.equal(core.decodeOperation(prefix('f94400')).fields!.get('a'), 4);
  });

  test('deeply nested arrays and huge declared lengths give a PandaError, not a stack overflow or a big allocation', () => {
    const header = core.encodeOperation({
      schemaId: 'venues_0020c9db3376fa753b041e199ebfe1c0e6dfb50ca7924c7eedfdd35f141ac8d1207c',
      fields: { a: true },
    });
    const prefix = header.subarray(0, header.length - 1); // ... "a" : <value>
    for (const depth of [9, 100, 200_000]) {
      const nested = Uint8Array.from([...prefix, ...new Uint8Array(depth).fill(0x81), 0x01]);
      const error = expectPandaError(() => core.decodeOperation(nested), OPERATION_CODES, `depth ${depth}`);
      assert.ok(error.code === 'OPERATION_CBOR_INVALID' || error.code === 'OPERATION_FORMAT_INVALID', error.code);
    }
    for (const head of ['9bffffffffffffffff', '9affffffff', '5bffffffffffffffff', '7bffffffffffffffff', 'bbffffffffffffffff', '9b0000000100000000']) {
      const bytes = Uint8Array.from([...prefix, ...core.hexToBytes(head), 0x01, 0x01]);
      assert.equal(expectPandaError(() => core.decodeOperation(bytes), OPERATION_CODES, head).code, 'OPERATION_CBOR_INVALID', head);
    }
  });

  test('random byte arrays (and strings) given to decodeOperation only ever give PandaErrors (or canonical operations)', () => {
    const header = core.hexToBytes('840100784b'); // [1, 0, <75-char text>, ...
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300, size: 'max' }),
          fc.uint8Array({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300, size: 'max' }).map((rest) => Uint8Array.of(...header, ...rest)),
          fc.uint8Array({ maxLength: 40 }).map((rest) => Uint8Array.of(0x84, 0x01, ...rest)),
        ),
        (bytes) => {
          checkOperationBytes(bytes, `random ${core.bytesToHex(bytes)}`);
        },
      ),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          core.decodeOperation(text);
        } catch (error) {
          assert.ok(core.isPandaError(error), String(error));
          assert.ok(error.code === 'HEX_INVALID' || OPERATION_CODES(error.code), error.code);
          return;
        }
        assert.fail(`decodeOperation accepted ${JSON.stringify(text)}`);
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------
// Tampering
// ---------------------------------------------------------------------------------------

describe('tampering', () => {
  test('publish rejects an entry whose operation was altered (PAYLOAD_HASH or PAYLOAD_SIZE mismatch) and stores nothing', async () => {
    const createArb = opArb.filter((op) => op.action === 'create');
    const tamperArb = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), position: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('append' as const), extra: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
      fc.record({ kind: fc.constant('truncate' as const), cut: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant('replace' as const), other: createArb }),
    );
    await fc.assert(
      fc.asyncProperty(keyPairArb, createArb, tamperArb, async (keyPair, op, tamper) => {
        const operation = core.encodeOperation(coreArgs(op));
        const entry = await core.signAndEncodeEntry({ operation }, keyPair);
        let altered: Uint8Array;
        if (tamper.kind === 'flip') {
          altered = operation.slice();
          altered[tamper.position % altered.length]! ^= 1 << tamper.bit;
        } else if (tamper.kind === 'append') {
          altered = Uint8Array.from([...operation, ...tamper.extra]);
        } else if (tamper.kind === 'truncate') {
          altered = operation.slice(0, Math.max(0, operation.length - tamper.cut));
        } else {
          altered = core.encodeOperation(coreArgs(tamper.other));
        }
        fc.pre(core.bytesToHex(altered) !== core.bytesToHex(operation));

        const registry = new core.SchemaRegistry([schemaFor(op.schemaId, op.fields)]);
        const store = new core.MemoryStore();
        await assert.rejects(
          async () => core.publish(store, registry, entry, altered),
          (error: unknown) => {
            assert.ok(core.isPandaError(error), String(error));
            assert.equal(error.code, altered.length === operation.length ? 'ENTRY_PAYLOAD_HASH_MISMATCH' : 'ENTRY_PAYLOAD_SIZE_MISMATCH');
            return true;
          },
        );
        assert.deepEqual(await store.getLogs(), []);
        assert.equal(await store.getEntry(keyPair.publicKey(), 0, 1), undefined);
        // The untampered pair is accepted.
        const result = await core.publish(store, registry, entry, operation);
        assert.equal(result.hash, core.generateHash(entry));
        assert.equal(result.duplicate, false);
      }),
      { numRuns: 150 },
    );
  });
});
