/**
 * The festivals in `<panda-popup>`: how many peers, entries and missing entries each has,
 * when it was last active, and leaving it. Outcomes show in the area `festivals`.
 */
import { html } from 'lit';
import type { PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { counted, relativeTime, shortKey } from '../ui/format.js';
import type { PopupStateController } from '../ui/popup-state.js';
import { festivalName } from './popup-parts.js';

export class FestivalsSection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
  ) {}

  render(state: PopupState) {
    const now = Date.now();
    return html`<section aria-labelledby="festivals-heading">
      <h2 id="festivals-heading">Festivals</h2>
      <p class="muted" data-total-peers>Connected to ${counted(state.peers, 'peer')}</p>
      ${
        state.festivals.length === 0
          ? html`<p class="muted">Not taking part in any festival yet.</p>`
          : html`<ul>
              ${state.festivals.map(
                (festival) =>
                  html`<li data-festival=${festival.id}>
                    <strong>${festivalName(festival) ?? html`<span class="key">${shortKey(festival.id)}</span>`}</strong>
                    <p class="muted">
                      ${counted(festival.peers, 'peer')} · ${counted(festival.entries, 'entry', 'entries')} · ${festival.missing} missing ·
                      ${festival.lastActive === null ? 'no activity seen yet' : html`active <span data-last-active>${relativeTime(festival.lastActive, now)}</span>`}
                    </p>
                    <button
                      class="danger"
                      data-leave
                      aria-label=${`Leave ${festivalName(festival) ?? festival.id}`}
                      ?disabled=${this.actions.isBusy(`festival:${festival.id}:leave`)}
                      @click=${() => this.leave(festival.id)}
                    >
                      Leave
                    </button>
                  </li>`,
              )}
            </ul>`
      }
      ${this.actions.feedback('festivals')}
    </section>`;
  }

  private async leave(festivalId: string): Promise<void> {
    await this.actions.run('festivals', `festival:${festivalId}:leave`, () => this.live.request('popup_leaveFestival', { festivalId }));
  }
}
