import { css } from 'lit';

export const formStyles = css`
  h2 {
    margin: 0.25rem 0 0.5rem;
    font-size: 1.2rem;
  }
  fieldset {
    border: none;
    margin: 0;
    padding: 0;
    min-width: 0;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 0.2rem;
    margin-bottom: 0.6rem;
  }
  .field p {
    margin: 0;
    font-size: 0.9rem;
  }
  .times {
    display: flex;
    flex-wrap: wrap;
    gap: 0 1rem;
  }
  input,
  textarea {
    width: 100%;
    max-width: 32rem;
  }
  input[type='checkbox'] {
    width: auto;
  }
  [aria-invalid='true'] {
    border-color: var(--_denied);
  }
  .resources {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    margin: 0.5rem 0;
  }
  .resources legend {
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  .check {
    display: flex;
    align-items: center;
    gap: 0.4rem;
  }
  .notice {
    padding: 0.5rem 0.75rem;
    background: var(--_surface);
    border-inline-start: 4px solid var(--_pending);
    border-radius: var(--_radius);
  }
  .actions {
    margin-top: 0.5rem;
  }
  #zone {
    margin: 0 0 0.5rem;
    font-size: 0.9rem;
  }
`;
