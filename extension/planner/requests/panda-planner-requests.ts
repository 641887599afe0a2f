/**
 * `<panda-planner-requests>`: requests waiting for the person — for resources they look after,
 * and, for quorum resources, their vote as a member — each confirmed or denied with a note.
 * The decision is signed at once: answering here is the person's own action.
 */
import { html } from 'lit';
import type { PlannerPendingRequest } from '../../shared/planner-protocol.js';
import { PlannerTab } from '../lib/planner-tab.js';

export class PandaPlannerRequests extends PlannerTab {
  override render() {
    const pending = this.state?.pending ?? [];
    return html`<section class="card" aria-labelledby="requests-heading">
      <h2 id="requests-heading">Requests waiting for you</h2>
      ${
        pending.length === 0
          ? html`<p class="muted">Nothing is waiting for your decision.</p>`
          : html`<ul class="items">
              ${pending.map((request) => this.renderRequest(request))}
            </ul>`
      }
      ${this.feedback('requests')}
    </section>`;
  }

  private renderRequest(request: PlannerPendingRequest) {
    const key = `${request.resourceId}:${request.eventId}`;
    const busy = this.actions.isBusy(key);
    return html`<li data-pending-request data-resource-id=${request.resourceId} data-event-id=${request.eventId}>
      <div class="spread">
        <h3>${request.eventTitle} asks for ${request.resourceTitle}</h3>
        <span class="badge">${request.role === 'member' ? 'your vote' : 'yours to decide'}</span>
      </div>
      <p>${request.when}, in ${request.festivalName}</p>
      <p class="muted">Asked by ${this.nameOf(request.requestedBy)} · ${request.rule}</p>
      <form @submit=${(event: SubmitEvent) => event.preventDefault()}>
        <label
          >Note (optional, everyone sees it)
          <input name="note" maxlength="1000" autocomplete="off" />
        </label>
        <div class="row" role="group" aria-label=${`Answer ${request.eventTitle}’s request for ${request.resourceTitle}`}>
          <button type="button" class="primary" data-decide="confirm" ?disabled=${busy} @click=${(event: Event) => this.decide(event, request, 'confirm')}>
            ${request.role === 'member' ? 'Vote yes' : 'Confirm'}
          </button>
          <button type="button" class="danger" data-decide="deny" ?disabled=${busy} @click=${(event: Event) => this.decide(event, request, 'deny')}>
            ${request.role === 'member' ? 'Vote no' : 'Deny'}
          </button>
        </div>
      </form>
    </li>`;
  }

  private async decide(event: Event, request: PlannerPendingRequest, decision: 'confirm' | 'deny'): Promise<void> {
    const form = (event.target as HTMLElement).closest('form')!;
    const note = (form.elements.namedItem('note') as HTMLInputElement).value.trim();
    const { resourceId, eventId } = request;
    const done = await this.run('requests', `${resourceId}:${eventId}`, (live) =>
      live.request('popup_authorize', { resourceId, eventId, decision, ...(note ? { note } : {}) }),
    );
    if (done) this.actions.note('requests', `${decision === 'confirm' ? 'Confirmed' : 'Denied'}: ${request.resourceTitle} for ${request.eventTitle}.`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'panda-planner-requests': PandaPlannerRequests;
  }
}
