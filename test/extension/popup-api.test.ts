/**
 * What the popup and the approval window can do through the background (PopupApi), with a
 * real vault, festival node and approval queue, and the festivals the extension replicates
 * (FestivalSettings).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FestivalSettings, parseJoinOptions } from '../../extension/background/festival-settings.js';
import { ProviderErrorCode } from '../../extension/shared/protocol.js';
import { code, setup, SITE } from './popup-api-support.js';
describe('popup API', () => {
  test('the state: identities, requests waiting, sites, festivals with health, requests for my resources', async () => {
    const { api, me, approvals, permissions, settings, festival, cellar, night, guest, peer } = await setup();
    void approvals.ask({ origin: SITE, kind: 'connect', description: 'Connect', publicKey: me.publicKey });
    await permissions.connect('https://other.example');
    await settings.join('https://other.example', festival, { signaling: ['ws://127.0.0.1:4444'] });
    peer.health_ = {
      peers: [{ id: 'p1', festivals: [festival], live: true, syncedAt: 1, bytesSent: 1, bytesReceived: 2 }],
      festivals: [{ id: festival, logs: 3, entries: 3, missing: 2 }],
      authors: [
        { publicKey: guest.publicKey(), lastActive: 1234 },
        { publicKey: 'ff'.repeat(32), lastActive: 9999 },
      ],
      forks: 0,
      blocked: [],
      overlay: [{ festivalId: festival, neighbours: ['p1'], known: 14, listening: false, signals: { overlay: 3, server: 1, relayed: 0, dropped: 0 } }],
    };
    const state = await api.state();
    assert.equal(state.locked, false);
    assert.equal(state.hasPassphrase, false);
    assert.deepEqual(state.identities, [{ id: me.id, name: 'Me', publicKey: me.publicKey }]);
    assert.equal(state.activeIdentityId, me.id);
    assert.deepEqual(
      state.pending.map((item) => [item.origin, item.kind]),
      [[SITE, 'connect']],
    );
    assert.deepEqual(
      state.sites.map((site) => [site.origin, site.identityId]),
      [['https://other.example', me.id]],
    );
    // Last active counts only authors who wrote in this festival (the unknown key wrote elsewhere).
    assert.deepEqual(state.festivals, [
      { id: festival, name: 'Hoffnung 3000', peers: 1, missing: 2, entries: 3, lastActive: 1234, servers: 1, known: 14, owner: me.publicKey },
    ]);
    assert.equal(state.peers, 1);
    assert.equal(state.ownerRequests.length, 1);
    assert.deepEqual(
      { ...state.ownerRequests[0] },
      {
        resourceId: cellar,
        resourceTitle: 'Klangkeller',
        eventId: night,
        eventTitle: 'Night of chaos',
        when: 'Sun 19:06-21:06, in festival Hoffnung 3000',
        requestedBy: guest.publicKey(),
      },
    );
  });

  test('decide answers the question waiting; bad params are -32602, unknown methods 4200', async () => {
    const { api, approvals } = await setup();
    const answer = approvals.ask({ origin: SITE, kind: 'publish:event:create', description: 'Create an event', allowAlways: true });
    const [waiting] = approvals.pending();
    await assert.rejects(api.handle('popup_decide', { id: waiting!.id, decision: 'maybe' }), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(api.handle('popup_decide', 'deny'), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(api.handle('popup_steal', {}), code(ProviderErrorCode.UNSUPPORTED_METHOD));
    await assert.rejects(api.handle('constructor', {}), code(ProviderErrorCode.UNSUPPORTED_METHOD));
    assert.equal(await api.handle('popup_decide', { id: waiting!.id, decision: 'approve-always' }), true);
    assert.equal(await answer, 'approve-always');
    assert.equal(await api.handle('popup_decide', { id: waiting!.id, decision: 'deny' }), false);
  });

  test('revoke disconnects the site and tells its pages; a site can see another identity', async () => {
    const { api, router, permissions, vault } = await setup();
    await permissions.connect(SITE);
    const events: string[] = [];
    router.subscribe(SITE, (event) => events.push(event));
    const persona = (await api.handle('popup_createIdentity', { name: 'Bot' })) as { id: string; name: string; publicKey: string };
    assert.equal(persona.name, 'Bot');
    assert.equal(Object.keys(persona).includes('privateKey'), false);
    await api.handle('popup_setIdentityFor', { origin: SITE, identityId: persona.id });
    assert.equal(vault.identityFor(SITE).publicKey, persona.publicKey);
    assert.equal((await api.state()).sites[0]!.identityId, persona.id);
    await assert.rejects(
      api.handle('popup_setIdentityFor', { origin: SITE, identityId: 'nobody' }),
      code(ProviderErrorCode.INVALID_PARAMS, 'VAULT_IDENTITY_UNKNOWN'),
    );
    await assert.rejects(api.handle('popup_createIdentity', { name: '' }), code(ProviderErrorCode.INVALID_PARAMS, 'VAULT_NAME_INVALID'));
    await api.handle('popup_revoke', { origin: SITE });
    assert.equal(permissions.isConnected(SITE), false);
    assert.deepEqual(events, ['disconnect']);
  });

  test('passphrase, lock and unlock; a wrong passphrase is VAULT_PASSPHRASE_WRONG; unlocking answers the sites that waited for it', async () => {
    const { api, approvals } = await setup();
    await assert.rejects(api.handle('popup_setPassphrase', { passphrase: 'short' }), code(ProviderErrorCode.INVALID_PARAMS, 'VAULT_PASSPHRASE_WEAK'));
    await api.handle('popup_setPassphrase', { passphrase: 'correct horse battery' });
    await api.handle('popup_lock');
    const locked = await api.state();
    assert.equal(locked.locked, true);
    assert.deepEqual(locked.identities, []);
    assert.equal(locked.activeIdentityId, null);
    assert.deepEqual(locked.ownerRequests, []);
    await assert.rejects(api.handle('popup_exportBackup', { passphrase: 'a backup passphrase' }), code(ProviderErrorCode.UNAUTHORIZED, 'VAULT_LOCKED'));
    const waiting = approvals.ask({ origin: SITE, kind: 'unlock', description: 'Unlock' });
    await assert.rejects(api.handle('popup_unlock', { passphrase: 'wrong horse battery' }), code(ProviderErrorCode.INVALID_PARAMS, 'VAULT_PASSPHRASE_WRONG'));
    assert.equal(approvals.pending().length, 1);
    await api.handle('popup_unlock', { passphrase: 'correct horse battery' });
    assert.equal(await waiting, 'approve-once');
    assert.equal((await api.state()).locked, false);
  });

  test('a backup restores into another vault, which then signs as the same identity', async () => {
    const { api, me, vault } = await setup();
    const text = (await api.handle('popup_exportBackup', { passphrase: 'a backup passphrase' })) as string;
    assert.equal(text.includes(me.publicKey), false);
    const other = await setup();
    await assert.rejects(
      other.api.handle('popup_restoreBackup', { text, passphrase: 'not the passphrase' }),
      code(ProviderErrorCode.INVALID_PARAMS, 'VAULT_PASSPHRASE_WRONG'),
    );
    await assert.rejects(
      other.api.handle('popup_restoreBackup', { text: '{"nope": 1}', passphrase: 'a backup passphrase' }),
      code(ProviderErrorCode.INVALID_PARAMS, 'VAULT_BACKUP_INVALID'),
    );
    assert.deepEqual(await other.api.handle('popup_restoreBackup', { text, passphrase: 'a backup passphrase' }), { added: 1, existing: 0 });
    const restored = other.vault.identities().find((identity) => identity.publicKey === me.publicKey)!;
    const message = new TextEncoder().encode('same signer');
    assert.deepEqual(await other.vault.sign(restored.id, message), await vault.sign(me.id, message));
  });

  test('the owner confirms a request for their resource: signed by the active identity, and it is no longer waiting', async () => {
    const { api, node, cellar, night, me } = await setup();
    await assert.rejects(api.handle('popup_authorize', { resourceId: cellar, eventId: night, decision: 'perhaps' }), code(ProviderErrorCode.INVALID_PARAMS));
    await assert.rejects(api.handle('popup_authorize', { resourceId: 'x', eventId: night, decision: 'confirm' }), code(ProviderErrorCode.INVALID_PARAMS));
    await api.handle('popup_authorize', { resourceId: cellar, eventId: night, decision: 'confirm', note: 'see you there' });
    const model = await node.model();
    const booking = model.bookings(cellar).find((item) => item.event.id === night)!;
    assert.equal(booking.status.state, 'confirmed');
    assert.equal([...model.authorizations.values()].find((item) => item.event === night)?.owner, me.publicKey);
    assert.deepEqual((await api.state()).ownerRequests, []);
  });

  test('the state does not wait for a peer that does not answer', async () => {
    const { api, peer } = await setup();
    peer.health = () => new Promise(() => {});
    const started = Date.now();
    const state = await api.state();
    assert.equal(state.peers, 0);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe('festivals the extension replicates', () => {
  test('join options: ws/wss signaling URLs and a secret; anything else is -32602', () => {
    assert.deepEqual(parseJoinOptions({}), { signaling: [] });
    assert.deepEqual(parseJoinOptions({ signaling: ['wss://signal.example/x'], secret: 's' }), { signaling: ['wss://signal.example/x'], secret: 's' });
    for (const bad of [
      { signaling: 'wss://a' },
      { signaling: ['https://a'] },
      { signaling: ['javascript:alert(1)'] },
      { signaling: [42] },
      {
        signaling: Array(5)
          .fill(0)
          .map((_, n) => `ws://a${n}`),
      },
      { secret: '' },
      { secret: 5 },
      { signaling: ['ws://' + 'a'.repeat(600)] },
    ]) {
      assert.throws(() => parseJoinOptions(bad), code(ProviderErrorCode.INVALID_PARAMS), JSON.stringify(bad).slice(0, 60));
    }
  });

  test("the first join sets a festival's servers and secret; another site's join changes neither; each festival keeps its own servers; it survives reopening", async () => {
    const { settings, festival, local } = await setup();
    const other = festival.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    assert.equal(await settings.join(SITE, festival, { signaling: ['ws://b'], secret: 'pw' }, 1), true);
    assert.equal(await settings.join(SITE, festival, { signaling: ['ws://c'] }, 2), false, 'the same site again: nothing changes');
    assert.equal(
      await settings.join('https://evil.example', festival, { signaling: ['ws://evil'], secret: 'mine' }, 2),
      false,
      'another site: nothing changes',
    );
    assert.equal(await settings.join(SITE, other, { signaling: ['ws://a'] }, 3), true);
    const expected = {
      festivals: [
        { festivalId: festival, signaling: ['ws://b'], secret: 'pw' },
        { festivalId: other, signaling: ['ws://a'] },
      ],
    };
    assert.deepEqual(settings.peerConfig(), expected);
    assert.deepEqual((await FestivalSettings.open(local)).peerConfig(), expected);
    // Revoking the first site: the festival it shared with another site goes on with that site's own servers; the one only it wanted is left.
    assert.equal(await settings.removeSite(SITE), true);
    assert.deepEqual(settings.peerConfig(), { festivals: [{ festivalId: festival, signaling: ['ws://evil'], secret: 'mine' }] });
    await settings.leave(festival);
    assert.deepEqual(settings.ids(), []);
  });

  test('panda_joinFestival asks the person and grants the festival; the peer config has its servers', async () => {
    const { router, permissions, settings, festival, approvals } = await setup();
    await permissions.connect(SITE);
    const joining = router.handle({ origin: SITE }, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: ['ws://127.0.0.1:4444'] } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const [question] = approvals.pending();
    assert.equal(question?.kind, 'join');
    assert.deepEqual(
      question?.details?.map((detail) => detail.value),
      [`Hoffnung 3000 (${festival.slice(4, 12)}…)`, 'ws://127.0.0.1:4444', '(none)'],
    );
    approvals.decide(question.id, 'approve-once');
    assert.equal(await joining, true);
    assert.deepEqual(
      settings.peerConfig().festivals.map((item) => item.signaling),
      [['ws://127.0.0.1:4444']],
    );
    assert.deepEqual(await router.handle({ origin: SITE }, { method: 'panda_festivals' }), [festival]);
    await assert.rejects(
      router.handle({ origin: SITE }, { method: 'panda_joinFestival', params: { festivalId: festival, signaling: ['file:///etc/passwd'] } }),
      code(ProviderErrorCode.INVALID_PARAMS),
    );
  });
});

describe('finding 9: a new site chooses its identity', () => {
  test('at first connect the person picks an identity for the site, or a new one: sites then see different keys', async () => {
    const { router, api, approvals, vault, me } = await setup();
    const pick = async (origin: string, identity: string | undefined) => {
      const connecting = router.handle({ origin }, { method: 'panda_connect' }) as Promise<{ publicKey: string }>;
      await new Promise((resolve) => setTimeout(resolve, 10));
      const [question] = approvals.pending();
      assert.deepEqual(
        question!.identities!.map((choice) => choice.id),
        vault.identities().map((identity) => identity.id),
      );
      await api.handle(
        'popup_decide',
        identity === undefined ? { id: question!.id, decision: 'approve-once' } : { id: question!.id, decision: 'approve-once', identity },
      );
      return (await connecting).publicKey;
    };
    const first = await pick('https://first.example', undefined);
    const second = await pick('https://second.example', 'new');
    assert.equal(first, me.publicKey);
    assert.notEqual(second, first);
    assert.equal(vault.identityFor('https://second.example').name, 'For second.example');
    assert.equal(await router.handle({ origin: 'https://second.example' }, { method: 'panda_getPublicKey' }), second);
    // A third site may be given the second site's identity on purpose; an id that was not offered is ignored.
    const other = vault.identityFor('https://second.example').id;
    assert.equal(await pick('https://third.example', other), second);
    assert.equal(await pick('https://fourth.example', 'not-an-identity'), me.publicKey);
    await assert.rejects(api.handle('popup_decide', { id: 1, decision: 'approve-once', identity: 7 }), code(ProviderErrorCode.INVALID_PARAMS));
  });
});

describe('approval prompt', () => {
  test('after every question was answered (in the popup, no window), the next question opens the prompt again', async () => {
    const { approvals, prompts } = await setup();
    const first = approvals.ask({ origin: SITE, kind: 'connect', description: 'one' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(prompts(), 1);
    approvals.decide(approvals.pending()[0]!.id, 'approve-once');
    await first;
    void approvals.ask({ origin: SITE, kind: 'connect', description: 'two' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(prompts(), 2);
  });
});
