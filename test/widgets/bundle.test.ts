/**
 * The widgets' data layer and the forms' logic stay DOM-free: it must not touch the DOM (it runs in Node, workers
 * and pages alike). Its size counts in the whole bundle's 40 KB (gzip) budget, checked on
 * the build in test/build/widgets-size.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const LIB = fileURLToPath(new URL('../../widgets/lib/', import.meta.url));
const FORM_LOGIC = ['../event-form/form-logic.js', '../festival-form/festival-logic.js', '../resource-form/resource-logic.js'];
test('widgets/lib bundles without the DOM and without Node', async () => {
  const modules = readdirSync(LIB).filter((name) => name.endsWith('.ts'));
  assert.deepEqual(modules.sort(), [
    'export-frab.ts',
    'export-ical.ts',
    'favourites.ts',
    'feed-paths.ts',
    'filter.ts',
    'form-i18n.ts',
    'frab-format.ts',
    'frab-v2.ts',
    'frab-xml.ts',
    'i18n.ts',
    'import-frab.ts',
    'iso-date-time.ts',
    'messages-de.ts',
    'messages-en.ts',
    'schedule-data.ts',
    'schedule-file.ts',
    'schedule-input.ts',
    'schedule-snapshot.ts',
    'schedule-time.ts',
    'schedule-view.ts',
    'source.ts',
    'sources.ts',
    'status-words.ts',
    'time.ts',
    'xml-reader.ts',
  ]);
  const result = await build({
    // The forms' logic too: the planner runs it beside its own DOM.
    stdin: {
      contents: [...modules.map((name) => `./${name.replace(/\.ts$/, '.js')}`), ...FORM_LOGIC].map((path) => `export * from '${path}';`).join('\n'),
      resolveDir: LIB,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    target: 'es2022',
    logLevel: 'silent',
    // sources.ts loads the in-page peer with import(): a chunk of its own, checked on its own.
    plugins: [
      {
        name: 'in-page-peer-external',
        setup: (build) => build.onResolve({ filter: /\/peer\/in-page-source\.js$/ }, (args) => ({ path: args.path, external: true })),
      },
    ],
  });
  const code = result.outputFiles[0]!.text;
  for (const global of ['window', 'navigator', 'HTMLElement', 'customElements', 'localStorage']) {
    assert.doesNotMatch(code, new RegExp(`(?<![\\w.$'"])${global}\\b(?!['"])`), `uses ${global}`);
  }
  // "document" is also a word of the festival model's messages ("is not a document id"): only its use as a value counts.
  assert.doesNotMatch(code, /(?<![\w.$'"])document\s*[.[),;?]|typeof\s+document\b/, 'uses document');
  // Nothing Node-only either.
  assert.doesNotMatch(code, /from\s*["']node:|require\(/);
});
