/**
 * The messages peers publish inside a signaling topic: their shapes (y-webrtc's `announce` and
 * `signal`, with Panda Kit's optional `to` and `session`), the check every received one goes
 * through, and lib0's `writeAny` / `readAny` encoding, which y-webrtc encrypts.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { PandaError } from '../core/errors.js';

/** simple-peer's signal objects, the subset Panda Kit sends and accepts. */
export type SignalPayload =
  | { type: 'offer' | 'answer'; sdp: string }
  /** Panda Kit: the offer was not taken (no room), so the offerer need not wait for an answer. */
  | { type: 'busy' }
  | {
      type: 'candidate';
      candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null };
    };

export interface AnnounceMessage {
  type: 'announce';
  from: string;
  /** Panda Kit: an announce meant for one peer only (others ignore it, as y-webrtc does). */
  to?: string;
  /** Panda Kit: random per network instance. */
  session?: string;
  /** Panda Kit, with an overlay: the sender's neighbours in the festival (a newcomer joins through the best connected contact). */
  neighbours?: number;
}

export interface SignalMessage {
  type: 'signal';
  from: string;
  to: string;
  /** y-webrtc's glare token; Panda Kit avoids glare by peer id order and does not need it. */
  token?: number;
  signal: SignalPayload;
}

export type SignalingMessage = AnnounceMessage | SignalMessage;

const PEER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_SDP = 100_000;

/** Whether `value` can be a peer id (1 to 128 characters out of `A-Z a-z 0-9 _ . : -`). */
export function isPeerId(value: unknown): value is string {
  return typeof value === 'string' && PEER_ID.test(value);
}

/** A plain object (not null, an array or bytes), as JSON and lib0 objects decode. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** The diagnostic for a message that was received and dropped. */
export function ignoredMessage(why: string): PandaError {
  return new PandaError('SIGNALING_MESSAGE_INVALID', `Ignored a signaling message: ${why}`);
}

function optionalString(value: unknown, max: number): value is string | null | undefined {
  return value === undefined || value === null || (typeof value === 'string' && value.length <= max);
}

/**
 * Checks the shape of a message published in a topic (after decryption) and returns a
 * clean copy, or `undefined` for anything else: unknown types, missing or malformed fields,
 * simple-peer signals Panda Kit does not use (renegotiation, transceivers).
 */
export function parseSignalingMessage(value: unknown): SignalingMessage | undefined {
  if (!isRecord(value) || !isPeerId(value['from'])) return undefined;
  const from = value['from'];
  if (value['type'] === 'announce') {
    const to = value['to'];
    const session = value['session'];
    if (to !== undefined && !isPeerId(to)) return undefined;
    if (session !== undefined && !(typeof session === 'string' && session.length > 0 && session.length <= 64)) {
      return undefined;
    }
    const neighbours = value['neighbours'];
    if (neighbours !== undefined && !(Number.isInteger(neighbours) && (neighbours as number) >= 0 && (neighbours as number) <= 1024)) return undefined;
    const message: AnnounceMessage = { type: 'announce', from };
    if (to !== undefined) message.to = to;
    if (session !== undefined) message.session = session;
    if (neighbours !== undefined) message.neighbours = neighbours as number;
    return message;
  }
  if (value['type'] === 'signal') {
    const to = value['to'];
    const signal = value['signal'];
    const token = value['token'];
    if (!isPeerId(to) || !isRecord(signal)) return undefined;
    const payload = parseSignalPayload(signal);
    if (!payload) return undefined;
    const message: SignalMessage = { type: 'signal', from, to, signal: payload };
    if (typeof token === 'number' && Number.isFinite(token)) message.token = token;
    return message;
  }
  return undefined;
}

function parseSignalPayload(signal: Record<string, unknown>): SignalPayload | undefined {
  if (signal['type'] === 'busy') return { type: 'busy' };
  if (signal['type'] === 'offer' || signal['type'] === 'answer') {
    const sdp = signal['sdp'];
    if (typeof sdp !== 'string' || sdp.length === 0 || sdp.length > MAX_SDP) return undefined;
    return { type: signal['type'], sdp };
  }
  if (signal['type'] !== 'candidate') return undefined;
  const candidate = signal['candidate'];
  if (!isRecord(candidate)) return undefined;
  const text = candidate['candidate'];
  const sdpMid = candidate['sdpMid'];
  const index = candidate['sdpMLineIndex'];
  const fragment = candidate['usernameFragment'];
  if (typeof text !== 'string' || text.length > 2048) return undefined;
  if (!optionalString(sdpMid, 64) || !optionalString(fragment, 256)) return undefined;
  if (!(index === undefined || index === null || (Number.isInteger(index) && (index as number) >= 0 && (index as number) < 65536))) {
    return undefined;
  }
  const clean: Extract<SignalPayload, { type: 'candidate' }>['candidate'] = { candidate: text };
  if (sdpMid !== undefined) clean.sdpMid = sdpMid;
  if (index !== undefined) clean.sdpMLineIndex = index as number | null;
  if (fragment !== undefined) clean.usernameFragment = fragment;
  return { type: 'candidate', candidate: clean };
}

// ---------------------------------------------------------------------------------------
// lib0 `writeAny` / `readAny`

/** Values nested deeper than this are refused both ways (and a cycle is). */
const MAX_DEPTH = 64;

function checkDepth(value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new PandaError('INPUT_INVALID', 'Value nested too deeply');
  if (Array.isArray(value)) for (const item of value) checkDepth(item, depth + 1);
  else if (isRecord(value)) for (const key of Object.keys(value)) checkDepth(value[key], depth + 1);
}

/** lib0's `encoding.writeAny` of one value, as bytes (what y-webrtc's `encryptJson` encrypts). */
export function encodeAny(value: unknown): Uint8Array<ArrayBuffer> {
  checkDepth(value, 0);
  const encoder = encoding.createEncoder();
  encoding.writeAny(encoder, value as Parameters<typeof encoding.writeAny>[1]);
  return encoding.toUint8Array(encoder);
}

/**
 * lib0's `decoding.readAny`; throws `SIGNALING_MESSAGE_INVALID` on malformed input. lib0's
 * own reader is not used as a whole because the bytes are a hostile peer's: it reads past the
 * end as zeros, recurses without bound and lets a `__proto__` key set an object's prototype.
 */
export function decodeAny(bytes: Uint8Array): unknown {
  try {
    return readAny(decoding.createDecoder(bytes), 0);
  } catch (error) {
    if (error instanceof PandaError) throw error;
    throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Malformed lib0 encoding');
  }
}

function readAny(decoder: decoding.Decoder, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new PandaError('SIGNALING_MESSAGE_INVALID', 'Value nested too deeply');
  expectMore(decoder);
  const tag = decoding.readUint8(decoder);
  switch (tag) {
    case 127:
      return undefined;
    case 126:
      return null;
    case 125: {
      expectMore(decoder);
      const value = decoding.readVarInt(decoder);
      if (!Number.isSafeInteger(value)) throw new Error('integer out of range');
      return value;
    }
    case 124:
      return decoding.readFloat32(decoder);
    case 123:
      return decoding.readFloat64(decoder);
    case 122:
      return decoding.readBigInt64(decoder) as bigint;
    case 121:
      return false;
    case 120:
      return true;
    case 119:
      return decoding.readVarString(decoder);
    case 118: {
      const count = decoding.readVarUint(decoder);
      const record: Record<string, unknown> = {};
      for (let i = 0; i < count; i++) {
        const key = decoding.readVarString(decoder);
        const value = readAny(decoder, depth + 1);
        // Never let a message set a prototype.
        if (key !== '__proto__') record[key] = value;
      }
      return record;
    }
    case 117: {
      const count = decoding.readVarUint(decoder);
      const items: unknown[] = [];
      for (let i = 0; i < count; i++) items.push(readAny(decoder, depth + 1));
      return items;
    }
    case 116:
      return decoding.readVarUint8Array(decoder).slice();
    default:
      throw new PandaError('SIGNALING_MESSAGE_INVALID', `Unknown lib0 type tag ${tag}`);
  }
}

/** lib0 reads a byte past the end as `undefined` (a varInt as 0), so check before reading one. */
function expectMore(decoder: decoding.Decoder): void {
  if (!decoding.hasContent(decoder)) throw new Error('end of input');
}
