/// <reference types="mocha" />
/**
 * How events stand, in `<panda-schedule>`: the status in words beside the percentage, the
 * key to the grid's borders (each key styled as the events it explains), events with a
 * declined request hidden until asked for, and a day without a match pointing to the
 * nearest day with one. Axe-clean throughout.
 */
import { expect } from 'chai';
import type { PandaSchedule } from '../../widgets/schedule/panda-schedule.js';
import { fromProviderQueries } from '../../widgets/lib/schedule-data.js';
import {
  $,
  $$,
  atMs,
  BEAMER,
  expectAccessible,
  FakeSource,
  FESTIVAL_ID,
  festivalResult,
  mount,
  scheduleItems,
  settle,
  unmountAll,
  until,
} from './widgets-support.js';

const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const clearHash = () => history.replaceState(null, '', location.pathname + location.search);

async function schedule(attributes: Record<string, string> = {}, items = scheduleItems()): Promise<PandaSchedule> {
  const source = new FakeSource(fromProviderQueries(festivalResult(), items));
  const element = await mount(
    'panda-schedule',
    { source, now: atMs('2026-07-03T10:45') },
    { festival: FESTIVAL_ID, lang: 'en-GB', day: '2026-07-03', ...attributes },
  );
  await until(() => $(element, 'h2'), 'the schedule');
  await settle(element);
  return element;
}

const events = (element: Element) => $$(element, '[data-event]:is([role="gridcell"], li)').map((item) => item.dataset.event);
const input = (element: Element, name: string) => $<HTMLInputElement>(element, `input[data-filter="${name}"]`)!;

describe('<panda-schedule> status', () => {
  beforeEach(clearHash);
  afterEach(() => {
    unmountAll();
    clearHash();
  });

  it('says in words how each event stands, beside the percentage', async () => {
    const items = scheduleItems();
    // The concert asks for the Beamer too: two resources waiting.
    items[2]!.resources.push({ resource: BEAMER, status: { event: 'e-concert', resource: BEAMER.id, state: 'pending', votes: [] } });
    items[2]!.requested = 2;
    const element = await schedule({ view: 'list' }, items);
    const status = (id: string) => text($(element, `li[data-event="${id}"] [data-confirmation]`));
    expect(status('e-opening')).to.equal('Confirmed · 100%');
    expect(status('e-workshop')).to.equal('Waiting for Beamer · 50%');
    expect(status('e-concert')).to.equal('0 of 2 resources confirmed · 0%');
    input(element, 'declined').click();
    element.day = '2026-07-05';
    await settle(element);
    expect(status('e-closing')).to.equal('Declined by Desk · 75%');
    await expectAccessible(element);
  });

  it('explains the grid’s borders in a key styled as the events', async () => {
    const element = await schedule();
    input(element, 'declined').click();
    element.day = '2026-07-05';
    await settle(element);
    const legend = $(element, '[data-legend]')!;
    expect(text(legend)).to.equal('Key: Confirmed Waiting for confirmation Declined ★ Favourites');
    const border = (target: Element, pseudo?: string) => {
      const style = getComputedStyle(target, pseudo);
      return [style.borderInlineStartStyle, style.borderInlineStartColor];
    };
    const key = (state: string) => border($(element, `.key[data-state="${state}"]`)!, '::before');
    expect(key('denied')).to.deep.equal(border($(element, '[role="gridcell"][data-event="e-closing"]')!));
    expect(key('denied')[0]).to.equal('dotted');
    element.day = '2026-07-03';
    await settle(element);
    expect(key('confirmed')).to.deep.equal(border($(element, '[role="gridcell"][data-event="e-opening"]')!));
    expect(key('pending')).to.deep.equal(border($(element, '[role="gridcell"][data-event="e-workshop"]')!));
    expect([key('confirmed')[0], key('pending')[0]]).to.deep.equal(['solid', 'dashed']);
    await expectAccessible(element);
    // A schedule where nothing requests anything (a frab file) has no statuses to explain.
    const plain = await schedule(
      {},
      scheduleItems().map((item) => ({ ...item, resources: [], locations: [], confirmed: 0, requested: 0, confirmation: 1 })),
    );
    expect($(plain, '[data-legend]')).to.equal(null);
  });

  it('hides events with a declined request until asked for; a link to one shows them', async () => {
    const element = await schedule({ view: 'list', day: '2026-07-05' });
    expect(events(element)).to.deep.equal([]);
    expect(text(input(element, 'declined').closest('label'))).to.equal('Show 1 declined');
    expect($(element, '.toggle .badge, [data-clear]'), 'the default is no filter').to.equal(null);
    input(element, 'declined').click();
    await settle(element);
    expect(events(element)).to.deep.equal(['e-closing']);
    unmountAll();

    history.replaceState(null, '', '#panda-event=e-closing');
    const linked = await schedule({ day: '' });
    await until(() => $(linked, '[data-details="e-closing"]'), 'the linked event’s details');
    expect(input(linked, 'declined').checked).to.equal(true);
    expect(events(linked)).to.deep.equal(['e-closing']);
  });

  it('points a search without a match on the day to the nearest day with one', async () => {
    const element = await schedule({ view: 'list' });
    const search = input(element, 'text');
    search.value = 'breakfast';
    search.dispatchEvent(new Event('input'));
    await settle(element);
    const empty = $(element, '[data-no-match]')!;
    expect(text(empty)).to.equal('No match today, 1 on Saturday');
    await expectAccessible(element);
    $(element, '[data-other-day]')!.click();
    await settle(element);
    expect(element.day).to.equal('2026-07-04');
    expect(events(element)).to.deep.equal(['e-breakfast']);
    // From the day after, back to the nearest before; on another day than today, its name.
    search.value = 'opening';
    search.dispatchEvent(new Event('input'));
    await settle(element);
    expect(text($(element, '[data-no-match]'))).to.equal('No match on Saturday, 1 on Friday');
    search.value = 'nothing like it';
    search.dispatchEvent(new Event('input'));
    await settle(element);
    expect(text($(element, '[data-no-match]'))).to.equal('No match on Saturday');
  });
});
