import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PandaError, bytesToHex, hexToBytes, encodeVarU64, decodeVarU64 } from '../../core/index.js';
import { hasCode } from './support.js';

const MAX_U64 = 2n ** 64n - 1n;

const decodeHex = (hex: string, offset = 0) => decodeVarU64(hexToBytes(hex), offset, 'test value');

// Value -> shortest VarU64 encoding (first byte < 248 is the value, 247 + n says n bytes follow).
const VECTORS: Array<[bigint, string]> = [
  [0n, '00'],
  [1n, '01'],
  [247n, 'f7'],
  [248n, 'f8f8'],
  [255n, 'f8ff'],
  [256n, 'f90100'],
  [65535n, 'f9ffff'],
  [65536n, 'fa010000'],
  [2n ** 24n - 1n, 'faffffff'],
  [2n ** 24n, 'fb01000000'],
  [2n ** 32n - 1n, 'fbffffffff'],
  [2n ** 32n, 'fc0100000000'],
  [2n ** 40n, 'fd010000000000'],
  [2n ** 48n, 'fe01000000000000'],
  [2n ** 56n - 1n, 'feffffffffffffff'],
  [2n ** 56n, 'ff0100000000000000'],
  [2n ** 64n - 1n, 'ffffffffffffffffff'],
];

describe('VarU64 encoding', () => {
  for (const [value, hex] of VECTORS) {
    test(`${value} <-> ${hex}`, () => {
      assert.equal(bytesToHex(encodeVarU64(value)), hex);
      assert.deepEqual(decodeHex(hex), [value, hex.length / 2]);
    });
  }

  test('round trips at every width boundary and on a spread of values', () => {
    const values: bigint[] = [];
    for (let bits = 0n; bits <= 64n; bits++) {
      const power = 2n ** bits;
      for (const v of [power - 1n, power, power + 1n]) if (v >= 0n && v <= MAX_U64) values.push(v);
    }
    for (let v = 240n; v <= 260n; v++) values.push(v);
    // deterministic pseudo-random 64-bit values
    let x = 0x9e3779b97f4a7c15n;
    for (let i = 0; i < 500; i++) {
      x = (x * 6364136223846793005n + 1442695040888963407n) & MAX_U64;
      values.push(x >> BigInt(i % 64));
    }
    for (const value of values) {
      const encoded = encodeVarU64(value);
      const expectedLength = value < 248n ? 1 : 1 + Math.ceil(value.toString(16).length / 2);
      assert.equal(encoded.length, expectedLength, `length of ${value}`);
      assert.deepEqual(decodeVarU64(encoded, 0, 'value'), [value, expectedLength], `round trip of ${value}`);
    }
  });

  test('decodes at an offset inside a larger buffer and ignores what follows', () => {
    const bytes = hexToBytes('aabbf90100cc');
    assert.deepEqual(decodeVarU64(bytes, 2, 'x'), [256n, 3]);
    assert.deepEqual(decodeVarU64(bytes, 0, 'x'), [0xaan, 1]);
  });

  for (const hex of ['f800', 'f8f7', 'f900ff', 'f90000', 'fa00ffff', 'fb00ffffff', 'ff00ffffffffffffff', 'ff0000000000000000']) {
    test(`non-shortest form ${hex} is rejected with ENTRY_VARU64_INVALID`, () => {
      assert.throws(() => decodeHex(hex), hasCode('ENTRY_VARU64_INVALID'));
    });
  }

  test('the error names the field it was decoding', () => {
    assert.throws(
      () => decodeVarU64(hexToBytes('f800'), 0, 'log id'),
      (e: unknown) => e instanceof PandaError && e.code === 'ENTRY_VARU64_INVALID' && e.details?.field === 'log id',
    );
  });

  for (const [hex, offset] of [
    ['', 0],
    ['f8', 0],
    ['f901', 0],
    ['fa0100', 0],
    ['ffffffffffffffff', 0],
    ['00', 1],
    ['0102', 5],
  ] as const) {
    test(`truncated input "${hex}" at offset ${offset} is rejected with ENTRY_TRUNCATED`, () => {
      assert.throws(() => decodeHex(hex, offset), hasCode('ENTRY_TRUNCATED'));
    });
  }

  for (const value of [-1n, -(2n ** 64n), 2n ** 64n, 2n ** 70n]) {
    test(`encoding ${value} (out of range) is rejected with ENTRY_VARU64_INVALID`, () => {
      assert.throws(() => encodeVarU64(value), hasCode('ENTRY_VARU64_INVALID'));
    });
  }
});
