/// <reference types="mocha" />
/**
 * <panda-festival-form> in Chromium, signing through a fake provider given as its `provider`
 * property (as the planner does): every validation rule shows its message next to the field
 * and signs nothing; the exact `panda_publish` parameters (times in the festival's zone as
 * Unix seconds); a declined or failed approval keeps the form filled in; editing; the
 * read-only notice; German; axe.
 */
import { expect } from 'chai';
import type { PandaFestivalForm } from '../../widgets/forms.js';
import { loadForms } from '../../widgets/index.js';
import {
  $,
  $$,
  at,
  expectAccessible,
  FESTIVAL_ID,
  FESTIVAL_ZONE,
  festivalProvider,
  mount,
  rpcError,
  settle,
  shadow,
  unmountAll,
  until,
} from './widgets-support.js';

type Provider = ReturnType<typeof festivalProvider>;

async function form(attributes: Record<string, string> = {}, provider: Provider | null = festivalProvider()) {
  await loadForms();
  const element = await mount('panda-festival-form', { provider }, { lang: 'en-GB', ...attributes });
  if (provider?.connected) await until(() => provider.calls.some((call) => call.method === 'panda_query'), 'the festivals known to the extension');
  await settle(element);
  return { element, provider: provider! };
}

function fill(element: PandaFestivalForm, values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const control = $<HTMLInputElement | HTMLSelectElement>(element, `#${name}`)!;
    control.value = value;
    control.dispatchEvent(new Event(control instanceof HTMLSelectElement ? 'change' : 'input'));
  }
}

const submit = async (element: PandaFestivalForm) => {
  $(element, 'button[type="submit"]')!.click();
  await settle(element);
  await settle(element);
};
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const errorOf = (element: Element, name: string) => $(element, `[data-error="${name}"]`)!;
const publishes = (provider: Provider) => provider.calls.filter((call) => call.method === 'panda_publish');
/** A valid festival inside the parent (Hoffnung 3000: 3 to 6 July 2026, FESTIVAL_ZONE). */
const VALID = { name: 'Kids’ corner', timezone: FESTIVAL_ZONE, start: '2026-07-04T10:00', end: '2026-07-04T18:00' };

/** Fills `values` over a valid festival, submits, and expects `field`'s message (and code) and no publish. */
async function expectRefused(values: Record<string, string>, field: string, message: string | RegExp, code: string) {
  const { element, provider } = await form();
  fill(element, { ...VALID, ...values });
  await submit(element);
  const error = errorOf(element, field);
  expect(error.hidden, `${field} shows a message`).to.equal(false);
  if (typeof message === 'string') expect(text(error)).to.equal(message);
  else expect(text(error)).to.match(message);
  expect(error.dataset.code).to.equal(code);
  expect($(element, `#${field}`)!.getAttribute('aria-invalid')).to.equal('true');
  expect($(element, `#${field}`)!.getAttribute('aria-describedby')).to.contain(`${field}-error`);
  expect(shadow(element).activeElement?.id, 'the first invalid field has the focus').to.equal(field);
  expect(publishes(provider), 'nothing signed').to.deep.equal([]);
  unmountAll();
}

describe('<panda-festival-form>', () => {
  afterEach(unmountAll);

  it('starts in the browser’s time zone, lists the known festivals as parents, and signs through the provider property', async () => {
    const { element, provider } = await form();
    await until(() => $$(element, '#parent option').length > 1, 'the festivals to pick as parent');
    expect($<HTMLSelectElement>(element, '#timezone')!.value).to.equal(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect($$<HTMLOptionElement>(element, '#timezone option').length).to.be.greaterThan(300);
    expect($$<HTMLOptionElement>(element, '#parent option').map((option) => text(option))).to.deep.equal(['None (a festival of its own)', 'Hoffnung 3000']);
    expect(provider.methods()).to.include.members(['panda_getPublicKey', 'panda_festivals', 'panda_query']);
    await expectAccessible(element);
  });

  it('publishes a new sub-festival: times read in the chosen zone, as Unix seconds', async () => {
    const { element, provider } = await form({ parent: FESTIVAL_ID });
    expect(text($(element, 'h2'))).to.equal('New sub-festival');
    await until(() => $<HTMLSelectElement>(element, '#timezone')!.value === FESTIVAL_ZONE, 'the parent’s time zone');
    const published: unknown[] = [];
    element.addEventListener('panda-festival-published', (event) => published.push((event as CustomEvent).detail));
    fill(element, { ...VALID, description: 'For small people', url: 'https://kids.example/', image: 'https://kids.example/logo.png' });
    await submit(element);
    await until(() => published.length > 0, 'the published festival');
    expect(publishes(provider).map((call) => call.params)).to.deep.equal([
      {
        type: 'festival',
        action: 'create',
        fields: {
          name: 'Kids’ corner',
          description: 'For small people',
          start: at('2026-07-04T10:00'),
          end: at('2026-07-04T18:00'),
          timezone: FESTIVAL_ZONE,
          parent: FESTIVAL_ID,
          image: 'https://kids.example/logo.png',
          url: 'https://kids.example/',
        },
      },
    ]);
    expect(published).to.deep.equal([{ documentId: '0020' + 'dd'.repeat(32), operationId: '0020' + 'ee'.repeat(32), action: 'create' }]);
    expect(text($(element, '[data-message]'))).to.equal('Festival created');
    expect($<HTMLInputElement>(element, '#name')!.value, 'cleared for the next one').to.equal('');
    expect($<HTMLSelectElement>(element, '#parent')!.value, 'the parent stays').to.equal(FESTIVAL_ID);
  });

  it('asks for a name', () => expectRefused({ name: '  ' }, 'name', 'Please give the festival a name', 'required'));
  it('asks for a start', () => expectRefused({ start: '' }, 'start', 'Please give a date and time', 'required'));
  it('asks for an end after the start', () => expectRefused({ end: '2026-07-04T09:00' }, 'end', 'The end must be after the start', 'end-not-after-start'));
  it('keeps a sub-festival within its parent', () =>
    expectRefused(
      { parent: FESTIVAL_ID, end: '2026-07-07T12:00' },
      'end',
      /^Must lie within the festival it is part of \(2026-07-03 00:00 – 2026-07-06 00:00\)$/,
      'outside-parent',
    ));
  it('keeps a sub-festival from starting before its parent', () =>
    expectRefused({ parent: FESTIVAL_ID, start: '2026-07-01T12:00' }, 'start', /^Must lie within/, 'outside-parent'));
  it('takes only http(s) website addresses', () =>
    expectRefused({ url: 'javascript:alert(1)' }, 'url', 'Only http:// and https:// addresses are allowed', 'url-not-http'));
  it('takes only web addresses for the image', () =>
    expectRefused({ image: 'logo.png' }, 'image', 'This is not a web address (it starts with https://)', 'url-invalid'));
  it('takes only years the model accepts', () => expectRefused({ end: '10000-01-01T00:00' }, 'end', 'Please give a date between 1970 and 9999', 'time-range'));

  it('keeps everything filled in when the person declines, and when signing fails', async () => {
    const { element, provider } = await form();
    provider.handlers.panda_publish = () => {
      throw rpcError(4001, 'The person did not approve this');
    };
    fill(element, { ...VALID, description: 'Kept' });
    await submit(element);
    await until(() => text($(element, '[data-message]')) === 'You declined the request in the extension', 'the 4001 message');
    expect($(element, '[data-message]')!.getAttribute('role')).to.equal('status');
    expect($<HTMLInputElement>(element, '#name')!.value).to.equal(VALID.name);
    expect($<HTMLTextAreaElement>(element, '#description')!.value).to.equal('Kept');
    expect($<HTMLInputElement>(element, '#start')!.value).to.equal(VALID.start);
    provider.handlers.panda_publish = () => {
      throw rpcError(-32602, 'The extension is busy');
    };
    await submit(element);
    await until(() => $(element, '[data-message][role="alert"]'), 'the error');
    expect(text($(element, '[data-message]'))).to.equal('Something went wrong: The extension is busy');
    expect($<HTMLInputElement>(element, '#end')!.value).to.equal(VALID.end);
    expect($<HTMLFieldSetElement>(element, 'fieldset.fields')!.disabled, 'usable again').to.equal(false);
  });

  it('edits a festival with an update of its fields', async () => {
    const { element, provider } = await form({ festival: FESTIVAL_ID });
    await until(() => $<HTMLInputElement>(element, '#name')!.value === 'Hoffnung 3000', 'the festival’s values');
    expect(text($(element, 'h2'))).to.equal('Edit festival');
    expect($<HTMLInputElement>(element, '#start')!.value).to.equal('2026-07-03T00:00');
    expect(
      $$<HTMLOptionElement>(element, '#parent option').map((option) => option.value),
      'not its own parent',
    ).to.deep.equal(['']);
    fill(element, { name: 'Hoffnung 3001' });
    await submit(element);
    await until(() => publishes(provider).length > 0, 'the update');
    expect(publishes(provider)[0]!.params).to.deep.include({ type: 'festival', action: 'update', documentId: FESTIVAL_ID });
    expect((publishes(provider)[0]!.params as { fields: Record<string, unknown> }).fields).to.deep.include({
      name: 'Hoffnung 3001',
      start: at('2026-07-03T00:00'),
      end: at('2026-07-06T00:00'),
    });
    await until(() => text($(element, '[data-message]')) === 'Saved', 'saved');
  });

  it('works with a provider that answers only panda_getPublicKey, panda_query and panda_publish (the planner’s adapter), parents from the festivals property', async () => {
    const provider = festivalProvider();
    delete provider.handlers.panda_festivals;
    const { element } = await form({ festival: FESTIVAL_ID }, provider);
    await until(() => $<HTMLInputElement>(element, '#name')!.value === 'Hoffnung 3000', 'the edited festival, by panda_query');
    unmountAll();
    await loadForms();
    const other = { id: '0020' + 'cc'.repeat(32), name: 'Winter camp', start: at('2026-12-01T00:00'), end: at('2026-12-04T00:00'), timezone: FESTIVAL_ZONE };
    const created = await mount('panda-festival-form', { provider, festivals: [other] }, { lang: 'en-GB' });
    await until(() => $$(created, '#parent option').length === 2, 'the parents given');
    expect($$<HTMLOptionElement>(created, '#parent option').map((option) => text(option))).to.deep.equal(['None (a festival of its own)', 'Winter camp']);
    fill(created, { ...VALID, parent: other.id });
    await submit(created);
    expect(errorOf(created, 'start').dataset.code, 'bounded by the given parent').to.equal('outside-parent');
    expect(publishes(provider)).to.deep.equal([]);
  });

  it('is disabled, and says why, while the site is not connected', async () => {
    const { element } = await form({}, festivalProvider(false));
    await until(() => $(element, '[data-read-only]'), 'the notice');
    expect(text($(element, '[data-read-only]'))).to.contain('Creating festivals needs the Panda Kit extension, connected to this site');
    expect($<HTMLFieldSetElement>(element, 'fieldset.fields')!.disabled).to.equal(true);
    await expectAccessible(element);
  });

  it('speaks German', async () => {
    const { element, provider } = await form({ lang: 'de' });
    expect(text($(element, 'label[for="name"]'))).to.equal('Name');
    expect(text($(element, 'label[for="timezone"]'))).to.equal('Zeitzone');
    await submit(element);
    expect(text(errorOf(element, 'name'))).to.equal('Bitte gib dem Festival einen Namen');
    expect(publishes(provider)).to.deep.equal([]);
    await expectAccessible(element);
  });
});
