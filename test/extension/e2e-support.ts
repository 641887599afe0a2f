/**
 * What the extension's end-to-end tests share: the build (rebuilt only when a source is newer
 * than dist/extension), a copy of it with the test background (e2e-background.ts), two local
 * origins serving a test page and a frame, and the page-side helpers (`window.T`).
 *
 * Page code is sent as strings: tsx compiles this file with names kept, and the helper it
 * would wrap functions in does not exist in the page.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CBOR_X, CBOR_X_NO_EVAL, ensureExtensionBuilt } from '../../extension/build/rollup.js';
import type { ExtensionTarget } from '../../extension/manifest.js';
import { writeBrowserBundle } from '../browser-bundle.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

/** dist/extension/<target>, built first if any source changed since. */
export async function builtExtension(target: ExtensionTarget): Promise<string> {
  const { dir } = await ensureExtensionBuilt({ root: ROOT });
  return join(dir, target);
}

/**
 * A test-only content script (in the copy's manifest, beside the real one): on the page's
 * `panda-kit-test:probe` message it reads everything extension storage gives a content
 * script (storage.local, storage.session) and answers with it as text, or with the error the
 * browser gave. It is what any content script of the extension could read in any page.
 */
const PROBE = String.raw`
const api = globalThis.browser ?? globalThis.chrome;
const read = (area) => area ? area.get(null).then((items) => JSON.stringify(items), (error) => 'refused: ' + (error && error.message)) : Promise.resolve('absent');
window.addEventListener('message', async (event) => {
  if (event.source !== window || !event.data || event.data.target !== 'panda-kit-test:probe') return;
  let local, session;
  try { local = await read(api.storage.local); } catch (error) { local = 'refused: ' + error.message; }
  try { session = await read(api.storage.session); } catch (error) { session = 'refused: ' + error.message; }
  window.postMessage({ target: 'panda-kit-test:probe-result', local, session }, '*');
});
`;

/** A temporary copy of the built extension whose background.js has the test-only methods, with the test-only content script PROBE. */
export async function testExtension(target: ExtensionTarget): Promise<{ dir: string; remove: () => void }> {
  const source = await builtExtension(target);
  const dir = mkdtempSync(join(tmpdir(), `panda-kit-${target}-`));
  cpSync(source, dir, { recursive: true });
  writeFileSync(join(dir, 'test-probe.js'), PROBE);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { content_scripts: unknown[] };
  manifest.content_scripts.push({ matches: ['http://*/*', 'https://*/*'], js: ['test-probe.js'], run_at: 'document_start' });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  await writeBrowserBundle({
    entryPoints: [join(ROOT, 'test/extension/e2e-background.ts')],
    outfile: join(dir, 'background.js'),
    allowOverwrite: true,
    alias: { [CBOR_X]: CBOR_X_NO_EVAL },
  });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs in the test page and the frame: `window.T`. */
const HELPERS = String.raw`
window.T = {
  announcements: [],
  events: [],
  discover() {
    return new Promise((resolve) => {
      window.addEventListener('panda:announceProvider', (event) => resolve(event.detail), { once: true });
      window.dispatchEvent(new Event('panda:requestProvider'));
    });
  },
  /** The announced detail, or null if none comes within \`ms\`. */
  discoverWithin(ms) {
    return Promise.race([T.discover().then((detail) => detail.info.name), new Promise((resolve) => setTimeout(() => resolve(null), ms))]);
  },
  async provider() {
    return (await T.discover()).provider;
  },
  async summary() {
    const first = await T.discover();
    const second = await T.discover();
    const { info, provider } = first;
    let assigned = 'no';
    try { provider.request = () => 'hijacked'; assigned = provider.request === first.provider.request ? 'ignored' : 'replaced'; } catch { assigned = 'threw'; }
    return {
      info: { uuid: info.uuid, name: info.name, icon: info.icon, rdns: info.rdns },
      frozen: Object.isFrozen(first) && Object.isFrozen(info) && Object.isFrozen(provider),
      same: first === second,
      keys: Object.keys(provider).sort(),
      assigned,
      origin: window.origin,
    };
  },
  async request(args) {
    const provider = await T.provider();
    return provider.request(args).then(
      (result) => (T.wire.push(JSON.stringify(result)), { result }),
      (error) => (T.wire.push(JSON.stringify(error)), { error: { code: error.code, message: error.message, isError: error instanceof Error } }),
    );
  },
  // A request posted by hand in the relay's shape: its answer goes to the provider's own port,
  // which the page never sees, so what the background made of it is asked for afterwards.
  async forge(message) {
    window.postMessage(message, '*');
    const provider = await T.provider();
    return { result: await provider.request({ method: 'test_contextOf', params: { mark: message.request.params.mark } }) };
  },
  /** What the test-only content script reads of extension storage. */
  probe() {
    return new Promise((resolve) => {
      const listener = (event) => {
        if (event.source === window && event.data && event.data.target === 'panda-kit-test:probe-result') {
          window.removeEventListener('message', listener);
          resolve({ local: event.data.local, session: event.data.session });
        }
      };
      window.addEventListener('message', listener);
      window.postMessage({ target: 'panda-kit-test:probe' }, '*');
    });
  },
  async listen(name) {
    (await T.provider()).on(name, (data) => T.events.push({ name, data }));
    return true;
  },
  pending: null,
  async startHanging() {
    T.pending = (await T.provider()).request({ method: 'test_hang' }).then((result) => ({ result }), (error) => ({ error: { code: error.code, message: error.message } }));
    return true;
  },
};
window.addEventListener('panda:announceProvider', (event) => T.announcements.push(event.detail.info.uuid));
// Everything that reaches the page, as text: the window messages between the page and the
// content script (requests), and every answer the provider gives (T.request adds them).
window.T.wire = [];
window.addEventListener('message', (event) => T.wire.push(JSON.stringify(event.data)));
`;

export interface TestSites {
  /**
   * http://127.0.0.1:<port>: the test page, with the frame at `/`, without at `/plain`, under
   * a strict Content Security Policy at `/csp`, with the frame sandboxed at `/sandboxed`.
   */
  page: string;
  /** http://localhost:<port2>: the frame's origin. */
  frame: string;
  close(): Promise<void>;
}

const NONCE = 'panda-kit-test';

function html(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Panda Kit test</title><script nonce="${NONCE}">${HELPERS}</script></head><body>${body}</body></html>`;
}

/** Two origins: the page on 127.0.0.1, the frame on localhost (another port). */
export async function serveTestSites(): Promise<TestSites> {
  const listen = (server: Server) => new Promise<number>((done) => server.listen(0, '127.0.0.1', () => done((server.address() as AddressInfo).port)));
  let framePort = 0;
  const pageServer = createServer((request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    if (request.url === '/') response.end(html(`<h1>page</h1><iframe src="http://localhost:${framePort}/frame" width="300" height="100"></iframe>`));
    else if (request.url === '/plain') response.end(html('<h1>plain</h1>'));
    else if (request.url === '/csp') {
      // A strict page policy: only its own nonce'd script may run.
      response.setHeader('content-security-policy', `default-src 'none'; script-src 'nonce-${NONCE}'`);
      response.end(html('<h1>strict CSP</h1>'));
    } else if (request.url === '/sandboxed') {
      // A sandboxed frame (scripts allowed, opaque origin).
      response.end(
        html(`<h1>sandboxed frame</h1><iframe sandbox="allow-scripts" src="http://localhost:${framePort}/frame" width="300" height="100"></iframe>`),
      );
    } else {
      response.statusCode = 404;
      response.end('not found');
    }
  });
  const frameServer = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8');
    response.end(html('<p>frame</p>'));
  });
  const pagePort = await listen(pageServer);
  framePort = await listen(frameServer);
  const close = (server: Server) => new Promise<void>((done) => server.close(() => done()));
  return {
    page: `http://127.0.0.1:${pagePort}`,
    frame: `http://localhost:${framePort}`,
    close: async () => {
      pageServer.closeAllConnections();
      frameServer.closeAllConnections();
      await Promise.all([close(pageServer), close(frameServer)]);
    },
  };
}

/** What the helpers' `summary()` returns. */
export interface Summary {
  info: { uuid: string; name: string; icon: string; rdns: string };
  frozen: boolean;
  same: boolean;
  keys: string[];
  assigned: string;
  origin: string;
}

export type Answer = { result: unknown } | { error: { code: number; message: string; isError?: boolean } };

/** The JavaScript expression calling helper `name` with JSON arguments. */
export const call = (name: string, ...args: unknown[]) => `T.${name}(${args.map((arg) => JSON.stringify(arg)).join(', ')})`;

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** What playwright's and puppeteer's pages and frames both offer the helpers below. */
export interface Evaluating {
  evaluate(expression: string): Promise<unknown>;
}

/** `expression` evaluated in `target`, failing after 10 s. */
export const evaluate = <T>(target: Evaluating, expression: string): Promise<T> => withTimeout(target.evaluate(expression) as Promise<T>, 10_000, expression);

/** A request from the helpers' page in `target`, answered (or failing after `ms`). */
export const ask = (target: Evaluating, request: { method: string; params?: unknown }, ms = 20_000): Promise<Answer> =>
  withTimeout(target.evaluate(call('request', request)) as Promise<Answer>, ms, request.method);

/** The result of an answer that must have succeeded. */
export function resultOf<T>(answer: Answer): T {
  if (!('result' in answer)) throw new Error(`expected a result: ${JSON.stringify(answer)}`);
  return answer.result as T;
}

export const errorCode = (answer: Answer): number | undefined => ('error' in answer ? answer.error.code : undefined);

/** The frame from `origin` in `page`, once its helpers are there. */
export async function frameOf<F extends { url(): string; waitForFunction(expression: string): Promise<unknown> }>(
  page: { frames(): F[] },
  origin: string,
): Promise<F> {
  for (let tries = 0; tries < 100; tries++) {
    const frame = page.frames().find((candidate) => candidate.url().startsWith(origin));
    if (frame) {
      await frame.waitForFunction('window.T !== undefined');
      return frame;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no frame from ${origin}`);
}
