/**
 * The approval window's entry: defines `<panda-approval>` and connects it to the
 * background. The only approval module that touches extension APIs.
 */
import browser from 'webextension-polyfill';
import { createPopupClient } from '../shared/popup-client.js';
import { PandaApproval } from './panda-approval.js';

customElements.define('panda-approval', PandaApproval);
document.querySelector('panda-approval')!.client = createPopupClient(browser.runtime);
