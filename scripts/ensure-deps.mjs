// Installs the npm dependencies when they are missing or older than package-lock.json, so
// that `npm start` and `npm test` work on a fresh clone with no other step.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  // `npm install`, not `npm ci`: npm 11 records only this platform's optional packages
  // (rollup's native builds) in the lock file, and `npm ci` then refuses it as out of sync.
  // With the lock file present, `npm install` installs exactly the versions it pins.
  console.log('Installing npm dependencies...');
  execSync('npm install --no-audit --no-fund', { stdio: 'inherit' });
}
