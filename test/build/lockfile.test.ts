// `npm ci` refuses a lock file that is out of step with package.json, and on another
// platform one that lacks that platform's optional packages (rollup's native builds, which
// npm drops from the lock when it is rewritten inside an existing node_modules). Resolving
// package.json afresh, next to the lock but with no node_modules, must give the same lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

test('package-lock.json is in sync with package.json for every platform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panda-lock-'));
  try {
    copyFileSync('package.json', join(dir, 'package.json'));
    copyFileSync('package-lock.json', join(dir, 'package-lock.json'));
    execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: dir,
      stdio: 'pipe',
    });
    const resolved = readFileSync(join(dir, 'package-lock.json'), 'utf8');
    assert.ok(resolved === readFileSync('package-lock.json', 'utf8'), 'run `npm install --package-lock-only` with no node_modules and commit the lock');
    const lock = JSON.parse(resolved) as { packages: Record<string, unknown> };
    for (const platform of ['linux-x64-gnu', 'darwin-arm64', 'win32-x64-msvc']) {
      assert.ok(lock.packages[`node_modules/@rollup/rollup-${platform}`], `rollup's ${platform} build is recorded`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
