/**
 * The background's entry: Chrome's service worker, Firefox's event page. Listeners are
 * registered in the first turn of the script, as both browsers require of a background that
 * was started by the event it is to handle (a content script's port, a popup's message);
 * what they need is set up asynchronously and awaited per request.
 */
import browser from 'webextension-polyfill';
import { listenForProviders } from './port.js';
import { createRouter, createServices, listenForExtensionPages, OpenPages } from './services.js';

const pages = new OpenPages();
const services = createServices(pages);
services.catch((error: unknown) => console.error('Panda Kit: the background could not start', error));
listenForProviders(browser.runtime.onConnect, createRouter(services));
listenForExtensionPages(services, pages);
// Starting with the browser starts the peer, so festivals replicate without a page asking first.
browser.runtime.onStartup.addListener(() => {});
