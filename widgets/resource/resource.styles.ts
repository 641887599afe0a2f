import { css } from 'lit';

export const resourceStyles = css`
  h2 {
    margin: 0.25rem 0;
    font-size: 1.3rem;
  }
  h3 {
    margin: 0.9rem 0 0.3rem;
    font-size: 1.05rem;
  }
  .facts,
  .place {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    margin: 0.3rem 0;
  }
  ul {
    margin: 0;
    padding-inline-start: 1.2rem;
  }
  li {
    margin: 0.2rem 0;
  }
  .when {
    font-variant-numeric: tabular-nums;
  }
  .notice {
    padding: 0.5rem 0.75rem;
    background: var(--_surface);
    border-inline-start: 4px solid var(--_pending);
    border-radius: var(--_radius);
  }
  [data-request] {
    margin-top: 0.75rem;
  }
  panda-event-form {
    margin-top: 0.75rem;
    padding-top: 0.5rem;
    border-top: 1px solid var(--_border);
  }
`;
