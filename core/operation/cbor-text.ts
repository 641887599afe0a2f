/**
 * Decoding CBOR text strings: strict UTF-8 (a malformed one is an invalid operation, never
 * replacement characters), with short texts interned.
 *
 * Short texts recur in operation after operation (field names, schema ids, "confirm"): they
 * are decoded once and then looked up by a hash of their bytes, which saves a view, a
 * decode and a string per field. Entries keep their bytes, so a hash collision never returns
 * the wrong text; the table is bounded. Without it, decoding the festival benchmark's
 * operations took about 1.2x as long.
 */
import { PandaError } from '../errors.js';

const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const INTERNED_TEXT_SIZE = 96;
const INTERNED_LIMIT = 8192;
const interned = new Map<number, { bytes: Uint8Array; text: string }>();

function decodeText(bytes: Uint8Array): string {
  try {
    return textDecoder.decode(bytes);
  } catch {
    throw new PandaError('OPERATION_CBOR_INVALID', 'A text string is not valid UTF-8');
  }
}

function internedText(source: Uint8Array, start: number, size: number): string {
  let hash = 0x811c9dc5 ^ size;
  for (let i = start; i < start + size; i++) hash = Math.imul(hash ^ source[i]!, 0x01000193);
  // 30 bits: small integers are stored unboxed, so looking them up allocates nothing.
  hash &= 0x3fffffff;
  const entry = interned.get(hash);
  if (entry && entry.bytes.length === size) {
    let same = true;
    for (let i = 0; i < size && same; i++) same = entry.bytes[i] === source[start + i];
    if (same) return entry.text;
  }
  const bytes = source.slice(start, start + size);
  const text = decodeText(bytes);
  if (interned.size >= INTERNED_LIMIT) interned.clear();
  interned.set(hash, { bytes, text });
  return text;
}

/** The text of the `size` bytes at `start` of `source` (the caller checked they are there). */
export function textAt(source: Uint8Array, start: number, size: number): string {
  return size <= INTERNED_TEXT_SIZE ? internedText(source, start, size) : decodeText(source.subarray(start, start + size));
}
