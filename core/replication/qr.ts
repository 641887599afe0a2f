/**
 * Small bundles (a delta of a few dozen entries) as a series of QR codes, for passing data
 * from one screen to another phone's camera with nothing else in between.
 *
 * Each QR code holds one part, as text:
 *
 *   PK1:<index>/<count>:<checksum>:<data>
 *
 * `index` runs from 1 to `count` (at most 9999, no leading zeros); `data` is the part's
 * slice of the bundle in base64url without padding (every part but the last a multiple of
 * three bytes, so each part decodes on its own); `checksum` is 8 hex digits, the first four
 * bytes of the BLAKE3 digest of `PK1:<index>/<count>:<data>`, so a misread part is caught
 * when it is scanned. The bundle's own signature covers the whole once reassembled.
 *
 * Rendering uses the `qrcode` package's pure matrix API (`create`), drawn as SVG text here:
 * no DOM, canvas or Node API is involved.
 */
import QRCode from 'qrcode';
import { base64urlnopad } from '@scure/base';
import { bytesToHex } from '../bytes.js';
import { PandaError } from '../errors.js';
import { hashBytes } from '../hash/hash.js';

export const QR_PREFIX = 'PK1';
/**
 * Characters per QR code by default: at error correction level M this is a version 23 code
 * (109 x 109 modules), which phones read off a screen without trouble.
 */
export const DEFAULT_QR_CHARS = 800;
/** The most text one part may be: what a version 40 code holds in byte mode at level M. */
export const MAX_QR_CHARS = 2331;
export const MAX_QR_PARTS = 9999;

const textEncoder = new TextEncoder();
function invalid(message: string): never {
  throw new PandaError('BUNDLE_INVALID', message);
}

/** Strict base64url: no padding, no stray bits; undefined for anything else. */
function fromBase64Url(text: string): Uint8Array | undefined {
  try {
    return base64urlnopad.decode(text);
  } catch {
    return undefined;
  }
}

function checksum(index: number, count: number, data: string): string {
  return bytesToHex(hashBytes(textEncoder.encode(`${QR_PREFIX}:${index}/${count}:${data}`)).subarray(2, 6));
}

/**
 * Splits a bundle into QR code texts of at most `maxChars` characters each (default
 * `DEFAULT_QR_CHARS`), in order. Show them one after another; `qrTextsToBundle` takes them
 * back in any order.
 */
export function bundleToQrTexts(bytes: Uint8Array, options: { maxChars?: number } = {}): string[] {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new PandaError('INPUT_INVALID', 'A bundle is non-empty bytes');
  const maxChars = options.maxChars ?? DEFAULT_QR_CHARS;
  if (!Number.isSafeInteger(maxChars) || maxChars < 40 || maxChars > MAX_QR_CHARS) {
    throw new PandaError('INPUT_INVALID', `maxChars is a whole number from 40 to ${MAX_QR_CHARS}`);
  }
  // The header's length depends on the count's digits, the count on the room left by the header.
  let count = 1;
  let perPart = 0;
  for (;;) {
    const digits = String(count).length;
    const header = QR_PREFIX.length + 1 + 2 * digits + 1 + 1 + 8 + 1;
    perPart = Math.floor((maxChars - header) / 4) * 3;
    const needed = Math.ceil(bytes.length / perPart);
    if (String(needed).length <= digits) {
      count = needed;
      break;
    }
    count = needed;
  }
  if (count > MAX_QR_PARTS) invalid(`The bundle needs ${count} QR codes; at most ${MAX_QR_PARTS} are possible: use a file`);
  const texts: string[] = [];
  for (let index = 1; index <= count; index++) {
    const data = base64urlnopad.encode(bytes.subarray((index - 1) * perPart, index * perPart));
    texts.push(`${QR_PREFIX}:${index}/${count}:${checksum(index, count, data)}:${data}`);
  }
  return texts;
}

const PART = /^PK1:([1-9][0-9]{0,3})\/([1-9][0-9]{0,3}):([0-9a-f]{8}):([A-Za-z0-9_-]*)$/;

/** One part's index, count and bytes; BUNDLE_INVALID if it is not a well-formed, intact part. */
export function parseQrText(text: string): { index: number; count: number; data: Uint8Array } {
  if (typeof text !== 'string' || text.length > MAX_QR_CHARS + 16) invalid('Not a Panda Kit QR code');
  const match = PART.exec(text.trim());
  if (!match) invalid('Not a Panda Kit QR code');
  const index = Number(match[1]);
  const count = Number(match[2]);
  const data = match[4]!;
  if (index > count) invalid(`Part ${index} of ${count} cannot be`);
  if (checksum(index, count, data) !== match[3]) invalid(`Part ${index} of ${count} was misread (its checksum does not match): scan it again`);
  const bytes = fromBase64Url(data);
  if (!bytes || bytes.length === 0) invalid(`Part ${index} of ${count} holds no valid data`);
  return { index, count, data: bytes };
}

/**
 * Reassembles a bundle from its QR texts, in any order; the same part scanned twice is
 * fine. BUNDLE_INVALID if a part is corrupt, missing, from a series of another length, or
 * read twice with different contents. (A part of another bundle of the same length is
 * caught by the bundle's signature, in `readBundle`.)
 */
export function qrTextsToBundle(texts: string[]): Uint8Array {
  if (!Array.isArray(texts) || texts.length === 0) invalid('No QR codes given');
  if (texts.length > 4 * MAX_QR_PARTS) invalid('Too many QR codes');
  let count: number | undefined;
  const parts = new Map<number, Uint8Array>();
  let size = 0; // at most MAX_QR_PARTS parts of at most MAX_QR_CHARS characters: bounded
  for (const text of texts) {
    const part = parseQrText(text);
    if (count === undefined) count = part.count;
    else if (part.count !== count) invalid(`QR codes of different series: ${count} and ${part.count} parts`);
    const seen = parts.get(part.index);
    if (seen) {
      if (seen.length !== part.data.length || seen.some((byte, i) => byte !== part.data[i])) invalid(`Part ${part.index} was read twice, differently`);
      continue;
    }
    parts.set(part.index, part.data);
    size += part.data.length;
  }
  const missing: number[] = [];
  for (let index = 1; index <= count!; index++) if (!parts.has(index)) missing.push(index);
  if (missing.length > 0)
    invalid(`Missing part${missing.length > 1 ? 's' : ''} ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', ...' : ''} of ${count}`);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (let index = 1; index <= count!; index++) {
    const data = parts.get(index)!;
    bytes.set(data, offset);
    offset += data.length;
  }
  return bytes;
}

export interface QrSvgOptions {
  /** Quiet zone around the code, in modules (default 4, as the standard asks). */
  margin?: number;
  /** Colours (CSS colour names or #hex; default black on white). */
  dark?: string;
  light?: string;
}

const COLOUR = /^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,32})$/;

/**
 * One QR code (error correction level M) as an SVG document: a light square and one path
 * of dark runs, one unit per module, scaled by whoever shows it (set its width).
 */
export function qrSvg(text: string, options: QrSvgOptions = {}): string {
  const margin = options.margin ?? 4;
  const dark = options.dark ?? '#000';
  const light = options.light ?? '#fff';
  if (!Number.isSafeInteger(margin) || margin < 0 || margin > 64) throw new PandaError('INPUT_INVALID', 'margin is a whole number from 0 to 64');
  if (!COLOUR.test(dark) || !COLOUR.test(light)) throw new PandaError('INPUT_INVALID', 'Colours are CSS colour names or #hex');
  if (typeof text !== 'string' || text.length === 0) throw new PandaError('INPUT_INVALID', 'A QR code needs some text');
  let modules: { size: number; get(row: number, col: number): number };
  try {
    modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  } catch (error) {
    throw new PandaError('INPUT_INVALID', `No QR code for this text: ${error instanceof Error ? error.message : String(error)}`);
  }
  const size = modules.size;
  const total = size + 2 * margin;
  let path = '';
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size;) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      let run = 1;
      while (col + run < size && modules.get(row, col + run)) run++;
      path += `M${col + margin} ${row + margin}h${run}v1h-${run}z`;
      col += run;
    }
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${total} ${total}" shape-rendering="crispEdges" data-modules="${size}">` +
    `<rect width="${total}" height="${total}" fill="${light}"/><path fill="${dark}" d="${path}"/></svg>`
  );
}
