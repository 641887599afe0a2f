/// <reference types="mocha" />
/**
 * <panda-connect> in Chromium with a fake extension provider: not installed, connect,
 * already connected, declined, identity changes and disconnects; and the page's widgets
 * switching from the read-only in-page peer to the extension once the site is connected.
 */
import { expect } from 'chai';
import type { PandaConnect } from '../../widgets/connect/panda-connect.js';
import { keyBadge } from '../../widgets/connect/panda-connect.js';
import { readSnapshot, SNAPSHOT_DATABASE } from '../../widgets/lib/schedule-snapshot.js';
import { sourceSettings } from '../../widgets/shared/source-controller.js';
import {
  $,
  announce,
  expectAccessible,
  FakeSource,
  FESTIVAL_ID,
  festivalProvider,
  mount,
  OWNER,
  rpcError,
  scheduleData,
  settle,
  unmountAll,
  until,
} from './widgets-support.js';

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
    await until(() => $(element, '[data-name="profile"]'), 'the profile name');
    expect(provider.methods(), 'then only its own profile is read').to.deep.equal(['panda_getPublicKey', 'panda_connect', 'panda_query']);
    expect(provider.calls[2]!.params).to.deep.equal({ query: 'profile', publicKey: OWNER });
    expect(text($(element, '[data-connected]'))).to.contain('Connected as Klangkeller e.V.');
    expect($(element, '[data-name]')!.title).to.equal(OWNER);
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
    await until(() => $(element, '[data-name="profile"]'), 'the identity, by name');
    expect(provider.methods()).to.deep.equal(['panda_getPublicKey', 'panda_query']);
    expect(record.events).to.deep.equal([]);
  });

  it('shows the short key where the person has no profile, and a hostile name as text', async () => {
    const provider = festivalProvider(true);
    provider.handlers.panda_query = () => null;
    const element = await mount('panda-connect', { provider }, { lang: 'en-GB' });
    await until(() => provider.methods().includes('panda_query') && $(element, '[data-connected]'), 'the identity');
    await settle(element);
    expect(text($(element, '[data-connected]'))).to.contain('Connected as ab12…ef56');
    expect($(element, '[data-name]')!.dataset.name).to.equal('key');
    unmountAll();
    provider.calls.length = 0;
    provider.handlers.panda_query = () => ({ publicKey: OWNER, name: '<img src=x onerror="window.__pwned=1">\u202eevil' });
    const hostile = await mount('panda-connect', { provider }, { lang: 'en-GB' });
    await until(() => $(hostile, '[data-name="profile"]'), 'the name');
    expect(text($(hostile, '[data-name]'))).to.equal('Connected as <img src=x onerror="window.__pwned=1"> evil');
    expect($(hostile, 'img')).to.equal(null);
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
      const schedule = await mount(
        'panda-schedule',
        {},
        { festival: FESTIVAL_ID, lang: 'en-GB', view: 'list', day: '2026-07-03', signaling: 'wss://signal.example' },
      );
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
        if (query === 'festival')
          return { festival: { id: FESTIVAL_ID, name: 'Hoffnung 3001', description: '', start: 1_782_000_000, end: 1_782_300_000, timezone: 'UTC' }, tree: [] };
        return [];
      };
      provider.emit('festivalChanged', {});
      await until(() => text($(schedule, 'h2')) === 'Hoffnung 3001', 'the changed name');
    } finally {
      stop();
      record.stop();
    }
  });

  it('a revisit shows the in-page peer’s copy while it still looks for the extension, and a connected extension that answers late takes over', async () => {
    // Far longer than the test may run: the schedule must not wait for the search to end.
    sourceSettings.timeoutMs = 600_000;
    const peer = new FakeSource(scheduleData(), 'peer', false);
    sourceSettings.loadPeer = async () => async () => peer;
    const record = recordDocumentEvents('panda-source-change');
    try {
      const schedule = await mount('panda-schedule', {}, { festival: FESTIVAL_ID, lang: 'en-GB', view: 'list', day: '2026-07-03' });
      await until(() => $(schedule, '[data-event]'), 'the peer’s events');
      expect($(schedule, '[data-read-only]'), 'shown read-only').to.not.equal(null);
      const provider = festivalProvider(true);
      window.dispatchEvent(
        new CustomEvent('panda:announceProvider', { detail: { info: { uuid: '1', name: 'Panda Kit', icon: '', rdns: 'org.pandakit.extension' }, provider } }),
      );
      await until(() => !$(schedule, '[data-read-only]'), 'the extension’s writable data');
      expect(peer.closed, 'the in-page peer source is closed').to.equal(true);
      expect(record.events.map((event) => event.detail)).to.deep.equal([
        { kind: 'peer', writable: false },
        { kind: 'extension', writable: true },
      ]);
    } finally {
      delete sourceSettings.timeoutMs;
      record.stop();
    }
  });

  it('a static schedule (src) is shown at once, while the page is still looked at for the extension', async () => {
    // Far longer than the test may run: only the banner waits for the search.
    sourceSettings.timeoutMs = 600_000;
    try {
      const schedule = await mount(
        'panda-schedule',
        {},
        { src: '/test/browser/fixtures/frab-camp2019-trimmed.json', lang: 'en-GB', view: 'list', day: '2019-08-22' },
      );
      await until(() => $(schedule, '[data-event]'), 'the file’s events');
    } finally {
      delete sourceSettings.timeoutMs;
    }
  });

  it('a revisit draws the schedule the page showed last at once, before the in-page peer is ready; the peer’s data then replaces it', async () => {
    const festival = 'c'.repeat(64);
    const attributes = { festival, lang: 'en-GB', view: 'list', day: '2026-07-03' };
    await new Promise((resolve) => (indexedDB.deleteDatabase(SNAPSHOT_DATABASE).onsuccess = resolve));
    sourceSettings.loadPeer = async () => async () => new FakeSource(scheduleData(), 'peer', false);
    const first = await mount('panda-schedule', {}, attributes);
    await until(() => $(first, '[data-event]'), 'the peer’s events');
    // Kept a moment after the last change.
    for (let tries = 0; (await readSnapshot(festival)) === undefined; tries++) {
      expect(tries, 'the schedule kept').to.be.below(50);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    unmountAll();
    // The next visit: the peer is slow to come.
    let release!: () => void;
    const ready = new Promise<void>((resolve) => (release = resolve));
    const later = scheduleData();
    later.festival = { ...later.festival, name: 'Hoffnung 3001' };
    sourceSettings.loadPeer = async () => {
      await ready;
      return async () => new FakeSource(later, 'peer', false);
    };
    const again = await mount('panda-schedule', {}, attributes);
    await until(() => $(again, '[data-event]'), 'the kept schedule, without the peer');
    expect(text($(again, 'h2'))).to.equal('Hoffnung 3000');
    release();
    await until(() => text($(again, 'h2')) === 'Hoffnung 3001', 'the peer’s own data');
  });

  it('an extension that announces itself before the in-page peer is ready and has the site connected is used, the peer closed unseen', async () => {
    const provider = festivalProvider(true);
    const stop = announce(provider);
    let release!: () => void;
    const ready = new Promise<void>((resolve) => (release = resolve));
    const peer = new FakeSource(scheduleData(), 'peer', false);
    sourceSettings.loadPeer = async () => {
      await ready;
      return async () => peer;
    };
    const record = recordDocumentEvents('panda-source-change');
    try {
      const schedule = await mount('panda-schedule', {}, { festival: FESTIVAL_ID, lang: 'en-GB', view: 'list', day: '2026-07-03' });
      await until(() => record.events.length > 0, 'a source chosen');
      release();
      await until(() => peer.closed, 'the peer source closed');
      expect(record.events.map((event) => event.detail)).to.deep.equal([{ kind: 'extension', writable: true }]);
      expect($(schedule, '[data-read-only]')).to.equal(null);
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
