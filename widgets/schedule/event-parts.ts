/**
 * What the templates of `<panda-schedule>` share: the context they draw with (the element's
 * state and actions, handed down once per render), and the parts every view shows of an
 * event: its confirmation and its favourite star.
 */
import { html, nothing } from 'lit';
import { eventStatus } from '../lib/filter.js';
import type { Translate } from '../lib/i18n.js';
import type { ScheduleData, ScheduleEvent } from '../lib/schedule-data.js';
import { statusLine } from '../lib/status-words.js';
import type { FormatOptions } from '../lib/time.js';

export interface ScheduleContext {
  readonly data: ScheduleData;
  readonly t: Translate;
  readonly lang: 'en' | 'de';
  /** The interface's locale and the zone times are shown in. */
  readonly format: FormatOptions;
  /** The zone times are shown in (festival's or visitor's). */
  readonly zone: string;
  /** The clock (epoch ms). */
  readonly now: number;
  /** Location names by id (made once per schedule). */
  readonly locationNames: ReadonlyMap<string, string>;
  isFavourite(eventId: string): boolean;
  /** Opens an event's details; `from` is the event to focus again when they close. */
  open(event: ScheduleEvent, from?: string): void;
  toggleFavourite(event: ScheduleEvent): void;
}

/** "Waiting for Beamer · 50%" for events that request resources; undefined for the others (frab events request none). */
export const confirmationText = (context: ScheduleContext, event: ScheduleEvent) => statusLine(context.lang, event);

/** The confirmation line, for events that request resources. */
export function confirmation(context: ScheduleContext, event: ScheduleEvent) {
  const text = confirmationText(context, event);
  return text === undefined ? nothing : html`<span class="confirmation" data-confirmation data-status=${eventStatus(event)}>${text}</span>`;
}

/** The favourite star; out of the tab order in the grid, whose cells take the keys. */
export function star(context: ScheduleContext, event: ScheduleEvent, inGrid: boolean) {
  const on = context.isFavourite(event.id);
  return html`<button
    type="button"
    class="star"
    data-favourite=${event.id}
    ?data-on=${on}
    tabindex=${inGrid ? -1 : nothing}
    @click=${(click: Event) => {
      click.stopPropagation();
      context.toggleFavourite(event);
    }}
  >
    <span aria-hidden="true">${on ? '★' : '☆'}</span><span class="sr">${context.t(on ? 'favourite.remove' : 'favourite.add')}: ${event.title}</span>
  </button>`;
}
