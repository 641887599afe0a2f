/**
 * The background's entry: Chrome's service worker, Firefox's event page. Listeners are
 * registered in the first turn of the script, as both browsers require of a background that
 * was started by the event it is to handle (a content script's port, a popup's message);
 * what they need is set up asynchronously and awaited per request.
 */
import browser from 'webextension-polyfill';
import { listenForProviders } from './port.js';
import { createRouter, createServices, listenForExtensionPages } from './services.js';

const services = createServices();
const router = createRouter(services);
router.catch((error: unknown) => console.error('Panda Kit: the background could not start', error));
listenForProviders(browser.runtime.onConnect, router);
listenForExtensionPages(services);
