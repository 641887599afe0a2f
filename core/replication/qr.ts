/**
 * Small bundles (a delta of a few dozen entries) as a series of QR codes, for passing data
 * from one screen to another phone's camera with nothing else in between.
 *
 * Each QR code holds one part, as text:
 *
 *   PK2:<series>:<index>/<count>:<checksum>:<data>
 *
 * `series` is 8 hex digits, the first four bytes of the BLAKE3 digest of the whole bundle:
 * every part of one bundle carries it, so a part of another bundle (someone else's screen
 * in the same room) is told apart the moment it is scanned, and the reassembled bundle is
 * checked against it. `index` runs from 1 to `count` (at most 9999, no leading zeros);
 * `data` is the part's slice of the bundle in base64url without padding (every part but
 * the last a multiple of three bytes, so each part decodes on its own); `checksum` is 8 hex
 * digits, the first four bytes of the BLAKE3 digest of `PK2:<series>:<index>/<count>:<data>`,
 * so a misread part is caught when it is scanned. The bundle's own signature covers the
 * whole once reassembled. (PK1, without a series, was never released.)
 *
 * Reassembly, part by part as a camera reads them, is ./qr-parts.ts.
 *
 * Rendering uses the `qrcode` package's pure matrix API (`create`), drawn as SVG text here:
 * no DOM, canvas or Node API is involved.
 */
import QRCode from 'qrcode';
import { base64urlnopad } from '@scure/base';
import { bytesToHex } from '../bytes.js';
import { PandaError } from '../errors.js';
import { hashBytes } from '../hash/hash.js';

export const QR_PREFIX = 'PK2';
/**
 * Characters per QR code by default: at error correction level M this is a version 23 code
 * (109 x 109 modules), which phones read off a screen without trouble.
 */
export const DEFAULT_QR_CHARS = 800;
/** The most text one part may be: what a version 40 code holds in byte mode at level M. */
export const MAX_QR_CHARS = 2331;
export const MAX_QR_PARTS = 9999;

// Pure: a bundle that imports core's index but draws no QR code leaves this module out.
const textEncoder = /* @__PURE__ */ new TextEncoder();
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

/** The first four bytes of a BLAKE3 digest, as 8 hex digits (past the YASMF tag and length). */
const digest8 = (bytes: Uint8Array) => bytesToHex(hashBytes(bytes).subarray(2, 6));

/** The series of a bundle: what each of its parts carries. */
export const qrSeriesOf = (bundle: Uint8Array): string => digest8(bundle);

const checksum = (series: string, index: number, count: number, data: string) =>
  digest8(textEncoder.encode(`${QR_PREFIX}:${series}:${index}/${count}:${data}`));

/**
 * Splits a bundle into QR code texts of at most `maxChars` characters each (default
 * `DEFAULT_QR_CHARS`), in order. Show them one after another; `qrTextsToBundle` (or a
 * `QrPartCollector`, part by part) takes them back in any order.
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
    // PK2: series : index / count : checksum :
    const header = QR_PREFIX.length + 1 + 8 + 1 + 2 * digits + 1 + 1 + 8 + 1;
    perPart = Math.floor((maxChars - header) / 4) * 3;
    const needed = Math.ceil(bytes.length / perPart);
    if (String(needed).length <= digits) {
      count = needed;
      break;
    }
    count = needed;
  }
  if (count > MAX_QR_PARTS) invalid(`The bundle needs ${count} QR codes; at most ${MAX_QR_PARTS} are possible: use a file`);
  const series = qrSeriesOf(bytes);
  const texts: string[] = [];
  for (let index = 1; index <= count; index++) {
    const data = base64urlnopad.encode(bytes.subarray((index - 1) * perPart, index * perPart));
    texts.push(`${QR_PREFIX}:${series}:${index}/${count}:${checksum(series, index, count, data)}:${data}`);
  }
  return texts;
}

const PART = /^PK2:([0-9a-f]{8}):([1-9][0-9]{0,3})\/([1-9][0-9]{0,3}):([0-9a-f]{8}):([A-Za-z0-9_-]*)$/;
/** The longest text that can be a part: the longest code's text and the longest header. */
const MAX_PART_TEXT = MAX_QR_CHARS + 40;

/** One part of a series, as read from its QR code. */
export interface QrPart {
  series: string;
  index: number;
  count: number;
  data: Uint8Array;
}

/**
 * Why a scanned text is not a part: `QR_NOT_PANDA`, any other QR code (a link, a ticket);
 * `QR_PART_MISREAD`, shaped like a part but its checksum or data does not hold (scan it
 * again). Stable codes: a scanner words them for people.
 */
export type QrReadFailure = { code: 'QR_NOT_PANDA' | 'QR_PART_MISREAD'; message: string };

/** The part a scanned text holds, or why it holds none; whitespace around it is ignored. */
export function readQrText(text: unknown): QrPart | QrReadFailure {
  const match = typeof text === 'string' && text.length <= MAX_PART_TEXT ? PART.exec(text.trim()) : null;
  if (!match) return { code: 'QR_NOT_PANDA', message: 'Not a Panda Kit QR code' };
  const [, series, indexText, countText, sum, data] = match as unknown as [string, string, string, string, string, string];
  const index = Number(indexText);
  const count = Number(countText);
  if (index > count) return { code: 'QR_PART_MISREAD', message: `Part ${index} of ${count} cannot be` };
  if (checksum(series, index, count, data) !== sum)
    return { code: 'QR_PART_MISREAD', message: `Part ${index} of ${count} was misread (its checksum does not match): scan it again` };
  const bytes = fromBase64Url(data);
  if (!bytes || bytes.length === 0) return { code: 'QR_PART_MISREAD', message: `Part ${index} of ${count} holds no valid data` };
  return { series, index, count, data: bytes };
}

/** One part's series, index, count and bytes; BUNDLE_INVALID if it is not a well-formed, intact part. */
export function parseQrText(text: string): QrPart {
  const part = readQrText(text);
  if ('code' in part) invalid(part.message);
  return part;
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
