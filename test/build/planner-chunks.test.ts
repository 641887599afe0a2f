/**
 * The planner page loads what every visit needs, and no more: the QR code encoder (qrcode)
 * and reader (jsQR) behind "Show as QR codes" and "Scan QR codes" are in chunks of their
 * own, loaded with `import()` only when a person opens one; nothing the page imports
 * statically holds either.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureExtensionBuilt } from '../../extension/build/rollup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A line of each library's own code. */
const JSQR = 'function jsQR(';
const QRCODE = 'The amount of data is too big to be stored in a QR Code';

/** The files `entry` imports, statically or with `import()`, relative to `dir`. */
function importsOf(dir: string, entry: string): { statically: string[]; dynamically: string[] } {
  const code = readFileSync(join(dir, entry), 'utf8');
  const resolve = (path: string) => join(entry, '..', path).split('\\').join('/');
  return {
    statically: [...code.matchAll(/^import\s*(?:[^'"]*\bfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm)].map((match) => resolve(match[1]!)),
    dynamically: [...code.matchAll(/\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)].map((match) => resolve(match[1]!)),
  };
}

/** `entry` and every file it imports statically, transitively. */
function staticClosure(dir: string, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of importsOf(dir, file).statically) visit(next);
  };
  visit(entry);
  return seen;
}

describe('the planner page and its chunks', { timeout: 300_000 }, () => {
  let dir = '';
  before(async () => {
    dir = join((await ensureExtensionBuilt({ root: ROOT })).dir, 'chrome');
  });

  test('no QR encoder or reader in what planner.html loads at once; each in a chunk loaded on use', () => {
    const eager = staticClosure(dir, 'planner.js');
    for (const file of eager) {
      const code = readFileSync(join(dir, file), 'utf8');
      assert.ok(!code.includes(JSQR), `${file} holds jsQR`);
      assert.ok(!code.includes(QRCODE), `${file} holds qrcode`);
    }
    const holding = (marker: string, from: string) =>
      [...staticClosure(dir, from)].filter((file) => !eager.has(file) && readFileSync(join(dir, file), 'utf8').includes(marker));
    const lazy = [...eager].flatMap((file) => importsOf(dir, file).dynamically);
    const show = lazy.find((file) => /\/qr-show-[^/]+\.js$/.test(file));
    const scan = lazy.find((file) => /\/qr-scan-[^/]+\.js$/.test(file));
    assert.ok(show && scan, `the QR display and reader are chunks of their own: ${lazy.join(', ')}`);
    assert.equal(holding(QRCODE, show).length, 1, 'the display brings the encoder');
    assert.deepEqual(holding(JSQR, scan), [], 'the reader does not bring jsQR before it is needed');
    const reader = importsOf(dir, scan).dynamically;
    assert.equal(reader.filter((file) => readFileSync(join(dir, file), 'utf8').includes(JSQR)).length, 1, 'jsQR is loaded by the reader with import()');
  });
});
