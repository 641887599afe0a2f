/**
 * The day tabs of `<panda-schedule>`: one tab per day (today's says so), only the selected
 * one in the tab order; arrows, Home and End move between them (./schedule-keys.ts). When
 * they do not fit, they scroll sideways, the selected one kept in view.
 */
import { html, nothing } from 'lit';
import type { ScheduleDay } from '../lib/schedule-time.js';
import { dayKey as dayKeyOf, formatDayKey } from '../lib/time.js';
import type { ScheduleContext } from './event-parts.js';

export interface DayTabsOptions {
  onKey: (event: KeyboardEvent) => void;
  onChoose(dayKey: string): void;
}

export function dayTabs(context: ScheduleContext, days: ReadonlyArray<ScheduleDay>, dayKey: string | undefined, options: DayTabsOptions) {
  const today = dayKeyOf(context.now, context.zone);
  return html`<div role="tablist" part="tabs" class="tabs" aria-label=${context.t('schedule.days')} @keydown=${options.onKey}>
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
          @click=${() => options.onChoose(day.key)}
        >
          ${formatDayKey(day.key, context.format.locale, 'medium')}${day.key === today ? html` · ${context.t('day.today')}` : nothing}
        </button>`,
    )}
  </div>`;
}

const revealedFor = new WeakMap<Element, string>();

/**
 * Scrolls the day tabs (only them, not the page) so that the selected tab is wholly in view,
 * e.g. today's on a phone that shows two or three tabs of a week: for tabs just drawn, or
 * when `when` (the day and the width, say) differs from the last time, not on every redraw.
 */
export function revealSelectedTab(root: ParentNode, when: string): void {
  const list = root.querySelector<HTMLElement>('[role="tablist"]');
  const tab = list?.querySelector<HTMLElement>('[aria-selected="true"]');
  if (!list || !tab || revealedFor.get(list) === when) return;
  revealedFor.set(list, when);
  if (list.scrollWidth <= list.clientWidth) return;
  const [outer, inner] = [list.getBoundingClientRect(), tab.getBoundingClientRect()];
  const margin = 8;
  if (inner.left < outer.left) list.scrollBy({ left: inner.left - outer.left - margin });
  else if (inner.right > outer.right) list.scrollBy({ left: inner.right - outer.right + margin });
}
