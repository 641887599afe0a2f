/**
 * `<panda-planner-events>`: the chosen festival's events. The person's own come first, each
 * request's status in words ("waiting for Mira to decide", "confirmed"); a new event or an edit
 * goes through `<panda-event-form>`, the same form festival sites embed. In a festival of the
 * person's own, a schedule file (frab/pretalx JSON or schedule.xml) is read here and imported
 * by the background (`planner_importSchedule`), which says what it did.
 */
import { html, nothing } from 'lit';
import { MAX_PLANNER_SCHEDULE_BYTES, type PlannerEvent, type PlannerFestival, type PlannerImportResult } from '../../shared/planner-protocol.js';
import { submittedForm } from '../../ui/forms.js';
import { PlannerTab } from '../lib/planner-tab.js';

export class PandaPlannerEvents extends PlannerTab {
  static override properties = { ...PlannerTab.properties, editing: { state: true }, imported: { state: true } };

  /** The event form: a new event ('') or the id of one to edit. */
  declare private editing: string | undefined;
  /** What the last import did, for the talks it skipped and its notes. */
  declare private imported: PlannerImportResult | undefined;

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
      ${festival.mine ? this.renderImport(festival) : nothing}
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

  private renderImport(festival: PlannerFestival) {
    const result = this.imported;
    return html`<section class="card" aria-labelledby="import-heading" data-import>
      <h2 id="import-heading">Import a schedule file</h2>
      <p class="muted">
        A frab or pretalx schedule (JSON or schedule.xml) becomes a room resource per room and an event per talk in ${festival.name ?? 'this festival'}, signed
        by you. Import it again after it changed: only what changed changes.
      </p>
      <form data-import-schedule @submit=${(event: SubmitEvent) => this.importFile(event, festival)}>
        <label
          >Schedule file
          <input type="file" name="schedule" accept=".json,.xml,application/json,application/xml,text/xml" required />
        </label>
        <button type="submit" ?disabled=${this.actions.isBusy('import')}>${this.actions.isBusy('import') ? 'Importing…' : 'Import'}</button>
      </form>
      ${this.feedback('import')} ${result?.notes.map((note) => html`<p data-import-note>${note}</p>`)}
      ${
        result && result.skipped.length > 0
          ? html`<details open>
              <summary>${result.skipped.length === 1 ? '1 talk' : `${result.skipped.length} talks`} not imported</summary>
              <ul data-import-skipped>
                ${result.skipped.map((talk) => html`<li><strong>${talk.talk}</strong>: ${talk.reason}</li>`)}
              </ul>
            </details>`
          : nothing
      }
    </section>`;
  }

  private async importFile(event: SubmitEvent, festival: PlannerFestival): Promise<void> {
    const file = submittedForm(event).file('schedule');
    this.imported = undefined;
    if (!file) return this.actions.fail('import', 'Choose a schedule file first.');
    // Refused before it is read: the background would refuse it too.
    if (file.size > MAX_PLANNER_SCHEDULE_BYTES)
      return this.actions.fail('import', `${file.name} is larger than ${MAX_PLANNER_SCHEDULE_BYTES / 1024 / 1024} MB; a festival’s schedule is far smaller.`);
    const result = await this.run('import', 'import', async (live) =>
      live.request('planner_importSchedule', { festivalId: festival.id, text: await file.text(), name: file.name }),
    );
    if (!result) return;
    this.imported = result;
    this.actions.note('import', `Imported ${file.name}: ${result.words}.`);
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
