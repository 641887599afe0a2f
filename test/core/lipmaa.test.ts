import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { lipmaa, isSkiplinkRequired } from '../../core/index.js';

// lipmaa(1..40) as tabulated by the lipmaa-link crate that bamboo-rs builds on (which
// returns 1 for n = 1; Bamboo and p2panda use 0 there), plus the (3^k - 1) / 2 spine.
const TABLE: Array<[number, number]> = [
  [1, 0],
  [2, 1],
  [3, 2],
  [4, 1],
  [5, 4],
  [6, 5],
  [7, 6],
  [8, 4],
  [9, 8],
  [10, 9],
  [11, 10],
  [12, 8],
  [13, 4],
  [14, 13],
  [15, 14],
  [16, 15],
  [17, 13],
  [18, 17],
  [19, 18],
  [20, 19],
  [21, 17],
  [22, 21],
  [23, 22],
  [24, 23],
  [25, 21],
  [26, 13],
  [27, 26],
  [28, 27],
  [29, 28],
  [30, 26],
  [31, 30],
  [32, 31],
  [33, 32],
  [34, 30],
  [35, 34],
  [36, 35],
  [37, 36],
  [38, 34],
  [39, 26],
  [40, 13],
  [121, 40],
  [364, 121],
  [1093, 364],
  [3280, 1093],
  [4294967295, 4294967294],
];

describe('lipmaa', () => {
  test('lipmaa(1..13) = 0,1,2,1,4,5,6,4,8,9,10,8,4', () => {
    const values = Array.from({ length: 13 }, (_, i) => lipmaa(BigInt(i + 1)));
    assert.deepEqual(values, [0n, 1n, 2n, 1n, 4n, 5n, 6n, 4n, 8n, 9n, 10n, 8n, 4n]);
  });

  for (const [n, expected] of TABLE) {
    test(`lipmaa(${n}) = ${expected}`, () => {
      assert.equal(lipmaa(BigInt(n)), BigInt(expected));
    });
  }

  test('on the spine (3^k - 1) / 2 the link goes 3^(k-1) back, to the previous spine position', () => {
    for (let k = 2n; k <= 40n; k++) {
      const n = (3n ** k - 1n) / 2n;
      assert.equal(lipmaa(n), n - 3n ** (k - 1n), `k = ${k}`);
      assert.equal(lipmaa(n), (3n ** (k - 1n) - 1n) / 2n, `k = ${k}`);
    }
  });

  test('always points strictly back, for small and for 64-bit sequence numbers', () => {
    for (let n = 1n; n <= 3000n; n++) {
      const l = lipmaa(n);
      assert.ok(l < n && l >= 0n, `lipmaa(${n}) = ${l}`);
    }
    for (const n of [2n ** 32n, 2n ** 53n - 1n, 2n ** 63n, 2n ** 64n - 1n]) {
      const l = lipmaa(n);
      assert.ok(l < n && l > 0n, `lipmaa(${n}) = ${l}`);
    }
  });
});

describe('isSkiplinkRequired', () => {
  const required = [4, 8, 12, 13, 17, 21, 25, 26, 30, 34, 38, 39, 40];
  const notRequired = [1, 2, 3, 5, 6, 7, 9, 10, 11, 14, 15, 16, 18, 19, 20, 22, 41];

  test(`true at ${required.join(', ')}`, () => {
    for (const n of required) assert.equal(isSkiplinkRequired(BigInt(n)), true, `seq ${n}`);
  });

  test(`false at ${notRequired.join(', ')}`, () => {
    for (const n of notRequired) assert.equal(isSkiplinkRequired(BigInt(n)), false, `seq ${n}`);
  });

  test('exactly the positions 2..40 of the table whose link is not the backlink', () => {
    const expected = TABLE.filter(([n, l]) => n >= 2 && n <= 40 && l !== n - 1).map(([n]) => n);
    const actual: number[] = [];
    for (let n = 1; n <= 40; n++) if (isSkiplinkRequired(BigInt(n))) actual.push(n);
    assert.deepEqual(actual, expected);
    assert.deepEqual(actual, required);
  });

  test('false for seq 0 and 1 (no links at all)', () => {
    assert.equal(isSkiplinkRequired(0n), false);
    assert.equal(isSkiplinkRequired(1n), false);
  });
});
