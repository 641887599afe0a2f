/**
 * A real crash in the middle of writing: Chromium publishes into a DexieStore as fast as it
 * can and is SIGKILLed (its whole process group: browser, storage service, renderers) while
 * writes are in flight. Relaunched on the same profile, the store must hold whole entries
 * only: every entry has its operation and every operation its entry, every log's head is its
 * highest entry, sequence numbers run 1..n with intact backlinks and skiplinks, every publish
 * that had resolved before the kill is still there, and publishing goes on from there.
 * (Except when Chromium itself reports that it found IndexedDB corrupt and deleted it: then
 * the store must be empty, and the kill does not count towards the three that must survive.)
 *
 * Run: node --import tsx --test test/e2e/interrupted-write.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { isSkiplinkRequired, lipmaa } from '../../core/index.js';
import { writeBrowserBundle } from '../browser-bundle.js';
import type { StoreReport } from './crash-page.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DB_NAME = 'panda-kit-crash';
/** Kills whose store must survive; each relaunches on the profile the previous one left. */
const KILLS = 3;
/** Kills allowed in all, counting those after which Chromium deleted the database (see below). */
const MAX_KILLS = 6;
/** Publishes (over all authors) to wait for in a round before pulling the plug. */
const WRITES_BEFORE_KILL = 60;

let workDir: string;
let server: Server;
let origin: string;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'panda-kit-crash-'));
  const site = join(workDir, 'site');
  // The core as a browser bundle of its own, and the page script importing it.
  await writeBrowserBundle({ entryPoints: [join(ROOT, 'core/index.ts')], outfile: join(site, 'core.js') });
  await writeBrowserBundle({
    entryPoints: [join(ROOT, 'test/e2e/crash-page.ts')],
    outfile: join(site, 'page.js'),
    plugins: [
      {
        name: 'bundled-core',
        setup(pluginBuild) {
          pluginBuild.onResolve({ filter: /\/core\/index\.js$/ }, () => ({ path: './core.js', external: true }));
        },
      },
    ],
  });
  assert.match(readFileSync(join(site, 'page.js'), 'utf8'), /from "\.\/core\.js"/, 'the page loads the bundled core');
  writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>crash</title><script type="module" src="/page.js"></script>');

  const files: Record<string, [string, string]> = {
    '/': ['index.html', 'text/html'],
    '/page.js': ['page.js', 'text/javascript'],
    '/core.js': ['core.js', 'text/javascript'],
  };
  server = createServer((request, response) => {
    const file = files[request.url ?? ''];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(readFileSync(join(site, file[0])));
  });
  // One server for every launch: IndexedDB belongs to the origin, port included.
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  // Whatever a failed assertion left open (closing a killed browser's context is a no-op).
  await Promise.allSettled([...contexts].map((context) => context.close()));
  server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

let launches = 0;
const contexts = new Set<BrowserContext>();

/**
 * Launches Chromium on `profile` and opens the test page. Chromium logs into a file of its
 * own per launch (returned as `log`): the test reads it for IndexedDB recovery messages.
 */
async function launch(profile: string): Promise<{ context: BrowserContext; page: Page; log: string }> {
  launches += 1;
  const log = join(workDir, `chromium-${launches}.log`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--enable-logging',
      `--log-file=${log}`,
    ],
  });
  contexts.add(context);
  context.on('close', () => contexts.delete(context));
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => window.crashPage !== undefined);
  return { context, page, log };
}

/** What Chromium logs when it finds an origin's IndexedDB LevelDB corrupt on opening it. */
const CHROMIUM_CORRUPTION = /Failed to open LevelDB database[^\n]*Corruption[^\n]*|Got corruption for[^\n]*/;
const readLog = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

/** pid -> [parent pid, process group, argv] for every process we may read. */
function processes(): Map<number, { ppid: number; pgid: number; argv: string[] }> {
  const table = new Map<number, { ppid: number; pgid: number; argv: string[] }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      table.set(Number(name), { ppid: Number(fields[1]), pgid: Number(fields[2]), argv });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/**
 * The browser process of the persistent context on `profile`: a child of this process
 * whose own argv names the profile and is no --type=... helper. (`context.browser()` is
 * null for persistent contexts, so Playwright does not hand it out.)
 */
function browserPid(profile: string): number {
  const candidates = [...processes()].filter(
    ([, p]) => p.ppid === process.pid && p.argv.includes(`--user-data-dir=${profile}`) && !p.argv.some((arg) => arg.startsWith('--type=')),
  );
  assert.equal(candidates.length, 1, `one browser process on ${profile}, found ${candidates.length}`);
  return candidates[0]![0];
}

/** Processes still alive in process group `pgid`. */
const groupMembers = (pgid: number) => [...processes()].filter(([, p]) => p.pgid === pgid).map(([pid]) => pid);

/** SIGKILLs the browser and every process of its group (Playwright starts it as a group leader). */
async function killHard(pid: number): Promise<void> {
  const group = processes().get(pid)!.pgid;
  assert.equal(group, pid, 'the browser leads its own process group');
  process.kill(-group, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (groupMembers(group).length > 0) {
    assert.ok(Date.now() < deadline, `processes of group ${group} outlived SIGKILL: ${groupMembers(group).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface LogHead {
  seqNum: number;
  hash: string;
}

/** Checks every invariant on a store report; returns each log's head, by `publicKey/logId`. */
function checkInvariant(report: StoreReport, label: string): Map<string, LogHead> {
  const entries = new Map(report.entries.map((entry) => [entry.hash, entry]));
  const operations = new Map(report.operations.map((operation) => [operation.id, operation]));
  assert.equal(entries.size, report.entries.length, `${label}: entry hashes are unique`);
  assert.equal(operations.size, report.operations.length, `${label}: operation ids are unique`);
  assert.equal(report.forks, 0, `${label}: no fork evidence`);

  for (const entry of report.entries) {
    assert.ok(entry.signatureValid, `${label}: entry ${entry.logId}/${entry.seqNum} of ${entry.publicKey} decodes, hashes and verifies`);
    const operation = operations.get(entry.hash);
    assert.ok(operation, `${label}: entry ${entry.publicKey.slice(0, 8)}/${entry.logId}/${entry.seqNum} has its operation`);
    assert.deepEqual(
      [operation.publicKey, operation.logId, operation.seqNum, operation.bytesHash, operation.bytesLength],
      [entry.publicKey, entry.logId, entry.seqNum, entry.payloadHash, entry.payloadSize],
      `${label}: operation ${operation.id} is the payload of its entry`,
    );
  }
  for (const operation of report.operations) {
    assert.ok(entries.has(operation.id), `${label}: operation ${operation.id} (seq ${operation.seqNum}) has its entry`);
  }

  const byLog = new Map<string, typeof report.entries>();
  for (const entry of report.entries) {
    const key = `${entry.publicKey}/${entry.logId}`;
    byLog.set(key, [...(byLog.get(key) ?? []), entry]);
  }
  const logs = new Map(report.logs.map((log) => [`${log.publicKey}/${log.logId}`, log]));
  assert.deepEqual([...logs.keys()].sort(), [...byLog.keys()].sort(), `${label}: a log row for every log with entries, and no other`);

  const heads = new Map<string, LogHead>();
  for (const [key, logEntries] of byLog) {
    const log = logs.get(key)!;
    const sorted = [...logEntries].sort((a, b) => a.seqNum - b.seqNum);
    assert.deepEqual(
      sorted.map((entry) => entry.seqNum),
      Array.from({ length: sorted.length }, (_, i) => i + 1),
      `${label}: log ${key} holds seq 1..${sorted.length} without gaps`,
    );
    const last = sorted.at(-1)!;
    assert.equal(log.latestSeqNum, last.seqNum, `${label}: latestSeqNum of log ${key}`);
    assert.equal(log.latestHash, last.hash, `${label}: latestHash of log ${key}`);
    const first = operations.get(sorted[0]!.hash)!;
    assert.equal(first.action, 'create', `${label}: log ${key} starts with a create`);
    assert.equal(log.documentId, first.id, `${label}: log ${key} belongs to the document its first entry created`);
    assert.equal(log.schemaId, first.schemaId);
    for (const entry of sorted) {
      const operation = operations.get(entry.hash)!;
      assert.equal(operation.documentId, log.documentId, `${label}: operation ${entry.seqNum} of ${key} is on the log's document`);
      if (entry.seqNum === 1) {
        assert.equal(entry.backlink, null);
        continue;
      }
      const previous = sorted[entry.seqNum - 2]!;
      assert.equal(entry.backlink, previous.hash, `${label}: backlink of ${key}/${entry.seqNum}`);
      assert.deepEqual(operation.previous, [previous.hash], `${label}: update ${key}/${entry.seqNum} follows the previous one`);
      const skip = isSkiplinkRequired(BigInt(entry.seqNum)) ? sorted[Number(lipmaa(BigInt(entry.seqNum))) - 1]!.hash : null;
      assert.equal(entry.skiplink, skip, `${label}: skiplink of ${key}/${entry.seqNum}`);
    }
    heads.set(key, { seqNum: last.seqNum, hash: last.hash });
  }
  return heads;
}

test('a browser killed mid-write leaves whole entries only, and publishing continues', { timeout: 120_000 }, async (t) => {
  const profile = join(workDir, 'profile');
  let previousTotal = 0;
  let authors: string[] = [];
  let survived = 0;
  let wiped = 0;
  let freshProfileStorage = false;

  for (let kill = 1; survived < KILLS; kill++) {
    assert.ok(kill <= MAX_KILLS, `only ${survived} of ${MAX_KILLS} kills left a store behind (Chromium wiped it ${wiped} times)`);
    // After Chromium gave up on a corrupt database, start over as a user clearing site data would.
    if (freshProfileStorage) rmSync(join(profile, 'Default', 'IndexedDB'), { recursive: true, force: true });
    freshProfileStorage = false;
    const { page } = await launch(profile);
    const pid = browserPid(profile);

    // What the previous crash left must already be consistent before writing on.
    const found = await page.evaluate((name) => window.crashPage!.inspect(name), DB_NAME);
    checkInvariant(found, `kill ${kill}, before writing`);
    assert.equal(found.entries.length, previousTotal, `kill ${kill}: the store holds what the last crash left`);

    await page.evaluate((name) => window.crashPage!.startWriting(name), DB_NAME);
    let progress = await page.evaluate(() => window.crashPage!.progress());
    const deadline = Date.now() + 20_000;
    while (progress.acknowledged < WRITES_BEFORE_KILL) {
      assert.deepEqual(progress.errors, [], `kill ${kill}: publishing fails`);
      assert.ok(Date.now() < deadline, `kill ${kill}: only ${progress.acknowledged} publishes in 20 s`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      progress = await page.evaluate(() => window.crashPage!.progress());
    }
    authors = await page.evaluate(() => window.crashPage!.authors);
    // Publishes resolved by now: their transactions committed before the kill.
    const acknowledged = progress;

    await killHard(pid);

    const { context: next, page: nextPage, log } = await launch(profile);
    try {
      let report: StoreReport | undefined;
      let openError: unknown;
      try {
        report = await nextPage.evaluate((name) => window.crashPage!.inspect(name), DB_NAME);
      } catch (error) {
        openError = error;
      }

      // Chromium opens IndexedDB's LevelDB with paranoid checks. Now and then (a few percent
      // of kills here) the kill leaves a log record it rejects ("Corruption: checksum
      // mismatch"); Chromium then fails the open or deletes the origin's whole IndexedDB.
      // That is the browser losing its storage, not a half-written entry: it is tolerated
      // only when Chromium logs it and nothing of the store is left, and does not count.
      const corruption = CHROMIUM_CORRUPTION.exec(readLog(log));
      if (corruption) {
        if (report) {
          checkInvariant(report, `kill ${kill}, after Chromium's corruption recovery`);
          assert.equal(report.entries.length, 0, `kill ${kill}: Chromium reports corruption, yet entries are left`);
        }
        t.diagnostic(
          `kill ${kill}: Chromium lost the IndexedDB (${corruption[0].slice(0, 160)}); ${acknowledged.acknowledged} acknowledged publishes gone${report ? '' : `, open failed: ${String(openError)}`}`,
        );
        wiped += 1;
        previousTotal = 0;
        freshProfileStorage = true;
        continue;
      }
      assert.equal(openError, undefined, `kill ${kill}: the store opens after the kill`);
      assert.ok(report);
      const heads = checkInvariant(report, `kill ${kill}, after relaunch`);
      const total = report.entries.length;

      t.diagnostic(
        `kill ${kill}: ${acknowledged.acknowledged} publishes acknowledged before the kill, ${total - previousTotal} stored, heads ${[...heads.values()].map((head) => head.seqNum).join('/')}`,
      );
      assert.equal(report.existed, true, `kill ${kill}: the database survives the kill`);
      assert.ok(total - previousTotal >= WRITES_BEFORE_KILL, `kill ${kill}: entries written before the kill survive (${total - previousTotal})`);
      assert.equal(heads.size, authors.length, `kill ${kill}: one log per author`);
      for (const author of authors) {
        const head = heads.get(`${author}/0`);
        assert.ok(head, `kill ${kill}: author ${author.slice(0, 8)} has a log`);
        assert.ok(
          head.seqNum >= (acknowledged.heads[author] ?? 0),
          `kill ${kill}: ${author.slice(0, 8)}'s acknowledged seq ${acknowledged.heads[author]} survived (head ${head.seqNum})`,
        );
      }
      previousTotal = total;
      survived += 1;
    } finally {
      await next.close();
    }
  }

  // After the last crash: a clean session publishes on from each log's head.
  const { context, page } = await launch(profile);
  try {
    const beforeMore = checkInvariant(await page.evaluate((name) => window.crashPage!.inspect(name), DB_NAME), 'final, before publishing');
    assert.equal(beforeMore.size, authors.length);
    const seqs = await page.evaluate((name) => window.crashPage!.publishMore(name, 5), DB_NAME);
    for (const author of authors) {
      const head = beforeMore.get(`${author}/0`)!.seqNum;
      assert.deepEqual(seqs[author], [head + 1, head + 2, head + 3, head + 4, head + 5], `publishing continues from ${author.slice(0, 8)}'s head`);
    }
    const report = await page.evaluate((name) => window.crashPage!.inspect(name), DB_NAME);
    const heads = checkInvariant(report, 'final');
    assert.equal(report.entries.length, previousTotal + 5 * authors.length);
    for (const author of authors) assert.equal(heads.get(`${author}/0`)!.seqNum, beforeMore.get(`${author}/0`)!.seqNum + 5);
  } finally {
    await context.close();
  }
});
