// The built package as its users get it: every subpath resolves through package.json
// exports to dist/, with type declarations, and works with no TypeScript tooling; what
// `npm pack` puts in the tarball; what each subpath needs installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { PACKAGE_ENTRIES } from '../../scripts/build-package.js';

interface PackageJson {
  exports: Record<string, string | { types: string; default: string }>;
  files: string[];
  bin: Record<string, string>;
  customElements: string;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  private?: boolean;
}
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as PackageJson;
const NATIVE = ['better-sqlite3', 'node-datachannel'];

/** The bare names (packages, builtins) a built module imports, and the files it imports. */
function importsOf(file: string): { bare: string[]; files: string[] } {
  // Comments may quote imports (in JSDoc); esbuild's output has no '/*' inside strings.
  const code = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  const specifiers = [...code.matchAll(/(?:^|[;\s])(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
    (match) => match[1] ?? match[2]!,
  );
  return {
    bare: specifiers.filter((specifier) => !specifier.startsWith('.')),
    files: specifiers.filter((specifier) => specifier.startsWith('.')).map((specifier) => normalize(join(dirname(file), specifier))),
  };
}

/** Every module an entry loads (statically and through import()), itself included. */
function closure(entry: string, types = false): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of importsOf(file).files) visit(types ? imported.replace(/\.js$/, '.d.ts') : imported);
  };
  visit(normalize(entry));
  return seen;
}

/** The package name of a bare import ('@noble/hashes/sha2.js' → '@noble/hashes'). */
const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

test('panda-kit/core resolves to the rollup bundle and runs in plain Node', () => {
  const script = `
    import { KeyPair, encodeOperation, signAndEncodeEntry, decodeEntry, bytesToHex } from 'panda-kit/core';
    const keyPair = new KeyPair('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const operation = encodeOperation({ schemaId: 'schema_field_definition_v1', fields: { name: 'venue', type: 'str' } });
    const entry = await signAndEncodeEntry({ operation }, keyPair);
    const decoded = await decodeEntry(entry);
    console.log(JSON.stringify({ url: import.meta.resolve('panda-kit/core'), operation: bytesToHex(operation), publicKey: decoded.publicKey }));
  `;
  const output = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
    url: string;
    operation: string;
    publicKey: string;
  };
  assert.match(output.url, /\/dist\/core\/index\.js$/);
  assert.equal(output.operation, '840100781a736368656d615f6669656c645f646566696e6974696f6e5f7631a2646e616d656576656e7565647479706563737472');
  assert.equal(output.publicKey, 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
});

test('the bundle ships type declarations for the public API', () => {
  assert.ok(existsSync('dist/core/index.d.ts'));
  const types = readFileSync('dist/core/index.d.ts', 'utf8');
  for (const name of [
    'KeyPair',
    'signAndEncodeEntry',
    'decodeEntry',
    'encodeOperation',
    'decodeOperation',
    'DexieStore',
    'MemoryStore',
    'PandaError',
    'publish',
  ]) {
    assert.match(types, new RegExp(`\\b${name}\\b`), `${name} is declared`);
  }
});

test('core stays free of DOM and extension APIs', () => {
  // Comments may speak of a "document." (p2panda documents); code must not touch the DOM.
  const bundle = readFileSync('dist/core/index.js', 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  for (const api of ['document.', 'window.', 'chrome.', 'browser.runtime', 'webextension-polyfill']) {
    assert.ok(!bundle.includes(api), `dist/core must not use ${api}`);
  }
});

test('the README lists every festival schema id', async () => {
  const { FESTIVAL_SCHEMA_IDS } = await import('../../core/index.js');
  const readme = readFileSync('README.md', 'utf8');
  for (const id of Object.values(FESTIVAL_SCHEMA_IDS)) assert.ok(readme.includes(id), `${id} is in the README`);
});

test('every subpath resolves to its bundle and its types, and loads in plain Node', () => {
  for (const [subpath, [entry]] of Object.entries(PACKAGE_ENTRIES)) {
    const target = pkg.exports[subpath];
    // `default`, not `import`: Node's require() of ES modules (22.12+) matches it too.
    assert.deepEqual(target, { types: `./dist/${entry}.d.ts`, default: `./dist/${entry}.js` }, `${subpath} in exports`);
    assert.ok(existsSync(`dist/${entry}.js`) && existsSync(`dist/${entry}.d.ts`), `dist/${entry}.js and .d.ts are built`);
  }
  // The widgets need a DOM; the others load as they are.
  const script = `
    const peer = await import('panda-kit/peer');
    const node = await import('panda-kit/node');
    const core = await import('panda-kit/core');
    console.log(JSON.stringify({ peer: typeof peer.WebRtcNetwork, store: typeof node.SqliteStore, peerNode: typeof node.NodePeer, sameErrors: (await import('panda-kit/core')).PandaError === core.PandaError }));
  `;
  const output: unknown = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.deepEqual(output, { peer: 'function', store: 'function', peerNode: 'function', sameErrors: true });
});

test('panda-kit/node uses the same core classes as panda-kit/core (one copy of each module)', () => {
  const script = `
    import { DataDir } from 'panda-kit/node';
    import { KeyPair } from 'panda-kit/core';
    import { mkdtempSync, rmSync } from 'node:fs';
    import { tmpdir } from 'node:os';
    import { join } from 'node:path';
    const dir = mkdtempSync(join(tmpdir(), 'panda-node-'));
    try { console.log(new DataDir(dir).identityOrCreate() instanceof KeyPair); } finally { rmSync(dir, { recursive: true }); }
  `;
  assert.equal(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim(), 'true');
});

test('every package the bundles and types import is declared; the native ones are optional and only for Node', () => {
  const declared = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
  const entries = Object.values(PACKAGE_ENTRIES).map(([entry]) => entry);
  const modules = new Set([
    ...entries.flatMap((entry) => [...closure(`dist/${entry}.js`), ...closure(`dist/${entry}.d.ts`, true)]),
    ...closure(pkg.bin['panda']!),
  ]);
  for (const file of modules) {
    for (const specifier of importsOf(file).bare) {
      assert.ok(isBuiltin(specifier) || declared.has(packageOf(specifier)), `${file} imports ${specifier}, which package.json does not declare`);
    }
  }
  for (const name of NATIVE) {
    assert.ok(pkg.peerDependencies[name] && pkg.peerDependenciesMeta[name]?.optional, `${name} is an optional peer dependency`);
    assert.ok(!(name in pkg.dependencies), `${name} is not installed with every site's widgets`);
  }
  // A site bundling core, peer or the widgets pulls in no Node builtin and no native module.
  for (const entry of ['core/index', 'peer/index', 'widgets/index']) {
    for (const file of closure(`dist/${entry}.js`)) {
      for (const specifier of importsOf(file).bare) {
        assert.ok(!isBuiltin(specifier) && !NATIVE.includes(packageOf(specifier)), `dist/${entry}.js loads ${specifier} (through ${file})`);
      }
    }
  }
});

test('npm pack holds the bundles, their types and maps, the script-tag build, the manifest, README and LICENSE: nothing else', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { encoding: 'utf8' })) as Array<{
    files: Array<{ path: string }>;
  }>;
  const files = packed!.files.map((file) => file.path).sort();
  const unexpected = files.filter(
    (file) =>
      !['LICENSE', 'README.md', 'package.json'].includes(file) && !/^dist\/(core|peer|node|widgets|cli|shared)\/[\w./-]+\.(js|js\.map|d\.ts|json)$/.test(file),
  );
  assert.deepEqual(unexpected, [], 'only what users need is packed');
  assert.ok(!files.some((file) => file.startsWith('dist/extension/')), 'the extension goes to the stores, not to npm');
  const targets = Object.values(pkg.exports).flatMap((target) => (typeof target === 'string' ? [target] : [target.types, target.default]));
  for (const target of [...targets, pkg.customElements, ...Object.values(pkg.bin)]) {
    assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is packed`);
  }
  for (const file of files.filter((name) => name.endsWith('.js'))) {
    for (const imported of importsOf(file).files) assert.ok(files.includes(imported), `${file} imports ${imported}, which is not packed`);
  }
  assert.ok(
    files.includes('dist/widgets/panda-widgets.js') && files.includes('dist/widgets/integrity.json'),
    'the script-tag build, for CDNs serving the package',
  );
  assert.ok(readFileSync(pkg.bin['panda']!, 'utf8').startsWith('#!/usr/bin/env node\n'), 'the bin starts with its shebang');
  assert.equal(pkg.private, undefined, 'the package can be published (README: Releasing)');
});

test('HTMLElementTagNameMap in the widgets types names every element widgets/index.ts and its forms chunk define', () => {
  const sources = ['widgets/index.ts', 'widgets/forms.ts'].map((file) => readFileSync(file, 'utf8')).join('\n');
  const defined = [...sources.matchAll(/customElements\.define\('([a-z-]+)'/g)].map((match) => match[1]!);
  assert.ok(defined.length >= 6);
  const types = readFileSync('dist/widgets/index.d.ts', 'utf8');
  // Each module declares its own part of the map; TypeScript merges them.
  const map = [...types.matchAll(/interface HTMLElementTagNameMap \{([^}]*)\}/g)].map((match) => match[1]).join('');
  for (const tag of defined) assert.match(map, new RegExp(`'${tag}': \\w+;`), `${tag} is typed in HTMLElementTagNameMap`);
  const manifest = readFileSync(pkg.customElements, 'utf8');
  for (const tag of defined) assert.ok(manifest.includes(`"tagName": "${tag}"`), `${tag} is in the custom-elements manifest`);
});

test('a TypeScript bot type-checks against panda-kit/node, panda-kit/peer and panda-kit/core', () => {
  // Inside the package (dist/ is ignored by git), so that 'panda-kit' resolves to itself. The
  // peer's types are the DOM's WebRTC and Web Crypto types: "DOM" is in lib (README).
  const dir = 'dist/.typecheck';
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(
      join(dir, 'bot.ts'),
      `import { FestivalNode, KeyPair, type Hash } from 'panda-kit/core';
import { DataDir, NodePeer, SqliteStore, type NodePeerOptions } from 'panda-kit/node';
import { WebRtcNetwork } from 'panda-kit/peer';
const store: SqliteStore = new SqliteStore(':memory:');
const identity: KeyPair = new DataDir('/tmp/x').identityOrCreate();
export const created: Promise<{ documentId: Hash }> = new FestivalNode(store).createFestival(identity, { name: 'Camp', start: 0, end: 1 });
export const options: NodePeerOptions = { dataDir: '/tmp/x', signaling: ['ws://127.0.0.1:4444'] };
export const open: (options: NodePeerOptions) => Promise<NodePeer> = NodePeer.open;
export type Network = WebRtcNetwork;
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          types: ['node'],
          lib: ['ES2022', 'DOM'],
        },
        files: ['bot.ts'],
      }),
    );
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      assert.fail(`tsc: ${(error as { stdout: string }).stdout}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
