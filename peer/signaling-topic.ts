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
