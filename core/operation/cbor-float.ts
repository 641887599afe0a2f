/**
 * IEEE 754 half-precision floats (CBOR's f9 xxxx): p2panda writes every float in the
 * smallest width that holds it exactly, so encoding must know when 16 bits do, and decoding
 * must read them.
 */

/** The number that half-precision `half` (16 bits) stands for. */
export function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const f32 = new DataView(new ArrayBuffer(4));

/** The IEEE 754 half-precision bits of `value` if it converts exactly, else undefined. */
export function toHalfIfLossless(value: number): number | undefined {
  if (Number.isNaN(value)) return 0x7e00;
  if (Math.fround(value) !== value) return undefined;
  f32.setFloat32(0, value);
  const bits = f32.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const fraction = bits & 0x7fffff;
  let half: number;
  if (value === 0 || !Number.isFinite(value)) half = sign | (value === 0 ? 0 : 0x7c00);
  else if (exponent >= 0x1f) return undefined;
  else if (exponent <= 0) {
    if (exponent < -10) return undefined;
    half = sign | ((fraction | 0x800000) >> (14 - exponent));
  } else half = sign | (exponent << 10) | (fraction >> 13);
  return Object.is(halfToNumber(half), value) ? half : undefined;
}
