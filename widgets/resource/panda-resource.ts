/**
 * `<panda-resource>`: one resource (a venue, a thing, a skill) with its bookings.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { errorMessage, translator, type Lang, type Translate } from '../lib/i18n.js';
import { httpUrl } from '../lib/schedule-data.js';
import type { PandaProvider, WidgetSource } from '../lib/source.js';
import { dayKey, formatDate, formatTimeRange, type FormatOptions } from '../lib/time.js';
import { baseStyles } from '../shared/base.styles.js';
import { emit, langOf, shortKey } from '../shared/dom.js';
import { SourceController } from '../shared/source-controller.js';
import { resourceStyles } from './resource.styles.js';
import {
  fromSchedule,
  mapUrl,
  parseBookings,
  parseResource,
  parseSlots,
  policyText,
  stateText,
  type BookingView,
  type ResourceView,
  type SlotView,
} from './resource-data.js';

/**
 * @tag panda-resource
 * @summary A resource of a festival (a venue, a thing, a skill): who looks after it and how
 * they decide, where it is, its bookings over time and its free times; with the extension, a
 * button to request it for a new event.
 *
 * @attr {string} lang - Language of the interface (en or de): this attribute, else the nearest ancestor's `lang`, else the browser's.
 *
 * @fires panda-request - The visitor asked to request the resource. `detail: { resourceId }`; cancel it to offer your own form instead of the built-in `<panda-event-form>`.
 * @fires panda-event-published - (from the built-in form) The event requesting the resource was published. `detail: { documentId, operationId }`.
 * @fires panda-source-change - Where the data comes from changed. `detail: { kind, writable }`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart title - The resource's title.
 * @csspart bookings - The list of bookings.
 * @csspart free-slots - The list of free times.
 * @csspart request - The request button.
 *
 * @cssprop --panda-color-text - Text colour.
 * @cssprop --panda-color-background - Background colour.
 * @cssprop --panda-color-accent - Buttons and links.
 * @cssprop --panda-color-confirmed - Confirmed bookings.
 * @cssprop --panda-color-pending - Pending bookings.
 * @cssprop --panda-color-denied - Declined bookings.
 */
export class PandaResource extends LitElement {
  static override properties = {
    resource: {},
    festival: {},
    src: {},
    signaling: {},
    secret: {},
    lang: { reflect: true },
    helpUrl: { attribute: 'help-url' },
    source: { attribute: false },
    provider: { attribute: false },
    info: { state: true, attribute: false },
    bookings: { state: true, attribute: false },
    slots: { state: true, attribute: false },
    queryError: { state: true, attribute: false },
    requesting: { state: true, attribute: false },
    published: { state: true, attribute: false },
  };
  static override styles = [baseStyles, resourceStyles];

  /** The resource's document id (for a frab schedule: the room's name). */
  declare resource: string;
  /** The festival's document id. */
  declare festival: string;
  /** URL of a frab/c3voc schedule JSON (read-only: rooms and their events). */
  declare src: string | undefined;
  /** y-webrtc signaling servers (space-separated), as for `<panda-schedule>`. */
  declare signaling: string | undefined;
  declare secret: string | undefined;
  /** Where the read-only notice links to, to learn how to take part (http(s)). */
  declare helpUrl: string | undefined;
  /** A data source to use instead of choosing one. */
  declare source: WidgetSource | undefined;
  /** The Panda Kit provider to use instead of looking for one (null: none). */
  declare provider: PandaProvider | null | undefined;
  declare private info: ResourceView | null | undefined;
  declare private bookings: BookingView[];
  declare private slots: SlotView[] | undefined;
  declare private queryError: unknown;
  declare private requesting: boolean;
  declare private published: boolean;

  private readonly data = new SourceController(this, () => void this.#query());
  #generation = 0;
  #t: Translate = translator('en');
  #lang: Lang = 'en';
  #format: FormatOptions = { locale: 'en', timeZone: 'UTC' };

  constructor() {
    super();
    this.resource = '';
    this.festival = '';
    this.bookings = [];
    this.requesting = false;
    this.published = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const { lang, locale } = langOf(this);
    this.#lang = lang;
    this.#t = translator(lang);
    this.#format = { locale, timeZone: this.data.data?.festival.timezone ?? 'UTC' };
    if (changed.has('resource') && this.hasUpdated) void this.#query();
  }

  async #query(): Promise<void> {
    const source = this.data.current;
    const id = this.resource;
    const generation = ++this.#generation;
    if (!source || !id) return;
    try {
      const [resource, bookings, slots] = await Promise.all([
        source.query({ query: 'resource', resourceId: id }),
        source.query({ query: 'bookings', resourceId: id }),
        source.query({ query: 'freeSlots', resourceId: id }),
      ]);
      if (generation !== this.#generation) return;
      this.info = parseResource(resource) ?? null;
      this.bookings = parseBookings(bookings);
      this.slots = parseSlots(slots);
      this.queryError = undefined;
    } catch (error) {
      if (generation !== this.#generation) return;
      // A static schedule has no festival model: show the room and its events.
      const known = this.data.data ? fromSchedule(this.data.data, id) : undefined;
      this.info = known?.resource ?? null;
      this.bookings = known?.bookings ?? [];
      this.slots = undefined;
      this.queryError = known ? undefined : error;
    }
  }

  #request(): void {
    this.published = false;
    if (emit(this, 'panda-request', { resourceId: this.resource })) this.requesting = true;
  }

  #when(start: number, end: number): string {
    // Ranges over several days name their dates already.
    const sameDay = dayKey(start, this.#format.timeZone) === dayKey(Math.max(start, end - 1), this.#format.timeZone);
    return sameDay ? `${formatDate(start, this.#format, 'medium')}, ${formatTimeRange(start, end, this.#format)}` : formatTimeRange(start, end, this.#format);
  }

  override render() {
    const t = this.#t;
    const info = this.info;
    if (info === undefined) {
      const error = this.data.error ?? this.queryError;
      return html`<div part="base">
        ${error ? html`<p role="alert" class="error">${errorMessage(this.#lang, error)}</p>` : html`<p class="muted" role="status">${t('schedule.loading')}</p>`}
      </div>`;
    }
    if (info === null)
      return html`<div part="base">
        <p class="muted" data-unknown>${this.queryError ? errorMessage(this.#lang, this.queryError) : t('resource.unknown')}</p>
      </div>`;
    const source = this.data.current;
    const writable = source?.writable === true;
    const help = httpUrl(this.helpUrl);
    return html`<article part="base" class="base" aria-labelledby="resource-title">
      <h2 id="resource-title" part="title">${info.title}</h2>
      <p class="facts">
        ${info.kind ? html`<span data-kind>${t('resource.kind')}: ${info.kind}</span>` : nothing}
        ${info.owner ? html`<span data-owner title=${info.owner}>${t('resource.owner', { name: info.ownerName ?? shortKey(info.owner) })}</span>` : nothing}
        ${info.policy ? html`<span data-policy>${policyText(t, info)}</span>` : nothing}
        ${info.capacity !== undefined ? html`<span data-capacity>${t('resource.capacity', { count: info.capacity })}</span>` : nothing}
      </p>
      ${info.description ? html`<p class="text">${info.description}</p>` : nothing}
      ${
        info.address || info.position || info.url
          ? html`<p class="place" data-location>
              ${info.address ? html`<span>${t('resource.address')}: ${info.address}</span>` : nothing}
              ${info.position ? html`<a href=${mapUrl(info.position)} target="_blank" rel="noopener noreferrer">${t('resource.onMap')}</a>` : nothing}
              ${info.url ? html`<a href=${info.url} target="_blank" rel="noopener noreferrer">${t('resource.website')}</a>` : nothing}
            </p>`
          : nothing
      }
      <h3>${t('resource.bookings')}</h3>
      ${
        this.bookings.length === 0
          ? html`<p class="muted">${t('resource.noBookings')}</p>`
          : html`<ul part="bookings" data-bookings>
              ${this.bookings.map((booking) => {
                const state = stateText(booking.state);
                return html`<li data-event=${booking.eventId}>
                  <span class="when">${this.#when(booking.start, booking.end)}</span> <strong>${booking.title}</strong>
                  <span data-status=${state.status}>${t(state.key)}</span>
                </li>`;
              })}
            </ul>`
      }
      ${
        this.slots
          ? html`<h3>${t('resource.freeSlots')}</h3>
              ${
                this.slots.length === 0
                  ? html`<p class="muted">${t('resource.noFreeSlots')}</p>`
                  : html`<ul part="free-slots" data-free-slots>
                      ${this.slots.map((slot) => html`<li><span class="when">${this.#when(slot.start, slot.end)}</span> <span class="muted">${t('resource.slotAvailable', { count: slot.available })}</span></li>`)}
                    </ul>`
              }`
          : nothing
      }
      ${
        writable
          ? html`<button part="request" class="primary" type="button" data-request ?disabled=${this.requesting} @click=${() => this.#request()}>
              ${t('resource.request')}
            </button>`
          : source && source.kind !== 'frab'
            ? html`<p class="notice" role="note" data-read-only>
                ${t('readOnly.notice')} ${help ? html`<a href=${help} target="_blank" rel="noopener">${t('readOnly.howTo')}</a>` : nothing}
                ${this.data.provider ? html`<panda-connect .provider=${this.data.provider}></panda-connect>` : nothing}
              </p>`
            : nothing
      }
      ${
        this.requesting && writable
          ? html`<panda-event-form
              .source=${source}
              .provider=${this.provider}
              .extraResources=${[{ id: info.id, title: info.title, kind: info.kind }]}
              festival=${this.festival || this.data.data?.festival.id || ''}
              resources=${info.id}
              @panda-event-published=${() => {
                this.requesting = false;
                this.published = true;
                void this.data.reload();
              }}
            ></panda-event-form>`
          : nothing
      }
      ${this.published ? html`<p role="status" data-published>${t('form.created')}</p>` : nothing}
    </article>`;
  }
}
