/**
 * `<panda-festival-form>`: create a festival or sub-festival, or edit one, signed in the
 * extension. The logic is festival-logic.ts (shared with the planner).
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { formTranslator, type FormTranslate } from '../lib/form-i18n.js';
import { type Lang } from '../lib/i18n.js';
import type { PandaProvider } from '../lib/source.js';
import { formatTimeZoneName } from '../lib/time.js';
import { fromInputValue } from '../event-form/form-logic.js';
import { baseStyles } from '../shared/base.styles.js';
import { emit, langOf } from '../shared/dom.js';
import { describedBy, field, messageLine, readOnlyNotice } from '../shared/form-parts.js';
import { ProviderController } from '../shared/provider-controller.js';
import { PublishController } from '../shared/publish-controller.js';
import { formStyles } from '../event-form/event-form.styles.js';
import { knownFestivals, type KnownFestival } from './festival-choices.js';
import { festivalFormStyles } from './festival-form.styles.js';
import {
  emptyFestival,
  festivalPublishParams,
  festivalValuesOf,
  timeZoneOptions,
  validateFestival,
  type FestivalChoice,
  type FestivalErrors,
  type FestivalField,
  type FestivalValues,
} from './festival-logic.js';

/**
 * @tag panda-festival-form
 * @summary A form to create a festival (or a sub-festival of one) or to edit one; the
 * visitor signs it in the Panda Kit extension.
 *
 * Start and end are entered in the festival's time zone, chosen from a list that starts at
 * the browser's. Every value is checked with the festival model's own rules before anything
 * is signed; each message stands next to its field. Without the extension (or before the
 * site is connected) the form is disabled and says why.
 *
 * @attr {string} lang - Language of the interface (en or de): this attribute, else the nearest ancestor's `lang`, else the browser's.
 *
 * @fires panda-festival-published - The extension signed and published the festival. `detail: { documentId, operationId, action }` (`action`: create or update).
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
export class PandaFestivalForm extends LitElement {
  static override properties = {
    festival: {},
    parent: {},
    lang: { reflect: true },
    provider: { attribute: false },
    festivals: { attribute: false },
    values: { state: true, attribute: false },
    errors: { state: true, attribute: false },
    known: { state: true, attribute: false },
  };
  static override styles = [baseStyles, formStyles, festivalFormStyles];

  /** The document id of a festival to edit; without it the form creates one. */
  declare festival: string | undefined;
  /** For a new festival: the id of the festival it is part of (preselected; the visitor may change it). */
  declare parent: string | undefined;
  /** The provider to sign through instead of the page's extension (null: none). `{ request({ method, params }), on, removeListener }`. */
  declare provider: PandaProvider | null | undefined;
  /** The festivals one may pick as parent; without it the form asks the provider (`panda_festivals`). */
  declare festivals: FestivalChoice[] | undefined;
  declare private values: FestivalValues;
  declare private errors: FestivalErrors;
  declare private known: KnownFestival[];

  private readonly connection = new ProviderController(this, () => void this.#load());
  private readonly publishing = new PublishController(this, () => this.connection.publisher);
  #prefilledFor: string | undefined;
  #zoneChosen = false;
  #loading = 0;
  #t: FormTranslate = formTranslator('en');
  #lang: Lang = 'en';
  #locale = 'en';

  constructor() {
    super();
    this.values = emptyFestival();
    this.errors = {};
    this.known = [];
  }

  get #choices(): Array<FestivalChoice & Partial<KnownFestival>> {
    return this.festivals ?? this.known;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    ({ lang: this.#lang, locale: this.#locale } = langOf(this));
    this.#t = formTranslator(this.#lang);
    if ((changed.has('parent') || changed.has('festival')) && !this.festival && this.#prefilledFor !== `|${this.parent ?? ''}`) {
      this.values = { ...this.values, parent: this.parent ?? '' };
      this.#prefilledFor = `|${this.parent ?? ''}`;
    }
    if (changed.has('festival') || changed.has('festivals')) this.#prefill();
  }

  /** The festivals the extension holds, for the parent list and the one being edited. */
  async #load(): Promise<void> {
    const provider = this.connection.publisher;
    const generation = ++this.#loading;
    if (!provider) return;
    let known: KnownFestival[];
    try {
      known = await knownFestivals(provider, this.festival);
    } catch {
      known = [];
    }
    if (generation !== this.#loading) return;
    this.known = known;
    this.#prefill();
  }

  /** A new sub-festival starts in its parent's time zone, until the visitor picks another. */
  #parentZone(): void {
    if (this.festival || this.#zoneChosen) return;
    const parent = this.#choices.find((item) => item.id === this.values.parent);
    if (parent && parent.timezone !== this.values.timezone) this.values = { ...this.values, timezone: parent.timezone };
  }

  #prefill(): void {
    this.#parentZone();
    if (!this.festival || this.#prefilledFor === this.festival) return;
    const festival = this.#choices.find((item) => item.id === this.festival);
    if (!festival) return;
    this.values = festivalValuesOf(festival);
    this.#prefilledFor = this.festival;
  }

  #set(change: Partial<FestivalValues>): void {
    this.values = { ...this.values, ...change };
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const context: { festivals?: FestivalChoice[]; self?: string } = { festivals: this.#choices };
    if (this.festival) context.self = this.festival;
    // A parent given by the page but not (yet) known here is not refused for that alone.
    if (this.values.parent && !this.#choices.some((item) => item.id === this.values.parent) && this.values.parent === this.parent) delete context.festivals;
    const published = await this.publishing.publish({
      check: () => {
        const checked = validateFestival(this.values, context);
        this.errors = checked.errors;
        return checked.fields;
      },
      params: (fields) => festivalPublishParams(fields, this.festival || undefined),
      lang: this.#lang,
      waiting: this.#t('f.waiting'),
      done: this.#t(this.festival ? 'f.saved' : 'ff.created'),
    });
    if (!published) return;
    if (!this.festival) this.values = emptyFestival(this.values.parent, this.values.timezone);
    emit(this, 'panda-festival-published', {
      documentId: published.documentId || this.festival || '',
      operationId: published.operationId,
      action: this.festival ? 'update' : 'create',
    });
  }

  #input(name: 'name' | 'url' | 'image', type: string, extra: { maxlength?: number; placeholder?: string; required?: boolean } = {}) {
    return html`<input
      id=${name}
      name=${name}
      type=${type}
      maxlength=${extra.maxlength ?? 2000}
      placeholder=${extra.placeholder ?? nothing}
      autocomplete="off"
      aria-required=${extra.required ? 'true' : 'false'}
      aria-invalid=${this.errors[name] ? 'true' : 'false'}
      aria-describedby=${describedBy(name)}
      .value=${this.values[name]}
      @input=${(event: Event) => this.#set({ [name]: (event.target as HTMLInputElement).value })}
    />`;
  }

  #time(name: 'start' | 'end') {
    return html`<input
      id=${name}
      name=${name}
      type="datetime-local"
      aria-required="true"
      aria-invalid=${this.errors[name] ? 'true' : 'false'}
      aria-describedby=${`${describedBy(name)} timezone-hint`}
      .value=${this.values[name]}
      @input=${(event: Event) => this.#set({ [name]: (event.target as HTMLInputElement).value })}
    />`;
  }

  override render() {
    const t = this.#t;
    const writable = this.publishing.writable;
    const errors = this.errors;
    const f = (name: FestivalField, label: string, control: unknown, options: { hint?: string; optional?: boolean } = {}) =>
      field({ id: name, label, error: errors[name], t, ...options }, control);
    const zones = timeZoneOptions(this.values.timezone);
    const parents = this.#choices.filter((item) => item.id !== this.festival);
    const parentKnown = this.values.parent === '' || parents.some((item) => item.id === this.values.parent);
    const heading = this.festival ? t('ff.editFestival') : this.values.parent ? t('ff.newSubFestival') : t('ff.newFestival');
    // Zones by their names only: an offset would be that of one date (winter or summer), and
    // naming 400 zones through Intl on every keystroke would be slow.
    const zoneName = (zone: string) => zone.replaceAll('_', ' ');
    const start = fromInputValue(this.values.start, this.values.timezone);
    const offset = start === undefined ? '' : formatTimeZoneName(this.values.timezone, this.#locale, start);
    return html`<form part="form" novalidate aria-labelledby="form-title" @submit=${this.#submit}>
      <h2 id="form-title" part="title">${heading}</h2>
      ${!writable && this.connection.found !== undefined ? readOnlyNotice(t('ff.readOnly'), this.connection.found) : nothing}
      <fieldset class="fields" ?disabled=${!writable || this.publishing.busy}>
        <legend class="sr">${t('ff.label')}</legend>
        ${f('name', t('ff.name'), this.#input('name', 'text', { maxlength: 300, required: true }))}
        <div class="field">
          <label for="description">${t('ff.description')} <span class="muted">${t('f.optional')}</span></label>
          <textarea
            id="description"
            name="description"
            rows="3"
            maxlength="10000"
            .value=${this.values.description}
            @input=${(event: Event) => this.#set({ description: (event.target as HTMLTextAreaElement).value })}
          ></textarea>
        </div>
        ${f(
          'timezone',
          t('ff.timezone'),
          html`<select
            id="timezone"
            name="timezone"
            aria-invalid=${errors.timezone ? 'true' : 'false'}
            aria-describedby="timezone-error timezone-hint"
            @change=${(event: Event) => {
              this.#zoneChosen = true;
              this.#set({ timezone: (event.target as HTMLSelectElement).value });
            }}
          >
            ${zones.map((zone) => html`<option value=${zone} ?selected=${zone === this.values.timezone}>${zoneName(zone)}</option>`)}
          </select>`,
          { hint: offset && offset !== this.values.timezone ? `${t('ff.timezoneHint')} (${offset})` : t('ff.timezoneHint') },
        )}
        <div class="times">${f('start', t('ff.start'), this.#time('start'))} ${f('end', t('ff.end'), this.#time('end'))}</div>
        ${f(
          'parent',
          t('ff.parent'),
          html`<select
            id="parent"
            name="parent"
            aria-invalid=${errors.parent ? 'true' : 'false'}
            aria-describedby="parent-error"
            @change=${(event: Event) => {
              this.#set({ parent: (event.target as HTMLSelectElement).value });
              this.#parentZone();
            }}
          >
            <option value="" ?selected=${this.values.parent === ''}>${t('ff.noParent')}</option>
            ${parents.map((item) => html`<option value=${item.id} ?selected=${item.id === this.values.parent}>${item.name}</option>`)}
            ${parentKnown ? nothing : html`<option value=${this.values.parent} selected>${this.values.parent.slice(0, 12)}…</option>`}
          </select>`,
        )}
        ${f('url', t('ff.url'), this.#input('url', 'url', { placeholder: 'https://' }), { optional: true })}
        ${f('image', t('ff.image'), this.#input('image', 'url', { placeholder: 'https://' }), { optional: true })}
        <div class="actions">
          <button part="submit" class="primary" type="submit">${this.festival ? t('f.save') : t('ff.submit')}</button>
        </div>
      </fieldset>
      ${messageLine(this.publishing.message)}
    </form>`;
  }
}
