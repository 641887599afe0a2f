/**
 * The identities in `<panda-popup>`: which one is in use, creating another and renaming it.
 * Outcomes show in the area `identity`.
 */
import { html, nothing } from 'lit';
import type { PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { submittedForm } from '../ui/forms.js';
import type { PopupStateController } from '../ui/popup-state.js';
import { identityOptions } from './popup-parts.js';

export class IdentitiesSection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
  ) {}

  render(state: PopupState) {
    const active = state.identities.find((identity) => identity.id === state.activeIdentityId);
    return html`<section aria-label="Identities">
      <label
        >Identity in use
        <select data-active-identity ?disabled=${this.actions.isBusy('identity:active')} @change=${this.setActive}>
          ${identityOptions(state.identities, state.activeIdentityId)}
        </select>
      </label>
      <details>
        <summary>New identity, rename</summary>
        <form data-create-identity @submit=${this.create}>
          <label>Name of a new identity <input name="name" required maxlength="64" autocomplete="off" /></label>
          <button type="submit" ?disabled=${this.actions.isBusy('identity:create')}>Create identity</button>
        </form>
        ${
          active
            ? html`<form data-rename-identity @submit=${this.rename}>
                <label>New name for ${active.name} <input name="name" required maxlength="64" autocomplete="off" .value=${active.name} /></label>
                <button type="submit" ?disabled=${this.actions.isBusy('identity:rename')}>Rename</button>
              </form>`
            : nothing
        }
      </details>
      ${this.actions.feedback('identity')}
    </section>`;
  }

  private readonly setActive = async (event: Event): Promise<void> => {
    const select = event.target as HTMLSelectElement;
    const done = await this.actions.run('identity', 'identity:active', () => this.live.request('popup_setActiveIdentity', { identityId: select.value }));
    // Lit keeps the option it selected; after a failure the select must show the identity still in use.
    if (done === undefined) select.value = this.live.state?.activeIdentityId ?? '';
  };

  private readonly create = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    const created = await this.actions.run('identity', 'identity:create', () => this.live.request('popup_createIdentity', { name: submitted.text('name') }));
    if (created === undefined) return;
    submitted.form.reset();
    this.actions.note('identity', `Created ${created.name}.`);
  };

  private readonly rename = async (event: SubmitEvent): Promise<void> => {
    const submitted = submittedForm(event);
    const identityId = this.live.state?.activeIdentityId;
    if (!identityId) return;
    const renamed = await this.actions.run('identity', 'identity:rename', () =>
      this.live.request('popup_renameIdentity', { identityId, name: submitted.text('name') }),
    );
    if (renamed !== undefined) this.actions.note('identity', `Renamed to ${renamed.name}.`);
  };
}
