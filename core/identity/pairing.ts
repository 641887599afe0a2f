/**
 * Device pairing: linking a second device (B, a fresh install with a key of its own) to a
 * person's identity (the "vault": device A's key), so that A's profile can name B in
 * `devices` and B's documents count as A's user's (festival-model.ts, `actsFor`).
 *
 *  1. A makes an offer: its public key, a fresh random 16-byte secret and an expiry (10
 *     minutes by default), as `PKPAIR1:` text (shown as a QR code and as groups of four to
 *     type or read aloud). A keeps the offer open until it is used or expires.
 *  2. B reads it and answers with a reply, `PKJOIN1:` text: B's public key, a MAC keyed with
 *     the secret over (A's key, B's key, expiry), and B's Ed25519 signature over the same.
 *  3. A checks the reply against its open offers: for this vault, not expired, not used
 *     before (the first accepted reply consumes the offer), MAC and signature valid. A then
 *     shows B's fingerprint, which B shows too; the person compares them and confirms, and
 *     only then does A sign the profile update. Nothing is signed on a refusal.
 *
 * Why a third party cannot add their key:
 *  - Seeing only the reply: its MAC binds B's key and needs the secret, which travels only
 *    in the offer, so swapping in another key makes the MAC fail (PAIRING_INVALID).
 *    Replaying the reply itself only adds B again, and the offer is consumed already
 *    (PAIRING_USED) or expired.
 *  - Seeing only the offer (a photo of the QR code): they can make a valid reply for their
 *    own key, but A still has to accept it. A accepts one reply per offer; if theirs comes
 *    first, B's genuine reply is refused as PAIRING_USED and the fingerprint A shows is not
 *    the one on B's screen, so the person declines. So an offer is one-time and short-lived.
 *  - The signature proves that B holds the private key of the key it names: no one can link
 *    a key they do not hold (such as someone else's device) to A's profile by mistake.
 *
 * The secret is 128 bits; the MAC is HMAC-SHA-256 cut to 16 bytes (forging one blindly is a
 * 2^-128 chance per try, and A refuses after the first accepted reply). Both codes end in a
 * 2-byte BLAKE3 check, so a typo is told as a mistyped code, not as an attack.
 *
 * Everything here is pure (time and randomness come in as arguments where they matter);
 * keeping the open offers (and forgetting them) is the caller's.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base32nopad } from '@scure/base';
import { bytesToHex, concatBytes, equalBytes, hexToBytes } from '../bytes.js';
import { PandaError, type PairingErrorCode } from '../errors.js';
import { hashBytes } from '../hash/hash.js';
import type { KeyPair } from './key-pair.js';
import { verifySignature } from './key-pair.js';

export const PAIRING_OFFER_PREFIX = 'PKPAIR1:';
export const PAIRING_REPLY_PREFIX = 'PKJOIN1:';
/** How long an offer stays open by default: 10 minutes. */
export const PAIRING_TTL_SECONDS = 600;
/** The longest an offer may stay open: a day. */
export const MAX_PAIRING_TTL_SECONDS = 86_400;
export const PAIRING_SECRET_SIZE = 16;

const KEY_SIZE = 32;
const MAC_SIZE = 16;
const SIGNATURE_SIZE = 64;
const CHECK_SIZE = 2;
/** The first bytes of the vault's key the reply carries, to tell a reply meant for another vault. */
const VAULT_TAG_SIZE = 4;
const OFFER_SIZE = KEY_SIZE + PAIRING_SECRET_SIZE + 4 + CHECK_SIZE;
const REPLY_SIZE = VAULT_TAG_SIZE + 4 + KEY_SIZE + MAC_SIZE + SIGNATURE_SIZE + CHECK_SIZE;
const DOMAIN = new TextEncoder().encode('panda-kit/pairing/v1');

/** What A shows (and keeps until used or expired). */
export interface PairingOffer {
  /** A's public key (hex): the identity B is to act for. */
  vault: string;
  secret: Uint8Array;
  /** Unix seconds. */
  expiresAt: number;
}

/** An offer A keeps, with the device that used it once it has been accepted. */
export interface OpenPairingOffer extends PairingOffer {
  usedBy?: string;
}

/** How long an expired offer is still remembered: a late reply is told it came too late, not that no offer was made. */
export const PAIRING_MEMORY_SECONDS = 86_400;

/** An open offer as JSON-safe data (the secret as hex) for whoever keeps it (secret: only for the owner's eyes). */
export function openOfferRecord(offer: OpenPairingOffer): { vault: string; secret: string; expiresAt: number; usedBy?: string } {
  return { vault: offer.vault, secret: bytesToHex(offer.secret), expiresAt: offer.expiresAt, ...(offer.usedBy ? { usedBy: offer.usedBy } : {}) };
}

/**
 * The open offers `stored` holds (what `openOfferRecord` made), those expired more than
 * PAIRING_MEMORY_SECONDS before `now` forgotten; anything that is no such record is left out.
 */
export function readOpenOffers(stored: unknown, now: number): OpenPairingOffer[] {
  if (!Array.isArray(stored)) return [];
  const offers: OpenPairingOffer[] = [];
  for (const item of stored as Array<Record<string, unknown> | null>) {
    const { vault, secret, expiresAt, usedBy } = item ?? {};
    if (!isPublicKeyHex(vault) || typeof secret !== 'string' || !/^[0-9a-f]{32}$/.test(secret) || typeof expiresAt !== 'number') continue;
    if (expiresAt + PAIRING_MEMORY_SECONDS <= now) continue;
    offers.push({ vault, secret: hexToBytes(secret), expiresAt, ...(typeof usedBy === 'string' ? { usedBy } : {}) });
  }
  return offers;
}

/** What B answers. */
export interface PairingReply {
  /** The first bytes of the vault's key, as hex. */
  vaultTag: string;
  expiresAt: number;
  /** B's public key (hex). */
  device: string;
  mac: Uint8Array;
  signature: Uint8Array;
}

/** A reply that passed every check: the offer it used and the device to confirm. */
export interface AcceptedPairing {
  offer: OpenPairingOffer;
  device: string;
  fingerprint: string;
}

function refuse(code: PairingErrorCode, message: string): never {
  throw new PandaError(code, message);
}

function isPublicKeyHex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

function checkExpiry(expiresAt: number): void {
  if (!Number.isSafeInteger(expiresAt) || expiresAt < 0 || expiresAt > 0xffffffff) throw new PandaError('INPUT_INVALID', 'A pairing expiry is Unix seconds');
}

/**
 * A new offer for `vault` (A's public key), open for `ttl` seconds from `now` (Unix
 * seconds). `secret` is for tests; by default 16 fresh random bytes.
 */
export function createPairingOffer(vault: string, now: number, options: { ttl?: number; secret?: Uint8Array } = {}): PairingOffer {
  if (!isPublicKeyHex(vault)) throw new PandaError('KEY_INVALID', 'The vault of a pairing offer is a public key (64 hex characters)');
  const ttl = options.ttl ?? PAIRING_TTL_SECONDS;
  if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_PAIRING_TTL_SECONDS)
    throw new PandaError('INPUT_INVALID', `A pairing offer stays open from 1 to ${MAX_PAIRING_TTL_SECONDS} seconds`);
  const secret = options.secret ?? globalThis.crypto.getRandomValues(new Uint8Array(PAIRING_SECRET_SIZE));
  if (secret.length !== PAIRING_SECRET_SIZE) throw new PandaError('INPUT_INVALID', `A pairing secret has ${PAIRING_SECRET_SIZE} bytes`);
  const expiresAt = Math.floor(now) + ttl;
  checkExpiry(expiresAt);
  return { vault, secret: secret.slice(), expiresAt };
}

/** What the MAC and B's signature cover: domain, A's key, B's key, expiry. */
function pairingMessage(vault: string, device: string, expiresAt: number): Uint8Array {
  const expiry = new Uint8Array(4);
  new DataView(expiry.buffer).setUint32(0, expiresAt);
  return concatBytes(DOMAIN, hexToBytes(vault), hexToBytes(device), expiry);
}

function pairingMac(secret: Uint8Array, message: Uint8Array): Uint8Array {
  return hmac(sha256, secret, message).subarray(0, MAC_SIZE);
}

const check = (body: Uint8Array) => hashBytes(body).subarray(2, 2 + CHECK_SIZE);

/** Text for people: the prefix, then base32 in groups of four. */
function toCode(prefix: string, body: Uint8Array): string {
  const text = base32nopad.encode(concatBytes(body, check(body)));
  return prefix + (text.match(/.{1,4}/g) ?? []).join('-');
}

/** The bytes of a code as typed: any case, spaces and dashes anywhere; checked against its check bytes. */
function fromCode(prefix: string, text: string, size: number, what: string): Uint8Array {
  if (typeof text !== 'string') refuse('PAIRING_CODE_INVALID', `A ${what} is text starting with ${prefix}`);
  const plain = text.replace(/[\s-]/g, '').toUpperCase();
  const bare = prefix.slice(0, -1);
  if (!plain.startsWith(bare + ':')) {
    const other = plain.startsWith(PAIRING_OFFER_PREFIX.slice(0, -1))
      ? 'an offer code'
      : plain.startsWith(PAIRING_REPLY_PREFIX.slice(0, -1))
        ? 'a reply code'
        : undefined;
    refuse('PAIRING_CODE_INVALID', other ? `This is ${other}, not a ${what} (${prefix}…)` : `Not a ${what}: one starts with ${prefix}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = base32nopad.decode(plain.slice(bare.length + 1));
  } catch {
    refuse('PAIRING_CODE_INVALID', `The ${what} holds characters that are not base32 (A-Z, 2-7): mistyped?`);
  }
  if (bytes.length !== size) refuse('PAIRING_CODE_INVALID', `The ${what} is ${bytes.length < size ? 'too short' : 'too long'}: mistyped or cut off?`);
  const body = bytes.subarray(0, size - CHECK_SIZE);
  if (!equalBytes(check(body), bytes.subarray(size - CHECK_SIZE))) refuse('PAIRING_CODE_INVALID', `The ${what} does not add up: mistyped?`);
  return body;
}

export function encodePairingOffer(offer: PairingOffer): string {
  checkExpiry(offer.expiresAt);
  const body = new Uint8Array(OFFER_SIZE - CHECK_SIZE);
  body.set(hexToBytes(offer.vault), 0);
  body.set(offer.secret, KEY_SIZE);
  new DataView(body.buffer).setUint32(KEY_SIZE + PAIRING_SECRET_SIZE, offer.expiresAt);
  return toCode(PAIRING_OFFER_PREFIX, body);
}

/** The offer in `text`; PAIRING_CODE_INVALID for anything else (expiry is checked by `answerPairingOffer`). */
export function decodePairingOffer(text: string): PairingOffer {
  const body = fromCode(PAIRING_OFFER_PREFIX, text, OFFER_SIZE, 'pairing offer code');
  return {
    vault: bytesToHex(body.subarray(0, KEY_SIZE)),
    secret: body.slice(KEY_SIZE, KEY_SIZE + PAIRING_SECRET_SIZE),
    expiresAt: new DataView(body.buffer, body.byteOffset).getUint32(KEY_SIZE + PAIRING_SECRET_SIZE),
  };
}

export function encodePairingReply(reply: PairingReply): string {
  const body = new Uint8Array(REPLY_SIZE - CHECK_SIZE);
  let at = 0;
  for (const part of [hexToBytes(reply.vaultTag), new Uint8Array(4), hexToBytes(reply.device), reply.mac, reply.signature]) {
    body.set(part, at);
    at += part.length;
  }
  new DataView(body.buffer).setUint32(VAULT_TAG_SIZE, reply.expiresAt);
  return toCode(PAIRING_REPLY_PREFIX, body);
}

export function decodePairingReply(text: string): PairingReply {
  const body = fromCode(PAIRING_REPLY_PREFIX, text, REPLY_SIZE, 'pairing reply code');
  const keyAt = VAULT_TAG_SIZE + 4;
  const macAt = keyAt + KEY_SIZE;
  return {
    vaultTag: bytesToHex(body.subarray(0, VAULT_TAG_SIZE)),
    expiresAt: new DataView(body.buffer, body.byteOffset).getUint32(VAULT_TAG_SIZE),
    device: bytesToHex(body.subarray(keyAt, macAt)),
    mac: body.slice(macAt, macAt + MAC_SIZE),
    signature: body.slice(macAt + MAC_SIZE),
  };
}

/**
 * B's answer to `offer`, signed with B's key. Refuses an expired offer (PAIRING_EXPIRED)
 * and one B made itself (PAIRING_SELF: a device cannot be its own second device).
 */
export async function answerPairingOffer(offer: PairingOffer, device: KeyPair, now: number): Promise<PairingReply> {
  if (now >= offer.expiresAt)
    refuse('PAIRING_EXPIRED', `The pairing offer expired ${describeAge(now - offer.expiresAt)} ago: make a new one on the other device`);
  const key = device.publicKey();
  if (key === offer.vault) refuse('PAIRING_SELF', 'This pairing offer was made on this device: enter it on the device to add');
  const message = pairingMessage(offer.vault, key, offer.expiresAt);
  return {
    vaultTag: offer.vault.slice(0, VAULT_TAG_SIZE * 2),
    expiresAt: offer.expiresAt,
    device: key,
    mac: pairingMac(offer.secret, message),
    signature: await device.sign(message),
  };
}

/**
 * Checks `reply` against the offers `vault` (A's key) keeps open, in this order:
 * PAIRING_NOT_FOR_THIS_VAULT (made for another identity's offer), PAIRING_UNKNOWN (no offer
 * of this vault has its expiry: never made here, or forgotten), PAIRING_EXPIRED,
 * PAIRING_SELF (A's own key), PAIRING_INVALID (MAC or signature wrong: tampered, or not made
 * from this offer), PAIRING_USED (the offer was accepted before; the same device again is
 * refused too, the offer is one-time). The caller marks the returned offer used, shows the
 * fingerprint, and signs only when the person confirms.
 */
export async function acceptPairingReply(vault: string, offers: readonly OpenPairingOffer[], reply: PairingReply, now: number): Promise<AcceptedPairing> {
  if (reply.vaultTag !== vault.slice(0, VAULT_TAG_SIZE * 2))
    refuse('PAIRING_NOT_FOR_THIS_VAULT', 'This reply answers a pairing offer of another identity, not of this device');
  // Two offers made in the same second share an expiry: the MAC tells which one B answered.
  const candidates = offers.filter((candidate) => candidate.vault === vault && candidate.expiresAt === reply.expiresAt);
  if (candidates.length === 0)
    refuse('PAIRING_UNKNOWN', 'No pairing offer of this device matches the reply: it was not made here, or is long gone; make a new offer');
  if (now >= reply.expiresAt) refuse('PAIRING_EXPIRED', `The pairing offer expired ${describeAge(now - reply.expiresAt)} ago: make a new one`);
  if (reply.device === vault) refuse('PAIRING_SELF', 'The reply names this device itself');
  const message = pairingMessage(vault, reply.device, reply.expiresAt);
  const offer = candidates.find((candidate) => equalBytes(pairingMac(candidate.secret, message), reply.mac));
  if (!offer) refuse('PAIRING_INVALID', "The reply's code does not verify: it was altered, or not made from this device's offer");
  if (!(await verifySignature(reply.device, message, reply.signature))) refuse('PAIRING_INVALID', "The reply's signature does not verify: it was altered");
  if (offer.usedBy !== undefined) refuse('PAIRING_USED', 'This pairing offer was used already (each offer links one device): make a new one');
  return { offer, device: reply.device, fingerprint: deviceFingerprint(reply.device) };
}

/**
 * A short fingerprint of a device key that both devices show, for the person to compare:
 * four groups of four hex digits of the key's BLAKE3 hash (64 bits).
 */
export function deviceFingerprint(publicKey: string): string {
  if (!isPublicKeyHex(publicKey)) throw new PandaError('KEY_INVALID', 'A fingerprint is of a public key (64 hex characters)');
  const hex = bytesToHex(hashBytes(concatBytes(DOMAIN, hexToBytes(publicKey))).subarray(2, 10));
  return (hex.match(/.{4}/g) ?? []).join(' ');
}

function describeAge(seconds: number): string {
  return seconds < 120 ? `${seconds} s` : `${Math.floor(seconds / 60)} min`;
}
