/**
 * Defines the planner's elements and the widgets it embeds (unless something defined those
 * names already): for planner.ts and the component tests. No extension APIs in here.
 */
import { PandaEventForm } from '../../widgets/event-form/panda-event-form.js';
// Defines <panda-festival-form> and <panda-resource-form>.
import '../../widgets/forms.js';
import { PandaResource } from '../../widgets/resource/panda-resource.js';
import { PandaSchedule } from '../../widgets/schedule/panda-schedule.js';
import { PandaPlannerEvents } from './events/panda-planner-events.js';
import { PandaPlannerFestivals } from './festivals/panda-planner-festivals.js';
import { PandaPlannerFiles } from './files/panda-planner-files.js';
import { PandaPlannerJoin } from './join/panda-planner-join.js';
import { PandaPlanner } from './panda-planner/panda-planner.js';
import { PandaPlannerProfile } from './profile/panda-planner-profile.js';
import { PandaPlannerRequests } from './requests/panda-planner-requests.js';
import { PandaPlannerResources } from './resources/panda-planner-resources.js';
import { PandaPlannerShare } from './share/panda-planner-share.js';

const ELEMENTS: Record<string, CustomElementConstructor> = {
  'panda-planner': PandaPlanner,
  'panda-planner-festivals': PandaPlannerFestivals,
  'panda-planner-files': PandaPlannerFiles,
  'panda-planner-resources': PandaPlannerResources,
  'panda-planner-events': PandaPlannerEvents,
  'panda-planner-requests': PandaPlannerRequests,
  'panda-planner-profile': PandaPlannerProfile,
  'panda-planner-share': PandaPlannerShare,
  'panda-planner-join': PandaPlannerJoin,
  'panda-schedule': PandaSchedule,
  'panda-resource': PandaResource,
  'panda-event-form': PandaEventForm,
};

export function definePlannerElements(): void {
  for (const [name, element] of Object.entries(ELEMENTS)) if (!customElements.get(name)) customElements.define(name, element);
}
