import { PandaError } from '../core/errors.js';
import { generateHash } from '../core/hash/hash.js';

const utf8Encoder = new TextEncoder();

/**
 * The signaling topic (y-webrtc room name) of a festival, so the festival id never reaches a
 * signaling server in clear: `'panda-kit-'` followed by the YASMF-BLAKE3 hash (`generateHash`
 * of core/hash, 68 hex characters starting `0020`) of the UTF-8 text
 * `'panda-kit/festival/' + festivalId`. `generateHash` gives the same digest before and after
 * `hashingReady()` (WebAssembly or @noble/hashes), so this needs no await.
 */
export function festivalTopic(festivalId: string): string {
  if (typeof festivalId !== 'string' || festivalId.length === 0) {
    throw new PandaError('INPUT_INVALID', 'A festival id must be a non-empty string');
  }
  return 'panda-kit-' + generateHash(utf8Encoder.encode('panda-kit/festival/' + festivalId));
}

/**
 * A peer's mailbox in a festival: the topic it stays subscribed to from joining to leaving,
 * whether or not it listens in the festival's topic, so that a peer that knows its id can
 * reach it through the signaling server. An overlay peer listens in the festival's topic only
 * while it looks for contacts (topic-listening.ts); without a mailbox, a part of the overlay
 * whose peers are each other's only neighbours could not signal a connection to anyone
 * outside it. Hashed like the topic: `'panda-kit/mailbox/' + festivalId + '/' + peerId`.
 */
export function mailboxTopic(festivalId: string, peerId: string): string {
  festivalTopic(festivalId);
  return 'panda-kit-' + generateHash(utf8Encoder.encode('panda-kit/mailbox/' + festivalId + '/' + peerId));
}
