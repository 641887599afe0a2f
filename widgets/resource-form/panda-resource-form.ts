/**
 * `<panda-resource-form>`: register a resource in a festival, or edit one, signed in the
 * extension. The element holds the state; its parts are template modules beside it
 * (resource-where.ts, resource-policy.ts, resource-depends-on.ts, resource-form-parts.ts),
 * what it offers to choose is read by resource-choices.ts, and the logic is
 * resource-logic.ts (shared with the planner).
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { formTranslator, type FormTranslate } from '../lib/form-i18n.js';
import { errorMessage, type Lang } from '../lib/i18n.js';
import type { PandaProvider, WidgetSource } from '../lib/source.js';
import { baseStyles } from '../shared/base.styles.js';
import { emit, langOf } from '../shared/dom.js';
import { messageLine, readOnlyNotice } from '../shared/form-parts.js';
import { PublishController } from '../shared/publish-controller.js';
import { SourceController } from '../shared/source-controller.js';
import { formStyles } from '../event-form/event-form.styles.js';
import { festivalFormStyles } from '../festival-form/festival-form.styles.js';
import { resourceChoices, type KnownResource, type Person } from './resource-choices.js';
import { resourceDependsOn } from './resource-depends-on.js';
import { kindChoice, resourceField, textInput, type ResourceForm } from './resource-form-parts.js';
import {
  emptyResource,
  RESOURCE_KINDS,
  resourcePublishParams,
  resourceValuesOf,
  validateResource,
  type ResourceErrors,
  type ResourceValues,
} from './resource-logic.js';
import { resourcePolicy } from './resource-policy.js';
import { resourceWhere } from './resource-where.js';

/**
 * @tag panda-resource-form
 * @summary A form to register a resource in a festival (a venue, a thing, a skill) or to edit
 * one; the visitor signs it in the Panda Kit extension and owns the resource.
 *
 * For a location: an address, a GPS position (latitude and longitude, kept as an RFC 5870
 * geo URI, with a link to a public map), a URL (an online room) or a 3D coordinate. The
 * policy says who decides on requests; for a quorum, its members are picked from the people
 * known here or pasted as keys. Every value is checked with the festival model's own rules
 * before anything is signed; each message stands next to its field.
 *
 * @attr {string} lang - Language of the interface (en or de): this attribute, else the nearest ancestor's `lang`, else the browser's.
 *
 * @fires panda-resource-published - The extension signed and published the resource. `detail: { documentId, operationId, action }` (`action`: create or update).
 * @fires panda-source-change - Where the data comes from changed. `detail: { kind, writable }`.
 *
 * @csspart form - The form.
 * @csspart title - Its heading.
 * @csspart notice - The notice shown while it cannot be used.
 * @csspart map-link - The link that opens the position on a map.
 * @csspart submit - The submit button.
 * @csspart message - Waiting, success and error messages.
 *
 * @cssprop --panda-color-accent - The submit button and focus rings.
 * @cssprop --panda-color-denied - Validation messages.
 * @cssprop --panda-color-border - Field borders.
 * @cssprop --panda-color-text - Text colour.
 * @cssprop --panda-color-background - Background colour.
 */
export class PandaResourceForm extends LitElement {
  static override properties = {
    festival: {},
    resource: {},
    kind: {},
    signaling: {},
    secret: {},
    lang: { reflect: true },
    source: { attribute: false },
    provider: { attribute: false },
    values: { state: true, attribute: false },
    errors: { state: true, attribute: false },
    others: { state: true, attribute: false },
    people: { state: true, attribute: false },
  };
  static override styles = [baseStyles, formStyles, festivalFormStyles];

  /** The festival's document id. */
  declare festival: string;
  /** The document id of a resource to edit; without it the form registers a new one. */
  declare resource: string | undefined;
  /** The kind a new resource starts with: location (default), thing, skill or another word. */
  declare kind: string | undefined;
  /** y-webrtc signaling servers (space-separated), as for `<panda-schedule>`. */
  declare signaling: string | undefined;
  declare secret: string | undefined;
  /** A data source to use instead of choosing one. */
  declare source: WidgetSource | undefined;
  /** The provider to read and sign through instead of the page's extension (null: none). `{ request({ method, params }), on, removeListener }`. */
  declare provider: PandaProvider | null | undefined;
  declare private values: ResourceValues;
  declare private errors: ResourceErrors;
  declare private others: KnownResource[];
  declare private people: Person[];

  private readonly data = new SourceController(this, () => void this.#query());
  private readonly publishing = new PublishController(this, () => this.data.publisher);
  #prefilledFor: string | undefined;
  #generation = 0;
  #t: FormTranslate = formTranslator('en');
  #lang: Lang = 'en';
  readonly #set = (change: Partial<ResourceValues>): void => {
    this.values = { ...this.values, ...change };
  };
  readonly #toggle = (name: 'members' | 'dependsOn', id: string, on: boolean): void => {
    const rest = this.values[name].filter((item) => item !== id);
    this.#set({ [name]: on ? [...rest, id] : rest });
  };

  constructor() {
    super();
    this.festival = '';
    this.values = emptyResource();
    this.errors = {};
    this.others = [];
    this.people = [];
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    ({ lang: this.#lang } = langOf(this));
    this.#t = formTranslator(this.#lang);
    if (changed.has('kind') && !this.resource) {
      const kind = this.kind?.trim().toLowerCase() ?? '';
      const builtIn = (RESOURCE_KINDS as readonly string[]).includes(kind);
      this.values = { ...this.values, kind: kind === '' ? 'location' : builtIn ? kind : 'other', otherKind: builtIn ? '' : kind };
    }
    if (changed.has('resource')) this.#prefill();
  }

  /** The festival's resources (to depend on, and the one being edited) and the people known here. */
  async #query(): Promise<void> {
    const source = this.data.current;
    const festivalId = this.festival || this.data.data?.festival.id;
    const generation = ++this.#generation;
    if (!source || !festivalId) return;
    const { resources, people } = await resourceChoices(source, festivalId);
    if (generation !== this.#generation) return;
    this.others = resources;
    this.people = people;
    this.#prefill();
  }

  #prefill(): void {
    if (!this.resource || this.#prefilledFor === this.resource) return;
    const resource = this.others.find((item) => item.id === this.resource);
    if (!resource) return;
    this.values = resourceValuesOf(
      resource,
      this.people.map((person) => person.publicKey),
    );
    this.#prefilledFor = this.resource;
  }

  async #submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const context: { resources: string[]; self?: string } = { resources: this.others.map((item) => item.id) };
    if (this.resource) context.self = this.resource;
    const published = await this.publishing.publish({
      check: () => {
        const checked = validateResource(this.values, context);
        this.errors = checked.errors;
        return checked.fields;
      },
      params: (fields) =>
        resourcePublishParams(fields, this.resource ? { documentId: this.resource } : { festivalId: this.festival || this.data.data?.festival.id || '' }),
      lang: this.#lang,
      waiting: this.#t('f.waiting'),
      done: this.#t(this.resource ? 'f.saved' : 'rf.created'),
    });
    if (!published) return;
    if (!this.resource) this.values = emptyResource(this.values.kind === 'other' ? 'location' : this.values.kind);
    emit(this, 'panda-resource-published', {
      documentId: published.documentId || this.resource || '',
      operationId: published.operationId,
      action: this.resource ? 'update' : 'create',
    });
  }

  override render() {
    const t = this.#t;
    const writable = this.publishing.writable;
    const form: ResourceForm = { values: this.values, errors: this.errors, t, set: this.#set, toggle: this.#toggle };
    return html`<form part="form" novalidate aria-labelledby="form-title" @submit=${this.#submit}>
      <h2 id="form-title" part="title">${this.resource ? t('rf.editResource') : t('rf.newResource')}</h2>
      ${!writable && this.data.current ? readOnlyNotice(t('rf.readOnly'), this.data.provider) : nothing}
      ${this.data.error ? html`<p class="error" role="alert">${errorMessage(this.#lang, this.data.error)}</p>` : nothing}
      <fieldset class="fields" ?disabled=${!writable || this.publishing.busy}>
        <legend class="sr">${t('rf.label')}</legend>
        ${resourceField(form, 'title', t('rf.title'), textInput(form, 'title', { error: 'title', required: true }))} ${kindChoice(form)}
        <div class="field">
          <label for="description">${t('rf.description')} <span class="muted">${t('f.optional')}</span></label>
          <textarea
            id="description"
            name="description"
            rows="3"
            maxlength="10000"
            .value=${this.values.description}
            @input=${(event: Event) => this.#set({ description: (event.target as HTMLTextAreaElement).value })}
          ></textarea>
        </div>
        ${resourceWhere(form)}
        ${resourceField(form, 'capacity', t('rf.capacity'), textInput(form, 'capacity', { error: 'capacity', type: 'number', inputmode: 'numeric', hint: true }), { hint: t('rf.capacityHint') })}
        ${resourcePolicy(form, this.people)}
        ${resourceDependsOn(
          form,
          this.others.filter((item) => item.id !== this.resource),
        )}
        <div class="actions">
          <button part="submit" class="primary" type="submit">${this.resource ? t('f.save') : t('rf.submit')}</button>
        </div>
      </fieldset>
      ${messageLine(this.publishing.message)}
    </form>`;
  }
}
