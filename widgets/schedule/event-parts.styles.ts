import { css } from 'lit';

/** The favourite star, wherever an event shows it. */
export const eventPartStyles = css`
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
`;
