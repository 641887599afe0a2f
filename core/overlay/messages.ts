/**
 * The overlay's messages (HyParView's, §4 of the paper) and their compact binary form. A
 * message is one type byte and its fields; peer ids are a length byte and 1 to 128 ASCII
 * characters of `A-Z a-z 0-9 _ . : -` (the ids signaling uses); numbers are fixed-width.
 *
 * | type | message | fields |
 * |---|---|---|
 * | 1 | join | — |
 * | 2 | forward-join | peer, ttl (u8) |
 * | 3 | neighbor | priority (u8: 0 low, 1 high) |
 * | 4 | neighbor-reply | accepted (u8: 0, 1) |
 * | 5 | disconnect | — |
 * | 6 | shuffle | id (u32), origin, ttl (u8), count (u8), peer* |
 * | 7 | shuffle-reply | id (u32), count (u8), peer* |
 *
 * Decoding is strict and bounded: a message is at most `MAX_OVERLAY_MESSAGE_SIZE` bytes, a
 * walk at most `MAX_WALK` hops, a shuffle at most `MAX_SHUFFLE_PEERS` distinct peers, one
 * byte form per message (no trailing bytes, booleans 0 or 1). Anything else is a
 * PandaError with an `OVERLAY_` code, so a peer that sends it can be charged an offence.
 */
import { PandaError } from '../errors.js';

/** A random walk (forward-join, shuffle) is at most this many hops. */
export const MAX_WALK = 16;
/** Peers in one shuffle or shuffle reply, at most. */
export const MAX_SHUFFLE_PEERS = 32;
/** Peer ids have at most this many characters. */
export const MAX_PEER_ID_LENGTH = 128;
/** The largest message: a shuffle of `MAX_SHUFFLE_PEERS` peers of the longest ids. */
export const MAX_OVERLAY_MESSAGE_SIZE = 1 + 4 + (1 + MAX_PEER_ID_LENGTH) + 1 + 1 + MAX_SHUFFLE_PEERS * (1 + MAX_PEER_ID_LENGTH);

export type Priority = 'high' | 'low';

export type OverlayMessage =
  | { type: 'join' }
  | { type: 'forward-join'; peer: string; ttl: number }
  | { type: 'neighbor'; priority: Priority }
  | { type: 'neighbor-reply'; accepted: boolean }
  | { type: 'disconnect' }
  | { type: 'shuffle'; id: number; origin: string; ttl: number; peers: string[] }
  | { type: 'shuffle-reply'; id: number; peers: string[] };

const TYPES = ['join', 'forward-join', 'neighbor', 'neighbor-reply', 'disconnect', 'shuffle', 'shuffle-reply'] as const;

const PEER_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** Whether `value` is a peer id the overlay carries. */
export function isOverlayPeerId(value: unknown): value is string {
  return typeof value === 'string' && PEER_ID.test(value);
}

class Writer {
  readonly bytes: number[] = [];

  u8(value: number): void {
    this.bytes.push(value & 0xff);
  }

  u32(value: number): void {
    this.bytes.push((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
  }

  peer(id: string): void {
    if (!isOverlayPeerId(id)) throw new PandaError('OVERLAY_PEER_ID_INVALID', 'A peer id has 1 to 128 characters out of A-Z a-z 0-9 _ . : -');
    this.u8(id.length);
    for (let i = 0; i < id.length; i++) this.bytes.push(id.charCodeAt(i));
  }

  peers(ids: readonly string[]): void {
    if (ids.length > MAX_SHUFFLE_PEERS || new Set(ids).size !== ids.length) {
      throw new PandaError('OVERLAY_FIELD_INVALID', `A shuffle carries at most ${MAX_SHUFFLE_PEERS} distinct peers`);
    }
    this.u8(ids.length);
    for (const id of ids) this.peer(id);
  }
}

function checkTtl(ttl: number): number {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_WALK) throw new PandaError('OVERLAY_FIELD_INVALID', `A walk has 0 to ${MAX_WALK} hops left`);
  return ttl;
}

function checkShuffleId(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new PandaError('OVERLAY_FIELD_INVALID', 'A shuffle id is a 32-bit unsigned integer');
  return id;
}

export function encodeOverlayMessage(message: OverlayMessage): Uint8Array {
  const writer = new Writer();
  writer.u8(TYPES.indexOf(message.type) + 1);
  switch (message.type) {
    case 'join':
    case 'disconnect':
      break;
    case 'forward-join':
      writer.peer(message.peer);
      writer.u8(checkTtl(message.ttl));
      break;
    case 'neighbor':
      writer.u8(message.priority === 'high' ? 1 : 0);
      break;
    case 'neighbor-reply':
      writer.u8(message.accepted ? 1 : 0);
      break;
    case 'shuffle':
      writer.u32(checkShuffleId(message.id));
      writer.peer(message.origin);
      writer.u8(checkTtl(message.ttl));
      writer.peers(message.peers);
      break;
    case 'shuffle-reply':
      writer.u32(checkShuffleId(message.id));
      writer.peers(message.peers);
      break;
  }
  return Uint8Array.from(writer.bytes);
}

class Reader {
  #at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  u8(): number {
    if (this.#at >= this.bytes.length) throw new PandaError('OVERLAY_MESSAGE_TRUNCATED', 'The overlay message ends too early');
    return this.bytes[this.#at++]!;
  }

  u32(): number {
    return ((this.u8() << 24) | (this.u8() << 16) | (this.u8() << 8) | this.u8()) >>> 0;
  }

  flag(): boolean {
    const value = this.u8();
    if (value > 1) throw new PandaError('OVERLAY_FIELD_INVALID', 'A flag is 0 or 1');
    return value === 1;
  }

  ttl(): number {
    const ttl = this.u8();
    if (ttl > MAX_WALK) throw new PandaError('OVERLAY_FIELD_INVALID', `A walk has at most ${MAX_WALK} hops left`);
    return ttl;
  }

  peer(): string {
    const length = this.u8();
    if (length === 0 || length > MAX_PEER_ID_LENGTH) throw new PandaError('OVERLAY_PEER_ID_INVALID', 'A peer id has 1 to 128 characters');
    if (this.#at + length > this.bytes.length) throw new PandaError('OVERLAY_MESSAGE_TRUNCATED', 'The overlay message ends within a peer id');
    const id = String.fromCharCode(...this.bytes.subarray(this.#at, this.#at + length));
    this.#at += length;
    if (!isOverlayPeerId(id)) throw new PandaError('OVERLAY_PEER_ID_INVALID', 'A peer id has characters out of A-Z a-z 0-9 _ . : -');
    return id;
  }

  peers(): string[] {
    const count = this.u8();
    if (count > MAX_SHUFFLE_PEERS) throw new PandaError('OVERLAY_FIELD_INVALID', `A shuffle carries at most ${MAX_SHUFFLE_PEERS} peers`);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push(this.peer());
    if (new Set(ids).size !== ids.length) throw new PandaError('OVERLAY_FIELD_INVALID', 'A shuffle names a peer twice');
    return ids;
  }

  end(): void {
    if (this.#at !== this.bytes.length) throw new PandaError('OVERLAY_MESSAGE_TRAILING_BYTES', 'Bytes follow the overlay message');
  }
}

export function decodeOverlayMessage(bytes: Uint8Array): OverlayMessage {
  if (!(bytes instanceof Uint8Array)) throw new PandaError('INPUT_INVALID', 'An overlay message is a Uint8Array');
  if (bytes.length > MAX_OVERLAY_MESSAGE_SIZE) {
    throw new PandaError('OVERLAY_MESSAGE_TOO_LARGE', `An overlay message has at most ${MAX_OVERLAY_MESSAGE_SIZE} bytes`);
  }
  const reader = new Reader(bytes);
  const tag = reader.u8();
  const type = TYPES[tag - 1];
  let message: OverlayMessage;
  switch (type) {
    case 'join':
    case 'disconnect':
      message = { type };
      break;
    case 'forward-join':
      message = { type, peer: reader.peer(), ttl: reader.ttl() };
      break;
    case 'neighbor':
      message = { type, priority: reader.flag() ? 'high' : 'low' };
      break;
    case 'neighbor-reply':
      message = { type, accepted: reader.flag() };
      break;
    case 'shuffle':
      message = { type, id: reader.u32(), origin: reader.peer(), ttl: reader.ttl(), peers: reader.peers() };
      break;
    case 'shuffle-reply':
      message = { type, id: reader.u32(), peers: reader.peers() };
      break;
    default:
      throw new PandaError('OVERLAY_MESSAGE_TYPE_UNKNOWN', `Unknown overlay message type ${tag}`);
  }
  reader.end();
  return message;
}
