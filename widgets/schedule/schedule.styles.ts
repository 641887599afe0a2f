import { css } from 'lit';
import { dayTabsStyles } from './day-tabs.styles.js';
import { eventPartStyles } from './event-parts.styles.js';
import { gridStyles } from './schedule-grid.styles.js';
import { listStyles } from './schedule-list.styles.js';
import { toolbarStyles } from './schedule-toolbar.styles.js';

/**
 * The element's frame: slot height, header, title, logo, the read-only banner, and the stage
 * that lays the day's events and the details (./event-details.styles.ts) in one cell; narrow
 * (`.narrow`, a phone), smaller, so that the day's first events show on the first screen.
 */
const frameStyles = css`
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
  .stage {
    display: grid;
  }
  .stage > * {
    grid-area: 1 / 1;
    min-width: 0;
  }
  /* A button that reads as a link, in a sentence. */
  .link {
    padding: 0;
    border: none;
    background: none;
    font: inherit;
    color: var(--_accent);
    text-decoration: underline;
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
  .narrow h2 {
    font-size: 1.1rem;
    line-height: 1.25;
  }
  .narrow .logo {
    max-height: 2rem;
  }
  .narrow .banner {
    padding: 0.3rem 0.6rem;
    font-size: 0.85rem;
  }
`;

/** What printing hides and unrolls; adopted last, so that it wins. */
const printStyles = css`
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

/** Every sheet of `<panda-schedule>`, in cascade order: the frame, each template's (beside it), printing; the details' comes with its chunk. */
export const scheduleStyles = [frameStyles, toolbarStyles, dayTabsStyles, gridStyles, eventPartStyles, listStyles, printStyles];
