/**
 * `<panda-unlock-form>`: the passphrase that unlocks the vault. It reports the passphrase
 * (`panda-unlock`); the page asks the background and sets `busy` and `error`.
 */
import { html, LitElement, nothing } from 'lit';
import { submittedForm } from '../forms.js';
import { sharedStyles } from '../shared.styles.js';
import { unlockFormStyles } from './unlock-form.styles.js';

export type UnlockEvent = CustomEvent<{ passphrase: string }>;

export class PandaUnlockForm extends LitElement {
  static override properties = {
    busy: { type: Boolean },
    error: { attribute: false },
  };
  static override styles = [sharedStyles, unlockFormStyles];

  declare busy: boolean;
  /** Why the last attempt failed, in words. */
  declare error: string | undefined;

  constructor() {
    super();
    this.busy = false;
    this.error = undefined;
  }

  private submit(event: SubmitEvent): void {
    const passphrase = submittedForm(event).text('passphrase');
    this.dispatchEvent(new CustomEvent('panda-unlock', { detail: { passphrase }, bubbles: true, composed: true }));
  }

  override render() {
    return html`<form @submit=${this.submit}>
      <p>Panda Kit is locked.</p>
      <label>Passphrase <input type="password" name="passphrase" autocomplete="current-password" required autofocus /></label>
      ${this.error ? html`<p role="alert">${this.error}</p>` : nothing}
      <button class="primary" type="submit" ?disabled=${this.busy}>Unlock</button>
    </form>`;
  }
}

customElements.define('panda-unlock-form', PandaUnlockForm);

declare global {
  interface HTMLElementTagNameMap {
    'panda-unlock-form': PandaUnlockForm;
  }
  interface HTMLElementEventMap {
    'panda-unlock': UnlockEvent;
  }
}
