/**
 * The `panda` command and the Node peer: identity, festivals, bundles, status, and two
 * `panda serve` peers replicating over real WebRTC (node-datachannel) through the signaling
 * server one of them starts, surviving a restart.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { FestivalNode, hashingReady, isPandaError } from '../../core/index.js';
import { run } from '../../cli/panda.js';
import { DataDir } from '../../node/data-dir.js';
import { SqliteStore } from '../../node/sqlite-store.js';
import { freePort, releaseNodeDataChannel } from '../peer/support.js';
import { HOUR, keyOf, T0 } from '../core/festival-support.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'panda-cli-'));
  dirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  releaseNodeDataChannel();
});

async function panda(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await run(args, (line) => lines.push(line));
  return { code, lines };
}

const usageError = (error: unknown) => isPandaError(error, 'CLI_USAGE');

async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A festival with a nested area, a resource, events and an authorization, written into a data directory. */
async function seedFestival(dir: string) {
  await hashingReady();
  const store = new SqliteStore(new DataDir(dir).databasePath);
  const node = new FestivalNode(store);
  const organiser = keyOf(1);
  const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const area = await node.createFestival(organiser, { name: 'Kids', start: T0, end: T0 + 72 * HOUR, parent: festival.documentId });
  const tent = await node.createResource(keyOf(2), { festival: area.documentId, title: 'Tent', kind: 'location', capacity: 1, policy: 'manual' });
  const talk = await node.createEvent(keyOf(3), {
    festival: festival.documentId,
    title: 'Night of chaos',
    start: T0,
    end: T0 + HOUR,
    resources: [tent.documentId],
  });
  await node.authorize(keyOf(2), tent.documentId, talk.documentId, 'confirm');
  store.close();
  return { festival: festival.documentId, talk: talk.documentId };
}

async function entryCount(dir: string): Promise<number> {
  const store = new SqliteStore(new DataDir(dir).databasePath);
  let count = 0;
  for (const log of await store.getLogs()) count += log.latestSeqNum;
  store.close();
  return count;
}

describe('panda command', () => {
  test('--help explains every command and flag', async () => {
    const { code, lines } = await panda('--help');
    assert.equal(code, 0);
    for (const word of ['serve', 'identity create', 'festival join', 'export', 'import', 'status', '--data', '--signaling', '--port', '--festival'])
      assert.ok(lines[0]!.includes(word), word);
  });

  test('identity: created once (key file readable by its owner only), shown, never silently replaced', async () => {
    const dir = tempDir();
    const created = await panda('identity', 'create', '--data', dir);
    assert.match(created.lines[0]!, /^[0-9a-f]{64}$/);
    assert.equal(statSync(join(dir, 'identity.json')).mode & 0o777, 0o600);
    assert.deepEqual((await panda('identity', 'show', '--data', dir)).lines, created.lines);
    await assert.rejects(panda('identity', 'create', '--data', dir), usageError);
    assert.notDeepEqual((await panda('identity', 'create', '--force', '--data', dir)).lines, created.lines);
  });

  test('bad input is a CLI_USAGE error, not a crash', async () => {
    const dir = tempDir();
    await assert.rejects(panda('festival', 'join', 'not-a-festival', '--data', dir), usageError);
    await assert.rejects(panda('frobnicate', '--data', dir), usageError);
    await assert.rejects(panda('identity', 'show', '--data', dir), usageError);
    await assert.rejects(panda('serve', '--port', 'x', '--data', dir), usageError);
    await assert.rejects(panda('import', join(dir, 'missing.bundle'), '--data', dir), usageError);
    await assert.rejects(panda('--bogus'), (error: unknown) => (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
  });

  test('festival join/list, export and import of a signed bundle, status', async () => {
    const source = tempDir();
    const { festival } = await seedFestival(source);
    await panda('festival', 'join', festival, '--data', source);
    const listed = await panda('festival', 'list', '--data', source);
    assert.match(listed.lines[0]!, /Hoffnung 3000\s+5 logs, 5 entries/);
    const file = join(source, 'hoffnung.bundle');
    const exported = await panda('export', festival, '--out', file, '--qr', '--data', source);
    assert.match(exported.lines[0]!, /^wrote \d+ bytes/);
    assert.ok(exported.lines.slice(1).every((line) => line.startsWith('PK2:')) && exported.lines.length > 1);

    const target = tempDir();
    const imported = await panda('import', file, '--join', '--data', target);
    assert.equal(imported.code, 0);
    assert.match(imported.lines[0]!, /^stored 5, already held 0, waiting 0/);
    assert.equal(await entryCount(target), 5);
    assert.match((await panda('festival', 'list', '--data', target)).lines[0]!, /Hoffnung 3000/);
    assert.match((await panda('import', file, '--data', target)).lines[0]!, /^stored 0, already held 5/);
    const status = await panda('status', '--data', target);
    assert.ok(
      status.lines.some((line) => line.includes(`festival ${festival}: 5 logs, 5 entries, 0 missing`)),
      status.lines.join('\n'),
    );
  });

  test('two `panda serve` peers replicate over WebRTC through the signaling server one starts, and survive a restart', { timeout: 120_000 }, async () => {
    const first = tempDir();
    const second = tempDir();
    const { festival } = await seedFestival(first);
    const port = await freePort();
    const stopFirst = new AbortController();
    const firstOutput: string[] = [];
    const firstRun = run(['serve', '--data', first, '--port', String(port), '--festival', festival], (line) => firstOutput.push(line), stopFirst.signal);
    await waitFor(() => firstOutput.some((line) => line.startsWith('festivals:')), 'the first peer');
    assert.ok(firstOutput.some((line) => line.includes(`ws://127.0.0.1:${port} (started here)`)));

    const serveSecond = () => {
      const stop = new AbortController();
      const lines: string[] = [];
      const running = run(
        ['serve', '--data', second, '--signaling', `ws://127.0.0.1:${port}`, '--festival', festival],
        (line) => lines.push(line),
        stop.signal,
      );
      return { stop, running, lines };
    };
    let peer = serveSecond();
    await waitFor(async () => (await entryCount(second)) === 5, 'replication to the second peer');
    // Both ways: the second peer writes, the first receives.
    peer.stop.abort();
    assert.equal(await peer.running, 0);
    const store = new SqliteStore(new DataDir(second).databasePath);
    await new FestivalNode(store).createEvent(keyOf(4), { festival, title: 'Written offline', start: T0 + HOUR, end: T0 + 2 * HOUR, resources: [] });
    store.close();
    peer = serveSecond();
    await waitFor(async () => (await entryCount(first)) === 6, 'replication back to the first peer', 60_000);
    const status = await panda('status', '--data', second);
    await waitFor(async () => (await panda('status', '--data', second)).lines.some((line) => line.startsWith('peers connected: 1')), 'status with the peer');
    assert.ok(status.lines[0]!.startsWith('peer '));
    peer.stop.abort();
    stopFirst.abort();
    assert.equal(await peer.running, 0);
    assert.equal(await firstRun, 0);
    assert.equal(await entryCount(second), 6);
  });
});
