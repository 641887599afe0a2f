/// <reference types="mocha" />
/**
 * Where widgets get their data (widgets/lib/sources.ts), in Chromium: provider discovery,
 * the provider source (queries, festivalChanged, joining an unknown festival), the static
 * frab file (served by the test server), and how `chooseSource` picks one.
 */
import { expect } from 'chai';
import { isPandaError } from '../../core/index.js';
import type { CreatePeerSource, PeerSourceOptions } from '../../widgets/lib/source.js';
import { chooseSource, findProvider, providerSource, staticSource } from '../../widgets/lib/sources.js';
import { ELEMENTS, PandaConnect, PandaEventForm, PandaResource, PandaSchedule } from '../../widgets/index.js';
import { announce, FakeProvider, FakeSource, FESTIVAL_ID, festivalProvider, scheduleData } from './widgets-support.js';

const FIXTURE = '/test/browser/fixtures/frab-camp2019-trimmed.json';

/** A loader of a fake in-page peer that records what it was asked. */
function fakePeer() {
  const asked: PeerSourceOptions[] = [];
  const source = new FakeSource(scheduleData(), 'peer', false);
  const create: CreatePeerSource = async (options) => (asked.push(options), source);
  return { asked, source, load: async () => create };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('widget sources', () => {
  describe('findProvider', () => {
    it('finds the provider the extension announces', async () => {
      const provider = new FakeProvider();
      const stop = announce(provider);
      try {
        expect(await findProvider(window, 1000)).to.equal(provider);
      } finally {
        stop();
      }
    });

    it('ignores other announcements and gives up after the timeout', async () => {
      let announced = 0;
      const other = () =>
        ++announced &&
        window.dispatchEvent(
          new CustomEvent('panda:announceProvider', {
            detail: { info: { uuid: '1', name: 'Other', icon: '', rdns: 'org.example.wallet' }, provider: new FakeProvider() },
          }),
        );
      window.addEventListener('panda:requestProvider', other);
      try {
        const started = performance.now();
        expect(await findProvider(window, 100)).to.equal(undefined);
        expect(performance.now() - started).to.be.within(90, 1000);
        expect(announced).to.equal(1);
      } finally {
        window.removeEventListener('panda:requestProvider', other);
      }
    });
  });

  describe('providerSource', () => {
    it('reads the festival and its schedule through panda_query', async () => {
      const provider = festivalProvider();
      const source = providerSource(provider, FESTIVAL_ID);
      expect(source.kind).to.equal('extension');
      expect(source.writable).to.equal(true);
      const data = await source.schedule();
      expect(data.festival.name).to.equal('Hoffnung 3000');
      expect(data.events).to.have.length(6);
      expect(data.source).to.equal('extension');
      expect(data.readOnly).to.equal(false);
      expect(provider.calls.map((call) => call.params)).to.deep.equal([
        { query: 'festival', festivalId: FESTIVAL_ID },
        { query: 'schedule', festivalId: FESTIVAL_ID },
      ]);
      expect(await source.query({ query: 'bookings', resourceId: 'r-keller' })).to.have.length(3);
      expect(provider.calls.at(-1)).to.deep.equal({ method: 'panda_query', params: { query: 'bookings', resourceId: 'r-keller' } });
    });

    it('tells subscribers of festivalChanged until they unsubscribe or it closes', async () => {
      const provider = festivalProvider();
      const source = providerSource(provider, FESTIVAL_ID);
      let heard = 0;
      const stop = source.subscribe(() => heard++);
      source.subscribe(() => heard++);
      expect(provider.count('festivalChanged')).to.equal(2);
      provider.emit('festivalChanged', {});
      expect(heard).to.equal(2);
      stop();
      expect(provider.count('festivalChanged')).to.equal(1);
      source.close();
      expect(provider.count('festivalChanged')).to.equal(0);
    });

    it('asks the extension once to join a festival it does not know', async () => {
      const provider = festivalProvider();
      provider.handlers.panda_query = (params) => ((params as { query: string }).query === 'festival' ? { festival: null, tree: [] } : []);
      provider.handlers.panda_joinFestival = () => true;
      const source = providerSource(provider, FESTIVAL_ID, { signaling: ['wss://signal.example'], secret: 's3cret' });
      const error = await rejection(source.schedule());
      expect(isPandaError(error, 'SCHEDULE_INVALID')).to.equal(true);
      await rejection(source.schedule());
      const joins = provider.calls.filter((call) => call.method === 'panda_joinFestival');
      expect(joins).to.deep.equal([
        { method: 'panda_joinFestival', params: { festivalId: FESTIVAL_ID, signaling: ['wss://signal.example'], secret: 's3cret' } },
      ]);
    });
  });

  describe('staticSource', () => {
    it('reads a frab schedule from a URL, read-only', async () => {
      const source = staticSource(FIXTURE);
      expect(source.kind).to.equal('frab');
      expect(source.writable).to.equal(false);
      const data = await source.schedule();
      expect(data.festival.name).to.equal('Chaos Communication Camp 2019');
      expect(data.events).to.have.length(12);
      expect(data.readOnly).to.equal(true);
      expect(isPandaError(await rejection(source.query({ query: 'bookings' })))).to.equal(true);
    });

    it('fails with SCHEDULE_INVALID for a missing file and tries again later', async () => {
      let fetches = 0;
      const source = staticSource('/nowhere.json', (url) => (fetches++, fetch(url)));
      const error = await rejection(source.schedule());
      expect(isPandaError(error, 'SCHEDULE_INVALID')).to.equal(true);
      await rejection(source.schedule());
      expect(fetches).to.equal(2);
    });

    it('rejects what is not a schedule', async () => {
      const source = staticSource('/package.json');
      expect(isPandaError(await rejection(source.schedule()), 'SCHEDULE_INVALID')).to.equal(true);
    });
  });

  describe('chooseSource', () => {
    it('takes src first, without looking for the extension', async () => {
      const target = new EventTarget();
      let asked = 0;
      target.addEventListener('panda:requestProvider', () => asked++);
      const peer = fakePeer();
      const source = await chooseSource({ festivalId: FESTIVAL_ID, src: FIXTURE, target, loadPeer: peer.load });
      expect(source.kind).to.equal('frab');
      expect(asked).to.equal(0);
      expect(peer.asked).to.deep.equal([]);
    });

    it('takes the provider when the site is connected', async () => {
      const provider = festivalProvider(true);
      const peer = fakePeer();
      const stop = announce(provider);
      try {
        const source = await chooseSource({ festivalId: FESTIVAL_ID, target: window, loadPeer: peer.load });
        expect(source.kind).to.equal('extension');
        expect(source.writable).to.equal(true);
        expect(peer.asked).to.deep.equal([]);
        // It asked whether it is connected and granted the festival, and never asked to connect.
        expect(provider.methods()).to.deep.equal(['panda_getPublicKey', 'panda_festivals']);
      } finally {
        stop();
      }
    });

    it('falls back to the in-page peer, read-only, when the site is not connected or there is no extension', async () => {
      const provider = festivalProvider(false);
      const peer = fakePeer();
      const source = await chooseSource({
        festivalId: FESTIVAL_ID,
        provider,
        signaling: ['wss://a.example', 'wss://b.example'],
        secret: 'x',
        loadPeer: peer.load,
      });
      expect(source).to.equal(peer.source);
      expect(provider.methods()).to.deep.equal(['panda_getPublicKey']);
      expect(peer.asked).to.deep.equal([{ festivalId: FESTIVAL_ID, signaling: ['wss://a.example', 'wss://b.example'], secret: 'x' }]);
      const none = await chooseSource({ festivalId: FESTIVAL_ID, target: new EventTarget(), timeoutMs: 20, loadPeer: peer.load });
      expect(none).to.equal(peer.source);
      expect(peer.asked[1]).to.deep.equal({ festivalId: FESTIVAL_ID, signaling: [] });
    });
  });

  describe('chooseSource for a festival the site was not granted', () => {
    it('asks the extension to join it (the person is asked there) and takes the provider once joined', async () => {
      const provider = festivalProvider(true);
      provider.handlers.panda_festivals = () => [];
      provider.handlers.panda_joinFestival = () => true;
      const peer = fakePeer();
      const source = await chooseSource({ festivalId: FESTIVAL_ID, provider, signaling: ['wss://a.example'], loadPeer: peer.load });
      expect(source.kind).to.equal('extension');
      expect(provider.methods()).to.deep.equal(['panda_getPublicKey', 'panda_festivals', 'panda_joinFestival']);
    });

    it('reads it through the in-page peer, read-only, when the person declines the join or there are no servers', async () => {
      const provider = festivalProvider(true);
      provider.handlers.panda_festivals = () => [];
      provider.handlers.panda_joinFestival = () => {
        throw Object.assign(new Error('The person did not join this festival'), { code: 4001 });
      };
      const peer = fakePeer();
      expect(await chooseSource({ festivalId: FESTIVAL_ID, provider, signaling: ['wss://a.example'], loadPeer: peer.load })).to.equal(peer.source);
      expect(await chooseSource({ festivalId: FESTIVAL_ID, provider, loadPeer: peer.load })).to.equal(peer.source);
      expect(provider.methods().filter((method) => method === 'panda_joinFestival')).to.have.length(1);
    });
  });

  describe('the bundle entry', () => {
    it('defines the four elements once', () => {
      expect(customElements.get('panda-schedule')).to.equal(PandaSchedule);
      expect(customElements.get('panda-resource')).to.equal(PandaResource);
      expect(customElements.get('panda-event-form')).to.equal(PandaEventForm);
      expect(customElements.get('panda-connect')).to.equal(PandaConnect);
      expect(Object.keys(ELEMENTS)).to.deep.equal(['panda-schedule', 'panda-resource', 'panda-event-form', 'panda-connect']);
    });
  });
});
