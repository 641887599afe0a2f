/**
 * The widgets' build: widgets/index.ts into dist/widgets/panda-widgets.js, one minified ES
 * module that any site loads with a script tag. Everything is bundled (Lit, and Dexie and the
 * rest of the protocol for the in-page peer): a page has no import map for bare names. The
 * in-page peer, loaded with `import()` only when there is no extension, becomes its own
 * chunk in dist/widgets/chunks/.
 *
 * Festival sites may have a strict Content Security Policy: cbor-x is swapped for its build
 * without `new Function` (as in the extension's build), and test/build/widgets-size.test.ts
 * checks that no eval remains.
 *
 * rollup.config.mjs appends `widgetsConfig()`; tests call `buildWidgets()`.
 */
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import commonjsImport from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import type { OutputOptions, Plugin, RollupOptions, RollupOutput } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { cborWithoutEval } from '../extension/build/rollup.js';

// Typed as the CommonJS module object under NodeNext; at run time the default export is the plugin.
const commonjs = commonjsImport as unknown as typeof commonjsImport.default;

export const WIDGETS_ENTRY = 'panda-widgets.js';
export const WIDGETS_CHUNKS = 'chunks';

export interface WidgetsBuildOptions {
  /** The repository (default: the working directory). */
  root?: string;
  /** The entry module (default: <root>/widgets/index.ts). */
  input?: string;
  /** Where the bundle goes (default: <root>/dist/widgets). */
  outDir?: string;
}

export function widgetsConfig(options: WidgetsBuildOptions = {}): RollupOptions & { output: OutputOptions } {
  const root = resolve(options.root ?? process.cwd());
  const outDir = resolve(root, options.outDir ?? 'dist/widgets');
  // Chunk names carry hashes: chunks of earlier builds would linger and be counted.
  const clean: Plugin = {
    name: 'panda-kit-widgets-clean',
    buildStart() {
      rmSync(outDir, { recursive: true, force: true });
    },
  };
  return {
    input: { 'panda-widgets': resolve(root, options.input ?? 'widgets/index.ts') },
    // The in-page peer imports shared code from the entry, which then exports a little more
    // than widgets/index.ts does; otherwise that code would be a further chunk to fetch.
    preserveEntrySignatures: 'allow-extension',
    plugins: [clean, cborWithoutEval(), nodeResolve({ browser: true }), commonjs(), esbuild({ target: 'es2022', minify: true, tsconfig: resolve(root, 'tsconfig.json') })],
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
  const config = widgetsConfig(options);
  const bundle = await rollup({ ...config, onwarn: () => {} });
  try {
    return await bundle.write(config.output);
  } finally {
    await bundle.close();
  }
}
