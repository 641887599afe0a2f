/**
 * The festivals code (core/identity/pairing-festivals.ts) device A hands the device it has
 * linked: it round trips, and B refuses one from another identity, for another device, an
 * altered one, a cut-off or mistyped one and pairing codes given in its place, each with its
 * code. Bad festivals are refused before anything is signed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { base64urlnopad } from '@scure/base';
import {
  decodeFestivalHandover,
  encodeFestivalHandover,
  FESTIVALS_CODE_PREFIX,
  hashingReady,
  MAX_HANDED_FESTIVALS,
  type HandedFestival,
} from '../../core/index.js';
import { hashBytes } from '../../core/hash/hash.js';
import { keyOf } from './festival-support.js';
import { hasCode } from './support.js';

await hashingReady();

const A = keyOf(0xa1);
const B = keyOf(0xb2);
const M = keyOf(0x66);
const FEST: HandedFestival = { festivalId: `0020${'aa'.repeat(32)}`, signaling: ['wss://signal.example', 'ws://127.0.0.1:4444'] };
const SECRET_FEST: HandedFestival = { festivalId: `0020${'bb'.repeat(32)}`, signaling: ['wss://signal.example'], secret: 'only for us' };
const expected = { vault: A.publicKey(), device: B.publicKey() };

describe('the festivals code', () => {
  test('round trips the festivals, their servers and secrets; whitespace from a paste is ignored', async () => {
    const code = await encodeFestivalHandover(A, B.publicKey(), [FEST, SECRET_FEST]);
    assert.ok(code.startsWith(FESTIVALS_CODE_PREFIX));
    assert.match(code.slice(FESTIVALS_CODE_PREFIX.length), /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(await decodeFestivalHandover(code, expected), [FEST, SECRET_FEST]);
    assert.deepEqual(await decodeFestivalHandover(`  ${code.slice(0, 40)}\n${code.slice(40)} `, expected), [FEST, SECRET_FEST]);
    assert.deepEqual(await decodeFestivalHandover(await encodeFestivalHandover(A, B.publicKey(), []), expected), []);
  });

  test('from another identity or for another device: PAIRING_NOT_FOR_THIS_VAULT', async () => {
    await assert.rejects(decodeFestivalHandover(await encodeFestivalHandover(M, B.publicKey(), [FEST]), expected), hasCode('PAIRING_NOT_FOR_THIS_VAULT'));
    await assert.rejects(decodeFestivalHandover(await encodeFestivalHandover(A, M.publicKey(), [FEST]), expected), hasCode('PAIRING_NOT_FOR_THIS_VAULT'));
  });

  test('altered: PAIRING_INVALID; cut off, mistyped or a pairing code: PAIRING_CODE_INVALID', async () => {
    const code = await encodeFestivalHandover(A, B.publicKey(), [FEST]);
    const bytes = base64urlnopad.decode(code.slice(FESTIVALS_CODE_PREFIX.length));
    // Another server put in and the check bytes made anew, as an attacker would: the signature no longer covers it.
    const body = bytes.subarray(0, -2);
    const festivals = new TextDecoder().decode(body.subarray(72)).replace('wss://signal.example', 'wss://evil.example');
    const forged = new Uint8Array([...body.subarray(0, 72), ...new TextEncoder().encode(festivals)]);
    const altered = FESTIVALS_CODE_PREFIX + base64urlnopad.encode(new Uint8Array([...forged, ...hashBytes(forged).subarray(2, 4)]));
    await assert.rejects(decodeFestivalHandover(altered, expected), hasCode('PAIRING_INVALID'));
    const typo = code.slice(0, 40) + (code[40] === 'A' ? 'B' : 'A') + code.slice(41);
    for (const bad of [code.slice(0, 60), code.slice(0, -3), typo, `${code}!`, 'PKPAIR1:ABCD-EFGH', 'hello', `${FESTIVALS_CODE_PREFIX}AAAA`])
      await assert.rejects(decodeFestivalHandover(bad, expected), hasCode('PAIRING_CODE_INVALID'), bad.slice(0, 30));
  });

  test('one festival on one server is a code of under 250 characters', async () => {
    const code = await encodeFestivalHandover(A, B.publicKey(), [{ festivalId: FEST.festivalId, signaling: ['wss://signal.example'] }]);
    assert.ok(code.length < 250, `${code.length} characters`);
  });

  test('festivals that would not read back are refused before signing: INPUT_INVALID, KEY_INVALID', async () => {
    await assert.rejects(encodeFestivalHandover(A, B.publicKey(), [{ ...FEST, signaling: ['https://not-a-socket.example'] }]), hasCode('INPUT_INVALID'));
    await assert.rejects(encodeFestivalHandover(A, B.publicKey(), [{ ...FEST, festivalId: 'nope' }]), hasCode('INPUT_INVALID'));
    await assert.rejects(encodeFestivalHandover(A, B.publicKey(), Array(MAX_HANDED_FESTIVALS + 1).fill(FEST)), hasCode('INPUT_INVALID'));
    await assert.rejects(encodeFestivalHandover(A, 'b2', [FEST]), hasCode('KEY_INVALID'));
  });
});
