/**
 * Where a resource is, in `<panda-resource-form>`: an address, a GPS position (with a link
 * to a public map once both halves are there), a URL (an online room) and a 3D coordinate,
 * each optional.
 */
import { html, nothing } from 'lit';
import { positionOf } from './resource-logic.js';
import { resourceField, textInput, type ResourceForm } from './resource-form-parts.js';

export function resourceWhere(form: ResourceForm) {
  const { values, errors, t } = form;
  const position = positionOf(values);
  return html`<fieldset class="group" data-where>
    <legend>${t('rf.where')} <span class="muted">${t('f.optional')}</span></legend>
    <div class="field">
      <label for="address">${t('rf.address')}</label>
      <textarea
        id="address"
        name="address"
        rows="2"
        maxlength="2000"
        .value=${values.address}
        @input=${(event: Event) => form.set({ address: (event.target as HTMLTextAreaElement).value })}
      ></textarea>
    </div>
    <div class="row">
      ${resourceField(form, 'latitude', t('rf.latitude'), textInput(form, 'latitude', { error: 'latitude', inputmode: 'decimal', placeholder: '52.5200', describedBy: 'latitude-error position-hint' }))}
      ${resourceField(form, 'longitude', t('rf.longitude'), textInput(form, 'longitude', { error: 'longitude', inputmode: 'decimal', placeholder: '13.4050', describedBy: 'longitude-error position-hint' }))}
    </div>
    <p id="position-hint" class="hint muted">${t('rf.positionHint')}</p>
    ${position ? html`<p class="map"><a part="map-link" href=${position.mapUrl} target="_blank" rel="noopener" data-geo=${position.uri}>${t('rf.onMap')}</a> <span class="muted key">${position.uri}</span></p>` : nothing}
    ${resourceField(form, 'url', t('rf.url'), textInput(form, 'url', { error: 'url', type: 'url', placeholder: 'https://' }))}
    <fieldset class="coordinate" aria-describedby="coordinate-error">
      <legend>${t('rf.coordinate')}</legend>
      <div class="row">
        ${(['x', 'y', 'z'] as const).map(
          (axis) =>
            html`<div class="field">
              <label for=${axis}>${axis}</label>${textInput(form, axis, { error: 'coordinate', inputmode: 'decimal', describedBy: 'coordinate-error' })}
            </div>`,
        )}
      </div>
      <p id="coordinate-error" class="error" data-error="coordinate" data-code=${errors.coordinate?.code ?? nothing} ?hidden=${!errors.coordinate}>
        ${errors.coordinate ? t(errors.coordinate.key, errors.coordinate.params) : ''}
      </p>
    </fieldset>
  </fieldset>`;
}
