/**
 * `<panda-request-card>`: one question a site asks (what, from where, which identity would
 * sign) and its three answers. It only reports the answer (`panda-decide`); the page asks
 * the background and sets `busy` meanwhile.
 */
import { html, LitElement, nothing } from 'lit';
import type { Decision, IdentityView, PendingView } from '../../shared/popup-protocol.js';
import { kindPhrase, shortKey } from '../format.js';
import { identicon } from '../identicon.js';
import { sharedStyles } from '../shared.styles.js';
import { requestCardStyles } from './request-card.styles.js';

export interface DecideDetail {
  id: number;
  decision: Decision;
}

export type DecideEvent = CustomEvent<DecideDetail>;

export class PandaRequestCard extends LitElement {
  static override properties = {
    request: { attribute: false },
    signer: { attribute: false },
    busy: { type: Boolean },
    prominent: { type: Boolean, reflect: true },
  };
  static override styles = [sharedStyles, requestCardStyles];

  declare request: PendingView | undefined;
  /** The identity that would sign, when the page knows it (not while locked). */
  declare signer: IdentityView | undefined;
  /** An answer is on its way: the buttons are disabled. */
  declare busy: boolean;
  /** Larger, answers stacked: the approval window's single question. */
  declare prominent: boolean;

  constructor() {
    super();
    this.request = undefined;
    this.signer = undefined;
    this.busy = false;
    this.prominent = false;
  }

  private decide(decision: Decision): void {
    if (!this.request) return;
    this.dispatchEvent(new CustomEvent<DecideDetail>('panda-decide', { detail: { id: this.request.id, decision }, bubbles: true, composed: true }));
  }

  override render() {
    const request = this.request;
    if (!request) return nothing;
    const publicKey = this.signer?.publicKey ?? request.publicKey;
    return html`<article aria-label=${`Request from ${request.origin}`}>
      <p class="origin">${request.origin}</p>
      <p class="description">${request.description}</p>
      ${publicKey
        ? html`<p class="signer">
            ${identicon(publicKey, 20)}
            <span>As ${this.signer ? html`<strong>${this.signer.name}</strong> ` : nothing}<span class="key">${shortKey(publicKey)}</span></span>
          </p>`
        : nothing}
      <div class="answers" role="group" aria-label=${`Answer ${request.origin}`}>
        <button class="primary" data-decision="approve-once" ?disabled=${this.busy} @click=${() => this.decide('approve-once')}>Approve once</button>
        <button data-decision="approve-always" ?disabled=${this.busy} @click=${() => this.decide('approve-always')}>
          Always allow ${kindPhrase(request.kind)} for this site
        </button>
        <button class="danger" data-decision="deny" ?disabled=${this.busy} @click=${() => this.decide('deny')}>Deny</button>
      </div>
    </article>`;
  }
}

customElements.define('panda-request-card', PandaRequestCard);

declare global {
  interface HTMLElementTagNameMap {
    'panda-request-card': PandaRequestCard;
  }
  interface HTMLElementEventMap {
    'panda-decide': DecideEvent;
  }
}
