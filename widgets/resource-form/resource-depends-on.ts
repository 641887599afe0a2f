/**
 * What a resource needs as well, in `<panda-resource-form>`: others of the festival's
 * resources (an event holds this one only if it also holds those).
 */
import { html, nothing } from 'lit';
import type { KnownResource } from './resource-choices.js';
import type { ResourceForm } from './resource-form-parts.js';

export function resourceDependsOn(form: ResourceForm, others: readonly KnownResource[]) {
  const { values, errors, t } = form;
  return html`<fieldset class="group" aria-describedby="dependsOn-error dependsOn-hint" data-depends-on>
    <legend>${t('rf.dependsOn')} <span class="muted">${t('f.optional')}</span></legend>
    <p id="dependsOn-hint" class="hint muted">${t('rf.dependsOnHint')}</p>
    ${
      others.length === 0
        ? html`<p class="muted">${t('rf.noOthers')}</p>`
        : others.map(
            (item) =>
              html`<label class="choice"
                ><input
                  type="checkbox"
                  name="dependsOn"
                  value=${item.id}
                  .checked=${values.dependsOn.includes(item.id)}
                  @change=${(event: Event) => form.toggle('dependsOn', item.id, (event.target as HTMLInputElement).checked)}
                />
                ${item.title} <span class="muted">(${item.kind})</span></label
              >`,
          )
    }
    <p id="dependsOn-error" class="error" data-error="dependsOn" data-code=${errors.dependsOn?.code ?? nothing} ?hidden=${!errors.dependsOn}>
      ${errors.dependsOn ? t(errors.dependsOn.key) : ''}
    </p>
  </fieldset>`;
}
