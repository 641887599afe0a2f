/**
 * The approval window (placeholder): where the person will answer the questions waiting in
 * the background's ApprovalQueue.
 */
import { css, html, LitElement } from 'lit';

export class PandaApproval extends LitElement {
  static override styles = css`
    :host { display: block; padding: 1rem; font: 14px/1.4 system-ui, sans-serif; }
    h1 { font-size: 1.1rem; margin: 0 0 0.5rem; }
  `;

  override render() {
    return html`<h1>Panda Kit</h1>
      <p>No requests are waiting.</p>`;
  }
}

customElements.define('panda-approval', PandaApproval);
