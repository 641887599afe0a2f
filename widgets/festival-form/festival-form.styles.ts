import { css } from 'lit';

/** What the festival and resource forms add to the event form's styles (event-form.styles.ts). */
export const festivalFormStyles = css`
  select {
    width: 100%;
    max-width: 32rem;
  }
  .hint {
    margin: 0 0 0.25rem;
    font-size: 0.85rem;
  }
  label .muted,
  legend .muted {
    font-weight: normal;
    font-size: 0.9rem;
  }
  fieldset fieldset > legend {
    font-weight: 600;
    margin-bottom: 0.15rem;
  }
  label {
    font-weight: 600;
  }
  .check,
  .choice {
    font-weight: normal;
  }
  .times > .field {
    flex: 1 1 14rem;
    max-width: 15.5rem;
  }
  fieldset.group {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.5rem 0.75rem 0.25rem;
    margin: 0 0 0.75rem;
    max-width: 32rem;
  }
  fieldset.group > legend {
    font-weight: 600;
    padding: 0 0.25rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0 0.75rem;
  }
  .row > .field {
    flex: 1 1 7rem;
    min-width: 0;
  }
  .choice {
    display: flex;
    align-items: baseline;
    gap: 0.4rem;
    margin: 0.15rem 0;
  }
  .choice input {
    width: auto;
  }
  .choice,
  .check {
    overflow-wrap: anywhere;
  }
  .coordinate .row > .field {
    flex: 1 1 4rem;
  }
  input[type='number'] {
    max-width: 8rem;
  }
  .inline {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.25rem 0.5rem;
  }
  .map {
    margin: 0 0 0.6rem;
    overflow-wrap: anywhere;
  }
  .key {
    font-family: ui-monospace, monospace;
    font-size: 0.85em;
  }
`;
