/**
 * The in-page provider (extension/inpage/provider.ts) and the content script's relay
 * (extension/content/relay.ts) together, in Node: a fake window that delivers postMessage
 * asynchronously like a browser (structured clone, source, target origin) and a fake port
 * standing in for the background.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { startRelay, type RelayPort } from '../../extension/content/relay.js';
import { announceProvider, createProvider, PROVIDER_ICON, randomUuid, type PandaProvider, type ProviderOptions } from '../../extension/inpage/provider.js';
import {
  ANNOUNCE_PROVIDER_EVENT,
  CONTENT_TARGET,
  PAGE_TARGET,
  PROVIDER_RDNS,
  ProviderRpcError,
  RELAY_PORT_EVENT,
  REQUEST_PROVIDER_EVENT,
  type ProviderInfo,
} from '../../extension/shared/protocol.js';

const ORIGIN = 'https://hoffnung3000.de';

/** One end of a fake MessageChannel: delivers a structured clone to the other end, asynchronously. */
class FakeMessagePort {
  other: FakeMessagePort | undefined;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(private readonly record: unknown[]) {}
  postMessage(message: unknown): void {
    const data = structuredClone(message);
    this.record.push(data);
    setTimeout(() => this.other?.onmessage?.({ data }));
  }
}

class FakeMessageEvent extends Event {
  readonly ports: readonly unknown[];
  constructor(type: string, init: EventInit & { ports?: unknown[] }) {
    super(type, init);
    this.ports = init.ports ?? [];
  }
}

class FakeWindow extends EventTarget {
  readonly origin = ORIGIN;
  readonly posted: { message: unknown; targetOrigin: string }[] = [];
  /** What went over the provider's own channel (answers, events and pongs for the page). */
  readonly relayed: unknown[] = [];
  readonly MessageEvent = FakeMessageEvent as unknown as typeof MessageEvent;
  readonly MessageChannel = ((record: unknown[]) =>
    class {
      readonly port1 = new FakeMessagePort(record);
      readonly port2 = new FakeMessagePort(record);
      constructor() {
        this.port1.other = this.port2;
        this.port2.other = this.port1;
      }
    })(this.relayed) as unknown as typeof MessageChannel;
  postMessage(message: unknown, targetOrigin: string): void {
    const data = structuredClone(message); // throws for functions, like the browser
    this.posted.push({ message: data, targetOrigin });
    if (targetOrigin !== '*' && targetOrigin !== this.origin) return;
    setTimeout(() => this.deliver(data, this));
  }
  /** A message event as another window (or this one) would cause. */
  deliver(data: unknown, source: unknown): void {
    const event = new Event('message');
    Object.defineProperties(event, { data: { value: data }, source: { value: source } });
    this.dispatchEvent(event);
  }
}

class FakePort implements RelayPort {
  readonly received: unknown[] = [];
  readonly #message: ((message: unknown) => void)[] = [];
  readonly #disconnect: (() => void)[] = [];
  closed = false;
  constructor(private readonly answer?: (message: { id: number; request: { method: string; params?: unknown } }, port: FakePort) => void) {}
  postMessage(message: unknown): void {
    if (this.closed) throw new Error('Attempting to use a disconnected port object');
    this.received.push(message);
    const copy = structuredClone(message) as { id: number; request: { method: string; params?: unknown } };
    setTimeout(() => this.answer?.(copy, this));
  }
  disconnect(): void {
    this.closed = true;
  }
  onMessage = { addListener: (listener: (message: unknown) => void) => void this.#message.push(listener) };
  onDisconnect = { addListener: (listener: () => void) => void this.#disconnect.push(listener) };
  send(message: unknown): void {
    for (const listener of this.#message) listener(structuredClone(message));
  }
  /** The background went away (service worker stopped). */
  drop(): void {
    this.closed = true;
    for (const listener of this.#disconnect) listener();
  }
}

/** A background that echoes the request, fails `fail`, and never answers `hang`. */
const echo = (message: { id: number; request: { method: string; params?: unknown } }, port: FakePort) => {
  if (message.request.method === 'hang') return;
  if (message.request.method === 'fail') port.send({ id: message.id, error: { code: 4001, message: 'no', data: { why: 'test' } } });
  else port.send({ id: message.id, result: message.request });
};

function setup(options: { relay?: boolean; connect?: () => RelayPort; provider?: ProviderOptions } = {}) {
  const win = new FakeWindow();
  const ports: FakePort[] = [];
  if (options.relay !== false) {
    startRelay({
      win,
      connect:
        options.connect ??
        (() => {
          const port = new FakePort(echo);
          ports.push(port);
          return port;
        }),
    });
  }
  const provider = createProvider(win, options.provider);
  return { win, ports, provider };
}

const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as ProviderRpcError;
  }
  assert.fail('expected a rejection');
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('announcement', () => {
  test('on load and on every panda:requestProvider, the same frozen { info, provider }', () => {
    const win = new FakeWindow();
    const provider = createProvider(win);
    const seen: CustomEvent[] = [];
    win.addEventListener(ANNOUNCE_PROVIDER_EVENT, (event) => seen.push(event as CustomEvent));
    announceProvider(win, provider);
    win.dispatchEvent(new Event(REQUEST_PROVIDER_EVENT));
    win.dispatchEvent(new Event(REQUEST_PROVIDER_EVENT));
    assert.equal(seen.length, 3);
    const detail = seen[0]!.detail as { info: ProviderInfo; provider: PandaProvider };
    assert.ok(seen.every((event) => event.detail === detail));
    assert.ok(Object.isFrozen(detail) && Object.isFrozen(detail.info) && Object.isFrozen(detail.provider));
    assert.equal(detail.provider, provider);
    assert.equal(detail.info.name, 'Panda Kit');
    assert.equal(detail.info.rdns, PROVIDER_RDNS);
    assert.equal(detail.info.icon, PROVIDER_ICON);
    assert.match(detail.info.icon, /^data:image\/svg\+xml,/);
    assert.match(detail.info.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(Object.keys(provider).sort(), ['on', 'removeListener', 'request']);
    assert.throws(() => {
      (provider as { request: unknown }).request = () => 'hijacked';
    });
  });

  test('uuids are random v4', () => {
    const ids = new Set(Array.from({ length: 50 }, randomUuid));
    assert.equal(ids.size, 50);
  });
});

describe('requests through the relay', () => {
  test('the port is opened at the first request, once; ids increase; answers resolve and errors reject', async () => {
    const { provider, ports, win } = setup();
    await sleep(5);
    assert.equal(ports.length, 0, 'no port before the page asks');
    const [first, second, failed] = await Promise.allSettled([
      provider.request({ method: 'panda_connect' }),
      provider.request({ method: 'panda_query', params: { query: 'schedule' } }),
      provider.request({ method: 'fail' }),
    ]);
    assert.deepEqual(first, { status: 'fulfilled', value: { method: 'panda_connect' } });
    assert.deepEqual(second, { status: 'fulfilled', value: { method: 'panda_query', params: { query: 'schedule' } } });
    assert.equal(failed?.status, 'rejected');
    const error = failed.reason as ProviderRpcError;
    assert.ok(error instanceof ProviderRpcError);
    assert.deepEqual({ code: error.code, message: error.message, data: error.data }, { code: 4001, message: 'no', data: { why: 'test' } });
    assert.equal(ports.length, 1);
    assert.deepEqual(
      ports[0]!.received.map((message) => (message as { id: number }).id),
      [1, 2, 3],
    );
    // Everything the relay and the provider post stays with this window's origin.
    assert.ok(win.posted.every(({ targetOrigin }) => targetOrigin === ORIGIN));
  });

  test('only the request travels: fields a page adds (an origin) are left behind', async () => {
    const { provider, ports, win } = setup();
    await provider.request({ method: 'a', params: { x: 1 }, origin: 'https://evil.example' } as never);
    // A page posting a request of its own, with extra fields.
    win.postMessage(
      { target: CONTENT_TARGET, id: 77, request: { method: 'b', origin: 'https://evil.example' }, origin: 'https://evil.example', sender: { origin: 'x' } },
      ORIGIN,
    );
    await sleep(10);
    assert.deepEqual(ports[0]!.received, [
      { id: 1, request: { method: 'a', params: { x: 1 } } },
      { id: 77, request: { method: 'b' } },
    ]);
  });

  test('messages from other windows, of other shapes, or answering nothing are ignored', async () => {
    const { provider, ports, win } = setup();
    const otherWindow = {};
    win.deliver({ target: CONTENT_TARGET, id: 5, request: { method: 'from-a-frame' } }, otherWindow);
    for (const junk of [
      null,
      'text',
      { target: CONTENT_TARGET },
      { target: CONTENT_TARGET, id: -1, request: { method: 'x' } },
      { target: CONTENT_TARGET, id: 6, request: { method: 1 } },
      { target: 'else', id: 7, request: { method: 'x' } },
    ]) {
      win.deliver(junk, win);
    }
    await sleep(10);
    assert.equal(ports.length, 0);
    // Forged answers for requests nobody made, from another window, do nothing.
    const pending = provider.request({ method: 'hang' });
    win.deliver({ target: PAGE_TARGET, id: 1, result: 'forged' }, otherWindow);
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await sleep(10);
    assert.equal(settled, false);
    // Answers from the background for ids the relay never sent are not relayed.
    ports[0]!.send({ id: 999, result: 'stray' });
    await sleep(5);
    assert.ok(!win.relayed.some((message) => (message as { id?: number }).id === 999));
    // Done: the background goes, the waiting request fails and the provider stops pinging.
    ports[0]!.drop();
    assert.equal((await rejection(pending))?.code, 4900);
  });

  test('answers forged by a script of the page (window messages, or a port of its own offered later) resolve nothing', async () => {
    const { provider, ports, win } = setup();
    const pending = provider.request({ method: 'hang' });
    await sleep(5);
    assert.equal(ports.length, 1);
    // A script of the page sees the request's id and answers it in the relay's shape.
    win.postMessage({ target: PAGE_TARGET, id: 1, result: 'forged' }, ORIGIN);
    win.postMessage({ target: PAGE_TARGET, id: 1, error: { code: 4001, message: 'forged' } }, ORIGIN);
    // Or offers the relay a port of its own to answer through.
    const own = new win.MessageChannel();
    const taken = !win.dispatchEvent(new win.MessageEvent(RELAY_PORT_EVENT, { cancelable: true, ports: [own.port2] }));
    own.port1.postMessage({ target: PAGE_TARGET, id: 1, result: 'forged' });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await sleep(20);
    assert.equal(taken, false, 'the relay keeps the first port, the provider’s');
    assert.equal(settled, false);
    ports[0]!.send({ id: 1, result: 'the real answer' });
    assert.equal(await pending, 'the real answer');
  });

  test('whichever script starts first, the provider and the relay find each other', async () => {
    const win = new FakeWindow();
    const provider = createProvider(win); // the provider before the content script
    const ports: FakePort[] = [];
    startRelay({ win, connect: () => (ports.push(new FakePort(echo)), ports.at(-1)!) });
    assert.deepEqual(await provider.request({ method: 'panda_connect' }), { method: 'panda_connect' });
    assert.equal(ports.length, 1);
  });

  test('params that are not JSON data are refused with -32602 (and absurd method names with 4200)', async () => {
    const { provider } = setup();
    assert.equal((await rejection(provider.request({ method: 'x', params: { when: 10n } })))?.code, -32602);
    assert.equal((await rejection(provider.request({ method: 'x', params: { f: () => 1 } })))?.code, -32602);
    assert.equal((await rejection(provider.request({ nope: true } as never)))?.code, -32602);
    assert.equal((await rejection(provider.request(null as never)))?.code, -32602);
    assert.equal((await rejection(provider.request({ method: 'x'.repeat(1000) })))?.code, 4200);
  });

  test('the port closes (service worker stopped): waiting requests fail with 4900, the next request opens a new port', async () => {
    const { provider, ports } = setup();
    const waiting = provider.request({ method: 'hang' });
    await sleep(5);
    ports[0]!.drop();
    const error = await rejection(waiting);
    assert.equal(error?.code, 4900);
    assert.deepEqual(await provider.request({ method: 'again' }), { method: 'again' });
    assert.equal(ports.length, 2);
  });

  test('a port found closed while sending is replaced at once', async () => {
    const { provider, ports } = setup();
    await provider.request({ method: 'one' });
    ports[0]!.closed = true; // closed, but the disconnect event has not arrived yet
    assert.deepEqual(await provider.request({ method: 'two' }), { method: 'two' });
    assert.equal(ports.length, 2);
  });

  test('no port can be opened (the extension is gone): 4900 at once', async () => {
    const { provider } = setup({
      connect: () => {
        throw new Error('Extension context invalidated.');
      },
    });
    const started = Date.now();
    assert.equal((await rejection(provider.request({ method: 'x' })))?.code, 4900);
    assert.ok(Date.now() - started < 500);
  });

  test('nobody relays (no content script): 4900 after the ping timeout, and a disconnect event', async () => {
    const { provider } = setup({ relay: false, provider: { pingTimeout: 50 } });
    const disconnects: unknown[] = [];
    provider.on('disconnect', (data) => disconnects.push(data));
    const started = Date.now();
    const error = await rejection(provider.request({ method: 'panda_connect' }));
    assert.equal(error?.code, 4900);
    assert.ok(Date.now() - started >= 45);
    assert.equal(disconnects.length, 1);
    assert.equal((disconnects[0] as { code: number }).code, 4900);
  });

  test('a page that blocks its event loop past the ping timeout does not lose its requests', async () => {
    const { provider } = setup({ provider: { pingTimeout: 30 } });
    const waiting = provider.request({ method: 'slow-page' });
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // The page is busy: ping, pong and the deadline all queue up.
    }
    assert.deepEqual(await waiting, { method: 'slow-page' });
  });

  test('a request may wait long (an approval): the relay answers the pings, nothing times out', async () => {
    let answer!: () => void;
    const win = new FakeWindow();
    startRelay({
      win,
      connect: () =>
        new FakePort((message, port) => {
          answer = () => port.send({ id: message.id, result: 'approved' });
        }),
    });
    const provider = createProvider(win, { pingTimeout: 30, pingInterval: 10 });
    const waiting = provider.request({ method: 'panda_connect' });
    await sleep(150);
    answer();
    assert.equal(await waiting, 'approved');
    const pings = win.posted.filter(({ message }) => typeof (message as { ping?: number }).ping === 'number').length;
    assert.ok(pings >= 3, `pinged ${pings} times while waiting`);
    await sleep(50);
    const after = win.posted.filter(({ message }) => typeof (message as { ping?: number }).ping === 'number').length;
    assert.ok(after <= pings + 1, 'no more pings once nothing waits');
  });
});

describe('events', () => {
  test('events from the background reach listeners until removed; unknown events and throwing listeners do not disturb', async () => {
    // Browsers report a listener's error with reportError (Node has none): collect them instead.
    const uncaught: unknown[] = [];
    const global = globalThis as { reportError?: (error: unknown) => void };
    const before = global.reportError;
    global.reportError = (error) => uncaught.push(error);
    try {
      const { provider, ports } = setup();
      await provider.request({ method: 'open-the-port' });
      const got: unknown[] = [];
      const listener = (data: unknown) => got.push(data);
      provider.on('accountsChanged', () => {
        throw new Error('a broken page listener');
      });
      assert.equal(provider.on('accountsChanged', listener), provider);
      ports[0]!.send({ event: 'accountsChanged', data: ['key-1'] });
      ports[0]!.send({ event: 'rogue', data: 1 });
      await sleep(10);
      provider.removeListener('accountsChanged', listener);
      ports[0]!.send({ event: 'accountsChanged', data: ['key-2'] });
      await sleep(10);
      assert.deepEqual(got, [['key-1']]);
      assert.equal(uncaught.length, 2, "the page's own listener errors are reported, not swallowed");
    } finally {
      if (before) global.reportError = before;
      else delete global.reportError;
    }
  });
});
