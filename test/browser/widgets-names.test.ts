/// <reference types="mocha" />
/**
 * People by name in the widgets: a festival whose people have profiles (the query answers
 * carry `ownerName` and `voterName`, core/festival/queries.ts) shows those names in
 * `<panda-resource>` and in `<panda-schedule>`'s details (organiser, who looks after each
 * resource, who decided), never their short keys; a person without a profile is shown by
 * the short key, with the whole key as its title.
 */
import { expect } from 'chai';
import { fromProviderQueries } from '../../widgets/lib/schedule-data.js';
import { shortKey } from '../../widgets/shared/dom.js';
import {
  $,
  $$,
  atMs,
  expectAccessible,
  FakeSource,
  FESTIVAL_ID,
  festivalResult,
  KELLER,
  kellerBookings,
  MEMBER_A,
  MEMBER_B,
  mount,
  OWNER,
  scheduleItems,
  settle,
  unmountAll,
  until,
} from './widgets-support.js';

const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const KEYS = [OWNER, MEMBER_A, MEMBER_B];

/** The fixture's schedule as answered when everyone has a profile: the Klangkeller's owner Ada, the Beamer's Bruno, who also decided. */
function namedItems() {
  const items = scheduleItems();
  for (const item of items) {
    Object.assign(item.event, { ownerName: 'Klangkeller e.V.' });
    for (const request of item.resources) {
      const [owner, ownerName] = request.resource.id === KELLER.id ? [MEMBER_A, 'Ada'] : [MEMBER_B, 'Bruno'];
      request.resource = { ...request.resource, owner, ownerName } as typeof request.resource;
      const decision = request.status.state === 'confirmed' ? 'confirm' : request.status.state === 'denied' ? 'deny' : undefined;
      if (decision) Object.assign(request.status, { votes: [{ voter: owner, voterName: ownerName, decision, decidedAt: 1, note: '', authorization: 'a' }] });
    }
  }
  return items;
}

describe('people by name', () => {
  afterEach(unmountAll);

  it('<panda-schedule> details name the organiser, who looks after each resource and who decided', async () => {
    const source = new FakeSource(fromProviderQueries(festivalResult(), namedItems()));
    const element = await mount('panda-schedule', { source, now: atMs('2026-07-03T10:45') }, { festival: FESTIVAL_ID, lang: 'en-GB', day: '2026-07-03' });
    await until(() => $(element, '[role="gridcell"][data-event="e-workshop"]'), 'the grid');
    $(element, '[role="gridcell"][data-event="e-workshop"]')!.click();
    await until(() => $(element, '[data-details]'), 'the details');
    const details = $(element, '[data-details]')!;
    expect(text($(element, '[data-organiser]'))).to.equal('Organised by Klangkeller e.V.');
    const requests = $$(element, '[data-details] [data-request]');
    expect(requests.map(text)).to.deep.equal([
      'Klangkeller: Confirmed · Looked after by Ada · Ada agreed',
      'Beamer: Waiting for confirmation · Looked after by Bruno',
    ]);
    expect($(element, '[data-request="r-keller"] [data-looked-after]')!.title, 'the key stays at hand').to.equal(MEMBER_A);
    for (const key of KEYS) expect(text(details)).to.not.contain(shortKey(key));
    await expectAccessible(element);
  });

  it('<panda-schedule> details fall back to the short key for a person without a profile', async () => {
    const items = scheduleItems();
    items[5]!.resources[3]!.status = {
      ...items[5]!.resources[3]!.status,
      votes: [{ voter: MEMBER_B, decision: 'deny', decidedAt: 1, note: '', authorization: 'a' }],
    } as never;
    const source = new FakeSource(fromProviderQueries(festivalResult(), items));
    history.replaceState(null, '', '#panda-event=e-closing');
    try {
      const element = await mount('panda-schedule', { source, now: atMs('2026-07-03T10:45') }, { festival: FESTIVAL_ID, lang: 'en-GB' });
      await until(() => $(element, '[data-details]'), 'the details');
      expect(text($(element, '[data-request="r-desk"]'))).to.equal(`Desk: Declined · Looked after by ${shortKey(OWNER)} · ${shortKey(MEMBER_B)} declined`);
      expect($(element, '[data-request="r-desk"] [data-vote]')!.title).to.equal(MEMBER_B);
    } finally {
      history.replaceState(null, '', location.pathname + location.search);
    }
  });

  it('<panda-resource> names who looks after it, never by the short key', async () => {
    const source = new FakeSource(fromProviderQueries(festivalResult(), namedItems()), 'peer', false);
    source.answers = { resource: { ...KELLER, owner: MEMBER_A, ownerName: 'Ada' }, bookings: kellerBookings(), freeSlots: [] };
    const element = await mount('panda-resource', { source }, { resource: KELLER.id, festival: FESTIVAL_ID, lang: 'en-GB' });
    await until(() => $(element, 'h2'), 'the resource');
    await settle(element);
    expect(text($(element, '[data-owner]'))).to.equal('Looked after by Ada');
    for (const key of KEYS) expect(text($(element, '[part="base"]'))).to.not.contain(shortKey(key));
  });
});
