import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import { dts } from 'rollup-plugin-dts';
import pkg from './package.json' with { type: 'json' };
import { tsImport } from 'tsx/esm/api';

// The browser extension's builds (extension/build/rollup.ts, TypeScript, loaded through tsx).
const { extensionConfigs } = await tsImport('./extension/build/rollup.ts', import.meta.url);
// The widgets' one-file ES module for any site (scripts/build-widgets.ts).
const { widgetsConfig } = await tsImport('./scripts/build-widgets.ts', import.meta.url);

// The package build leaves runtime dependencies external: whoever bundles Panda Kit into
// a page or an extension resolves them once, alongside their own.
const external = (id) => Object.keys(pkg.dependencies).some((dep) => id === dep || id.startsWith(`${dep}/`));
// The command runs in Node: its builtins stay imports too.
const externalForNode = (id) => external(id) || id.startsWith('node:');

export default [
  {
    input: { index: 'core/index.ts' },
    external,
    plugins: [nodeResolve(), esbuild({ target: 'es2022', sourceMap: true })],
    output: { dir: 'dist/core', format: 'es', sourcemap: true },
  },
  {
    input: { index: 'core/index.ts' },
    external,
    plugins: [dts()],
    output: { dir: 'dist/core', format: 'es' },
  },
  {
    input: { panda: 'cli/main.ts' },
    external: externalForNode,
    plugins: [nodeResolve(), esbuild({ target: 'node20', sourceMap: true })],
    output: { dir: 'dist/cli', format: 'es', sourcemap: true, banner: '#!/usr/bin/env node' },
  },
  ...extensionConfigs(),
  widgetsConfig(),
];
