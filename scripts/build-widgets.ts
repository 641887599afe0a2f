/**
 * The widgets' build: widgets/index.ts into dist/widgets/panda-widgets.js, one minified ES
 * module that any site loads with a script tag. Everything is bundled (Lit, and Dexie and the
 * rest of the protocol for the in-page peer): a page has no import map for bare names. The
 * in-page peer, loaded with `import()` only when there is no extension, becomes its own
 * chunk in dist/widgets/chunks/. Chunk names carry a hash of their content, so a CDN may
 * cache them forever; the entry's name stays `panda-widgets.js`, as sites name it in their
 * script tag (the version is in the URL).
 *
 * Subresource Integrity: the build records the sha384 hash of every file it wrote in
 * dist/widgets/integrity.json and prints the entry's, with the script tag that uses it
 * (test/build/widgets-size.test.ts checks both against the files; test/build/sample-app.test.ts
 * loads the entry with its hash in Chromium).
 *
 * Festival sites may have a strict Content Security Policy: cbor-x is swapped for its build
 * without `new Function` (as in the extension's build), and test/build/widgets-size.test.ts
 * checks that no eval remains.
 *
 * The in-page peer's worker (widgets/peer/peer-worker.ts) is built on its own into one
 * module with everything it needs, named with its hash beside the chunks: a worker must not
 * import the entry (it defines custom elements, and workers have no DOM). The page's code
 * finds it by `new URL('./peer-worker.ts', import.meta.url)`, which the build points at it.
 *
 * rollup.config.mjs appends `widgetsConfig()`; tests call `buildWidgets()`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import commonjsImport from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import type { OutputOptions, Plugin, RollupOptions, RollupOutput } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { cborWithoutEval } from '../extension/build/rollup.js';
import { templateWhitespace } from './template-whitespace.js';

// Typed as the CommonJS module object under NodeNext; at run time the default export is the plugin.
const commonjs = commonjsImport as unknown as typeof commonjsImport.default;

export const WIDGETS_ENTRY = 'panda-widgets.js';
export const WIDGETS_CHUNKS = 'chunks';
/** File name → `sha384-…` for every file of the build. */
export const WIDGETS_INTEGRITY = 'integrity.json';

/** The Subresource Integrity value of some bytes (sha384, as browsers check `integrity`). */
export const subresourceIntegrity = (bytes: Uint8Array) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

/** The script tag for a site, loading the entry from a CDN that serves the npm package. */
export function widgetsScriptTag(version: string, integrity: string): string {
  const src = `https://cdn.jsdelivr.net/npm/panda-kit@${version}/dist/widgets/${WIDGETS_ENTRY}`;
  return `<script type="module" src="${src}" integrity="${integrity}" crossorigin="anonymous"></script>`;
}

export interface WidgetsBuildOptions {
  /** The repository (default: the working directory). */
  root?: string;
  /** The entry module (default: <root>/widgets/index.ts). */
  input?: string;
  /** Where the bundle goes (default: <root>/dist/widgets). */
  outDir?: string;
  /** Print the entry's integrity and script tag when written (default: true). */
  report?: boolean;
}

/** TypeScript and packages, for browsers (and a strict CSP): what the entry's and the worker's builds share. */
const compile = (root: string): Plugin[] => [
  cborWithoutEval(),
  nodeResolve({ browser: true }),
  commonjs(),
  esbuild({ target: 'es2022', minify: true, tsconfig: resolve(root, 'tsconfig.json') }),
];

const WORKER_SOURCE = 'widgets/peer/peer-worker.ts';
const WORKER_URL = /new URL\(\s*(['"])\.\/peer-worker\.ts\1\s*,\s*import\.meta\.url\s*\)/;

/** The worker's own build (one module, no imports), emitted as `chunks/peer-worker-<hash>.js`; the URL to it replaces `new URL('./peer-worker.ts', import.meta.url)`. */
function peerWorker(root: string): Plugin {
  return {
    name: 'panda-kit-peer-worker',
    async transform(code) {
      if (!WORKER_URL.test(code)) return null;
      const { rollup } = await import('rollup');
      const bundle = await rollup({ input: resolve(root, WORKER_SOURCE), plugins: compile(root), onwarn: () => {} });
      let source: string;
      try {
        const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
        source = output[0].code;
      } finally {
        await bundle.close();
      }
      // Eight characters of the content's hash, as rollup names the chunks.
      const hash = createHash('sha256').update(source).digest('base64url').slice(0, 8);
      const reference = this.emitFile({ type: 'asset', fileName: `${WIDGETS_CHUNKS}/peer-worker-${hash}.js`, source });
      return { code: code.replace(WORKER_URL, `new URL(import.meta.ROLLUP_FILE_URL_${reference})`), map: null };
    },
  };
}

export function widgetsConfig(options: WidgetsBuildOptions = {}): RollupOptions & { output: OutputOptions } {
  const root = resolve(options.root ?? process.cwd());
  const outDir = resolve(root, options.outDir ?? 'dist/widgets');
  // Chunk names carry hashes: chunks of earlier builds would linger and be counted. Only this
  // build's files go: dist/widgets/ also holds the package's entry (scripts/build-package.ts)
  // and the custom-elements manifest.
  const clean: Plugin = {
    name: 'panda-kit-widgets-clean',
    buildStart() {
      for (const name of [WIDGETS_ENTRY, WIDGETS_CHUNKS, WIDGETS_INTEGRITY]) rmSync(join(outDir, name), { recursive: true, force: true });
    },
  };
  const integrity: Plugin = {
    name: 'panda-kit-widgets-integrity',
    writeBundle(_options, bundle) {
      // Hashed from the files as written, which is what a browser fetches.
      const hashes = Object.fromEntries(
        Object.keys(bundle)
          .sort()
          .map((fileName) => [fileName, subresourceIntegrity(readFileSync(join(outDir, fileName)))]),
      );
      writeFileSync(join(outDir, WIDGETS_INTEGRITY), `${JSON.stringify(hashes, null, 2)}\n`);
      if (options.report ?? true) {
        const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
        console.log(`${WIDGETS_ENTRY} ${hashes[WIDGETS_ENTRY]}\n${widgetsScriptTag(version, hashes[WIDGETS_ENTRY]!)}`);
      }
    },
  };
  return {
    input: { 'panda-widgets': resolve(root, options.input ?? 'widgets/index.ts') },
    // The in-page peer imports shared code from the entry, which then exports a little more
    // than widgets/index.ts does; otherwise that code would be a further chunk to fetch.
    preserveEntrySignatures: 'allow-extension',
    plugins: [
      clean,
      peerWorker(root),
      ...compile(root),
      // After esbuild: it reads the JavaScript. Only the widgets' own templates.
      templateWhitespace((id) => id.startsWith(resolve(root, 'widgets'))),
      integrity,
    ],
    output: {
      dir: outDir,
      format: 'es',
      entryFileNames: WIDGETS_ENTRY,
      chunkFileNames: `${WIDGETS_CHUNKS}/[name]-[hash].js`,
    },
  };
}

/** Builds the widgets with rollup's API; resolves with what was written. */
export async function buildWidgets(options: WidgetsBuildOptions = {}): Promise<RollupOutput> {
  const { rollup } = await import('rollup');
  const config = widgetsConfig({ report: false, ...options });
  const bundle = await rollup({ ...config, onwarn: () => {} });
  try {
    return await bundle.write(config.output);
  } finally {
    await bundle.close();
  }
}
