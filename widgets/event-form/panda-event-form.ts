/**
 * `<panda-event-form>`: create or edit an event, signed in the extension.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { errorMessage, translator, type Lang, type MessageKey, type Translate } from '../lib/i18n.js';
import type { PandaProvider, WidgetSource } from '../lib/source.js';
import { errorCode } from '../lib/sources.js';
import { formatTimeZoneName } from '../lib/time.js';
import { baseStyles } from '../shared/base.styles.js';
import { emit, langOf, words } from '../shared/dom.js';
import { SourceController } from '../shared/source-controller.js';
import { formStyles } from './event-form.styles.js';
import { publishParams, resourceOptions, resourcesOf, validate, valuesOf, type FormErrors, type FormValues, type ResourceOption } from './form-logic.js';

const empty = (): FormValues => ({ title: '', description: '', start: '', end: '', resources: [] });

/**
 * @tag panda-event-form
 * @summary A form to create an event (and request resources for it) or to edit one; the
 * visitor signs it in the Panda Kit extension.
 *
 * Times are entered in the festival's time zone. Without the extension (or before the site
 * is connected) the form is disabled and says why.
 *
 * @attr {string} lang - Language of the interface (en or de): this attribute, else the nearest ancestor's `lang`, else the browser's.
 *
 * @fires panda-event-published - The extension signed and published the event. `detail: { documentId, operationId }`.
 * @fires panda-source-change - Where the data comes from changed. `detail: { kind, writable }`.
 *
 * @csspart form - The form.
 * @csspart title - Its heading.
 * @csspart notice - The notice shown while it cannot be used.
 * @csspart submit - The submit button.
 * @csspart message - Waiting, success and error messages.
 *
 * @cssprop --panda-color-accent - The submit button and focus rings.
 * @cssprop --panda-color-denied - Validation messages.
 * @cssprop --panda-color-border - Field borders.
 * @cssprop --panda-color-text - Text colour.
 * @cssprop --panda-color-background - Background colour.
 */
export class PandaEventForm extends LitElement {
  static override properties = {
    festival: {},
    event: {},
    resources: {},
    signaling: {},
    secret: {},
    lang: { reflect: true },
    source: { attribute: false },
    provider: { attribute: false },
    extraResources: { attribute: false },
    known: { state: true, attribute: false },
    values: { state: true, attribute: false },
    errors: { state: true, attribute: false },
    busy: { state: true, attribute: false },
    message: { state: true, attribute: false },
  };
  static override styles = [baseStyles, formStyles];

  /** The festival's document id. */
  declare festival: string;
  /** The document id of an event to edit; without it the form creates one. */
  declare event: string | undefined;
  /** Resource ids to request, checked from the start (space-separated). */
  declare resources: string | undefined;
  /** y-webrtc signaling servers (space-separated), as for `<panda-schedule>`. */
  declare signaling: string | undefined;
  declare secret: string | undefined;
  /** A data source to use instead of choosing one. */
  declare source: WidgetSource | undefined;
  /** The provider to publish through when the source has none (null: none). */
  declare provider: PandaProvider | null | undefined;
  /** Resources to offer besides those the schedule knows (e.g. the one `<panda-resource>` shows). */
  declare extraResources: ResourceOption[];
  /** Every resource of the festival (the `resources` query), undefined where the source cannot say. */
  declare private known: ResourceOption[] | undefined;
  declare private values: FormValues;
  declare private errors: FormErrors;
  declare private busy: boolean;
  declare private message: { text: string; alert: boolean } | undefined;

  private readonly data = new SourceController(this, () => {
    this.#prefill();
    void this.#queryResources();
  });
  #prefilledFor: string | undefined;
  #queries = 0;
  #t: Translate = translator('en');
  #lang: Lang = 'en';

  constructor() {
    super();
    this.festival = '';
    this.extraResources = [];
    this.values = empty();
    this.errors = {};
    this.busy = false;
  }

  get #zone(): string {
    return this.data.data?.festival.timezone ?? 'UTC';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    ({ lang: this.#lang } = langOf(this));
    this.#t = translator(this.#lang);
    if (changed.has('event') || changed.has('resources')) this.#prefill();
  }

  #prefill(): void {
    const key = `${this.event ?? ''}|${this.resources ?? ''}`;
    if (this.event) {
      const event = this.data.data?.events.find((item) => item.id === this.event);
      if (!event || this.#prefilledFor === key) return;
      this.values = valuesOf(event, this.#zone);
    } else if (this.#prefilledFor !== key) {
      this.values = { ...this.values, resources: words(this.resources) };
    }
    this.#prefilledFor = key;
  }

  /**
   * The festival's resources, each one: the schedule alone names only those that events
   * request already, so a new festival's form would offer none of its venues.
   */
  async #queryResources(): Promise<void> {
    const source = this.data.current;
    const festivalId = this.festival || this.data.data?.festival.id;
    const generation = ++this.#queries;
    if (!source || !festivalId || source.kind === 'frab') return;
    let known: ResourceOption[] | undefined;
    try {
      known = resourcesOf(await source.query({ query: 'resources', festivalId }));
    } catch {
      known = undefined; // an extension without the query: the schedule's resources still show
    }
    if (generation === this.#queries) this.known = known;
  }

  #set(change: Partial<FormValues>): void {
    this.values = { ...this.values, ...change };
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const provider = this.data.publisher;
    if (!provider || this.busy) return;
    const checked = validate(this.values, this.#zone);
    this.errors = checked.errors;
    this.message = undefined;
    if (checked.start === undefined || checked.end === undefined) {
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const festivalId = this.festival || this.data.data?.festival.id || '';
    const params = publishParams(this.values, { start: checked.start, end: checked.end }, this.event ? { documentId: this.event } : { festivalId });
    this.busy = true;
    this.message = { text: this.#t('form.waiting'), alert: false };
    try {
      const result = (await provider.request({ method: 'panda_publish', params })) as { documentId?: string; operationId?: string } | null;
      const documentId = result?.documentId ?? this.event ?? '';
      // Owners are asked only about what was requested: nothing requested, nobody asked.
      this.message = { text: this.#t(this.event ? 'form.saved' : this.values.resources.length > 0 ? 'form.created' : 'form.createdNoRequests'), alert: false };
      if (!this.event) this.values = { ...empty(), resources: words(this.resources) };
      emit(this, 'panda-event-published', { documentId, operationId: result?.operationId });
    } catch (error) {
      // The person declining in the extension is a choice, not a failure.
      this.message = errorCode(error) === 4001 ? { text: this.#t('error.rejected'), alert: false } : { text: errorMessage(this.#lang, error), alert: true };
    } finally {
      this.busy = false;
    }
  }

  #field(name: 'title' | 'start' | 'end', label: string, input: unknown) {
    const error = this.errors[name];
    return html`<div class="field">
      <label for=${name}>${label}</label>
      ${input}
      <p id=${`${name}-error`} class="error" data-error=${name} ?hidden=${!error}>${error ? (this.#t as (key: MessageKey) => string)(error) : ''}</p>
    </div>`;
  }

  override render() {
    const t = this.#t;
    const writable = this.data.publisher !== undefined;
    const data = this.data.data;
    const options = resourceOptions(data, [...(this.known ?? []), ...this.extraResources]);
    const zone = data ? formatTimeZoneName(this.#zone, langOf(this).locale, data.festival.start) : '';
    const invalid = (name: keyof FormErrors) => (this.errors[name] ? 'true' : 'false');
    return html`<form part="form" novalidate aria-labelledby="form-title" @submit=${this.#submit}>
      <h2 id="form-title" part="title">${this.event ? t('form.editEvent') : t('form.newEvent')}</h2>
      ${
        !writable && this.data.current
          ? html`<p part="notice" class="notice" role="note" data-read-only>
              ${t('form.readOnly')} ${this.data.provider ? html`<panda-connect .provider=${this.data.provider}></panda-connect>` : nothing}
            </p>`
          : nothing
      }
      ${this.data.error ? html`<p class="error" role="alert">${errorMessage(this.#lang, this.data.error)}</p>` : nothing}
      <fieldset class="fields" ?disabled=${!writable || this.busy}>
        <legend class="sr">${t('form.label')}</legend>
        ${this.#field(
          'title',
          t('form.title'),
          html`<input
            id="title"
            name="title"
            maxlength="300"
            autocomplete="off"
            aria-required="true"
            aria-invalid=${invalid('title')}
            aria-describedby="title-error"
            .value=${this.values.title}
            @input=${(event: Event) => this.#set({ title: (event.target as HTMLInputElement).value })}
          />`,
        )}
        <div class="field">
          <label for="description">${t('form.description')}</label>
          <textarea
            id="description"
            name="description"
            rows="4"
            maxlength="10000"
            .value=${this.values.description}
            @input=${(event: Event) => this.#set({ description: (event.target as HTMLTextAreaElement).value })}
          ></textarea>
        </div>
        <div class="times">
          ${this.#field(
            'start',
            t('form.start'),
            html`<input
              id="start"
              name="start"
              type="datetime-local"
              aria-required="true"
              aria-invalid=${invalid('start')}
              aria-describedby="start-error zone"
              .value=${this.values.start}
              @input=${(event: Event) => this.#set({ start: (event.target as HTMLInputElement).value })}
            />`,
          )}
          ${this.#field(
            'end',
            t('form.end'),
            html`<input
              id="end"
              name="end"
              type="datetime-local"
              aria-required="true"
              aria-invalid=${invalid('end')}
              aria-describedby="end-error zone"
              .value=${this.values.end}
              @input=${(event: Event) => this.#set({ end: (event.target as HTMLInputElement).value })}
            />`,
          )}
        </div>
        <p id="zone" class="muted">${zone ? t('time.zoneNote', { zone }) : ''}</p>
        <fieldset class="resources">
          <legend>${t('form.resources')}</legend>
          ${
            options.length === 0
              ? html`<p class="muted">${t('form.noResources')}</p>`
              : options.map(
                  (option) =>
                    html`<label class="check"
                      ><input
                        type="checkbox"
                        name="resources"
                        value=${option.id}
                        .checked=${this.values.resources.includes(option.id)}
                        @change=${(event: Event) => {
                          const on = (event.target as HTMLInputElement).checked;
                          const rest = this.values.resources.filter((id) => id !== option.id);
                          this.#set({ resources: on ? [...rest, option.id] : rest });
                        }}
                      />
                      ${option.title}${option.kind ? html` <span class="muted">(${option.kind})</span>` : nothing}</label
                    >`,
                )
          }
        </fieldset>
        <div class="actions">
          <button part="submit" class="primary" type="submit">${this.event ? t('form.save') : t('form.submit')}</button>
        </div>
      </fieldset>
      ${this.message ? html`<p part="message" data-message class=${this.message.alert ? 'error' : ''} role=${this.message.alert ? 'alert' : 'status'}>${this.message.text}</p>` : nothing}
    </form>`;
  }
}
