/**
 * What the popup and the approval window both do: while the vault is locked, show the
 * unlock form (and how many requests wait behind it), and answer a site's request. One
 * place, so both pages keep the same markup, action keys and error areas.
 */
import { html } from 'lit';
import type { PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from './actions.js';
import { counted } from './format.js';
import type { PopupStateController } from './popup-state.js';
import type { DecideEvent } from './request-card/panda-request-card.js';
import type { UnlockEvent } from './unlock-form/panda-unlock-form.js';
import './unlock-form/panda-unlock-form.js';

export class RequestAnswers {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
  ) {}

  /** The unlock form; errors show in it (area `unlock`). */
  renderLocked(state: PopupState) {
    return html`<panda-unlock-form
        data-locked
        ?busy=${this.actions.isBusy('unlock')}
        .error=${this.actions.errorFor('unlock')}
        @panda-unlock=${this.unlock}
      ></panda-unlock-form>
      <p class="muted" data-pending-count>${counted(state.pending.length, 'request')} waiting</p>`;
  }

  /** Whether the answer to request `id` is on its way. */
  isDeciding(id: number): boolean {
    return this.actions.isBusy(`decide:${id}`);
  }

  /** Listener for `panda-decide`; errors show in area `requests`. */
  readonly decide = async (event: DecideEvent): Promise<void> => {
    const { id, decision, identity } = event.detail;
    await this.actions.run('requests', `decide:${id}`, () =>
      this.live.request('popup_decide', identity === undefined ? { id, decision } : { id, decision, identity }),
    );
  };

  private readonly unlock = async (event: UnlockEvent): Promise<void> => {
    const { passphrase } = event.detail;
    await this.actions.run('unlock', 'unlock', () => this.live.request('popup_unlock', { passphrase }));
  };
}
