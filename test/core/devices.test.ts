/**
 * core/festival/devices.ts: linking and unlinking a user's further devices as signed profile
 * updates, listing them, and which users a key acts for; the refusals with their codes and
 * nothing signed then.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  deviceFingerprint,
  deviceOwnerProfile,
  FestivalNode,
  hashingReady,
  isPandaError,
  linkDevice,
  linkedDevices,
  MemoryStore,
  pendingActedFor,
  unlinkDevice,
  usersActedFor,
  type ErrorCode,
} from '../../core/index.js';
import { HOUR, keyOf, T0 } from './festival-support.js';

const ana = keyOf(0xa1);
const phone = keyOf(0xa2);
const laptop = keyOf(0xa3);
const guest = keyOf(0xb1);

async function setup() {
  await hashingReady();
  const store = new MemoryStore();
  const node = new FestivalNode(store);
  const festival = (await node.createFestival(ana, { name: 'Fest', start: T0, end: T0 + 24 * HOUR })).documentId;
  const stage = (await node.createResource(ana, { festival, title: 'Stage', kind: 'location', policy: 'manual' })).documentId;
  const entries = async () => (await store.getLogs()).reduce((sum, log) => sum + log.latestSeqNum, 0);
  return { node, store, festival, stage, entries };
}

const refused = (code: ErrorCode) => (error: unknown) => isPandaError(error, code) && error.message.length > 0;

describe('linking devices', () => {
  test('without a profile, linking creates one with the name given, listing the device; with one, it adds the device', async () => {
    const { node } = await setup();
    await assert.rejects(linkDevice(node, ana, phone.publicKey()), refused('INPUT_INVALID'), 'no profile and no name');
    const first = await linkDevice(node, ana, phone.publicKey(), { name: '  Ana ' });
    assert.equal(first.changed, true);
    let model = await node.model();
    assert.equal(model.profileOf(ana.publicKey())?.id, first.profileId);
    assert.equal(model.profileOf(ana.publicKey())?.name, 'Ana');
    assert.deepEqual(model.profileOf(ana.publicKey())?.devices, [phone.publicKey()]);

    const second = await linkDevice(node, ana, laptop.publicKey());
    assert.deepEqual(second, { profileId: first.profileId, changed: true });
    model = await node.model();
    assert.deepEqual(
      linkedDevices(model, ana.publicKey()).map((device) => [device.publicKey, device.fingerprint]),
      [
        [phone.publicKey(), deviceFingerprint(phone.publicKey())],
        [laptop.publicKey(), deviceFingerprint(laptop.publicKey())],
      ],
    );
    assert.ok(model.actsFor(laptop.publicKey(), ana.publicKey()));
  });

  test('a device linked already, the user’s own key and a key that is none sign nothing', async () => {
    const { node, entries } = await setup();
    await linkDevice(node, ana, phone.publicKey(), { name: 'Ana' });
    const before = await entries();
    assert.equal((await linkDevice(node, ana, phone.publicKey())).changed, false);
    await assert.rejects(linkDevice(node, ana, ana.publicKey()), refused('PAIRING_SELF'));
    await assert.rejects(linkDevice(node, ana, 'ab'.repeat(31)), refused('KEY_INVALID'));
    await assert.rejects(linkDevice(node, ana, phone.publicKey().toUpperCase()), refused('KEY_INVALID'));
    assert.equal(await entries(), before);
  });

  test('the device’s own profile name is listed with it, and the device finds whose it is even with a profile of its own', async () => {
    const { node } = await setup();
    await node.createProfile(phone, { name: 'Ana’s phone' });
    await linkDevice(node, ana, phone.publicKey(), { name: 'Ana' });
    const model = await node.model();
    assert.equal(linkedDevices(model, ana.publicKey())[0]?.name, 'Ana’s phone');
    // personOf prefers the key's own profile; the owner is still found.
    assert.equal(model.personOf(phone.publicKey())?.name, 'Ana’s phone');
    assert.equal(deviceOwnerProfile(model, phone.publicKey())?.owner, ana.publicKey());
    assert.deepEqual(usersActedFor(model, phone.publicKey()), [phone.publicKey(), ana.publicKey()]);
    assert.deepEqual(usersActedFor(model, ana.publicKey()), [ana.publicKey()]);
    assert.equal(deviceOwnerProfile(model, guest.publicKey()), undefined);
  });

  test('the requests a device may decide: its owner’s too, each once; its own resource’s first', async () => {
    const { node, festival, stage } = await setup();
    await linkDevice(node, ana, phone.publicKey(), { name: 'Ana' });
    const van = (await node.createResource(phone, { festival, title: 'Van', policy: 'manual' })).documentId;
    const event = (await node.createEvent(guest, { festival, title: 'Move', start: T0 + HOUR, end: T0 + 2 * HOUR, resources: [stage, van] })).documentId;
    const model = await node.model();
    const pairs = (key: string) => pendingActedFor(model, key).map((request) => [request.resource.title, request.event.id]);
    assert.deepEqual(pairs(phone.publicKey()), [
      ['Van', event],
      ['Stage', event],
    ]);
    assert.deepEqual(pairs(ana.publicKey()), [['Stage', event]], 'the owner does not decide for the device');
    assert.deepEqual(pairs(laptop.publicKey()), []);
  });

  test('a device listed by someone who is not its owner’s first profile does not count', async () => {
    const { node } = await setup();
    const one = (await node.createProfile(ana, { name: 'Ana' })).documentId;
    const two = (await node.createProfile(ana, { name: 'Ana again', devices: [phone.publicKey()] })).documentId;
    const model = await node.model();
    // Only the profile with the lowest id names a user's devices (festival-model.ts).
    assert.equal(deviceOwnerProfile(model, phone.publicKey())?.owner, one < two ? undefined : ana.publicKey());
  });
});

describe('unlinking devices', () => {
  test('unlinking signs a profile update without the device: its decisions stop counting, those made while linked too', async () => {
    const { node, festival, stage } = await setup();
    await linkDevice(node, ana, phone.publicKey(), { name: 'Ana' });
    await linkDevice(node, ana, laptop.publicKey());
    const event = (await node.createEvent(guest, { festival, title: 'Open mic', start: T0 + HOUR, end: T0 + 2 * HOUR, resources: [stage] })).documentId;
    await node.authorize(phone, stage, event, 'confirm', '', T0 + 10);
    let model = await node.model();
    assert.equal(model.requestStatus(stage, event)?.state, 'confirmed');
    assert.deepEqual(
      model.requestStatus(stage, event)?.votes.map((vote) => vote.voter),
      [ana.publicKey()],
    );

    const removed = await unlinkDevice(node, ana, phone.publicKey());
    assert.deepEqual(removed, { profileId: model.profileOf(ana.publicKey())!.id, changed: true });
    model = await node.model();
    assert.deepEqual(model.profileOf(ana.publicKey())?.devices, [laptop.publicKey()]);
    assert.equal(model.actsFor(phone.publicKey(), ana.publicKey()), false);
    assert.equal(model.requestStatus(stage, event)?.state, 'pending');
    assert.deepEqual(usersActedFor(model, phone.publicKey()), [phone.publicKey()]);
    await node.authorize(phone, stage, event, 'confirm', '', T0 + 20);
    assert.equal((await node.model()).requestStatus(stage, event)?.state, 'pending', 'a new decision does not count either');
  });

  test('a device not linked, or a user without a profile: DEVICE_NOT_LINKED, nothing signed', async () => {
    const { node, entries } = await setup();
    await assert.rejects(unlinkDevice(node, ana, phone.publicKey()), refused('DEVICE_NOT_LINKED'));
    await linkDevice(node, ana, phone.publicKey(), { name: 'Ana' });
    const before = await entries();
    await assert.rejects(unlinkDevice(node, ana, laptop.publicKey()), refused('DEVICE_NOT_LINKED'));
    await assert.rejects(unlinkDevice(node, phone, ana.publicKey()), refused('DEVICE_NOT_LINKED'), 'the device cannot unlink its owner');
    assert.equal(await entries(), before);
  });
});
