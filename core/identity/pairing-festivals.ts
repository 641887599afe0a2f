/**
 * The festivals a person takes part in, handed from device A to the device B it has just
 * linked (pairing.ts), as `PKFEST1:` text (a QR code or a paste).
 *
 * Why a code of its own: B, a fresh install, knows no festival and no signaling server, so
 * it can neither meet A's peers nor hear of the profile update that links it. The offer
 * cannot carry the festivals (whoever photographs an offer would learn them, before A has
 * accepted anyone), and the reply goes the other way. So once A has linked B, A shows this
 * code; B takes part in the same festivals through the same servers (and secrets), receives
 * A's profile with them, and from then on sees itself linked.
 *
 * The code is signed by A over A's key, B's key and the festivals, and starts with the first
 * bytes of both keys: B takes it only from the identity it answered an offer of, and only
 * when it is meant for B (PAIRING_NOT_FOR_THIS_VAULT otherwise), and refuses one that was
 * altered (PAIRING_INVALID). Like the pairing codes it ends in a 2-byte BLAKE3 check, so a
 * code cut off or mistyped is told as such (PAIRING_CODE_INVALID). The keys themselves are
 * not in it (both devices know them): one festival on one server is about 240 characters.
 * It carries festival secrets in the clear, as the offer carries the pairing secret: it is
 * for copying between one's own devices. Pure functions; what B keeps is the caller's.
 */
import { base64urlnopad } from '@scure/base';
import { concatBytes, equalBytes, hexToBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import { hashBytes, isHash, type Hash } from '../hash/hash.js';
import type { KeyPair } from './key-pair.js';
import { verifySignature } from './key-pair.js';

export const FESTIVALS_CODE_PREFIX = 'PKFEST1:';
/** Festivals one code carries at most. */
export const MAX_HANDED_FESTIVALS = 32;
/** Signaling servers per festival at most (as a site's join names at most). */
export const MAX_HANDED_SERVERS = 4;
const MAX_URL_LENGTH = 512;
const MAX_SECRET_LENGTH = 256;
const TAG_SIZE = 4;
const SIGNATURE_SIZE = 64;
const CHECK_SIZE = 2;
/** Where the festivals start: after both key tags and the signature. */
const PAYLOAD_AT = 2 * TAG_SIZE + SIGNATURE_SIZE;
const DOMAIN = new TextEncoder().encode('panda-kit/pairing-festivals/v1');

/** A festival and where its peers meet. */
export interface HandedFestival {
  festivalId: Hash;
  signaling: string[];
  secret?: string;
}

const invalid = (message: string): never => {
  throw new PandaError('PAIRING_CODE_INVALID', message);
};

const isPublicKey = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

function isSignalingUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'ws:' || protocol === 'wss:';
}

function checkFestival(value: unknown): HandedFestival {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) return invalid('A festival in the code is [id, servers, secret?]');
  const [festivalId, signaling, secret] = value as unknown[];
  if (!isHash(festivalId)) return invalid('A festival in the code has no valid id');
  if (!Array.isArray(signaling) || signaling.length > MAX_HANDED_SERVERS || !signaling.every(isSignalingUrl))
    return invalid(`A festival in the code names at most ${MAX_HANDED_SERVERS} ws: or wss: servers`);
  if (secret !== undefined && (typeof secret !== 'string' || secret === '' || secret.length > MAX_SECRET_LENGTH))
    return invalid('A festival secret in the code is 1 to 256 characters');
  return secret === undefined ? { festivalId, signaling: [...signaling] } : { festivalId, signaling: [...signaling], secret };
}

/** What A signs: the domain, both keys, the festivals. */
const signed = (vault: string, device: string, payload: Uint8Array) => concatBytes(DOMAIN, hexToBytes(vault), hexToBytes(device), payload);
const tag = (key: string) => hexToBytes(key.slice(0, TAG_SIZE * 2));
const check = (body: Uint8Array) => hashBytes(body).subarray(2, 2 + CHECK_SIZE);

/**
 * The code handing `festivals` from `vault` (A, which signs) to `device` (B). Refuses more
 * than MAX_HANDED_FESTIVALS, and festivals that would not read back (INPUT_INVALID).
 */
export async function encodeFestivalHandover(vault: KeyPair, device: string, festivals: readonly HandedFestival[]): Promise<string> {
  if (!isPublicKey(device)) throw new PandaError('KEY_INVALID', 'The device of a festival handover is a public key (64 hex characters)');
  if (festivals.length > MAX_HANDED_FESTIVALS) throw new PandaError('INPUT_INVALID', `A handover carries at most ${MAX_HANDED_FESTIVALS} festivals`);
  const items = festivals.map(({ festivalId, signaling, secret }) => (secret === undefined ? [festivalId, signaling] : [festivalId, signaling, secret]));
  try {
    items.forEach(checkFestival);
  } catch (error) {
    throw new PandaError('INPUT_INVALID', (error as Error).message);
  }
  const payload = new TextEncoder().encode(JSON.stringify(items));
  const signature = await vault.sign(signed(vault.publicKey(), device, payload));
  const body = concatBytes(tag(vault.publicKey()), tag(device), signature, payload);
  return FESTIVALS_CODE_PREFIX + base64urlnopad.encode(concatBytes(body, check(body)));
}

/**
 * The festivals in `text`, a code `vault` made for `device`. PAIRING_CODE_INVALID for text
 * that is no such code (cut off, mistyped, another kind of code), PAIRING_NOT_FOR_THIS_VAULT
 * for one from another identity or for another device, PAIRING_INVALID when its signature
 * does not verify.
 */
export async function decodeFestivalHandover(text: string, expected: { vault: string; device: string }): Promise<HandedFestival[]> {
  if (typeof text !== 'string') return invalid(`A festivals code is text starting with ${FESTIVALS_CODE_PREFIX}`);
  const plain = text.replace(/\s/g, '');
  if (!plain.toUpperCase().startsWith(FESTIVALS_CODE_PREFIX))
    return invalid(
      /^PK(PAIR|JOIN)1:/i.test(plain) ? 'This is a pairing code, not the festivals code' : `Not a festivals code: one starts with ${FESTIVALS_CODE_PREFIX}`,
    );
  let bytes: Uint8Array;
  try {
    bytes = base64urlnopad.decode(plain.slice(FESTIVALS_CODE_PREFIX.length));
  } catch {
    return invalid('The festivals code holds characters it cannot hold: cut off or mistyped?');
  }
  if (bytes.length < PAYLOAD_AT + CHECK_SIZE) return invalid('The festivals code is too short: cut off?');
  const body = bytes.subarray(0, bytes.length - CHECK_SIZE);
  if (!equalBytes(check(body), bytes.subarray(body.length))) return invalid('The festivals code does not add up: cut off or mistyped?');
  if (!equalBytes(body.subarray(0, TAG_SIZE), tag(expected.vault)))
    throw new PandaError('PAIRING_NOT_FOR_THIS_VAULT', 'These festivals come from another identity than the one this device was paired with');
  if (!equalBytes(body.subarray(TAG_SIZE, 2 * TAG_SIZE), tag(expected.device)))
    throw new PandaError('PAIRING_NOT_FOR_THIS_VAULT', 'These festivals were handed to another device, not to this one');
  const payload = body.subarray(PAYLOAD_AT);
  if (!(await verifySignature(expected.vault, signed(expected.vault, expected.device, payload), body.subarray(2 * TAG_SIZE, PAYLOAD_AT))))
    throw new PandaError('PAIRING_INVALID', 'The festivals code does not verify: it was altered');
  let items: unknown;
  try {
    items = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return invalid('The festivals code does not read');
  }
  if (!Array.isArray(items) || items.length > MAX_HANDED_FESTIVALS) return invalid(`A festivals code carries at most ${MAX_HANDED_FESTIVALS} festivals`);
  return items.map(checkFestival);
}
