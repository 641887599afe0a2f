/**
 * Cases for the vault's base64 on untrusted text, shared by the Node test (the @scure/base
 * code path) and the browser test (the native `Uint8Array.fromBase64` path it takes there).
 */

/** What the vault's own decoder accepted before @scure/base: padded base64, nothing else. */
export const OLD_STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Values that are no text at all. */
export const NOT_TEXT: unknown[] = [undefined, null, 5, {}, ['AAAA'], new Uint8Array(4)];

/** Text the old decoder refused: missing or stray padding, whitespace, other alphabets. */
export const REFUSED = [
  'AAA',
  'AA=',
  'A===',
  '====',
  '=AAA',
  'AA==AA==',
  'AAAA====',
  ' AAAA',
  'AAAA ',
  'AA\nAA',
  'AAAA\t',
  'AA\rAA',
  'AAAA\f',
  'AB-_',
  'not base64!',
  'AAAA\u00a0',
];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random short texts near base64 that the old decoder refused. */
export function refusedRandomTexts(seed: number, rounds: number): string[] {
  const next = random(seed);
  const alphabet = 'AQgw+/=-_ \n\t9z.';
  const texts: string[] = [];
  for (let round = 0; round < rounds; round++) {
    let text = '';
    for (let length = Math.floor(next() * 12); length > 0; length--) text += alphabet[Math.floor(next() * alphabet.length)];
    if (!OLD_STRICT_BASE64.test(text)) texts.push(text);
  }
  return texts;
}

/** Random bytes of every length up to `count`, for round trips. */
export function randomByteArrays(seed: number, count: number): Uint8Array[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, length) => Uint8Array.from({ length }, () => Math.floor(next() * 256)));
}
