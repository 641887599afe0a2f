/** The popup's and the approval window's view of the background: `popup_state`. */
import type { ReactiveControllerHost } from 'lit';
import type { PopupPageMethods } from '../shared/popup-protocol.js';
import { BackgroundStateController } from './background-state.js';

export class PopupStateController extends BackgroundStateController<PopupPageMethods, 'popup_state'> {
  constructor(host: ReactiveControllerHost) {
    super(host, 'popup_state');
  }
}
