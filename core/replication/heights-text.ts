/**
 * "What I have": the heights of the logs a device holds of a festival (`bundleHeights`) as
 * one line of text, to paste into a message or a form, so that the device that has more
 * exports only what is missing (`exportBundle` with `since`). Knowing it reveals which
 * authors' logs one holds and how far, nothing of their content.
 *
 *   panda-have:1:<festival id, hex>:<base64url, no padding, of CBOR [[public key, [log id, seq, ...]], ...]>
 */
import { base64urlnopad } from '@scure/base';
import { Encoder } from 'cbor-x';
import { PandaError } from '../errors.js';
import { isHash, type Hash } from '../hash/hash.js';
import { decodeAuthors, encodeAuthors, type LogHeights } from './messages.js';

const PREFIX = 'panda-have:1:';
/** The longest text read (a festival of some thousands of authors fits many times over). */
export const MAX_HEIGHTS_TEXT = 1024 * 1024;

const cbor = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false, mapsAsObjects: false, variableMapSize: true });

function invalid(message: string): never {
  throw new PandaError('HEIGHTS_TEXT_INVALID', message);
}

export function heightsToText(festival: Hash, heights: LogHeights): string {
  return `${PREFIX}${festival}:${base64urlnopad.encode(cbor.encode(encodeAuthors(heights)))}`;
}

/** Reads a "what I have" text; throws HEIGHTS_TEXT_INVALID for anything else. Whitespace around it is ignored. */
export function textToHeights(text: string): { festival: Hash; heights: LogHeights } {
  if (typeof text !== 'string' || text.length > MAX_HEIGHTS_TEXT) invalid('A “what I have” text is a line of at most 1 MB');
  const line = text.trim();
  if (!line.startsWith(PREFIX)) invalid('Not a Panda Kit “what I have” text (it starts with panda-have:1:)');
  const [festival, data, ...rest] = line.slice(PREFIX.length).split(':');
  if (!isHash(festival) || data === undefined || rest.length > 0) invalid('A “what I have” text names one festival, then its heights');
  let value: unknown;
  try {
    value = cbor.decode(base64urlnopad.decode(data));
  } catch {
    invalid('The heights of the “what I have” text are damaged');
  }
  try {
    return { festival, heights: decodeAuthors(value, 0) };
  } catch (error) {
    invalid(`The heights of the “what I have” text are not heights: ${error instanceof Error ? error.message : String(error)}`);
  }
}
