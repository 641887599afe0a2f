/**
 * The toolbar and store icons, drawn at build time: a panda face (black ears and eye
 * patches, white face) on a transparent background, 4×4 supersampled, as RGBA PNGs.
 */
import { zlibSync } from 'fflate';

type Rgba = readonly [number, number, number, number];
const INK: Rgba = [34, 34, 34, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

const inEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number) => ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

/** The colour at (x, y) in the unit square: later shapes paint over earlier ones. */
function paint(x: number, y: number): Rgba {
  let colour = CLEAR;
  if (inEllipse(x, y, 0.22, 0.22, 0.17, 0.17) || inEllipse(x, y, 0.78, 0.22, 0.17, 0.17)) colour = INK;
  if (inEllipse(x, y, 0.5, 0.56, 0.42, 0.4)) colour = INK;
  if (inEllipse(x, y, 0.5, 0.56, 0.38, 0.36)) colour = WHITE;
  if (inEllipse(x, y, 0.34, 0.52, 0.09, 0.12) || inEllipse(x, y, 0.66, 0.52, 0.09, 0.12)) colour = INK;
  if (inEllipse(x, y, 0.35, 0.5, 0.03, 0.03) || inEllipse(x, y, 0.65, 0.5, 0.03, 0.03)) colour = WHITE;
  if (inEllipse(x, y, 0.5, 0.72, 0.07, 0.045)) colour = INK;
  return colour;
}

/** RGBA pixels of the icon at `size`×`size`. */
export function drawIcon(size: number, samples = 4): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const n = samples * samples;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied sums, so that transparent samples do not darken the edges.
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const [cr, cg, cb, ca] = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const offset = (py * size + px) * 4;
      pixels[offset] = a ? Math.round(r / a) : 0;
      pixels[offset + 1] = a ? Math.round(g / a) : 0;
      pixels[offset + 2] = a ? Math.round(b / a) : 0;
      pixels[offset + 3] = Math.round(a / n);
    }
  }
  return pixels;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit RGBA PNG of `pixels` (`width`×`height`, rows top to bottom). */
export function encodePng(width: number, height: number, pixels: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type RGBA, deflate, no filter, no interlace
  const rows = new Uint8Array(height * (1 + width * 4));
  for (let y = 0; y < height; y++) {
    rows[y * (1 + width * 4)] = 0; // filter: none
    rows.set(pixels.subarray(y * width * 4, (y + 1) * width * 4), y * (1 + width * 4) + 1);
  }
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlibSync(rows, { level: 9 })),
    chunk('IEND', new Uint8Array()),
  ];
  const png = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    png.set(part, offset);
    offset += part.length;
  }
  return png;
}

export const iconPng = (size: number): Uint8Array => encodePng(size, size, drawIcon(size));
