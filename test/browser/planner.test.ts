/// <reference types="mocha" />
/**
 * The planner page's pieces in a Chromium page, against a fake PlannerClient that records
 * every request and answers with canned state: the tabs, festivals with their health in words,
 * the signaling rules (nothing is sent for an http address), profile validation (nothing is
 * signed), answering requests with a note, the share tab's snippet, CSP lines and join link,
 * the join question, importing a schedule file (read in the page, its outcome in words), and
 * the PandaProvider adapter the embedded widgets publish through.
 */
import { expect } from 'chai';
import { definePlannerElements } from '../../extension/planner/define.js';
import { plannerProvider } from '../../extension/planner/lib/planner-provider.js';
import { PandaPlanner } from '../../extension/planner/panda-planner/panda-planner.js';
import {
  MAX_PLANNER_SCHEDULE_BYTES,
  type PlannerClient,
  type PlannerFestival,
  type PlannerImportResult,
  type PlannerMethod,
  type PlannerMethods,
  type PlannerState,
} from '../../extension/shared/planner-protocol.js';
import type { PopupMethod, PopupMethods } from '../../extension/shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError } from '../../extension/shared/protocol.js';
import { alerts, deepQuery, deepQueryAll, deepText, fill, waitFor } from './ui-support.js';

definePlannerElements();

type Methods = PlannerMethods & PopupMethods;
type Method = PlannerMethod | PopupMethod;

const ANA = 'a1'.repeat(32);
const BEA = 'b2'.repeat(32);
const FEST = '0020' + 'f0'.repeat(32);
const KIDS = '0020' + 'f1'.repeat(32);
const VENUE = '0020' + 'e0'.repeat(32);
const EVENT = '0020' + 'd0'.repeat(32);
const T0 = Math.floor(Date.UTC(2027, 5, 4, 13) / 1000);

function festival(overrides: Partial<PlannerFestival> = {}): PlannerFestival {
  return {
    id: FEST,
    name: 'Test Fest',
    peers: 2,
    missing: 3,
    entries: 40,
    lastActive: Date.now() - 5 * 60_000,
    description: '',
    start: T0,
    end: T0 + 3 * 86_400,
    timezone: 'Europe/Lisbon',
    owner: ANA,
    mine: true,
    joined: true,
    signaling: ['wss://signal.example'],
    resources: [
      {
        id: VENUE,
        festival: FEST,
        title: 'Main hall',
        description: '',
        kind: 'location',
        owner: ANA,
        mine: true,
        capacity: 1,
        policy: 'manual',
        rule: 'Ana decides each request',
        quorum: 0,
        members: [],
        dependsOn: [],
        location: { address: 'Rua da Alegria 12, Lisboa', geo: 'geo:38.716,-9.142', position: { latitude: 38.716, longitude: -9.142 } },
      },
    ],
    events: [
      {
        id: EVENT,
        festival: FEST,
        title: 'Opening concert',
        description: '',
        start: T0 + 6 * 3600,
        end: T0 + 8 * 3600,
        when: 'Fri 20:00-22:00',
        owner: BEA,
        mine: false,
        requests: [{ resourceId: VENUE, resourceTitle: 'Main hall', state: 'pending', words: 'waiting for Ana to decide' }],
      },
    ],
    ...overrides,
  };
}

function plannerState(): PlannerState {
  return {
    locked: false,
    me: { identityId: 'ana', name: 'Ana’s laptop', publicKey: ANA },
    profile: { id: '0020' + 'c0'.repeat(32), name: 'Ana', description: '', avatar: '' },
    defaultSignaling: ['wss://signal.example'],
    festivals: [festival(), festival({ id: KIDS, name: 'Kids corner', parent: FEST, resources: [], events: [], lastActive: null, missing: 0 })],
    names: { [BEA]: 'Bea' },
    pending: [
      {
        resourceId: VENUE,
        resourceTitle: 'Main hall',
        eventId: EVENT,
        eventTitle: 'Opening concert',
        festivalName: 'Test Fest',
        when: 'Fri 20:00-22:00',
        requestedBy: BEA,
        role: 'owner',
        rule: 'Ana decides each request',
      },
    ],
  };
}

class FakeClient implements PlannerClient {
  readonly calls: Array<{ method: Method; params: unknown }> = [];
  readonly handlers: Partial<Record<Method, (params: unknown) => unknown>> = {};
  readonly listeners = new Set<() => void>();

  constructor(public state: PlannerState) {}

  async request<M extends Method>(method: M, params?: Methods[M]['params']): Promise<Methods[M]['result']> {
    this.calls.push({ method, params });
    const handler = this.handlers[method];
    if (handler) return await handler(params);
    return method === 'planner_state' ? structuredClone(this.state) : true;
  }

  onChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  callsOf(method: Method): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.params);
  }
}

const mounted: HTMLElement[] = [];

async function mount(state = plannerState(), setup: (planner: PandaPlanner) => void = () => {}): Promise<{ planner: PandaPlanner; client: FakeClient }> {
  const client = new FakeClient(state);
  const planner = document.createElement('panda-planner');
  setup(planner);
  planner.client = client;
  document.body.append(planner);
  mounted.push(planner);
  await waitFor(() => deepQueryAll(planner, '[data-tab]').length > 0, 'the tabs');
  return { planner, client };
}

async function openTab(planner: PandaPlanner, tab: string): Promise<void> {
  deepQuery(planner, `[data-tab="${tab}"]`).click();
  await planner.updateComplete;
  await waitFor(() => deepQueryAll(planner, `panda-planner-${tab}`).length > 0, `the ${tab} tab`);
  await deepQuery<PandaPlanner>(planner, `panda-planner-${tab}`).updateComplete;
}

afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
});

describe('<panda-planner>', () => {
  it('shows the festivals with peers, entries, missing entries and last activity in words; the first is chosen', async () => {
    const { planner } = await mount();
    const items = deepQueryAll(planner, 'li[data-festival]');
    expect(items.map((item) => item.dataset.name)).to.deep.equal(['Test Fest', 'Kids corner']);
    const health = deepQuery(items[0]!, '[data-health]').textContent.replace(/\s+/g, ' ').trim();
    expect(health).to.equal('2 peers connected · 40 entries here · 3 missing · last active 5 minutes ago');
    expect(deepText(items[1]!)).to.include('Part of Test Fest').and.include('no activity seen yet');
    expect(deepQuery<HTMLSelectElement>(planner, '[data-festival-choice]').value).to.equal(FEST);
    expect(deepText(deepQuery(planner, '[data-tab="requests"]'))).to.include('1');
    expect(deepQuery(planner, '[data-me]').textContent).to.include('Ana');
  });

  it('refuses signaling servers that are not ws:// or wss:// before asking the background', async () => {
    const { planner, client } = await mount();
    const form = deepQuery<HTMLFormElement>(planner, 'form[data-default-signaling]');
    fill(form, { signaling: 'wss://ok.example\nhttps://not-a-signaling.example' });
    form.requestSubmit();
    await waitFor(() => alerts(planner).length > 0, 'the error');
    expect(alerts(planner)[0]).to.include('https://not-a-signaling.example').and.include('ws://');
    expect(client.callsOf('planner_setDefaultSignaling')).to.deep.equal([]);
    fill(form, { signaling: 'wss://ok.example   ws://127.0.0.1:4444' });
    form.requestSubmit();
    await waitFor(() => client.callsOf('planner_setDefaultSignaling').length === 1, 'the request');
    expect(client.callsOf('planner_setDefaultSignaling')).to.deep.equal([{ signaling: ['wss://ok.example', 'ws://127.0.0.1:4444'] }]);
  });

  it('leaves a festival and deletes one after the person confirms; a failure is shown in words', async () => {
    const { planner, client } = await mount();
    const first = deepQueryAll(planner, 'li[data-festival]')[0]!;
    deepQuery(first, '[data-leave]').click();
    await waitFor(() => client.callsOf('planner_leave').length === 1, 'leave');
    expect(client.callsOf('planner_leave')).to.deep.equal([{ festivalId: FEST }]);
    const confirmed = window.confirm;
    try {
      window.confirm = () => false;
      deepQuery(deepQueryAll(planner, 'li[data-festival]')[0]!, '[data-delete-festival]').click();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(client.callsOf('planner_publish')).to.deep.equal([]);
      window.confirm = () => true;
      client.handlers.planner_publish = () => {
        throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, 'Document is not known here');
      };
      deepQuery(deepQueryAll(planner, 'li[data-festival]')[0]!, '[data-delete-festival]').click();
      await waitFor(() => alerts(planner).length > 0, 'the error');
      expect(client.callsOf('planner_publish')).to.deep.equal([{ type: 'festival', action: 'delete', documentId: FEST }]);
      expect(alerts(planner)[0]).to.equal('Document is not known here');
    } finally {
      window.confirm = confirmed;
    }
  });

  it('opens the festival form for a sub-festival with the parent preset and the planner’s provider', async () => {
    const { planner } = await mount();
    deepQuery(deepQueryAll(planner, 'li[data-festival]')[0]!, '[data-new-sub-festival]').click();
    await waitFor(() => deepQueryAll(planner, 'panda-festival-form').length === 1, 'the form');
    const form = deepQuery<HTMLElement & { provider?: unknown }>(planner, 'panda-festival-form');
    expect(form.getAttribute('parent')).to.equal(FEST);
    expect(form.provider).to.be.an('object');
  });

  it('resources: kind, place with a map link, policy in words, owner by name', async () => {
    const { planner } = await mount();
    await openTab(planner, 'resources');
    const item = deepQuery(planner, 'li[data-resource]');
    const text = deepText(item);
    expect(text)
      .to.include('Main hall')
      .and.include('Rua da Alegria 12, Lisboa')
      .and.include('Ana decides each request')
      .and.include('Looked after by Ana (you)');
    expect(deepQuery<HTMLAnchorElement>(item, 'a').href).to.equal('https://www.openstreetmap.org/?mlat=38.716000&mlon=-9.142000#map=17/38.716000/-9.142000');
  });

  it('events: each request’s status in words, owners by their profile names; the event form publishes through the planner', async () => {
    const { planner } = await mount();
    await openTab(planner, 'events');
    const item = deepQuery(planner, 'li[data-event]');
    expect(deepText(item)).to.include('By Bea').and.include('Main hall : waiting for Ana to decide');
    const form = deepQuery<HTMLElement & { provider?: unknown }>(planner, 'panda-event-form');
    expect(form.getAttribute('festival')).to.equal(FEST);
    expect(form.provider).to.be.an('object');
  });

  it('events: a schedule file is read in the page and imported into the person’s festival; the planner says what it did and names the talks skipped', async () => {
    const { planner, client } = await mount();
    const result: PlannerImportResult = {
      words: '79 events added, 2 rooms added; 1 talk skipped',
      events: { added: 79, moved: 0, updated: 0, removed: 0 },
      rooms: { added: 2, updated: 0, removed: 0 },
      skipped: [{ talk: '"Lightning talks" (guid 1b2c)', reason: 'ends when it starts (an event needs a length)' }],
      notes: [],
    };
    client.handlers.planner_importSchedule = () => result;
    await openTab(planner, 'events');
    const form = deepQuery<HTMLFormElement>(planner, 'form[data-import-schedule]');
    const choose = (file: File) => {
      const files = new DataTransfer();
      files.items.add(file);
      deepQuery<HTMLInputElement>(form, 'input[type="file"]').files = files.files;
    };
    const text = '{"schedule": {"version": "1"}}';
    choose(new File([text], 'camp2019.json', { type: 'application/json' }));
    form.requestSubmit();
    await waitFor(() => deepQueryAll(planner, '[data-import] [role="status"]').length === 1, 'the words');
    expect(client.callsOf('planner_importSchedule')).to.deep.equal([{ festivalId: FEST, text, name: 'camp2019.json' }]);
    expect(deepQuery(planner, '[data-import] [role="status"]').textContent).to.equal('Imported camp2019.json: 79 events added, 2 rooms added; 1 talk skipped.');
    expect(deepText(deepQuery(planner, '[data-import-skipped]')))
      .to.include('"Lightning talks" (guid 1b2c)')
      .and.include('ends when it starts');

    // Too large: refused before it is read or sent.
    choose(new File([new Uint8Array(MAX_PLANNER_SCHEDULE_BYTES + 1)], 'huge.json'));
    form.requestSubmit();
    await waitFor(() => alerts(planner).length === 1, 'the error');
    expect(alerts(planner)[0]).to.equal('huge.json is larger than 5 MB; a festival’s schedule is far smaller.');
    expect(client.callsOf('planner_importSchedule')).to.have.length(1);
    expect(deepQueryAll(planner, '[data-import-skipped]')).to.have.length(0);

    // The background's refusal, in its words.
    client.handlers.planner_importSchedule = () => {
      throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, 'flyer.pdf is neither JSON nor XML (a c3voc/frab schedule is one of them)', {
        code: 'SCHEDULE_FORMAT_UNKNOWN',
      });
    };
    choose(new File(['%PDF-1.7'], 'flyer.pdf'));
    form.requestSubmit();
    await waitFor(() => alerts(planner)[0]?.startsWith('flyer.pdf') === true, 'the refusal');
    expect(alerts(planner)[0]).to.equal('flyer.pdf is neither JSON nor XML (a c3voc/frab schedule is one of them)');
  });

  it('events: no import in a festival someone else owns', async () => {
    const state = plannerState();
    state.festivals = [festival({ owner: BEA, mine: false })];
    const { planner } = await mount(state);
    await openTab(planner, 'events');
    expect(deepQueryAll(planner, 'panda-event-form')).to.have.length(1);
    expect(deepQueryAll(planner, '[data-import]')).to.have.length(0);
  });

  it('requests: confirm with a note signs the decision at once (popup_authorize)', async () => {
    const { planner, client } = await mount();
    await openTab(planner, 'requests');
    const item = deepQuery(planner, 'li[data-pending-request]');
    expect(deepText(item)).to.include('Opening concert asks for Main hall').and.include('Asked by Bea');
    deepQuery<HTMLInputElement>(item, 'input[name="note"]').value = ' See you at the soundcheck ';
    deepQuery(item, '[data-decide="confirm"]').click();
    await waitFor(() => client.callsOf('popup_authorize').length === 1, 'the decision');
    expect(client.callsOf('popup_authorize')).to.deep.equal([{ resourceId: VENUE, eventId: EVENT, decision: 'confirm', note: 'See you at the soundcheck' }]);
  });

  it('profile: a missing name or a non-http avatar is shown at the field and nothing is signed; an edit updates the profile', async () => {
    const state = plannerState();
    state.profile = null;
    const { planner, client } = await mount(state);
    await openTab(planner, 'profile');
    const form = deepQuery<HTMLFormElement>(planner, 'form[data-profile]');
    fill(form, { name: '  ', avatar: 'javascript:alert(1)' });
    form.requestSubmit();
    await waitFor(() => alerts(planner).length === 2, 'both errors');
    expect(alerts(planner)).to.deep.equal(['Give a name: others see it instead of your key.', 'The avatar is an http:// or https:// address.']);
    expect(client.callsOf('planner_publish')).to.deep.equal([]);
    fill(form, { name: 'Ana', description: 'Organiser', avatar: 'https://example.org/ana.png' });
    form.requestSubmit();
    await waitFor(() => client.callsOf('planner_publish').length === 1, 'the publish');
    expect(client.callsOf('planner_publish')).to.deep.equal([
      { type: 'profile', fields: { name: 'Ana', description: 'Organiser', avatar: 'https://example.org/ana.png' } },
    ]);
  });

  it('share: the snippet with festival, servers and resources; CSP lines; a join link for the organiser’s page; copying', async () => {
    const { planner } = await mount();
    await openTab(planner, 'share');
    const snippet = deepQuery<HTMLTextAreaElement>(planner, '[data-snippet]').value;
    expect(snippet).to.include(`<panda-schedule festival="${FEST}" signaling="wss://signal.example"></panda-schedule>`);
    expect(snippet).to.include(`<panda-resource resource="${VENUE}"`);
    expect(deepQuery(planner, '[data-csp]').textContent).to.equal("script-src 'self' 'wasm-unsafe-eval';\nconnect-src 'self' wss://signal.example");
    expect(deepQueryAll(planner, '[data-join-link]')).to.have.length(0);
    const page = deepQuery<HTMLInputElement>(planner, '[data-page-url]');
    page.value = 'https://fest.example/';
    page.dispatchEvent(new Event('input'));
    await waitFor(() => deepQueryAll(planner, '[data-join-link]').length === 1, 'the link');
    expect(deepQuery(planner, '[data-join-link]').textContent).to.equal(`https://fest.example/#panda-join=${FEST}&signaling=wss%3A%2F%2Fsignal.example`);
    const copied: string[] = [];
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (text: string) => void copied.push(text) } });
    try {
      deepQuery(planner, '[data-copy="snippet"]').click();
      await waitFor(() => copied.length === 1, 'the copy');
      expect(copied[0]).to.equal(snippet);
    } finally {
      delete (navigator as { clipboard?: unknown }).clipboard;
      if (original) Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
    expect(deepQueryAll(planner, '[data-preview] panda-schedule')).to.have.length(1);
  });

  it('a join link asks first, naming the page and the servers; taking part joins with them and names the page to grant', async () => {
    const state = plannerState();
    const unknown = '0020' + '99'.repeat(32);
    const { planner, client } = await mount(state, (element) => {
      element.joinOffer = PandaPlanner.offerFrom(`#join=${unknown}&signaling=wss%3A%2F%2Fother.example&from=https%3A%2F%2Ffest.example`);
    });
    const offer = deepQuery(planner, '[data-join-offer]');
    expect(deepText(offer))
      .to.include('Take part in a festival Panda Kit does not know yet')
      .and.include('https://fest.example')
      .and.include('wss://other.example');
    expect(client.callsOf('planner_join')).to.deep.equal([]);
    deepQuery(offer, '[data-join-accept]').click();
    await waitFor(() => client.callsOf('planner_join').length === 1, 'the join');
    expect(client.callsOf('planner_join')).to.deep.equal([{ festivalId: unknown, signaling: ['wss://other.example'], site: 'https://fest.example' }]);
    await waitFor(() => deepQueryAll(planner, '[data-join-done]').length === 1, 'the answer');
  });

  it('while locked, only the unlock form', async () => {
    const state = { ...plannerState(), locked: true, me: null, festivals: [], pending: [] };
    const client = new FakeClient(state);
    const planner = document.createElement('panda-planner');
    planner.client = client;
    document.body.append(planner);
    mounted.push(planner);
    await waitFor(() => deepQueryAll(planner, 'panda-unlock-form').length === 1, 'the unlock form');
    expect(deepQueryAll(planner, '[data-tab]')).to.have.length(0);
  });
});

describe('the planner’s PandaProvider', () => {
  it('maps queries and publishes to the planner’s methods, knows the identity, and fires festivalChanged on changes', async () => {
    const client = new FakeClient(plannerState());
    client.handlers.planner_query = () => [{ event: { title: 'Opening concert' } }];
    client.handlers.planner_publish = () => ({ documentId: EVENT, operationId: EVENT });
    const provider = plannerProvider(client);
    expect(await provider.request({ method: 'panda_getPublicKey' })).to.equal(ANA);
    expect(await provider.request({ method: 'panda_connect' })).to.deep.equal({ publicKey: ANA });
    expect(await provider.request({ method: 'panda_festivals' })).to.deep.equal([FEST, KIDS]);
    await provider.request({ method: 'panda_query', params: { query: 'schedule', festivalId: FEST } });
    await provider.request({ method: 'panda_publish', params: { type: 'event', fields: { festival: FEST, title: 'X', start: 1, end: 2 } } });
    expect(client.callsOf('planner_query')).to.deep.equal([{ query: 'schedule', festivalId: FEST }]);
    expect(client.callsOf('planner_publish')).to.deep.equal([{ type: 'event', fields: { festival: FEST, title: 'X', start: 1, end: 2 } }]);
    let heard = 0;
    const listener = () => heard++;
    provider.on('festivalChanged', listener);
    for (const notify of client.listeners) notify();
    provider.removeListener('festivalChanged', listener);
    for (const notify of client.listeners) notify();
    expect(heard).to.equal(1);
    let code: unknown;
    await provider.request({ method: 'panda_sign' }).catch((error: { code?: unknown }) => (code = error.code));
    expect(code).to.equal(ProviderErrorCode.UNSUPPORTED_METHOD);
  });
});
