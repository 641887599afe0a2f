/** The planner's view of the background: `planner_state`, and the popup's methods beside its own. */
import type { ReactiveControllerHost } from 'lit';
import type { PlannerMethods } from '../../shared/planner-protocol.js';
import type { PopupMethods } from '../../shared/popup-protocol.js';
import { BackgroundStateController } from '../../ui/background-state.js';

export class PlannerStateController extends BackgroundStateController<PlannerMethods & PopupMethods, 'planner_state'> {
  constructor(host: ReactiveControllerHost) {
    super(host, 'planner_state');
  }
}
