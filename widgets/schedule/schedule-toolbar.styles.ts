import { css } from 'lit';

/**
 * The toolbar: views, time zone, filters and the export menu. The export menu ends its row
 * (auto margin) and opens towards the start from there, so it stays inside the element and
 * the screen. Narrow (`.narrow`), the time zone and filters unfold below in the flow.
 */
export const toolbarStyles = css`
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
  .options {
    display: contents;
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
  button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.6;
  }
  .note {
    align-self: center;
    font-size: 0.8rem;
  }
  .badge {
    font-size: 0.75rem;
    padding: 0 0.3rem;
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .export {
    position: relative;
    margin-inline-start: auto;
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
    z-index: 7;
    inset-inline-end: 0;
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    padding: 0.4rem;
    width: max-content;
    max-width: min(20rem, 90vw);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: 0 0.25rem 1rem rgb(0 0 0 / 0.2);
  }
  .menu button {
    text-align: start;
  }
  .menu a {
    padding: 0.2rem 0.4rem;
  }
  .narrow .toolbar {
    gap: 0.4rem 0.75rem;
  }
  .narrow .options {
    display: flex;
    flex-direction: column;
    gap: 0.5rem;
    flex-basis: 100%;
    padding: 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .narrow .filters label:not(.check),
  .narrow .filters input[type='search'],
  .narrow .filters select {
    width: 100%;
  }
`;
