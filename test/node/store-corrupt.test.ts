/**
 * Finding 12 of issue 13: a damaged SQLite file is `STORE_CORRUPT` (at open and at read
 * time), and the `panda` command says so in one line with how to recover, never a stack
 * trace: export-schedule, status, festival list and serve.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { FestivalNode, hashingReady, isPandaError } from '../../core/index.js';
import { seedDemoFestival, type DemoFestival } from '../../demo/seed.js';
import { DataDir } from '../../node/data-dir.js';
import { SqliteStore } from '../../node/sqlite-store.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = 4096;
const corrupt = (error: unknown) => isPandaError(error, 'STORE_CORRUPT');

describe('a damaged SQLite store', () => {
  const dirs: string[] = [];
  let demo: DemoFestival;
  let pristine: Buffer;

  before(async () => {
    await hashingReady();
    const dir = mkdtempSync(join(tmpdir(), 'panda-corrupt-'));
    dirs.push(dir);
    const store = new SqliteStore(new DataDir(dir).databasePath);
    demo = await seedDemoFestival(new FestivalNode(store), { firstDay: '2026-10-23' });
    store.close();
    pristine = readFileSync(new DataDir(dir).databasePath);
  });
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** A data directory holding the demo festival's store with bytes [from, to) overwritten. */
  function damaged(from: number, to: number): DataDir {
    const dir = mkdtempSync(join(tmpdir(), 'panda-corrupt-'));
    dirs.push(dir);
    const data = new DataDir(dir);
    data.join(demo.festivalId);
    const file = Buffer.from(pristine);
    file.fill(0x5a, from, to);
    writeFileSync(data.databasePath, file);
    return data;
  }

  test("pages damaged behind an intact header: it opens, and every read is STORE_CORRUPT, not SQLite's error", async () => {
    const data = damaged(2 * PAGE, pristine.length - PAGE);
    const store = new SqliteStore(data.databasePath);
    try {
      await assert.rejects(store.getLogs(), corrupt);
      await assert.rejects(store.getOperationsBySchema(demo.festivalId), corrupt);
      const error = await store.getLogs().catch((caught: unknown) => caught);
      assert.ok(isPandaError(error) && error.details?.['path'] === data.databasePath && error.details?.['cause'] === 'SQLITE_CORRUPT');
    } finally {
      store.close();
    }
  });

  test('a damaged schema page (the first page behind the header): STORE_CORRUPT at open', () => {
    const data = damaged(100, PAGE);
    assert.throws(() => new SqliteStore(data.databasePath), corrupt);
  });

  for (const args of [['export-schedule', '--format', 'ical', '--festival'], ['status'], ['festival', 'list'], ['serve', '--signaling', 'ws://127.0.0.1:9']]) {
    test(`panda ${args[0]} on a damaged store: one line with how to recover, exit code 2, no stack trace`, () => {
      const data = damaged(2 * PAGE, pristine.length - PAGE);
      const argv = args[0] === 'export-schedule' ? [...args, demo.festivalId] : args;
      const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), ...argv, '--data', data.path], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      const lines = result.stderr.trim().split('\n');
      console.log(`finding 12: panda ${args[0]} -> exit ${result.status}: ${result.stderr.trim()}`);
      assert.equal(result.status, 2);
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0]!,
        /^panda: The store at .* is damaged .*\[STORE_CORRUPT\]; to recover, move it aside \(mv ".*panda\.sqlite" ".*panda\.sqlite\.damaged"\) and run `panda serve`/,
      );
      assert.doesNotMatch(result.stderr, /SqliteError|\n\s+at /);
    });
  }
});
