/**
 * The toolbar popup's entry: defines `<panda-popup>` and connects it to the background. The
 * only popup module that touches extension APIs (webextension-polyfill throws elsewhere).
 */
import browser from 'webextension-polyfill';
import { createPopupClient } from '../shared/popup-client.js';
import { PandaPopup } from './panda-popup.js';

customElements.define('panda-popup', PandaPopup);
const popup = document.querySelector('panda-popup')!;
popup.openPlanner = () => {
  void browser.tabs.create({ url: browser.runtime.getURL('planner.html') }).then(() => window.close());
};
popup.client = createPopupClient(browser.runtime);
