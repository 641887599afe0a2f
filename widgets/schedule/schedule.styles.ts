import { css } from 'lit';

export const scheduleStyles = css`
  :host {
    --_slot: var(--panda-schedule-slot-height, 1.25rem);
    --_head: 2.5rem;
  }
  header {
    display: flex;
    align-items: center;
    gap: 0.75rem;
  }
  h2 {
    margin: 0.25rem 0;
    font-size: 1.35rem;
  }
  h3 {
    margin: 0.75rem 0 0.25rem;
    font-size: 1.05rem;
  }
  .logo {
    max-height: 3rem;
    max-width: 8rem;
  }
  .banner {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    margin: 0.5rem 0;
    padding: 0.5rem 0.75rem;
    background: var(--_surface);
    border-inline-start: 4px solid var(--_pending);
    border-radius: var(--_radius);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.5rem 1rem;
    margin: 0.5rem 0;
  }
  .group {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.35rem;
  }
  label {
    display: inline-flex;
    flex-direction: column;
    font-size: 0.85rem;
  }
  label.check {
    flex-direction: row;
    align-items: center;
    gap: 0.3rem;
  }
  .export {
    position: relative;
  }
  .export summary {
    cursor: pointer;
    padding: 0.3rem 0.6rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .menu {
    position: absolute;
    z-index: 5;
    inset-inline-end: 0;
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    padding: 0.4rem;
    min-width: 15rem;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .tabs {
    display: flex;
    gap: 0.25rem;
    overflow-x: auto;
    padding-bottom: 0.35rem;
    border-bottom: 1px solid var(--_border);
  }
  .tabs button {
    white-space: nowrap;
  }
  [role='tabpanel'] {
    padding-top: 0.5rem;
  }
  .scroll {
    overflow: auto;
    max-height: var(--panda-schedule-max-height, 80vh);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .grid {
    display: grid;
    position: relative;
    grid-template-columns: 4.5rem repeat(var(--cols), minmax(var(--panda-schedule-column-width, 9rem), 1fr));
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
    padding: 0.15rem 1.6rem 0.15rem 0.4rem;
    overflow: hidden;
    font-size: 0.85rem;
    line-height: 1.25;
    cursor: pointer;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_confirmed);
    border-radius: var(--_radius);
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
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .event .time,
  .event .confirmation {
    font-size: 0.78rem;
  }
  .event .star {
    position: absolute;
    top: 0.1rem;
    inset-inline-end: 0.1rem;
  }
  .star {
    border: none;
    background: none;
    padding: 0.1rem 0.3rem;
    font-size: 1.1rem;
    line-height: 1;
    color: var(--_muted);
  }
  .star[data-on] {
    color: var(--_pending);
  }
  .now-line {
    grid-column: 2 / -1;
    align-self: start;
    height: 2px;
    margin-top: calc(var(--_slot) * var(--offset));
    background: var(--_denied);
    z-index: 2;
    pointer-events: none;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .item {
    display: grid;
    grid-template-columns: minmax(6rem, auto) 1fr auto;
    gap: 0.25rem 0.75rem;
    align-items: start;
    padding: 0.5rem 0;
    border-bottom: 1px solid var(--_border);
  }
  .item h3 {
    margin: 0;
    font-size: 1rem;
  }
  .what {
    display: flex;
    flex-direction: column;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  .open {
    padding: 0;
    border: none;
    background: none;
    text-align: start;
    font-weight: 600;
    color: var(--_accent);
    text-decoration: underline;
    overflow-wrap: anywhere;
  }
  .when {
    font-variant-numeric: tabular-nums;
  }
  .details {
    margin: 0.5rem 0;
    padding: 0.75rem 1rem;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .details h3 {
    margin-top: 0;
  }
  .details p {
    margin: 0.3rem 0;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    justify-content: end;
  }
  .view-print .toolbar,
  .view-print .banner {
    display: none;
  }
  @media print {
    .toolbar,
    .banner,
    .tabs,
    .star,
    .actions,
    .details {
      display: none !important;
    }
    .scroll {
      max-height: none;
      overflow: visible;
    }
    .open {
      color: inherit;
      text-decoration: none;
    }
  }
`;
