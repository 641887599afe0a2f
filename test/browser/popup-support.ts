/// <reference types="mocha" />
/**
 * What the popup's component tests share: the elements defined, a canned unlocked state, a
 * fake PopupClient that records every request and answers with that state, and mounting an
 * element until it shows its first state (removed after each test).
 */
import { PandaApproval } from '../../extension/approval/panda-approval.js';
import { PandaPopup } from '../../extension/popup/panda-popup.js';
import type { PopupClient, PopupPageMethod, PopupPageMethods, PopupState } from '../../extension/shared/popup-protocol.js';
import { deepText, waitFor } from './ui-support.js';

customElements.define('panda-popup', PandaPopup);
customElements.define('panda-approval', PandaApproval);

export const ALICE_KEY = 'ab12cd34' + '5'.repeat(52) + 'ef56';
export const BOB_KEY = '0f'.repeat(32);
export const MINUTE = 60_000;

export function unlockedState(): PopupState {
  return {
    locked: false,
    hasPassphrase: true,
    identities: [
      { id: 'alice', name: 'Alice', publicKey: ALICE_KEY },
      { id: 'bob', name: 'Bob at work', publicKey: BOB_KEY },
    ],
    activeIdentityId: 'alice',
    pending: [
      { id: 7, origin: 'https://hoffnung3000.de', kind: 'connect', description: 'Connect to Panda Kit', createdAt: 1 },
      {
        id: 9,
        origin: 'https://hoffnung3000.de',
        kind: 'publish:event:create',
        description: 'Create an event',
        details: [{ label: 'Title', value: 'Night of chaos' }],
        allowAlways: true,
        publicKey: BOB_KEY,
        createdAt: 2,
      },
    ],
    sites: [
      {
        origin: 'https://hoffnung3000.de',
        connected: true,
        always: ['publish:event:create'],
        connectedAt: 1,
        identityId: 'bob',
        festivals: ['0020' + 'aa'.repeat(32)],
      },
      { origin: 'https://example.org', connected: false, always: [], connectedAt: 1, identityId: 'alice', festivals: [] },
    ],
    festivals: [
      {
        id: '0020' + 'aa'.repeat(32),
        name: 'Hoffnung 3000',
        peers: 2,
        missing: 5,
        entries: 120,
        lastActive: Date.now() - 3 * MINUTE,
        servers: 1,
        known: 0,
        owner: ALICE_KEY,
      },
      { id: '0020' + 'bb'.repeat(32), name: null, peers: 1, missing: 40, entries: 0, lastActive: null, servers: 1, known: 0, owner: null },
    ],
    peers: 3,
    dataLoss: null,
    backedUp: true,
    ownerRequests: [
      { resourceId: 'r1', resourceTitle: 'Klangkeller', eventId: 'e1', eventTitle: 'Night of chaos', when: 'Fri 21:00-23:00', requestedBy: BOB_KEY },
    ],
    myEvents: [],
    names: {},
    welcome: false,
    devices: { fingerprint: 'a1b2 c3d4 e5f6 0718', linked: [], deviceOf: null, offer: null, accepted: null, handover: null, answer: null },
  };
}

export function lockedState(): PopupState {
  return { ...unlockedState(), locked: true, identities: [], activeIdentityId: null, ownerRequests: [], devices: null };
}

type Handler = (params: unknown) => unknown;

/** Records every request; answers `popup_state` with `state` and the others with `handlers[method]` (default: true). */
export class FakeClient implements PopupClient {
  readonly calls: Array<{ method: PopupPageMethod; params: unknown }> = [];
  readonly handlers: Partial<Record<PopupPageMethod, Handler>> = {};
  readonly listeners = new Set<() => void>();

  constructor(public state: PopupState) {}

  async request<M extends PopupPageMethod>(method: M, params?: PopupPageMethods[M]['params']): Promise<PopupPageMethods[M]['result']> {
    this.calls.push({ method, params });
    const handler = this.handlers[method];
    if (handler) return (await handler(params)) as PopupPageMethods[M]['result'];
    return method === 'popup_state' ? structuredClone(this.state) : true;
  }

  onChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.listeners) listener();
  }

  callsOf(method: PopupPageMethod): unknown[] {
    return this.calls.filter((call) => call.method === method).map((call) => call.params);
  }
}

const mounted: HTMLElement[] = [];

export async function mount<E extends PandaPopup | PandaApproval>(tag: 'panda-popup' | 'panda-approval', client: FakeClient): Promise<E> {
  const element = document.createElement(tag) as E;
  element.client = client;
  document.body.append(element);
  mounted.push(element);
  await waitFor(() => client.callsOf('popup_state').length > 0 && !deepText(element).includes('Loading'), 'the first state');
  await element.updateComplete;
  return element;
}

afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
});
