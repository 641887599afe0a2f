import { css } from 'lit';

/** The day tabs and their panel. */
export const dayTabsStyles = css`
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
`;
