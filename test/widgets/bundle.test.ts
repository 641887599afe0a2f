/**
 * The widgets' data layer stays small and DOM-free: bundled and minified it must leave room
 * for Lit and the components within the widgets' 40 KB (gzip) budget, and it must not touch
 * the DOM (it runs in Node, workers and pages alike).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const LIB = fileURLToPath(new URL('../../widgets/lib/', import.meta.url));
/**
 * Of the widgets' 40 KB: the rest is for Lit (about 7 KB) and the components. (Both
 * languages' texts are about a third of it.)
 */
const BUDGET = 18 * 1024;

test('widgets/lib bundles small and without the DOM', async () => {
  const modules = readdirSync(LIB).filter((name) => name.endsWith('.ts'));
  assert.deepEqual(modules.sort(), ['export-frab.ts', 'export-ical.ts', 'favourites.ts', 'filter.ts', 'i18n.ts', 'schedule-data.ts', 'time.ts']);
  const result = await build({
    stdin: { contents: modules.map((name) => `export * from './${name.replace(/\.ts$/, '.js')}';`).join('\n'), resolveDir: LIB, loader: 'ts' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const gzipped = gzipSync(code).length;
  assert.ok(gzipped <= BUDGET, `widgets/lib is ${gzipped} bytes gzipped (budget ${BUDGET})`);
  for (const global of ['document', 'window', 'navigator', 'HTMLElement', 'customElements', 'localStorage']) {
    assert.doesNotMatch(code, new RegExp(`(?<![\\w.$'"])${global}\\b(?!['"])`), `uses ${global}`);
  }
  // Nothing Node-only either.
  assert.doesNotMatch(code, /from\s*["']node:|require\(/);
});
