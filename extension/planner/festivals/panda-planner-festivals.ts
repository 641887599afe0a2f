/**
 * `<panda-planner-festivals>`: the festivals the person takes part in or made, with their
 * peers, missing entries and last activity in words; create, edit (through
 * `<panda-festival-form>`), delete and leave; the signaling servers a new festival starts with,
 * and each festival's own; festival files to carry them without a network (`<panda-planner-files>`).
 */
import { html, nothing } from 'lit';
import type { PlannerFestival } from '../../shared/planner-protocol.js';
import { submittedForm } from '../../ui/forms.js';
import { counted, relativeTime } from '../../ui/format.js';
import { notSignalingUrl, PlannerTab, serverList } from '../lib/planner-tab.js';
import { dateRange } from '../lib/planner-words.js';

const WS_ONLY = (url: string) => `“${url}” is not a signaling server: use ws:// or wss:// addresses.`;

export class PandaPlannerFestivals extends PlannerTab {
  static override properties = { ...PlannerTab.properties, editing: { state: true } };

  /** What the festival form shows: a new festival, a sub-festival of `parent`, or an edit of `festival`. */
  declare private editing: { festival?: string; parent?: string } | undefined;

  override render() {
    const state = this.state;
    if (!state) return nothing;
    return html`<section class="card" aria-labelledby="festivals-heading">
        <div class="spread">
          <h2 id="festivals-heading">Your festivals</h2>
          <button class="primary" data-new-festival @click=${() => (this.editing = {})}>New festival</button>
        </div>
        ${this.editing ? this.renderForm() : nothing}
        ${
          state.festivals.length === 0
            ? html`<p class="muted">You take part in no festival yet. Create one, or open a festival’s join link.</p>`
            : html`<ul class="items">
                ${state.festivals.map((festival) => this.renderFestival(festival))}
              </ul>`
        }
        ${this.feedback('festivals')}
      </section>
      <panda-planner-files .state=${state} .live=${this.live} .provider=${this.provider} .festival=${this.festival}></panda-planner-files>
      ${this.renderDefaults()}`;
  }

  private renderForm() {
    const editing = this.editing!;
    const title = editing.festival ? 'Edit festival' : editing.parent ? 'New sub-festival' : 'New festival';
    return html`<div class="card" data-festival-form>
      <div class="spread">
        <h3>${title}</h3>
        <button data-close-form @click=${() => (this.editing = undefined)}>Close</button>
      </div>
      <panda-festival-form
        .provider=${this.provider}
        festival=${editing.festival ?? ''}
        parent=${editing.parent ?? ''}
        @panda-festival-published=${this.published}
      ></panda-festival-form>
    </div>`;
  }

  private renderFestival(festival: PlannerFestival) {
    const now = Date.now();
    const parent = festival.parent ? this.state?.festivals.find((item) => item.id === festival.parent) : undefined;
    const busy = (what: string) => this.actions.isBusy(`${what}:${festival.id}`);
    return html`<li data-festival=${festival.id} data-name=${festival.name ?? ''}>
      <div class="spread">
        <h3>${festival.name ?? 'A festival whose data has not arrived yet'}</h3>
        <span class="row">
          ${festival.mine ? html`<span class="badge ok">yours</span>` : nothing}
          ${festival.joined ? html`<span class="badge">taking part</span>` : html`<span class="badge bad">not replicated</span>`}
        </span>
      </div>
      ${parent ? html`<p class="muted">Part of ${parent.name ?? 'another festival'}</p>` : nothing}
      <p>${dateRange(festival.start, festival.end, festival.timezone)} <span class="muted">(${festival.timezone})</span></p>
      <p class="muted" data-health>
        ${counted(festival.peers, 'peer')} connected · ${counted(festival.entries, 'entry', 'entries')} here ·
        ${festival.missing === 0 ? 'nothing missing' : `${festival.missing} missing`} ·
        ${festival.lastActive === null ? 'no activity seen yet' : `last active ${relativeTime(festival.lastActive, now)}`}
      </p>
      <p class="muted">${counted(festival.resources.length, 'resource')} · ${counted(festival.events.length, 'event')}</p>
      <div class="row">
        <button data-open-resources @click=${() => this.choose(festival.id, 'resources')}>Resources</button>
        <button data-open-share @click=${() => this.choose(festival.id, 'share')}>Share</button>
        ${
          festival.mine
            ? html`<button data-edit-festival @click=${() => (this.editing = { festival: festival.id })}>Edit</button>
                <button data-open-import @click=${() => this.choose(festival.id, 'events')}>Import a schedule</button>
                <button data-new-sub-festival @click=${() => (this.editing = { parent: festival.id })}>Sub-festival</button>
                <button class="danger" data-delete-festival ?disabled=${busy('delete')} @click=${() => this.deleteDocument(festival)}>Delete</button>`
            : nothing
        }
        ${festival.joined ? html`<button class="danger" data-leave ?disabled=${busy('leave')} @click=${() => this.leave(festival)}>Leave</button>` : html`<button data-rejoin @click=${() => this.rejoin(festival)}>Take part</button>`}
      </div>
      ${
        festival.joined
          ? html`<details>
              <summary>Signaling servers (${festival.signaling.length})</summary>
              <form data-festival-signaling @submit=${(event: SubmitEvent) => this.saveSignaling(event, festival)}>
                <label
                  >Where this festival’s peers meet, one ws:// or wss:// address per line
                  <textarea class="code" name="signaling" .value=${festival.signaling.join('\n')}></textarea>
                </label>
                <button type="submit" ?disabled=${busy('signaling')}>Save servers</button>
              </form>
              ${this.feedback(`signaling:${festival.id}`)}
            </details>`
          : nothing
      }
    </li>`;
  }

  private renderDefaults() {
    const servers = this.state?.defaultSignaling ?? [];
    return html`<section class="card" aria-labelledby="settings-heading">
      <h2 id="settings-heading">Settings</h2>
      <form data-default-signaling @submit=${this.saveDefaults}>
        <label
          >Signaling servers a new festival starts with, one ws:// or wss:// address per line
          <textarea class="code" name="signaling" .value=${servers.join('\n')}></textarea>
        </label>
        ${servers.length === 0 ? html`<p class="muted">Without one, your festivals stay on this device until you add a server.</p>` : nothing}
        <button type="submit" ?disabled=${this.actions.isBusy('defaults')}>Save</button>
      </form>
      ${this.feedback('settings')}
    </section>`;
  }

  private async published(event: CustomEvent<{ documentId?: string }>): Promise<void> {
    const created = !this.editing?.festival;
    this.editing = undefined;
    await this.noteAfterRefresh('festivals', created ? 'Festival created; you take part in it.' : 'Festival saved.');
    if (created && event.detail?.documentId) this.choose(event.detail.documentId);
  }

  private async deleteDocument(festival: PlannerFestival): Promise<void> {
    if (!confirm(`Delete ${festival.name ?? 'this festival'} for everyone? Its events and resources stay, but the festival is gone.`)) return;
    const done = await this.run('festivals', `delete:${festival.id}`, (live) =>
      live.request('planner_publish', { type: 'festival', action: 'delete', documentId: festival.id }),
    );
    if (done) this.actions.note('festivals', `Deleted ${festival.name ?? 'the festival'}.`);
  }

  private async leave(festival: PlannerFestival): Promise<void> {
    const done = await this.run('festivals', `leave:${festival.id}`, (live) => live.request('planner_leave', { festivalId: festival.id }));
    if (done) this.actions.note('festivals', `You left ${festival.name ?? 'the festival'}: it is no longer replicated here.`);
  }

  private async rejoin(festival: PlannerFestival): Promise<void> {
    const signaling = this.state?.defaultSignaling ?? [];
    await this.run('festivals', `join:${festival.id}`, (live) => live.request('planner_join', { festivalId: festival.id, signaling }));
  }

  private async saveSignaling(event: SubmitEvent, festival: PlannerFestival): Promise<void> {
    const signaling = serverList(submittedForm(event).text('signaling'));
    const wrong = notSignalingUrl(signaling);
    if (wrong) return this.actions.fail(`signaling:${festival.id}`, WS_ONLY(wrong));
    const done = await this.run(`signaling:${festival.id}`, `signaling:${festival.id}`, (live) =>
      live.request('planner_setSignaling', { festivalId: festival.id, signaling }),
    );
    if (done) this.actions.note(`signaling:${festival.id}`, 'Servers saved.');
  }

  private async saveDefaults(event: SubmitEvent): Promise<void> {
    const signaling = serverList(submittedForm(event).text('signaling'));
    const wrong = notSignalingUrl(signaling);
    if (wrong) return this.actions.fail('settings', WS_ONLY(wrong));
    const done = await this.run('settings', 'defaults', (live) => live.request('planner_setDefaultSignaling', { signaling }));
    if (done) this.actions.note('settings', 'Saved.');
  }
}
