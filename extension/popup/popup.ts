/**
 * The toolbar popup's entry: defines `<panda-popup>` and connects it to the background. The
 * only popup module that touches extension APIs (webextension-polyfill throws elsewhere).
 */
import browser from 'webextension-polyfill';
import { createPopupClient } from '../shared/popup-client.js';
import { PandaPopup } from './panda-popup.js';

customElements.define('panda-popup', PandaPopup);
document.querySelector('panda-popup')!.client = createPopupClient(browser.runtime);
