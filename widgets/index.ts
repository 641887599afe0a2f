/**
 * Panda Kit's widgets: one ES module to load from any page (dist/widgets/panda-widgets.js).
 * Importing it defines `<panda-schedule>`, `<panda-resource>`, `<panda-event-form>` and
 * `<panda-connect>` (unless something defined those names already), and exports their
 * classes and the data layer's public helpers. The in-page peer, used when the visitor has
 * no extension, is a separate chunk loaded only then; so are `<panda-festival-form>` and
 * `<panda-resource-form>` (widgets/forms.ts), loaded as soon as the page has one of them
 * (or calls `loadForms()`, e.g. before putting one into a shadow root), and the frab exporters
 * (`loadFrabExport()`).
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

const FORM_TAGS = 'panda-festival-form, panda-resource-form';
let forms: Promise<typeof import('./forms.js')> | undefined;

/** Loads the chunk that defines `<panda-festival-form>` and `<panda-resource-form>` (once); resolves with its exports. */
export function loadForms(): Promise<typeof import('./forms.js')> {
  forms ??= import('./forms.js');
  return forms;
}

// The page's own document: the forms load when one is there or added (elements inside other
// shadow roots are not seen: call loadForms() for those).
if (typeof document !== 'undefined') {
  const found = (node: Node) => node instanceof Element && (node.matches(FORM_TAGS) || node.querySelector(FORM_TAGS) !== null);
  if (document.querySelector(FORM_TAGS)) void loadForms();
  else {
    const observer = new MutationObserver((records) => {
      if (!records.some((record) => Array.from(record.addedNodes).some(found))) return;
      observer.disconnect();
      void loadForms();
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
  }
}

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
export {
  fromFrabJson,
  fromProviderQueries,
  fromScheduleItems,
  httpUrl,
  type ScheduleData,
  type ScheduleEvent,
  type ScheduleLocation,
  type FestivalInfo,
} from './lib/schedule-data.js';
/** Loads the iCalendar exporter (its own chunk: few pages export); resolves with `exportICal`, `exportEventICal` and `ICAL_MEDIA_TYPE`. */
export const loadICalExport = (): Promise<typeof import('./lib/export-ical.js')> => import('./lib/export-ical.js');
/** Loads the frab/c3voc exporters (their own chunk: few pages export); resolves with `exportFrabJson` and `exportFrabXml`. */
export const loadFrabExport = (): Promise<typeof import('./lib/export-frab.js')> => import('./lib/export-frab.js');
export { Favourites } from './lib/favourites.js';
export { filterEvents, type ScheduleFilter } from './lib/filter.js';
export { translator, type Lang } from './lib/i18n.js';
