import { css } from 'lit';

export const shellStyles = css`
  :host {
    display: block;
    min-height: 100vh;
    background: var(--panda-surface);
  }

  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.6rem 1rem;
    padding: 0.75rem 1rem;
    border-bottom: 1px solid var(--panda-border);
    background: var(--panda-background);
  }

  header h1 {
    margin: 0;
    font-size: 1.15rem;
  }

  .who {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    min-width: 0;
    color: var(--panda-muted);
  }

  .who strong {
    color: var(--panda-text);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  .festival-choice {
    margin-left: auto;
    min-width: min(100%, 16rem);
  }

  nav {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    padding: 0.5rem 1rem 0;
    border-bottom: 1px solid var(--panda-border);
    background: var(--panda-background);
    scrollbar-width: thin;
  }

  nav button {
    flex: none;
    border: 0;
    border-bottom: 3px solid transparent;
    border-radius: 6px 6px 0 0;
    background: transparent;
    padding: 0.45rem 0.75rem;
  }

  nav button[aria-selected='true'] {
    border-bottom-color: var(--panda-accent);
    color: var(--panda-accent);
    font-weight: 600;
  }

  nav .count {
    display: inline-block;
    min-width: 1.3rem;
    margin-left: 0.3rem;
    padding: 0 0.35rem;
    border-radius: 999px;
    background: var(--panda-danger);
    color: #fff;
    font-size: 0.75rem;
  }

  main {
    max-width: 60rem;
    margin: 0 auto;
    padding: 1rem;
  }

  @media (max-width: 480px) {
    header,
    nav {
      padding-inline: 0.6rem;
    }

    nav button {
      padding-inline: 0.55rem;
    }

    main {
      padding: 0.6rem;
    }

    .festival-choice {
      flex-basis: 100%;
      margin-left: 0;
    }
  }

  .locked {
    max-width: 28rem;
  }
`;
