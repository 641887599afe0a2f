/**
 * Issue 18's device pairing in Chromium with the built extension, two browser profiles:
 *
 * - Ana (profile A) has a profile, a festival and a location she decides on (manual), made in
 *   the planner; B is a fresh install of hers.
 * - They pair by copying the codes between the two popups: A's offer into B's welcome
 *   ("Use this browser as another device of mine"), B's reply into A's Devices section; both
 *   show the same fingerprint; A links it, and B takes A's festivals from the festivals code.
 *   A reply used twice is refused with its code, and nothing is signed then.
 * - B, linked once A's profile reached it over the signaling server and WebRTC, proposes an
 *   event in its planner asking for A's location and confirms the request from its popup, as
 *   Ana. A Node peer of a third person, in the same festival, counts the decision as Ana's
 *   vote, Ana the location's owner and the event Ana's.
 * - A unlinks B in its popup. B's next decision (signed through the popup's API, as a device
 *   that has not heard of the unlink would sign it: no screen offers it any more) does not
 *   count at the third party, and the earlier one is withdrawn too.
 *
 * PANDA_SCREENSHOTS=<dir> saves the Devices section's states as pairing-*.png, at the
 * popup's width and a phone's (390 px), light and dark.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { deviceFingerprint, type Hash } from '../../core/index.js';
import { NodePeer } from '../../node/node-peer.js';
import { waitFor } from '../node/demo-support.js';
import { skipWelcome } from './e2e-chromium-support.js';
import {
  createFestival,
  createResource,
  festivalSite,
  saveDefaultSignaling,
  setProfile,
  skip,
  tab,
  withExtension,
  type FestivalSite,
  type Person,
} from './e2e-planner-support.js';
import { builtExtension } from './e2e-support.js';

const SHOTS = process.env['PANDA_SCREENSHOTS'];
/** Replication through the signaling server and WebRTC on a loaded machine. */
const SYNC = 120_000;
/** The popup's own width (its 360 px and padding), and a phone's, where it shows as a page. */
const WIDTHS = [384, 390];

async function popupOf(person: Person): Promise<Page> {
  const popup = await person.context.newPage();
  await popup.setViewportSize({ width: WIDTHS[0]!, height: 900 });
  await popup.goto(`chrome-extension://${person.extensionId}/popup.html`);
  await popup.locator('panda-popup h1').waitFor();
  return popup;
}

/** The part of the popup a state shows in, at each width, light and dark. */
async function shoot(popup: Page, selector: string, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await popup.emulateMedia({ colorScheme: scheme });
    for (const width of WIDTHS) {
      await popup.setViewportSize({ width, height: 900 });
      await popup
        .locator(selector)
        .first()
        .screenshot({ path: join(SHOTS, `pairing-${name}-${width}-${scheme}.png`) });
    }
  }
  await popup.emulateMedia({ colorScheme: 'light' });
  await popup.setViewportSize({ width: WIDTHS[0]!, height: 900 });
}

const codeIn = async (popup: Page, what: string) => (await popup.locator(`[data-code="${what}"]`).innerText()).replace(/\s/g, '');

async function addEvent(planner: Page, title: string, start: string, end: string): Promise<Hash> {
  await tab(planner, 'events');
  const form = planner.locator('panda-event-form');
  await form.getByLabel('Lake stage').check({ timeout: SYNC });
  await form.locator('input[name="title"]').fill(title);
  await form.locator('input[name="start"]').fill(start);
  await form.locator('input[name="end"]').fill(end);
  await form.locator('button[type="submit"]').click();
  const item = planner.locator(`li[data-event][data-title="${title}"]`);
  await item.waitFor({ timeout: 20_000 });
  return (await item.getAttribute('data-event')) as Hash;
}

describe('pairing two Chromium profiles: B acts as A until A unlinks it', { skip, timeout: 600_000 }, () => {
  let web: FestivalSite;
  let a: Person;
  let b: Person;
  let third: NodePeer | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'panda-kit-pairing-third-'));
  let festival: Hash;
  let stage: Hash;
  let popupA: Page;
  let popupB: Page;
  let opening: Hash;

  before(async () => {
    web = await festivalSite();
    const extension = await builtExtension('chrome');
    [a, b] = await Promise.all([withExtension('pair-a', extension), withExtension('pair-b', extension)]);
  });
  after(async () => {
    await third?.close();
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    await web?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('A and B pair by copying the codes between their popups; a used reply is refused; B takes A’s festivals and sees itself linked', async () => {
    const planner = a.planner;
    await saveDefaultSignaling(planner, web.signaling.url);
    await setProfile(a, 'Ana');
    await tab(planner, 'festivals');
    await planner.locator('[data-new-festival]').click();
    await createFestival(planner, { name: 'Pair Fest', start: '2027-06-04T10:00', end: '2027-06-07T22:00', timezone: 'UTC' });
    festival = (await planner.locator('li[data-festival][data-name="Pair Fest"]').getAttribute('data-festival')) as Hash;
    await planner.locator('[data-festival-choice]').selectOption(festival);
    await tab(planner, 'resources');
    await createResource(planner, { kind: 'location', title: 'Lake stage', policy: 'manual' });
    stage = (await planner.locator('li[data-resource][data-title="Lake stage"]').getAttribute('data-resource')) as Hash;

    popupA = await popupOf(a);
    await skipWelcome(popupA);
    const devicesA = popupA.locator('[data-devices]');
    await devicesA.getByText('No other device acts as you yet.').waitFor();
    await shoot(popupA, '[data-devices]', 'a-start');
    await devicesA.locator('[data-offer-device]').click();
    const offer = await codeIn(popupA, 'offer code');
    assert.match(offer, /^PKPAIR1:[A-Z2-7-]+$/);
    assert.match(await devicesA.locator('[data-expires]').innerText(), /^Open until \d{2}:\d{2}, for one device\.$/);
    await shoot(popupA, '[data-devices]', 'a-offer');

    // B, a fresh install, answers in its welcome.
    popupB = await popupOf(b);
    const join = popupB.locator('[data-welcome] details[data-join-device]');
    await join.locator('summary').click();
    await join.locator('textarea[name="offer"]').fill(offer);
    await join.getByRole('button', { name: 'Answer' }).click();
    const reply = await codeIn(popupB, 'reply code');
    assert.match(reply, /^PKJOIN1:[A-Z2-7-]+$/);
    const shownOnB = await join.locator('[data-fingerprint]').innerText();
    assert.equal(shownOnB, deviceFingerprint(b.publicKey));
    await shoot(popupB, '[data-welcome]', 'b-reply');

    await devicesA.locator('textarea[name="reply"]').fill(reply);
    await devicesA.getByRole('button', { name: 'Check the reply' }).click();
    const confirm = devicesA.locator('form[data-link-device]');
    await confirm.waitFor();
    assert.equal(await confirm.locator('[data-fingerprint]').innerText(), shownOnB, 'both devices show the same fingerprint');
    await shoot(popupA, '[data-devices]', 'a-confirm');
    await confirm.locator('input[name="name"]').fill('Laptop');
    await confirm.getByRole('button', { name: 'Link this device' }).click();
    await devicesA.locator('[data-handover]').waitFor();
    const festivalsCode = await codeIn(popupA, 'festivals code');
    assert.match(festivalsCode, /^PKFEST1:/);
    await shoot(popupA, '[data-devices]', 'a-linked');
    const listed = devicesA.locator(`[data-linked-device="${b.publicKey}"]`);
    assert.match(await listed.innerText(), new RegExp(`Laptop[\\s\\S]*${shownOnB}`));
    await devicesA.locator('[data-pairing-done]').click();

    // The same reply again, to a new offer: refused, with its code, and nothing more is signed.
    await devicesA.locator('[data-offer-device]').click();
    await devicesA.locator('textarea[name="reply"]').fill(reply);
    await devicesA.getByRole('button', { name: 'Check the reply' }).click();
    const refusal = devicesA.locator('[role="alert"][data-error-code]');
    await refusal.waitFor();
    assert.equal(await refusal.getAttribute('data-error-code'), 'PAIRING_USED');
    assert.match(await refusal.innerText(), /used already[\s\S]*Nothing was signed\.[\s\S]*\(PAIRING_USED\)/);
    await shoot(popupA, '[data-devices]', 'a-refused');
    await devicesA.locator('[data-pairing-cancel]').click();
    await shoot(popupA, '[data-devices]', 'a-list');

    // B takes A's festivals; once A's profile arrives it is linked.
    await join.locator('textarea[name="code"]').fill(festivalsCode);
    await join.getByRole('button', { name: 'Take part in the same festivals' }).click();
    await join.locator('[data-waiting-link]').waitFor();
    assert.match(await join.locator('[data-waiting-link]').innerText(), /^Taking part in one festival of your other device\./);
    await join.waitFor({ state: 'detached', timeout: SYNC });
    await skipWelcome(popupB);
    const deviceOf = popupB.locator('[data-devices] [data-device-of]');
    await deviceOf.waitFor();
    assert.equal((await deviceOf.innerText()).replace(/\s+/g, ' '), 'This browser is another device of Ana: it decides and signs as them in every festival.');
    await shoot(popupB, '[data-devices]', 'b-linked');
  });

  test('B proposes an event for A’s location and confirms it as Ana; a third party counts Ana’s vote, Ana the owner', async () => {
    assert.ok(festival && stage, 'paired in the first test');
    third = await NodePeer.open({ dataDir, signaling: [web.signaling.url], festivals: [festival], statusInterval: 0, watchInterval: 0 });
    const peer = third;

    await b.planner.reload();
    await b.planner.locator('[data-me]').waitFor({ timeout: 20_000 });
    await b.planner.locator('[data-festival-choice]').selectOption(festival, { timeout: SYNC });
    opening = await addEvent(b.planner, 'Sunrise yoga', '2027-06-05T06:00', '2027-06-05T07:00');
    const request = popupB.locator(`[data-owner-request][data-event-id="${opening}"]`);
    await request.waitFor({ timeout: SYNC });
    assert.match(await request.innerText(), /Lake stage/);
    await request.locator('[data-authorize="confirm"]').click();
    await request.waitFor({ state: 'detached', timeout: 20_000 });

    await waitFor(async () => (await peer.node.model()).requestStatus(stage, opening)?.state === 'confirmed', 'the third party counts the confirmation', SYNC);
    const model = await peer.node.model();
    assert.equal(model.resources.get(stage)?.owner, a.publicKey, 'Ana owns the location');
    assert.deepEqual(
      model.requestStatus(stage, opening)?.votes.map((vote) => vote.voter),
      [a.publicKey],
      'B’s decision is Ana’s vote',
    );
    assert.equal(model.events.get(opening)?.owner, b.publicKey);
    assert.equal(model.personOf(b.publicKey)?.name, 'Ana', 'the event is Ana’s');
    assert.ok(model.actsFor(b.publicKey, a.publicKey));
  });

  test('A unlinks B: B’s new decision does not count at the third party, and the earlier one is withdrawn', async () => {
    assert.ok(opening, 'the event of the second test');
    const peer = third!;
    const late = await addEvent(b.planner, 'Sunset jam', '2027-06-05T20:00', '2027-06-05T22:00');
    await waitFor(async () => (await peer.node.model()).requestStatus(stage, late)?.state === 'pending', 'the second request at the third party', SYNC);

    const devicesA = popupA.locator('[data-devices]');
    await devicesA.locator(`[data-linked-device="${b.publicKey}"] [data-unlink]`).click();
    await devicesA.getByText('No other device acts as you yet.').waitFor();
    await waitFor(async () => !(await peer.node.model()).actsFor(b.publicKey, a.publicKey), 'the unlink at the third party', SYNC);
    await popupB.locator('[data-devices] [data-device-of]').waitFor({ state: 'detached', timeout: SYNC });
    assert.equal(await popupB.locator(`[data-owner-request][data-event-id="${late}"]`).count(), 0, 'B no longer offers to decide for Ana');

    // B signs a confirmation anyway, as a device that has not heard of the unlink would.
    const message = { target: 'panda-kit:popup', method: 'popup_authorize', params: { resourceId: stage, eventId: late, decision: 'confirm' } };
    const signed = await popupB.evaluate(`chrome.runtime.sendMessage(${JSON.stringify(message)})`);
    assert.deepEqual(signed, { result: true });
    await waitFor(
      async () => [...(await peer.node.model()).authorizations.values()].some((item) => item.event === late && item.owner === b.publicKey),
      'B’s late decision at the third party',
      SYNC,
    );
    const model = await peer.node.model();
    assert.equal(model.requestStatus(stage, late)?.state, 'pending', 'the new decision does not count');
    assert.deepEqual(model.requestStatus(stage, late)?.votes, []);
    assert.equal(model.requestStatus(stage, opening)?.state, 'pending', 'the earlier decision is withdrawn too (the latest profile rules)');
    assert.equal(model.personOf(b.publicKey), undefined);
  });
});
