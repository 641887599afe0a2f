/**
 * dist/widgets/panda-widgets.js as a site loads it: the entry and everything it imports
 * statically at most 40 KB minified and gzipped, the in-page peer in a chunk reached only
 * through `import()`, every import a file of the bundle (no bare names: a page has no import
 * map), and no eval or `new Function` (sites with a strict Content Security Policy).
 *
 * For CDNs: chunk names carry content hashes, and integrity.json holds the Subresource
 * Integrity hash of every file, the entry's printed by the build with the script tag.
 *
 * Built here into a temporary directory with the same configuration as `npm run build`, so
 * that the figures are those of the sources as they are.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { OutputChunk } from 'rollup';
import { buildWidgets, WIDGETS_CHUNKS, WIDGETS_ENTRY, WIDGETS_INTEGRITY } from '../../scripts/build-widgets.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUDGET = 40 * 1024;
const IN_PAGE_PEER = join(ROOT, 'widgets/peer/in-page-source.ts');
const FORMS = join(ROOT, 'widgets/forms.ts');

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** What a module imports (static and dynamic), as esbuild parses it. */
async function importsOf(code: string): Promise<Array<{ path: string; kind: string }>> {
  const found: Array<{ path: string; kind: string }> = [];
  await build({
    stdin: { contents: code, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(plugin) {
          plugin.onResolve({ filter: /.*/ }, (args) => {
            found.push({ path: args.path, kind: args.kind });
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

const gzipped = (code: string) => gzipSync(code, { level: 9 }).length;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe('the widgets bundle', () => {
  let dir: string;
  let chunks: OutputChunk[];
  let printed: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'panda-widgets-build-'));
    const log = mock.method(console, 'log', () => {});
    try {
      const { output } = await buildWidgets({ root: ROOT, outDir: dir, report: true });
      chunks = output.filter((item): item is OutputChunk => item.type === 'chunk');
    } finally {
      printed = log.mock.calls.map((call) => call.arguments.join(' ')).join('\n');
      log.mock.restore();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('the entry and its static imports are at most 40 KB gzipped; the in-page peer comes only through import()', (t) => {
    const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
    const entry = byName.get(WIDGETS_ENTRY);
    assert.ok(entry?.isEntry, `${WIDGETS_ENTRY} is the entry`);
    const loaded = new Set<string>();
    const load = (name: string) => {
      if (loaded.has(name)) return;
      loaded.add(name);
      for (const imported of byName.get(name)!.imports) load(imported);
    };
    load(entry.fileName);

    const peer = chunks.filter((chunk) => chunk.moduleIds.includes(IN_PAGE_PEER));
    assert.equal(peer.length, 1, 'the in-page peer is in one chunk');
    const peerChunk = peer[0]!;
    assert.ok(!loaded.has(peerChunk.fileName), 'the page loads the in-page peer only when it needs it');
    assert.ok(
      [...loaded].some((name) => byName.get(name)!.dynamicImports.includes(peerChunk.fileName)),
      'the widgets import() it',
    );
    // Nor does any of the protocol's weight leak into what every page loads.
    const eager = [...loaded].flatMap((name) => byName.get(name)!.moduleIds);
    for (const heavy of [
      '/node_modules/dexie/',
      '/node_modules/hash-wasm/',
      '/node_modules/cbor-x/',
      '/peer/webrtc-network.ts',
      '/core/replication/replicator.ts',
    ]) {
      assert.ok(!eager.some((id) => id.includes(heavy)), `${heavy} is loaded only with the in-page peer`);
    }

    // The festival and resource forms too: a chunk of their own, loaded when a page has one.
    const forms = chunks.filter((chunk) => chunk.moduleIds.includes(FORMS));
    assert.equal(forms.length, 1, 'the forms are in one chunk');
    assert.ok(!loaded.has(forms[0]!.fileName), 'the page loads the forms only when it needs them');
    assert.ok(!eager.some((id) => id.includes('/widgets/festival-form/') || id.includes('/widgets/resource-form/')), 'no form code in what every page loads');
    t.diagnostic(`forms (${forms[0]!.fileName}): ${kb(forms[0]!.code.length)} minified, ${kb(gzipped(forms[0]!.code))} gzipped, loaded only with a form`);

    let total = 0;
    for (const name of loaded) {
      const size = gzipped(byName.get(name)!.code);
      total += size;
      t.diagnostic(`${name}: ${kb(byName.get(name)!.code.length)} minified, ${kb(size)} gzipped`);
    }
    t.diagnostic(`loaded by every page: ${kb(total)} gzipped (budget ${kb(BUDGET)})`);
    t.diagnostic(
      `in-page peer (${peerChunk.fileName}): ${kb(peerChunk.code.length)} minified, ${kb(gzipped(peerChunk.code))} gzipped, loaded only without the extension`,
    );
    assert.ok(total <= BUDGET, `the widgets are ${total} bytes gzipped, over the budget of ${BUDGET}`);
  });

  test('every file is an ES module whose imports are files of the bundle: no bare module names', async () => {
    const files = filesUnder(dir).filter((file) => file !== WIDGETS_INTEGRITY);
    assert.ok(files.includes(WIDGETS_ENTRY));
    for (const file of files) {
      assert.match(file, /\.js$/, `${file}: only modules in dist/widgets`);
      for (const { path, kind } of await importsOf(readFileSync(join(dir, file), 'utf8'))) {
        assert.match(path, /^\.\.?\//, `${file} imports "${path}" (${kind}): browsers cannot resolve bare names`);
        const target = resolve(dirname(join(dir, file)), path);
        assert.ok(existsSync(target) && target.startsWith(dir), `${file} imports ${path}, which is not in the bundle`);
      }
    }
  });

  test('chunk names carry content hashes; the build records and prints the sha384 integrity of what it wrote', () => {
    const files = filesUnder(dir).filter((file) => file !== WIDGETS_INTEGRITY);
    const chunkFiles = files.filter((file) => file !== WIDGETS_ENTRY);
    assert.ok(chunkFiles.length > 0, 'the in-page peer at least is a chunk');
    for (const file of chunkFiles) assert.match(file, new RegExp(`^${WIDGETS_CHUNKS}/[\\w.-]+-[\\w-]{8}\\.js$`), `${file} is named with its hash`);

    const recorded = JSON.parse(readFileSync(join(dir, WIDGETS_INTEGRITY), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(recorded).sort(), files, 'every file, and only those, has its hash recorded');
    for (const file of files) {
      const expected = `sha384-${createHash('sha384')
        .update(readFileSync(join(dir, file)))
        .digest('base64')}`;
      assert.equal(recorded[file], expected, `${file}'s recorded integrity is that of the file`);
    }
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const tag = `<script type="module" src="https://cdn.jsdelivr.net/npm/panda-kit@${version}/dist/widgets/${WIDGETS_ENTRY}" integrity="${recorded[WIDGETS_ENTRY]}" crossorigin="anonymous"></script>`;
    assert.equal(printed, `${WIDGETS_ENTRY} ${recorded[WIDGETS_ENTRY]}\n${tag}`);
  });

  test('no eval or new Function anywhere (a strict Content Security Policy refuses them)', () => {
    for (const file of filesUnder(dir).filter((name) => name !== WIDGETS_INTEGRITY)) {
      const code = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(code, /(?<![\w$.])eval\s*\(/, `${file} calls eval`);
      assert.doesNotMatch(code, /(?<![\w$.])(?:new\s+)?Function\s*\(/, `${file} makes functions from text`);
    }
  });
});
