/**
 * `<panda-schedule>`: a festival's schedule, embeddable in any page.
 */
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { exportFrabJson, exportFrabXml, frabFileName } from '../lib/export-frab.js';
import { exportICal, ICAL_MEDIA_TYPE, icalFileName } from '../lib/export-ical.js';
import { Favourites } from '../lib/favourites.js';
import { filterEvents, filterOptions, isFilterActive, type FilterOption, type ScheduleFilter } from '../lib/filter.js';
import { errorMessage, percentConfirmed, resourcesConfirmed, translator, type Translate } from '../lib/i18n.js';
import { httpUrl, type ScheduleData, type ScheduleEvent } from '../lib/schedule-data.js';
import type { PandaProvider, WidgetSource } from '../lib/source.js';
import { eventStatus } from '../lib/filter.js';
import { dayKey as dayKeyOf, festivalDayKey, formatDate, formatDayKey, formatRelative, formatTime, formatTimeRange, formatTimeZoneName, initialDayKey, nowAndNext, type FormatOptions, type ScheduleDay } from '../lib/time.js';
import { baseStyles } from '../shared/base.styles.js';
import { download, emit, langOf } from '../shared/dom.js';
import { SourceController } from '../shared/source-controller.js';
import { daysOf, gridModel, hashFor, moveInGrid, nowPosition, readHash, zoneOf, type Cell, type GridModel, type TimeZoneMode, type View } from './schedule-model.js';
import { scheduleStyles } from './schedule.styles.js';

const VIEWS: readonly View[] = ['grid', 'list', 'now'];
/** Narrower than this, the grid gives way to the list. */
export const NARROW_WIDTH = 600;

/**
 * @tag panda-schedule
 * @summary A festival's schedule: a grid by location and time, a list, or what is on now and
 * next; day tabs, time zones, filters, favourites and exports.
 *
 * Data comes from the Panda Kit extension when the visitor has it and connected the site
 * (live, and they can take part), else from the festival's peers joined in the page
 * (read-only), or from a frab/c3voc JSON file given as `src`.
 *
 * Deep links: `#panda-day=YYYY-MM-DD` selects a day, `#panda-event=<id>` an event.
 * Keyboard, in the grid: arrow keys move between events, Home/End to the first/last of a
 * location (with Ctrl: of the day), PageUp/PageDown to the day before/after, Enter opens an
 * event, Escape closes it.
 *
 * @attr {string} lang - Language of the interface (en or de): this attribute, else the nearest ancestor's `lang`, else the browser's.
 *
 * @fires panda-day-change - The visitor chose another day. `detail: { day }` (YYYY-MM-DD).
 * @fires panda-event-select - An event was opened. `detail: { eventId, event }`; cancel it to show your own details instead.
 * @fires panda-favourite-change - An event was added to or removed from the favourites. `detail: { eventId, favourite, favourites }`.
 * @fires panda-source-change - Where the data comes from changed. `detail: { kind: 'extension' | 'peer' | 'frab', writable }`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart title - The festival's name.
 * @csspart logo - The festival's image, if it has one.
 * @csspart banner - The read-only notice.
 * @csspart toolbar - Views, time zone, filters and exports.
 * @csspart tabs - The day tabs.
 * @csspart grid - The time grid.
 * @csspart event - An event in the grid or list.
 * @csspart list - The list view.
 * @csspart now - The now-and-next view.
 * @csspart now-line - The line at the current time in the grid.
 * @csspart details - The panel of an opened event.
 *
 * @cssprop --panda-color-text - Text colour.
 * @cssprop --panda-color-background - Background colour.
 * @cssprop --panda-color-surface - Background of events and panels.
 * @cssprop --panda-color-muted - Secondary text.
 * @cssprop --panda-color-border - Lines and borders.
 * @cssprop --panda-color-accent - Buttons, links, selection and focus.
 * @cssprop --panda-color-on-accent - Text on the accent colour.
 * @cssprop --panda-color-confirmed - Confirmed events.
 * @cssprop --panda-color-pending - Events waiting for confirmation.
 * @cssprop --panda-color-denied - Declined requests, and the now-line.
 * @cssprop --panda-font - Font shorthand.
 * @cssprop --panda-radius - Corner radius.
 * @cssprop --panda-schedule-column-width - Least width of a location's column in the grid (default 9rem).
 * @cssprop --panda-schedule-slot-height - Height of 15 minutes in the grid (default 1.25rem).
 * @cssprop --panda-schedule-max-height - Height of the grid before it scrolls (default 80vh).
 */
export class PandaSchedule extends LitElement {
  static override properties = {
    festival: {},
    src: {},
    signaling: {},
    secret: {},
    lang: { reflect: true },
    view: { reflect: true },
    day: { reflect: true },
    timeZone: { attribute: 'time-zone', reflect: true },
    helpUrl: { attribute: 'help-url' },
    noDeepLinks: { attribute: 'no-deep-links', type: Boolean },
    now: { attribute: false },
    source: { attribute: false },
    provider: { attribute: false },
    narrow: { state: true, attribute: false },
    printing: { state: true, attribute: false },
    filter: { state: true, attribute: false },
    selected: { state: true, attribute: false },
    focusKey: { state: true, attribute: false },
    announcement: { state: true, attribute: false },
  };
  static override styles = [baseStyles, scheduleStyles];

  /** The festival's document id. */
  declare festival: string;
  /** URL of a frab/c3voc schedule JSON to show instead (read-only). */
  declare src: string | undefined;
  /** y-webrtc signaling servers (ws: or wss:, space-separated) through which to meet the festival's peers. */
  declare signaling: string | undefined;
  /** The festival's shared secret for the signaling servers, if it has one. */
  declare secret: string | undefined;
  /** 'grid' (default), 'list' or 'now' (now and next). Narrow elements show the list instead of the grid. */
  declare view: View;
  /** The day shown, YYYY-MM-DD; default today, else the next festival day, else the last. */
  declare day: string | undefined;
  /** 'festival' (default): times in the festival's time zone; 'local': in the visitor's. */
  declare timeZone: TimeZoneMode;
  /** Where the read-only notice links to, to learn how to take part (http(s)). */
  declare helpUrl: string | undefined;
  /** Neither read nor write `#panda-day=` / `#panda-event=` in the page's URL. */
  declare noDeepLinks: boolean;
  /** The clock (epoch ms) for the now-line and "now and next"; default the real time. */
  declare now: number | undefined;
  /** A data source to use instead of choosing one (see widgets/lib/source.ts). */
  declare source: WidgetSource | undefined;
  /** The Panda Kit provider to use instead of looking for one (null: none). */
  declare provider: PandaProvider | null | undefined;

  declare private narrow: boolean;
  declare private printing: boolean;
  declare private filter: { location: string; kind: string; text: string; favouritesOnly: boolean };
  declare private selected: string | undefined;
  declare private focusKey: string | undefined;
  declare private announcement: string;

  private readonly data = new SourceController(this, () => this.#dataArrived());
  #favourites: Favourites | undefined;
  #unfavourite: (() => void) | undefined;
  #resize: ResizeObserver | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;
  #linked = false;
  #openedFrom: string | undefined;

  constructor() {
    super();
    this.festival = '';
    this.view = 'grid';
    this.timeZone = 'festival';
    this.noDeepLinks = false;
    this.narrow = false;
    this.printing = false;
    this.filter = { location: '', kind: '', text: '', favouritesOnly: false };
    this.announcement = '';
  }

  readonly #onHash = () => this.#followLink();
  readonly #onPrint = (event: Event) => (this.printing = event.type === 'beforeprint');
  readonly #onStorage = () => this.#favourites?.reload();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#onHash);
    window.addEventListener('beforeprint', this.#onPrint);
    window.addEventListener('afterprint', this.#onPrint);
    window.addEventListener('storage', this.#onStorage);
    this.#resize = new ResizeObserver(([entry]) => {
      const width = entry?.contentRect.width ?? 0;
      const narrow = width < NARROW_WIDTH;
      // Next frame: changing the layout inside the observer's callback would loop.
      if (width > 0 && narrow !== this.narrow) requestAnimationFrame(() => (this.narrow = narrow));
    });
    this.#resize.observe(this);
    this.#clock = setInterval(() => this.now === undefined && this.requestUpdate(), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHash);
    window.removeEventListener('beforeprint', this.#onPrint);
    window.removeEventListener('afterprint', this.#onPrint);
    window.removeEventListener('storage', this.#onStorage);
    this.#resize?.disconnect();
    clearInterval(this.#clock);
    this.#unfavourite?.();
  }

  // -------------------------------------------------------------------------------------
  // State
  // -------------------------------------------------------------------------------------

  get #now(): number {
    return this.now ?? Date.now();
  }

  get #zone(): string {
    return this.data.data ? zoneOf(this.data.data, this.timeZone === 'local' ? 'local' : 'festival') : 'UTC';
  }

  get #view(): View {
    const view = VIEWS.includes(this.view) ? this.view : 'grid';
    return view === 'grid' && this.narrow ? 'list' : view;
  }

  #daysCache: { data: ScheduleData; zone: string; days: Array<ScheduleDay<ScheduleEvent>> } | undefined;

  #days(data: ScheduleData): Array<ScheduleDay<ScheduleEvent>> {
    const zone = this.#zone;
    if (this.#daysCache?.data !== data || this.#daysCache.zone !== zone) this.#daysCache = { data, zone, days: daysOf(data, zone) };
    return this.#daysCache.days;
  }

  #dayKey(days: ReadonlyArray<ScheduleDay<ScheduleEvent>>): string | undefined {
    return days.some((day) => day.key === this.day) ? this.day : initialDayKey(days, this.#now, this.#zone);
  }

  #scheduleFilter(): ScheduleFilter {
    const { location, kind, text, favouritesOnly } = this.filter;
    return {
      locationIds: location ? [location] : [],
      kinds: kind ? [kind] : [],
      text,
      favouritesOnly,
      favourites: this.#favourites?.ids ?? new Set<string>(),
    };
  }

  #dataArrived(): void {
    const data = this.data.data;
    if (data && this.#favourites?.festivalId !== data.festival.id) {
      this.#unfavourite?.();
      this.#favourites = new Favourites(data.festival.id);
      this.#unfavourite = this.#favourites.subscribe(() => this.requestUpdate());
    }
    if (data && !this.#linked) {
      this.#linked = true;
      this.#followLink();
    }
  }

  /** Selects the day or event the URL hash names. */
  #followLink(): void {
    const data = this.data.data;
    if (this.noDeepLinks || !data) return;
    const link = readHash(location.hash);
    if (!link) return;
    if ('day' in link) {
      if (this.#days(data).some((day) => day.key === link.day)) this.day = link.day;
      return;
    }
    const event = data.events.find((item) => item.id === link.event);
    if (!event) return;
    this.day = festivalDayKey(event.start, this.#zone);
    this.selected = event.id;
    this.focusKey = undefined;
    void this.#focusEvent(event.id, true);
  }

  #writeHash(link: Parameters<typeof hashFor>[0]): void {
    if (this.noDeepLinks) return;
    try {
      history.replaceState(history.state, '', hashFor(link));
    } catch {
      // sandboxed frames may refuse
    }
  }

  async #focusEvent(eventId: string, scroll = false): Promise<void> {
    await this.updateComplete;
    const root = this.renderRoot as ShadowRoot;
    const target = root.querySelector<HTMLElement>(`[data-event="${CSS.escape(eventId)}"]`);
    if (!target) return;
    const focusable = target.matches('[role="gridcell"]') ? target : target.querySelector<HTMLElement>('.open');
    if (target.dataset.key) this.focusKey = target.dataset.key;
    await this.updateComplete;
    if (scroll) target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    focusable?.focus({ preventScroll: !scroll });
  }

  // -------------------------------------------------------------------------------------
  // Actions
  // -------------------------------------------------------------------------------------

  #chooseDay(key: string, focusTab = false): void {
    const data = this.data.data;
    if (!data || key === this.day) return;
    this.day = key;
    this.focusKey = undefined;
    const events = filterEvents(data, this.#scheduleFilter(), this.#days(data).find((day) => day.key === key)?.events ?? []);
    this.announcement = `${formatDayKey(key, this.#format.locale, 'long')}: ${this.#t('schedule.eventCount', { count: events.length })}`;
    this.#writeHash({ day: key });
    emit(this, 'panda-day-change', { day: key });
    if (focusTab) void this.updateComplete.then(() => (this.renderRoot as ShadowRoot).querySelector<HTMLElement>('[role="tab"][aria-selected="true"]')?.focus());
  }

  #open(event: ScheduleEvent, from?: string): void {
    if (!emit(this, 'panda-event-select', { eventId: event.id, event })) return;
    this.selected = event.id;
    this.#openedFrom = from;
    this.#writeHash({ event: event.id });
    void this.updateComplete.then(() => (this.renderRoot as ShadowRoot).querySelector<HTMLElement>('#details-title')?.focus());
  }

  #close(): void {
    const id = this.selected;
    this.selected = undefined;
    if (id) void this.#focusEvent(id);
    else if (this.#openedFrom) void this.#focusEvent(this.#openedFrom);
  }

  #toggleFavourite(event: ScheduleEvent): void {
    if (!this.#favourites) return;
    const favourite = this.#favourites.toggle(event.id);
    emit(this, 'panda-favourite-change', { eventId: event.id, favourite, favourites: [...this.#favourites.ids] });
  }

  #export(kind: 'ical' | 'favourites' | 'json' | 'xml'): void {
    const data = this.data.data;
    if (!data) return;
    if (kind === 'ical') download(exportICal(data), ICAL_MEDIA_TYPE, icalFileName(data));
    else if (kind === 'favourites') download(this.#favourites?.toICal(data) ?? exportICal(data, { eventIds: [] }), ICAL_MEDIA_TYPE, icalFileName(data, 'favourites'));
    else if (kind === 'json') download(JSON.stringify(exportFrabJson(data), null, 2), 'application/json', frabFileName(data, 'json'));
    else download(exportFrabXml(data), 'application/xml', frabFileName(data, 'xml'));
  }

  /** A filter's select, when there is more than one option to choose from. */
  #filterSelect(name: 'location' | 'kind', label: string, all: string, choices: readonly FilterOption[]) {
    if (choices.length <= 1) return nothing;
    return html`<label
      >${label}
      <select data-filter=${name} @change=${(event: Event) => this.#setFilter({ [name]: (event.target as HTMLSelectElement).value })}>
        <option value="" ?selected=${this.filter[name] === ''}>${all}</option>
        ${choices.map((option) => html`<option value=${option.value} ?selected=${this.filter[name] === option.value}>${option.label}</option>`)}
      </select></label
    >`;
  }

  #setFilter(change: Partial<PandaSchedule['filter']>): void {
    this.filter = { ...this.filter, ...change };
    this.focusKey = undefined;
  }

  #gridKey(event: KeyboardEvent, model: GridModel, days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, dayKey: string): void {
    const cellElement = (event.target as HTMLElement).closest<HTMLElement>('[role="gridcell"]');
    if (!cellElement) return;
    const current = model.columns.flatMap((column) => column.cells).find((cell) => cell.key === cellElement.dataset.key);
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (current) this.#open(current.event, current.event.id);
      return;
    }
    if (event.key === 'PageUp' || event.key === 'PageDown') {
      event.preventDefault();
      const index = days.findIndex((day) => day.key === dayKey) + (event.key === 'PageUp' ? -1 : 1);
      const day = days[index];
      if (day) {
        this.#chooseDay(day.key);
        void this.updateComplete.then(() => (this.renderRoot as ShadowRoot).querySelector<HTMLElement>('[role="gridcell"]')?.focus());
      }
      return;
    }
    const next = moveInGrid(model.columns, event.key, event.ctrlKey || event.metaKey, current);
    if (!next || !['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) return;
    event.preventDefault();
    this.focusKey = next.key;
    void this.updateComplete.then(() => {
      const target = (this.renderRoot as ShadowRoot).querySelector<HTMLElement>(`[data-key="${CSS.escape(next.key)}"]`);
      target?.focus();
      target?.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
    });
  }

  #tabKey(event: KeyboardEvent, days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, dayKey: string): void {
    const index = days.findIndex((day) => day.key === dayKey);
    const target = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: days.length - 1 }[event.key as 'Home'];
    const day = target === undefined ? undefined : days[target];
    if (!day) return;
    event.preventDefault();
    this.#chooseDay(day.key, true);
  }

  // -------------------------------------------------------------------------------------
  // Rendering
  // -------------------------------------------------------------------------------------

  #t: Translate = translator('en');
  #format: FormatOptions = { locale: 'en', timeZone: 'UTC' };
  #lang: 'en' | 'de' = 'en';

  protected override willUpdate(_changed: PropertyValues<this>): void {
    const { lang, locale } = langOf(this);
    this.#lang = lang;
    this.#t = translator(lang);
    this.#format = { locale, timeZone: this.#zone };
  }

  override render() {
    const t = this.#t;
    const data = this.data.data;
    if (!data) {
      return html`<div part="base" class="base">
        ${this.data.error ? html`<p role="alert" class="error">${errorMessage(this.#lang, this.data.error)}</p>` : html`<p class="muted" role="status">${t('schedule.loading')}</p>`}
      </div>`;
    }
    const days = this.#days(data);
    const dayKey = this.#dayKey(days);
    const day = days.find((item) => item.key === dayKey);
    const filter = this.#scheduleFilter();
    const view = this.printing ? 'print' : this.#view;
    const selected = this.selected ? data.events.find((event) => event.id === this.selected) : undefined;
    return html`<div part="base" class="base view-${view}">
      <header>
        ${httpUrl(data.festival.image) ? html`<img part="logo" class="logo" src=${httpUrl(data.festival.image)!} alt="" referrerpolicy="no-referrer" loading="lazy" />` : nothing}
        <h2 part="title">${data.festival.name}</h2>
      </header>
      ${this.#banner()} ${this.data.error ? html`<p role="alert" class="error">${errorMessage(this.#lang, this.data.error)}</p>` : nothing} ${this.#toolbar(data)}
      ${selected ? this.#details(data, selected) : nothing}
      ${view === 'print'
        ? days.map((item) => html`<h3>${formatDayKey(item.key, this.#format.locale, 'full')}</h3>${this.#list(data, filterEvents(data, filter, item.events))}`)
        : view === 'now'
          ? this.#nowNext(data, filterEvents(data, filter))
          : html`${this.#tabs(days, dayKey)}
              <div role="tabpanel" id="panel" part="panel" aria-labelledby=${dayKey ? `tab-${dayKey}` : nothing}>
                ${this.#dayView(data, view, days, dayKey, day ? filterEvents(data, filter, day.events) : [])}
              </div>`}
      <div class="sr" aria-live="polite" data-live>${this.announcement}</div>
    </div>`;
  }

  #banner() {
    const source = this.data.current;
    if (!source || source.writable) return nothing;
    const t = this.#t;
    const help = httpUrl(this.helpUrl);
    const provider = this.data.provider;
    return html`<div part="banner" class="banner" role="note" data-read-only>
      <span>${source.kind === 'frab' ? t('readOnly.static') : provider ? t('connect.why') : t('readOnly.notice')}</span>
      ${help ? html`<a href=${help} target="_blank" rel="noopener">${t('readOnly.howTo')}</a>` : nothing}
      ${provider && source.kind !== 'frab' ? html`<panda-connect .provider=${provider} help-url=${this.helpUrl ?? nothing}></panda-connect>` : nothing}
    </div>`;
  }

  #toolbar(data: ScheduleData) {
    const t = this.#t;
    const options = filterOptions(data, this.#format.locale);
    const view = VIEWS.includes(this.view) ? this.view : 'grid';
    const zoneMode = this.timeZone === 'local' ? 'local' : 'festival';
    const favourites = this.#favourites?.size ?? 0;
    const zoneName = formatTimeZoneName(this.#zone, this.#format.locale, this.#now);
    const viewButton = (value: View, label: string) =>
      html`<button type="button" aria-pressed=${view === value ? 'true' : 'false'} data-view=${value} @click=${() => (this.view = value)}>${label}</button>`;
    const zoneButton = (value: TimeZoneMode, label: string) =>
      html`<button type="button" aria-pressed=${zoneMode === value ? 'true' : 'false'} data-zone=${value} @click=${() => (this.timeZone = value)}>${label}</button>`;
    return html`<div part="toolbar" class="toolbar">
      <div role="group" class="group" aria-label=${t('view.label')}>${viewButton('grid', t('view.grid'))}${viewButton('list', t('view.list'))}${viewButton('now', t('view.nowNext'))}</div>
      <div role="group" class="group" aria-label=${t('time.zone')}>
        ${zoneButton('festival', t('time.festivalZone'))}${zoneButton('local', t('time.localZone'))}
        <span class="muted" data-zone-note>${t('time.zoneNote', { zone: zoneName })}</span>
      </div>
      <div role="group" class="group filters" aria-label=${t('filter.label')}>
        ${this.#filterSelect('location', t('filter.location'), t('filter.allLocations'), options.locations)}
        ${this.#filterSelect('kind', t('filter.kind'), t('filter.allKinds'), options.kinds)}
        <label
          >${t('filter.search')}
          <input
            type="search"
            data-filter="text"
            placeholder=${t('filter.searchPlaceholder')}
            .value=${this.filter.text}
            @input=${(event: Event) => this.#setFilter({ text: (event.target as HTMLInputElement).value })}
        /></label>
        <label class="check"
          ><input type="checkbox" data-filter="favourites" .checked=${this.filter.favouritesOnly} @change=${(event: Event) => this.#setFilter({ favouritesOnly: (event.target as HTMLInputElement).checked })} />
          ${t('filter.favouritesOnly')} <span class="muted">(${favourites})</span></label
        >
        ${isFilterActive(this.#scheduleFilter())
          ? html`<button type="button" data-clear @click=${() => this.#setFilter({ location: '', kind: '', text: '', favouritesOnly: false })}>${t('filter.clear')}</button>`
          : nothing}
      </div>
      <details class="export" part="export">
        <summary>${t('export.label')}</summary>
        <div class="menu">
          <button type="button" data-export="ical" @click=${() => this.#export('ical')}>${t('export.ical')}</button>
          <button type="button" data-export="favourites" ?disabled=${favourites === 0} @click=${() => this.#export('favourites')}>${t('export.icalFavourites')}</button>
          <button type="button" data-export="json" @click=${() => this.#export('json')}>${t('export.frabJson')}</button>
          <button type="button" data-export="xml" @click=${() => this.#export('xml')}>${t('export.frabXml')}</button>
        </div>
      </details>
    </div>`;
  }

  #tabs(days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, dayKey: string | undefined) {
    const today = dayKeyOf(this.#now, this.#zone);
    return html`<div role="tablist" part="tabs" class="tabs" aria-label=${this.#t('schedule.days')} @keydown=${(event: KeyboardEvent) => dayKey && this.#tabKey(event, days, dayKey)}>
      ${days.map(
        (day) =>
          html`<button
            type="button"
            role="tab"
            id=${`tab-${day.key}`}
            data-day=${day.key}
            aria-selected=${day.key === dayKey ? 'true' : 'false'}
            aria-controls="panel"
            tabindex=${day.key === dayKey ? 0 : -1}
            @click=${() => this.#chooseDay(day.key)}
          >
            ${formatDayKey(day.key, this.#format.locale, 'medium')}${day.key === today ? html` · ${this.#t('day.today')}` : nothing}
          </button>`,
      )}
    </div>`;
  }

  #dayView(data: ScheduleData, view: View, days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, dayKey: string | undefined, events: ScheduleEvent[]) {
    if (events.length === 0) return html`<p class="muted empty">${data.events.length === 0 ? this.#t('schedule.empty') : this.#t('schedule.noMatches')}</p>`;
    return view === 'grid' && dayKey ? this.#grid(data, events, days, dayKey) : this.#list(data, events);
  }

  /** "75% confirmed" for events that request resources (frab events request none). */
  #confirmation(event: ScheduleEvent) {
    if (event.requested === 0) return nothing;
    return html`<span class="confirmation" data-confirmation data-status=${eventStatus(event)}>${percentConfirmed(this.#lang, event.confirmation)}</span>`;
  }

  #star(event: ScheduleEvent, inGrid: boolean) {
    const on = this.#favourites?.has(event.id) ?? false;
    return html`<button
      type="button"
      class="star"
      data-favourite=${event.id}
      ?data-on=${on}
      tabindex=${inGrid ? -1 : nothing}
      @click=${(click: Event) => {
        click.stopPropagation();
        this.#toggleFavourite(event);
      }}
    >
      <span aria-hidden="true">${on ? '★' : '☆'}</span><span class="sr">${this.#t(on ? 'favourite.remove' : 'favourite.add')}: ${event.title}</span>
    </button>`;
  }

  #grid(data: ScheduleData, events: ScheduleEvent[], days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, dayKey: string) {
    const t = this.#t;
    const model = gridModel(data, events, this.#zone);
    const cells = model.columns.flatMap((column) => column.cells);
    const focusKey = cells.some((cell) => cell.key === this.focusKey) ? this.focusKey : cells[0]?.key;
    const line = nowPosition(model.grid, this.#now);
    const cell = (item: Cell) =>
      html`<div
        role="gridcell"
        part="event"
        class="event"
        data-key=${item.key}
        data-event=${item.event.id}
        data-state=${eventStatus(item.event)}
        aria-colindex=${item.column + 2}
        tabindex=${item.key === focusKey ? 0 : -1}
        style=${styleMap({ gridRow: `${item.row + 2} / span ${item.span}`, gridColumn: String(item.column + 2), '--lane': String(item.lane), '--lanes': String(item.lanes) })}
        @click=${() => this.#open(item.event, item.event.id)}
        @focus=${() => (this.focusKey = item.key)}
      >
        <span class="time">${formatTimeRange(item.event.start, item.event.end, this.#format)}</span>
        <span class="name">${item.event.title || t('event.untitled')}</span>
        ${this.#confirmation(item.event)} ${this.#star(item.event, true)}
      </div>`;
    return html`<div class="scroll">
      <div
        role="grid"
        part="grid"
        class="grid"
        aria-label=${`${data.festival.name}, ${formatDayKey(dayKey, this.#format.locale, 'long')}`}
        aria-rowcount=${model.rows.length + 1}
        aria-colcount=${model.columns.length + 1}
        style=${styleMap({ '--cols': String(model.columns.length), '--rows': String(model.grid.slots.length) })}
        @keydown=${(event: KeyboardEvent) => this.#gridKey(event, model, days, dayKey)}
      >
        <div role="row" class="row" aria-rowindex="1">
          <div role="columnheader" class="corner" aria-colindex="1">${formatTimeZoneName(this.#zone, this.#format.locale, model.grid.start)}</div>
          ${model.columns.map(
            (column, index) =>
              html`<div role="columnheader" class="location" aria-colindex=${index + 2} style=${styleMap({ gridColumn: String(index + 2) })}>${column.name || t('event.noLocation')}</div>`,
          )}
        </div>
        ${model.rows.map(
          (row, index) =>
            html`<div role="row" class="row" aria-rowindex=${index + 2}>
              <div role="rowheader" class="slot" aria-colindex="1" style=${styleMap({ gridRow: String(row.row + 2) })}>
                <span class=${row.startsHour ? '' : 'sr'}>${formatTime(row.start, this.#format)}</span>
              </div>
              ${row.cells.map(cell)}
            </div>`,
        )}
        ${line ? html`<div class="now-line" part="now-line" data-now-line aria-hidden="true" style=${styleMap({ gridRow: String(line.row + 2), '--offset': String(line.offset) })}></div>` : nothing}
      </div>
    </div>`;
  }

  #list(data: ScheduleData, events: ScheduleEvent[]): TemplateResult {
    const names = new Map(data.locations.map((location) => [location.id, location.name]));
    return html`<ol class="list" part="list">
      ${events.map(
        (event) =>
          html`<li part="event" class="item" data-event=${event.id} data-state=${eventStatus(event)}>
            <span class="when">${formatTimeRange(event.start, event.end, this.#format)}</span>
            <div class="what">
              <h3><button type="button" class="open" @click=${() => this.#open(event, event.id)}>${event.title || this.#t('event.untitled')}</button></h3>
              <span class="muted">${[event.locationIds.map((id) => names.get(id) ?? '').filter(Boolean).join(', '), event.kind, event.track].filter(Boolean).join(' · ')}</span>
              ${this.#confirmation(event)}
            </div>
            ${this.#star(event, false)}
          </li>`,
      )}
    </ol>`;
  }

  #nowNext(data: ScheduleData, events: ScheduleEvent[]) {
    const t = this.#t;
    const now = this.#now;
    const { now: running, next } = nowAndNext(events, now, { limit: 8 });
    const names = new Map(data.locations.map((location) => [location.id, location.name]));
    const item = (event: ScheduleEvent, when: string) =>
      html`<li part="event" class="item" data-event=${event.id}>
        <span class="when">${when}</span>
        <div class="what">
          <button type="button" class="open" @click=${() => this.#open(event, event.id)}>${event.title || t('event.untitled')}</button>
          <span class="muted">${event.locationIds.map((id) => names.get(id) ?? '').filter(Boolean).join(', ')}</span>
          ${this.#confirmation(event)}
        </div>
        ${this.#star(event, false)}
      </li>`;
    return html`<section part="now" class="now-next">
      <h3>${t('now.now')}</h3>
      ${running.length === 0
        ? html`<p class="muted" data-nothing-now>${t('now.nothingNow')}</p>`
        : html`<ul class="list" data-now>
            ${running.map((event) => item(event, t('now.endsAt', { time: formatTime(event.end, this.#format) })))}
          </ul>`}
      <h3>${t('now.next')}</h3>
      ${next.length === 0
        ? html`<p class="muted">${t('now.nothingNext')}</p>`
        : html`<ul class="list" data-next>
            ${next.map((event) => item(event, `${formatTime(event.start, this.#format)}, ${t('now.startsIn', { relative: formatRelative(event.start, now, this.#format.locale) })}`))}
          </ul>`}
    </section>`;
  }

  #details(data: ScheduleData, event: ScheduleEvent) {
    const t = this.#t;
    const names = new Map(data.locations.map((location) => [location.id, location.name]));
    const places = event.locationIds.map((id) => names.get(id) ?? '').filter(Boolean);
    const url = httpUrl(event.url);
    const statusText = { confirmed: t('status.confirmed'), pending: t('status.pending'), denied: t('status.denied') };
    return html`<section part="details" class="details" data-details=${event.id} aria-labelledby="details-title" @keydown=${(key: KeyboardEvent) => key.key === 'Escape' && this.#close()}>
      <h3 id="details-title" tabindex="-1">${event.title || t('event.untitled')}</h3>
      ${event.subtitle ? html`<p>${event.subtitle}</p>` : nothing}
      <p>${formatDate(event.start, this.#format)}, ${formatTimeRange(event.start, event.end, this.#format)}</p>
      <p>${t('event.location')}: ${places.length > 0 ? places.join(', ') : t('event.noLocation')}</p>
      ${event.festivalId !== data.festival.id && event.festivalName ? html`<p>${t('event.festival', { name: event.festivalName })}</p>` : nothing}
      ${event.requested > 0
        ? html`<p data-status=${eventStatus(event)}>${percentConfirmed(this.#lang, event.confirmation)}: ${resourcesConfirmed(this.#lang, event.confirmed, event.requested)}</p>
            <ul aria-label=${t('event.status')}>
              ${event.resources.map((request) => html`<li>${request.title}: <span data-status=${request.status}>${statusText[request.status]}</span></li>`)}
            </ul>`
        : nothing}
      ${event.persons.length > 0 ? html`<p>${t('event.with', { names: event.persons.map((person) => person.name).join(', ') })}</p>` : nothing}
      ${event.description ? html`<p class="text">${event.description}</p>` : nothing}
      ${event.links.length > 0 || url
        ? html`<ul class="links">
            ${url ? html`<li><a href=${url} target="_blank" rel="noopener noreferrer">${t('event.moreInfo')}</a></li>` : nothing}
            ${event.links.map((link) => {
              const href = httpUrl(link.url);
              return href ? html`<li><a href=${href} target="_blank" rel="noopener noreferrer">${link.title ?? href}</a></li>` : nothing;
            })}
          </ul>`
        : nothing}
      <div class="actions">${this.#star(event, false)}<button type="button" data-close @click=${() => this.#close()}>${t('event.close')}</button></div>
    </section>`;
  }
}
