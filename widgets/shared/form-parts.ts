/**
 * Template parts `<panda-festival-form>` and `<panda-resource-form>` share: a labelled field
 * with its message beside it, the notice while the form cannot publish, and the message line
 * under the form (their submit is publish-controller.ts).
 */
import { html, nothing, type TemplateResult } from 'lit';
import { errorText, type FieldError, type FormTranslate } from '../lib/form-i18n.js';
import type { PandaProvider } from '../lib/source.js';
import type { FormMessage } from './publish-controller.js';

export interface FieldOptions {
  /** The control's id; its message is `${id}-error`, its hint `${id}-hint`. */
  id: string;
  label: string;
  error: FieldError | undefined;
  t: FormTranslate;
  hint?: string | undefined;
  optional?: boolean;
  /** The code of the message, for `data-error` (the field's name by default). */
  name?: string;
}

/** A label, the control, a hint and the field's message (announced by the control's aria-describedby). */
export function field(options: FieldOptions, control: unknown): TemplateResult {
  const { id, label, error, t, hint, optional } = options;
  return html`<div class="field" data-field=${options.name ?? id}>
    <label for=${id}>${label}${optional ? html` <span class="muted">${t('f.optional')}</span>` : nothing}</label>
    ${control} ${hint ? html`<p id=${`${id}-hint`} class="hint muted">${hint}</p>` : nothing}
    <p id=${`${id}-error`} class="error" data-error=${options.name ?? id} data-code=${error?.code ?? nothing} ?hidden=${!error}>
      ${error ? errorText(t, error) : ''}
    </p>
  </div>`;
}

/** `aria-describedby` of a control: its message and hint. */
export const describedBy = (id: string, hint = false) => (hint ? `${id}-error ${id}-hint` : `${id}-error`);

/** Why the form is disabled (`text`), with `<panda-connect>` when there is an extension to connect to. */
export const readOnlyNotice = (text: string, provider: PandaProvider | null | undefined) =>
  html`<p part="notice" class="notice" role="note" data-read-only>
    ${text} ${provider ? html`<panda-connect .provider=${provider}></panda-connect>` : nothing}
  </p>`;

/** The message paragraph under a form. */
export const messageLine = (message: FormMessage | undefined) =>
  message ? html`<p part="message" data-message class=${message.alert ? 'error' : ''} role=${message.alert ? 'alert' : 'status'}>${message.text}</p>` : nothing;
