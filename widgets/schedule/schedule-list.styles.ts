import { css } from 'lit';

/**
 * Lists of events: the list view and now-and-next. The title's column keeps at least 12em
 * (a long time label such as "Tue, Dec 1, 11:00 PM – Wed, Dec 2, 4:00 AM" wraps instead);
 * narrow (`.narrow`), the time stands above the title. Titles and names wrap between words,
 * and inside a word only when it alone is wider than the line.
 */
export const listStyles = css`
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .item {
    display: grid;
    grid-template-columns: minmax(6rem, max-content) minmax(min(12em, 100%), 1fr) auto;
    grid-template-areas: 'when what star';
    gap: 0.25rem 0.75rem;
    align-items: start;
    padding: 0.5rem 0;
    border-bottom: 1px solid var(--_border);
  }
  .narrow .item {
    grid-template-columns: minmax(0, 1fr) auto;
    grid-template-areas: 'when star' 'what star';
    gap: 0.1rem 0.5rem;
  }
  .item h3 {
    margin: 0;
    font-size: 1rem;
  }
  .what {
    grid-area: what;
    display: flex;
    flex-direction: column;
    min-width: 0;
    overflow-wrap: break-word;
  }
  .item > .star {
    grid-area: star;
  }
  .open {
    padding: 0;
    border: none;
    background: none;
    text-align: start;
    font-weight: 600;
    color: var(--_accent);
    text-decoration: underline;
    overflow-wrap: break-word;
    max-width: 100%;
  }
  .when {
    grid-area: when;
    font-variant-numeric: tabular-nums;
  }
  .narrow .when {
    font-size: 0.85rem;
  }
`;
