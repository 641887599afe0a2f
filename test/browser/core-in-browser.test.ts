/// <reference types="mocha" />
/**
 * The core in a Chromium page: WebCrypto Ed25519 is found and used, RFC 8032 vectors sign
 * and verify, and entries encode and decode the same on the native and the noble backend.
 */
import { expect } from 'chai';
import {
  KeyPair,
  bytesToHex,
  decodeEntry,
  encodeOperation,
  generateHash,
  hexToBytes,
  isPandaError,
  signAndEncodeEntry,
  verifySignature,
  type Entry,
} from '../../core/index.js';
import { forceEd25519Backend, hasNativeEd25519 } from '../../core/identity/ed25519.js';
import { EVENT_SCHEMA, expectPandaError } from './fixtures.js';

// RFC 8032 section 7.1, TEST 1 and TEST 2.
const RFC8032 = [
  {
    name: 'TEST 1',
    secret: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    secret: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
];

/** Counts calls of crypto.subtle.sign and .verify (own properties shadowing the prototype's). */
function spyOnSubtle() {
  const subtle = crypto.subtle;
  const counts = { sign: 0, verify: 0 };
  const sign = subtle.sign;
  const verify = subtle.verify;
  subtle.sign = function (...args: Parameters<SubtleCrypto['sign']>) {
    counts.sign += 1;
    return sign.apply(this, args);
  };
  subtle.verify = function (...args: Parameters<SubtleCrypto['verify']>) {
    counts.verify += 1;
    return verify.apply(this, args);
  };
  return {
    counts,
    restore() {
      Reflect.deleteProperty(subtle, 'sign');
      Reflect.deleteProperty(subtle, 'verify');
    },
  };
}

function flipBit(hex: string, byte: number): string {
  const bytes = hexToBytes(hex);
  bytes[byte]! ^= 0x01;
  return bytesToHex(bytes);
}

describe('core in a Chromium page', () => {
  let spy: ReturnType<typeof spyOnSubtle> | undefined;

  afterEach(() => {
    forceEd25519Backend(undefined);
    spy?.restore();
    spy = undefined;
  });

  it('finds a working WebCrypto Ed25519', async () => {
    expect(isSecureContext).to.equal(true);
    expect(typeof crypto.subtle.sign).to.equal('function');
    expect(await hasNativeEd25519()).to.equal(true);
    // The probe is cached, and forcing noble does not change what the platform can do.
    forceEd25519Backend('noble');
    expect(await hasNativeEd25519()).to.equal(true);
  });

  for (const backend of ['native', 'noble'] as const) {
    it(`signs and verifies the RFC 8032 vectors on the ${backend} backend`, async () => {
      await hasNativeEd25519();
      forceEd25519Backend(backend);
      spy = spyOnSubtle();
      for (const vector of RFC8032) {
        const keyPair = KeyPair.fromPrivateKey(vector.secret);
        const message = hexToBytes(vector.message);
        expect(keyPair.publicKey(), vector.name).to.equal(vector.publicKey);
        expect(bytesToHex(await keyPair.sign(message)), vector.name).to.equal(vector.signature);
        expect(await verifySignature(vector.publicKey, message, vector.signature), vector.name).to.equal(true);
        // A flipped bit in R, in s, in the key or in the message breaks the signature.
        expect(await verifySignature(vector.publicKey, message, flipBit(vector.signature, 3))).to.equal(false);
        expect(await verifySignature(vector.publicKey, message, flipBit(vector.signature, 40))).to.equal(false);
        expect(await verifySignature(flipBit(vector.publicKey, 5), message, vector.signature)).to.equal(false);
        expect(await verifySignature(vector.publicKey, new Uint8Array([...message, 0]), vector.signature)).to.equal(false);
      }
      // A string message is signed as its UTF-8 text (as p2panda-js 0.8.1 does), not as hex.
      const test2 = KeyPair.fromPrivateKey(RFC8032[1]!.secret);
      const text = await test2.sign('72');
      expect(bytesToHex(text)).to.equal(bytesToHex(await test2.sign(new TextEncoder().encode('72'))));
      expect(bytesToHex(text)).to.not.equal(RFC8032[1]!.signature);
      expect(await verifySignature(RFC8032[1]!.publicKey, '72', text)).to.equal(true);
      expect(await verifySignature(RFC8032[1]!.publicKey, '72', RFC8032[1]!.signature)).to.equal(false);
      // The backend in use is the one asked for: WebCrypto natively, never under noble.
      if (backend === 'native') {
        expect(spy.counts.sign).to.equal(RFC8032.length + 2);
        expect(spy.counts.verify).to.be.at.least(RFC8032.length + 1);
      } else {
        expect(spy.counts).to.deep.equal({ sign: 0, verify: 0 });
      }
    });
  }

  it('decodes an entry made with signAndEncodeEntry, identically on WebCrypto and noble', async () => {
    const keyPair = KeyPair.fromPrivateKey('5e'.repeat(32));
    const operation = encodeOperation({ schemaId: EVENT_SCHEMA.id, fields: { title: 'Sunrise yoga', slot: 6, cancelled: false } });
    const backlink = generateHash(new Uint8Array([3]));
    const skiplink = generateHash(new Uint8Array([1]));

    await hasNativeEd25519();
    spy = spyOnSubtle();
    const first = await signAndEncodeEntry({ logId: 7, seqNum: 1, operation }, keyPair);
    // lipmaa(4) = 1: the fourth entry carries a skiplink besides its backlink.
    const fourth = await signAndEncodeEntry({ logId: 7, seqNum: 4, backlink, skiplink, operation }, keyPair);
    const decodedFirst = await decodeEntry(first);
    const decodedFourth = await decodeEntry(bytesToHex(fourth));
    expect(spy.counts.sign).to.equal(2);
    expect(spy.counts.verify).to.equal(2);

    const expectedFirst: Entry = {
      publicKey: keyPair.publicKey(),
      logId: 7n,
      seqNum: 1n,
      payloadSize: BigInt(operation.length),
      payloadHash: generateHash(operation),
      signature: bytesToHex(first.subarray(first.length - 64)),
    };
    expect(decodedFirst).to.deep.equal(expectedFirst);
    expect(decodedFourth).to.deep.equal({
      ...expectedFirst,
      seqNum: 4n,
      backlink,
      skiplink,
      signature: bytesToHex(fourth.subarray(fourth.length - 64)),
    });
    // 1 tag + 32 key + 1 log id + 1 seq + 34 payload hash + 1 size + 64 signature, plus two links.
    expect(first.length).to.equal(1 + 32 + 1 + 1 + 1 + 34 + 64);
    expect(fourth.length).to.equal(first.length + 2 * 34);

    const tampered = first.slice();
    tampered[40]! ^= 0x01;
    await expectPandaError(decodeEntry(tampered), 'ENTRY_SIGNATURE_INVALID');

    spy.restore();
    spy = spyOnSubtle();
    forceEd25519Backend('noble');
    expect(await decodeEntry(first)).to.deep.equal(decodedFirst);
    expect(await decodeEntry(fourth)).to.deep.equal(decodedFourth);
    // Ed25519 is deterministic: noble signs the very same bytes.
    expect(bytesToHex(await signAndEncodeEntry({ logId: 7, seqNum: 1, operation }, keyPair))).to.equal(bytesToHex(first));
    expect(bytesToHex(await signAndEncodeEntry({ logId: 7, seqNum: 4, backlink, skiplink, operation }, keyPair))).to.equal(bytesToHex(fourth));
    const error = await expectPandaError(decodeEntry(tampered), 'ENTRY_SIGNATURE_INVALID');
    expect(isPandaError(error, 'ENTRY_SIGNATURE_INVALID')).to.equal(true);
    expect(spy.counts).to.deep.equal({ sign: 0, verify: 0 });

    // And back on WebCrypto after the restore.
    forceEd25519Backend(undefined);
    expect(await decodeEntry(first)).to.deep.equal(decodedFirst);
    expect(spy.counts.verify).to.equal(1);
  });
});
