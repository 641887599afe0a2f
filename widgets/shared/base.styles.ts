/**
 * What every component shares: colours as custom properties (light, and dark through
 * prefers-color-scheme), type, buttons, focus rings, visually hidden text. Set the
 * `--panda-color-*` properties on an element (or any ancestor) to theme it.
 */
import { css } from 'lit';

/** Out of sight, still read by screen readers: the declarations, for rules of their own. */
export const visuallyHidden = css`
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
`;

export const baseStyles = css`
  :host {
    --_text: var(--panda-color-text, #1c1c21);
    --_bg: var(--panda-color-background, #ffffff);
    --_surface: var(--panda-color-surface, #f2f2f5);
    --_muted: var(--panda-color-muted, #55555f);
    --_border: var(--panda-color-border, #c4c4cc);
    --_accent: var(--panda-color-accent, #1f4fa8);
    --_on-accent: var(--panda-color-on-accent, #ffffff);
    --_confirmed: var(--panda-color-confirmed, #17663a);
    --_pending: var(--panda-color-pending, #7a4d00);
    --_denied: var(--panda-color-denied, #a8231b);
    --_radius: var(--panda-radius, 0.375rem);
    display: block;
    color-scheme: light dark;
    color: var(--_text);
    background: var(--_bg);
    font: var(--panda-font, 1rem/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_text: var(--panda-color-text, #ececf1);
      --_bg: var(--panda-color-background, #17171c);
      --_surface: var(--panda-color-surface, #24242c);
      --_muted: var(--panda-color-muted, #b0b0bc);
      --_border: var(--panda-color-border, #4a4a55);
      --_accent: var(--panda-color-accent, #9cbcff);
      --_on-accent: var(--panda-color-on-accent, #0c1a33);
      --_confirmed: var(--panda-color-confirmed, #7fd6a0);
      --_pending: var(--panda-color-pending, #f0c36a);
      --_denied: var(--panda-color-denied, #ff9c94);
    }
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
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
  button,
  select,
  input,
  textarea {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_bg);
    padding: 0.3rem 0.6rem;
  }
  button {
    cursor: pointer;
    background: var(--_surface);
  }
  button.primary,
  button[aria-pressed='true'],
  [role='tab'][aria-selected='true'] {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  a {
    color: var(--_accent);
  }
  .sr {
    ${visuallyHidden}
  }
  .muted {
    color: var(--_muted);
  }
  .error {
    color: var(--_denied);
  }
  .text {
    white-space: pre-line;
    overflow-wrap: anywhere;
  }
  [data-status='confirmed'] {
    color: var(--_confirmed);
  }
  [data-status='pending'] {
    color: var(--_pending);
  }
  [data-status='denied'] {
    color: var(--_denied);
  }
`;
