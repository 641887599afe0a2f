/**
 * Security in `<panda-popup>`: locking, setting (folded until asked for) or changing the
 * vault's passphrase (area `security`), exporting a backup of the identities (area `backup`)
 * and restoring one (area `restore`). The forms that set a passphrase and export a backup
 * also serve the first-run welcome, with its own areas. The exported file itself is offered
 * by the popup (`BackupOffer`), which owns its object URL.
 */
import { html, nothing } from 'lit';
import type { PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { submittedForm } from '../ui/forms.js';
import { counted } from '../ui/format.js';
import type { PopupStateController } from '../ui/popup-state.js';

/** The passphrase a person chooses twice must be the same both times. */
const PASSPHRASES_DIFFER = 'The two new passphrases differ.';

export interface BackupOffer {
  /** The last exported backup, offered as a link. */
  current(): { url: string; fileName: string } | undefined;
  /** Offers the exported `text` as the backup file (and saves it at once). */
  offer(text: string): Promise<void>;
}

export class SecuritySection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
    private readonly backup: BackupOffer,
  ) {}

  render(state: PopupState) {
    return html`<section aria-labelledby="security-heading">
      <h2 id="security-heading">Security</h2>
      ${
        state.hasPassphrase
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
          : html`<details data-passphrase-fold>
              <summary>Set a passphrase</summary>
              ${this.renderSetPassphrase('security')}
            </details>`
      }
      ${this.actions.feedback('security')}
      <details>
        <summary>Back up your identities</summary>
        ${this.renderBackupExport('backup')}
      </details>
      <details>
        <summary>Restore a backup</summary>
        <form data-restore-backup @submit=${this.restoreBackup}>
          <label>Backup file <input type="file" name="file" accept=".json,application/json" required /></label>
          <label>The backup’s passphrase <input type="password" name="passphrase" required autocomplete="off" /></label>
          <button type="submit" ?disabled=${this.actions.isBusy('restore')}>Restore</button>
        </form>
        ${this.actions.feedback('restore')}
      </details>
    </section>`;
  }

  /** The form that sets the first passphrase; its outcome shows in `area`. */
  renderSetPassphrase(area: string) {
    return html`<p class="muted">Your keys are stored without a passphrase. Set one to encrypt them; then Panda Kit can be locked.</p>
      <form data-set-passphrase @submit=${(event: SubmitEvent) => this.setPassphrase(event, area)}>
        <label>Passphrase (at least 8 characters) <input type="password" name="passphrase" required autocomplete="new-password" /></label>
        <label>Passphrase again <input type="password" name="repeat" required autocomplete="new-password" /></label>
        <button type="submit" ?disabled=${this.actions.isBusy('passphrase')}>Set passphrase</button>
      </form>`;
  }

  /** The form that exports a backup, the file's link once there is one, and the outcome (area `area`). */
  renderBackupExport(area: string) {
    const download = this.backup.current();
    return html`<form data-export-backup @submit=${(event: SubmitEvent) => this.exportBackup(event, area)}>
        <label>Passphrase for the backup file <input type="password" name="passphrase" required autocomplete="new-password" /></label>
        <button type="submit" ?disabled=${this.actions.isBusy('export')}>Export backup</button>
      </form>
      ${download ? html`<p><a data-backup-download href=${download.url} download=${download.fileName}>Save ${download.fileName}</a></p>` : nothing}
      ${this.actions.feedback(area)}`;
  }

  private readonly lock = async (): Promise<void> => {
    await this.actions.run('security', 'lock', () => this.live.request('popup_lock'));
  };

  private async setPassphrase(event: SubmitEvent, area: string): Promise<void> {
    const submitted = submittedForm(event);
    const passphrase = submitted.text('passphrase');
    if (passphrase !== submitted.text('repeat')) return this.actions.fail(area, PASSPHRASES_DIFFER);
    const done = await this.actions.run(area, 'passphrase', () => this.live.request('popup_setPassphrase', { passphrase }));
    if (done === undefined) return;
    submitted.form.reset();
    this.actions.note(area, 'Passphrase set. Your keys are now encrypted.');
  }

  private readonly changePassphrase = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    const passphrase = submitted.text('passphrase');
    if (passphrase !== submitted.text('repeat')) return this.actions.fail('security', PASSPHRASES_DIFFER);
    const done = await this.actions.run('security', 'passphrase', () =>
      this.live.request('popup_setPassphrase', { passphrase, current: submitted.text('current') }),
    );
    if (done === undefined) return;
    submitted.form.reset();
    this.actions.note('security', 'Passphrase changed.');
  };

  private async exportBackup(event: SubmitEvent, area: string): Promise<void> {
    const submitted = submittedForm(event);
    const text = await this.actions.run(area, 'export', () => this.live.request('popup_exportBackup', { passphrase: submitted.text('passphrase') }));
    if (text === undefined) return;
    submitted.form.reset();
    await this.backup.offer(text);
  }

  private readonly restoreBackup = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    const file = submitted.file('file');
    if (!file) return this.actions.fail('restore', 'Choose a backup file first.');
    const restored = await this.actions.run('restore', 'restore', async () =>
      this.live.request('popup_restoreBackup', { text: await file.text(), passphrase: submitted.text('passphrase') }),
    );
    if (restored === undefined) return;
    submitted.form.reset();
    this.actions.note('restore', `Added ${counted(restored.added, 'identity', 'identities')}, already had ${restored.existing}.`);
  };
}
