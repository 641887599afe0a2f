import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CborMap, type CborValue } from '../../core/operation/cbor.js';
import { decodeCbor } from '../../core/operation/cbor-decode.js';
import { encodeCbor } from '../../core/operation/cbor-encode.js';
import { bytesToHex, hexToBytes } from '../../core/index.js';
import { hasCode } from './support.js';

const encodeHex = (value: CborValue) => bytesToHex(encodeCbor(value));
const decodeHex = (hex: string) => decodeCbor(hexToBytes(hex));

describe('float encoding: smallest lossless width', () => {
  const FLOATS: Array<[number, string]> = [
    [4.5, 'f94480'],
    [0.1, 'fb3fb999999999999a'],
    [1.5, 'f93e00'],
    [1.0, 'f93c00'],
    [0.0, 'f90000'],
    [-0, 'f98000'],
    [-4.5, 'f9c480'],
    [100000.0, 'fa47c35000'],
    [5.960464477539063e-8, 'f90001'], // smallest f16 subnormal, 2^-24
    [6.103515625e-5, 'f90400'], // smallest f16 normal, 2^-14
    [65504, 'f97bff'], // largest f16
    [65505, 'fa477fe100'],
    [2 ** -25, 'fa33000000'], // below f16's range, exact in f32
    [3.4028234663852886e38, 'fa7f7fffff'], // largest f32
    [1e300, 'fb7e37e43c8800759c'],
    [Number.MIN_VALUE, 'fb0000000000000001'],
    [Infinity, 'f97c00'],
    [-Infinity, 'f9fc00'],
    [NaN, 'f97e00'],
  ];
  for (const [value, hex] of FLOATS) {
    test(`${Object.is(value, -0) ? '-0' : value} -> ${hex} and back`, () => {
      assert.equal(encodeHex(value), hex);
      const decoded = decodeHex(hex);
      assert.equal(typeof decoded, 'number');
      assert.ok(Object.is(decoded, value), `decoded ${inspect(decoded)}`);
    });
  }
});

describe('integer encoding: shortest heads', () => {
  const INTS: Array<[bigint, string]> = [
    [0n, '00'],
    [23n, '17'],
    [24n, '1818'],
    [255n, '18ff'],
    [256n, '190100'],
    [65535n, '19ffff'],
    [65536n, '1a00010000'],
    [2n ** 32n - 1n, '1affffffff'],
    [2n ** 32n, '1b0000000100000000'],
    [2n ** 63n - 1n, '1b7fffffffffffffff'],
    [-1n, '20'],
    [-24n, '37'],
    [-25n, '3818'],
    [-256n, '38ff'],
    [-257n, '390100'],
    [-65537n, '3a00010000'],
    [-(2n ** 32n) - 1n, '3b0000000100000000'],
    [-(2n ** 63n), '3b7fffffffffffffff'],
  ];
  for (const [value, hex] of INTS) {
    test(`${value} -> ${hex} and back`, () => {
      assert.equal(encodeHex(value), hex);
      assert.equal(decodeHex(hex), value);
    });
  }

  test('integers outside i64 are rejected both ways', () => {
    assert.throws(() => encodeCbor(2n ** 63n), hasCode('OPERATION_FIELD_VALUE_INVALID'));
    assert.throws(() => encodeCbor(-(2n ** 63n) - 1n), hasCode('OPERATION_FIELD_VALUE_INVALID'));
    assert.throws(() => decodeHex('1b8000000000000000'), hasCode('OPERATION_FIELD_VALUE_INVALID'));
    assert.throws(() => decodeHex('3b8000000000000000'), hasCode('OPERATION_FIELD_VALUE_INVALID'));
    assert.throws(() => decodeHex('1bffffffffffffffff'), hasCode('OPERATION_FIELD_VALUE_INVALID'));
  });

  test('ints and floats stay distinct: 4 is 04 (bigint), 4.0 is f94400 (number)', () => {
    assert.equal(encodeHex(4n), '04');
    assert.equal(encodeHex(4), 'f94400');
    assert.equal(decodeHex('04'), 4n);
    assert.equal(decodeHex('f94400'), 4);
  });
});

describe('other values', () => {
  test('text, bytes, bools, arrays and maps', () => {
    assert.equal(encodeHex(''), '60');
    assert.equal(encodeHex('a'), '6161');
    assert.equal(encodeHex('ü'), '62c3bc');
    assert.equal(encodeHex('x'.repeat(23)), '77' + '78'.repeat(23));
    assert.equal(encodeHex('x'.repeat(24)), '7818' + '78'.repeat(24));
    assert.equal(encodeHex('x'.repeat(256)).slice(0, 6), '790100');
    assert.equal(encodeHex(new Uint8Array(0)), '40');
    assert.equal(encodeHex(Uint8Array.of(1, 2)), '420102');
    assert.equal(encodeHex(new Uint8Array(24)), '5818' + '00'.repeat(24));
    assert.equal(encodeHex(true), 'f5');
    assert.equal(encodeHex(false), 'f4');
    assert.equal(encodeHex([]), '80');
    assert.equal(encodeHex([1n, [2n, 3n]]), '8201820203');
    assert.equal(encodeHex(Array.from({ length: 24 }, () => 0n)), '9818' + '00'.repeat(24));
    assert.equal(encodeHex(new CborMap([])), 'a0');
    assert.equal(
      encodeHex(
        new CborMap([
          ['a', 1n],
          ['b', 'c'],
        ]),
      ),
      'a2616101616261' + '63',
    );
  });

  test('text heads count UTF-8 bytes, not characters', () => {
    assert.equal(encodeHex('ü'.repeat(11)), '76' + 'c3bc'.repeat(11)); // 22 bytes
    assert.equal(encodeHex('ü'.repeat(12)), '7818' + 'c3bc'.repeat(12)); // 12 characters, 24 bytes
    assert.equal(encodeHex('a'.repeat(23) + 'ü'), '7819' + '61'.repeat(23) + 'c3bc');
    assert.equal(encodeHex('🐼'), '64f09f90bc');
    assert.equal(encodeHex('\u007f'), '617f');
    assert.equal(encodeHex('\u0080'), '62c280');
    assert.equal(encodeHex(new CborMap([['ü', 1n]])), 'a162c3bc01');
    assert.equal(decodeHex('7818' + 'c3bc'.repeat(12)), 'ü'.repeat(12));
  });

  test('one encoding does not leak into the next (large, failed, then small)', () => {
    const large = encodeCbor([new Uint8Array(100_000).fill(7), 'x'.repeat(70_000)]);
    assert.equal(large.length, 1 + 5 + 100_000 + 5 + 70_000);
    assert.throws(() => encodeCbor(['partial', 'output', 2n ** 64n]), hasCode('OPERATION_FIELD_VALUE_INVALID'));
    assert.equal(encodeHex(1n), '01');
    assert.equal(encodeHex([]), '80');
    const first = encodeCbor('first');
    encodeCbor('second, longer, overwriting the shared buffer');
    assert.equal(bytesToHex(first), '656669727374', 'an earlier result is not a view on a reused buffer');
  });

  test('decoding gives the same structures back', () => {
    const value = [1n, -2n, 'text 🐼', Uint8Array.of(0, 255), true, false, 1.5, [new Uint8Array(34)], new CborMap([['k', [[]]]])];
    const decoded = decodeCbor(encodeCbor(value));
    assert.deepEqual(decoded, value);
    assert.ok(Array.isArray(decoded));
    assert.ok(decoded[8] instanceof CborMap);
  });

  test('a leading byte order mark is kept, not stripped', () => {
    assert.equal(decodeHex('66efbbbf616263'), '\ufeffabc');
  });
});

describe('strict decoding', () => {
  const rejects = (hex: string, code: string) => assert.throws(() => decodeHex(hex), hasCode(code), `${hex} should fail with ${code}`);

  test('non-shortest integers are OPERATION_NON_CANONICAL', () => {
    for (const hex of [
      '1800',
      '1817',
      '190000',
      '1900ff',
      '1a00000000',
      '1a0000ffff',
      '1b0000000000000000',
      '1b00000000ffffffff',
      '3817',
      '3900ff',
      '3b00000000ffffffff',
    ]) {
      rejects(hex, 'OPERATION_NON_CANONICAL');
    }
    // the shortest forms next to them decode
    assert.equal(decodeHex('1818'), 24n);
    assert.equal(decodeHex('190100'), 256n);
    assert.equal(decodeHex('1a00010000'), 65536n);
    assert.equal(decodeHex('1b0000000100000000'), 2n ** 32n);
  });

  test('non-shortest lengths are OPERATION_NON_CANONICAL', () => {
    for (const hex of ['5801ff', '580100', '7801' + '61', '790001' + '61', '9801' + '01', '990001' + '01', 'b801' + '616101', '5a00000001ff']) {
      rejects(hex, 'OPERATION_NON_CANONICAL');
    }
  });

  test('floats wider than needed are OPERATION_NON_CANONICAL', () => {
    for (const hex of [
      'fa40900000', // 4.5 as f32
      'fb4012000000000000', // 4.5 as f64
      'fb3ff8000000000000', // 1.5 as f64
      'fa00000000', // 0 as f32
      'fb0000000000000000', // 0 as f64
      'fa7f800000', // Infinity as f32
      'fb7ff0000000000000', // Infinity as f64
      'fb40f86a0000000000', // 100000 as f64 (f32 suffices)
      'fa7fc00000', // NaN as f32
      'fb7ff8000000000000', // NaN as f64
      'f97e01', // NaN with a payload
      'f97c01', // signalling NaN
      'f9fe00', // negative NaN
    ]) {
      rejects(hex, 'OPERATION_NON_CANONICAL');
    }
  });

  test('indefinite lengths are rejected (OPERATION_NON_CANONICAL)', () => {
    for (const hex of ['9f01ff', '9fff', '5f4101ff', '7f6161ff', 'bf616101ff', '1f', '3f']) {
      rejects(hex, 'OPERATION_NON_CANONICAL');
    }
  });

  test('tags are OPERATION_FORMAT_INVALID', () => {
    for (const hex of ['c11a514b67b0', 'c06161', 'd818' + '4101', 'c24101', 'd9d9f700']) {
      rejects(hex, 'OPERATION_FORMAT_INVALID');
    }
  });

  test('null, undefined and other simple values are OPERATION_FORMAT_INVALID', () => {
    for (const hex of ['f6', 'f7', 'e0', 'f3', 'f820', 'f8ff', 'ff', '82f601']) {
      rejects(hex, 'OPERATION_FORMAT_INVALID');
    }
  });

  test('map keys that are not text are OPERATION_FORMAT_INVALID', () => {
    rejects('a10101', 'OPERATION_FORMAT_INVALID');
    rejects('a1410101', 'OPERATION_FORMAT_INVALID');
  });

  test('reserved additional information 28 to 30 is OPERATION_CBOR_INVALID', () => {
    for (const hex of ['1c', '3d', '5e', '7c', '9d', 'be']) rejects(hex, 'OPERATION_CBOR_INVALID');
  });

  test('invalid UTF-8 is OPERATION_CBOR_INVALID', () => {
    for (const hex of [
      '62c328', // bad continuation byte
      '61ff', // never valid
      '61c3', // truncated sequence
      '62c0af', // overlong '/'
      '63eda080', // UTF-16 surrogate
      '64f4908080', // above U+10FFFF
    ]) {
      rejects(hex, 'OPERATION_CBOR_INVALID');
    }
  });

  test('truncated input is OPERATION_CBOR_INVALID', () => {
    for (const hex of ['', '18', '1901', '1b00000001000000', '4201', '6261', '8201', 'a16161', 'f9', 'fa0000', 'fb00000000000000']) {
      rejects(hex, 'OPERATION_CBOR_INVALID');
    }
  });

  test('trailing bytes are OPERATION_CBOR_INVALID', () => {
    for (const hex of ['0000', '8000', 'f400', '6161ff', 'a0a0']) rejects(hex, 'OPERATION_CBOR_INVALID');
  });

  test('absurd lengths fail fast with OPERATION_CBOR_INVALID, without allocating', () => {
    const started = performance.now();
    for (const hex of [
      '9b1000000000000000', // array of 2^60 items
      '9b1000000000000000' + '00'.repeat(16),
      '9bffffffffffffffff',
      '9affffffff01', // array of 2^32 - 1 items
      '5b1000000000000000', // byte string of 2^60 bytes
      '7b1000000000000000', // text of 2^60 bytes
      'bb1000000000000000', // map of 2^60 pairs
      '9a0001000000', // 65536 items, none there
      '8301', // three items, one there
      'a2616101', // two pairs, one there
    ]) {
      rejects(hex, 'OPERATION_CBOR_INVALID');
    }
    assert.ok(performance.now() - started < 200, 'took too long');
  });

  test('nesting: 8 levels inside the root decode, 9 are OPERATION_CBOR_INVALID, 100000 fail without a stack overflow', () => {
    assert.deepEqual(decodeHex('81'.repeat(8) + '01'), [[[[[[[[1n]]]]]]]]);
    rejects('81'.repeat(9) + '01', 'OPERATION_CBOR_INVALID');
    rejects('81'.repeat(100_000) + '01', 'OPERATION_CBOR_INVALID');
    // maps count too
    rejects('a16161'.repeat(9) + '01', 'OPERATION_CBOR_INVALID');
  });

  test('the canonical encoding of every decoded value is its input (one value, one encoding)', () => {
    for (const hex of [
      '00',
      '17',
      '1818',
      '3b7fffffffffffffff',
      'f94480',
      'fa47c35000',
      'fb3fb999999999999a',
      'f90001',
      '62c3bc',
      '420102',
      '8201820203',
      'a2616101616261' + '63',
      'f5',
      'f4',
    ]) {
      assert.equal(encodeHex(decodeHex(hex)), hex);
    }
  });
});
