import { css } from 'lit';
import { visuallyHidden } from '../shared/base.styles.js';

/**
 * The time grid: sticky headers, events in their lanes, the now-line (behind the events).
 * An event's box is fixed by its rows, so its lines fit it by its height (a container query):
 * all of them when three fit, the title (one line) and the status, else the time, when two
 * fit, the title alone on one line when only one does. Those left out are still read by
 * screen readers, and every line that is cut ends in an ellipsis.
 */
export const gridStyles = css`
  .scroll {
    overflow: auto;
    max-height: var(--panda-schedule-max-height, 80vh);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .grid {
    --_column: var(--panda-schedule-column-width, 9rem);
    --_lane: 7.5rem;
    display: grid;
    position: relative;
    grid-template-rows: var(--_head) repeat(var(--rows), var(--_slot));
    background-image: linear-gradient(var(--_border) 1px, transparent 1px);
    background-size: 100% calc(4 * var(--_slot));
    background-position: 0 var(--_head);
  }
  .row {
    display: contents;
  }
  [role='columnheader'] {
    grid-row: 1;
    position: sticky;
    top: 0;
    z-index: 3;
    padding: 0.4rem;
    font-weight: 600;
    background: var(--_bg);
    border-bottom: 1px solid var(--_border);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .corner {
    grid-column: 1;
    left: 0;
    z-index: 4;
    font-weight: 400;
    font-size: 0.8rem;
    color: var(--_muted);
  }
  .slot {
    grid-column: 1;
    position: sticky;
    left: 0;
    z-index: 2;
    padding: 0 0.4rem;
    font-size: 0.8rem;
    white-space: nowrap;
    color: var(--_muted);
    background: var(--_bg);
  }
  .event {
    position: relative;
    z-index: 1;
    display: flex;
    flex-direction: column;
    justify-self: start;
    width: calc((100% - 4px) / var(--lanes));
    margin: 1px 0 1px calc(2px + (100% - 4px) * var(--lane) / var(--lanes));
    padding: 0 1.5rem 0 0.4rem;
    overflow: hidden;
    font-size: 0.85rem;
    line-height: 1.2;
    cursor: pointer;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_confirmed);
    border-radius: var(--_radius);
    /* The grid's rows and columns fix each event's box: the browser may skip laying out and
       painting the insides of those scrolled out of view (a day holds hundreds). */
    content-visibility: auto;
    container: event / size;
  }
  .event[data-state='pending'] {
    border-inline-start-style: dashed;
    border-inline-start-color: var(--_pending);
  }
  .event[data-state='denied'] {
    border-inline-start-style: dotted;
    border-inline-start-color: var(--_denied);
  }
  .event:focus-visible {
    outline-offset: -2px;
    z-index: 2;
  }
  .event .name {
    flex: 0 1 auto;
    min-height: 0;
    overflow: hidden;
    font-weight: 600;
    overflow-wrap: break-word;
  }
  .event .time {
    margin-top: 0.1rem;
  }
  .event .time,
  .event .confirmation {
    flex-shrink: 0;
    font-size: 0.78rem;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .event .star {
    position: absolute;
    top: 0.1rem;
    inset-inline-end: 0.1rem;
  }
  /* Two lines: the title on one, then the status if there is one, else the time. */
  @container event (height < 2.9rem) {
    .event .name {
      flex-shrink: 0;
      margin-top: 0.1rem;
      white-space: nowrap;
      text-overflow: ellipsis;
    }
    .with-status .time {
      ${visuallyHidden}
    }
    .event:not(.with-status) .time {
      order: 1;
      margin-top: 0;
    }
  }
  /* One line: the title. */
  @container event (height < 1.95rem) {
    .event .name {
      margin-top: 0;
      font-size: 0.78rem;
    }
    .event .star {
      top: 0;
      font-size: 0.85rem;
    }
    .event .time,
    .event .confirmation {
      ${visuallyHidden}
    }
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem 1rem;
    margin: 0.5rem 0 0;
    font-size: 0.85rem;
    color: var(--_muted);
  }
  /* A little event box: the same borders as the events'. */
  .key::before {
    content: '';
    display: inline-block;
    width: 1.25rem;
    height: 1.5em;
    margin-inline-end: 0.35rem;
    vertical-align: middle;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_confirmed);
    border-radius: var(--_radius);
  }
  .key[data-state='pending']::before {
    border-inline-start-style: dashed;
    border-inline-start-color: var(--_pending);
  }
  .key[data-state='denied']::before {
    border-inline-start-style: dotted;
    border-inline-start-color: var(--_denied);
  }
  .now-line {
    grid-column: 2 / -1;
    align-self: start;
    height: 2px;
    margin-top: calc(var(--_slot) * var(--offset));
    background: var(--_denied);
    z-index: 0;
    pointer-events: none;
  }
`;
