/// <reference types="mocha" />
/**
 * Favourites to another device without an account, in Chromium: the Export menu's dialog
 * gives the link that carries them; the same page opened with that link on a device without
 * them (an empty localStorage) offers to add them, naming the events, and adds nothing until
 * the visitor says yes; either answer takes the link's fragment out of the URL. Axe-clean.
 */
import { expect } from 'chai';
import type { PandaSchedule } from '../../widgets/schedule/panda-schedule.js';
import { favouritesKey } from '../../widgets/lib/favourites.js';
import { $, atMs, expectAccessible, FakeSource, FESTIVAL_ID, mount, scheduleData, settle, unmountAll, until } from './widgets-support.js';

const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const clearHash = () => history.replaceState(null, '', location.pathname + location.search);
const stored = () => JSON.parse(localStorage.getItem(favouritesKey(FESTIVAL_ID)) ?? '[]') as string[];

async function schedule(): Promise<PandaSchedule> {
  const element = await mount(
    'panda-schedule',
    { source: new FakeSource(scheduleData()), now: atMs('2026-07-03T10:45') },
    { festival: FESTIVAL_ID, lang: 'en-GB', view: 'list' },
  );
  await until(() => $(element, '.list'), 'the schedule');
  await settle(element);
  return element;
}

/** Stars two events and reads the link the dialog gives. */
async function linkFromFirstDevice(): Promise<string> {
  const element = await schedule();
  expect($<HTMLButtonElement>(element, '[data-export="share"]')!.disabled, 'nothing to share yet').to.equal(true);
  $(element, 'li[data-event="e-opening"] .star')!.click();
  $(element, 'li[data-event="e-workshop"] .star')!.click();
  await settle(element);
  $(element, '[data-export="share"]')!.click();
  const dialog = await until(() => $<HTMLDialogElement>(element, 'dialog[data-share]'), 'the dialog');
  await settle(element);
  expect(dialog.open && dialog.matches(':modal')).to.equal(true);
  expect(text(dialog)).to.contain('offers to add your 2 favourites there');
  await expectAccessible(element);
  const link = $<HTMLInputElement>(element, '[data-share-link]')!.value;
  $(element, '[data-share-close]')!.click();
  await settle(element);
  expect($(element, 'dialog[data-share]')).to.equal(null);
  unmountAll();
  return link;
}

describe('<panda-schedule> favourites to another device', () => {
  beforeEach(() => {
    localStorage.clear();
    clearHash();
  });
  afterEach(() => {
    unmountAll();
    clearHash();
  });

  it('gives a link that, opened on another device, offers the favourites and adds them on yes', async () => {
    const link = await linkFromFirstDevice();
    expect(link.startsWith(`${location.origin}${location.pathname}`)).to.equal(true);
    expect(new URL(link).hash).to.match(/^#panda-favourites=[^,]+,[^,]+$/);

    // The other device: none of them yet.
    localStorage.clear();
    history.replaceState(null, '', new URL(link).hash);
    const element = await schedule();
    const offer = await until(() => $(element, '[data-favourites-offer]'), 'the offer');
    expect(text(offer)).to.contain('This link brings 2 favourites: Opening and Workshop: Löten');
    expect(stored(), 'nothing added without a yes').to.deep.equal([]);
    await expectAccessible(element);
    const changes: string[] = [];
    element.addEventListener('panda-favourite-change', (event) => changes.push((event as CustomEvent<{ eventId: string }>).detail.eventId));
    $(element, '[data-offer-add]')!.click();
    await settle(element);
    expect(stored().sort()).to.deep.equal(['e-opening', 'e-workshop']);
    expect(changes).to.deep.equal(['e-opening', 'e-workshop']);
    expect($(element, 'li[data-event="e-workshop"] .star')!.hasAttribute('data-on')).to.equal(true);
    expect($(element, '[data-favourites-offer]')).to.equal(null);
    expect(location.hash, 'the fragment goes once answered').to.equal('');
  });

  it('adds nothing when the visitor declines, and offers nothing they already have', async () => {
    const link = await linkFromFirstDevice();
    localStorage.clear();
    history.replaceState(null, '', new URL(link).hash);
    const element = await schedule();
    await until(() => $(element, '[data-favourites-offer]'), 'the offer');
    $(element, '[data-offer-dismiss]')!.click();
    await settle(element);
    expect(stored()).to.deep.equal([]);
    expect(location.hash).to.equal('');
    unmountAll();

    // The device that has them already: no offer.
    localStorage.setItem(favouritesKey(FESTIVAL_ID), JSON.stringify(['e-opening', 'e-workshop']));
    history.replaceState(null, '', new URL(link).hash);
    const again = await schedule();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await settle(again);
    expect($(again, '[data-favourites-offer]')).to.equal(null);
  });
});
