/**
 * The background's end of the content scripts' ports (extension/background/port.ts) with a
 * fake port and a scripted router: origins from the sender only, answers and errors in the
 * protocol's shape, nothing internal leaked, events per origin.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contextFromSender, listenForProviders, readPortRequest, servePort, type PortSender, type ProviderPort } from '../../extension/background/port.js';
import type { RequestContext, Router } from '../../extension/background/router.js';
import { PROVIDER_PORT, ProviderErrorCode, ProviderRpcError, type RequestArguments } from '../../extension/shared/protocol.js';

class FakePort implements ProviderPort {
  readonly sent: unknown[] = [];
  readonly #messageListeners: ((message: unknown) => void)[] = [];
  readonly #disconnectListeners: (() => void)[] = [];
  /** Make postMessage throw for messages this returns true for (Chrome: not JSON-serialisable). */
  refuse: (message: unknown) => boolean = () => false;
  constructor(
    readonly sender: PortSender | undefined,
    readonly name = PROVIDER_PORT,
  ) {}
  postMessage(message: unknown): void {
    if (this.refuse(message)) throw new TypeError('Could not serialize message');
    this.sent.push(message);
  }
  onMessage = { addListener: (listener: (message: unknown) => void) => void this.#messageListeners.push(listener) };
  onDisconnect = { addListener: (listener: () => void) => void this.#disconnectListeners.push(listener) };
  /** The content script sends a message. */
  receive(message: unknown): void {
    for (const listener of this.#messageListeners) listener(message);
  }
  disconnectFromOtherEnd(): void {
    for (const listener of this.#disconnectListeners) listener();
  }
}

class ScriptedRouter implements Router {
  readonly calls: { context: RequestContext; request: RequestArguments }[] = [];
  readonly listeners = new Map<string, Set<(event: string, data: unknown) => void>>();
  constructor(private readonly answer: (context: RequestContext, request: RequestArguments) => Promise<unknown>) {}
  handle(context: RequestContext, request: RequestArguments): Promise<unknown> {
    this.calls.push({ context, request });
    return this.answer(context, request);
  }
  subscribe(origin: string, listener: (event: string, data: unknown) => void): () => void {
    let set = this.listeners.get(origin);
    if (!set) this.listeners.set(origin, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }
  emit(origin: string, event: string, data: unknown): void {
    for (const listener of this.listeners.get(origin) ?? []) listener(event, data);
  }
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const CHROME_SENDER: PortSender = { origin: 'https://hoffnung3000.de', url: 'https://hoffnung3000.de/festival?x=1', tab: { id: 7 }, frameId: 0 };
const quiet = { log: () => {} };

describe('request context from the port sender', () => {
  test('Chrome: sender.origin as it is; Firefox: the origin of sender.url; tab and frame ids', () => {
    assert.deepEqual(contextFromSender(CHROME_SENDER), { origin: 'https://hoffnung3000.de', tabId: 7, frameId: 0 });
    assert.deepEqual(contextFromSender({ url: 'http://localhost:8080/frame.html#x', tab: { id: 3 }, frameId: 12 }), {
      origin: 'http://localhost:8080',
      tabId: 3,
      frameId: 12,
    });
    // sender.origin wins over the URL (an about:blank frame's URL says nothing of its origin).
    assert.deepEqual(contextFromSender({ origin: 'https://a.example', url: 'about:blank' }), { origin: 'https://a.example' });
  });

  test('opaque origins, extension pages, other schemes and malformed values have no context', () => {
    for (const sender of [
      { origin: 'null', url: 'https://sandboxed.example/' },
      { origin: 'chrome-extension://abcdefghijklmnop' },
      { url: 'moz-extension://1234/popup.html' },
      { url: 'file:///etc/passwd' },
      { url: 'not a url' },
      { origin: 'https://a.example/path' },
      {},
      undefined,
    ]) {
      assert.equal(contextFromSender(sender), undefined, JSON.stringify(sender));
    }
  });
});

describe('port requests', () => {
  test('shape: ids are non-negative safe integers; a request with an id but no method is answered -32602', () => {
    assert.deepEqual(readPortRequest({ id: 1, request: { method: 'panda_connect', extra: 1 }, origin: 'https://evil.example' }), {
      request: { id: 1, request: { method: 'panda_connect' } },
    });
    assert.deepEqual(readPortRequest({ id: 2, request: { method: 'm', params: [1] } }), { request: { id: 2, request: { method: 'm', params: [1] } } });
    for (const bad of [null, 'x', 5, {}, { id: -1, request: { method: 'm' } }, { id: 1.5, request: { method: 'm' } }, { id: '1', request: { method: 'm' } }]) {
      assert.equal(readPortRequest(bad), undefined, JSON.stringify(bad));
    }
    for (const bad of [
      { id: 3 },
      { id: 3, request: null },
      { id: 3, request: { method: 42 } },
      { id: 3, request: { method: '' } },
      { id: 3, request: { method: 'x'.repeat(500) } },
    ]) {
      assert.deepEqual(readPortRequest(bad), { invalid: 3 }, JSON.stringify(bad));
    }
  });
});

describe('serving a port', () => {
  test('the router gets the origin of the sender, never one from the message; results come back by id', async () => {
    const router = new ScriptedRouter(async (context, request) => ({ origin: context.origin, method: request.method }));
    const port = new FakePort(CHROME_SENDER);
    servePort(port, router, quiet);
    port.receive({
      id: 1,
      origin: 'https://evil.example',
      request: { method: 'echo', params: { origin: 'https://evil.example' }, origin: 'https://evil.example' },
    });
    await settle();
    assert.deepEqual(router.calls, [
      { context: { origin: 'https://hoffnung3000.de', tabId: 7, frameId: 0 }, request: { method: 'echo', params: { origin: 'https://evil.example' } } },
    ]);
    assert.deepEqual(port.sent, [{ id: 1, result: { origin: 'https://hoffnung3000.de', method: 'echo' } }]);
  });

  test('an undefined result is sent as null (a JSON port would drop the key)', async () => {
    const port = new FakePort(CHROME_SENDER);
    servePort(port, new ScriptedRouter(async () => undefined), quiet);
    port.receive({ id: 4, request: { method: 'x' } });
    await settle();
    assert.deepEqual(port.sent, [{ id: 4, result: null }]);
  });

  test('ProviderRpcErrors keep code, message and data; anything else is -32603 without its text', async () => {
    const logged: unknown[] = [];
    const router = new ScriptedRouter(async (_context, request) => {
      if (request.method === 'unknown') throw new ProviderRpcError(ProviderErrorCode.UNSUPPORTED_METHOD, 'Method unknown is not supported');
      if (request.method === 'invalid') throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, 'end before start', { code: 'DOCUMENT_INVALID' });
      if (request.method === 'odd-code') throw new ProviderRpcError(1234 as never, 'made-up code');
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a plain object shaped like a provider error, on purpose
      if (request.method === 'shape') throw { code: 4001, message: 'looks like one but is not' };
      throw new Error('secret: /home/me/.panda/vault at line 42');
    });
    const port = new FakePort(CHROME_SENDER);
    servePort(port, router, { log: (_message, error) => logged.push(error) });
    for (const [id, method] of ['unknown', 'invalid', 'odd-code', 'shape', 'crash'].entries()) port.receive({ id, request: { method } });
    await settle();
    assert.deepEqual(port.sent, [
      { id: 0, error: { code: 4200, message: 'Method unknown is not supported' } },
      { id: 1, error: { code: -32602, message: 'end before start', data: { code: 'DOCUMENT_INVALID' } } },
      { id: 2, error: { code: -32603, message: 'Internal error in Panda Kit' } },
      { id: 3, error: { code: -32603, message: 'Internal error in Panda Kit' } },
      { id: 4, error: { code: -32603, message: 'Internal error in Panda Kit' } },
    ]);
    assert.ok(!JSON.stringify(port.sent).includes('secret'));
    assert.equal(logged.length, 2, 'the non-ProviderRpcErrors are logged in the background');
  });

  test('malformed messages: without an id ignored, with an id answered -32602; the router is not asked', async () => {
    const router = new ScriptedRouter(async () => 'called');
    const port = new FakePort(CHROME_SENDER);
    servePort(port, router, quiet);
    for (const message of [null, 'hello', { request: { method: 'x' } }, { id: 'one', request: { method: 'x' } }, { id: 9 }, { id: 10, request: { method: 7 } }])
      port.receive(message);
    await settle();
    assert.equal(router.calls.length, 0);
    assert.deepEqual(port.sent, [
      { id: 9, error: { code: -32602, message: 'A request is { method: string, params? }' } },
      { id: 10, error: { code: -32602, message: 'A request is { method: string, params? }' } },
    ]);
  });

  test('a frame without a web origin is refused with 4100 and never reaches the router', async () => {
    const router = new ScriptedRouter(async () => 'called');
    const port = new FakePort({ origin: 'null', url: 'https://sandboxed.example/' });
    servePort(port, router, quiet);
    port.receive({ id: 1, request: { method: 'panda_connect' } });
    await settle();
    assert.equal(router.calls.length, 0);
    assert.deepEqual(port.sent, [{ id: 1, error: { code: 4100, message: 'Panda Kit serves http and https pages only' } }]);
    assert.equal(router.listeners.size, 0, 'no events for it either');
  });

  test('an answer that cannot be sent becomes -32603', async () => {
    const port = new FakePort(CHROME_SENDER);
    port.refuse = (message) => typeof message === 'object' && message !== null && 'result' in message;
    servePort(port, new ScriptedRouter(async () => 10n), quiet);
    port.receive({ id: 1, request: { method: 'x' } });
    await settle();
    assert.deepEqual(port.sent, [{ id: 1, error: { code: -32603, message: 'Internal error in Panda Kit' } }]);
  });

  test('the router may still be starting: requests wait for it; if it fails to start they get -32603', async () => {
    let ready!: (router: Router) => void;
    const port = new FakePort(CHROME_SENDER);
    servePort(port, new Promise<Router>((resolve) => (ready = resolve)), quiet);
    port.receive({ id: 1, request: { method: 'x' } });
    await settle();
    assert.deepEqual(port.sent, []);
    ready(new ScriptedRouter(async () => 'late'));
    await settle();
    assert.deepEqual(port.sent, [{ id: 1, result: 'late' }]);

    const failing = Promise.reject(new Error('IndexedDB is broken'));
    const other = new FakePort(CHROME_SENDER);
    servePort(other, failing, quiet);
    other.receive({ id: 2, request: { method: 'x' } });
    await settle();
    assert.deepEqual(other.sent, [{ id: 2, error: { code: -32603, message: 'Internal error in Panda Kit' } }]);
  });

  test("the router's events for the port's origin go down the port until it disconnects", async () => {
    const router = new ScriptedRouter(async () => null);
    const page = new FakePort(CHROME_SENDER);
    const frame = new FakePort({ origin: 'https://ads.example', tab: { id: 7 }, frameId: 3 });
    servePort(page, router, quiet);
    servePort(frame, router, quiet);
    await settle();
    router.emit('https://hoffnung3000.de', 'accountsChanged', ['key']);
    router.emit('https://hoffnung3000.de', 'somethingElse', 1);
    router.emit('https://hoffnung3000.de', 'connect', undefined);
    assert.deepEqual(page.sent, [
      { event: 'accountsChanged', data: ['key'] },
      { event: 'connect', data: null },
    ]);
    assert.deepEqual(frame.sent, []);
    page.disconnectFromOtherEnd();
    assert.equal(router.listeners.get('https://hoffnung3000.de')?.size, 0);
    router.emit('https://hoffnung3000.de', 'festivalChanged', {});
    assert.equal(page.sent.length, 2);
  });

  test('answers to a port that disconnected meanwhile are dropped', async () => {
    let finish!: (value: unknown) => void;
    const port = new FakePort(CHROME_SENDER);
    servePort(port, new ScriptedRouter(() => new Promise((resolve) => (finish = resolve))), quiet);
    port.receive({ id: 1, request: { method: 'slow' } });
    await settle();
    port.disconnectFromOtherEnd();
    finish('too late');
    await settle();
    assert.deepEqual(port.sent, []);
  });

  test('listenForProviders serves provider ports only', async () => {
    const listeners: ((port: ProviderPort) => void)[] = [];
    const router = new ScriptedRouter(async () => 'ok');
    listenForProviders({ addListener: (listener) => void listeners.push(listener) }, router, quiet);
    const other = new FakePort(CHROME_SENDER, 'someone-else');
    const provider = new FakePort(CHROME_SENDER);
    for (const listener of listeners) {
      listener(other);
      listener(provider);
    }
    other.receive({ id: 1, request: { method: 'x' } });
    provider.receive({ id: 2, request: { method: 'x' } });
    await settle();
    assert.deepEqual(other.sent, []);
    assert.deepEqual(provider.sent, [{ id: 2, result: 'ok' }]);
  });
});
