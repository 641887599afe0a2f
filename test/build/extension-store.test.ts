/**
 * The extension's zips as the stores receive them (dist/extension/panda-kit-*.zip, rebuilt
 * here when a source is newer):
 * - Chrome Web Store: the manifest fields the store requires and checks (Manifest V3, name,
 *   version, a description of at most 132 characters, a 128×128 PNG icon, every permission
 *   justified in the README's store notes, no remote code), and every file it names in the zip;
 * - addons.mozilla.org: `web-ext lint` (Mozilla's addons-linter) finds no errors in the
 *   Firefox zip. (The linter is Firefox's: it rejects a Chrome manifest by design.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { ensureExtensionBuilt } from '../../extension/build/rollup.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

interface ChromeManifest {
  manifest_version: number;
  name: string;
  short_name?: string;
  version: string;
  description: string;
  icons: Record<string, string>;
  action?: { default_popup?: string; default_icon?: Record<string, string> };
  background: { service_worker: string; type?: string };
  content_scripts: Array<{ matches: string[]; js: string[] }>;
  permissions: string[];
  host_permissions?: string[];
  content_security_policy?: { extension_pages?: string };
  [key: string]: unknown;
}

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  assert.deepEqual([...bytes.subarray(0, 8)], signature, 'a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe('the extension zips as the stores check them', { timeout: 300_000 }, () => {
  let zips: Record<'chrome' | 'firefox', Record<string, Uint8Array>>;

  before(async () => {
    const { dir } = await ensureExtensionBuilt({ root: ROOT });
    zips = {
      chrome: unzipSync(readFileSync(join(dir, 'panda-kit-chrome.zip'))),
      firefox: unzipSync(readFileSync(join(dir, 'panda-kit-firefox.zip'))),
    };
  });

  test('Chrome: the manifest has every field the Chrome Web Store requires, within its limits', () => {
    const files = zips.chrome;
    assert.ok(files['manifest.json'], 'manifest.json at the root of the zip');
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as ChromeManifest;
    assert.equal(manifest.manifest_version, 3);
    assert.ok(manifest.name.length > 0 && manifest.name.length <= 75, 'a name of at most 75 characters');
    assert.ok(!manifest.short_name || manifest.short_name.length <= 12, 'a short name of at most 12 characters');
    // One to four dot-separated integers, 0 to 65535, without leading zeros.
    assert.match(manifest.version, /^(0|[1-9]\d{0,4})(\.(0|[1-9]\d{0,4})){0,3}$/);
    assert.ok(manifest.version.split('.').every((part) => Number(part) <= 65535));
    assert.equal(manifest.version, (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version, 'the package version');
    assert.ok(
      manifest.description.length > 0 && manifest.description.length <= 132,
      `a description of at most 132 characters (${manifest.description.length})`,
    );

    // The store shows the 128×128 icon; toolbar and extension pages use the smaller ones.
    assert.ok(manifest.icons['128'], 'a 128 icon');
    for (const [size, path] of Object.entries(manifest.icons)) {
      assert.ok(files[path], `${path} is in the zip`);
      assert.deepEqual(pngSize(files[path]), { width: Number(size), height: Number(size) }, `${path} is ${size}×${size}`);
    }

    // Every file the manifest names is in the zip.
    const named = [manifest.background.service_worker, manifest.action?.default_popup, ...manifest.content_scripts.flatMap((script) => script.js)].filter(
      (path) => path !== undefined,
    );
    for (const path of named) assert.ok(files[path], `${path} is in the zip`);

    // No remote code (MV3 forbids it): scripts only from the package, no eval.
    const scriptSources = /script-src ([^;]*)/
      .exec(manifest.content_security_policy?.extension_pages ?? "script-src 'self'")![1]!
      .trim()
      .split(/\s+/);
    assert.deepEqual(
      scriptSources.filter((source) => !["'self'", "'wasm-unsafe-eval'"].includes(source)),
      [],
      'extension pages run only their own scripts',
    );
    for (const key of ['update_url', 'key', 'externally_connectable', 'web_accessible_resources']) assert.ok(!(key in manifest), `no ${key}`);
  });

  test('Chrome: every permission and the pages the content scripts run on are justified in the README', () => {
    const manifest = JSON.parse(new TextDecoder().decode(zips.chrome['manifest.json'])) as ChromeManifest;
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const notes = /## Store listing\n([\s\S]*?)\n## /.exec(readme)?.[1];
    assert.ok(notes, 'the README has a "Store listing" section');
    const justified = new Map([...notes.matchAll(/^\| `([^`]+)`[^|]*\| (.+) \|$/gm)].map((match) => [match[1]!, match[2]!]));
    const asked = [...manifest.permissions, ...(manifest.host_permissions ?? []), ...new Set(manifest.content_scripts.flatMap((script) => script.matches))];
    for (const permission of asked) assert.ok((justified.get(permission) ?? '').length > 20, `${permission} is justified in the README's store listing`);
    // Reflowed text: any whitespace between the words.
    assert.match(notes, /What\s+leaves\s+the\s+browser:[\s\S]*signaling\s+messages[\s\S]*WebRTC/, 'the notes say what data leaves the browser');
    assert.match(notes, /never\s+leaves\s+the\s+browser:\s+private\s+keys/, 'and that keys never do');
  });

  test('Firefox: web-ext lint finds no errors in the zip', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'panda-firefox-zip-'));
    try {
      for (const [path, bytes] of Object.entries(zips.firefox)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), bytes);
      }
      const webExt = join(ROOT, 'node_modules/web-ext/bin/web-ext.js');
      // Exits non-zero when there are errors; the JSON report is printed either way.
      const { stdout } = await run(process.execPath, [webExt, 'lint', '--source-dir', dir, '--output', 'json', '--no-config-discovery'], {
        maxBuffer: 16 * 1024 * 1024,
      }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
      type Message = { code: string; message: string; file?: string };
      const report = JSON.parse(stdout) as { errors: Message[]; warnings: Message[]; notices: Message[] };
      for (const warning of report.warnings) t.diagnostic(`warning ${warning.code} ${warning.file ?? ''}: ${warning.message}`);
      assert.deepEqual(
        report.errors.map((error) => `${error.code} ${error.file ?? ''}: ${error.message}`),
        [],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
