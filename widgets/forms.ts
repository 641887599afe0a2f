/**
 * The festival and resource forms: a chunk of their own (loaded by widgets/index.ts only when
 * a page has one of them, or calls `loadForms()`), so that pages showing a schedule do not
 * carry them. Importing this module defines `<panda-festival-form>` and
 * `<panda-resource-form>` (unless something defined those names already); the planner
 * imports it directly.
 */
import { PandaFestivalForm } from './festival-form/panda-festival-form.js';
import { PandaResourceForm } from './resource-form/panda-resource-form.js';

export { PandaFestivalForm, PandaResourceForm };
export {
  emptyFestival,
  festivalPublishParams,
  festivalValuesOf,
  timeZoneOptions,
  validateFestival,
  type FestivalChoice,
  type FestivalErrors,
  type FestivalFields,
  type FestivalValues,
} from './festival-form/festival-logic.js';
export {
  allMembers,
  emptyResource,
  geoUri,
  positionOf,
  resourcePublishParams,
  resourceValuesOf,
  validateResource,
  POLICIES,
  RESOURCE_KINDS,
  type ResourceErrors,
  type ResourceFields,
  type ResourceValues,
} from './resource-form/resource-logic.js';
export { errorText, fieldError, formTranslator, type FieldError, type FormMessageKey } from './lib/form-i18n.js';

if (!customElements.get('panda-festival-form')) customElements.define('panda-festival-form', PandaFestivalForm);
if (!customElements.get('panda-resource-form')) customElements.define('panda-resource-form', PandaResourceForm);

declare global {
  interface HTMLElementTagNameMap {
    'panda-festival-form': PandaFestivalForm;
    'panda-resource-form': PandaResourceForm;
  }
}
