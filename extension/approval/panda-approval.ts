/**
 * `<panda-approval>`: the window the background opens when a site asks while the popup is
 * closed. It shows the oldest waiting request (after the unlock form, while locked) and how
 * many more wait, and closes once the last one is answered and the background lets it go. A window opened with
 * nothing waiting stays open and says so, instead of vanishing before it could be seen.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { PopupClient, PopupState } from '../shared/popup-protocol.js';
import { ActionController } from '../ui/actions.js';
import { PopupStateController } from '../ui/popup-state.js';
import '../ui/request-card/panda-request-card.js';
import { RequestAnswers } from '../ui/request-answers.js';
import { sharedStyles } from '../ui/shared.styles.js';
import { approvalStyles } from './approval.styles.js';

export class PandaApproval extends LitElement {
  static override properties = { client: { attribute: false } };
  static override styles = [sharedStyles, approvalStyles];

  declare client: PopupClient | undefined;

  private readonly live = new PopupStateController(this);
  private readonly actions = new ActionController(this);
  private readonly answers = new RequestAnswers(this.actions, this.live);
  /** Whether a request has been on screen: only then does an empty queue close the window. */
  private shownRequest = false;

  constructor() {
    super();
    this.client = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.live.use(this.client);
  }

  override updated(): void {
    const state = this.live.state;
    if (!state || state.locked) return;
    if (state.pending.length > 0) this.shownRequest = true;
    else if (this.shownRequest) {
      this.shownRequest = false;
      // Only once the background let it go: a question that came meanwhile shows here instead.
      void this.client?.request('popup_approvalDone').then(
        (mayClose) => mayClose && window.close(),
        () => window.close(),
      );
    }
  }

  override render() {
    const state = this.live.state;
    return html`<h1>Panda Kit</h1>
      ${this.live.error ? html`<p role="alert">${this.live.error}</p>` : nothing}
      ${state === undefined ? (this.live.error ? nothing : html`<p class="muted">Loading…</p>`) : this.renderState(state)}`;
  }

  private renderState(state: PopupState) {
    if (state.locked) return this.answers.renderLocked(state);
    const [first, ...rest] = state.pending;
    if (!first) return html`<p class="muted">No requests are waiting.</p>`;
    return html`<panda-request-card
        prominent
        active
        data-pending
        data-id=${first.id}
        .request=${first}
        .signer=${state.identities.find((identity) => identity.publicKey === first.publicKey)}
        .names=${state.names}
        ?busy=${this.answers.isDeciding(first.id)}
        @panda-decide=${this.answers.decide}
      ></panda-request-card>
      ${rest.length > 0 ? html`<p class="muted" data-more>${rest.length} more waiting</p>` : nothing}
      ${this.actions.errorFor('requests') ? html`<p role="alert">${this.actions.errorFor('requests')}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'panda-approval': PandaApproval;
  }
}
