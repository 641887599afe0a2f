import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { hashingReady, useWasmHashing } from '../../core/hash/hash.js';
import {
  KeyPair,
  MAX_ENTRY_SIZE,
  MAX_OPERATION_SIZE,
  PandaError,
  bytesToHex,
  decodeEntry,
  encodeOperation,
  encodeVarU64,
  generateHash,
  hexToBytes,
  parseEntry,
  signAndEncodeEntry,
  validateLogIntegrity,
  validatePayload,
  type Entry,
} from '../../core/index.js';
import { concatBytes } from '../../core/bytes.js';
import { hasCode } from './support.js';

const hasField = (code: string, field: string) => (error: unknown) => error instanceof PandaError && error.code === code && error.details?.field === field;

const keyPair = new KeyPair('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const other = new KeyPair('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');

const operation = encodeOperation({ schemaId: 'schema_field_definition_v1', fields: { name: 'venue', type: 'str' } });
const bigOperation = encodeOperation({ schemaId: 'schema_field_definition_v1', fields: { name: 'venue', type: 'x'.repeat(300) } });
const H1 = generateHash(Uint8Array.of(1));
const H2 = generateHash(Uint8Array.of(2));

interface RawArgs {
  tag?: number;
  publicKey?: Uint8Array;
  logId?: Uint8Array;
  seqNum?: Uint8Array;
  skiplink?: Uint8Array;
  backlink?: Uint8Array;
  payloadSize?: Uint8Array;
  payloadHash?: Uint8Array;
}

/** An entry built field by field and properly signed, to reach one specific check. */
async function rawEntry(args: RawArgs, signer = keyPair): Promise<Uint8Array> {
  const unsigned = concatBytes(
    Uint8Array.of(args.tag ?? 0),
    args.publicKey ?? signer.publicKeyBytes(),
    args.logId ?? encodeVarU64(0n),
    args.seqNum ?? encodeVarU64(1n),
    args.skiplink ?? new Uint8Array(0),
    args.backlink ?? new Uint8Array(0),
    args.payloadSize ?? encodeVarU64(BigInt(operation.length)),
    args.payloadHash ?? hexToBytes(generateHash(operation)),
  );
  return concatBytes(unsigned, await signer.sign(unsigned));
}

describe('signAndEncodeEntry and decodeEntry', () => {
  test('a first entry: layout and decoded fields', async () => {
    const bytes = await signAndEncodeEntry({ operation }, keyPair);
    assert.equal(bytes.length, 1 + 32 + 1 + 1 + 1 + 34 + 64);
    assert.equal(bytes[0], 0);
    assert.deepEqual(bytes.subarray(1, 33), keyPair.publicKeyBytes());
    assert.equal(bytes[33], 0); // log id
    assert.equal(bytes[34], 1); // seq num
    assert.equal(bytes[35], operation.length);
    assert.equal(bytesToHex(bytes.subarray(36, 70)), generateHash(operation));
    assert.deepEqual(bytes, await rawEntry({}));

    const entry = await decodeEntry(bytes);
    assert.deepEqual(entry, {
      publicKey: keyPair.publicKey(),
      logId: 0n,
      seqNum: 1n,
      payloadSize: BigInt(operation.length),
      payloadHash: generateHash(operation),
      signature: bytesToHex(bytes.subarray(70)),
    } satisfies Entry);
    assert.deepEqual(await decodeEntry(bytesToHex(bytes)), entry);
  });

  test('an entry at seq 4 carries skiplink then backlink', async () => {
    const bytes = await signAndEncodeEntry({ logId: 7, seqNum: 4, skiplink: H1, backlink: H2, operation: bytesToHex(operation) }, keyPair);
    const entry = await decodeEntry(bytes);
    assert.equal(entry.logId, 7n);
    assert.equal(entry.seqNum, 4n);
    assert.equal(entry.skiplink, H1);
    assert.equal(entry.backlink, H2);
    assert.equal(bytesToHex(bytes.subarray(35, 69)), H1);
    assert.equal(bytesToHex(bytes.subarray(69, 103)), H2);
    assert.deepEqual(bytes, await rawEntry({ logId: encodeVarU64(7n), seqNum: encodeVarU64(4n), skiplink: hexToBytes(H1), backlink: hexToBytes(H2) }));
  });

  test('an entry at seq 2 has only a backlink; bigint and number arguments agree', async () => {
    const a = await signAndEncodeEntry({ logId: 1n, seqNum: 2n, backlink: H1, operation }, keyPair);
    const b = await signAndEncodeEntry({ logId: 1, seqNum: 2, backlink: H1, operation }, keyPair);
    assert.deepEqual(a, b);
    const entry = await decodeEntry(a);
    assert.equal(entry.backlink, H1);
    assert.equal(entry.skiplink, undefined);
    assert.equal('skiplink' in entry, false);
  });

  test('the largest log id and sequence number (2^64 - 1) round trip', async () => {
    const max = 2n ** 64n - 1n;
    const bytes = await signAndEncodeEntry({ logId: max, seqNum: max, skiplink: H1, backlink: H2, operation }, keyPair);
    const entry = await decodeEntry(bytes);
    assert.equal(entry.logId, max);
    assert.equal(entry.seqNum, max);
    assert.ok(bytes.length <= MAX_ENTRY_SIZE);
  });

  test('parseEntry exposes the signed bytes and does not check the signature', async () => {
    const bytes = await signAndEncodeEntry({ operation }, keyPair);
    const parsed = parseEntry(bytes);
    assert.deepEqual(parsed.signedBytes, bytes.subarray(0, bytes.length - 64));
    assert.deepEqual(parsed.signatureBytes, bytes.subarray(bytes.length - 64));
    assert.deepEqual(parsed.publicKeyBytes, keyPair.publicKeyBytes());
    const broken = bytes.slice();
    broken[broken.length - 1]! ^= 1;
    assert.equal(parseEntry(broken).seqNum, 1n);
  });
});

describe('parseEntry / decodeEntry errors', () => {
  test('tag 0x01 (end of log) and other tags -> ENTRY_TAG_UNSUPPORTED', async () => {
    for (const tag of [1, 2, 0xff]) {
      const bytes = await rawEntry({ tag });
      assert.throws(() => parseEntry(bytes), hasCode('ENTRY_TAG_UNSUPPORTED'));
      await assert.rejects(decodeEntry(bytes), hasCode('ENTRY_TAG_UNSUPPORTED'));
    }
  });

  test('seq 0 -> ENTRY_SEQ_NUM_INVALID', async () => {
    const bytes = await rawEntry({ seqNum: encodeVarU64(0n) });
    assert.throws(() => parseEntry(bytes), hasCode('ENTRY_SEQ_NUM_INVALID'));
    await assert.rejects(decodeEntry(bytes), hasCode('ENTRY_SEQ_NUM_INVALID'));
  });

  test('non-shortest VarU64s -> ENTRY_VARU64_INVALID', async () => {
    const cases: RawArgs[] = [
      { logId: hexToBytes('f800') },
      { seqNum: hexToBytes('f801') },
      { payloadSize: hexToBytes('f8' + operation.length.toString(16).padStart(2, '0')) },
    ];
    for (const args of cases) {
      const bytes = await rawEntry(args);
      assert.throws(() => parseEntry(bytes), hasCode('ENTRY_VARU64_INVALID'));
    }
  });

  test('truncated at every byte of every field -> ENTRY_TRUNCATED naming the field', async () => {
    // log id 300 (3 bytes), seq 4 (skiplink and backlink), a 300-byte payload (3-byte size)
    const bytes = await signAndEncodeEntry({ logId: 300, seqNum: 4, skiplink: H1, backlink: H2, operation: bigOperation }, keyPair);
    const fields: Array<[string, number]> = [
      ['public key', 33],
      ['log id', 3],
      ['sequence number', 1],
      ['skiplink', 34],
      ['backlink', 34],
      ['payload size', 3],
      ['payload hash', 34],
      ['signature', 64],
    ];
    assert.equal(
      bytes.length,
      fields.reduce((n, [, size]) => n + size, 0),
    );
    let start = 0;
    for (const [field, size] of fields) {
      for (let cut = start; cut < start + size; cut++) {
        assert.throws(() => parseEntry(bytes.subarray(0, cut)), hasField('ENTRY_TRUNCATED', field), `cut at ${cut} (${field})`);
      }
      start += size;
    }
    assert.equal(parseEntry(bytes).seqNum, 4n);
  });

  test('bytes after the signature -> ENTRY_TRAILING_BYTES', async () => {
    const bytes = await signAndEncodeEntry({ operation }, keyPair);
    assert.throws(() => parseEntry(concatBytes(bytes, Uint8Array.of(0))), hasCode('ENTRY_TRAILING_BYTES'));
    await assert.rejects(decodeEntry(concatBytes(bytes, new Uint8Array(20))), hasCode('ENTRY_TRAILING_BYTES'));
  });

  test('more than MAX_ENTRY_SIZE bytes -> ENTRY_TOO_LARGE', async () => {
    assert.equal(MAX_ENTRY_SIZE, 226);
    assert.throws(() => parseEntry(new Uint8Array(MAX_ENTRY_SIZE + 1)), hasCode('ENTRY_TOO_LARGE'));
    const bytes = await signAndEncodeEntry({ operation }, keyPair);
    assert.throws(() => parseEntry(concatBytes(bytes, new Uint8Array(MAX_ENTRY_SIZE + 1 - bytes.length))), hasCode('ENTRY_TOO_LARGE'));
    // at exactly MAX_ENTRY_SIZE it is not the size that fails
    assert.throws(() => parseEntry(concatBytes(bytes, new Uint8Array(MAX_ENTRY_SIZE - bytes.length))), hasCode('ENTRY_TRAILING_BYTES'));
  });

  test('a bad hash prefix in backlink, skiplink or payload hash -> HASH_INVALID', async () => {
    const bad = (hash: string, byte: number, value: number) => {
      const bytes = hexToBytes(hash);
      bytes[byte] = value;
      return bytes;
    };
    const seq4 = { seqNum: encodeVarU64(4n), skiplink: hexToBytes(H1), backlink: hexToBytes(H2) };
    const cases: RawArgs[] = [
      { seqNum: encodeVarU64(2n), backlink: bad(H1, 0, 1) },
      { seqNum: encodeVarU64(2n), backlink: bad(H1, 1, 0x21) },
      { ...seq4, backlink: bad(H2, 0, 0x1e) },
      { ...seq4, skiplink: bad(H1, 1, 0x40) },
      { payloadHash: bad(generateHash(operation), 0, 0x12) },
    ];
    for (const [i, args] of cases.entries()) {
      const bytes = await rawEntry(args);
      assert.throws(() => parseEntry(bytes), hasCode('HASH_INVALID'), `case ${i}`);
    }
  });

  test('a payload size above MAX_OPERATION_SIZE -> OPERATION_TOO_LARGE', async () => {
    const over = await rawEntry({ payloadSize: encodeVarU64(BigInt(MAX_OPERATION_SIZE + 1)) });
    assert.throws(() => parseEntry(over), hasCode('OPERATION_TOO_LARGE'));
    const huge = await rawEntry({ payloadSize: encodeVarU64(2n ** 64n - 1n) });
    assert.throws(() => parseEntry(huge), hasCode('OPERATION_TOO_LARGE'));
    const limit = await rawEntry({ payloadSize: encodeVarU64(BigInt(MAX_OPERATION_SIZE)) });
    assert.equal(parseEntry(limit).payloadSize, BigInt(MAX_OPERATION_SIZE));
  });

  test('skiplink equal to backlink in the bytes -> ENTRY_LINKS_INVALID', async () => {
    const bytes = await rawEntry({ seqNum: encodeVarU64(4n), skiplink: hexToBytes(H1), backlink: hexToBytes(H1) });
    assert.throws(() => parseEntry(bytes), hasCode('ENTRY_LINKS_INVALID'));
  });

  test('a bad signature -> ENTRY_SIGNATURE_INVALID', async () => {
    const bytes = await signAndEncodeEntry({ seqNum: 4, skiplink: H1, backlink: H2, operation }, keyPair);
    const flips = [bytes.length - 1, bytes.length - 40, 120, 80, 50, 3]; // signature (twice), payload hash, backlink, skiplink, public key
    for (const index of flips) {
      const broken = bytes.slice();
      broken[index]! ^= 0x01;
      // flipping bit 0 of a public key byte can leave a key that does not decode: still just invalid
      await assert.rejects(decodeEntry(broken), hasCode('ENTRY_SIGNATURE_INVALID'), `flipped byte ${index}`);
    }
    // another author's signature over the same bytes
    const signed = parseEntry(bytes).signedBytes;
    const forged = concatBytes(signed, await other.sign(signed));
    await assert.rejects(decodeEntry(forged), hasCode('ENTRY_SIGNATURE_INVALID'));
    // and all zeros
    await assert.rejects(decodeEntry(concatBytes(signed, new Uint8Array(64))), hasCode('ENTRY_SIGNATURE_INVALID'));
    assert.equal((await decodeEntry(bytes)).seqNum, 4n);
  });

  test('input that is not bytes or hex', async () => {
    assert.throws(() => parseEntry('zz'), hasCode('HEX_INVALID'));
    assert.throws(() => parseEntry(42 as unknown as string), hasCode('INPUT_INVALID'));
    await assert.rejects(decodeEntry('0'), hasCode('HEX_INVALID'));
  });
});

describe('signAndEncodeEntry link rules', () => {
  const cases: Array<[string, Parameters<typeof signAndEncodeEntry>[0], string]> = [
    ['seq 1 with a backlink', { seqNum: 1, backlink: H1, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 1 with a skiplink', { seqNum: 1, skiplink: H1, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 2 without a backlink', { seqNum: 2, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 2 with a skiplink where none is required', { seqNum: 2, skiplink: H2, backlink: H1, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 5 with a skiplink where none is required', { seqNum: 5, skiplink: H2, backlink: H1, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 4 without a skiplink', { seqNum: 4, backlink: H1, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 4 without a backlink', { seqNum: 4, skiplink: H1, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 4 with skiplink == backlink', { seqNum: 4, skiplink: H1, backlink: H1, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 13 with skiplink == backlink', { seqNum: 13n, skiplink: H2, backlink: H2, operation }, 'ENTRY_LINKS_INVALID'],
    ['seq 0', { seqNum: 0, operation }, 'ENTRY_SEQ_NUM_INVALID'],
    ['a negative log id', { logId: -1, operation }, 'INPUT_INVALID'],
    ['a fractional sequence number', { seqNum: 1.5, operation }, 'INPUT_INVALID'],
    ['a log id of 2^64', { logId: 2n ** 64n, operation }, 'INPUT_INVALID'],
    ['a backlink that is not a hash', { seqNum: 2, backlink: 'abc', operation }, 'HASH_INVALID'],
    ['an upper-case backlink', { seqNum: 2, backlink: H1.toUpperCase(), operation }, 'HASH_INVALID'],
    ['an operation over MAX_OPERATION_SIZE', { operation: new Uint8Array(MAX_OPERATION_SIZE + 1) }, 'OPERATION_TOO_LARGE'],
    ['an operation that is not hex', { operation: 'xyz' }, 'HEX_INVALID'],
  ];
  for (const [what, args, code] of cases) {
    test(`${what} -> ${code}`, async () => {
      await assert.rejects(signAndEncodeEntry(args, keyPair), hasCode(code));
    });
  }

  test('an operation of exactly MAX_OPERATION_SIZE bytes is signed', async () => {
    const bytes = await signAndEncodeEntry({ operation: new Uint8Array(MAX_OPERATION_SIZE) }, keyPair);
    assert.equal((await decodeEntry(bytes)).payloadSize, BigInt(MAX_OPERATION_SIZE));
  });
});

describe('validatePayload', () => {
  test('accepts the operation the entry signs', async () => {
    const entry = await decodeEntry(await signAndEncodeEntry({ operation }, keyPair));
    assert.doesNotThrow(() => validatePayload(entry, operation));
  });

  test('another length -> ENTRY_PAYLOAD_SIZE_MISMATCH', async () => {
    const entry = await decodeEntry(await signAndEncodeEntry({ operation }, keyPair));
    assert.throws(() => validatePayload(entry, concatBytes(operation, Uint8Array.of(0))), hasCode('ENTRY_PAYLOAD_SIZE_MISMATCH'));
    assert.throws(() => validatePayload(entry, operation.subarray(1)), hasCode('ENTRY_PAYLOAD_SIZE_MISMATCH'));
    assert.throws(() => validatePayload(entry, bigOperation), hasCode('ENTRY_PAYLOAD_SIZE_MISMATCH'));
  });

  test('same length, other bytes -> ENTRY_PAYLOAD_HASH_MISMATCH', async () => {
    const entry = await decodeEntry(await signAndEncodeEntry({ operation }, keyPair));
    const changed = operation.slice();
    changed[changed.length - 1]! ^= 1;
    assert.throws(() => validatePayload(entry, changed), hasCode('ENTRY_PAYLOAD_HASH_MISMATCH'));
  });
});

describe('validateLogIntegrity', () => {
  test('checks backlink and skiplink against the stored hashes', async () => {
    const entry = await decodeEntry(await signAndEncodeEntry({ seqNum: 4, skiplink: H1, backlink: H2, operation }, keyPair));
    assert.doesNotThrow(() => validateLogIntegrity(entry, { backlink: H2, skiplink: H1 }));
    assert.throws(() => validateLogIntegrity(entry, { skiplink: H1 }), hasCode('ENTRY_BACKLINK_MISSING'));
    assert.throws(() => validateLogIntegrity(entry, { backlink: H1, skiplink: H1 }), hasCode('ENTRY_BACKLINK_MISMATCH'));
    assert.throws(() => validateLogIntegrity(entry, { backlink: H2 }), hasCode('ENTRY_SKIPLINK_MISSING'));
    assert.throws(() => validateLogIntegrity(entry, { backlink: H2, skiplink: H2 }), hasCode('ENTRY_SKIPLINK_MISMATCH'));
  });

  test('a first entry needs nothing stored', async () => {
    const entry = await decodeEntry(await signAndEncodeEntry({ operation }, keyPair));
    assert.doesNotThrow(() => validateLogIntegrity(entry, {}));
  });
});

describe('entry hashes', () => {
  test('the WebAssembly and the JavaScript BLAKE3 give the same YASMF hashes (across chunk boundaries)', async () => {
    assert.equal(await hashingReady(), true);
    const inputs = [0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 2049, 65536, 100_001].map((n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff));
    try {
      for (const input of inputs) {
        useWasmHashing(true);
        const wasm = generateHash(input);
        useWasmHashing(false);
        const js = generateHash(input);
        assert.equal(wasm, js, `${input.length} bytes`);
        assert.match(wasm, /^0020[0-9a-f]{64}$/);
      }
    } finally {
      useWasmHashing(true);
    }
    // BLAKE3 of the empty input
    assert.equal(generateHash(new Uint8Array(0)), '0020af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262');
  });

  test('an entry hash is the YASMF hash of the whole signed entry', async () => {
    const bytes = await signAndEncodeEntry({ operation }, keyPair);
    const hash = generateHash(bytes);
    assert.equal(hash, generateHash(bytesToHex(bytes)));
    const changed = bytes.slice();
    changed[changed.length - 1]! ^= 1;
    assert.notEqual(generateHash(changed), hash);
  });
});
