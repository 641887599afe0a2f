/**
 * The selected day's panel of `<panda-schedule>`: the grid (grid view, a day chosen), else the
 * list; with no events shown, why, and where the filter matches on another day. The element
 * gives the state and its actions; the templates are ./schedule-grid.ts and ./schedule-list.ts.
 */
import { html } from 'lit';
import type { ScheduleEvent } from '../lib/schedule-data.js';
import type { ScheduleDay } from '../lib/schedule-time.js';
import type { ScheduleContext } from './event-parts.js';
import { gridLegend, gridView } from './schedule-grid.js';
import { onGridKey, type KeyActions } from './schedule-keys.js';
import { listView, noMatches } from './schedule-list.js';
import { gridModel, type ShownDay, type View } from './schedule-model.js';

export interface DayViewOptions {
  view: View;
  days: ReadonlyArray<ScheduleDay<ScheduleEvent>>;
  dayKey: string | undefined;
  /** The day's events that pass the filter (and their grid, made once). */
  shown: ShownDay;
  focusKey: string | undefined;
  /** The nearest other day where the filter matches, asked only when this day shows nothing. */
  elsewhere: (dayKey: string) => { key: string; count: number } | undefined;
  /** How many of `total` events to draw now (./draw-budget.ts), per view of the day. */
  drawLimit: (view: 'list' | 'grid', total: number) => number;
  keyActions: KeyActions;
  onChoose: (dayKey: string) => void;
  onFocus: (key: string) => void;
}

export function dayView(context: ScheduleContext, options: DayViewOptions) {
  const { data, t } = context;
  const { view, days, dayKey, shown } = options;
  const { events } = shown;
  if (events.length === 0) {
    if (data.events.length === 0 || !dayKey) return html`<p class="muted empty">${t(data.events.length === 0 ? 'schedule.empty' : 'schedule.noMatches')}</p>`;
    return noMatches(context, dayKey, options.elsewhere(dayKey), options.onChoose);
  }
  if (view !== 'grid' || !dayKey) return listView(context, events, options.drawLimit('list', events.length));
  const model = (shown.grid ??= gridModel(data, events, context.zone));
  return html`${gridView(context, model, {
    dayKey,
    focusKey: options.focusKey,
    drawLimit: (total) => options.drawLimit('grid', total),
    onKey: (event) => onGridKey(event, model, days, dayKey, options.keyActions),
    onFocus: options.onFocus,
  })}${gridLegend(context)}`;
}
