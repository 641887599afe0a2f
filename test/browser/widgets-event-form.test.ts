/// <reference types="mocha" />
/**
 * <panda-event-form> in Chromium, publishing through a fake extension provider: validation,
 * the exact `panda_publish` parameters (times in the festival's zone as Unix seconds),
 * editing, the person declining (4001) and other errors, read-only mode, German, axe.
 */
import { expect } from 'chai';
import type { PandaEventForm } from '../../widgets/event-form/panda-event-form.js';
import { fromInputValue, toInputValue } from '../../widgets/event-form/form-logic.js';
import { providerSource } from '../../widgets/lib/sources.js';
import {
  $,
  $$,
  announce,
  at,
  expectAccessible,
  FakeSource,
  FESTIVAL_ID,
  FESTIVAL_ZONE,
  festivalProvider,
  mount,
  rpcError,
  scheduleData,
  settle,
  shadow,
  unmountAll,
  until,
} from './widgets-support.js';

async function form(attributes: Record<string, string> = {}, provider = festivalProvider()) {
  const element = await mount('panda-event-form', { source: providerSource(provider, FESTIVAL_ID) }, { festival: FESTIVAL_ID, lang: 'en-GB', ...attributes });
  await until(() => $$(element, 'input[name="resources"]').length >= 6, 'the resources');
  await settle(element);
  return { element, provider };
}

function fill(element: PandaEventForm, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const field = $<HTMLInputElement>(element, `#${name}`)!;
    field.value = value;
    field.dispatchEvent(new Event('input'));
  }
}

const submit = async (element: PandaEventForm) => {
  $(element, 'button[type="submit"]')!.click();
  await settle(element);
  await settle(element);
};
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const errorOf = (element: Element, name: string) => $(element, `[data-error="${name}"]`)!;
const publishes = (provider: ReturnType<typeof festivalProvider>) => provider.calls.filter((call) => call.method === 'panda_publish');

describe('<panda-event-form>', () => {
  afterEach(unmountAll);

  it('reads datetime-local values as wall times of the festival’s zone', () => {
    expect(fromInputValue('2026-07-04T14:00', 'Asia/Tokyo')).to.equal(Date.parse('2026-07-04T05:00:00Z'));
    expect(toInputValue(Date.parse('2026-07-04T05:00:00Z'), 'Asia/Tokyo')).to.equal('2026-07-04T14:00');
    expect(fromInputValue('', 'Asia/Tokyo')).to.equal(undefined);
  });

  it('offers the festival’s resources to request', async () => {
    const { element } = await form();
    expect($$(element, '.resources label').map(text)).to.deep.equal([
      'Beamer (equipment)',
      'Cable (equipment)',
      'Desk (equipment)',
      'Klangkeller (location)',
      'Lastenrad (thing)',
      'Zelt (location)',
    ]);
    expect(text($(element, '#zone'))).to.match(/^Times in /);
  });

  it('offers every resource of a new festival, though no event requests one yet', async () => {
    const provider = festivalProvider();
    const answer = provider.handlers.panda_query!;
    provider.handlers.panda_query = (params) => ((params as { query: string }).query === 'schedule' ? [] : answer(params));
    const { element } = await form({}, provider);
    expect($$(element, '.resources label').map(text)).to.deep.equal([
      'Beamer (equipment)',
      'Cable (equipment)',
      'Desk (equipment)',
      'Klangkeller (location)',
      'Lastenrad (thing)',
      'Zelt (location)',
    ]);
    expect(text($(element, '.resources'))).to.not.contain('No resources known yet');
  });

  it('uses the provider property, not a provider found on the page, and says nobody was asked when nothing was requested', async () => {
    const provider = festivalProvider();
    const onPage = festivalProvider();
    const stop = announce(onPage);
    try {
      const element = await mount('panda-event-form', { provider }, { festival: FESTIVAL_ID, lang: 'en-GB' });
      await until(() => $$(element, 'input[name="resources"]').length === 6, 'the resources through the given provider');
      fill(element, { title: 'Jam', start: '2026-07-04T21:00', end: '2026-07-04T22:00' });
      await submit(element);
      await until(() => publishes(provider).length > 0, 'the publish');
      expect((publishes(provider)[0]!.params as { fields: { resources: string[] } }).fields.resources).to.deep.equal([]);
      await until(() => text($(element, '[data-message]')) === 'Event created', 'the message without requests');
      expect(text($(element, '[data-message]'))).to.not.contain('asked');
      expect(onPage.calls, 'the page’s provider is not used').to.deep.equal([]);
    } finally {
      stop();
    }
  });

  it('asks for a title and a start before an end, and publishes nothing until then', async () => {
    const { element, provider } = await form();
    await submit(element);
    expect(text(errorOf(element, 'title'))).to.equal('Please give the event a title');
    expect($(element, '#title')!.getAttribute('aria-invalid')).to.equal('true');
    expect(shadow(element).activeElement?.id, 'focus on the first invalid field').to.equal('title');
    expect(text(errorOf(element, 'start'))).to.equal('Please give a start and an end');
    await expectAccessible(element);
    fill(element, { title: 'Night of chaos', start: '2026-07-04T21:00', end: '2026-07-04T20:00' });
    await submit(element);
    expect(errorOf(element, 'title').hidden).to.equal(true);
    expect($(element, '#title')!.getAttribute('aria-invalid')).to.equal('false');
    expect(text(errorOf(element, 'end'))).to.equal('The end must be after the start');
    expect(shadow(element).activeElement?.id).to.equal('end');
    expect(publishes(provider)).to.deep.equal([]);
  });

  it('publishes a new event through the provider, times as Unix seconds', async () => {
    const { element, provider } = await form();
    const published: unknown[] = [];
    element.addEventListener('panda-event-published', (event) => published.push((event as CustomEvent).detail));
    fill(element, { title: '  Night of chaos ', description: 'Loud.\nVery loud.', start: '2026-07-04T21:00', end: '2026-07-04T23:30' });
    $<HTMLInputElement>(element, 'input[value="r-keller"]')!.click();
    $<HTMLInputElement>(element, 'input[value="r-beamer"]')!.click();
    await submit(element);
    await until(() => published.length > 0, 'the published event');
    expect(publishes(provider)).to.deep.equal([
      {
        method: 'panda_publish',
        params: {
          type: 'event',
          action: 'create',
          fields: {
            festival: FESTIVAL_ID,
            title: 'Night of chaos',
            description: 'Loud.\nVery loud.',
            start: at('2026-07-04T21:00'),
            end: at('2026-07-04T23:30'),
            resources: ['r-keller', 'r-beamer'],
          },
        },
      },
    ]);
    expect(FESTIVAL_ZONE).to.not.equal('UTC');
    expect(published).to.deep.equal([{ documentId: '0020' + 'dd'.repeat(32), operationId: '0020' + 'ee'.repeat(32) }]);
    expect(text($(element, '[data-message]'))).to.equal('Event created: the resources’ owners have been asked');
    expect($(element, '[data-message]')!.getAttribute('role')).to.equal('status');
    expect($<HTMLInputElement>(element, '#title')!.value, 'cleared for the next one').to.equal('');
  });

  it('takes a declined request calmly, and shows other errors', async () => {
    const { element, provider } = await form();
    provider.handlers.panda_publish = () => {
      throw rpcError(4001, 'The person did not approve this');
    };
    fill(element, { title: 'Jam', start: '2026-07-04T21:00', end: '2026-07-04T22:00' });
    await submit(element);
    await until(() => text($(element, '[data-message]')) === 'You declined the request in the extension', 'the 4001 message');
    expect($(element, '[data-message]')!.getAttribute('role')).to.equal('status');
    expect($<HTMLInputElement>(element, '#title')!.value, 'kept to try again').to.equal('Jam');
    provider.handlers.panda_publish = () => {
      throw rpcError(-32602, 'start is a whole number');
    };
    await submit(element);
    await until(() => $(element, '[data-message][role="alert"]'), 'the error');
    expect(text($(element, '[data-message]'))).to.equal('Something went wrong: start is a whole number');
  });

  it('edits an existing event with an update', async () => {
    const { element, provider } = await form({ event: 'e-opening' });
    await until(() => $<HTMLInputElement>(element, '#title')!.value === 'Opening', 'the event’s values');
    expect(text($(element, 'h2'))).to.equal('Edit event');
    expect($<HTMLInputElement>(element, '#start')!.value).to.equal('2026-07-03T10:00');
    expect($<HTMLInputElement>(element, '#end')!.value).to.equal('2026-07-03T11:00');
    expect($<HTMLInputElement>(element, 'input[value="r-keller"]')!.checked).to.equal(true);
    fill(element, { title: 'Opening night' });
    await submit(element);
    await until(() => publishes(provider).length > 0, 'the update');
    expect(publishes(provider)[0]!.params).to.deep.equal({
      type: 'event',
      action: 'update',
      documentId: 'e-opening',
      fields: {
        title: 'Opening night',
        description: 'Welcome!\nSecond line',
        start: at('2026-07-03T10:00'),
        end: at('2026-07-03T11:00'),
        resources: ['r-keller'],
      },
    });
    await until(() => text($(element, '[data-message]')) === 'Saved', 'saved');
  });

  it('starts with the resources it is given checked', async () => {
    const { element } = await form({ resources: 'r-zelt r-beamer' });
    expect($$<HTMLInputElement>(element, 'input[name="resources"]:checked').map((input) => input.value)).to.have.members(['r-zelt', 'r-beamer']);
  });

  it('is disabled, and says why, without the extension', async () => {
    const element = await mount('panda-event-form', { source: new FakeSource(scheduleData(), 'peer', false) }, { festival: FESTIVAL_ID, lang: 'en-GB' });
    await until(() => $(element, '[data-read-only]'), 'the notice');
    expect(text($(element, '[data-read-only]'))).to.contain('Creating events needs the Panda Kit extension, connected to this site');
    expect($<HTMLFieldSetElement>(element, 'fieldset.fields')!.disabled).to.equal(true);
    await expectAccessible(element);
  });

  it('speaks German', async () => {
    const { element } = await form({ lang: 'de' });
    expect(text($(element, 'label[for="title"]'))).to.equal('Titel');
    expect(text($(element, 'label[for="start"]'))).to.equal('Beginn');
    await submit(element);
    expect(text(errorOf(element, 'title'))).to.equal('Bitte gib der Veranstaltung einen Titel');
    await expectAccessible(element);
  });
});
