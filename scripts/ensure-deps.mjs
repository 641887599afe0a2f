// Installs the npm dependencies when they are missing or were installed from another
// package-lock.json, so that `npm start` and `npm test` work on a fresh clone with no other step.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

// The lock's hash, written after a successful install: a content check, not file times, so a
// fresh checkout of the same lock (a git worktree sharing node_modules) does not reinstall.
const marker = 'node_modules/.panda-kit-lock-hash';
const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const installedHash = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
if (installedHash !== lockHash) {
  // `npm ci` installs exactly what the lock file pins and never rewrites it, so a fresh
  // clone stays clean. The lock records every platform's optional packages (rollup's native
  // builds); test/build/lockfile.test.ts fails when it drifts out of sync.
  console.log('Installing npm dependencies...');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
  writeFileSync(marker, lockHash + '\n');
}
