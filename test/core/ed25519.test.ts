import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from 'node:crypto';
import {
  SMALL_ORDER_POINT_ENCODINGS,
  forceEd25519Backend,
  hasNativeEd25519,
  isStrictlyWellFormed,
  verify,
  verifyWithNoble,
  verifyWithWebCrypto,
} from '../../core/identity/ed25519.js';
import { KeyPair, bytesToHex, hexToBytes, verifySignature } from '../../core/index.js';
import { concatBytes } from '../../core/bytes.js';
import { hasCode } from './support.js';

ed.hashes.sha512 = sha512;

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const P = 2n ** 255n - 19n;
const B = ed.Point.BASE;

function numberToLE(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

function numberFromLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The Ed25519 challenge k = SHA-512(R || A || M) mod L. */
const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array) => numberFromLE(sha512(concatBytes(r, a, m))) % L;

const signature = (r: Uint8Array, s: bigint) => concatBytes(r, numberToLE(s));

/** A random scalar in [1, L). */
const randomScalar = () => (numberFromLE(randomBytes(64)) % (L - 1n)) + 1n;

type Backend = 'noble' | 'native' | undefined;
const BACKENDS: Backend[] = ['noble', 'native', undefined];

after(() => forceEd25519Backend(undefined));

async function withBackend<T>(backend: Backend, run: () => Promise<T>): Promise<T> {
  forceEd25519Backend(backend);
  try {
    return await run();
  } finally {
    forceEd25519Backend(undefined);
  }
}

/** Every verification path: noble, WebCrypto, and `verify` under each forced backend. */
async function allVerdicts(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array) {
  return {
    noble: verifyWithNoble(publicKey, message, sig),
    webcrypto: await verifyWithWebCrypto(publicKey, message, sig),
    forcedNoble: await withBackend('noble', () => verify(publicKey, message, sig)),
    forcedNative: await withBackend('native', () => verify(publicKey, message, sig)),
    automatic: await verify(publicKey, message, sig),
    verifySignature: await verifySignature(publicKey, message, sig),
  };
}

async function assertVerdict(publicKey: Uint8Array, message: Uint8Array, sig: Uint8Array, expected: boolean, what: string) {
  const verdicts = await allVerdicts(publicKey, message, sig);
  for (const [path, verdict] of Object.entries(verdicts)) assert.equal(verdict, expected, `${what}: ${path}`);
}

// RFC 8032 section 7.1, TEST 1 to 3: secret key, public key, message, signature.
const RFC8032 = [
  {
    name: 'TEST 1 (empty message)',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2 (one byte)',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3 (two bytes)',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature: '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
];

describe('backends', () => {
  test('Node has a working WebCrypto Ed25519, so the native backend is really exercised', async () => {
    assert.equal(await hasNativeEd25519(), true);
  });
});

describe('RFC 8032 section 7.1 test vectors', () => {
  for (const vector of RFC8032) {
    for (const backend of BACKENDS) {
      test(`${vector.name} on backend ${backend ?? 'automatic'}`, async () => {
        await withBackend(backend, async () => {
          const keyPair = new KeyPair(vector.secretKey);
          assert.equal(keyPair.publicKey(), vector.publicKey);
          const sig = await keyPair.sign(hexToBytes(vector.message));
          assert.equal(bytesToHex(sig), vector.signature);
          assert.equal(await verify(hexToBytes(vector.publicKey), hexToBytes(vector.message), hexToBytes(vector.signature)), true);
          assert.equal(await verifySignature(vector.publicKey, hexToBytes(vector.message), vector.signature), true);
          // and a one-bit change to the message does not verify
          const other = concatBytes(hexToBytes(vector.message), Uint8Array.of(0));
          assert.equal(await verify(hexToBytes(vector.publicKey), other, hexToBytes(vector.signature)), false);
        });
      });
    }
    test(`${vector.name}: verifyWithNoble and verifyWithWebCrypto both accept`, async () => {
      const [pk, msg, sig] = [vector.publicKey, vector.message, vector.signature].map(hexToBytes) as [Uint8Array, Uint8Array, Uint8Array];
      assert.equal(verifyWithNoble(pk, msg, sig), true);
      assert.equal(await verifyWithWebCrypto(pk, msg, sig), true);
    });
  }
});

describe('small-order points', () => {
  test('there are 8 distinct encodings', () => {
    assert.equal(SMALL_ORDER_POINT_ENCODINGS.length, 8);
    assert.equal(new Set(SMALL_ORDER_POINT_ENCODINGS).size, 8);
    for (const hex of SMALL_ORDER_POINT_ENCODINGS) assert.match(hex, /^[0-9a-f]{64}$/);
  });

  test('each decodes with noble (strict decoding) to a point of small order, all distinct, covering the whole torsion group', () => {
    const points = SMALL_ORDER_POINT_ENCODINGS.map((hex) => ed.Point.fromBytes(hexToBytes(hex), false));
    const orders: number[] = [];
    for (const [i, point] of points.entries()) {
      assert.equal(point.isSmallOrder(), true, SMALL_ORDER_POINT_ENCODINGS[i]);
      assert.equal(point.multiplyUnsafe(8n).is0(), true);
      // canonical: re-encoding gives the same bytes
      assert.equal(bytesToHex(point.toBytes()), SMALL_ORDER_POINT_ENCODINGS[i]);
      let order = 1;
      while (!point.multiplyUnsafe(BigInt(order)).is0()) order++;
      orders.push(order);
      for (let j = 0; j < i; j++) assert.equal(point.equals(points[j]!), false, `${i} equals ${j}`);
    }
    // the torsion subgroup is cyclic of order 8: one point of order 1, one of order 2, two of order 4, four of order 8
    assert.deepEqual(
      [...orders].sort((a, b) => a - b),
      [1, 2, 4, 4, 8, 8, 8, 8],
    );
  });
});

describe('strict signature rules', () => {
  const keyPair = new KeyPair('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const { scalar: a, pointBytes: A } = ed.utils.getExtendedPublicKey(keyPair.privateKeyBytes());

  test('s >= L (a valid signature with L added to s) is rejected everywhere', async () => {
    const message = utf8('unreduced scalar');
    const sig = await keyPair.sign(message);
    await assertVerdict(A, message, sig, true, 'original');
    const s = numberFromLE(sig.subarray(32));
    const high = signature(sig.subarray(0, 32), s + L);
    // the group equation still holds for s + L, since [L]B is the identity
    assert.equal(
      B.multiplyUnsafe(L - 1n)
        .add(B)
        .is0(),
      true,
    );
    await assertVerdict(A, message, high, false, 's + L');
    assert.equal(isStrictlyWellFormed(A, high), false);
    // s = L exactly and s = 2^256 - 1 as well
    await assertVerdict(A, message, signature(sig.subarray(0, 32), L), false, 's = L');
    await assertVerdict(A, message, signature(sig.subarray(0, 32), 2n ** 256n - 1n), false, 's = 2^256 - 1');
  });

  test('a non-canonical R (y >= p) is rejected although the equation holds for the point it denotes', async () => {
    // y = p + 1 is a non-canonical encoding of y = 1, the identity.
    const r = numberToLE(P + 1n);
    assert.equal(bytesToHex(r), 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f');
    assert.equal(ed.Point.fromBytes(r, true).is0(), true, 'lenient (ZIP 215) decoding gives the identity');
    const message = utf8('non-canonical R');
    const k = challenge(r, A, message);
    const sig = signature(r, (k * a) % L);
    // [s]B = [k]A = identity + [k]A: the cofactorless equation holds for the decoded R
    assert.equal(B.multiply((k * a) % L).equals(ed.Point.fromBytes(A, false).multiply(k)), true);
    await assertVerdict(A, message, sig, false, 'R = p + 1');
    // and every other y >= p encoding, with or without the sign bit
    for (let y = P; y < 2n ** 255n; y++) {
      for (const sign of [0n, 2n ** 255n]) {
        const sigY = signature(numberToLE(y + sign), 1n);
        assert.equal(isStrictlyWellFormed(A, sigY), false, `R with y = p + ${y - P}, sign ${sign > 0n}`);
        assert.equal(verifyWithNoble(A, message, sigY), false);
      }
    }
  });

  test('small-order public keys with the trivial signature (R = identity, s = 0) are rejected although the cofactorless equation holds', async () => {
    const identity = hexToBytes('0100000000000000000000000000000000000000000000000000000000000000');
    const trivial = concatBytes(identity, new Uint8Array(32));
    for (const hex of SMALL_ORDER_POINT_ENCODINGS) {
      const key = hexToBytes(hex);
      const point = ed.Point.fromBytes(key, false);
      // find a message for which [k]A = identity, so that [0]B = R + [k]A holds
      let message: Uint8Array | undefined;
      for (let i = 0; i < 1000 && !message; i++) {
        const candidate = utf8(`small order ${i}`);
        if (point.multiplyUnsafe(challenge(identity, key, candidate)).is0()) message = candidate;
      }
      assert.ok(message, `no message found for ${hex}`);
      const k = challenge(identity, key, message);
      assert.equal(B.multiplyUnsafe(0n).equals(ed.Point.ZERO.add(point.multiplyUnsafe(k))), true, 'cofactorless equation holds');
      await assertVerdict(key, message, trivial, false, `public key ${hex}`);
    }
  });

  test('encodings of x = 0 with the sign bit set are rejected, as public key and as R', async () => {
    const negativeZeroIdentity = hexToBytes('0100000000000000000000000000000000000000000000000000000000000080');
    const negativeZeroMinusOne = hexToBytes('ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff');
    assert.equal(ed.Point.fromBytes(negativeZeroIdentity, true).is0(), true, 'lenient decoding ignores the sign bit');

    // as R: with R decoding (leniently) to the identity, s = k·a satisfies [s]B = R + [k]A
    const message = utf8('x = 0 with sign bit');
    for (const r of [negativeZeroIdentity, negativeZeroMinusOne]) {
      const k = challenge(r, A, message);
      const sig = signature(r, (k * a) % L);
      await assertVerdict(A, message, sig, false, `R = ${bytesToHex(r)}`);
    }

    // as public key: with the trivial signature the equation holds for the lenient identity
    const trivial = concatBytes(hexToBytes('0100000000000000000000000000000000000000000000000000000000000000'), new Uint8Array(32));
    await assertVerdict(negativeZeroIdentity, message, trivial, false, 'public key -0 identity');
    await assertVerdict(negativeZeroMinusOne, message, trivial, false, 'public key -0 of y = -1');
  });

  describe("mixed-order public key A' = A + T (T of order 8)", () => {
    const T = ed.Point.fromBytes(hexToBytes(SMALL_ORDER_POINT_ENCODINGS[4]!), false);
    assert.equal(T.multiplyUnsafe(4n).is0(), false, 'T has order 8');
    const APoint = B.multiply(a);
    const mixed = APoint.add(T);
    const mixedBytes = mixed.toBytes();
    const r = randomScalar();
    const R = B.multiply(r);
    const rBytes = R.toBytes();

    /** A message whose challenge satisfies `accept`. */
    function findMessage(accept: (k: bigint) => boolean): [Uint8Array, bigint] {
      for (let i = 0; i < 10_000; i++) {
        const message = utf8(`mixed order ${i}`);
        const k = challenge(rBytes, mixedBytes, message);
        if (accept(k)) return [message, k];
      }
      throw new Error('no message found');
    }

    test('the key is neither small order nor torsion free, and passes the byte checks', () => {
      assert.equal(mixed.isSmallOrder(), false);
      assert.equal(mixed.isTorsionFree(), false);
      assert.equal(SMALL_ORDER_POINT_ENCODINGS.includes(bytesToHex(mixedBytes)), false);
    });

    test('accepted on both backends when the cofactorless equation holds (k ≡ 0 mod 8)', async () => {
      const [message, k] = findMessage((k) => k % 8n === 0n);
      const s = (r + k * a) % L;
      assert.equal(B.multiply(s).equals(R.add(mixed.multiplyUnsafe(k))), true, 'cofactorless equation holds');
      await assertVerdict(mixedBytes, message, signature(rBytes, s), true, 'cofactorless valid');
    });

    test('rejected on both backends when only the cofactored equation holds (k odd)', async () => {
      const [message, k] = findMessage((k) => k % 2n === 1n);
      const s = (r + k * a) % L;
      assert.equal(B.multiply(s).equals(R.add(mixed.multiplyUnsafe(k))), false, 'cofactorless equation fails');
      assert.equal(
        B.multiply(s)
          .multiplyUnsafe(8n)
          .equals(R.add(mixed.multiplyUnsafe(k)).multiplyUnsafe(8n)),
        true,
        'cofactored equation holds',
      );
      // noble's own verify checks the cofactored equation and accepts it: the reason ed25519.ts does not use it
      assert.equal(ed.verify(signature(rBytes, s), message, mixedBytes, { zip215: false }), true);
      await assertVerdict(mixedBytes, message, signature(rBytes, s), false, 'cofactored only');
    });

    test('a mixed-order R is accepted when the cofactorless equation holds and rejected when it does not', async () => {
      const torsion = SMALL_ORDER_POINT_ENCODINGS.slice(4).map((hex) => ed.Point.fromBytes(hexToBytes(hex), false));
      let accepted = 0;
      let rejected = 0;
      for (let i = 0; i < 400 && (accepted < 2 || rejected < 2); i++) {
        const t = torsion[i % 4]!;
        const R2 = R.add(t);
        const r2Bytes = R2.toBytes();
        const message = utf8(`mixed R ${i}`);
        const k = challenge(r2Bytes, mixedBytes, message);
        const s = (r + k * a) % L;
        const holds = B.multiply(s).equals(R2.add(mixed.multiplyUnsafe(k)));
        // holds exactly when t + [k]T is the identity
        assert.equal(holds, t.add(T.multiplyUnsafe(k)).is0());
        if (holds ? accepted >= 2 : rejected >= 2) continue;
        await assertVerdict(mixedBytes, message, signature(r2Bytes, s), holds, `mixed R, attempt ${i}`);
        if (holds) accepted++;
        else rejected++;
      }
      assert.ok(accepted >= 2 && rejected >= 2, `accepted ${accepted}, rejected ${rejected}`);
    });
  });
});

describe('verifyWithWebCrypto and verifyWithNoble agree', () => {
  test('on 300 random valid signatures and 300 single-bit mutations of key, signature or message', async () => {
    const counts = { valid: 0, mutatedTrue: 0, mutatedFalse: 0 };
    for (let i = 0; i < 300; i++) {
      const secretKey = randomBytes(32);
      const publicKey = ed.getPublicKey(secretKey);
      const message = randomBytes(1 + (i % 97));
      const sig = ed.sign(message, secretKey);
      assert.equal(verifyWithNoble(publicKey, message, sig), true, `valid ${i} (noble)`);
      assert.equal(await verifyWithWebCrypto(publicKey, message, sig), true, `valid ${i} (webcrypto)`);
      counts.valid++;

      const parts = [publicKey.slice(), message.slice(), sig.slice()] as const;
      const target = parts[i % 3]!;
      const bit = Math.floor(Math.random() * target.length * 8);
      target[bit >> 3]! ^= 1 << (bit & 7);
      const [pk, msg, s] = parts;
      const noble = verifyWithNoble(pk, msg, s);
      const webcrypto = await verifyWithWebCrypto(pk, msg, s);
      assert.equal(webcrypto, noble, `mutation ${i}: flipped bit ${bit} of ${['key', 'message', 'signature'][i % 3]}`);
      if (noble) counts.mutatedTrue++;
      else counts.mutatedFalse++;
    }
    assert.equal(counts.valid, 300);
    // no single-bit change of key, message or signature leaves a valid signature
    assert.equal(counts.mutatedTrue, 0);
  });
});

describe('KeyPair', () => {
  const secret = '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb';
  const publicKey = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';

  test('from hex and from bytes give the same key pair', () => {
    const fromHex = new KeyPair(secret);
    const fromBytes = KeyPair.fromPrivateKey(hexToBytes(secret));
    for (const keyPair of [fromHex, fromBytes]) {
      assert.equal(keyPair.publicKey(), publicKey);
      assert.equal(keyPair.privateKey(), secret);
      assert.deepEqual(keyPair.publicKeyBytes(), hexToBytes(publicKey));
      assert.deepEqual(keyPair.privateKeyBytes(), hexToBytes(secret));
    }
  });

  test('keeps its own copy of the private key bytes', () => {
    const bytes = hexToBytes(secret);
    const keyPair = new KeyPair(bytes);
    bytes.fill(0);
    assert.equal(keyPair.privateKey(), secret);
    keyPair.privateKeyBytes().fill(0);
    keyPair.publicKeyBytes().fill(0);
    assert.equal(keyPair.privateKey(), secret);
    assert.equal(keyPair.publicKey(), publicKey);
  });

  test('generate makes distinct valid key pairs', async () => {
    const a = KeyPair.generate();
    const b = new KeyPair();
    assert.notEqual(a.publicKey(), b.publicKey());
    assert.match(a.publicKey(), /^[0-9a-f]{64}$/);
    const sig = await a.sign(Uint8Array.of(0x00, 0xff));
    assert.equal(await verifySignature(a.publicKey(), Uint8Array.of(0x00, 0xff), sig), true);
    assert.equal(await verifySignature(b.publicKey(), Uint8Array.of(0x00, 0xff), sig), false);
  });

  test('a string message is signed as its UTF-8 text, as p2panda-js 0.8.1 does', async () => {
    const keyPair = new KeyPair();
    const sig = await keyPair.sign('00ff');
    assert.equal(await verifySignature(keyPair.publicKey(), new TextEncoder().encode('00ff'), sig), true);
    assert.equal(await verifySignature(keyPair.publicKey(), Uint8Array.of(0x00, 0xff), sig), false);
    assert.equal(await verifySignature(keyPair.publicKey(), 'Grüße', await keyPair.sign('Grüße')), true);
  });

  for (const [what, input] of [
    ['31 bytes', new Uint8Array(31)],
    ['33 bytes', new Uint8Array(33)],
    ['0 bytes', new Uint8Array(0)],
    ['62 hex characters', secret.slice(2)],
    ['66 hex characters', secret + '00'],
    ['the empty string', ''],
  ] as const) {
    test(`a private key of ${what} is rejected with KEY_INVALID`, () => {
      assert.throws(() => new KeyPair(input), hasCode('KEY_INVALID'));
      assert.throws(() => KeyPair.fromPrivateKey(input), hasCode('KEY_INVALID'));
    });
  }

  test('a private key that is not hex is rejected with HEX_INVALID', () => {
    assert.throws(() => new KeyPair('zz' + secret.slice(2)), hasCode('HEX_INVALID'));
    assert.throws(() => new KeyPair(secret.slice(1)), hasCode('HEX_INVALID'));
  });
});

describe('verifySignature never throws on garbage', () => {
  const vector = RFC8032[1]!;
  const cases: Array<[string, unknown, unknown, unknown]> = [
    ['non-hex key', 'xyz', vector.message, vector.signature],
    ['odd-length hex key', vector.publicKey.slice(1), vector.message, vector.signature],
    ['short key', vector.publicKey.slice(2), vector.message, vector.signature],
    ['long key', vector.publicKey + '00', vector.message, vector.signature],
    ['empty key', '', vector.message, vector.signature],
    ['non-hex message', vector.publicKey, 'not hex', vector.signature],
    ['short signature', vector.publicKey, vector.message, vector.signature.slice(2)],
    ['long signature', vector.publicKey, vector.message, vector.signature + '00'],
    ['empty signature', vector.publicKey, vector.message, new Uint8Array(0)],
    ['all-zero signature', vector.publicKey, vector.message, new Uint8Array(64)],
    ['all-ff signature', vector.publicKey, vector.message, new Uint8Array(64).fill(0xff)],
    ['key not on the curve', '02' + '00'.repeat(31), vector.message, vector.signature],
    ['key with y = p', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', vector.message, vector.signature],
    ['all-ff key', 'ff'.repeat(32), vector.message, vector.signature],
    ['number as key', 42, vector.message, vector.signature],
    ['null message', vector.publicKey, null, vector.signature],
    ['undefined signature', vector.publicKey, vector.message, undefined],
    ['object as signature', vector.publicKey, vector.message, { length: 64 }],
    ['array as key', Array.from(hexToBytes(vector.publicKey)), vector.message, vector.signature],
  ];
  for (const [what, key, message, sig] of cases) {
    test(`${what} -> false`, async () => {
      for (const backend of BACKENDS) {
        const result = await withBackend(backend, () => verifySignature(key as Uint8Array, message as Uint8Array, sig as Uint8Array));
        assert.equal(result, false, `backend ${backend ?? 'automatic'}`);
      }
    });
  }

  test('the same inputs, made valid, verify (the garbage cases are not vacuous)', async () => {
    assert.equal(await verifySignature(vector.publicKey, hexToBytes(vector.message), vector.signature), true);
    assert.equal(await verifySignature(hexToBytes(vector.publicKey), hexToBytes(vector.message), hexToBytes(vector.signature)), true);
  });
});
