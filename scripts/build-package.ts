/**
 * The npm package's build: the entry point of every subpath in package.json's `exports`, and
 * the `panda` command, bundled together into dist/ so that they share one copy of each module
 * (dist/shared/): a `KeyPair` made with `panda-kit/core` is the class `panda-kit/node` checks
 * against, and a `PandaError` from either is the same class.
 *
 *   dist/core/index.js     panda-kit/core      the protocol, stores, festival model
 *   dist/peer/index.js     panda-kit/peer      signaling and WebRTC transports
 *   dist/node/index.js     panda-kit/node      data directory, SQLite store, Node peer
 *   dist/widgets/index.js  panda-kit/widgets   the elements, for bundlers (Lit stays an import)
 *   dist/cli/panda.js      the `panda` bin
 *
 * with a .d.ts beside each entry. Every bare import stays an import: the package's
 * dependencies are resolved by whoever installs it, once, alongside their own
 * (test/build/package.test.ts checks that each one is declared in package.json).
 * dist/widgets/panda-widgets.js, the self-contained build for a script tag, is
 * scripts/build-widgets.ts's.
 *
 * rollup.config.mjs appends `packageConfigs()`.
 */
import { rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, resolve } from 'node:path';
import type { Plugin, RollupOptions } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { dts } from 'rollup-plugin-dts';
import esbuild from 'rollup-plugin-esbuild';

/** Subpath → [entry name under dist/, source]. */
export const PACKAGE_ENTRIES = {
  './core': ['core/index', 'core/index.ts'],
  './peer': ['peer/index', 'peer/index.ts'],
  './node': ['node/index', 'node/index.ts'],
  './widgets': ['widgets/index', 'widgets/index.ts'],
} as const;

export const CLI_ENTRY = ['cli/panda', 'cli/main.ts'] as const;

/** Where modules shared by several entries go (under dist/). */
export const SHARED_CHUNKS = 'shared';

/** Bare names (packages and Node's builtins) are never bundled; our own files always are. */
export const isBareImport = (id: string) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[A-Za-z]:[\\/]/.test(id);

export function packageConfigs(options: { root?: string } = {}): RollupOptions[] {
  const root = resolve(options.root ?? process.cwd());
  const dist = join(root, 'dist');
  // The shared chunks' names carry hashes: those of earlier builds would otherwise linger and
  // be packed. dist/widgets/ is shared with the script-tag build, which cleans its own files.
  const clean: Plugin = {
    name: 'panda-kit-package-clean',
    buildStart() {
      for (const dir of ['core', 'peer', 'node', 'cli', SHARED_CHUNKS]) rmSync(join(dist, dir), { recursive: true, force: true });
      for (const file of ['index.js', 'index.js.map', 'index.d.ts']) rmSync(join(dist, 'widgets', file), { force: true });
    },
  };
  const entries = Object.fromEntries(Object.values(PACKAGE_ENTRIES).map(([name, source]) => [name, join(root, source)]));
  const external = (id: string) => isBareImport(id) || isBuiltin(id);
  // Inferred types name Lit's template results after the package that declares them,
  // lit-html, which is Lit's dependency, not ours; lit re-exports all of it.
  const litTypesFromLit: Plugin = {
    name: 'panda-kit-lit-types',
    renderChunk: (code) => code.replaceAll("from 'lit-html';", "from 'lit';"),
  };
  return [
    {
      input: { ...entries, [CLI_ENTRY[0]]: join(root, CLI_ENTRY[1]) },
      external,
      plugins: [clean, nodeResolve(), esbuild({ target: 'es2022', sourceMap: true, tsconfig: join(root, 'tsconfig.json') })],
      output: {
        dir: dist,
        format: 'es',
        sourcemap: true,
        entryFileNames: '[name].js',
        chunkFileNames: `${SHARED_CHUNKS}/[name]-[hash].js`,
        // Only the command is run as a program.
        banner: (chunk) => (chunk.name === CLI_ENTRY[0] ? '#!/usr/bin/env node' : ''),
      },
    },
    {
      input: entries,
      external,
      plugins: [dts({ tsconfig: join(root, 'tsconfig.json') }), litTypesFromLit],
      output: { dir: dist, format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: `${SHARED_CHUNKS}/[name]-[hash].d.ts` },
    },
  ];
}
