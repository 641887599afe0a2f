/**
 * The toolbar popup (placeholder): "Panda Kit" and the short public key of the identity in
 * use, from the background (`{ type: 'popup:state' }`).
 */
import { css, html, LitElement } from 'lit';
import browser from 'webextension-polyfill';
import type { PopupState } from '../background/services.js';

/** "ab12cd34…ef56" */
export const shortKey = (key: string) => (key.length > 14 ? `${key.slice(0, 8)}…${key.slice(-4)}` : key);

export class PandaPopup extends LitElement {
  static override properties = { state: { state: true }, failed: { state: true } };
  static override styles = css`
    :host { display: block; min-width: 16rem; padding: 1rem; font: 14px/1.4 system-ui, sans-serif; }
    h1 { font-size: 1.1rem; margin: 0 0 0.5rem; }
    code { font-size: 0.9rem; }
  `;
  declare state: PopupState | undefined;
  declare failed: boolean;

  constructor() {
    super();
    this.state = undefined;
    this.failed = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    browser.runtime.sendMessage({ type: 'popup:state' }).then(
      (state) => (this.state = state as PopupState),
      () => (this.failed = true),
    );
  }

  override render() {
    const key = this.state?.publicKey;
    return html`<h1>Panda Kit</h1>
      ${this.failed
        ? html`<p>The extension is not responding.</p>`
        : this.state === undefined
          ? html`<p>…</p>`
          : key
            ? html`<p>Identity <code data-key>${shortKey(key)}</code></p>`
            : html`<p data-locked>${this.state.locked ? 'Locked' : 'No identity yet'}</p>`}`;
  }
}

customElements.define('panda-popup', PandaPopup);
