/**
 * `<panda-planner-events>`: the chosen festival's events. The person's own come first, each
 * request's status in words ("waiting for Mira to decide", "confirmed"); a new event or an edit
 * goes through `<panda-event-form>`, the same form festival sites embed.
 */
import { html, nothing } from 'lit';
import type { PlannerEvent } from '../../shared/planner-protocol.js';
import { PlannerTab } from '../lib/planner-tab.js';

export class PandaPlannerEvents extends PlannerTab {
  static override properties = { ...PlannerTab.properties, editing: { state: true } };

  /** The event form: a new event ('') or the id of one to edit. */
  declare private editing: string | undefined;

  override render() {
    const festival = this.festival;
    if (!festival) return html`<section class="card"><p class="muted">Choose a festival first.</p></section>`;
    const mine = festival.events.filter((event) => event.mine);
    const others = festival.events.filter((event) => !event.mine);
    return html`<section class="card" aria-label=${`${this.editing ? 'Edit event' : 'New event'} in ${festival.name ?? 'this festival'}`}>
        ${this.editing ? html`<div class="row end"><button data-close-form @click=${() => (this.editing = undefined)}>New event instead</button></div>` : nothing}
        <panda-event-form
          data-event-form
          .provider=${this.provider}
          festival=${festival.id}
          event=${this.editing || ''}
          @panda-event-published=${this.published}
        ></panda-event-form>
        ${this.feedback('events')}
      </section>
      <section class="card" aria-labelledby="my-events-heading">
        <h2 id="my-events-heading">My events</h2>
        ${
          mine.length === 0
            ? html`<p class="muted">You have no events in this festival yet.</p>`
            : html`<ul class="items">
                ${mine.map((event) => this.renderEvent(event))}
              </ul>`
        }
      </section>
      ${
        others.length > 0
          ? html`<section class="card" aria-labelledby="other-events-heading">
              <h2 id="other-events-heading">Everyone else’s</h2>
              <ul class="items">
                ${others.map((event) => this.renderEvent(event))}
              </ul>
            </section>`
          : nothing
      }`;
  }

  private renderEvent(event: PlannerEvent) {
    return html`<li data-event=${event.id} data-title=${event.title}>
      <div class="spread">
        <h3>${event.title}</h3>
        <span class="muted">${event.when}</span>
      </div>
      ${event.mine ? nothing : html`<p class="muted">By ${this.nameOf(event.owner)}</p>`}
      ${
        event.requests.length === 0
          ? html`<p class="muted">Needs no resources.</p>`
          : html`<ul class="statuses">
              ${event.requests.map(
                (request) =>
                  html`<li data-request-status=${request.state} data-resource-id=${request.resourceId}>
                    <strong>${request.resourceTitle}</strong>:
                    <span class=${request.state === 'confirmed' ? 'state ok' : request.state === 'pending' ? 'state' : 'state bad'}>${request.words}</span>
                  </li>`,
              )}
            </ul>`
      }
      ${
        event.mine
          ? html`<div class="row">
              <button data-edit-event @click=${() => (this.editing = event.id)}>Edit</button>
              <button class="danger" data-delete-event ?disabled=${this.actions.isBusy(`delete:${event.id}`)} @click=${() => this.deleteDocument(event)}>
                Delete
              </button>
            </div>`
          : nothing
      }
    </li>`;
  }

  private published(): void {
    const words = this.editing ? 'Event saved.' : 'Event created. Owners of what it asks for decide now; see My events.';
    this.editing = undefined;
    void this.noteAfterRefresh('events', words);
  }

  private async deleteDocument(event: PlannerEvent): Promise<void> {
    if (!confirm(`Delete ${event.title}?`)) return;
    const done = await this.run('events', `delete:${event.id}`, (live) =>
      live.request('planner_publish', { type: 'event', action: 'delete', documentId: event.id }),
    );
    if (done) this.actions.note('events', `Deleted ${event.title}.`);
  }
}
