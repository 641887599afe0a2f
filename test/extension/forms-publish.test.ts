/**
 * The festival and resource forms' `panda_publish` parameters, as the extension's provider
 * router takes them (a real festival node, the person approving): creates and updates of
 * festivals, sub-festivals and resources land as valid documents with the values the form
 * showed, and their answers name the owner by profile.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FestivalNode, hashingReady, KeyPair, MemoryStore } from '../../core/index.js';
import { ApprovalQueue } from '../../extension/background/approvals.js';
import { FestivalSettings } from '../../extension/background/festival-settings.js';
import { Permissions, type KeyValueStorage } from '../../extension/background/permissions.js';
import { ProviderRouter } from '../../extension/background/provider-router.js';
import { emptyFestival, festivalPublishParams, festivalValuesOf, validateFestival } from '../../widgets/festival-form/festival-logic.js';
import { emptyResource, resourcePublishParams, resourceValuesOf, validateResource } from '../../widgets/resource-form/resource-logic.js';

class MemoryStorage implements KeyValueStorage {
  readonly values = new Map<string, unknown>();
  async get(key: string) {
    return structuredClone(this.values.get(key));
  }
  async set(key: string, value: unknown) {
    this.values.set(key, structuredClone(value));
  }
}

test('the forms’ creates and updates go through the provider router as valid documents', async () => {
  await hashingReady();
  const node = new FestivalNode(new MemoryStore());
  const me = new KeyPair();
  const approvals: ApprovalQueue = new ApprovalQueue({
    openPrompt: () =>
      queueMicrotask(() => {
        for (const pending of approvals.pending()) approvals.decide(pending.id, 'approve-once');
        approvals.promptClosed();
      }),
  });
  const storage = new MemoryStorage();
  const router = new ProviderRouter({
    node,
    permissions: await Permissions.open(storage),
    approvals,
    identityFor: async () => ({ publicKey: me.publicKey(), keyPair: me }),
    settings: await FestivalSettings.open(storage),
    settingsChanged: async () => {},
  });
  const site = { origin: 'https://fest.example' };
  await router.handle(site, { method: 'panda_connect' });
  const publish = async (params: unknown) => ((await router.handle(site, { method: 'panda_publish', params })) as { documentId: string }).documentId;
  await publish({ type: 'profile', action: 'create', fields: { name: 'Klangkeller e.V.' } });

  const main = validateFestival({
    ...emptyFestival('', 'Europe/Lisbon'),
    name: 'Test Fest',
    start: '2027-06-04T14:00',
    end: '2027-06-07T02:00',
    url: 'https://fest.example',
  });
  const festivalId = await publish(festivalPublishParams(main.fields!));
  const shown = (await router.handle(site, { method: 'panda_query', params: { query: 'festival', festivalId } })) as {
    festival: Parameters<typeof festivalValuesOf>[0];
  };
  assert.deepEqual(festivalValuesOf(shown.festival), {
    ...emptyFestival('', 'Europe/Lisbon'),
    name: 'Test Fest',
    start: '2027-06-04T14:00',
    end: '2027-06-07T02:00',
    url: 'https://fest.example/',
  });
  const sub = validateFestival(
    { ...emptyFestival(festivalId, 'Europe/Lisbon'), name: 'Kids', start: '2027-06-05T10:00', end: '2027-06-05T18:00' },
    { festivals: [{ id: festivalId, ...main.fields! }] },
  );
  const subId = await publish(festivalPublishParams(sub.fields!));
  await publish(festivalPublishParams({ ...main.fields!, name: 'Test Fest 2027' }, festivalId));

  const venue = validateResource(
    { ...emptyResource(), title: 'Venue', address: 'Rua Augusta 1', latitude: '38.7139', longitude: '-9.1394', capacity: '2' },
    { resources: [] },
  );
  const venueId = await publish(resourcePublishParams(venue.fields!, { festivalId }));
  const members = [new KeyPair(), new KeyPair(), new KeyPair()].map((pair) => pair.publicKey());
  const skill = validateResource(
    { ...emptyResource('skill'), title: 'Sound', policy: 'quorum', memberKeys: members.join('\n'), quorum: '2', dependsOn: [venueId] },
    { resources: [venueId] },
  );
  const skillId = await publish(resourcePublishParams(skill.fields!, { festivalId: subId }));
  const stored = (await router.handle(site, { method: 'panda_query', params: { query: 'resource', resourceId: venueId } })) as Parameters<
    typeof resourceValuesOf
  >[0];
  const values = resourceValuesOf(stored);
  assert.deepEqual(
    [values.address, values.latitude, values.longitude, values.capacity],
    ['Rua Augusta 1', '38.7139', '-9.1394', '2'],
    'the edit form shows what was stored',
  );
  const edited = validateResource({ ...values, capacity: '3', x: '1', y: '2', z: '3' }, { resources: [venueId, skillId], self: venueId });
  assert.deepEqual(edited.errors, {});
  await publish(resourcePublishParams(edited.fields!, { documentId: venueId }));

  const model = await node.model();
  assert.deepEqual(model.invalid, []);
  assert.equal(model.festivals.get(festivalId)!.name, 'Test Fest 2027');
  assert.equal(model.festivals.get(subId)!.parent, festivalId);
  assert.deepEqual(model.resources.get(venueId)!.location, {
    address: 'Rua Augusta 1',
    position: { latitude: 38.7139, longitude: -9.1394 },
    coordinate: { x: 1, y: 2, z: 3 },
  });
  assert.equal(model.resources.get(venueId)!.capacity, 3);
  assert.deepEqual(
    [model.resources.get(skillId)!.members, model.resources.get(skillId)!.quorum, model.resources.get(skillId)!.dependsOn],
    [members, 2, [venueId]],
  );
  const listed = (await router.handle(site, { method: 'panda_query', params: { query: 'resources', festivalId } })) as Array<{
    title: string;
    ownerName?: string;
  }>;
  assert.deepEqual(
    listed.map((item) => [item.title, item.ownerName]),
    [
      ['Sound', 'Klangkeller e.V.'],
      ['Venue', 'Klangkeller e.V.'],
    ],
  );
});
