/**
 * The extension's key vault, with storage areas in memory. Most tests use a low PBKDF2 count
 * through the explicit test option; the at-rest test uses the real 600,000.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { verifySignature } from '../../core/index.js';
import {
  BACKUP_FORMAT,
  MIN_PBKDF2_ITERATIONS,
  MemoryVaultStorage,
  VAULT_SESSION_KEY,
  VAULT_STORAGE_KEY,
  Vault,
  VaultError,
  type VaultErrorCode,
  type VaultOptions,
} from '../../extension/vault/vault.js';

const FAST: VaultOptions = { pbkdf2Iterations: 1000, unsafeTestIterations: true };
const PASS = 'correct horse battery';
const message = new TextEncoder().encode('a festival event, signed');

/** The sealed parts of a stored record or a backup file as JSON, loose enough for a test to tamper with. */
interface SealedJson {
  data: string;
  kdf: { name: string; hash: string; iterations: number; salt: string };
  cipher: { name: string; iv?: string };
}
type BackupJson = SealedJson & { format?: string; version: number };

const code = (expected: VaultErrorCode) => (error: unknown) => {
  assert.ok(error instanceof VaultError, `expected a VaultError, got ${String(error)}`);
  assert.equal(error.code, expected);
  return true;
};

function storages() {
  return { persistent: new MemoryVaultStorage(), session: new MemoryVaultStorage() };
}

async function fresh(options: VaultOptions = FAST) {
  const { persistent, session } = storages();
  const vault = await Vault.open(persistent, session, options);
  return { vault, persistent, session };
}

/** A storage area whose writes fail while `failing` is set. */
class FlakyStorage extends MemoryVaultStorage {
  failing = false;
  override async set(key: string, value: unknown): Promise<void> {
    if (this.failing) throw new Error('QUOTA_BYTES quota exceeded');
    return super.set(key, value);
  }
}

describe('first start', () => {
  test('makes one identity "Me", unlocked, without passphrase, and keeps it', async () => {
    const { vault, persistent, session } = await fresh();
    const identities = vault.identities();
    assert.equal(identities.length, 1);
    assert.equal(identities[0]!.name, 'Me');
    assert.match(identities[0]!.publicKey, /^[0-9a-f]{64}$/);
    assert.deepEqual(vault.activeIdentity(), identities[0]);
    assert.equal(vault.isLocked, false);
    assert.equal(vault.hasPassphrase, false);
    assert.ok(persistent.values.has(VAULT_STORAGE_KEY));
    assert.equal(session.values.size, 0);

    const again = await Vault.open(persistent, new MemoryVaultStorage(), FAST);
    assert.deepEqual(again.identities(), identities);
    assert.equal(again.isLocked, false);
    assert.deepEqual(await again.sign(identities[0]!.id, message), await vault.sign(identities[0]!.id, message));
  });

  test('never exposes private keys in identity lists', async () => {
    const { vault } = await fresh();
    const [me] = vault.identities();
    const privateKey = vault.keyPair(me!.id).privateKey();
    assert.deepEqual(Object.keys(me!).sort(), ['createdAt', 'id', 'name', 'publicKey']);
    for (const shown of [vault.identities(), vault.activeIdentity(), vault.identityFor('https://a.example'), vault.identity(me!.id)]) {
      assert.ok(!JSON.stringify(shown).includes(privateKey));
    }
  });

  test('a corrupt or newer record is refused and left as it is', async () => {
    for (const stored of ['nonsense', { format: 'panda-kit-vault', version: 2 }, { format: 'panda-kit-vault', version: 1, identities: [] }]) {
      const persistent = new MemoryVaultStorage();
      await persistent.set(VAULT_STORAGE_KEY, stored);
      await assert.rejects(Vault.open(persistent, new MemoryVaultStorage(), FAST), code('VAULT_CORRUPT'));
      assert.deepEqual(await persistent.get(VAULT_STORAGE_KEY), stored);
    }
    // A private key that does not belong to its identity's public key.
    const { vault, persistent } = await fresh();
    const record = (await persistent.get(VAULT_STORAGE_KEY)) as { identities: { publicKey: string }[] };
    record.identities[0]!.publicKey = 'ab'.repeat(32);
    await persistent.set(VAULT_STORAGE_KEY, record);
    await assert.rejects(Vault.open(persistent, new MemoryVaultStorage(), FAST), code('VAULT_CORRUPT'));
    assert.equal(vault.isLocked, false, 'the vault already open is unaffected');
  });

  test('the PBKDF2 floor holds unless the test flag is set', async () => {
    const { persistent, session } = storages();
    await assert.rejects(Vault.open(persistent, session, { pbkdf2Iterations: 1000 }), RangeError);
    await assert.rejects(Vault.open(persistent, session, { pbkdf2Iterations: 599_999 }), RangeError);
    assert.equal(persistent.values.size, 0);
    await Vault.open(persistent, session, { pbkdf2Iterations: 700_000 });
  });
});

describe('identities', () => {
  test('create, rename, choose the active one, remove (not the last)', async () => {
    let now = 1_750_000_000_000;
    const { vault, persistent, session } = await fresh({ ...FAST, now: () => now++ });
    const me = vault.activeIdentity();
    const persona = await vault.createIdentity('  Festival persona ');
    const bot = await vault.createIdentity('Schedule bot');
    assert.equal(persona.name, 'Festival persona');
    assert.equal(bot.createdAt, persona.createdAt + 1);
    assert.equal(new Set(vault.identities().map((identity) => identity.publicKey)).size, 3);

    assert.deepEqual(await vault.renameIdentity(bot.id, 'Timetable bot'), { ...bot, name: 'Timetable bot' });
    await vault.setActiveIdentity(persona.id);
    assert.equal(vault.activeIdentity().id, persona.id);

    await assert.rejects(vault.createIdentity(''), code('VAULT_NAME_INVALID'));
    await assert.rejects(vault.createIdentity('x'.repeat(65)), code('VAULT_NAME_INVALID'));
    await assert.rejects(vault.renameIdentity(bot.id, 'line\nbreak'), code('VAULT_NAME_INVALID'));
    await assert.rejects(vault.renameIdentity('nope', 'Name'), code('VAULT_IDENTITY_UNKNOWN'));
    await assert.rejects(vault.setActiveIdentity('nope'), code('VAULT_IDENTITY_UNKNOWN'));
    assert.throws(() => vault.keyPair('nope'), code('VAULT_IDENTITY_UNKNOWN'));

    const reopened = await Vault.open(persistent, session, FAST);
    assert.deepEqual(reopened.identities(), vault.identities());
    assert.equal(reopened.activeIdentity().id, persona.id);

    await vault.removeIdentity(persona.id);
    assert.equal(vault.activeIdentity().id, me.id, 'the first remaining identity becomes active');
    await vault.removeIdentity(bot.id);
    await assert.rejects(vault.removeIdentity(me.id), code('VAULT_LAST_IDENTITY'));
    await assert.rejects(vault.removeIdentity(bot.id), code('VAULT_IDENTITY_UNKNOWN'));
    assert.deepEqual((await Vault.open(persistent, session, FAST)).identities(), [me]);
  });

  test('changes made at the same time are all kept', async () => {
    const { vault, persistent } = await fresh();
    await vault.setPassphrase(PASS);
    const made = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((name) => vault.createIdentity(name)));
    await Promise.all([vault.renameIdentity(made[0]!.id, 'A'), vault.setIdentityFor('https://x.example', made[1]!.id), vault.removeIdentity(made[2]!.id)]);
    const reopened = await Vault.open(persistent, new MemoryVaultStorage(), FAST);
    await reopened.unlock(PASS);
    assert.deepEqual(
      reopened.identities().map((identity) => identity.name),
      ['Me', 'A', 'b', 'd', 'e'],
    );
    assert.equal(reopened.identityFor('https://x.example').id, made[1]!.id);
    for (const identity of reopened.identities()) assert.equal(reopened.keyPair(identity.id).publicKey(), identity.publicKey);
  });
});

describe('per-site identity', () => {
  test('a site sees the active identity unless the person chose another', async () => {
    const { vault, persistent, session } = await fresh();
    const me = vault.activeIdentity();
    const persona = await vault.createIdentity('Persona');
    assert.equal(vault.identityFor('https://a.example').id, me.id);

    await vault.setIdentityFor('https://a.example', persona.id);
    assert.equal(vault.identityFor('https://a.example').id, persona.id);
    assert.equal(vault.identityFor('https://b.example').id, me.id);
    assert.equal(vault.identityFor('https://a.example:8443').id, me.id, 'another origin entirely');
    assert.deepEqual(vault.originChoices(), [['https://a.example', persona.id]]);
    await assert.rejects(vault.setIdentityFor('https://a.example', 'nope'), code('VAULT_IDENTITY_UNKNOWN'));
    await vault.setIdentityFor('__proto__', persona.id);
    assert.equal(vault.identityFor('__proto__').id, persona.id);

    const reopened = await Vault.open(persistent, session, FAST);
    assert.equal(reopened.identityFor('https://a.example').id, persona.id);

    await vault.setIdentityFor('https://a.example', null);
    assert.equal(vault.identityFor('https://a.example').id, me.id);
    await vault.setIdentityFor('https://a.example', persona.id);
    await vault.removeIdentity(persona.id);
    assert.equal(vault.identityFor('https://a.example').id, me.id, 'a removed identity falls back to the active one');
    assert.deepEqual(vault.originChoices(), []);
  });
});

describe('signing', () => {
  test('signatures verify with core, for each identity', async () => {
    const { vault } = await fresh();
    const persona = await vault.createIdentity('Persona');
    for (const identity of vault.identities()) {
      const signature = await vault.sign(identity.id, message);
      assert.equal(signature.length, 64);
      assert.equal(await verifySignature(identity.publicKey, message, signature), true);
      assert.deepEqual(await vault.keyPair(identity.id).sign(message), signature);
    }
    const signature = await vault.sign(persona.id, message);
    assert.equal(await verifySignature(vault.activeIdentity().publicKey, message, signature), false);
    await assert.rejects(vault.sign('nope', message), code('VAULT_IDENTITY_UNKNOWN'));
  });
});

describe('passphrase', () => {
  test('encrypts every private key at rest with PBKDF2 (600,000) and AES-GCM', async () => {
    const { vault, persistent, session } = await fresh({});
    await vault.createIdentity('Persona');
    const privateKeys = vault.identities().map((identity) => vault.keyPair(identity.id).privateKey());
    assert.ok(
      privateKeys.every((hex) => persistent.dump().includes(hex)),
      'plain before a passphrase is set',
    );

    await assert.rejects(vault.setPassphrase('short'), code('VAULT_PASSPHRASE_WEAK'));
    await vault.setPassphrase(PASS);
    assert.equal(vault.hasPassphrase, true);
    assert.equal(vault.isLocked, false);
    for (const dump of [persistent.dump(), session.dump()]) {
      for (const hex of privateKeys) {
        assert.ok(!dump.toLowerCase().includes(hex), 'no private key in storage');
        assert.ok(!dump.includes(Buffer.from(hex, 'hex').toString('base64').slice(0, 40)), 'not even as base64');
      }
      assert.ok(!dump.includes(PASS), 'never the passphrase');
    }
    const record = (await persistent.get(VAULT_STORAGE_KEY)) as { keys: { kind: string } & SealedJson };
    assert.equal(record.keys.kind, 'sealed');
    assert.deepEqual({ ...record.keys.kdf, salt: undefined }, { name: 'PBKDF2', hash: 'SHA-256', iterations: 600_000, salt: undefined });
    assert.ok(record.keys.kdf.iterations >= MIN_PBKDF2_ITERATIONS);
    assert.equal(Buffer.from(record.keys.kdf.salt, 'base64').length, 16);
    assert.equal(record.keys.cipher.name, 'AES-GCM');
    assert.equal(Buffer.from(record.keys.cipher.iv ?? '', 'base64').length, 12);
    assert.equal(vault.storedIterations, 600_000);
    // The public side is still readable, for the list shown while locked.
    assert.deepEqual((record as unknown as { identities: unknown }).identities, vault.identities());
  });

  test('lock, then unlock with the wrong and the right passphrase', async () => {
    const { vault, session } = await fresh();
    const me = vault.activeIdentity();
    const before = await vault.sign(me.id, message);
    await vault.setPassphrase(PASS);
    assert.ok(session.values.has(VAULT_SESSION_KEY));

    await vault.lock();
    assert.equal(vault.isLocked, true);
    assert.equal(session.values.has(VAULT_SESSION_KEY), false, 'lock forgets the session key too');
    await assert.rejects(vault.sign(me.id, message), code('VAULT_LOCKED'));
    assert.throws(() => vault.keyPair(me.id), code('VAULT_LOCKED'));
    await assert.rejects(vault.createIdentity('Persona'), code('VAULT_LOCKED'));
    await assert.rejects(vault.exportBackup(PASS), code('VAULT_LOCKED'));
    assert.deepEqual(vault.identities(), [me], 'the list is shown while locked');
    await vault.renameIdentity(me.id, 'Still me');
    await vault.setIdentityFor('https://a.example', me.id);

    await assert.rejects(vault.unlock('wrong horse battery'), code('VAULT_PASSPHRASE_WRONG'));
    assert.equal(vault.isLocked, true);
    assert.equal(session.values.has(VAULT_SESSION_KEY), false);
    await vault.unlock(PASS);
    assert.equal(vault.isLocked, false);
    assert.deepEqual(await vault.sign(me.id, message), before);
    await assert.rejects(vault.unlock('wrong horse battery'), code('VAULT_PASSPHRASE_WRONG'));
    assert.equal(vault.isLocked, false, 'a wrong passphrase changes nothing');
  });

  test('without a passphrase there is nothing to lock', async () => {
    const { vault } = await fresh();
    await vault.lock();
    assert.equal(vault.isLocked, false);
    await vault.unlock('anything at all');
    assert.equal(vault.isLocked, false);
  });

  test('change and remove the passphrase only with the current one', async () => {
    const { vault, persistent, session } = await fresh();
    const me = vault.activeIdentity();
    await vault.setPassphrase(PASS);
    const stored = persistent.dump();

    await assert.rejects(vault.setPassphrase('another long one'), code('VAULT_PASSPHRASE_WRONG'));
    await assert.rejects(vault.setPassphrase('another long one', 'wrong horse battery'), code('VAULT_PASSPHRASE_WRONG'));
    await assert.rejects(vault.setPassphrase('short', PASS), code('VAULT_PASSPHRASE_WEAK'));
    await assert.rejects(vault.removePassphrase('wrong horse battery'), code('VAULT_PASSPHRASE_WRONG'));
    assert.equal(persistent.dump(), stored, 'nothing changed');

    await vault.lock();
    await vault.setPassphrase('another long one', PASS); // works while locked, and unlocks
    assert.equal(vault.isLocked, false);
    await vault.lock();
    await assert.rejects(vault.unlock(PASS), code('VAULT_PASSPHRASE_WRONG'));
    await vault.unlock('another long one');

    const restarted = await Vault.open(persistent, session, FAST);
    assert.equal(restarted.isLocked, false);

    await vault.removePassphrase('another long one');
    assert.equal(vault.hasPassphrase, false);
    assert.equal(session.values.has(VAULT_SESSION_KEY), false);
    assert.ok(persistent.dump().includes(vault.keyPair(me.id).privateKey()));
    const plain = await Vault.open(persistent, new MemoryVaultStorage(), FAST);
    assert.equal(plain.isLocked, false);
    assert.equal(plain.hasPassphrase, false);
  });

  test('passphrases are compared after Unicode normalisation', async () => {
    const { vault } = await fresh();
    await vault.setPassphrase('Caf\u00e9 au lait');
    await vault.lock();
    await vault.unlock('Cafe\u0301 au lait');
    assert.equal(vault.isLocked, false);
  });

  test('a lower stored iteration count is raised on unlock', async () => {
    const { vault, persistent } = await fresh(FAST);
    await vault.setPassphrase(PASS);
    assert.equal(vault.storedIterations, 1000);
    const strict = await Vault.open(persistent, new MemoryVaultStorage(), {});
    assert.equal(strict.isLocked, true);
    await strict.unlock(PASS);
    assert.equal(strict.storedIterations, 600_000);
    const record = (await persistent.get(VAULT_STORAGE_KEY)) as { keys: { kdf: { iterations: number } } };
    assert.equal(record.keys.kdf.iterations, 600_000);
    const later = await Vault.open(persistent, new MemoryVaultStorage(), {});
    await later.unlock(PASS);
    assert.equal(later.activeIdentity().publicKey, vault.activeIdentity().publicKey);
  });
});

describe('service worker restart and browser restart', () => {
  test('the same session storage keeps the vault unlocked, a new one starts locked', async () => {
    const { vault, persistent, session } = await fresh();
    const me = vault.activeIdentity();
    await vault.setPassphrase(PASS);
    const signature = await vault.sign(me.id, message);

    // The service worker is stopped and started again: storage.session survives.
    const worker2 = await Vault.open(persistent, session, FAST);
    assert.equal(worker2.isLocked, false);
    assert.deepEqual(await worker2.sign(me.id, message), signature);
    const persona = await worker2.createIdentity('Made after the restart'); // re-encrypts with the session key

    // The session holds the AES key only: no passphrase, no private key.
    const held = session.dump();
    assert.ok(!held.includes(PASS));
    assert.ok(!held.includes(worker2.keyPair(me.id).privateKey()));

    // The browser is closed and opened again: storage.session is empty.
    const browser2 = await Vault.open(persistent, new MemoryVaultStorage(), FAST);
    assert.equal(browser2.isLocked, true);
    await assert.rejects(browser2.sign(me.id, message), code('VAULT_LOCKED'));
    await browser2.unlock(PASS);
    assert.deepEqual(await browser2.sign(me.id, message), signature);
    assert.equal(browser2.keyPair(persona.id).publicKey(), persona.publicKey);

    // Locked in one worker life, still locked in the next.
    await worker2.lock();
    assert.equal((await Vault.open(persistent, session, FAST)).isLocked, true);
  });

  test('a stale or malformed session entry is ignored and removed', async () => {
    const { vault, persistent, session } = await fresh();
    await vault.setPassphrase(PASS);
    const old = await session.get(VAULT_SESSION_KEY);
    await vault.setPassphrase('another long one', PASS);
    await session.set(VAULT_SESSION_KEY, old); // the key of the previous passphrase
    const reopened = await Vault.open(persistent, session, FAST);
    assert.equal(reopened.isLocked, true);
    assert.equal(session.values.has(VAULT_SESSION_KEY), false);

    await session.set(VAULT_SESSION_KEY, { version: 1, key: 'garbage' });
    assert.equal((await Vault.open(persistent, session, FAST)).isLocked, true);
    assert.equal(session.values.has(VAULT_SESSION_KEY), false);
  });
});

describe('backup', () => {
  test('export, restore into a fresh vault: same keys, byte-identical signatures', async () => {
    let now = 1_750_000_000_000;
    const { vault } = await fresh({ ...FAST, now: () => now++ });
    await vault.setPassphrase(PASS);
    const persona = await vault.createIdentity('Persona');
    const text = await vault.exportBackup('backup passphrase'); // not the vault's

    const file = JSON.parse(text) as BackupJson;
    assert.deepEqual(Object.keys(file).sort(), ['cipher', 'data', 'format', 'kdf', 'version']);
    assert.equal(file.format, BACKUP_FORMAT);
    assert.equal(file.version, 1);
    assert.deepEqual({ ...file.kdf, salt: 0 }, { name: 'PBKDF2', hash: 'SHA-256', iterations: 1000, salt: 0 });
    assert.equal(file.cipher.name, 'AES-GCM');
    // Ciphertext, IV and salt are random text in which a short name ("Me") may well turn up
    // by chance: what must not be readable is checked in everything else.
    const readable = JSON.stringify({ ...file, data: '', cipher: { ...file.cipher, iv: '' }, kdf: { ...file.kdf, salt: '' } });
    for (const identity of vault.identities()) {
      assert.ok(!text.includes(identity.publicKey), 'which personas belong together stays secret');
      assert.ok(!text.includes(vault.keyPair(identity.id).privateKey()));
      assert.ok(!readable.includes(identity.name));
    }

    const { vault: other } = await fresh();
    const result = await other.restoreBackup(text, 'backup passphrase');
    assert.equal(result.added.length, 2);
    assert.deepEqual(result.existing, []);
    for (const identity of vault.identities()) {
      const restored = other.identities().find((candidate) => candidate.publicKey === identity.publicKey);
      assert.ok(restored);
      assert.equal(restored.name, identity.name);
      assert.equal(restored.createdAt, identity.createdAt);
      assert.deepEqual(await other.sign(restored.id, message), await vault.sign(identity.id, message));
    }
    assert.equal(other.identities().length, 3);

    const again = await other.restoreBackup(text, 'backup passphrase');
    assert.deepEqual(again.added, []);
    assert.equal(again.existing.length, 2);
    assert.equal(other.identities().length, 3, 'not added twice');

    // Only some identities.
    const single = await vault.exportBackup('backup passphrase', { identityIds: [persona.id] });
    const { vault: third } = await fresh();
    assert.deepEqual(
      (await third.restoreBackup(single, 'backup passphrase')).added.map((identity) => identity.publicKey),
      [persona.publicKey],
    );
  });

  test('replace makes the backup the only identities; sites keep a surviving choice', async () => {
    const { vault } = await fresh();
    const me = vault.activeIdentity();
    const persona = await vault.createIdentity('Persona');
    const text = await vault.exportBackup(PASS, { identityIds: [persona.id] });
    const bot = await vault.createIdentity('Bot');
    await vault.setIdentityFor('https://a.example', persona.id);
    await vault.setIdentityFor('https://b.example', bot.id);

    const result = await vault.restoreBackup(text, PASS, { replace: true });
    assert.deepEqual(result.added, []);
    assert.deepEqual(
      result.existing.map((identity) => identity.id),
      [persona.id],
    );
    assert.deepEqual(result.removed.map((identity) => identity.id).sort(), [me.id, bot.id].sort());
    assert.deepEqual(
      vault.identities().map((identity) => identity.id),
      [persona.id],
    );
    assert.equal(vault.activeIdentity().id, persona.id);
    assert.equal(vault.identityFor('https://a.example').id, persona.id);
    assert.deepEqual(vault.originChoices(), [['https://a.example', persona.id]]);
  });

  test('malformed, tampered and wrongly opened backups are refused with their codes', async () => {
    const { vault } = await fresh();
    const text = await vault.exportBackup(PASS);
    const { vault: other, persistent } = await fresh();
    const before = persistent.dump();
    const file = JSON.parse(text) as BackupJson;
    const edit = (change: (copy: BackupJson) => void) => {
      const copy = structuredClone(file);
      change(copy);
      return JSON.stringify(copy);
    };

    await assert.rejects(vault.exportBackup('short'), code('VAULT_PASSPHRASE_WEAK'));
    for (const garbage of ['', 'not json {', 'null', '[]', '{"format":"something else"}', JSON.stringify({ ...file, format: undefined })]) {
      await assert.rejects(other.restoreBackup(garbage, PASS), code('VAULT_BACKUP_INVALID'), garbage);
    }
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.version = 2)),
        PASS,
      ),
      code('VAULT_BACKUP_INVALID'),
    );
    await assert.rejects(
      other.restoreBackup(
        edit((f) => delete f.cipher.iv),
        PASS,
      ),
      code('VAULT_BACKUP_INVALID'),
    );
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.cipher.iv = 'AAAA')),
        PASS,
      ),
      code('VAULT_BACKUP_INVALID'),
    );
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.kdf.name = 'scrypt')),
        PASS,
      ),
      code('VAULT_BACKUP_INVALID'),
    );
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.kdf.iterations = 1e12)),
        PASS,
      ),
      code('VAULT_BACKUP_INVALID'),
    );
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.data = 'not base64!')),
        PASS,
      ),
      code('VAULT_BACKUP_INVALID'),
    );

    await assert.rejects(other.restoreBackup(text, 'wrong horse battery'), code('VAULT_PASSPHRASE_WRONG'));
    // Altered ciphertext, IV or KDF parameters: AES-GCM's tag fails, just as with a wrong passphrase.
    const flipped = Buffer.from(file.data, 'base64');
    flipped[3] = flipped[3]! ^ 1;
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.data = flipped.toString('base64'))),
        PASS,
      ),
      code('VAULT_PASSPHRASE_WRONG'),
    );
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.cipher.iv = Buffer.alloc(12).toString('base64'))),
        PASS,
      ),
      code('VAULT_PASSPHRASE_WRONG'),
    );
    await assert.rejects(
      other.restoreBackup(
        edit((f) => (f.kdf.iterations += 1)),
        PASS,
      ),
      code('VAULT_PASSPHRASE_WRONG'),
    );

    assert.equal(persistent.dump(), before, 'nothing changed');
    assert.equal(other.identities().length, 1);

    // A locked vault cannot take new keys.
    await other.setPassphrase(PASS);
    await other.lock();
    await assert.rejects(other.restoreBackup(text, PASS), code('VAULT_LOCKED'));
  });
});

describe('failing storage', () => {
  test('a failed write changes nothing and the vault stays usable', async () => {
    const persistent = new FlakyStorage();
    const session = new MemoryVaultStorage();
    const vault = await Vault.open(persistent, session, FAST);
    const me = vault.activeIdentity();
    const persona = await vault.createIdentity('Persona');
    const backup = await vault.exportBackup(PASS);
    const { vault: donor } = await fresh();
    const donorBackup = await donor.exportBackup(PASS);
    const stored = persistent.dump();
    const shown = vault.identities();

    persistent.failing = true;
    await assert.rejects(vault.createIdentity('Bot'), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.renameIdentity(me.id, 'Renamed'), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.removeIdentity(persona.id), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.setActiveIdentity(persona.id), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.setIdentityFor('https://a.example', persona.id), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.setPassphrase(PASS), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.restoreBackup(donorBackup, PASS), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.restoreBackup(backup, PASS, { replace: true }), code('VAULT_STORAGE_FAILED'));

    assert.equal(persistent.dump(), stored);
    assert.deepEqual(vault.identities(), shown);
    assert.equal(vault.activeIdentity().id, me.id);
    assert.equal(vault.identityFor('https://a.example').id, me.id);
    assert.equal(vault.hasPassphrase, false);
    assert.equal(vault.isLocked, false);
    assert.equal(await verifySignature(me.publicKey, message, await vault.sign(me.id, message)), true);
    assert.deepEqual((await Vault.open(persistent, new MemoryVaultStorage(), FAST)).identities(), shown);

    persistent.failing = false;
    await vault.setPassphrase(PASS);
    const sealed = persistent.dump();
    persistent.failing = true;
    await assert.rejects(vault.setPassphrase('another long one', PASS), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.createIdentity('Bot'), code('VAULT_STORAGE_FAILED'));
    await assert.rejects(vault.removePassphrase(PASS), code('VAULT_STORAGE_FAILED'));
    assert.equal(persistent.dump(), sealed);
    assert.equal(vault.hasPassphrase, true);

    persistent.failing = false;
    await vault.lock();
    await assert.rejects(vault.unlock('another long one'), code('VAULT_PASSPHRASE_WRONG'));
    await vault.unlock(PASS);
    assert.deepEqual(vault.identities(), shown);
    const bot = await vault.createIdentity('Bot');
    assert.equal((await Vault.open(persistent, new MemoryVaultStorage(), FAST)).identities().at(-1)?.id, bot.id);
  });

  test('a failing session storage only costs the unlock across a worker restart', async () => {
    const persistent = new MemoryVaultStorage();
    const session = new FlakyStorage();
    const vault = await Vault.open(persistent, session, FAST);
    session.failing = true;
    await vault.setPassphrase(PASS);
    assert.equal(vault.isLocked, false);
    await vault.lock();
    await vault.unlock(PASS);
    assert.equal(vault.isLocked, false);
    assert.equal((await Vault.open(persistent, session, FAST)).isLocked, true);
  });

  test('a failing first write makes open fail without leaving anything behind', async () => {
    const persistent = new FlakyStorage();
    persistent.failing = true;
    await assert.rejects(Vault.open(persistent, new MemoryVaultStorage(), FAST), code('VAULT_STORAGE_FAILED'));
    assert.equal(persistent.values.size, 0);
  });
});
