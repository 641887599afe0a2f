/**
 * `<panda-request-card>`: one question a site asks (what, from where, which identity would
 * sign, every field that will be signed) and its answers. It only reports the answer
 * (`panda-decide`); the page asks the background and sets `busy` meanwhile.
 *
 * The description is the extension's own words; field values are data from the page or
 * the festival, shown quoted with hidden and bidi characters made visible and long values
 * shortened (the whole value one click away), so nothing a page sends reads as the
 * extension speaking.
 *
 * No click-through: the answers work only once the card is `active` (the question on turn)
 * and has been on screen for `ARM_DELAY` ms with the window focused; losing focus starts the
 * wait again, and after one answer the card takes no other.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Decision, IdentityView, PendingView, PromptDetail } from '../../shared/popup-protocol.js';
import { kindPhrase, shortKey } from '../format.js';
import { identicon } from '../identicon.js';
import { sharedStyles } from '../shared.styles.js';
import { shortened, visibleText } from '../visible-text.js';
import { requestCardStyles } from './request-card.styles.js';

/** How long a question is on screen, with the window focused, before its answers work (ms). */
export const ARM_DELAY = 700;

export interface DecideDetail {
  id: number;
  decision: Decision;
  /** Connecting: the identity picked for the site (an id, or 'new'). */
  identity?: string;
}

export type DecideEvent = CustomEvent<DecideDetail>;

export class PandaRequestCard extends LitElement {
  static override properties = {
    request: { attribute: false },
    signer: { attribute: false },
    names: { attribute: false },
    busy: { type: Boolean },
    prominent: { type: Boolean, reflect: true },
    active: { type: Boolean, reflect: true },
    armed: { state: true },
  };
  static override styles = [sharedStyles, requestCardStyles];

  declare request: PendingView | undefined;
  /** The identity that would sign, when the page knows it (not while locked). */
  declare signer: IdentityView | undefined;
  /** Profile names by public key: the signer is shown as the sites see them. */
  declare names: Record<string, string>;
  /** An answer is on its way: the buttons are disabled. */
  declare busy: boolean;
  /** Larger, answers stacked: the approval window's single question. */
  declare prominent: boolean;
  /** The question on turn (the first waiting): only its answers can be armed. */
  declare active: boolean;
  /** The answers work (see the module comment). */
  declare armed: boolean;

  #timer: ReturnType<typeof setTimeout> | undefined;
  #answered: number | undefined;
  readonly #rearm = () => this.#arm();
  readonly #disarm = () => {
    clearTimeout(this.#timer);
    this.armed = false;
  };

  constructor() {
    super();
    this.request = undefined;
    this.signer = undefined;
    this.names = {};
    this.busy = false;
    this.prominent = false;
    this.active = false;
    this.armed = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('focus', this.#rearm);
    window.addEventListener('blur', this.#disarm);
    document.addEventListener('visibilitychange', this.#rearm);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('focus', this.#rearm);
    window.removeEventListener('blur', this.#disarm);
    document.removeEventListener('visibilitychange', this.#rearm);
    clearTimeout(this.#timer);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    const previous: PendingView | undefined = changed.get('request');
    // An answer came back and the question is still here (it did not take): it may be answered again, after the wait.
    const answerBack = changed.has('busy') && changed.get('busy') === true && !this.busy;
    if (answerBack) this.#answered = undefined;
    if (answerBack || changed.has('active') || (changed.has('request') && previous?.id !== this.request?.id)) this.#arm();
  }

  /** Starts the wait: answers work after ARM_DELAY ms on screen, focused and on turn. */
  #arm(): void {
    clearTimeout(this.#timer);
    this.armed = false;
    if (!this.active || !this.request || document.visibilityState !== 'visible' || !document.hasFocus()) return;
    this.#timer = setTimeout(() => {
      if (this.active && document.hasFocus()) this.armed = true;
    }, ARM_DELAY);
  }

  private decide(decision: Decision): void {
    const request = this.request;
    if (!request || !this.armed || this.#answered === request.id) return;
    this.#answered = request.id;
    this.armed = false;
    const picked = this.renderRoot.querySelector<HTMLSelectElement>('select[data-identity-choice]')?.value;
    const detail: DecideDetail = picked ? { id: request.id, decision, identity: picked } : { id: request.id, decision };
    this.dispatchEvent(new CustomEvent<DecideDetail>('panda-decide', { detail, bubbles: true, composed: true }));
  }

  private renderValue(value: string, old: boolean) {
    const visible = visibleText(value);
    const short = shortened(visible);
    return html`<q class=${old ? 'data old' : 'data'} part="data">${short.text}</q>${
        short.more
          ? html`<details class="full">
              <summary>Show all ${[...visible].length} characters</summary>
              <q class="data">${visible}</q>
            </details>`
          : nothing
      }`;
  }

  private renderDetail(detail: PromptDetail) {
    return html`<div class="detail" data-detail=${detail.label}>
      <dt>${detail.label}</dt>
      <dd>
        ${detail.old === undefined ? this.renderValue(detail.value, false) : html`${this.renderValue(detail.old, true)}<span class="arrow" aria-label="becomes">→</span>${this.renderValue(detail.value, false)}`}
      </dd>
    </div>`;
  }

  override render() {
    const request = this.request;
    if (!request) return nothing;
    const publicKey = this.signer?.publicKey ?? request.publicKey;
    const profileName = publicKey ? this.names[publicKey] : undefined;
    const disabled = this.busy || !this.armed || this.#answered === request.id;
    return html`<article aria-label=${`Request from ${request.origin}`}>
      <p class="origin">${request.origin}</p>
      <p class="description">${request.description}</p>
      ${request.details && request.details.length > 0 ? html`<dl class="details">${request.details.map((detail) => this.renderDetail(detail))}</dl>` : nothing}
      ${
        request.identities && request.identities.length > 0
          ? html`<label class="identity-choice"
              >Identity this site sees
              <select data-identity-choice>
                ${request.identities.map(
                  // Selected explicitly: the static "new" option below would otherwise keep the selection it had before these were inserted.
                  (choice, index) =>
                    html`<option value=${choice.id} ?selected=${index === 0}>
                      ${choice.profileName && choice.profileName !== choice.name ? `${choice.name} (profile “${visibleText(choice.profileName)}”)` : choice.name}
                      · ${shortKey(choice.publicKey)}
                    </option>`,
                )}
                <option value="new">A new identity, only for this site</option>
              </select>
            </label>`
          : publicKey
            ? html`<p class="signer">
                ${identicon(publicKey, 20)}
                <span
                  >As
                  ${this.signer ? html`<strong>${this.signer.name}</strong> ` : nothing}${
                    profileName && profileName !== this.signer?.name ? html`<span data-profile-name>(profile “${visibleText(profileName)}”)</span> ` : nothing
                  }<span class="key">${shortKey(publicKey)}</span></span
                >
              </p>`
            : nothing
      }
      <div class="answers" role="group" aria-label=${`Answer ${request.origin}`} ?data-armed=${this.armed}>
        <button class="primary" data-decision="approve-once" ?disabled=${disabled} @click=${() => this.decide('approve-once')}>Approve once</button>
        ${
          request.allowAlways
            ? html`<button data-decision="approve-always" ?disabled=${disabled} @click=${() => this.decide('approve-always')}>
                Always allow ${kindPhrase(request.kind)} for this site
              </button>`
            : nothing
        }
        <button class="danger" data-decision="deny" ?disabled=${disabled} @click=${() => this.decide('deny')}>Deny</button>
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
