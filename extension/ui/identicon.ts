/**
 * An identicon: a picture of a public key, so that people tell identities apart at a
 * glance and notice when a different one signs. A 5x5 grid, mirrored left to right, and a
 * colour, all taken from the key's bytes: the same key always gives the same picture.
 */
import { html, svg, type TemplateResult } from 'lit';
import { hexToBytes } from '../../core/bytes.js';

export interface IdenticonPattern {
  /** 0-359, from the key's first two bytes. */
  hue: number;
  /** 25 cells, row by row: whether each is filled. */
  cells: boolean[];
}

export const IDENTICON_GRID = 5;

/** Bytes of a key's hex; what is not hex is left out (the picture stays deterministic). */
function keyBytes(hex: string): Uint8Array {
  return hexToBytes((hex.match(/[0-9a-f]{2}/gi) ?? []).join(''));
}

export function identiconPattern(publicKey: string): IdenticonPattern {
  const bytes = keyBytes(publicKey);
  const byte = (index: number) => bytes[index] ?? 0;
  const half = Math.ceil(IDENTICON_GRID / 2);
  const cells: boolean[] = [];
  for (let row = 0; row < IDENTICON_GRID; row++) {
    for (let column = 0; column < IDENTICON_GRID; column++) {
      // Columns 3 and 4 mirror 1 and 0; each of the 15 free cells takes one byte's low bit.
      const source = column < half ? column : IDENTICON_GRID - 1 - column;
      cells.push((byte(2 + row * half + source) & 1) === 1);
    }
  }
  return { hue: ((byte(0) << 8) | byte(1)) % 360, cells };
}

/** The identicon as an `<svg>` of `size` CSS pixels; decorative (the key is always written next to it). */
export function identicon(publicKey: string, size = 24): TemplateResult {
  const { hue, cells } = identiconPattern(publicKey);
  const filled = cells.flatMap((on, index) =>
    on ? [svg`<rect x=${index % IDENTICON_GRID} y=${Math.floor(index / IDENTICON_GRID)} width="1" height="1" />`] : [],
  );
  return html`<svg class="identicon" data-identicon aria-hidden="true" width=${size} height=${size} viewBox="-0.5 -0.5 6 6" shape-rendering="crispEdges">
    <rect x="-0.5" y="-0.5" width="6" height="6" rx="0.8" fill="hsl(${hue} 45% 92%)" />
    <g fill="hsl(${hue} 60% 42%)">${filled}</g>
  </svg>`;
}
