/**
 * Shared by the tests that run `panda` commands in this process on scratch data
 * directories: the directories (removed after the file's tests), a command's exit code and
 * output, and the data directory's model and entry count afterwards. Not a test file itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { FestivalNode, hashingReady, type FestivalModel } from '../../core/index.js';
import { run } from '../../cli/panda.js';
import { DataDir } from '../../node/data-dir.js';
import { SqliteStore } from '../../node/sqlite-store.js';

/** A maker of scratch directories named `<prefix>…`, all removed once the test file is done. */
export function scratchDirs(prefix: string): () => string {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}

/** Runs a command in this process: exit code, stdout lines, stderr lines. */
export async function runPanda(...args: string[]): Promise<{ code: number; lines: string[]; notes: string[] }> {
  const lines: string[] = [];
  const notes: string[] = [];
  const code = await run(
    args,
    (line) => lines.push(line),
    undefined,
    (line) => notes.push(line),
  );
  return { code, lines, notes };
}

/** Reads the festival model of a data directory's store. */
export async function withModel<T>(dir: string, read: (model: FestivalModel) => T): Promise<T> {
  await hashingReady();
  const store = new SqliteStore(new DataDir(dir).databasePath);
  try {
    return read(await new FestivalNode(store).model());
  } finally {
    store.close();
  }
}

/** How many entries a data directory's store holds. */
export async function entryCount(dir: string): Promise<number> {
  const store = new SqliteStore(new DataDir(dir).databasePath);
  try {
    return (await store.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0);
  } finally {
    store.close();
  }
}
