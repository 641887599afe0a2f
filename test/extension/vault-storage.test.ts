/**
 * Issue 13, finding 6 in Node: the vault's record moves out of `storage.local` into the
 * extension origin's IndexedDB (fake-indexeddb here) without losing an identity, also when
 * the move was interrupted; the vault opens from there with the same keys.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { IDBFactory } from 'fake-indexeddb';
import { IndexedDbVaultStorage, moveRecord } from '../../extension/vault/indexeddb-storage.js';
import { MemoryVaultStorage, Vault, VAULT_STORAGE_KEY } from '../../extension/vault/vault.js';

describe('the vault out of storage.local', () => {
  test('an existing vault moves into IndexedDB with every identity and key; the plain copy is gone', async () => {
    const local = new MemoryVaultStorage();
    const session = new MemoryVaultStorage();
    const before = await Vault.open(local, session);
    const second = await before.createIdentity('Bot');
    const keys = before.identities().map((identity) => before.keyPair(identity.id).privateKey());
    const database = new IndexedDbVaultStorage('panda-kit-vault', new IDBFactory());
    await moveRecord(local, database, VAULT_STORAGE_KEY);
    assert.equal(local.values.has(VAULT_STORAGE_KEY), false, 'storage.local holds no vault any more');
    assert.ok(!local.dump().includes(keys[0]!));
    const after = await Vault.open(database, session);
    assert.deepEqual(after.identities(), before.identities());
    assert.deepEqual(
      after.identities().map((identity) => after.keyPair(identity.id).privateKey()),
      keys,
    );
    assert.equal(after.identity(second.id).name, 'Bot');
    database.close();
  });

  test('an interrupted move (both copies) keeps the moved one and removes the old; nothing to move is a no-op', async () => {
    const local = new MemoryVaultStorage();
    const database = new IndexedDbVaultStorage('panda-kit-vault', new IDBFactory());
    const moved = { format: 'panda-kit-vault', marker: 'moved' };
    await database.set(VAULT_STORAGE_KEY, moved);
    await local.set(VAULT_STORAGE_KEY, { format: 'panda-kit-vault', marker: 'old' });
    await moveRecord(local, database, VAULT_STORAGE_KEY);
    assert.deepEqual(await database.get(VAULT_STORAGE_KEY), moved);
    assert.equal(await local.get(VAULT_STORAGE_KEY), undefined);
    await moveRecord(local, database, VAULT_STORAGE_KEY);
    assert.deepEqual(await database.get(VAULT_STORAGE_KEY), moved);
    await database.remove(VAULT_STORAGE_KEY);
    assert.equal(await database.get(VAULT_STORAGE_KEY), undefined);
    database.close();
  });
});
