/// <reference types="mocha" />
/**
 * <panda-resource> in Chromium: the resource's facts, bookings and free slots from
 * `panda_query`, the request button opening <panda-event-form> (or the page's own form), a
 * frab room, an unknown resource, read-only, German, axe.
 */
import { expect } from 'chai';
import { providerSource } from '../../widgets/lib/sources.js';
import type { PandaResource } from '../../widgets/resource/panda-resource.js';
import { formatDate, formatTimeRange } from '../../widgets/lib/time.js';
import {
  $,
  $$,
  at,
  atMs,
  expectAccessible,
  FakeSource,
  FESTIVAL_ID,
  FESTIVAL_ZONE,
  festivalProvider,
  KELLER,
  kellerBookings,
  kellerSlots,
  mount,
  OWNER,
  scheduleData,
  settle,
  shadow,
  unmountAll,
  until,
} from './widgets-support.js';

const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();

async function resource(properties: Record<string, unknown>, attributes: Record<string, string> = {}): Promise<PandaResource> {
  const element = await mount('panda-resource', properties, { resource: KELLER.id, festival: FESTIVAL_ID, lang: 'en-GB', ...attributes });
  await until(() => $(element, 'h2, [data-unknown]'), 'the resource');
  await settle(element);
  return element;
}

function answeringSource(kind: 'extension' | 'peer' = 'peer', writable = false): FakeSource {
  const source = new FakeSource(scheduleData(), kind, writable);
  source.answers = { resource: KELLER, bookings: kellerBookings(), freeSlots: kellerSlots() };
  return source;
}

describe('<panda-resource>', () => {
  afterEach(unmountAll);

  it('says who looks after it by their profile name, as text', async () => {
    const source = answeringSource();
    source.answers.resource = { ...KELLER, ownerName: 'Klangkeller e.V.', ownerAvatar: 'https://example.org/k.png' };
    const element = await resource({ source });
    expect(text($(element, '[data-owner]'))).to.equal('Looked after by Klangkeller e.V.');
    expect($(element, '[data-owner]')!.title, 'the key stays at hand').to.equal(OWNER);
    source.answers.resource = { ...KELLER, ownerName: '<script>window.__pwned=1</script>' };
    const hostile = await resource({ source });
    expect(text($(hostile, '[data-owner]'))).to.equal('Looked after by <script>window.__pwned=1</script>');
    expect($(hostile, 'script')).to.equal(null);
  });

  it('shows the resource, who looks after it, its bookings and free times', async () => {
    const source = answeringSource();
    const element = await resource({ source });
    expect(source.queries).to.deep.equal([
      { query: 'resource', resourceId: KELLER.id },
      { query: 'bookings', resourceId: KELLER.id },
      { query: 'freeSlots', resourceId: KELLER.id },
    ]);
    expect(text($(element, 'h2'))).to.equal('Klangkeller');
    expect(text($(element, '[data-kind]'))).to.equal('Kind: location');
    expect(text($(element, '[data-owner]'))).to.equal('Looked after by ab12…ef56');
    expect($(element, '[data-owner]')!.title).to.equal(OWNER);
    expect(text($(element, '[data-policy]'))).to.equal('The owner confirms each request');
    expect(text($(element, '[data-capacity]'))).to.equal('Room for 2 events at a time');
    const links = $$<HTMLAnchorElement>(element, '[data-location] a');
    expect(links.map((link) => link.href)).to.deep.equal([
      'https://www.openstreetmap.org/?mlat=52.500000&mlon=13.400000#map=17/52.500000/13.400000',
      'https://keller.example/',
    ]);
    expect(text($(element, '[data-location]'))).to.contain('Address: Hauptstraße 1');

    const bookings = $$(element, '[data-bookings] > li');
    expect(bookings.map((item) => item.dataset.event)).to.deep.equal(['e-opening', 'e-workshop', 'e-hostile']);
    const format = { locale: 'en-GB', timeZone: FESTIVAL_ZONE };
    expect(text(bookings[0]!))
      .to.contain(formatTimeRange(atMs('2026-07-03T10:00'), atMs('2026-07-03T11:00'), format))
      .and.contain('Opening')
      .and.contain('Confirmed');
    expect(text(bookings[1]!)).to.contain('Already held at that time');
    expect(bookings[1]!.querySelector('[data-status]')!.getAttribute('data-status')).to.equal('denied');
    expect(text(bookings[2]!)).to.contain('<script>').and.contain('Waiting for confirmation');
    expect(shadow(element).querySelector('script, img')).to.equal(null);
    const slots = $$(element, '[data-free-slots] > li');
    expect(slots.map(text)).to.deep.equal([
      `${formatDate(atMs('2026-07-03T00:00'), format, 'medium')}, ${formatTimeRange(atMs('2026-07-03T00:00'), atMs('2026-07-03T10:00'), format)} room for 2 more`,
      `${formatTimeRange(atMs('2026-07-03T11:00'), atMs('2026-07-06T00:00'), format)} room for 1 more`,
    ]);
    await expectAccessible(element);
  });

  it('is read-only without the extension', async () => {
    const element = await resource({ source: answeringSource('peer', false) }, { 'help-url': 'https://pandakit.example/help' });
    expect($(element, '[data-request]')).to.equal(null);
    expect(text($(element, '[data-read-only]'))).to.contain('Read-only: install the Panda Kit extension to take part');
  });

  it('requests the resource through the built-in event form', async () => {
    const provider = festivalProvider();
    const element = await resource({ source: providerSource(provider, FESTIVAL_ID) });
    await until(() => $(element, '[data-request]'), 'the request button');
    const requests: unknown[] = [];
    element.addEventListener('panda-request', (event) => requests.push((event as CustomEvent).detail));
    $(element, '[data-request]')!.click();
    await settle(element);
    expect(requests).to.deep.equal([{ resourceId: KELLER.id }]);
    const form = await until(() => $(element, 'panda-event-form'), 'the form');
    await until(() => form.shadowRoot?.querySelector('input[value="r-keller"]'), 'the form’s resources');
    const inner = (selector: string) => form.shadowRoot!.querySelector<HTMLInputElement>(selector)!;
    expect(inner('input[value="r-keller"]').checked).to.equal(true);
    for (const [name, value] of Object.entries({ title: 'Rehearsal', start: '2026-07-04T15:00', end: '2026-07-04T16:00' })) {
      inner(`#${name}`).value = value;
      inner(`#${name}`).dispatchEvent(new Event('input'));
    }
    await settle(form);
    form.shadowRoot!.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
    await until(() => $(element, '[data-published]'), 'the confirmation');
    const publish = provider.calls.find((call) => call.method === 'panda_publish')!;
    expect(publish.params).to.deep.equal({
      type: 'event',
      action: 'create',
      fields: {
        festival: FESTIVAL_ID,
        title: 'Rehearsal',
        description: '',
        start: at('2026-07-04T15:00'),
        end: at('2026-07-04T16:00'),
        resources: ['r-keller'],
      },
    });
    expect($(element, 'panda-event-form')).to.equal(null);
    expect(text($(element, '[data-published]'))).to.equal('Event created: the resources’ owners have been asked');
  });

  it('leaves the request to the page when it cancels panda-request', async () => {
    const element = await resource({ source: answeringSource('extension', true) });
    element.addEventListener('panda-request', (event) => event.preventDefault());
    $(element, '[data-request]')!.click();
    await settle(element);
    expect($(element, 'panda-event-form')).to.equal(null);
  });

  it('shows a frab room and its events, without free times', async () => {
    const element = await resource({}, { src: '/test/browser/fixtures/frab-camp2019-trimmed.json', resource: 'Curie' });
    await until(() => $$(element, '[data-bookings] > li').length > 0, 'the room’s events');
    expect(text($(element, 'h2'))).to.equal('Curie');
    expect($$(element, '[data-bookings] > li')).to.have.length(6);
    expect($(element, '[data-free-slots]')).to.equal(null);
    expect($(element, '[data-request]')).to.equal(null);
    await expectAccessible(element);
  });

  it('says when the resource is not known yet', async () => {
    const source = answeringSource();
    source.answers.resource = null;
    const element = await resource({ source });
    expect(text($(element, '[data-unknown]'))).to.equal('This resource is not known here yet');
  });

  it('speaks German', async () => {
    const element = await resource({ source: answeringSource() }, { lang: 'de' });
    expect(text($(element, '[data-owner]'))).to.equal('Betreut von ab12…ef56');
    expect(text($(element, '[data-policy]'))).to.equal('Die Besitzerin bestätigt jede Anfrage');
    expect(text($$(element, '[data-bookings] > li')[1]!)).to.contain('Zu dieser Zeit schon vergeben');
    expect(text($(element, 'h3'))).to.equal('Buchungen');
    await expectAccessible(element);
  });
});
