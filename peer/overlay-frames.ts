/**
 * What travels on a festival's overlay data channel (labelled `overlay:` + the festival
 * topic): the overlay's own messages (core/overlay, HyParView) and signals relayed through
 * the overlay, so that offers, answers and candidates for further connections need no
 * signaling server. A frame is one tag byte and its body:
 *
 * | tag | frame | body |
 * |---|---|---|
 * | 1 | overlay | an overlay message (core/overlay/messages.ts) |
 * | 2 | signal | UTF-8 JSON `{from, to, ttl, data}`: `data` is what would be published in the topic (encrypted with the festival's secret, if it has one), `ttl` the hops it may still go |
 *
 * Relays read only `from`, `to` and `ttl`; the peer it is for handles `data` exactly as a
 * message from the signaling server (decrypted, checked, `from` must match), so a relayed
 * signal proves membership as a published one does. Bounded: a frame is at most
 * `MAX_FRAME_SIZE` bytes, a relay at most `MAX_RELAY_HOPS` hops.
 */
import { PandaError } from '../core/errors.js';
import { MAX_FRAME_SIZE } from '../core/replication/transport.js';
import { isPeerId, isRecord } from './signaling-messages.js';

/** The label of a festival topic's overlay channel. */
export const OVERLAY_LABEL_PREFIX = 'overlay:';

export const overlayLabel = (topic: string): string => OVERLAY_LABEL_PREFIX + topic;

/** The festival topic a data channel label belongs to (its own, or an overlay channel's). */
export const topicOfLabel = (label: string): string => (label.startsWith(OVERLAY_LABEL_PREFIX) ? label.slice(OVERLAY_LABEL_PREFIX.length) : label);

/** A relayed signal goes at most this many hops (a walk back is at most ARWL long). */
export const MAX_RELAY_HOPS = 8;

export interface RelayedSignal {
  from: string;
  to: string;
  ttl: number;
  data: unknown;
}

export type OverlayFrame = { kind: 'overlay'; bytes: Uint8Array } | { kind: 'signal'; signal: RelayedSignal };

const OVERLAY = 1;
const SIGNAL = 2;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeOverlayFrame(bytes: Uint8Array): Uint8Array {
  const frame = new Uint8Array(bytes.length + 1);
  frame[0] = OVERLAY;
  frame.set(bytes, 1);
  return frame;
}

/** The frame of a relayed signal, or `undefined` if it would be larger than a frame (it then goes through the server). */
export function encodeSignalFrame(signal: RelayedSignal): Uint8Array | undefined {
  const body = utf8.encode(JSON.stringify(signal));
  if (body.length + 1 > MAX_FRAME_SIZE) return undefined;
  const frame = new Uint8Array(body.length + 1);
  frame[0] = SIGNAL;
  frame.set(body, 1);
  return frame;
}

/** Throws a PandaError (`OVERLAY_FIELD_INVALID`, `OVERLAY_MESSAGE_TYPE_UNKNOWN`) for anything malformed. */
export function decodeOverlayFrame(frame: Uint8Array): OverlayFrame {
  if (frame.length === 0) throw new PandaError('OVERLAY_MESSAGE_TRUNCATED', 'An empty overlay frame');
  const body = frame.subarray(1);
  if (frame[0] === OVERLAY) return { kind: 'overlay', bytes: body };
  if (frame[0] !== SIGNAL) throw new PandaError('OVERLAY_MESSAGE_TYPE_UNKNOWN', `Unknown overlay frame tag ${frame[0]}`);
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8.decode(body));
  } catch {
    throw new PandaError('OVERLAY_FIELD_INVALID', 'A relayed signal is not UTF-8 JSON');
  }
  if (!isRecord(value)) throw new PandaError('OVERLAY_FIELD_INVALID', 'A relayed signal is an object');
  const { from, to, ttl, data } = value;
  if (!isPeerId(from) || !isPeerId(to)) throw new PandaError('OVERLAY_PEER_ID_INVALID', 'A relayed signal names its peers by id');
  if (!Number.isInteger(ttl) || (ttl as number) < 0 || (ttl as number) > MAX_RELAY_HOPS) {
    throw new PandaError('OVERLAY_FIELD_INVALID', `A relayed signal has 0 to ${MAX_RELAY_HOPS} hops left`);
  }
  if (typeof data !== 'string' && !isRecord(data)) throw new PandaError('OVERLAY_FIELD_INVALID', 'A relayed signal carries a message');
  return { kind: 'signal', signal: { from, to, ttl: ttl as number, data } };
}
