// The built package as its users get it: `panda-kit/core` resolves through package.json
// exports to dist/, with type declarations, and works with no TypeScript tooling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

test('panda-kit/core resolves to the rollup bundle and runs in plain Node', () => {
  const script = `
    import { KeyPair, encodeOperation, signAndEncodeEntry, decodeEntry, bytesToHex } from 'panda-kit/core';
    const keyPair = new KeyPair('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const operation = encodeOperation({ schemaId: 'schema_field_definition_v1', fields: { name: 'venue', type: 'str' } });
    const entry = await signAndEncodeEntry({ operation }, keyPair);
    const decoded = await decodeEntry(entry);
    console.log(JSON.stringify({ url: import.meta.resolve('panda-kit/core'), operation: bytesToHex(operation), publicKey: decoded.publicKey }));
  `;
  const output = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
  assert.match(output.url, /\/dist\/core\/index\.js$/);
  assert.equal(
    output.operation,
    '840100781a736368656d615f6669656c645f646566696e6974696f6e5f7631a2646e616d656576656e7565647479706563737472',
  );
  assert.equal(output.publicKey, 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
});

test('the bundle ships type declarations for the public API', () => {
  assert.ok(existsSync('dist/core/index.d.ts'));
  const types = readFileSync('dist/core/index.d.ts', 'utf8');
  for (const name of ['KeyPair', 'signAndEncodeEntry', 'decodeEntry', 'encodeOperation', 'decodeOperation', 'DexieStore', 'MemoryStore', 'PandaError', 'publish']) {
    assert.match(types, new RegExp(`\\b${name}\\b`), `${name} is declared`);
  }
});

test('core stays free of DOM and extension APIs', () => {
  // Comments may speak of a "document." (p2panda documents); code must not touch the DOM.
  const bundle = readFileSync('dist/core/index.js', 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const api of ['document.', 'window.', 'chrome.', 'browser.runtime', 'webextension-polyfill']) {
    assert.ok(!bundle.includes(api), `dist/core must not use ${api}`);
  }
});

test('the README lists every festival schema id', async () => {
  const { FESTIVAL_SCHEMA_IDS } = await import('../../core/index.js');
  const readme = readFileSync('README.md', 'utf8');
  for (const id of Object.values(FESTIVAL_SCHEMA_IDS)) assert.ok(readme.includes(id), `${id} is in the README`);
});
