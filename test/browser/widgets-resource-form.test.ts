/// <reference types="mocha" />
/**
 * <panda-resource-form> in Chromium, signing through a fake provider given as its `provider`
 * property (as the planner does): every validation rule shows its message next to the field
 * and signs nothing; the exact `panda_publish` parameters (geo URI, quorum members picked and
 * pasted, dependencies); the map link; a declined approval keeps the form filled in; editing;
 * German; axe.
 */
import { expect } from 'chai';
import type { PandaResourceForm } from '../../widgets/forms.js';
import { loadForms } from '../../widgets/index.js';
import {
  $,
  $$,
  expectAccessible,
  FESTIVAL_ID,
  festivalProvider,
  MEMBER_A,
  MEMBER_B,
  mount,
  OWNER,
  rpcError,
  settle,
  shadow,
  unmountAll,
  until,
} from './widgets-support.js';

type Provider = ReturnType<typeof festivalProvider>;

async function form(attributes: Record<string, string> = {}, provider: Provider = festivalProvider()) {
  await loadForms();
  const element = await mount('panda-resource-form', { provider }, { festival: FESTIVAL_ID, lang: 'en-GB', ...attributes });
  await until(() => $$(element, 'input[name="dependsOn"]').length > 0, 'the festival’s resources');
  await settle(element);
  return { element, provider };
}

async function fill(element: PandaResourceForm, values: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    const control = $<HTMLInputElement | HTMLTextAreaElement>(element, `#${name}`);
    if (!control) throw new Error(`no #${name}`);
    control.value = value;
    control.dispatchEvent(new Event('input'));
    await settle(element);
  }
}

const choose = async (element: PandaResourceForm, name: string, value: string) => {
  $<HTMLInputElement>(element, `input[name="${name}"][value="${value}"]`)!.click();
  await settle(element);
};
const submit = async (element: PandaResourceForm) => {
  $(element, 'button[type="submit"]')!.click();
  await settle(element);
  await settle(element);
};
const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const errorOf = (element: Element, name: string) => $(element, `[data-error="${name}"]`)!;
const publishes = (provider: Provider) => provider.calls.filter((call) => call.method === 'panda_publish');

/** Sets up the form with `prepare`, submits, and expects `field`'s message and code next to it, focus on `focus`, and nothing signed. */
async function expectRefused(prepare: (element: PandaResourceForm) => Promise<void>, field: string, message: string, code: string, focus: string) {
  const { element, provider } = await form();
  await fill(element, { title: 'Werkstatt' });
  await prepare(element);
  await submit(element);
  const error = errorOf(element, field);
  expect(error.hidden, `${field} shows a message`).to.equal(false);
  expect(text(error)).to.equal(message);
  expect(error.dataset.code).to.equal(code);
  expect(shadow(element).activeElement?.id, 'the first invalid field has the focus').to.equal(focus);
  expect(publishes(provider), 'nothing signed').to.deep.equal([]);
  unmountAll();
}

describe('<panda-resource-form>', () => {
  afterEach(unmountAll);

  it('registers a location with an address, a GPS position as a geo URI, capacity and dependencies', async () => {
    const { element, provider } = await form();
    expect($$(element, 'input[name="dependsOn"]').map((input) => (input as HTMLInputElement).value)).to.deep.equal([
      'r-beamer',
      'r-cable',
      'r-desk',
      'r-keller',
      'r-bus',
      'r-zelt',
    ]);
    const published: unknown[] = [];
    element.addEventListener('panda-resource-published', (event) => published.push((event as CustomEvent).detail));
    await fill(element, {
      title: ' Werkstatt ',
      description: 'Tools.',
      address: 'Hauptstraße 2\n10115 Berlin',
      latitude: '52,52',
      longitude: '13.405',
      capacity: '2',
    });
    const map = $<HTMLAnchorElement>(element, '[part="map-link"]')!;
    expect(map.href).to.equal('https://www.openstreetmap.org/?mlat=52.520000&mlon=13.405000#map=17/52.520000/13.405000');
    expect(map.dataset.geo).to.equal('geo:52.52,13.405');
    await choose(element, 'dependsOn', 'r-keller');
    await submit(element);
    await until(() => published.length > 0, 'the published resource');
    expect(publishes(provider).map((call) => call.params)).to.deep.equal([
      {
        type: 'resource',
        action: 'create',
        fields: {
          festival: FESTIVAL_ID,
          title: 'Werkstatt',
          description: 'Tools.',
          kind: 'location',
          position: 'geo:52.52,13.405',
          address: 'Hauptstraße 2\n10115 Berlin',
          url: '',
          coordinate: '',
          capacity: 2,
          policy: 'manual',
          quorum: 0,
          members: [],
          dependsOn: ['r-keller'],
        },
      },
    ]);
    expect(published).to.deep.equal([{ documentId: '0020' + 'dd'.repeat(32), operationId: '0020' + 'ee'.repeat(32), action: 'create' }]);
    expect(text($(element, '[data-message]'))).to.equal('Resource registered');
    expect($<HTMLInputElement>(element, '#title')!.value).to.equal('');
  });

  it('registers a skill with a quorum of members picked from profiles and pasted as keys', async () => {
    const { element, provider } = await form();
    await choose(element, 'kind', 'skill');
    await fill(element, { title: 'Sound engineering' });
    await choose(element, 'policy', 'quorum');
    expect($$(element, 'input[name="members"]').map((input) => text(input.closest('label')))).to.deep.equal([
      'Ada a1a1…a1a1',
      'Bruno b2b2…b2b2',
      'Klangkeller e.V. ab12…ef56',
    ]);
    await choose(element, 'members', MEMBER_A);
    await choose(element, 'members', MEMBER_B);
    const pasted = 'c3'.repeat(32);
    await fill(element, { memberKeys: `${pasted}\n${MEMBER_A}`, quorum: '2' });
    expect(text($(element, '[data-field="quorum"]'))).to.contain('of 3 members');
    await submit(element);
    await until(() => publishes(provider).length > 0, 'the publish');
    expect((publishes(provider)[0]!.params as { fields: Record<string, unknown> }).fields).to.deep.include({
      kind: 'skill',
      policy: 'quorum',
      quorum: 2,
      members: [MEMBER_A, MEMBER_B, pasted],
    });
  });

  it('takes another kind as one lower-case word', async () => {
    const { element, provider } = await form({ kind: 'vehicle' });
    expect($<HTMLInputElement>(element, 'input[name="kind"][value="other"]')!.checked).to.equal(true);
    expect($<HTMLInputElement>(element, '#otherKind')!.value).to.equal('vehicle');
    await fill(element, { title: 'Van' });
    await submit(element);
    await until(() => publishes(provider).length > 0, 'the publish');
    expect((publishes(provider)[0]!.params as { fields: Record<string, unknown> }).fields).to.deep.include({ kind: 'vehicle' });
  });

  it('asks for a title', () =>
    expectRefused(async (element) => fill(element, { title: '' }), 'title', 'Please give the resource a title', 'required', 'title'));
  it('asks for a kind in one word', () =>
    expectRefused(
      async (element) => (await choose(element, 'kind', 'other'), fill(element, { otherKind: 'Big Van' })),
      'kind',
      'One lower-case word, such as “vehicle”',
      'kind-word',
      'otherKind',
    ));
  it('asks for both halves of a position', () =>
    expectRefused(
      async (element) => fill(element, { latitude: '52.5' }),
      'longitude',
      'Please give both latitude and longitude',
      'geo-incomplete',
      'longitude',
    ));
  it('keeps latitudes on the globe', () =>
    expectRefused(
      async (element) => fill(element, { latitude: '91', longitude: '13' }),
      'latitude',
      'Latitude goes from -90 (south) to 90 (north)',
      'geo-outside',
      'latitude',
    ));
  it('keeps longitudes on the globe', () =>
    expectRefused(
      async (element) => fill(element, { latitude: '52', longitude: '-181' }),
      'longitude',
      'Longitude goes from -180 (west) to 180 (east)',
      'geo-outside',
      'longitude',
    ));
  it('takes numbers as coordinates', () =>
    expectRefused(async (element) => fill(element, { latitude: 'north', longitude: '13' }), 'latitude', 'Please give a number', 'number', 'latitude'));
  it('takes only http(s) URLs', () =>
    expectRefused(
      async (element) => fill(element, { url: 'ftp://files.example' }),
      'url',
      'Only http:// and https:// addresses are allowed',
      'url-not-http',
      'url',
    ));
  it('asks for all three axes of a 3D coordinate', () =>
    expectRefused(async (element) => fill(element, { x: '1', y: '2' }), 'coordinate', 'Please give all three: x, y and z', 'coordinate-incomplete', 'x'));
  it('asks for a capacity of at least 1', () =>
    expectRefused(async (element) => fill(element, { capacity: '0' }), 'capacity', 'Please give a whole number from 1 to 1000000', 'count-range', 'capacity'));
  it('asks for a whole-number capacity', () =>
    expectRefused(async (element) => fill(element, { capacity: '1.5' }), 'capacity', 'Please give a whole number from 1 to 1000000', 'number', 'capacity'));
  it('keeps the quorum at most the number of members', () =>
    expectRefused(
      async (element) => (await choose(element, 'policy', 'quorum'), await choose(element, 'members', MEMBER_A), fill(element, { quorum: '2' })),
      'quorum',
      'Between 1 and the number of members (1)',
      'quorum-range',
      'quorum',
    ));
  it('asks for members as public keys', () =>
    expectRefused(
      async (element) => (await choose(element, 'policy', 'quorum'), fill(element, { memberKeys: 'not-a-key', quorum: '1' })),
      'members',
      'Each line must be a public key: 64 characters 0–9 and a–f',
      'public-key',
      'memberKeys',
    ));

  it('depends only on the festival’s known resources', async () => {
    const { element, provider } = await form();
    await fill(element, { title: 'Werkstatt' });
    await choose(element, 'dependsOn', 'r-zelt');
    // The festival's resources change under the form: the Zelt is no longer known.
    provider.handlers.panda_query = ((original) => (params: unknown) => ((params as { query: string }).query === 'resources' ? [] : original(params)))(
      provider.handlers.panda_query!,
    );
    provider.emit('festivalChanged', {});
    await until(() => $$(element, 'input[name="dependsOn"]').length === 0, 'the new list');
    await submit(element);
    expect(errorOf(element, 'dependsOn').dataset.code).to.equal('resource-unknown');
    expect(text(errorOf(element, 'dependsOn'))).to.equal('This resource is not part of the festival');
    expect(publishes(provider)).to.deep.equal([]);
  });

  it('keeps everything filled in when the person declines', async () => {
    const { element, provider } = await form();
    provider.handlers.panda_publish = () => {
      throw rpcError(4001, 'The person did not approve this');
    };
    await fill(element, { title: 'Werkstatt', latitude: '52.5', longitude: '13.4' });
    await submit(element);
    await until(() => text($(element, '[data-message]')) === 'You declined the request in the extension', 'the 4001 message');
    expect($<HTMLInputElement>(element, '#title')!.value).to.equal('Werkstatt');
    expect($<HTMLInputElement>(element, '#latitude')!.value).to.equal('52.5');
  });

  it('edits a resource with an update named as the schema names its fields', async () => {
    const { element, provider } = await form({ resource: 'r-keller' });
    await until(() => $<HTMLInputElement>(element, '#title')!.value === 'Klangkeller', 'the resource’s values');
    expect(text($(element, 'h2'))).to.equal('Edit resource');
    expect($<HTMLInputElement>(element, '#latitude')!.value).to.equal('52.5');
    expect(
      $$(element, 'input[name="dependsOn"]').map((input) => (input as HTMLInputElement).value),
      'not itself',
    ).to.not.include('r-keller');
    await fill(element, { capacity: '3' });
    await submit(element);
    await until(() => publishes(provider).length > 0, 'the update');
    const params = publishes(provider)[0]!.params as { action: string; documentId: string; fields: Record<string, unknown> };
    expect(params).to.deep.include({ type: 'resource', action: 'update', documentId: 'r-keller' });
    expect(params.fields).to.deep.include({
      capacity: 3,
      position: 'geo:52.5,13.4',
      address: 'Hauptstraße 1',
      url: 'https://keller.example/',
      members: '',
      depends_on: '',
    });
    void OWNER;
  });

  it('is accessible, and speaks German', async () => {
    const { element } = await form({ lang: 'de' });
    await expectAccessible(element);
    expect(text($(element, 'label[for="title"]'))).to.equal('Titel');
    await submit(element);
    expect(text(errorOf(element, 'title'))).to.equal('Bitte gib der Ressource einen Titel');
    await choose(element, 'policy', 'quorum');
    await expectAccessible(element);
  });
});
