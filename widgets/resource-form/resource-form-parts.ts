/**
 * What the parts of `<panda-resource-form>` render from and with: the form's state as they
 * see it, a labelled field with its message, a text input bound to a value, and the kind.
 */
import { html, nothing } from 'lit';
import type { FormTranslate } from '../lib/form-i18n.js';
import { describedBy, field } from '../shared/form-parts.js';
import type { ResourceErrors, ResourceField, ResourceValues } from './resource-logic.js';

export interface ResourceForm {
  readonly values: ResourceValues;
  readonly errors: ResourceErrors;
  readonly t: FormTranslate;
  /** Changes some values (merged into the values of the moment, not those rendered). */
  set(change: Partial<ResourceValues>): void;
  /** Adds `id` to the list `name` or takes it out. */
  toggle(name: 'members' | 'dependsOn', id: string, on: boolean): void;
}

type TextName = 'title' | 'otherKind' | 'url' | 'latitude' | 'longitude' | 'x' | 'y' | 'z' | 'capacity' | 'quorum';

export interface TextOptions {
  /** The field whose message describes this input. */
  error?: ResourceField;
  type?: string;
  inputmode?: string;
  required?: boolean;
  hint?: boolean;
  placeholder?: string;
  describedBy?: string;
}

const KIND_KEYS = { location: 'rf.kind.location', thing: 'rf.kind.thing', skill: 'rf.kind.skill', other: 'rf.kind.other' } as const;

/** `field` for one of the resource's fields: its message comes from the form's errors. */
export const resourceField = (form: ResourceForm, name: ResourceField, label: string, control: unknown, options: { hint?: string; optional?: boolean } = {}) =>
  field({ id: name, label, error: form.errors[name], t: form.t, ...options }, control);

/** A text input bound to the value `name`. */
export function textInput(form: ResourceForm, name: TextName, options: TextOptions = {}) {
  const error = options.error ? form.errors[options.error] : undefined;
  return html`<input
    id=${name}
    name=${name}
    type=${options.type ?? 'text'}
    inputmode=${options.inputmode ?? nothing}
    placeholder=${options.placeholder ?? nothing}
    maxlength="2000"
    autocomplete="off"
    aria-required=${options.required ? 'true' : 'false'}
    aria-invalid=${error ? 'true' : 'false'}
    aria-describedby=${options.describedBy ?? describedBy(name, options.hint)}
    .value=${form.values[name]}
    @input=${(event: Event) => form.set({ [name]: (event.target as HTMLInputElement).value })}
  />`;
}

/** The kind: one of the built-in ones, or another word. */
export function kindChoice(form: ResourceForm) {
  const { values, errors, t } = form;
  return html`<fieldset class="group" aria-describedby=${values.kind === 'other' ? 'otherKind-error' : 'kind-error'}>
    <legend>${t('rf.kind')}</legend>
    ${(['location', 'thing', 'skill', 'other'] as const).map(
      (kind) =>
        html`<label class="choice"
          ><input type="radio" name="kind" value=${kind} .checked=${values.kind === kind} @change=${() => form.set({ kind })} /> ${t(KIND_KEYS[kind])}</label
        >`,
    )}
    ${
      values.kind === 'other'
        ? field({ id: 'otherKind', name: 'kind', label: t('rf.otherKind'), error: errors.kind, t }, textInput(form, 'otherKind', { error: 'kind' }))
        : html`<p id="kind-error" class="error" data-error="kind" ?hidden=${!errors.kind}>${errors.kind ? t(errors.kind.key) : ''}</p>`
    }
  </fieldset>`;
}
