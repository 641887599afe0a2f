/**
 * The grid view of `<panda-schedule>`: one day as an ARIA grid, a column per location and a
 * row per slot that begins an hour or an event, drawn a slice of rows a frame, with the
 * now-line. The keys are the element's (./schedule-keys.ts); only the focused cell is in the
 * tab order.
 *
 * A location's column is as wide as its most side-by-side events need to keep their titles
 * readable; an event's lines that its box cannot hold give way (./schedule-grid.styles.ts),
 * and its `title` holds them all. Below the grid, a key to its styles.
 */
import { html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { eventStatus } from '../lib/filter.js';
import { formatDayKey, formatTime, formatTimeZoneName, spanTimeRange } from '../lib/time.js';
import { confirmation, confirmationText, star, type ScheduleContext } from './event-parts.js';
import { nowPosition, type Cell, type GridModel } from './schedule-model.js';

export interface GridOptions {
  dayKey: string;
  /** The cell in the tab order (the first one's if it is not in the grid). */
  focusKey: string | undefined;
  /** How many of `total` cells to draw now (the rest come in later frames). */
  drawLimit(total: number): number;
  onKey: (event: KeyboardEvent) => void;
  onFocus(cellKey: string): void;
}

export function gridView(context: ScheduleContext, model: GridModel, options: GridOptions) {
  const { t, format } = context;
  const cells = model.columns.flatMap((column) => column.cells);
  const focusKey = cells.some((cell) => cell.key === options.focusKey) ? options.focusKey : cells[0]?.key;
  const line = nowPosition(model.grid, context.now);
  // Rows go by time: the morning is drawn first, later rows' events in the frames after.
  let budget = options.drawLimit(cells.length);
  const cell = (item: Cell) => {
    const time = spanTimeRange(item.event, format);
    const name = item.event.title || t('event.untitled');
    const status = confirmationText(context, item.event);
    return html`<div
      role="gridcell"
      part="event"
      class=${status === undefined ? 'event' : 'event with-status'}
      title=${[time, name, status].filter(Boolean).join(' · ')}
      data-key=${item.key}
      data-event=${item.event.id}
      data-state=${eventStatus(item.event)}
      aria-colindex=${item.column + 2}
      tabindex=${item.key === focusKey ? 0 : -1}
      style=${styleMap({ gridRow: `${item.row + 2} / span ${item.span}`, gridColumn: String(item.column + 2), '--lane': String(item.lane), '--lanes': String(item.lanes) })}
      @click=${() => context.open(item.event, item.event.id)}
      @focus=${() => options.onFocus(item.key)}
    >
      <span class="time">${time}</span>
      <span class="name">${name}</span>
      ${confirmation(context, item.event)} ${star(context, item.event, true)}
    </div>`;
  };
  // The time column as wide as its longest label; a location's column wide enough for its lanes.
  const columns = ['minmax(4.5rem, max-content)', ...model.columns.map((column) => `minmax(max(var(--_column), ${column.lanes} * var(--_lane)), 1fr)`)];
  return html`<div class="scroll">
    <div
      role="grid"
      part="grid"
      class="grid"
      aria-label=${`${context.data.festival.name}, ${formatDayKey(options.dayKey, format.locale, 'long')}`}
      aria-rowcount=${model.rows.length + 1}
      aria-colcount=${model.columns.length + 1}
      style=${styleMap({ gridTemplateColumns: columns.join(' '), '--rows': String(model.grid.slots.length) })}
      @keydown=${options.onKey}
    >
      <div role="row" class="row" aria-rowindex="1">
        <div role="columnheader" class="corner" aria-colindex="1">${formatTimeZoneName(context.zone, format.locale, model.grid.start)}</div>
        ${model.columns.map(
          (column, index) =>
            html`<div
              role="columnheader"
              class="location"
              aria-colindex=${index + 2}
              title=${column.name || t('event.noLocation')}
              style=${styleMap({ gridColumn: String(index + 2) })}
            >
              ${column.name || t('event.noLocation')}
            </div>`,
        )}
      </div>
      ${repeat(
        // Rows (by their time) and cells keyed by what they show: an event arriving in a sync adds
        // its cell (and its slot's row) where it belongs, and the rows and cells already drawn
        // stay the elements they are, even when an earlier event makes the grid start earlier.
        model.rows,
        (row) => row.start,
        (row, index) => {
          const drawn = budget;
          budget -= row.cells.length;
          return html`<div role="row" class="row" aria-rowindex=${index + 2}>
            <div role="rowheader" class="slot" aria-colindex="1" style=${styleMap({ gridRow: String(row.row + 2) })}>
              <span class=${row.startsHour ? '' : 'sr'}>${formatTime(row.start, format)}</span>
            </div>
            ${repeat(
              row.cells.slice(0, Math.max(0, drawn)),
              (item) => item.key,
              // A cell is made again only when what it shows changed: a sync's reloads keep most events
              // as they were. (Its span follows from its event alone: the grid starts on the hour.)
              (item) =>
                guard(
                  [item.event, item.row, item.lane, item.lanes, item.key === focusKey, context.isFavourite(item.event.id), format.locale, context.zone],
                  () => cell(item),
                ),
            )}
          </div>`;
        },
      )}
      ${line ? html`<div class="now-line" part="now-line" data-now-line aria-hidden="true" style=${styleMap({ gridRow: String(line.row + 2), '--offset': String(line.offset) })}></div>` : nothing}
    </div>
  </div>`;
}

/**
 * The key to the grid's styles, when any event requests resources: the start border solid
 * for confirmed events, dashed for those waiting, dotted for those with a declined request;
 * the star for favourites. The words beside each event say as much to screen readers.
 */
export function gridLegend({ t, data }: ScheduleContext) {
  if (!data.events.some((event) => event.requested > 0)) return nothing;
  const key = (state: string, label: string) => html`<span class="key" data-state=${state}>${label}</span>`;
  return html`<p class="legend" part="legend" data-legend>
    <span>${t('legend.label')}:</span> ${key('confirmed', t('status.confirmed'))} ${key('pending', t('status.pending'))} ${key('denied', t('status.denied'))}
    <span><span aria-hidden="true">★</span> ${t('favourite.title')}</span>
  </p>`;
}
