/**
 * The vault's parts where the split (issue 15) changed how they work inside: base64 from
 * @scure/base must refuse all the stored or imported text the vault's own strict decoder
 * refused, and restored identities are dated by the vault's injected clock.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KeyPair } from '../../core/identity/key-pair.js';
import { BACKUP_FORMAT, BACKUP_VERSION, MemoryVaultStorage, Vault, VAULT_SESSION_KEY, VaultError, type VaultOptions } from '../../extension/vault/vault.js';
import { base64ToBytes, seal, utf8 } from '../../extension/vault/crypto.js';
import { NOT_TEXT, OLD_STRICT_BASE64, REFUSED, randomByteArrays, refusedRandomTexts } from './vault-base64-cases.js';

const FAST: VaultOptions = { pbkdf2Iterations: 1000, unsafeTestIterations: true };
const PASS = 'correct horse battery';

describe('base64 on untrusted text', () => {
  test('decodes what the vault writes, byte for byte', () => {
    for (const bytes of randomByteArrays(1, 70)) {
      const text = Buffer.from(bytes).toString('base64');
      assert.deepEqual(base64ToBytes(text), new Uint8Array(bytes), text);
    }
  });

  test('refuses everything the old strict decoder refused (and what is not text)', () => {
    for (const value of NOT_TEXT) assert.equal(base64ToBytes(value), undefined, String(value));
    for (const text of REFUSED) {
      assert.equal(OLD_STRICT_BASE64.test(text), false, `the oracle refuses ${JSON.stringify(text)}`);
      assert.equal(base64ToBytes(text), undefined, JSON.stringify(text));
    }
    const texts = refusedRandomTexts(2, 20_000);
    assert.ok(texts.length > 10_000, 'most random texts are not base64');
    for (const text of texts) assert.equal(base64ToBytes(text), undefined, JSON.stringify(text));
  });

  test('refuses a non-canonical tail too (bits after the last byte set), which the old decoder let through', () => {
    assert.equal(OLD_STRICT_BASE64.test('AB=='), true);
    assert.equal(base64ToBytes('AB=='), undefined);
    assert.deepEqual(base64ToBytes('AA=='), new Uint8Array([0]));
  });

  test('a session entry with a malformed key is ignored and removed; a malformed backup is VAULT_BACKUP_INVALID', async () => {
    const persistent = new MemoryVaultStorage();
    const session = new MemoryVaultStorage();
    const vault = await Vault.open(persistent, session, FAST);
    await vault.setPassphrase(PASS);
    const entry = (await session.get(VAULT_SESSION_KEY)) as { key: string };
    assert.equal((await Vault.open(persistent, session, FAST)).isLocked, false, 'the stored session unlocks');
    await session.set(VAULT_SESSION_KEY, { ...entry, key: `${entry.key.slice(0, -4)} ${entry.key.slice(-3)}` });
    assert.equal((await Vault.open(persistent, session, FAST)).isLocked, true);
    assert.equal(session.values.has(VAULT_SESSION_KEY), false);

    const file = JSON.parse(await vault.exportBackup(PASS)) as { data: string };
    const spaced = JSON.stringify({ ...file, data: `${file.data.slice(0, 8)}\n${file.data.slice(8)}` });
    await assert.rejects(vault.restoreBackup(spaced, PASS), (error: unknown) => error instanceof VaultError && error.code === 'VAULT_BACKUP_INVALID');
  });
});

describe('one clock', () => {
  test('a restored identity without a creation time is dated by the injected now; a bad name becomes "Restored"', async () => {
    const keyPair = KeyPair.generate();
    const plain = utf8(JSON.stringify({ identities: [{ name: '\u0000', privateKey: keyPair.privateKey() }] }));
    const { sealed } = await seal(PASS, 1000, plain, `${BACKUP_FORMAT}/${BACKUP_VERSION}`);
    const text = JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION, ...sealed });

    const vault = await Vault.open(new MemoryVaultStorage(), new MemoryVaultStorage(), { ...FAST, now: () => 1_234_567 });
    const { added } = await vault.restoreBackup(text, PASS);
    assert.equal(added.length, 1);
    assert.equal(added[0]!.publicKey, keyPair.publicKey());
    assert.equal(added[0]!.name, 'Restored');
    assert.equal(added[0]!.createdAt, 1_234_567);
    assert.equal(vault.identity(added[0]!.id).createdAt, 1_234_567);
  });
});
