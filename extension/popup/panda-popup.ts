/**
 * `<panda-popup>`: the toolbar popup. The identity in use and the others, the questions sites
 * are waiting on, requests for the person's resources, connected sites, festivals, and the
 * vault's passphrase and backups; while locked, only the unlock form. Everything comes from
 * `popup_state` through `client` (popup.ts sets the background's; tests a fake).
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { IdentityView, OwnerRequestView, PopupClient, PopupState, SiteView } from '../shared/popup-protocol.js';
import { ActionController } from '../ui/actions.js';
import { submittedForm } from '../ui/forms.js';
import { backupFileName, counted, kindPhrase, relativeTime, shortKey } from '../ui/format.js';
import { identicon } from '../ui/identicon.js';
import { PopupStateController } from '../ui/popup-state.js';
import '../ui/request-card/panda-request-card.js';
import { RequestAnswers } from '../ui/request-answers.js';
import { sharedStyles } from '../ui/shared.styles.js';
import { popupStyles } from './popup.styles.js';

/** The passphrase a person chooses twice must be the same both times. */
const PASSPHRASES_DIFFER = 'The two new passphrases differ.';

export class PandaPopup extends LitElement {
  static override properties = {
    client: { attribute: false },
    backupDownload: { state: true },
  };
  static override styles = [sharedStyles, popupStyles];

  declare client: PopupClient | undefined;
  /** The last exported backup, offered as a link (and clicked once). */
  declare backupDownload: { url: string; fileName: string } | undefined;

  private readonly live = new PopupStateController(this);
  private readonly actions = new ActionController(this);
  private readonly answers = new RequestAnswers(this.actions, this.live);

  constructor() {
    super();
    this.client = undefined;
    this.backupDownload = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.live.use(this.client);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.backupDownload) URL.revokeObjectURL(this.backupDownload.url);
    this.backupDownload = undefined;
  }

  override render() {
    const state = this.live.state;
    const active = state?.identities.find((identity) => identity.id === state.activeIdentityId);
    return html`<header>
        ${active ? identicon(active.publicKey, 32) : nothing}
        <div class="who">
          <h1>Panda Kit</h1>
          ${active ? html`<strong>${active.name}</strong><span class="key" data-key title=${active.publicKey}>${shortKey(active.publicKey)}</span>` : nothing}
        </div>
      </header>
      ${this.live.error ? html`<p role="alert">${this.live.error}</p>` : nothing}
      ${state === undefined ? (this.live.error ? nothing : html`<p class="muted">Loading…</p>`) : state.locked ? this.answers.renderLocked(state) : this.renderUnlocked(state)}`;
  }

  /** An action's outcome in `area`: its error, or its notice of success. */
  private feedback(area: string) {
    const error = this.actions.errorFor(area);
    if (error) return html`<p role="alert">${error}</p>`;
    const notice = this.actions.noticeFor(area);
    return notice ? html`<p role="status">${notice}</p>` : nothing;
  }

  private renderUnlocked(state: PopupState) {
    return html`${this.renderIdentities(state)} ${this.renderRequests(state)} ${this.renderOwnerRequests(state)} ${this.renderSites(state)}
    ${this.renderFestivals(state)} ${this.renderSecurity(state)}`;
  }

  private identityOptions(identities: IdentityView[], selectedId: string | null) {
    return identities.map(
      (identity) => html`<option value=${identity.id} ?selected=${identity.id === selectedId}>${identity.name} (${shortKey(identity.publicKey)})</option>`,
    );
  }

  private renderIdentities(state: PopupState) {
    const active = state.identities.find((identity) => identity.id === state.activeIdentityId);
    return html`<section aria-label="Identities">
      <label
        >Identity in use
        <select data-active-identity ?disabled=${this.actions.isBusy('identity:active')} @change=${this.setActiveIdentity}>
          ${this.identityOptions(state.identities, state.activeIdentityId)}
        </select>
      </label>
      <details>
        <summary>New identity, rename</summary>
        <form data-create-identity @submit=${this.createIdentity}>
          <label>Name of a new identity <input name="name" required maxlength="64" autocomplete="off" /></label>
          <button type="submit" ?disabled=${this.actions.isBusy('identity:create')}>Create identity</button>
        </form>
        ${active
          ? html`<form data-rename-identity @submit=${this.renameIdentity}>
              <label>New name for ${active.name} <input name="name" required maxlength="64" autocomplete="off" .value=${active.name} /></label>
              <button type="submit" ?disabled=${this.actions.isBusy('identity:rename')}>Rename</button>
            </form>`
          : nothing}
      </details>
      ${this.feedback('identity')}
    </section>`;
  }

  private renderRequests(state: PopupState) {
    return html`<section aria-labelledby="requests-heading">
      <h2 id="requests-heading">Requests</h2>
      ${state.pending.length === 0
        ? html`<p class="muted">No requests are waiting.</p>`
        : html`<ul @panda-decide=${this.answers.decide}>
            ${state.pending.map(
              (request) => html`<li>
                <panda-request-card
                  data-pending
                  data-id=${request.id}
                  .request=${request}
                  .signer=${state.identities.find((identity) => identity.publicKey === request.publicKey)}
                  ?busy=${this.answers.isDeciding(request.id)}
                ></panda-request-card>
              </li>`,
            )}
          </ul>`}
      ${this.feedback('requests')}
    </section>`;
  }

  private renderOwnerRequests(state: PopupState) {
    if (state.ownerRequests.length === 0) return nothing;
    return html`<section aria-labelledby="resources-heading">
      <h2 id="resources-heading">Your resources</h2>
      <ul>
        ${state.ownerRequests.map((request) => {
          const busy = this.actions.isBusy(`authorize:${request.resourceId}:${request.eventId}`);
          return html`<li data-owner-request data-resource-id=${request.resourceId} data-event-id=${request.eventId}>
            <p><strong>${request.resourceTitle}</strong> for <strong>${request.eventTitle}</strong></p>
            <p class="muted">${request.when}</p>
            <p class="muted with-identicon">Asked by ${identicon(request.requestedBy, 16)}<span class="key">${shortKey(request.requestedBy)}</span></p>
            <div class="row" role="group" aria-label=${`Answer the request for ${request.resourceTitle} by ${request.eventTitle}`}>
              <button class="primary" data-authorize="confirm" ?disabled=${busy} @click=${() => this.authorize(request, 'confirm')}>Confirm</button>
              <button class="danger" data-authorize="deny" ?disabled=${busy} @click=${() => this.authorize(request, 'deny')}>Deny</button>
            </div>
          </li>`;
        })}
      </ul>
      ${this.feedback('resources')}
    </section>`;
  }

  private renderSites(state: PopupState) {
    return html`<section aria-labelledby="sites-heading">
      <h2 id="sites-heading">Sites</h2>
      ${state.sites.length === 0
        ? html`<p class="muted">No site has been allowed anything yet.</p>`
        : html`<ul>
            ${state.sites.map(
              (site) => html`<li data-site=${site.origin}>
                <p><span class="origin">${site.origin}</span> <span class="muted">${site.connected ? 'connected' : 'not connected'}</span></p>
                ${site.always.length > 0 ? html`<p class="muted">Always allowed: ${site.always.map(kindPhrase).join(', ')}</p>` : nothing}
                <div class="row">
                  <label
                    >Identity this site sees
                    <select
                      data-site-identity
                      ?disabled=${this.actions.isBusy(`site:${site.origin}:identity`)}
                      @change=${(event: Event) => this.setIdentityFor(site, event)}
                    >
                      ${this.identityOptions(state.identities, site.identityId)}
                    </select>
                  </label>
                  <button class="danger" data-revoke aria-label=${`Revoke ${site.origin}`} ?disabled=${this.actions.isBusy(`site:${site.origin}:revoke`)} @click=${() => this.revoke(site)}>
                    Revoke
                  </button>
                </div>
              </li>`,
            )}
          </ul>`}
      ${this.feedback('sites')}
    </section>`;
  }

  private renderFestivals(state: PopupState) {
    const now = Date.now();
    return html`<section aria-labelledby="festivals-heading">
      <h2 id="festivals-heading">Festivals</h2>
      <p class="muted" data-total-peers>Connected to ${counted(state.peers, 'peer')}</p>
      ${state.festivals.length === 0
        ? html`<p class="muted">Not taking part in any festival yet.</p>`
        : html`<ul>
            ${state.festivals.map(
              (festival) => html`<li data-festival=${festival.id}>
                <strong>${festival.name ?? html`<span class="key">${shortKey(festival.id)}</span>`}</strong>
                <p class="muted">
                  ${counted(festival.peers, 'peer')} · ${counted(festival.entries, 'entry', 'entries')} · ${festival.missing} missing ·
                  ${festival.lastActive === null ? 'no activity seen yet' : html`active <span data-last-active>${relativeTime(festival.lastActive, now)}</span>`}
                </p>
              </li>`,
            )}
          </ul>`}
    </section>`;
  }

  private renderSecurity(state: PopupState) {
    return html`<section aria-labelledby="security-heading">
      <h2 id="security-heading">Security</h2>
      ${state.hasPassphrase
        ? html`<button data-lock ?disabled=${this.actions.isBusy('lock')} @click=${this.lock}>Lock now</button>
            <details>
              <summary>Change passphrase</summary>
              <form data-change-passphrase @submit=${this.changePassphrase}>
                <label>Current passphrase <input type="password" name="current" required autocomplete="current-password" /></label>
                <label>New passphrase (at least 8 characters) <input type="password" name="passphrase" required autocomplete="new-password" /></label>
                <label>New passphrase again <input type="password" name="repeat" required autocomplete="new-password" /></label>
                <button type="submit" ?disabled=${this.actions.isBusy('passphrase')}>Change passphrase</button>
              </form>
            </details>`
        : html`<p class="muted">Your keys are stored without a passphrase. Set one to encrypt them; then Panda Kit can be locked.</p>
            <form data-set-passphrase @submit=${this.setPassphrase}>
              <label>Passphrase (at least 8 characters) <input type="password" name="passphrase" required autocomplete="new-password" /></label>
              <label>Passphrase again <input type="password" name="repeat" required autocomplete="new-password" /></label>
              <button type="submit" ?disabled=${this.actions.isBusy('passphrase')}>Set passphrase</button>
            </form>`}
      ${this.feedback('security')}
      <details>
        <summary>Back up your identities</summary>
        <form data-export-backup @submit=${this.exportBackup}>
          <label>Passphrase for the backup file <input type="password" name="passphrase" required autocomplete="new-password" /></label>
          <button type="submit" ?disabled=${this.actions.isBusy('export')}>Export backup</button>
        </form>
        ${this.backupDownload
          ? html`<p><a data-backup-download href=${this.backupDownload.url} download=${this.backupDownload.fileName}>Save ${this.backupDownload.fileName}</a></p>`
          : nothing}
        ${this.feedback('backup')}
      </details>
      <details>
        <summary>Restore a backup</summary>
        <form data-restore-backup @submit=${this.restoreBackup}>
          <label>Backup file <input type="file" name="file" accept=".json,application/json" required /></label>
          <label>The backup’s passphrase <input type="password" name="passphrase" required autocomplete="off" /></label>
          <button type="submit" ?disabled=${this.actions.isBusy('restore')}>Restore</button>
        </form>
        ${this.feedback('restore')}
      </details>
    </section>`;
  }

  private async authorize(request: OwnerRequestView, decision: 'confirm' | 'deny'): Promise<void> {
    const { resourceId, eventId } = request;
    await this.actions.run('resources', `authorize:${resourceId}:${eventId}`, () => this.live.request('popup_authorize', { resourceId, eventId, decision }));
  }

  private async setActiveIdentity(event: Event): Promise<void> {
    const select = event.target as HTMLSelectElement;
    const done = await this.actions.run('identity', 'identity:active', () => this.live.request('popup_setActiveIdentity', { identityId: select.value }));
    // Lit keeps the option it selected; after a failure the select must show the identity still in use.
    if (done === undefined) select.value = this.live.state?.activeIdentityId ?? '';
  }

  private async createIdentity(event: SubmitEvent): Promise<void> {
    const submitted = submittedForm(event);
    const created = await this.actions.run('identity', 'identity:create', () => this.live.request('popup_createIdentity', { name: submitted.text('name') }));
    if (created === undefined) return;
    submitted.form.reset();
    this.actions.note('identity', `Created ${created.name}.`);
  }

  private async renameIdentity(event: SubmitEvent): Promise<void> {
    const submitted = submittedForm(event);
    const identityId = this.live.state?.activeIdentityId;
    if (!identityId) return;
    const renamed = await this.actions.run('identity', 'identity:rename', () => this.live.request('popup_renameIdentity', { identityId, name: submitted.text('name') }));
    if (renamed !== undefined) this.actions.note('identity', `Renamed to ${renamed.name}.`);
  }

  private async setIdentityFor(site: SiteView, event: Event): Promise<void> {
    const select = event.target as HTMLSelectElement;
    const done = await this.actions.run('sites', `site:${site.origin}:identity`, () =>
      this.live.request('popup_setIdentityFor', { origin: site.origin, identityId: select.value }),
    );
    if (done === undefined) select.value = site.identityId;
  }

  private async revoke(site: SiteView): Promise<void> {
    await this.actions.run('sites', `site:${site.origin}:revoke`, () => this.live.request('popup_revoke', { origin: site.origin }));
  }

  private async lock(): Promise<void> {
    await this.actions.run('security', 'lock', () => this.live.request('popup_lock'));
  }

  private async setPassphrase(event: SubmitEvent): Promise<void> {
    const submitted = submittedForm(event);
    const passphrase = submitted.text('passphrase');
    if (passphrase !== submitted.text('repeat')) return this.actions.fail('security', PASSPHRASES_DIFFER);
    const done = await this.actions.run('security', 'passphrase', () => this.live.request('popup_setPassphrase', { passphrase }));
    if (done === undefined) return;
    submitted.form.reset();
    this.actions.note('security', 'Passphrase set. Your keys are now encrypted.');
  }

  private async changePassphrase(event: SubmitEvent): Promise<void> {
    const submitted = submittedForm(event);
    const passphrase = submitted.text('passphrase');
    if (passphrase !== submitted.text('repeat')) return this.actions.fail('security', PASSPHRASES_DIFFER);
    const done = await this.actions.run('security', 'passphrase', () => this.live.request('popup_setPassphrase', { passphrase, current: submitted.text('current') }));
    if (done === undefined) return;
    submitted.form.reset();
    this.actions.note('security', 'Passphrase changed.');
  }

  private async exportBackup(event: SubmitEvent): Promise<void> {
    const submitted = submittedForm(event);
    const text = await this.actions.run('backup', 'export', () => this.live.request('popup_exportBackup', { passphrase: submitted.text('passphrase') }));
    if (text === undefined) return;
    submitted.form.reset();
    if (this.backupDownload) URL.revokeObjectURL(this.backupDownload.url);
    this.backupDownload = { url: URL.createObjectURL(new Blob([text], { type: 'application/json' })), fileName: backupFileName() };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLAnchorElement>('a[data-backup-download]')?.click();
  }

  private async restoreBackup(event: SubmitEvent): Promise<void> {
    const submitted = submittedForm(event);
    const file = submitted.file('file');
    if (!file) return this.actions.fail('restore', 'Choose a backup file first.');
    const restored = await this.actions.run('restore', 'restore', async () =>
      this.live.request('popup_restoreBackup', { text: await file.text(), passphrase: submitted.text('passphrase') }),
    );
    if (restored === undefined) return;
    submitted.form.reset();
    this.actions.note('restore', `Added ${counted(restored.added, 'identity', 'identities')}, already had ${restored.existing}.`);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'panda-popup': PandaPopup;
  }
}
