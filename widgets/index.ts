/**
 * Panda Kit's widgets: one ES module to load from any page (dist/widgets/panda-widgets.js).
 * Importing it defines `<panda-schedule>`, `<panda-resource>`, `<panda-event-form>` and
 * `<panda-connect>` (unless something defined those names already), and exports their
 * classes and the data layer's public helpers. The in-page peer, used when the visitor has
 * no extension, is a separate chunk loaded only then.
 */
import { PandaConnect } from './connect/panda-connect.js';
import { PandaEventForm } from './event-form/panda-event-form.js';
import { PandaResource } from './resource/panda-resource.js';
import { PandaSchedule } from './schedule/panda-schedule.js';

export { PandaConnect, PandaEventForm, PandaResource, PandaSchedule };

export const ELEMENTS = {
  'panda-schedule': PandaSchedule,
  'panda-resource': PandaResource,
  'panda-event-form': PandaEventForm,
  'panda-connect': PandaConnect,
} as const;

// One call per element (not a loop), so that tools reading the source see each definition.
if (!customElements.get('panda-schedule')) customElements.define('panda-schedule', PandaSchedule);
if (!customElements.get('panda-resource')) customElements.define('panda-resource', PandaResource);
if (!customElements.get('panda-event-form')) customElements.define('panda-event-form', PandaEventForm);
if (!customElements.get('panda-connect')) customElements.define('panda-connect', PandaConnect);

declare global {
  interface HTMLElementTagNameMap {
    'panda-schedule': PandaSchedule;
    'panda-resource': PandaResource;
    'panda-event-form': PandaEventForm;
    'panda-connect': PandaConnect;
  }
}

export type { WidgetSource, PandaProvider, PeerSourceOptions, CreatePeerSource } from './lib/source.js';
export { chooseSource, findProvider, providerSource, staticSource, connectedKey, connectProvider, type ProviderSource } from './lib/sources.js';
export { fromFrabJson, fromProviderQueries, fromScheduleItems, httpUrl, type ScheduleData, type ScheduleEvent, type ScheduleLocation, type FestivalInfo } from './lib/schedule-data.js';
export { exportICal, ICAL_MEDIA_TYPE } from './lib/export-ical.js';
export { exportFrabJson, exportFrabXml } from './lib/export-frab.js';
export { Favourites } from './lib/favourites.js';
export { filterEvents, type ScheduleFilter } from './lib/filter.js';
export { translator, type Lang } from './lib/i18n.js';
