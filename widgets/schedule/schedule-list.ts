/**
 * The list view of `<panda-schedule>` (also what narrow elements and printing show), and the
 * now-and-next view: what is running, with when it ends, and what starts next.
 */
import { html, nothing } from 'lit';
import { eventStatus, filterEvents, type ScheduleFilter } from '../lib/filter.js';
import type { ScheduleEvent } from '../lib/schedule-data.js';
import { nowAndNext, type ScheduleDay } from '../lib/schedule-time.js';
import { dayKey as dayKeyOf, formatDayKey, formatRelative, formatTime, spanTimeRange } from '../lib/time.js';
import { confirmation, star, type ScheduleContext } from './event-parts.js';
import { placesOf } from './schedule-model.js';

/** The list of `events`, the first `limit` of them (a slice a frame) if given. */
export function listView(context: ScheduleContext, events: ScheduleEvent[], limit?: number) {
  const shown = limit === undefined ? events : events.slice(0, limit);
  return html`<ol class="list" part="list">
    ${shown.map(
      (event) =>
        html`<li part="event" class="item" data-event=${event.id} data-state=${eventStatus(event)}>
          <span class="when">${spanTimeRange(event, context.format)}</span>
          <div class="what">
            <h3><button type="button" class="open" @click=${() => context.open(event, event.id)}>${event.title || context.t('event.untitled')}</button></h3>
            <span class="muted">${[placesOf(context.locationNames, event).join(', '), event.kind, event.track].filter(Boolean).join(' · ')}</span>
            ${confirmation(context, event)}
          </div>
          ${star(context, event, false)}
        </li>`,
    )}
  </ol>`;
}

/**
 * A day where nothing passes the filters: "No match today, 2 on Wednesday", the other day a
 * button that shows it (the nearest after, else before; `other` undefined when none has any).
 */
export function noMatches(context: ScheduleContext, dayKey: string, other: { key: string; count: number } | undefined, onChoose: (key: string) => void) {
  const { t, format } = context;
  const weekdays = context.data.festival.end - context.data.festival.start <= 7 * 24 * 3600 * 1000;
  const day = (key: string) => formatDayKey(key, format.locale, weekdays ? 'weekday' : 'long');
  return html`<p class="muted empty" data-no-match>
    ${dayKey === dayKeyOf(context.now, context.zone) ? t('schedule.noMatchToday') : t('schedule.noMatchOn', { day: day(dayKey) })}${
      other
        ? html`,
            <button type="button" class="link" data-other-day=${other.key} @click=${() => onChoose(other.key)}>
              ${t('schedule.matchesOn', { count: other.count, day: day(other.key) })}
            </button>`
        : nothing
    }
  </p>`;
}

/** What printing shows: every day, headed by its date, as a list. */
export function printedDays(context: ScheduleContext, days: ReadonlyArray<ScheduleDay<ScheduleEvent>>, filter: ScheduleFilter) {
  return days.map(
    (day) =>
      html`<h3>${formatDayKey(day.key, context.format.locale, 'full')}</h3>
        ${listView(context, filterEvents(context.data, filter, day.events))}`,
  );
}

export function nowNextView(context: ScheduleContext, events: ScheduleEvent[]) {
  const { t, now, format } = context;
  const { now: running, next } = nowAndNext(events, now, { limit: 8 });
  const item = (event: ScheduleEvent, when: string) =>
    html`<li part="event" class="item" data-event=${event.id}>
      <span class="when">${when}</span>
      <div class="what">
        <button type="button" class="open" @click=${() => context.open(event, event.id)}>${event.title || t('event.untitled')}</button>
        <span class="muted">${placesOf(context.locationNames, event).join(', ')}</span>
        ${confirmation(context, event)}
      </div>
      ${star(context, event, false)}
    </li>`;
  return html`<section part="now" class="now-next">
    <h3>${t('now.now')}</h3>
    ${
      running.length === 0
        ? html`<p class="muted" data-nothing-now>${t('now.nothingNow')}</p>`
        : html`<ul class="list" data-now>
            ${running.map((event) => item(event, t('now.endsAt', { time: formatTime(event.end, format) })))}
          </ul>`
    }
    <h3>${t('now.next')}</h3>
    ${
      next.length === 0
        ? html`<p class="muted">${t('now.nothingNext')}</p>`
        : html`<ul class="list" data-next>
            ${next.map((event) => item(event, `${formatTime(event.start, format)}, ${t('now.startsIn', { relative: formatRelative(event.start, now, format.locale) })}`))}
          </ul>`
    }
  </section>`;
}
