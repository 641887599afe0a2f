/**
 * What waits on the person's answer, in `<panda-popup>`: the questions sites asked
 * (answered on their cards through RequestAnswers, area `requests`), and requests by others
 * for the person's resources, confirmed or denied here (area `resources`).
 */
import { html, nothing } from 'lit';
import type { OwnerRequestView, PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { identicon } from '../ui/identicon.js';
import type { PopupStateController } from '../ui/popup-state.js';
import type { RequestAnswers } from '../ui/request-answers.js';
import '../ui/request-card/panda-request-card.js';
import { visibleText } from '../ui/visible-text.js';
import { personName } from './popup-parts.js';

export class RequestsSection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
    private readonly answers: RequestAnswers,
  ) {}

  /** The sites' questions, the first one on turn. */
  renderPending(state: PopupState) {
    return html`<section aria-labelledby="requests-heading">
      <h2 id="requests-heading">Requests</h2>
      ${
        state.pending.length === 0
          ? html`<p class="muted">No requests are waiting.</p>`
          : html`<ul @panda-decide=${this.answers.decide}>
              ${state.pending.map(
                (request, index) =>
                  html`<li>
                    <panda-request-card
                      data-pending
                      data-id=${request.id}
                      ?active=${index === 0}
                      .request=${request}
                      .signer=${state.identities.find((identity) => identity.publicKey === request.publicKey)}
                      .names=${state.names}
                      ?busy=${this.answers.isDeciding(request.id)}
                    ></panda-request-card>
                  </li>`,
              )}
            </ul>`
      }
      ${this.actions.feedback('requests')}
    </section>`;
  }

  /** Requests for the person's resources (nothing while there are none). */
  renderOwnerRequests(state: PopupState) {
    if (state.ownerRequests.length === 0) return nothing;
    return html`<section aria-labelledby="resources-heading">
      <h2 id="resources-heading">Your resources</h2>
      <ul>
        ${state.ownerRequests.map((request) => {
          const busy = this.actions.isBusy(`authorize:${request.resourceId}:${request.eventId}`);
          return html`<li data-owner-request data-resource-id=${request.resourceId} data-event-id=${request.eventId}>
            <p><strong>${visibleText(request.resourceTitle)}</strong> for <strong>${visibleText(request.eventTitle)}</strong></p>
            <p class="muted">${request.when}</p>
            <p class="muted with-identicon">
              Asked by ${identicon(request.requestedBy, 16)}<span data-requested-by>${personName(state.names, request.requestedBy)}</span>
            </p>
            <div class="row" role="group" aria-label=${`Answer the request for ${request.resourceTitle} by ${request.eventTitle}`}>
              <button class="primary" data-authorize="confirm" ?disabled=${busy} @click=${() => this.authorize(request, 'confirm')}>Confirm</button>
              <button class="danger" data-authorize="deny" ?disabled=${busy} @click=${() => this.authorize(request, 'deny')}>Deny</button>
            </div>
          </li>`;
        })}
      </ul>
      ${this.actions.feedback('resources')}
    </section>`;
  }

  private async authorize(request: OwnerRequestView, decision: 'confirm' | 'deny'): Promise<void> {
    const { resourceId, eventId } = request;
    await this.actions.run('resources', `authorize:${resourceId}:${eventId}`, () => this.live.request('popup_authorize', { resourceId, eventId, decision }));
  }
}
