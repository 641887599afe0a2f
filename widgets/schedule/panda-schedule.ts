/**
 * `<panda-schedule>`: a festival's schedule, embeddable in any page.
 *
 * The element keeps the state and wires the rooms beside it together:
 * - ./schedule-toolbar.ts, ./day-tabs.ts, ./schedule-grid.ts, ./schedule-list.ts (list and
 *   now-and-next) and ./event-details.ts: the templates, each with its styles beside it
 *   (`*.styles.ts`; ./schedule.styles.ts holds the frame and printing), sharing the event
 *   parts and the context they draw with (./event-parts.ts); the details come in a chunk of
 *   their own (./lazy.ts), fetched once the schedule is drawn;
 * - ./schedule-header.ts: the festival's name and logo, and the read-only banner;
 * - ./schedule-model.ts: days (cached with each day's filtered events), location names, a
 *   day's grid model (laid out by ./grid-layout.ts) and the now-line, without the DOM;
 * - ./schedule-keys.ts: what keys do in the grid and the tabs; ./deep-links.ts: the URL hash;
 * - controllers: ./favourites-controller.ts (the visitor's favourites of the festival shown),
 *   ./favourites-share.ts (favourites to and from another device by a link, in a chunk),
 *   ./page-controller.ts (hash, printing, width, clock), ./draw-budget.ts (a slice a frame).
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { feedLinks } from '../lib/feed-paths.js';
import { eventStatus, filterEvents, type ScheduleFilter } from '../lib/filter.js';
import { translator, type Translate } from '../lib/i18n.js';
import type { ScheduleData, ScheduleEvent } from '../lib/schedule-data.js';
import { initialDayKey, type ScheduleDay } from '../lib/schedule-time.js';
import type { PandaProvider, WidgetSource } from '../lib/source.js';
import { festivalDayKey, formatDayKey, type FormatOptions } from '../lib/time.js';
import { baseStyles } from '../shared/base.styles.js';
import { emit, langOf } from '../shared/dom.js';
import { SourceController } from '../shared/source-controller.js';
import { dayTabs, revealSelectedTab } from './day-tabs.js';
import { carriesFavourites, readHash, writeHash, type DeepLink } from './deep-links.js';
import { DrawBudget } from './draw-budget.js';
import type { ScheduleContext } from './event-parts.js';
import { FavouritesController } from './favourites-controller.js';
import { adoptSheet, loadDetails, loadShare } from './lazy.js';
import type { FavouritesShare } from './favourites-share.js';
import { PageController } from './page-controller.js';
import { focusEvent, focusWhenDrawn } from './schedule-focus.js';
import { dayView } from './schedule-day-view.js';
import { errorNotice, readOnlyBanner, scheduleHeader } from './schedule-header.js';
import { onTabKey, type KeyActions } from './schedule-keys.js';
import { nowNextView, printedDays } from './schedule-list.js';
import { DayCache, locationNames, shownView, zoneOf, type TimeZoneMode, type View } from './schedule-model.js';
import { downloadExport } from './schedule-export.js';
import { DEFAULT_FILTER, filterActive, scheduleFilter, scheduleToolbar, type FilterState } from './schedule-toolbar.js';
import { scheduleStyles } from './schedule.styles.js';

/** Narrower than this (a phone), the grid gives way to the list, the filters fold away and details open as a modal dialog. */
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
 * @csspart export - The export menu (a `<details>`).
 * @csspart export-menu - The export menu's choices.
 * @csspart tabs - The day tabs.
 * @csspart panel - The selected day's events (grid or list).
 * @csspart grid - The time grid.
 * @csspart event - An event in the grid or list.
 * @csspart list - The list view.
 * @csspart now - The now-and-next view.
 * @csspart now-line - The line at the current time in the grid.
 * @csspart legend - The key to the grid's styles (confirmed, waiting, declined, favourite).
 * @csspart share - The dialog with the link that carries the favourites to another device.
 * @csspart details - The opened event: a `<dialog>`, beside the events, or modal when the element is narrow.
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
    feeds: {},
    noDeepLinks: { attribute: 'no-deep-links', type: Boolean },
    now: { attribute: false },
    source: { attribute: false },
    provider: { attribute: false },
    narrow: { state: true, attribute: false },
    filtersOpen: { state: true, attribute: false },
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
  /** 'grid' (default), 'list' or 'now' (now and next). Narrow elements show the list instead of the grid (their Grid button says why). */
  declare view: View;
  /** The day shown, YYYY-MM-DD; default today, else the next festival day, else the last. */
  declare day: string | undefined;
  /** 'festival' (default): times in the festival's time zone; 'local': in the visitor's. */
  declare timeZone: TimeZoneMode;
  /** Where the read-only notice links to, to learn how to take part (http(s)). */
  declare helpUrl: string | undefined;
  /**
   * Where `panda serve --http` serves this festival's live feeds (an http(s) URL, e.g.
   * https://feeds.example.org): the export menu then offers to subscribe to them.
   */
  declare feeds: string | undefined;
  /** Neither read nor write `#panda-day=` / `#panda-event=` in the page's URL. */
  declare noDeepLinks: boolean;
  /** The clock (epoch ms) for the now-line and "now and next"; default the real time. */
  declare now: number | undefined;
  /** A data source to use instead of choosing one (see widgets/lib/source.ts). */
  declare source: WidgetSource | undefined;
  /** The Panda Kit provider to use instead of looking for one (null: none). */
  declare provider: PandaProvider | null | undefined;

  declare private narrow: boolean;
  declare private filtersOpen: boolean;
  declare private printing: boolean;
  declare private filter: FilterState;
  declare private selected: string | undefined;
  declare private focusKey: string | undefined;
  declare private announcement: string;

  private readonly data = new SourceController(this, () => this.#dataArrived());
  readonly #favourites = new FavouritesController(this);
  /** Favourites to and from another device (./favourites-share.ts), once asked for. */
  #share: FavouritesShare | undefined;
  readonly #draw = new DrawBudget(this);
  readonly #days = new DayCache();
  #linked = false;
  #openedFrom: string | undefined;
  /** The details' chunk, once loaded (./lazy.ts). */
  #details: Awaited<ReturnType<typeof loadDetails>> | undefined;

  constructor() {
    super();
    this.festival = '';
    this.view = 'grid';
    this.timeZone = 'festival';
    this.noDeepLinks = false;
    this.narrow = false;
    this.filtersOpen = false;
    this.printing = false;
    this.filter = DEFAULT_FILTER;
    this.announcement = '';
    // It adds itself to the element's controllers.
    new PageController(this, {
      narrowWidth: NARROW_WIDTH,
      hashChanged: () => this.#followLink(),
      printing: (printing) => (this.printing = printing),
      isNarrow: () => this.narrow,
      narrow: (narrow) => (this.narrow = narrow),
      tick: () => this.now === undefined && this.requestUpdate(),
    });
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
    return shownView(this.view, this.narrow);
  }

  #dayList(data: ScheduleData): Array<ScheduleDay<ScheduleEvent>> {
    return this.#days.days(data, this.#zone);
  }

  #dayKey(days: ReadonlyArray<ScheduleDay<ScheduleEvent>>): string | undefined {
    return days.some((day) => day.key === this.day) ? this.day : initialDayKey(days, this.#now, this.#zone);
  }

  #scheduleFilter(): ScheduleFilter {
    return scheduleFilter(this.filter, this.#favourites.ids);
  }

  #dataArrived(): void {
    const data = this.data.data;
    if (data) this.#favourites.follow(data);
    if (data && !this.#linked) {
      this.#linked = true;
      this.#followLink();
      // Once the schedule is drawn: the details then open at once, offline too.
      void this.updateComplete.then(() => this.#withDetails()).catch(() => undefined);
    }
  }

  /** Selects the day or event the URL hash names. */
  #followLink(): void {
    const data = this.data.data;
    if (this.noDeepLinks || !data) return;
    if (carriesFavourites(location.hash)) this.#withShare((share) => share.follow(data));
    const link = readHash(location.hash);
    if (!link) return;
    if ('day' in link) {
      if (this.#dayList(data).some((day) => day.key === link.day)) this.day = link.day;
      return;
    }
    const event = data.events.find((item) => item.id === link.event);
    if (!event) return;
    if (eventStatus(event) === 'denied' && !this.filter.declined) this.#setFilter({ declined: true });
    this.day = festivalDayKey(event.start, this.#zone);
    this.selected = this.#openedFrom = event.id;
    this.focusKey = undefined;
    void this.#focusEvent(event.id, true);
    void this.#withDetails().catch(() => undefined);
  }

  /** Loads the sharing chunk (offline before it came: nothing; the next click tries again). */
  #withShare(act: (share: FavouritesShare) => void): void {
    void loadShare().then(
      (parts) => act((this.#share ??= new parts.FavouritesShare(this, this.#favourites))),
      () => undefined,
    );
  }

  /** Loads the details' chunk, adopting its styles after the element's, and draws them. */
  async #withDetails(): Promise<void> {
    const parts = await loadDetails();
    if (this.#details) return;
    this.#details = parts;
    adoptSheet(this.renderRoot as ShadowRoot, parts.detailsStyles);
    this.requestUpdate();
  }

  #writeHash(link: DeepLink): void {
    if (!this.noDeepLinks) writeHash(link);
  }

  #focusEvent(eventId: string, scroll = false): Promise<void> {
    return focusEvent(this, eventId, scroll, (key) => (this.focusKey = key));
  }

  // -------------------------------------------------------------------------------------
  // Actions
  // -------------------------------------------------------------------------------------

  #chooseDay(key: string, focusTab = false): void {
    const data = this.data.data;
    if (!data || key === this.day) return;
    this.day = key;
    this.focusKey = undefined;
    const events = filterEvents(data, this.#scheduleFilter(), this.#dayList(data).find((day) => day.key === key)?.events ?? []);
    this.announcement = `${formatDayKey(key, this.#format.locale, 'long')}: ${this.#t('schedule.eventCount', { count: events.length })}`;
    this.#writeHash({ day: key });
    emit(this, 'panda-day-change', { day: key });
    if (focusTab) focusWhenDrawn(this, '[role="tab"][aria-selected="true"]');
  }

  #open(event: ScheduleEvent, from?: string): void {
    if (!emit(this, 'panda-event-select', { eventId: event.id, event })) return;
    this.selected = event.id;
    this.#openedFrom = from;
    this.#writeHash({ event: event.id });
    // Offline before the chunk came: nothing opens; the next click tries again.
    void this.#withDetails().then(
      () => focusWhenDrawn(this, '#details-title'),
      () => undefined,
    );
  }

  /** Closes the details (once: Escape may also cancel the dialog) and focuses the event again. */
  #close(): void {
    const id = this.selected;
    if (!id) return;
    this.selected = undefined;
    void this.#focusEvent(this.#openedFrom ?? id);
  }

  readonly #keyActions: KeyActions = {
    open: (event) => this.#open(event, event.id),
    chooseDay: (key, focusTab) => this.#chooseDay(key, focusTab),
    focusCell: (cellKey) => {
      this.focusKey = cellKey;
      focusWhenDrawn(this, `[data-key="${CSS.escape(cellKey)}"]`, true);
    },
    focusFirstCell: () => focusWhenDrawn(this, '[role="gridcell"]'),
  };

  #setFilter(change: Partial<FilterState>): void {
    this.filter = { ...this.filter, ...change };
    this.focusKey = undefined;
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

  #context(data: ScheduleData): ScheduleContext {
    return {
      data,
      t: this.#t,
      lang: this.#lang,
      format: this.#format,
      zone: this.#zone,
      now: this.#now,
      locationNames: locationNames(data),
      isFavourite: (eventId) => this.#favourites.has(eventId),
      open: (event, from) => this.#open(event, from),
      toggleFavourite: (event) => this.#favourites.toggle(event),
    };
  }

  override render() {
    const t = this.#t;
    const data = this.data.data;
    const error = errorNotice(this.#lang, this.data.error);
    if (!data) return html`<div part="base" class="base">${this.data.error ? error : html`<p class="muted" role="status">${t('schedule.loading')}</p>`}</div>`;
    const context = this.#context(data);
    const days = this.#dayList(data);
    const dayKey = this.#dayKey(days);
    const day = days.find((item) => item.key === dayKey);
    const filter = this.#scheduleFilter();
    const view = this.printing ? 'print' : this.#view;
    const selected = this.selected ? data.events.find((event) => event.id === this.selected) : undefined;
    const details = selected && this.#details ? this.#details.eventDetails(context, selected, () => this.#close()) : nothing;
    return html`<div part="base" class=${`base view-${view}${this.narrow ? ' narrow' : ''}`}>
      ${scheduleHeader(data.festival)} ${readOnlyBanner(t, this.data.current, this.data.provider, this.helpUrl)} ${error} ${this.#share?.render(context)}
      ${this.#toolbar(context, view === 'now' ? undefined : day)}
      ${
        view === 'print'
          ? printedDays(context, days, filter)
          : view === 'now'
            ? html`<div class="stage">${nowNextView(context, filterEvents(data, filter))}${details}</div>`
            : html`${this.#tabs(context, days, dayKey)}
                <div class="stage">
                  <div role="tabpanel" id="panel" part="panel" aria-labelledby=${dayKey ? `tab-${dayKey}` : nothing}>
                    ${dayView(context, {
                      view,
                      days,
                      dayKey,
                      shown: day ? this.#days.shown(data, day, filter, this.filter) : { events: [] },
                      focusKey: this.focusKey,
                      elsewhere: (key) => this.#days.elsewhere(data, days, key, filter, this.filter),
                      drawLimit: (shownAs, total) => this.#draw.limit(`${shownAs} ${dayKey}`, this.filter, total),
                      keyActions: this.#keyActions,
                      onChoose: (key) => this.#chooseDay(key),
                      onFocus: (key) => (this.focusKey = key),
                    })}
                  </div>
                  ${details}
                </div>`
      }
      <div class="sr" aria-live="polite" data-live>${this.announcement}</div>
    </div>`;
  }

  protected override updated(): void {
    this.#details?.showDetails(this.renderRoot, this.narrow);
    revealSelectedTab(this.renderRoot, `${this.day} ${this.narrow}`);
  }

  #tabs(context: ScheduleContext, days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, dayKey: string | undefined) {
    return dayTabs(context, days, dayKey, {
      onKey: (event) => dayKey && onTabKey(event, days, dayKey, this.#keyActions),
      onChoose: (key) => this.#chooseDay(key),
    });
  }

  #toolbar(context: ScheduleContext, day: ScheduleDay<ScheduleEvent> | undefined) {
    return scheduleToolbar(context, {
      day,
      shown: this.#view,
      narrow: this.narrow,
      filtersOpen: this.filtersOpen,
      zoneMode: this.timeZone === 'local' ? 'local' : 'festival',
      filter: this.filter,
      filterActive: filterActive(this.filter, this.#favourites.ids),
      favourites: this.#favourites.size,
      feeds: feedLinks(this.feeds, context.data.festival.id),
      onView: (view) => (this.view = view),
      onToggleFilters: () => (this.filtersOpen = !this.filtersOpen),
      onZone: (mode: TimeZoneMode) => (this.timeZone = mode),
      onFilter: (change) => this.#setFilter(change),
      onExport: (kind) => (kind === 'share' ? this.#withShare((share) => share.open()) : void downloadExport(context.data, kind, this.#favourites.ids)),
    });
  }
}
