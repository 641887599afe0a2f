/**
 * Panda Kit as its users get it: the project packed with `npm pack`, the tarball installed
 * into a fresh copy of test/sample-app/ (its own package.json), and there
 * - a festival site's script importing `panda-kit/core` and `panda-kit/widgets`, type-checked
 *   with tsc (an element property given the wrong type fails), bundled with esbuild and run
 *   in Chromium: the schedule of a frab file on screen;
 * - the script-tag build from the installed package, with its Subresource Integrity hash;
 * - a Node script using `panda-kit/node` to open a SQLite store and `panda-kit/core` to
 *   publish into it, and the `panda` command of the installed package reading that store.
 *
 * Everything is written to a temporary directory: the working tree stays as it was.
 *
 * How the tarball is installed, without the network and without building native modules:
 * `npm ci --offline --ignore-scripts` with a lock file made here from the project's own
 * package-lock.json (the same versions and integrity hashes of the package's runtime
 * dependencies, and the tarball's), so npm takes every package from its cache, as the
 * project's own `npm ci` left it. better-sqlite3 and node-datachannel are optional peer
 * dependencies that a bot author installs beside panda-kit, which compiles or downloads
 * their native code; here they are links to the project's node_modules, where that was done
 * once, instead of three minutes of compiling better-sqlite3 on every run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { FESTIVAL_SCHEMA_IDS } from '../../core/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SAMPLE = join(ROOT, 'test/sample-app');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const FRAB = join(ROOT, 'test/browser/fixtures/frab-camp2019-trimmed.json');
const TARBALL = 'panda-kit.tgz';
const NATIVE = ['better-sqlite3', 'node-datachannel'];
const run = promisify(execFile);

interface LockEntry {
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

/**
 * The sample app's package-lock.json: the tarball, and every package the project's lock
 * installs for its runtime dependencies, at the same paths: all but those only dev
 * dependencies need (`devOptional` ones are optional dependencies of both).
 */
function sampleLock(app: string): object {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  const sample = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { name: string; version: string; dependencies: Record<string, string> };
  const integrity = `sha512-${createHash('sha512')
    .update(readFileSync(join(app, TARBALL)))
    .digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: sample.name, version: sample.version, dependencies: sample.dependencies },
    'node_modules/panda-kit': {
      version: pkg['version'],
      resolved: `file:${TARBALL}`,
      integrity,
      license: pkg['license'],
      dependencies: pkg['dependencies'],
      peerDependencies: pkg['peerDependencies'],
      peerDependenciesMeta: pkg['peerDependenciesMeta'],
      bin: pkg['bin'],
      engines: pkg['engines'],
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.peer) continue;
    const { devOptional, ...rest } = entry;
    packages[path] = devOptional ? { ...rest, optional: true } : rest;
  }
  return { name: sample.name, version: sample.version, lockfileVersion: 3, requires: true, packages };
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json' };

/** Serves a directory on 127.0.0.1, as a festival site's host would. */
async function serve(dir: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir) || !existsSync(file)) return void response.writeHead(404).end();
    response.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const built = ['dist/core/index.js', 'dist/node/index.js', 'dist/widgets/index.js', 'dist/widgets/panda-widgets.js', 'dist/cli/panda.js'].every((file) =>
  existsSync(join(ROOT, file)),
);

describe('the packed package in a fresh app', { timeout: 180_000 }, () => {
  let dir: string;
  let app: string;
  let browser: Browser | undefined;
  let missingNative: { code: number; stderr: string };

  before(async () => {
    assert.ok(built, 'run `npm run build` first: the package is packed from dist/');
    dir = mkdtempSync(join(tmpdir(), 'panda-sample-'));
    app = join(dir, 'app');
    cpSync(SAMPLE, app, { recursive: true });
    // dist/ is current (npm test builds first): prepack's build is not run again.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    renameSync(join(dir, packed!.filename), join(app, TARBALL));
    writeFileSync(join(app, 'package-lock.json'), `${JSON.stringify(sampleLock(app), null, 2)}\n`);
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: app });
    for (const name of NATIVE) assert.ok(!existsSync(join(app, 'node_modules', name)), `${name} is an optional peer dependency: npm does not install it`);
    // Without them the command says what to install.
    missingNative = await run(join(app, 'node_modules/.bin/panda'), ['--help'], { cwd: app }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    for (const name of NATIVE) symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir');
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the site type-checks against the package types; a wrongly typed element property does not', async () => {
    // One run over the site and a file that gives <panda-schedule>.src a number: that line,
    // and nothing else, is an error.
    writeFileSync(join(app, 'src/wrong.ts'), "import 'panda-kit/widgets';\ndocument.createElement('panda-schedule').src = 2019;\n");
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const output = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    rmSync(join(app, 'src/wrong.ts'));
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    assert.equal(errors.length, 1, `exactly one type error, in src/wrong.ts:\n${output}`);
    assert.match(errors[0]!, /^src\/wrong\.ts\(2,\d+\): error TS2322: Type 'number' is not assignable to type 'string/);
  });

  test(
    'the site, bundled with esbuild, shows the frab schedule in Chromium',
    { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` },
    async () => {
      const www = join(dir, 'www');
      await build({
        absWorkingDir: app,
        entryPoints: ['src/app.ts'],
        bundle: true,
        splitting: true,
        format: 'esm',
        target: 'es2022',
        outdir: www,
        logLevel: 'silent',
      });
      cpSync(join(app, 'index.html'), join(www, 'index.html'));
      cpSync(FRAB, join(www, 'schedule.json'));
      const { server, origin } = await serve(www);
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(origin);
        // Locators reach into the elements' shadow roots.
        await page.getByText('OpenCodes').first().waitFor({ timeout: 30_000 });
        await page.getByRole('heading', { name: 'Chaos Communication Camp 2019' }).waitFor();
        assert.equal(await page.locator('#schema').innerText(), `Events are published as ${FESTIVAL_SCHEMA_IDS.panda_event}`, 'panda-kit/core in the page');
        assert.deepEqual(errors, []);
      } finally {
        server.close();
      }
    },
  );

  test(
    'the script-tag build loads from the installed package with its integrity hash, and not with another',
    { skip: existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}` },
    async () => {
      const cdn = join(app, 'node_modules/panda-kit/dist/widgets');
      const integrity = (JSON.parse(readFileSync(join(cdn, 'integrity.json'), 'utf8')) as Record<string, string>)['panda-widgets.js'];
      assert.match(integrity ?? '', /^sha384-[A-Za-z0-9+/]{64}$/);
      cpSync(FRAB, join(dir, 'cdn-schedule.json'));
      const page = (hash: string) =>
        `<!doctype html><meta charset="utf-8"><title>CDN</title><script type="module" src="/panda-widgets.js" integrity="${hash}" crossorigin="anonymous"></script><panda-schedule src="/schedule.json" view="list" day="2019-08-22"></panda-schedule>`;
      writeFileSync(join(cdn, 'good.html'), page(integrity!));
      writeFileSync(join(cdn, 'bad.html'), page(`sha384-${createHash('sha384').update('something else').digest('base64')}`));
      cpSync(FRAB, join(cdn, 'schedule.json'));
      const { server, origin } = await serve(cdn);
      try {
        browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
        const good = await browser.newPage();
        await good.goto(`${origin}/good.html`);
        await good.getByText('OpenCodes').first().waitFor({ timeout: 30_000 });
        const bad = await browser.newPage();
        const refused = new Promise<string>((resolve) => bad.on('console', (message) => message.text().includes('integrity') && resolve(message.text())));
        await bad.goto(`${origin}/bad.html`);
        assert.match(await refused, /integrity/);
        assert.equal(await bad.evaluate(() => customElements.get('panda-schedule') === undefined), true, 'a script whose hash differs does not run');

        // Without the extension a festival's schedule comes from the in-page peer: the entry
        // fetches its chunk by the hashed name written into it, next to itself.
        const peer = await browser.newPage();
        const chunk = peer.waitForResponse((response) => /\/chunks\/in-page-source-[\w-]{8}\.js$/.test(response.url()));
        await peer.goto(`${origin}/good.html`);
        await peer.evaluate(() => {
          const schedule = document.createElement('panda-schedule');
          schedule.setAttribute('festival', `0020${'ab'.repeat(32)}`);
          schedule.setAttribute('signaling', 'ws://127.0.0.1:9');
          document.body.append(schedule);
        });
        assert.equal((await chunk).status(), 200, 'the in-page peer chunk loads by its hashed name');
      } finally {
        server.close();
      }
    },
  );

  test('a Node script opens a SQLite store with panda-kit/node and publishes into it with panda-kit/core', async () => {
    const data = join(dir, 'data');
    const { stdout } = await run(process.execPath, ['src/publish.mjs', data], { cwd: app, timeout: 30_000 });
    const result = JSON.parse(stdout) as { author: string; festivalId: string; festival: string; event: string; logs: number };
    assert.equal(result.festival, 'Sample Camp');
    assert.equal(result.event, 'Opening');
    assert.equal(result.logs, 2, 'one log per document');
    assert.ok(existsSync(join(data, 'panda.sqlite')));

    // The installed `panda` command (its shebang, run directly) reads the same data directory.
    const panda = join(app, 'node_modules/.bin/panda');
    const shown = await run(panda, ['identity', 'show', '--data', data], { cwd: app, timeout: 30_000 });
    assert.match(shown.stdout, new RegExp(result.author));
    assert.equal(missingNative.code, 1, 'panda, installed without the native modules, fails');
    assert.match(missingNative.stderr, /^panda: (better-sqlite3|node-datachannel) is not installed\. .*\n  npm i better-sqlite3 node-datachannel\n$/);
    const schedule = await run(panda, ['export-schedule', '--festival', result.festivalId, '--format', 'frab-json', '--data', data], {
      cwd: app,
      timeout: 30_000,
    });
    assert.match(schedule.stdout, /"title": "Opening"/);
  });
});
