/**
 * What every element of the extension's pages shares: the colours (light and dark, after
 * the system's preference), the system font, and controls that show keyboard focus.
 */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    --panda-background: #ffffff;
    --panda-surface: #f3f4f6;
    --panda-text: #1b1d21;
    --panda-muted: #585e69;
    --panda-border: #c9ced6;
    --panda-accent: #1f6f4a;
    --panda-accent-text: #ffffff;
    --panda-danger: #b42318;
    --panda-danger-surface: #fdecea;
    --panda-focus: #2457c5;
    color-scheme: light dark;
    color: var(--panda-text);
    font:
      14px/1.45 system-ui,
      -apple-system,
      'Segoe UI',
      Roboto,
      sans-serif;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --panda-background: #18191c;
      --panda-surface: #24262b;
      --panda-text: #eceef1;
      --panda-muted: #a4aab4;
      --panda-border: #444954;
      --panda-accent: #5cc28f;
      --panda-accent-text: #0d1a13;
      --panda-danger: #ff8a80;
      --panda-danger-surface: #3a1d1b;
      --panda-focus: #8ab4ff;
    }
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }

  button {
    padding: 0.3rem 0.7rem;
    border: 1px solid var(--panda-border);
    border-radius: 6px;
    background: var(--panda-surface);
    cursor: pointer;
  }

  button.primary {
    border-color: var(--panda-accent);
    background: var(--panda-accent);
    color: var(--panda-accent-text);
  }

  button.danger {
    border-color: var(--panda-danger);
    color: var(--panda-danger);
  }

  button:disabled {
    opacity: 0.55;
    cursor: progress;
  }

  input,
  select,
  textarea {
    min-width: 0;
    padding: 0.3rem 0.45rem;
    border: 1px solid var(--panda-border);
    border-radius: 6px;
    background: var(--panda-background);
  }

  :focus-visible {
    outline: 2px solid var(--panda-focus);
    outline-offset: 2px;
  }

  label {
    display: grid;
    gap: 0.15rem;
    color: var(--panda-muted);
    font-size: 0.9em;
  }

  label > input,
  label > select {
    color: var(--panda-text);
    font-size: 1rem;
  }

  [role='alert'] {
    margin: 0.5rem 0;
    padding: 0.4rem 0.6rem;
    border-radius: 6px;
    background: var(--panda-danger-surface);
    color: var(--panda-danger);
  }

  [role='status'] {
    margin: 0.5rem 0;
    color: var(--panda-muted);
  }

  .key {
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    font-size: 0.9em;
  }

  .muted {
    color: var(--panda-muted);
  }

  .identicon {
    flex: none;
    border-radius: 4px;
    vertical-align: middle;
  }
`;
