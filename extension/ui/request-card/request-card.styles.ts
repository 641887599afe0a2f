import { css } from 'lit';

export const requestCardStyles = css`
  :host {
    display: block;
  }

  article {
    display: grid;
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
