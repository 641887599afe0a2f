/**
 * The toolbar of `<panda-schedule>`: the views, the time zone (the festival's or the
 * visitor's), the filters (location and kind when there is a choice, text, favourites only,
 * and whether to show the events with a declined request, hidden at first)
 * and the export menu (iCalendar of all or of the favourites, frab JSON and XML; with
 * `feeds`, the links to subscribe to the live feeds).
 *
 * Narrow (a phone): the pressed view is the one on screen, so Grid, which does not fit, is
 * unavailable and says why beside it; the time zone and filters fold behind one button,
 * which stays on the row of the export menu, so that the day's events start high up.
 */
import { html, nothing } from 'lit';
import { filterOptions, isFilterActive, type FilterOption, type FilterOptions, type ScheduleFilter } from '../lib/filter.js';
import type { ScheduleData } from '../lib/schedule-data.js';
import type { TimeSpan } from '../lib/time.js';
import type { ScheduleContext } from './event-parts.js';
import type { FeedLinks } from '../lib/feed-paths.js';
import type { ExportKind } from './schedule-export.js';
import { shownZoneName, type TimeZoneMode, type View } from './schedule-model.js';

/** The filter as the toolbar sets it. */
export interface FilterState {
  location: string;
  kind: string;
  text: string;
  favouritesOnly: boolean;
  /** Show the events with a declined request too (hidden at first: they may not happen as planned). */
  declined: boolean;
}

export const DEFAULT_FILTER: FilterState = { location: '', kind: '', text: '', favouritesOnly: false, declined: false };

/** The filter the toolbar set, as widgets/lib/filter.ts applies it. */
export function scheduleFilter(state: FilterState, favourites: ReadonlySet<string>): ScheduleFilter {
  const { location, kind, text, favouritesOnly, declined } = state;
  return {
    locationIds: location ? [location] : [],
    kinds: kind ? [kind] : [],
    statuses: declined ? [] : ['confirmed', 'pending'],
    text,
    favouritesOnly,
    favourites,
  };
}

/** Whether the visitor narrowed the schedule (declined events hidden, as at first, does not count). */
export const filterActive = (state: FilterState, favourites: ReadonlySet<string>) => isFilterActive(scheduleFilter({ ...state, declined: true }, favourites));

export interface ToolbarOptions {
  /** The view on screen: its button is the pressed one. */
  shown: View;
  /** Narrow: no grid, and the time zone and filters behind a button. */
  narrow: boolean;
  /** Narrow: whether the time zone and filters are unfolded. */
  filtersOpen: boolean;
  zoneMode: TimeZoneMode;
  /** The day whose times are on screen (the zone note names its offset); undefined: now and next. */
  day: TimeSpan | undefined;
  filter: FilterState;
  filterActive: boolean;
  favourites: number;
  /** The festival's live feeds (`panda serve --http`), when the page names their server. */
  feeds: FeedLinks | undefined;
  onView(view: View): void;
  onToggleFilters(): void;
  onZone(mode: TimeZoneMode): void;
  onFilter(change: Partial<FilterState>): void;
  onExport(kind: ExportKind): void;
}

const choicesOf = new WeakMap<ScheduleData, { locale: string; choices: FilterOptions }>();

/** The filter choices of a schedule: counted over all its events once, not on every frame a day is drawn in. */
function filterChoices(data: ScheduleData, locale: string): FilterOptions {
  let cached = choicesOf.get(data);
  if (cached?.locale !== locale) choicesOf.set(data, (cached = { locale, choices: filterOptions(data, locale) }));
  return cached.choices;
}

export function scheduleToolbar(context: ScheduleContext, options: ToolbarOptions) {
  const { t } = context;
  const { shown, narrow, zoneMode, filter, favourites, feeds } = options;
  const choices = filterChoices(context.data, context.format.locale);
  const viewButton = (value: View, label: string) => {
    const unavailable = narrow && value === 'grid';
    return html`<button
      type="button"
      aria-pressed=${shown === value ? 'true' : 'false'}
      aria-disabled=${unavailable ? 'true' : nothing}
      aria-describedby=${unavailable ? 'grid-note' : nothing}
      data-view=${value}
      @click=${() => unavailable || options.onView(value)}
    >
      ${label}
    </button>`;
  };
  const zoneButton = (value: TimeZoneMode, label: string) =>
    html`<button type="button" aria-pressed=${zoneMode === value ? 'true' : 'false'} data-zone=${value} @click=${() => options.onZone(value)}>
      ${label}
    </button>`;
  /** A filter's select, when there is more than one option to choose from. */
  const select = (name: 'location' | 'kind', label: string, all: string, list: readonly FilterOption[]) => {
    if (list.length <= 1) return nothing;
    return html`<label
      >${label}
      <select data-filter=${name} @change=${(event: Event) => options.onFilter({ [name]: (event.target as HTMLSelectElement).value })}>
        <option value="" ?selected=${filter[name] === ''}>${all}</option>
        ${list.map((option) => html`<option value=${option.value} ?selected=${filter[name] === option.value}>${option.label}</option>`)}
      </select></label
    >`;
  };
  const views = html`<div role="group" class="group" aria-label=${t('view.label')}>
      ${viewButton('grid', t('view.grid'))}${viewButton('list', t('view.list'))}${viewButton('now', t('view.nowNext'))}
    </div>
    ${narrow ? html`<span id="grid-note" class="muted note" data-grid-note>${t('view.gridNeedsWidth')}</span>` : nothing}`;
  const toggle = html`<button
    type="button"
    class="toggle"
    aria-expanded=${options.filtersOpen ? 'true' : 'false'}
    aria-controls="options"
    @click=${() => options.onToggleFilters()}
  >
    ${t('filter.toggle')}${options.filterActive ? html` <span class="badge">${t('filter.on')}</span>` : nothing}
  </button>`;
  const zoneAndFilters = html`<div id="options" class="options" ?hidden=${narrow && !options.filtersOpen}>
    <div role="group" class="group" aria-label=${t('time.zone')}>
      ${zoneButton('festival', t('time.festivalZone'))}${zoneButton('local', t('time.localZone'))}
      <span class="muted" data-zone-note>${t('time.zoneNote', { zone: shownZoneName(context.zone, context.format.locale, context.now, options.day) })}</span>
    </div>
    <div role="group" class="group filters" aria-label=${t('filter.label')}>
      ${select('location', t('filter.location'), t('filter.allLocations'), choices.locations)}
      ${select('kind', t('filter.kind'), t('filter.allKinds'), choices.kinds)}
      <label class="search"
        >${t('filter.search')}
        <input
          type="search"
          data-filter="text"
          placeholder=${t('filter.searchPlaceholder')}
          .value=${filter.text}
          @input=${(event: Event) => options.onFilter({ text: (event.target as HTMLInputElement).value })}
      /></label>
      <label class="check"
        ><input
          type="checkbox"
          data-filter="favourites"
          .checked=${filter.favouritesOnly}
          @change=${(event: Event) => options.onFilter({ favouritesOnly: (event.target as HTMLInputElement).checked })}
        />
        ${t('filter.favouritesOnly')} <span class="muted">(${favourites})</span></label
      >
      ${
        choices.declined > 0
          ? html`<label class="check"
              ><input
                type="checkbox"
                data-filter="declined"
                .checked=${filter.declined}
                @change=${(event: Event) => options.onFilter({ declined: (event.target as HTMLInputElement).checked })}
              />
              ${t('filter.showDeclined', { count: choices.declined })}</label
            >`
          : nothing
      }
      ${options.filterActive ? html`<button type="button" data-clear @click=${() => options.onFilter(DEFAULT_FILTER)}>${t('filter.clear')}</button>` : nothing}
    </div>
  </div>`;
  const exportMenu = html`<details class="export" part="export">
    <summary>${t('export.label')}</summary>
    <div class="menu" part="export-menu">
      <button type="button" data-export="ical" @click=${() => options.onExport('ical')}>${t('export.ical')}</button>
      <button type="button" data-export="favourites" ?disabled=${favourites === 0} @click=${() => options.onExport('favourites')}>
        ${t('export.icalFavourites')}
      </button>
      <button type="button" data-export="share" ?disabled=${favourites === 0} @click=${() => options.onExport('share')}>${t('export.shareFavourites')}</button>
      <button type="button" data-export="json" @click=${() => options.onExport('json')}>${t('export.frabJson')}</button>
      <button type="button" data-export="xml" @click=${() => options.onExport('xml')}>${t('export.frabXml')}</button>
      ${
        feeds
          ? html`<a href=${feeds.webcal} data-feed="webcal">${t('export.subscribe')}</a>
              <a href=${feeds.json} data-feed="json" target="_blank" rel="noopener">${t('export.feedJson')}</a>
              <a href=${feeds.xml} data-feed="xml" target="_blank" rel="noopener">${t('export.feedXml')}</a>`
          : nothing
      }
    </div>
  </details>`;
  // In the order they are seen in, which is the order of the tab key.
  return html`<div part="toolbar" class="toolbar">
    ${narrow ? html`${views}${toggle}${exportMenu}${zoneAndFilters}` : html`${views}${zoneAndFilters}${exportMenu}`}
  </div>`;
}
