/**
 * The extension's build: one source, bundled per browser into dist/extension/chrome/ and
 * dist/extension/firefox/ (unpacked Manifest V3), then zipped into
 * dist/extension/panda-kit-chrome.zip and panda-kit-firefox.zip.
 *
 * - background, popup, approval window, planner (and Chrome's offscreen document): ES modules, one
 *   build per browser (Firefox has no offscreen document);
 * - content.js (isolated world) and inpage.js (MAIN world): classic scripts (IIFE), since
 *   content scripts cannot be modules; the same file for both browsers;
 * - then manifest.json (extension/manifest.ts), the pages' HTML, the icons (drawn here) and
 *   the zips, in the last build's closeBundle: rollup runs a config array one after the
 *   other, so by then every bundle is written.
 *
 * rollup.config.mjs appends `extensionConfigs()`; tests call `ensureExtensionBuilt()`, which
 * rebuilds only when a source is newer than the last build.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import commonjsImport from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { zipSync, type Zippable } from 'fflate';
import type { OutputOptions, Plugin, RollupOptions } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { EXTENSION_TARGETS, FILES, ICON_SIZES, iconPath, manifestFor, type ExtensionTarget } from '../manifest.js';
import { iconPng } from './icons.js';

export interface ExtensionBuildOptions {
  /** The repository (default: the working directory). */
  root?: string;
  /** Where the unpacked extensions and zips go (default: <root>/dist/extension). */
  outDir?: string;
}

// The plugin's types are CommonJS-flavoured: under NodeNext its default import is typed as the
// module object, while at run time (an ES import) it is the plugin function.
const commonjs = commonjsImport as unknown as typeof commonjsImport.default;

export const CBOR_X = 'cbor-x';
export const CBOR_X_NO_EVAL = 'cbor-x/index-no-eval';

/**
 * cbor-x compiles record readers with `new Function` where it may; extension pages and sites
 * with a strict Content Security Policy may not, and store reviews flag it: its no-eval build
 * has the same API. For the extension's and the widgets' builds.
 */
export function cborWithoutEval(): Plugin {
  return {
    name: 'panda-kit-cbor-x-no-eval',
    resolveId(id, importer) {
      return id === CBOR_X ? this.resolve(CBOR_X_NO_EVAL, importer, { skipSelf: true }) : null;
    },
  };
}

/**
 * Packages without side effects that do not say so: qrcode (and its dijkstrajs) is CommonJS
 * without a `sideEffects` field, so rollup kept all of it (80 KB) wherever core's index was
 * imported, and the service worker, which draws no QR code, compiled it on every wake-up.
 * (core/replication/qr.ts marks its one top-level `new` pure for the same reason.)
 */
const PURE_PACKAGES = /[\\/]node_modules[\\/](qrcode|dijkstrajs)[\\/]/;
const treeshake = { moduleSideEffects: (id: string) => !PURE_PACKAGES.test(id) };

/** Written last: when the build finished and what went into it. */
export const BUILD_INFO = 'build-info.json';

/** Zip entries get this date, so that the same sources give the same zip. */
const ZIP_DATE = new Date('2025-01-01T00:00:00Z');

const pathsOf = (options: ExtensionBuildOptions) => {
  const root = resolve(options.root ?? process.cwd());
  return { root, out: resolve(root, options.outDir ?? 'dist/extension') };
};

/** Every file under `dir`, as paths relative to it, sorted. */
function filesUnder(dir: string, base = dir): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, base));
    else if (entry.isFile()) found.push(relative(base, path).split('\\').join('/'));
  }
  return found.sort();
}

function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The pages copied as they are: name → source. */
const PAGES: Record<string, string> = {
  [FILES.popup]: 'extension/popup/popup.html',
  [FILES.approval]: 'extension/approval/approval.html',
  [FILES.planner]: 'extension/planner/planner.html',
  [FILES.offscreen]: 'extension/offscreen/offscreen.html',
};

function writePackage(root: string, out: string, inputs: Set<string>, startedAt: number): void {
  const version = packageVersion(root);
  for (const target of EXTENSION_TARGETS) {
    const dir = join(out, target);
    const manifest = manifestFor(target, { version });
    writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const pages = target === 'chrome' ? [FILES.popup, FILES.approval, FILES.planner, FILES.offscreen] : [FILES.popup, FILES.approval, FILES.planner];
    for (const page of pages) {
      const source = join(root, PAGES[page]!);
      inputs.add(source);
      copyFileSync(source, join(dir, page));
    }
    mkdirSync(join(dir, 'icons'), { recursive: true });
    for (const size of ICON_SIZES) writeFileSync(join(dir, iconPath(size)), iconPng(size));
    const files = filesUnder(dir);
    for (const needed of [FILES.background, FILES.content, FILES.inpage, ...pages]) {
      if (!files.includes(needed)) throw new Error(`extension build: ${target}/${needed} is missing`);
    }
    const zippable: Zippable = {};
    for (const file of files) zippable[file] = [readFileSync(join(dir, file)), { mtime: ZIP_DATE }];
    writeFileSync(join(out, `panda-kit-${target}.zip`), zipSync(zippable, { level: 9 }));
  }
  for (const file of filesUnder(join(root, 'extension'))) inputs.add(join(root, 'extension', file));
  inputs.add(join(root, 'package.json'));
  // The start, not the end: a source saved during the build makes the next check rebuild.
  const info = {
    builtAt: startedAt,
    inputs: [...inputs]
      .filter((input) => !input.startsWith('\0'))
      .map((input) => relative(root, input))
      .sort(),
  };
  writeFileSync(join(out, BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`);
}

export function extensionConfigs(options: ExtensionBuildOptions = {}): RollupOptions[] {
  const { root, out } = pathsOf(options);
  const dir = (target: ExtensionTarget) => join(out, target);
  const inputs = new Set<string>();
  let startedAt = Date.now();
  const source = (path: string) => join(root, path);

  const collect: Plugin = {
    name: 'panda-kit-extension-inputs',
    buildEnd() {
      for (const file of this.getWatchFiles()) inputs.add(file);
    },
  };
  const plugins = () => [noEval, nodeResolve({ browser: true }), commonjs(), esbuild({ target: 'es2022', tsconfig: source('tsconfig.json') }), collect];
  const noEval = cborWithoutEval();
  const clean: Plugin = {
    name: 'panda-kit-extension-clean',
    buildStart() {
      startedAt = Date.now();
      rmSync(out, { recursive: true, force: true });
    },
  };
  const packaging: Plugin = {
    name: 'panda-kit-extension-package',
    closeBundle() {
      writePackage(root, out, inputs, startedAt);
    },
  };
  const scripts = (entry: string, file: string, extra: Plugin[] = []): RollupOptions => ({
    input: source(entry),
    plugins: [...plugins(), ...extra],
    output: EXTENSION_TARGETS.map((target): OutputOptions => ({ file: join(dir(target), file), format: 'iife' })),
  });

  return [
    ...EXTENSION_TARGETS.map((target, index): RollupOptions => ({
      input: {
        background: source('extension/background/main.ts'),
        popup: source('extension/popup/popup.ts'),
        approval: source('extension/approval/approval.ts'),
        planner: source('extension/planner/planner.ts'),
        ...(target === 'chrome' ? { offscreen: source('extension/offscreen/offscreen.ts') } : {}),
      },
      plugins: [...(index === 0 ? [clean] : []), ...plugins()],
      treeshake,
      output: { dir: dir(target), format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    })),
    scripts('extension/content/content.ts', FILES.content),
    scripts('extension/inpage/inpage.ts', FILES.inpage, [packaging]),
  ];
}

/** Builds the extension (both browsers, zips included) with rollup's API. */
export async function buildExtension(options: ExtensionBuildOptions = {}): Promise<void> {
  const { rollup } = await import('rollup');
  for (const config of extensionConfigs(options)) {
    const bundle = await rollup({ ...config, onwarn: () => {} });
    try {
      for (const output of [config.output ?? []].flat()) await bundle.write(output);
    } finally {
      await bundle.close();
    }
  }
}

/** Why the extension needs building, or undefined when the last build is newer than every input. */
export function extensionStaleness(options: ExtensionBuildOptions = {}): string | undefined {
  const { root, out } = pathsOf(options);
  const infoPath = join(out, BUILD_INFO);
  if (!existsSync(infoPath)) return 'never built';
  const info = JSON.parse(readFileSync(infoPath, 'utf8')) as { builtAt: number; inputs: string[] };
  const current = filesUnder(join(root, 'extension')).map((file) => join('extension', file));
  for (const input of new Set([...info.inputs, ...current])) {
    const path = join(root, input);
    if (!existsSync(path)) {
      if (info.inputs.includes(input)) return `${input} is gone`;
      continue;
    }
    if (statSync(path).mtimeMs > info.builtAt) return `${input} changed`;
  }
  return undefined;
}

/**
 * Builds the extension unless it is up to date. Test files may run at the same time: a lock
 * directory next to the output lets one build while the others wait for it.
 */
export async function ensureExtensionBuilt(options: ExtensionBuildOptions = {}): Promise<{ built: boolean; dir: string }> {
  const { out } = pathsOf(options);
  const lock = `${out}.lock`;
  mkdirSync(dirname(out), { recursive: true });
  const started = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A build that died long ago leaves its lock behind.
      if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 5 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - started > 10 * 60_000) throw new Error(`extension build: ${lock} is held too long`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    const stale = extensionStaleness(options);
    if (stale !== undefined) await buildExtension(options);
    return { built: stale !== undefined, dir: out };
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
