/**
 * The background of the end-to-end tests' extension build: main.ts's wiring (the real
 * services, ProviderRouter and port handling) plus test-only methods, which exist only in
 * this build (the harness bundles it over the copied dist's background.js):
 *
 * - `test_context` { mark? }: answers with the RequestContext the background derived for the request (kept by `mark`, and `test_contextOf` { mark } answers it later),
 *   to show that the origin comes from the browser and not from the message;
 * - `test_emit` { event, data }: sends an event to the pages of the caller's origin, the way
 *   the router does (`subscribe`), to show events stay with their origin;
 * - `test_hang`: never answers (a request still waiting when the service worker stops);
 * - `test_decide` { origin, decision }: answers the question `origin` is waiting on, as the
 *   person would in the approval window (Firefox: WebDriver BiDi cannot reach moz-extension:
 *   pages, so its tests cannot click there);
 * - `test_entry` { operationId }: the stored entry and operation as hex (Firefox: the test
 *   cannot read the extension's IndexedDB);
 * - `test_holdsPrivateKey` { text }: whether `text` contains any identity's private key (the
 *   answer is a boolean, so the key itself never crosses).
 */
import browser from 'webextension-polyfill';
import { listenForProviders } from '../../extension/background/port.js';
import type { Router } from '../../extension/background/router.js';
import { bytesToHex } from '../../core/index.js';
import type { Decision } from '../../extension/background/approvals.js';
import { createRouter, createServices, listenForExtensionPages, OpenPages, type BackgroundServices } from '../../extension/background/services.js';

function withTestMethods(router: Router, services: BackgroundServices): Router {
  const listeners = new Map<string, Set<(event: string, data: unknown) => void>>();
  // Contexts of `test_context` calls by their `mark`, for requests whose answer the page cannot see.
  const marked = new Map<string, unknown>();
  return {
    async handle(context, request) {
      if (request.method === 'test_context') {
        const mark = (request.params as { mark?: unknown } | undefined)?.mark;
        if (typeof mark === 'string') marked.set(mark, context);
        return context;
      }
      if (request.method === 'test_contextOf') return marked.get(String((request.params as { mark?: unknown } | undefined)?.mark)) ?? null;
      if (request.method === 'test_decide') {
        const { decision, origin } = (request.params ?? {}) as { decision: Decision; origin: string };
        for (let tries = 0; tries < 200; tries++) {
          const waiting = services.approvals.pending().find((item) => item.origin === origin);
          if (waiting) return services.approvals.decide(waiting.id, decision);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        return false;
      }
      if (request.method === 'test_entry') {
        const id = String((request.params as { operationId?: unknown } | undefined)?.operationId);
        const [entry, operation] = [await services.node.store.getEntryByHash(id), await services.node.store.getOperation(id)];
        return entry && operation ? { entry: bytesToHex(entry.bytes), operation: bytesToHex(operation.bytes) } : null;
      }
      if (request.method === 'test_holdsPrivateKey') {
        const text = String((request.params as { text?: unknown } | undefined)?.text);
        return services.vault.identities().some((identity) => text.includes(services.vault.keyPair(identity.id).privateKey()));
      }
      if (request.method === 'test_hang') return new Promise(() => {});
      if (request.method === 'test_emit') {
        const { event, data } = (request.params ?? {}) as { event?: string; data?: unknown };
        for (const listener of listeners.get(context.origin) ?? []) listener(String(event), data);
        return Promise.resolve(true);
      }
      return router.handle(context, request);
    },
    subscribe(origin, listener) {
      let set = listeners.get(origin);
      if (!set) listeners.set(origin, (set = new Set()));
      set.add(listener);
      const unsubscribe = router.subscribe(origin, listener);
      return () => {
        set.delete(listener);
        unsubscribe();
      };
    },
  };
}

const pages = new OpenPages();
const services = createServices(pages);
listenForProviders(
  browser.runtime.onConnect,
  Promise.all([createRouter(services), services]).then(([router, ready]) => withTestMethods(router, ready)),
);
listenForExtensionPages(services, pages);
