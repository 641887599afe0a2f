/**
 * `panda devices`: two data directories, device A (Ana, who owns a stage with the manual
 * policy) and device B (a fresh install). A offers, B joins, A adds B with --yes; then, with
 * bundles carried between the two and no network, B proposes an event and confirms its
 * request for A's stage, and A's model counts the decision as Ana's. A removes B; B, not
 * yet told, confirms another request: that decision does not count, and (the model reads
 * the latest profile only) neither does the earlier one any more. Every pairing refusal is
 * one line with its code (exit code 2 from the executable), and nothing is signed then; the
 * interactive `devices add` reads the reply and the confirmation from its input (piped stdin
 * in the executable).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodePairingReply, deviceFingerprint, encodePairingReply, isPandaError, type Hash } from '../../core/index.js';
import { runDevicesCommand } from '../../cli/devices-command.js';
import { DataDir } from '../../node/data-dir.js';
import { ROOT } from '../peer/support.js';
import { entryCount, runPanda, scratchDirs, withModel } from './cli-support.js';

const tempDir = scratchDirs('panda-devices-');
const panda = runPanda;

/** The one line a command that succeeds prints. */
async function line(...args: string[]): Promise<string> {
  const { code, lines, notes } = await panda(...args);
  assert.equal(code, 0, notes.join('\n'));
  assert.equal(lines.length, 1, lines.join('\n'));
  return lines[0]!;
}

async function refused(code: string, ...args: string[]): Promise<void> {
  await assert.rejects(panda(...args), (error) => isPandaError(error) && error.code === code && error.message.length > 0);
}

/** Carries a festival from one data directory to another as a bundle file (no network). */
async function carry(festival: Hash, from: string, to: string): Promise<void> {
  const file = join(tempDir(), 'bundle.bin');
  await line('export', festival, '--out', file, '--data', from);
  const { code, lines } = await panda('import', file, '--join', '--data', to);
  assert.equal(code, 0, lines.join('\n'));
}

describe('panda devices', () => {
  const A = tempDir();
  const B = tempDir();
  let keyA: string;
  let keyB: string;
  let festival: Hash;
  let stage: Hash;

  /** On B: an event that requests A's stage, and B's confirmation of the request. */
  const proposeAndConfirm = async (title: string, start: string, end: string): Promise<Hash> => {
    const event = await line('event', 'create', '--festival', festival, '--title', title, '--start', start, '--end', end, '--resources', stage, '--data', B);
    await line('authorize', '--resource', stage, '--event', event, 'confirm', '--data', B);
    return event;
  };

  test('A offers, B joins, A adds B with --yes: its profile lists B', async () => {
    keyA = await line('identity', 'create', '--data', A);
    await line('profile', 'set', '--name', 'Ana', '--data', A);
    festival = await line(
      'festival',
      'create',
      '--name',
      'Fest',
      '--start',
      '2027-06-04T10:00Z',
      '--end',
      '2027-06-06T22:00Z',
      '--timezone',
      'UTC',
      '--data',
      A,
    );
    stage = await line('resource', 'create', '--festival', festival, '--title', 'Stage', '--kind', 'location', '--policy', 'manual', '--data', A);

    const offer = await line('devices', 'offer', '--data', A);
    assert.match(offer, /^PKPAIR1:[A-Z2-7-]+$/);
    assert.equal(statSync(new DataDir(A).pairingPath).mode & 0o777, 0o600, 'the secret is for the owner only');
    const joined = await panda('devices', 'join', offer, '--data', B);
    assert.equal(joined.code, 0);
    const reply = joined.lines[0]!;
    keyB = new DataDir(B).identity().publicKey();
    assert.equal(decodePairingReply(reply).device, keyB, 'join made B an identity and answers with it');
    assert.ok(
      joined.notes.some((note) => note.includes(deviceFingerprint(keyB))),
      'B shows its fingerprint',
    );

    const before = await entryCount(A);
    const added = await panda('devices', 'add', '--reply', reply, '--yes', '--data', A);
    assert.equal(added.code, 0);
    assert.match(added.lines[0]!, new RegExp(`^linked ${keyB} \\(${deviceFingerprint(keyB)}\\) to profile 0020`));
    assert.ok(
      added.notes.some((note) => note.includes(deviceFingerprint(keyB))),
      'A shows the same fingerprint',
    );
    assert.equal(await entryCount(A), before + 1, 'one profile update signed');
    await withModel(A, (model) => {
      assert.deepEqual(model.profileOf(keyA)?.devices, [keyB]);
      assert.ok(model.actsFor(keyB, keyA));
    });

    const listed = await panda('devices', 'list', '--data', A);
    assert.match(listed.lines.join('\n'), /\(Ana\): 1 linked device\n {2}counts in every festival the profile reaches; joined here: Fest\n/);
    assert.equal(listed.lines.at(-1), `  ${keyB}  ${deviceFingerprint(keyB)}`);
  });

  test('refusals: used twice, tampered, foreign vault, expired; each with its code and nothing signed', async () => {
    const before = await entryCount(A);
    const offer = await line('devices', 'offer', '--data', A);
    const reply = await line('devices', 'join', offer, '--data', B);
    await line('devices', 'add', '--reply', reply, '--yes', '--data', A);
    // The same reply again: the offer is used up.
    await refused('PAIRING_USED', 'devices', 'add', '--reply', reply, '--yes', '--data', A);

    // Another key put into B's reply (the check bytes made anew, as an attacker would).
    const fresh = await line('devices', 'offer', '--data', A);
    const answer = decodePairingReply(await line('devices', 'join', fresh, '--data', B));
    const C = tempDir();
    const keyC = await line('identity', 'create', '--data', C);
    await refused('PAIRING_INVALID', 'devices', 'add', '--reply', encodePairingReply({ ...answer, device: keyC }), '--yes', '--data', A);
    const typo = encodePairingReply(answer).replace(/-(.)/, (_match, char: string) => `-${char === 'A' ? 'B' : 'A'}`);
    await refused('PAIRING_CODE_INVALID', 'devices', 'add', '--reply', typo, '--yes', '--data', A);

    // C's own offer answered by B, given to A.
    const offerC = await line('devices', 'offer', '--data', C);
    await refused('PAIRING_NOT_FOR_THIS_VAULT', 'devices', 'add', '--reply', await line('devices', 'join', offerC, '--data', B), '--yes', '--data', A);
    // A's own offer, answered by A.
    await refused('PAIRING_SELF', 'devices', 'join', fresh, '--data', A);

    const short = await line('devices', 'offer', '--ttl', '1s', '--data', A);
    const late = await line('devices', 'join', short, '--data', B);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await refused('PAIRING_EXPIRED', 'devices', 'add', '--reply', late, '--yes', '--data', A);
    await refused('PAIRING_EXPIRED', 'devices', 'join', short, '--data', B);

    assert.equal(await entryCount(A), before, 'B was linked already: nothing signed by any of these');
  });

  test("B's decisions count as Ana's while linked; after removal, new ones do not (and, the latest profile ruling, old ones neither)", async () => {
    await carry(festival, A, B);
    const first = await proposeAndConfirm('Open mic', '2027-06-04T12:00Z', '2027-06-04T13:00Z');
    await carry(festival, B, A);
    await withModel(A, (model) => {
      const status = model.requestStatus(stage, first)!;
      assert.equal(status.state, 'confirmed');
      assert.deepEqual(
        status.votes.map((vote) => vote.voter),
        [keyA],
        "B's decision is Ana's vote",
      );
      assert.equal(model.personOf(keyB)?.name, 'Ana');
    });

    const removed = await line('devices', 'remove', keyB.slice(0, 12), '--data', A);
    assert.equal(removed, `unlinked ${keyB} from profile ${(await withModel(A, (model) => model.profileOf(keyA)))!.id}`);
    // B has not heard of the removal yet: it still decides as Ana.
    const second = await proposeAndConfirm('Late show', '2027-06-04T20:00Z', '2027-06-04T21:00Z');
    await carry(festival, B, A);
    await withModel(A, (model) => {
      assert.deepEqual(model.profileOf(keyA)?.devices, []);
      assert.equal(model.actsFor(keyB, keyA), false);
      assert.equal(model.requestStatus(stage, second)!.state, 'pending', "the new decision is not Ana's");
      assert.deepEqual(model.requestStatus(stage, second)!.votes, []);
      // Nothing ties a decision to the profile version it was made under (decided_at is
      // the device's own claim): the earlier one is withdrawn too, until Ana decides again.
      assert.equal(model.requestStatus(stage, first)!.state, 'pending');
      assert.equal(model.personOf(keyB), undefined);
    });
    // Once B has the update, the command itself refuses to decide as Ana.
    await carry(festival, A, B);
    await refused('CLI_NOT_ALLOWED', 'authorize', '--resource', stage, '--event', second, 'confirm', '--data', B);
    await refused('CLI_NOT_FOUND', 'devices', 'remove', keyB, '--data', A);
    assert.match((await panda('devices', 'list', '--data', A)).lines.join('\n'), /\(Ana\): 0 linked devices/);
  });

  test('interactive devices add: prints the offer, reads the reply and the answer; "n" signs nothing', async () => {
    const D = tempDir();
    await line('identity', 'create', '--data', D);
    const answered = async (confirm: string) => {
      const lines: string[] = [];
      const questions: string[] = [];
      const code = await runDevicesCommand(
        ['devices', 'add', '--name', 'Dee', '--data', D],
        (text) => lines.push(text),
        () => {},
        async (question) => {
          questions.push(question);
          if (questions.length === 1) return line('devices', 'join', lines[0]!, '--data', B);
          return confirm;
        },
      );
      return { code, lines, questions };
    };
    const declined = await answered('n');
    assert.equal(declined.code, 1);
    assert.equal(declined.questions.length, 2);
    assert.equal(await withModel(D, (model) => model.profiles.size), 0, 'nothing signed');
    const linked = await answered('y');
    assert.equal(linked.code, 0);
    assert.match(linked.lines[1]!, new RegExp(`^linked ${keyB}`));
    await withModel(D, (model) =>
      assert.deepEqual(
        [...model.profiles.values()].map((profile) => [profile.name, profile.devices]),
        [['Dee', [keyB]]],
      ),
    );
    const offers = JSON.parse(readFileSync(new DataDir(D).pairingPath, 'utf8')) as Array<{ usedBy?: string }>;
    assert.deepEqual(
      offers.map((offer) => offer.usedBy),
      [keyB, keyB],
      'both offers used up, the declined one too',
    );
  });

  test('the executable: devices add on a terminal-less stdin, piped reply and answer; a refusal is one line with its code, exit code 2', async () => {
    const E = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'devices', 'add', '--name', 'Eve', '--data', E], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const offer = await new Promise<string>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      }),
    );
    // The reply and the confirmation in one write: the second line waits for its question.
    child.stdin.write(`${await line('devices', 'join', offer, '--data', B)}\ny\n`);
    assert.equal(await exited, 0, stderr);
    assert.match(stdout.split('\n')[1]!, new RegExp(`^linked ${keyB}`));
    assert.match(stderr, /Link this device\? \[y\/N\]/);
    assert.ok(stderr.includes(deviceFingerprint(keyB)));

    const refusal = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli/main.ts'), 'devices', 'join', offer, '--data', E], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(refusal.status, 2);
    assert.equal(refusal.stdout, '');
    assert.equal(refusal.stderr, 'panda: This pairing offer was made on this device: enter it on the device to add [PAIRING_SELF]\n');
  });

  test('--help lists the devices commands; a wrong subcommand is CLI_USAGE', async () => {
    const help = (await runPanda('--help')).lines[0]!;
    for (const words of ['devices add', 'devices offer', 'devices join CODE', 'devices list', 'devices remove KEY', '--reply', '--yes'])
      assert.ok(help.includes(words), words);
    await refused('CLI_USAGE', 'devices', 'frobnicate', '--data', B);
    await refused('CLI_USAGE', 'devices', 'add', '--bogus', '--data', B);
  });
});
