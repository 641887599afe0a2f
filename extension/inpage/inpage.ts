/**
 * The in-page provider's entry: a content script in the page's own world (MAIN), injected at
 * document_start in every http(s) frame, before the page's scripts run. Frames with an opaque
 * origin (sandboxed iframes) get no provider: they have no origin a grant could belong to.
 */
import { announceProvider, createProvider } from './provider.js';

if (window.origin !== 'null') announceProvider(window, createProvider(window));
