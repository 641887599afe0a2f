/**
 * What the popup shows a person beyond the requests: the first-run welcome (kept in
 * extension storage: it shows until finished or skipped, never for someone who saved a
 * backup before it existed), naming oneself (the identity and a signed profile), the
 * person's own events with their statuses in words, people named by their profiles in the
 * approval prompt, and the toolbar badge counting what waits for their decision.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { badgeText, ToolbarBadge, type BadgeAction } from '../../extension/background/badge.js';
import { describeCreate } from '../../extension/background/describe.js';
import { PopupApi } from '../../extension/background/popup-api.js';
import { ProviderErrorCode } from '../../extension/shared/protocol.js';
import { shortKey } from '../../extension/ui/format.js';
import { code, HOUR, setup, SITE, T0 } from './popup-api-support.js';

/** Records what the badge was told, as `browser.action` would show it. */
class FakeAction implements BadgeAction {
  text = '';
  colors: string[] = [];
  texts: string[] = [];
  async setBadgeText({ text }: { text: string }) {
    this.text = text;
    this.texts.push(text);
  }
  async setBadgeBackgroundColor({ color }: { color: string }) {
    this.colors.push(color);
  }
}

describe('first-run welcome', () => {
  test('shows from the first start until skipped, then never again, also after a restart of the background', async () => {
    const { api, local, ...services } = await setup();
    assert.equal((await api.state()).welcome, true);
    assert.equal((await api.state()).welcome, true, 'still there when the popup opens again');
    // A backup saved from the welcome does not end it: the person may still name themselves.
    await api.handle('popup_exportBackup', { passphrase: 'a backup passphrase' });
    assert.equal((await api.state()).welcome, true);
    await assert.rejects(api.handle('popup_closeWelcome', { outcome: 'later' }), code(ProviderErrorCode.INVALID_PARAMS));
    assert.equal(await api.handle('popup_closeWelcome', { outcome: 'skipped' }), true);
    assert.equal((await api.state()).welcome, false);
    const restarted = new PopupApi({ ...services, storage: local });
    assert.equal((await restarted.state()).welcome, false);
  });

  test('someone who saved a backup before the welcome existed is not greeted; nor while locked', async () => {
    const before = await setup();
    await before.local.set('backup-made', 1);
    assert.equal((await before.api.state()).welcome, false);

    const locked = await setup();
    await locked.api.handle('popup_setPassphrase', { passphrase: 'correct horse battery' });
    await locked.api.handle('popup_lock');
    assert.equal((await locked.api.state()).welcome, false);
  });

  test('naming oneself renames the identity and signs its profile; naming again changes the same profile', async () => {
    const { api, node, me, vault } = await setup();
    await assert.rejects(api.handle('popup_nameYourself', { name: '  ' }), code(ProviderErrorCode.INVALID_PARAMS, 'VAULT_NAME_INVALID'));
    assert.deepEqual(await api.handle('popup_nameYourself', { name: ' Mira ' }), { id: me.id, name: 'Mira', publicKey: me.publicKey });
    assert.equal(vault.activeIdentity().name, 'Mira');
    assert.equal((await api.state()).names[me.publicKey], 'Mira');
    await api.handle('popup_nameYourself', { name: 'Mira K.' });
    const model = await node.model();
    assert.equal([...model.profiles.values()].filter((profile) => profile.owner === me.publicKey).length, 1);
    assert.equal(model.profileOf(me.publicKey)?.name, 'Mira K.');
  });
});

describe('my events', () => {
  test('each of my events says where it stands, people by their profile names, as the owners decide', async () => {
    const { api, node, vault, me, festival, cellar, guest } = await setup();
    await node.createProfile(guest, { name: 'Klara' });
    const workshop = (await node.createResource(guest, { festival, title: 'Werkstatt', kind: 'location', policy: 'manual' })).documentId;
    const stage = (await node.createResource(guest, { festival, title: 'Bühne', kind: 'location', policy: 'manual' })).documentId;
    await api.handle('popup_nameYourself', { name: 'Mira' });
    const myKey = vault.keyPair(me.id);
    const late = (await node.createEvent(myKey, { festival, title: 'Late show', start: T0 + 6 * HOUR, end: T0 + 7 * HOUR, resources: [stage] })).documentId;
    const jam = (await node.createEvent(myKey, { festival, title: 'Jam', start: T0 + 3 * HOUR, end: T0 + 5 * HOUR, resources: [cellar, workshop, stage] }))
      .documentId;
    await node.createEvent(myKey, { festival, title: 'Picnic', start: T0 + 8 * HOUR, end: T0 + 9 * HOUR, resources: [] });
    const events = async () => (await api.state()).myEvents.map((event) => [event.title, event.state, event.headline]);

    // The guest's event is not mine; mine come by start.
    assert.deepEqual(await events(), [
      ['Jam', 'waiting', 'Waiting for Klangkeller, Werkstatt, and Bühne'],
      ['Late show', 'waiting', 'Waiting for Bühne'],
      ['Picnic', 'confirmed', 'No resources requested'],
    ]);
    const [first] = (await api.state()).myEvents;
    assert.equal(first!.when, 'Sun 20:06-22:06');
    assert.equal(first!.festivalName, 'Hoffnung 3000');
    assert.deepEqual(first!.requests, [
      { resourceTitle: 'Klangkeller', words: 'waiting for Mira to decide' },
      { resourceTitle: 'Werkstatt', words: 'waiting for Klara to decide' },
      { resourceTitle: 'Bühne', words: 'waiting for Klara to decide' },
    ]);

    await api.handle('popup_authorize', { resourceId: cellar, eventId: jam, decision: 'confirm' });
    assert.deepEqual((await events())[0], ['Jam', 'waiting', '1 of 3 resources confirmed · Waiting for Werkstatt and Bühne']);
    await node.authorize(guest, workshop, jam, 'confirm');
    await node.authorize(guest, stage, late, 'confirm');
    await node.authorize(guest, stage, jam, 'deny', 'closed for repairs');
    assert.deepEqual(await events(), [
      ['Jam', 'declined', 'Declined by Bühne'],
      ['Late show', 'confirmed', 'Confirmed'],
      ['Picnic', 'confirmed', 'No resources requested'],
    ]);
    assert.equal((await api.state()).myEvents[0]!.requests[2]!.words, 'denied: “closed for repairs”');
  });
});

describe('names, not keys', () => {
  test('a festival whose owners have profiles: the prompt names the owners of what it links to, and members by name', async () => {
    const { api, node, festival, cellar, guest } = await setup();
    await node.createProfile(guest, { name: 'Klara' });
    await api.handle('popup_nameYourself', { name: 'Mira' });
    const workshop = (await node.createResource(guest, { festival, title: 'Werkstatt', kind: 'location', policy: 'manual' })).documentId;
    const model = await node.model();
    const id = (documentId: string) => `${documentId.slice(4, 12)}…`;
    const event = describeCreate('event', { festival, title: 'Jam', resources: [cellar, workshop] }, model);
    assert.deepEqual(
      event.details.filter((detail) => detail.label !== 'Title').map((detail) => detail.value),
      [`Hoffnung 3000 (by Mira, ${id(festival)})`, `Klangkeller (by Mira, ${id(cellar)}), Werkstatt (by Klara, ${id(workshop)})`],
    );
    const stranger = 'ff'.repeat(32);
    const members = describeCreate('resource', { festival, title: 'Crew', members: [guest.publicKey(), stranger] }, model);
    assert.equal(members.details.find((detail) => detail.label === 'Members who vote')?.value, `Klara (${shortKey(guest.publicKey())}), ${shortKey(stranger)}`);
  });
});

describe('toolbar badge', () => {
  test('counts the sites’ questions and the requests for my resources; set as they arrive, cleared when all are decided', async () => {
    const { api, approvals, cellar, night } = await setup();
    const action = new FakeAction();
    const badge = new ToolbarBadge(action, () => api.waitingCount());
    approvals.onChange(() => void badge.update());
    // The guest's event asks for my venue.
    await badge.update();
    assert.equal(action.text, '1');
    assert.equal(action.colors.length, 1, 'the colour is set with the first number');
    const asking = approvals.ask({ origin: SITE, kind: 'connect', description: 'Connect' });
    await badge.update();
    assert.equal(action.text, '2');
    approvals.decide(approvals.pending()[0]!.id, 'approve-once');
    await asking;
    await badge.update();
    assert.equal(action.text, '1');
    await api.handle('popup_authorize', { resourceId: cellar, eventId: night, decision: 'confirm' });
    await badge.update();
    assert.equal(action.text, '');
    // Nothing changed: the browser is not told again.
    await badge.update();
    assert.deepEqual(action.texts, ['1', '2', '1', '']);
    assert.equal(action.colors.length, 1);
  });

  test('changes while a count runs are folded into one more count; a locked vault counts the sites’ questions only', async () => {
    const { api, approvals } = await setup();
    let counts = 0;
    const action = new FakeAction();
    const badge = new ToolbarBadge(action, async () => {
      counts++;
      return api.waitingCount();
    });
    await Promise.all([badge.update(), badge.update(), badge.update(), badge.update()]);
    assert.equal(counts, 2);
    await api.handle('popup_setPassphrase', { passphrase: 'correct horse battery' });
    await api.handle('popup_lock');
    void approvals.ask({ origin: SITE, kind: 'unlock', description: 'Unlock' });
    assert.equal(await api.waitingCount(), 1);
    assert.equal(badgeText(0), '');
    assert.equal(badgeText(7), '7');
    assert.equal(badgeText(140), '99+');
  });
});
