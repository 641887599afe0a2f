/// <reference types="mocha" />
/**
 * <panda-connect> in Chromium with a fake extension provider: not installed, connect,
 * already connected, declined, identity changes and disconnects; and the page's widgets
 * switching from the read-only in-page peer to the extension once the site is connected.
 */
import { expect } from 'chai';
import type { PandaConnect } from '../../widgets/connect/panda-connect.js';
import { keyBadge } from '../../widgets/connect/panda-connect.js';
import { sourceSettings } from '../../widgets/shared/source-controller.js';
import { $, announce, expectAccessible, FakeSource, FESTIVAL_ID, festivalProvider, mount, OWNER, rpcError, scheduleData, settle, unmountAll, until } from './widgets-support.js';

const text = (element: Element | null) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
const OTHER_KEY = '0f'.repeat(32);

function recordDocumentEvents(...names: string[]) {
  const events: Array<{ type: string; detail: unknown }> = [];
  const listener = (event: Event) => events.push({ type: event.type, detail: (event as CustomEvent).detail });
  for (const name of names) document.addEventListener(name, listener);
  return { events, stop: () => names.forEach((name) => document.removeEventListener(name, listener)) };
}

describe('<panda-connect>', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    unmountAll();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('says when the extension is not installed, with a link to get it', async () => {
    const element = await mount('panda-connect', {}, { lang: 'en-GB', 'help-url': 'https://pandakit.example/install' });
    await until(() => $(element, '[data-absent]'), 'the notice (after the discovery timeout)');
    expect(text($(element, '[data-absent]'))).to.contain('The Panda Kit extension is not installed in this browser');
    expect($<HTMLAnchorElement>(element, '[data-absent] a')!.href).to.equal('https://pandakit.example/install');
    expect(text($(element, '[data-absent] a'))).to.equal('Install the Panda Kit extension');
    await expectAccessible(element);
  });

  it('connects on a click and shows the identity this site sees', async () => {
    const provider = festivalProvider(false);
    cleanups.push(announce(provider));
    const record = recordDocumentEvents('panda-connect');
    cleanups.push(record.stop);
    const element = await mount('panda-connect', {}, { lang: 'en-GB' });
    const button = await until(() => $(element, 'button'), 'the Connect button');
    expect(text(button)).to.equal('Connect');
    expect(provider.methods(), 'nothing asked of the person yet').to.deep.equal(['panda_getPublicKey']);
    await expectAccessible(element);
    button.click();
    await until(() => $(element, '[data-connected]'), 'the identity');
    expect(provider.methods()).to.deep.equal(['panda_getPublicKey', 'panda_connect']);
    expect(text($(element, '[data-connected]'))).to.contain('Connected as ab12…ef56');
    expect(text($(element, '[part="badge"]'))).to.equal('AB');
    expect(element.publicKey).to.equal(OWNER);
    expect(record.events).to.deep.equal([{ type: 'panda-connect', detail: { publicKey: OWNER } }]);
    await expectAccessible(element);
  });

  it('shows an identity already connected without asking or announcing it', async () => {
    const provider = festivalProvider(true);
    const record = recordDocumentEvents('panda-connect');
    cleanups.push(record.stop);
    const element = await mount('panda-connect', { provider }, { lang: 'en-GB' });
    await until(() => $(element, '[data-connected]'), 'the identity');
    expect(provider.methods()).to.deep.equal(['panda_getPublicKey']);
    expect(record.events).to.deep.equal([]);
  });

  it('takes a declined connection calmly', async () => {
    const provider = festivalProvider(false);
    provider.handlers.panda_connect = () => {
      throw rpcError(4001, 'The person did not connect this site');
    };
    const element = await mount('panda-connect', { provider }, { lang: 'en-GB' });
    (await until(() => $(element, 'button'), 'the button')).click();
    const message = await until(() => $(element, '[part="message"]'), 'the message');
    expect(text(message)).to.equal('You declined the request in the extension');
    expect(message.getAttribute('role')).to.equal('status');
    expect($(element, 'button')).to.not.equal(null);
  });

  it('follows identity changes and disconnects, and stops listening when removed', async () => {
    const provider = festivalProvider(true);
    const record = recordDocumentEvents('panda-connect', 'panda-disconnect');
    cleanups.push(record.stop);
    const element: PandaConnect = await mount('panda-connect', { provider }, { lang: 'en-GB' });
    await until(() => $(element, '[data-connected]'), 'the identity');
    provider.emit('accountsChanged', [OTHER_KEY]);
    await settle(element);
    expect(text($(element, '[data-connected]'))).to.contain('Connected as 0f0f…0f0f');
    provider.emit('accountsChanged', []);
    await settle(element);
    expect(text($(element, 'button'))).to.equal('Connect');
    provider.emit('accountsChanged', [OWNER]);
    provider.emit('disconnect', { code: 4100, message: 'The site was disconnected' });
    await settle(element);
    expect($(element, 'button')).to.not.equal(null);
    expect(record.events).to.deep.equal([
      { type: 'panda-connect', detail: { publicKey: OTHER_KEY } },
      { type: 'panda-disconnect', detail: {} },
      { type: 'panda-connect', detail: { publicKey: OWNER } },
      { type: 'panda-disconnect', detail: {} },
    ]);
    expect(provider.count('accountsChanged')).to.equal(1);
    element.remove();
    expect(provider.count('accountsChanged')).to.equal(0);
    expect(provider.count('disconnect')).to.equal(0);
  });

  it('makes a badge from the key', () => {
    expect(keyBadge(OWNER)).to.deep.equal({ initials: 'AB', hue: Math.round((0xef56 / 0x10000) * 360) });
    expect(keyBadge('<script>').initials).to.equal('00');
  });

  it('speaks German', async () => {
    const element = await mount('panda-connect', { provider: festivalProvider(false) }, { lang: 'de' });
    expect(text(await until(() => $(element, 'button'), 'the button'))).to.equal('Verbinden');
  });
});

describe('widgets switching to the extension once connected', () => {
  afterEach(() => {
    unmountAll();
    delete sourceSettings.loadPeer;
  });

  it('a read-only schedule offers to connect, then shows the extension’s live data', async () => {
    const provider = festivalProvider(false);
    const stop = announce(provider);
    const peer = new FakeSource(scheduleData(), 'peer', false);
    sourceSettings.loadPeer = async () => async () => peer;
    const record = recordDocumentEvents('panda-source-change');
    try {
      const schedule = await mount('panda-schedule', {}, { festival: FESTIVAL_ID, lang: 'en-GB', view: 'list', day: '2026-07-03', signaling: 'wss://signal.example' });
      const banner = await until(() => $(schedule, '[data-read-only]'), 'the read-only banner');
      expect(text(banner)).to.contain('With the extension you can request resources and create events');
      const connect = banner.querySelector('panda-connect')!;
      const button = await until(() => connect.shadowRoot!.querySelector<HTMLButtonElement>('button'), 'the Connect button in the banner');
      await expectAccessible(schedule);
      button.click();
      await until(() => !$(schedule, '[data-read-only]'), 'the banner gone');
      expect(peer.closed, 'the in-page peer source is closed').to.equal(true);
      expect(record.events.map((event) => event.detail)).to.deep.equal([
        { kind: 'peer', writable: false },
        { kind: 'extension', writable: true },
      ]);
      await until(() => provider.calls.some((call) => call.method === 'panda_query'), 'queries through the provider');
      expect(provider.count('festivalChanged')).to.equal(1);
      // Live: a change in the extension shows.
      provider.handlers.panda_query = (params) => {
        const query = (params as { query: string }).query;
        if (query === 'festival') return { festival: { id: FESTIVAL_ID, name: 'Hoffnung 3001', description: '', start: 1_782_000_000, end: 1_782_300_000, timezone: 'UTC' }, tree: [] };
        return [];
      };
      provider.emit('festivalChanged', {});
      await until(() => text($(schedule, 'h2')) === 'Hoffnung 3001', 'the changed name');
    } finally {
      stop();
      record.stop();
    }
  });

  it('the Connect button in a German schedule speaks German too', async () => {
    const provider = festivalProvider(false);
    const peer = new FakeSource(scheduleData(), 'peer', false);
    sourceSettings.loadPeer = async () => async () => peer;
    const schedule = await mount('panda-schedule', { provider }, { festival: FESTIVAL_ID, lang: 'de' });
    const connect = await until(() => $(schedule, '[data-read-only] panda-connect'), 'the banner');
    expect(text(await until(() => connect.shadowRoot!.querySelector('button'), 'the button'))).to.equal('Verbinden');
  });
});
