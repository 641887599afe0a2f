/**
 * The background of the end-to-end tests' extension build: main.ts's wiring (the real
 * services, ProviderRouter and port handling) plus three test-only methods, which exist only
 * in this build (the harness bundles it over the copied dist's background.js):
 *
 * - `test_context`: answers with the RequestContext the background derived for the request,
 *   to show that the origin comes from the browser and not from the message;
 * - `test_emit` { event, data }: sends an event to the pages of the caller's origin, the way
 *   the router does (`subscribe`), to show events stay with their origin;
 * - `test_hang`: never answers (a request still waiting when the service worker stops).
 */
import browser from 'webextension-polyfill';
import { listenForProviders } from '../../extension/background/port.js';
import type { Router } from '../../extension/background/router.js';
import { createRouter, createServices, listenForExtensionPages } from '../../extension/background/services.js';

function withTestMethods(router: Router): Router {
  const listeners = new Map<string, Set<(event: string, data: unknown) => void>>();
  return {
    handle(context, request) {
      if (request.method === 'test_context') return Promise.resolve(context);
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

const services = createServices();
listenForProviders(browser.runtime.onConnect, createRouter(services).then(withTestMethods));
listenForExtensionPages(services);
