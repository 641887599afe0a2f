import { css } from 'lit';

export const popupStyles = css`
  :host {
    display: block;
    width: 360px;
    max-width: 100%;
    padding: 0.75rem;
    background: var(--panda-background);
  }

  header {
    display: flex;
    align-items: center;
    gap: 0.6rem;
    margin-bottom: 0.5rem;
  }

  h1 {
    margin: 0;
    font-size: 1.05rem;
  }

  .who {
    display: grid;
    min-width: 0;
  }

  header .planner {
    margin-left: auto;
  }

  .who strong {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }

  section {
    padding: 0.6rem 0;
    border-top: 1px solid var(--panda-border);
  }

  section.notice {
    padding: 0.6rem;
    border: 1px solid var(--panda-danger);
    border-radius: 8px;
    background: var(--panda-danger-surface);
    margin-bottom: 0.6rem;
  }

  section.notice[data-first-start] {
    border-color: var(--panda-border);
    background: var(--panda-surface);
  }

  section.notice p {
    margin: 0 0 0.4rem;
  }

  h2 {
    margin: 0 0 0.4rem;
    font-size: 0.95rem;
  }

  ul {
    display: grid;
    gap: 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  li {
    display: grid;
    gap: 0.25rem;
  }

  li + li {
    padding-top: 0.5rem;
    border-top: 1px dashed var(--panda-border);
  }

  p {
    margin: 0;
  }

  form {
    display: grid;
    gap: 0.4rem;
    margin: 0.4rem 0;
  }

  form > button,
  section > button,
  li > button {
    justify-self: start;
  }

  details {
    margin-top: 0.4rem;
  }

  summary {
    cursor: pointer;
    color: var(--panda-muted);
  }

  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: 0.4rem;
  }

  .row > label {
    flex: 1;
  }

  [data-popup-festival-files] {
    margin-top: 0.8rem;
  }

  .card {
    margin: 0.4rem 0;
    padding: 0.5rem 0.6rem;
    border: 1px solid var(--panda-border);
    border-radius: 8px;
  }

  .origin {
    font-weight: 600;
    overflow-wrap: anywhere;
  }

  .with-identicon {
    display: flex;
    align-items: center;
    gap: 0.3rem;
  }

  /* The first-run welcome: a card of numbered steps, each ticked off once done. */
  section.welcome {
    padding: 0.75rem;
    border: 1px solid var(--panda-border);
    border-radius: 8px;
    background: var(--panda-surface);
    margin-bottom: 0.6rem;
  }

  section.welcome > p {
    margin-bottom: 0.5rem;
  }

  .welcome ol {
    display: grid;
    gap: 0.6rem;
    margin: 0 0 0.6rem;
    padding: 0;
    list-style: none;
  }

  .welcome h3 {
    display: flex;
    align-items: center;
    gap: 0.4rem;
    margin: 0 0 0.2rem;
    font-size: 0.9rem;
  }

  .welcome [data-done] h3 {
    color: var(--panda-muted);
  }

  /* The step's number, a tick once it is done. */
  .step-mark {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 1.3rem;
    height: 1.3rem;
    border-radius: 50%;
    background: var(--panda-accent);
    color: var(--panda-accent-text);
    font-size: 0.75rem;
  }

  .welcome details {
    margin-top: 0;
  }

  /* My events: where each stands, coloured after its state. */
  .status {
    font-weight: 600;
  }

  [data-state='confirmed'] > .status {
    color: var(--panda-accent);
  }

  [data-state='declined'] > .status {
    color: var(--panda-danger);
  }

  ul.requests {
    gap: 0;
    font-size: 0.85rem;
    color: var(--panda-muted);
  }

  ul.requests li + li {
    padding-top: 0;
    border-top: none;
  }

  /* Codes to copy between devices, and the fields they are pasted into. */
  textarea,
  .code {
    font:
      0.8rem/1.4 ui-monospace,
      'SF Mono',
      Menlo,
      Consolas,
      monospace;
  }

  textarea {
    resize: vertical;
  }

  /* Devices: a step of linking one, with the code to carry to the other device. */
  .pairing {
    display: grid;
    gap: 0.45rem;
    margin: 0.4rem 0;
    padding: 0.6rem;
    border: 1px solid var(--panda-border);
    border-radius: 8px;
    background: var(--panda-surface);
  }

  .pairing > button {
    justify-self: start;
  }

  .code-box {
    display: grid;
    justify-items: start;
    gap: 0.35rem;
  }

  /* Dark on light in both schemes: cameras read it best. */
  img.qr {
    border-radius: 4px;
    background: #fff;
    image-rendering: pixelated;
  }

  .code {
    display: block;
    width: 100%;
    padding: 0.3rem 0.45rem;
    border: 1px dashed var(--panda-border);
    border-radius: 6px;
    overflow-wrap: anywhere;
    user-select: all;
  }

  .error-code {
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    font-size: 0.85em;
    white-space: nowrap;
  }

  .fingerprint {
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    letter-spacing: 0.04em;
    white-space: nowrap;
  }

  [data-join-device] > form,
  [data-join-device] > p {
    margin-top: 0.4rem;
  }
`;
