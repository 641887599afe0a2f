import { css } from 'lit';

export const requestCardStyles = css`
  :host {
    display: block;
  }

  article {
    display: grid;
    min-width: 0;
    max-width: 100%;
    gap: 0.4rem;
    padding: 0.7rem;
    border: 1px solid var(--panda-border);
    border-radius: 8px;
    background: var(--panda-surface);
  }

  .origin {
    margin: 0;
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  .description {
    margin: 0;
  }

  .details {
    display: grid;
    gap: 0.3rem;
    margin: 0;
    min-width: 0;
  }

  .detail {
    min-width: 0;
  }

  dt {
    color: var(--panda-muted);
    font-size: 0.85rem;
  }

  dd {
    margin: 0;
    min-width: 0;
  }

  /* Page data: quoted, in its own box, wrapped anywhere so no value can widen the window. */
  .data {
    display: inline;
    padding: 0 0.2rem;
    border-radius: 3px;
    background: var(--panda-background);
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 0.9em;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    word-break: break-word;
    unicode-bidi: isolate;
  }

  .data::before {
    content: '«';
    color: var(--panda-muted);
  }

  .data::after {
    content: '»';
    color: var(--panda-muted);
  }

  .data.old {
    text-decoration: line-through;
    color: var(--panda-muted);
  }

  .identity-choice {
    display: grid;
    gap: 0.2rem;
  }

  .identity-choice select {
    max-width: 100%;
  }

  .arrow {
    margin: 0 0.3rem;
  }

  .full summary {
    cursor: pointer;
    font-size: 0.85rem;
  }

  .signer {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    margin: 0;
  }

  .answers {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    min-width: 0;
  }

  .answers button {
    max-width: 100%;
    white-space: normal;
    overflow-wrap: anywhere;
  }

  :host([prominent]) article {
    gap: 0.8rem;
    padding: 1rem;
  }

  :host([prominent]) .origin {
    font-size: 1.2rem;
  }

  :host([prominent]) .description {
    font-size: 1.1rem;
  }

  :host([prominent]) .answers {
    flex-direction: column;
  }
`;
