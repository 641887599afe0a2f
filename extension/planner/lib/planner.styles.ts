/**
 * What the planner's tabs share beyond the extension's common styles: sections as cards,
 * lists of items with their actions, forms in a column, and text that wraps however long.
 */
import { css } from 'lit';

export const plannerStyles = css`
  :host {
    display: block;
  }

  section.card {
    display: grid;
    gap: 0.6rem;
    margin: 0 0 1rem;
    padding: 0.9rem 1rem;
    border: 1px solid var(--panda-border);
    border-radius: 10px;
    background: var(--panda-background);
  }

  h2,
  h3 {
    margin: 0;
    line-height: 1.25;
  }

  h2 {
    font-size: 1.1rem;
  }

  h3 {
    font-size: 1rem;
  }

  p {
    margin: 0;
  }

  ul.items {
    display: grid;
    gap: 0.6rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  ul.items > li {
    display: grid;
    gap: 0.3rem;
    padding: 0.7rem 0.8rem;
    border: 1px solid var(--panda-border);
    border-radius: 8px;
    background: var(--panda-surface);
    overflow-wrap: anywhere;
  }

  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
  }

  .row.end {
    justify-content: flex-end;
  }

  .spread {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: baseline;
    gap: 0.4rem;
  }

  form {
    display: grid;
    gap: 0.5rem;
  }

  form > button {
    justify-self: start;
  }

  textarea {
    min-height: 4.5rem;
    padding: 0.4rem 0.5rem;
    border: 1px solid var(--panda-border);
    border-radius: 6px;
    background: var(--panda-background);
    color: var(--panda-text);
    font: inherit;
    resize: vertical;
  }

  textarea.code,
  code,
  pre {
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    font-size: 0.85rem;
  }

  pre {
    margin: 0;
    padding: 0.5rem 0.6rem;
    border-radius: 6px;
    background: var(--panda-surface);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  .badge {
    display: inline-block;
    padding: 0 0.45rem;
    border: 1px solid var(--panda-border);
    border-radius: 999px;
    color: var(--panda-muted);
    font-size: 0.8rem;
    white-space: nowrap;
  }

  .badge.ok {
    border-color: var(--panda-accent);
    color: var(--panda-accent);
  }

  .badge.bad {
    border-color: var(--panda-danger);
    color: var(--panda-danger);
  }

  details > summary {
    cursor: pointer;
    color: var(--panda-muted);
  }

  details[open] > summary {
    margin-bottom: 0.5rem;
  }

  a {
    color: var(--panda-focus);
  }

  ul.statuses {
    display: grid;
    gap: 0.15rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .state.ok {
    color: var(--panda-accent);
  }

  .state.bad {
    color: var(--panda-danger);
  }

  .preview {
    display: grid;
    gap: 1rem;
    min-width: 0;
    overflow-x: auto;
    padding: 0.75rem;
    border: 1px dashed var(--panda-border);
    border-radius: 8px;
  }

  .field-error {
    color: var(--panda-danger);
  }
`;
