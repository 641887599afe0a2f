/**
 * Linking devices through the popup's background (device-pairing.ts, behind PopupApi): two
 * extensions' backgrounds, A with a festival and a venue it decides on, B a second browser;
 * entries carried between their nodes by hand. A offers, B answers, A checks the reply and
 * links (one profile update), B takes A's festivals from the festivals code and, once A's
 * profile reached it, shows itself linked and A's requests; its decision counts as A's.
 * A unlinks B: B's decisions stop counting. Expired, used, altered and foreign codes are
 * refused with their codes, and nothing is signed then.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deviceFingerprint, encodeFestivalHandover, KeyPair, type FestivalNode, type Store } from '../../core/index.js';
import { DevicePairing } from '../../extension/background/device-pairing.js';
import { ProviderErrorCode } from '../../extension/shared/protocol.js';
import { MemoryVaultStorage } from '../../extension/vault/vault.js';
import { deliver, entryCount, exportLogs } from '../core/festival-support.js';
import { code, setup } from './popup-api-support.js';

type Setup = Awaited<ReturnType<typeof setup>>;

/** Every entry `from` holds that `to` does not, published into `to` as a peer's would be. */
async function carry(from: Setup, to: Setup): Promise<void> {
  const store = (node: FestivalNode): Store => node.store;
  const missing = [];
  for (const log of await exportLogs(store(from.node))) for (const item of log) if (!(await store(to.node).getEntryByHash(item.hash))) missing.push(item);
  await deliver(to.node, missing);
}

const refusedWith = (dataCode: string) => code(ProviderErrorCode.INVALID_PARAMS, dataCode);
const entries = (side: Setup) => entryCount(side.node.store);

describe('linking devices from the popup', () => {
  test('A offers, B answers, A checks and links; B takes the festivals, sees itself linked and decides for A; A unlinks B', async () => {
    const a = await setup();
    const b = await setup();
    await a.settings.joinAsPerson(a.festival, { signaling: ['wss://signal.example'], secret: 'ours' });
    const keyA = a.me.publicKey;
    const keyB = b.me.publicKey;

    const offer = await a.api.handle('popup_offerDevice');
    const shown = (await a.api.state()).devices!;
    assert.deepEqual(shown.offer, offer);
    assert.match(shown.offer!.code, /^PKPAIR1:/);
    assert.ok(shown.offer!.expiresAt > Date.now() + 9 * 60_000, 'open ten minutes');

    const answered = (await b.api.handle('popup_answerOffer', { offer: shown.offer!.code })) as { reply: string; fingerprint: string };
    assert.equal(answered.fingerprint, deviceFingerprint(keyB));
    assert.deepEqual((await b.api.state()).devices!.answer, {
      reply: answered.reply,
      fingerprint: deviceFingerprint(keyB),
      expiresAt: offer && (offer as { expiresAt: number }).expiresAt,
      festivals: null,
    });

    const before = await entries(a);
    assert.deepEqual(await a.api.handle('popup_checkDeviceReply', { reply: answered.reply }), { fingerprint: deviceFingerprint(keyB) });
    let devices = (await a.api.state()).devices!;
    assert.deepEqual([devices.offer, devices.accepted], [null, { fingerprint: deviceFingerprint(keyB) }], 'the offer is used up; the reply waits');
    assert.equal(await entries(a), before, 'nothing signed before the person links');
    // Used once: the same reply again is refused.
    await assert.rejects(a.api.handle('popup_checkDeviceReply', { reply: answered.reply }), refusedWith('PAIRING_USED'));

    const linked = (await a.api.handle('popup_linkDevice', { name: ' Phone ' })) as { fingerprint: string; code: string };
    assert.equal(await entries(a), before + 1, 'one profile update (a new profile named after the identity)');
    let model = await a.node.model();
    assert.deepEqual(model.profileOf(keyA)?.devices, [keyB]);
    assert.equal(model.profileOf(keyA)?.name, 'Me');
    devices = (await a.api.state()).devices!;
    assert.equal(devices.accepted, null);
    assert.deepEqual(devices.handover, { fingerprint: deviceFingerprint(keyB), name: 'Phone', code: linked.code });
    assert.deepEqual(
      devices.linked.map((device) => [device.publicKey, device.name, device.fingerprint, typeof device.linkedAt]),
      [[keyB, 'Phone', deviceFingerprint(keyB), 'number']],
    );
    await a.api.handle('popup_cancelPairing');
    assert.equal((await a.api.state()).devices!.handover, null, '“Done” closes the festivals code');

    // B: a festivals code of another identity is refused; A's joins B to A's festival, its server and secret.
    await assert.rejects(
      b.api.handle('popup_takeFestivals', { code: await encodeFestivalHandover(new KeyPair(), keyB, []) }),
      refusedWith('PAIRING_NOT_FOR_THIS_VAULT'),
    );
    assert.deepEqual(await b.api.handle('popup_takeFestivals', { code: linked.code }), { festivals: 1 });
    assert.deepEqual(b.settings.get(a.festival)?.signaling, ['wss://signal.example']);
    assert.equal(b.settings.get(a.festival)?.secret, 'ours');
    assert.ok(b.peer.configs.at(-1)?.festivals.some((festival) => festival.festivalId === a.festival));
    assert.equal((await b.api.state()).devices!.answer?.festivals, 1);
    assert.equal((await b.api.state()).devices!.deviceOf, null, 'not linked until A’s profile arrives');

    // A's festival and profile reach B: B is linked, shows the request for A's venue, and decides it as A.
    await carry(a, b);
    let state = await b.api.state();
    assert.deepEqual(state.devices!.deviceOf, { publicKey: keyA, name: 'Me' });
    assert.equal(state.devices!.answer, null, 'the answer is done with');
    assert.equal(state.names[keyB], 'Me', 'B is shown by the name of the person it acts for');
    const request = state.ownerRequests.find((item) => item.resourceId === a.cellar);
    assert.equal(request?.eventId, a.night);
    assert.equal(await b.api.waitingCount(), state.ownerRequests.length);
    await b.api.handle('popup_authorize', { resourceId: a.cellar, eventId: a.night, decision: 'confirm' });
    await carry(b, a);
    model = await a.node.model();
    assert.equal(model.requestStatus(a.cellar, a.night)?.state, 'confirmed');
    assert.deepEqual(
      model.requestStatus(a.cellar, a.night)?.votes.map((vote) => vote.voter),
      [keyA],
    );
    assert.equal((await a.api.state()).ownerRequests.length, 0, 'decided for A');

    // A unlinks B: the decision B made is withdrawn, and B's new ones do not count.
    await a.api.handle('popup_unlinkDevice', { device: keyB });
    await assert.rejects(a.api.handle('popup_unlinkDevice', { device: keyB }), refusedWith('DEVICE_NOT_LINKED'));
    assert.deepEqual((await a.api.state()).devices!.linked, []);
    await b.api.handle('popup_authorize', { resourceId: a.cellar, eventId: a.night, decision: 'confirm', note: 'again' });
    await carry(b, a);
    await carry(a, b);
    model = await a.node.model();
    assert.equal(model.requestStatus(a.cellar, a.night)?.state, 'pending');
    assert.deepEqual(model.requestStatus(a.cellar, a.night)?.votes, []);
    state = await b.api.state();
    assert.equal(state.devices!.deviceOf, null);
    assert.equal(state.devices!.answer, null, 'no “waiting to hear from it” after the unlink: the answer was done with');
    assert.equal(
      state.ownerRequests.some((item) => item.resourceId === a.cellar),
      false,
    );
  });

  test('refusals: a code of the wrong kind, the device itself, another identity’s reply, an altered reply; nothing signed', async () => {
    const a = await setup();
    const b = await setup();
    const before = await entries(a);
    await assert.rejects(a.api.handle('popup_checkDeviceReply', { reply: 'hello' }), refusedWith('PAIRING_CODE_INVALID'));
    const { code: offer } = (await a.api.handle('popup_offerDevice')) as { code: string };
    await assert.rejects(a.api.handle('popup_checkDeviceReply', { reply: offer }), refusedWith('PAIRING_CODE_INVALID'), 'an offer is no reply');
    await assert.rejects(a.api.handle('popup_answerOffer', { offer }), refusedWith('PAIRING_SELF'));
    // B answers C's offer and gives the reply to A.
    const c = await setup();
    const { code: offerC } = (await c.api.handle('popup_offerDevice')) as { code: string };
    const { reply: forC } = (await b.api.handle('popup_answerOffer', { offer: offerC })) as { reply: string };
    await assert.rejects(a.api.handle('popup_checkDeviceReply', { reply: forC }), refusedWith('PAIRING_NOT_FOR_THIS_VAULT'));
    // A's own offer answered by B, one character changed (the check bytes catch it as a typo).
    const { reply } = (await b.api.handle('popup_answerOffer', { offer })) as { reply: string };
    const typo = reply.replace(/-(.)/, (_match, char: string) => `-${char === 'A' ? 'B' : 'A'}`);
    await assert.rejects(a.api.handle('popup_checkDeviceReply', { reply: typo }), refusedWith('PAIRING_CODE_INVALID'));
    await assert.rejects(a.api.handle('popup_linkDevice', {}), refusedWith('PAIRING_UNKNOWN'), 'no reply checked');
    await assert.rejects(b.api.handle('popup_takeFestivals', { code: 'PKFEST1:AAAA' }), refusedWith('PAIRING_CODE_INVALID'));
    // Cancelled: the offer can no longer be answered.
    await a.api.handle('popup_cancelPairing');
    await assert.rejects(a.api.handle('popup_checkDeviceReply', { reply }), refusedWith('PAIRING_UNKNOWN'));
    await assert.rejects(a.api.handle('popup_unlinkDevice', { device: 42 }), code(ProviderErrorCode.INVALID_PARAMS));
    assert.equal(await entries(a), before, 'nothing signed by any of these');
    await b.api.handle('popup_forgetAnswer');
    assert.equal((await b.api.state()).devices!.answer, null);
    await assert.rejects(b.api.handle('popup_takeFestivals', { code: 'PKFEST1:AAAA' }), refusedWith('PAIRING_UNKNOWN'), 'no offer answered');
  });

  test('an offer expires: its reply is refused, the popup says so, and a new offer replaces it', async () => {
    const a = await setup();
    const b = await setup();
    let now = 1_800_000_000;
    const session = new MemoryVaultStorage();
    const pairing = (side: Setup) =>
      new DevicePairing({
        vault: side.vault,
        node: side.node,
        settings: side.settings,
        session,
        local: new MemoryVaultStorage(),
        reconfigure: async () => {},
        now: () => now,
      });
    const onA = pairing(a);
    const onB = pairing(b);
    const offer = await onA.offer();
    assert.equal(offer.expiresAt, (now + 600) * 1000);
    const { reply } = await onB.answer({ offer: offer.code });
    now += 601;
    await assert.rejects(onA.checkReply({ reply }), refusedWith('PAIRING_EXPIRED'));
    await assert.rejects(onB.answer({ offer: offer.code }), refusedWith('PAIRING_EXPIRED'));
    const model = await a.node.model();
    assert.equal((await onA.view(model, a.me.publicKey)).offer?.code, offer.code, 'still shown, as expired (the popup compares the time)');
    const next = await onA.offer();
    assert.notEqual(next.code, offer.code);
    assert.equal((await onA.view(model, a.me.publicKey)).offer?.code, next.code);
    const { reply: fresh } = await onB.answer({ offer: next.code });
    assert.deepEqual(await onA.checkReply({ reply: fresh }), { fingerprint: deviceFingerprint(b.me.publicKey) });
  });

  test('locked: no devices in the state, and pairing needs the vault unlocked', async () => {
    const a = await setup();
    await a.vault.setPassphrase('correct horse battery');
    await a.vault.lock();
    assert.equal((await a.api.state()).devices, null);
    await assert.rejects(a.api.handle('popup_offerDevice'), code(ProviderErrorCode.UNAUTHORIZED));
  });
});
