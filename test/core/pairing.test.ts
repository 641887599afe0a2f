/**
 * Device pairing (core/identity/pairing.ts): the offer and reply codes round trip, a fixed
 * vector pins their bytes, and every refusal has its own code: expired, used twice, for
 * another vault, unknown offer, the device itself, a tampered field (key, MAC, signature,
 * expiry) and a mistyped or cut-off code.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { base32nopad } from '@scure/base';
import { bytesToHex, decodePairingOffer, decodePairingReply, encodePairingOffer, encodePairingReply, hashingReady, verifySignature } from '../../core/index.js';
import {
  acceptPairingReply,
  answerPairingOffer,
  createPairingOffer,
  deviceFingerprint,
  type OpenPairingOffer,
  type PairingReply,
} from '../../core/identity/pairing.js';
import { keyOf } from './festival-support.js';
import { hasCode } from './support.js';

await hashingReady();

const A = keyOf(0xa1);
const B = keyOf(0xb2);
const M = keyOf(0x66); // Mallory
const SECRET = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const NOW = 1_780_000_000;

const offerOf = (vault = A.publicKey()) => createPairingOffer(vault, NOW, { secret: SECRET });

async function refused(promise: Promise<unknown> | (() => unknown), code: string): Promise<void> {
  await assert.rejects(async () => (typeof promise === 'function' ? promise() : promise), hasCode(code));
}

describe('pairing codes', () => {
  test('a fixed vector: the codes of known keys, secret and time, and their bytes checked independently', async () => {
    const offer = offerOf();
    assert.equal(offer.expiresAt, NOW + 600);
    const code = encodePairingOffer(offer);
    assert.equal(code, 'PKPAIR1:XR6L-ZNLD-MN27-UHMC-INGU-MZZE-3ERX-P5J3-TADJ-LXKJ-2JWQ-ZYJC-AWSQ-CAQD-AQCQ-MBYI-BEFA-WDAN-BYHR-A2QY-U5MN-PLI');
    const expiry = Buffer.alloc(4);
    expiry.writeUInt32BE(NOW + 600);
    const offerBytes = base32nopad.decode(code.slice(8).replaceAll('-', ''));
    assert.equal(bytesToHex(offerBytes.subarray(0, 52)), A.publicKey() + bytesToHex(SECRET) + expiry.toString('hex'));

    const reply = await answerPairingOffer(decodePairingOffer(code), B, NOW);
    const text = encodePairingReply(reply);
    assert.equal(
      text,
      'PKJOIN1:XR6L-ZNLK-DCTV-QVIV-J5BA-MXVF-UG7K-AVDD-QJV6-E2CO-XEW7-SLAQ-AAT2-VOVO-K7FF-KQQH-22GA-2H2V-LPCO-QHPS-CEND-DKZ6-6K6Z-DTVN-PMTG-ELPN-BM7E-AIAL-RC7M-OS7B-FB2U-RQ7A-233S-WHQ5-JZO6-HI2I-XNUD-7I6E-HEJD-Y5MM-4FIA-3QKD-S3VW-IA2L-RZHB-457N-EN24-HMAC-AM5Q',
    );
    // vault tag (4) | expiry (4) | B's key (32) | HMAC-SHA-256 cut to 16 | Ed25519 signature (64) | check (2)
    const replyBytes = base32nopad.decode(text.slice(8).replaceAll('-', ''));
    assert.equal(replyBytes.length, 122);
    assert.equal(bytesToHex(replyBytes.subarray(0, 8)), A.publicKey().slice(0, 8) + expiry.toString('hex'));
    assert.equal(bytesToHex(replyBytes.subarray(8, 40)), B.publicKey());
    const message = Buffer.concat([Buffer.from('panda-kit/pairing/v1'), Buffer.from(A.publicKey(), 'hex'), Buffer.from(B.publicKey(), 'hex'), expiry]);
    assert.equal(bytesToHex(replyBytes.subarray(40, 56)), createHmac('sha256', SECRET).update(message).digest('hex').slice(0, 32));
    assert.ok(await verifySignature(B.publicKey(), message, replyBytes.subarray(56, 120)));
    assert.equal(deviceFingerprint(B.publicKey()), '655c 4ea7 f5c4 cb29');
  });

  test('round trip: B answers the offer it read, A accepts and both show the same fingerprint', async () => {
    const offer = createPairingOffer(A.publicKey(), NOW);
    assert.equal(offer.secret.length, 16);
    assert.notDeepEqual(offer.secret, createPairingOffer(A.publicKey(), NOW).secret, 'a fresh secret per offer');
    const read = decodePairingOffer(encodePairingOffer(offer));
    assert.deepEqual(read, offer);
    const reply = await answerPairingOffer(read, B, NOW + 30);
    const text = encodePairingReply(reply);
    assert.deepEqual(decodePairingReply(text), reply);
    const accepted = await acceptPairingReply(A.publicKey(), [offerOf(), offer], decodePairingReply(text), NOW + 60);
    assert.equal(accepted.offer, offer, 'the offer the reply answers, among several open ones');
    assert.equal(accepted.device, B.publicKey());
    assert.equal(accepted.fingerprint, deviceFingerprint(B.publicKey()));
    assert.match(accepted.fingerprint, /^[0-9a-f]{4}( [0-9a-f]{4}){3}$/);
  });

  test('codes are read as people type them: any case, spaces or no dashes', async () => {
    const code = encodePairingOffer(offerOf());
    assert.deepEqual(decodePairingOffer(code.toLowerCase().replaceAll('-', ' ')), offerOf());
    assert.deepEqual(decodePairingOffer(code.replaceAll('-', '')), offerOf());
    assert.ok(/^[A-Z0-9:-]+$/.test(code), 'QR alphanumeric characters only');
  });

  test('a mistyped, cut-off, foreign or swapped code is PAIRING_CODE_INVALID', async () => {
    const code = encodePairingOffer(offerOf());
    const reply = encodePairingReply(await answerPairingOffer(offerOf(), B, NOW));
    const typo = code.slice(0, 20) + (code[20] === 'A' ? 'B' : 'A') + code.slice(21);
    for (const text of [typo, code.slice(0, -4), `${code}AAAA`, 'PKPAIR1:0189', 'hello', '', reply]) {
      await refused(() => decodePairingOffer(text), 'PAIRING_CODE_INVALID');
    }
    await refused(() => decodePairingReply(code), 'PAIRING_CODE_INVALID');
    await refused(() => decodePairingReply(reply.slice(0, 100)), 'PAIRING_CODE_INVALID');
  });
});

describe('pairing refusals', () => {
  const open = (): OpenPairingOffer[] => [offerOf()];
  const accept = (reply: PairingReply, offers = open(), now = NOW + 1) => acceptPairingReply(A.publicKey(), offers, reply, now);

  test('an expired offer: B will not answer it, A will not accept a reply to it', async () => {
    await refused(answerPairingOffer(offerOf(), B, NOW + 600), 'PAIRING_EXPIRED');
    const reply = await answerPairingOffer(offerOf(), B, NOW + 599);
    await refused(accept(reply, open(), NOW + 600), 'PAIRING_EXPIRED');
  });

  test('used twice: the same reply again, and a second device, are PAIRING_USED', async () => {
    const offers = open();
    const reply = await answerPairingOffer(offerOf(), B, NOW);
    const accepted = await accept(reply, offers);
    accepted.offer.usedBy = accepted.device; // what the caller keeps
    await refused(accept(reply, offers), 'PAIRING_USED');
    await refused(accept(await answerPairingOffer(offerOf(), M, NOW), offers), 'PAIRING_USED');
  });

  test('a reply to another identity’s offer is PAIRING_NOT_FOR_THIS_VAULT', async () => {
    const other = keyOf(0xc3).publicKey();
    const reply = await answerPairingOffer(offerOf(other), B, NOW);
    await refused(accept(reply), 'PAIRING_NOT_FOR_THIS_VAULT');
  });

  test('a reply to an offer never made here (or forgotten) is PAIRING_UNKNOWN', async () => {
    const reply = await answerPairingOffer(createPairingOffer(A.publicKey(), NOW + 5, { secret: SECRET }), B, NOW);
    await refused(accept(reply), 'PAIRING_UNKNOWN');
    await refused(accept(await answerPairingOffer(offerOf(), B, NOW), []), 'PAIRING_UNKNOWN');
  });

  test('a device cannot pair with itself: PAIRING_SELF', async () => {
    await refused(answerPairingOffer(offerOf(), A, NOW), 'PAIRING_SELF');
    const reply = await answerPairingOffer(offerOf(), B, NOW);
    await refused(accept({ ...reply, device: A.publicKey() }), 'PAIRING_SELF');
  });

  test('tampered fields are PAIRING_INVALID, and a third party cannot swap in their key', async () => {
    const reply = await answerPairingOffer(offerOf(), B, NOW);
    const flip = (bytes: Uint8Array, at: number) => {
      const copy = bytes.slice();
      copy[at]! ^= 1;
      return copy;
    };
    // Mallory saw only the reply: their key with B's MAC and their own signature.
    const mallory = await answerPairingOffer({ ...offerOf(), secret: new Uint8Array(16) }, M, NOW);
    const tampered: PairingReply[] = [
      { ...reply, device: M.publicKey() },
      { ...reply, device: M.publicKey(), signature: mallory.signature },
      { ...reply, mac: flip(reply.mac, 0) },
      { ...reply, signature: flip(reply.signature, 10) },
      { ...reply, signature: new Uint8Array(64) },
      mallory,
    ];
    for (const forged of tampered) {
      await refused(accept(forged), 'PAIRING_INVALID');
      // And through the text form, where the check bytes are made anew for the forged body.
      await refused(accept(decodePairingReply(encodePairingReply(forged))), 'PAIRING_INVALID');
    }
    // A changed expiry names another (here: no) offer; with a matching one, the MAC fails.
    await refused(accept({ ...reply, expiresAt: reply.expiresAt + 60 }), 'PAIRING_UNKNOWN');
    const later = createPairingOffer(A.publicKey(), NOW + 60, { secret: SECRET });
    await refused(accept({ ...reply, expiresAt: later.expiresAt }, [later]), 'PAIRING_INVALID');
  });

  test('bad arguments: a vault that is no key, a lifetime out of range', () => {
    assert.throws(() => createPairingOffer('abc', NOW), hasCode('KEY_INVALID'));
    assert.throws(() => createPairingOffer(A.publicKey(), NOW, { ttl: 0 }), hasCode('INPUT_INVALID'));
    assert.throws(() => createPairingOffer(A.publicKey(), NOW, { ttl: 86_401 }), hasCode('INPUT_INVALID'));
    assert.throws(() => createPairingOffer(A.publicKey(), NOW, { secret: new Uint8Array(8) }), hasCode('INPUT_INVALID'));
    assert.throws(() => deviceFingerprint('xyz'), hasCode('KEY_INVALID'));
  });
});
