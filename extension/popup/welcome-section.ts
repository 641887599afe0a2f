/**
 * The first-run welcome in `<panda-popup>`: three steps, each ticked off once done — name
 * yourself (the identity takes the name and a signed profile says it, so others see it
 * instead of the key), back up your key (the security section's export), and, folded, a
 * passphrase; and, for a browser that is to be another device of someone who uses Panda Kit
 * already, the devices section's "Use this browser as another device of mine". Finishing or
 * skipping it tells the background, and it does not come back (welcome.ts). Outcomes show in the areas `welcome-name`, `welcome-backup`,
 * `welcome-passphrase` and `welcome`.
 */
import { html, type TemplateResult } from 'lit';
import type { PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { submittedForm } from '../ui/forms.js';
import type { PopupStateController } from '../ui/popup-state.js';
import { visibleText } from '../ui/visible-text.js';
import type { DevicesSection } from './devices-section.js';
import type { SecuritySection } from './security-section.js';

/** The name the vault gives the first identity: not one the person chose. */
const FIRST_IDENTITY_NAME = 'Me';

export class WelcomeSection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
    private readonly security: SecuritySection,
    private readonly devices: DevicesSection,
  ) {}

  render(state: PopupState) {
    const active = state.identities.find((identity) => identity.id === state.activeIdentityId);
    const profileName = active ? state.names[active.publicKey] : undefined;
    const ready = profileName !== undefined && state.backedUp;
    return html`<section class="welcome" data-welcome aria-labelledby="welcome-heading">
      <h2 id="welcome-heading">Welcome to Panda Kit</h2>
      <p class="muted">Your key lives in this browser and signs what you publish. Two steps, and a third if you like.</p>
      <ol>
        ${this.step(
          1,
          'name',
          'Name yourself',
          profileName === undefined ? undefined : html`Others see you as <strong>${visibleText(profileName)}</strong>.`,
          () =>
            html`<p class="muted">Festivals show this name instead of your key.</p>
              <form data-name-yourself @submit=${this.nameYourself}>
                <label
                  >Your name
                  <input
                    name="name"
                    required
                    maxlength="64"
                    autocomplete="nickname"
                    .value=${active && active.name !== FIRST_IDENTITY_NAME ? active.name : ''}
                  />
                </label>
                <button class="primary" type="submit" ?disabled=${this.actions.isBusy('welcome:name')}>Sign my profile</button>
              </form>
              ${this.actions.feedback('welcome-name')}`,
        )}
        ${this.step(
          2,
          'backup',
          'Back up your key',
          state.backedUp ? html`Backup saved. Keep the file and its passphrase somewhere safe.` : undefined,
          () =>
            html`<p class="muted">If this browser loses its data, the backup file is the only way to get your key back.</p>
              ${this.security.renderBackupExport('welcome-backup')}`,
        )}
        ${this.step(
          3,
          'passphrase',
          'A passphrase (optional)',
          state.hasPassphrase ? html`Your keys are encrypted.` : undefined,
          () =>
            html`<details data-passphrase-fold>
              <summary>Set a passphrase</summary>
              ${this.security.renderSetPassphrase('welcome-passphrase')}
            </details>`,
        )}
      </ol>
      ${this.devices.renderJoin(state)}
      <div class="row">
        ${
          ready
            ? html`<button class="primary" data-welcome-close="done" ?disabled=${this.actions.isBusy('welcome:close')} @click=${() => this.close('done')}>
                Done
              </button>`
            : html`<button data-welcome-close="skipped" ?disabled=${this.actions.isBusy('welcome:close')} @click=${() => this.close('skipped')}>
                Skip for now
              </button>`
        }
      </div>
      ${this.actions.feedback('welcome')}
    </section>`;
  }

  /** Step `number`: ticked off with what it achieved once `done`, else its form. */
  private step(number: number, name: string, title: string, done: TemplateResult | undefined, form: () => TemplateResult) {
    return html`<li data-step=${name} ?data-done=${done !== undefined}>
      <h3><span class="step-mark" aria-hidden="true">${done ? '✓' : number}</span>${title}</h3>
      ${done ? html`<p class="muted">${done}</p>` : form()}
    </li>`;
  }

  private readonly nameYourself = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    await this.actions.run('welcome-name', 'welcome:name', () => this.live.request('popup_nameYourself', { name: submitted.text('name') }));
  };

  private async close(outcome: 'done' | 'skipped'): Promise<void> {
    await this.actions.run('welcome', 'welcome:close', () => this.live.request('popup_closeWelcome', { outcome }));
  }
}
