/**
 * The festivals in `<panda-popup>`: who made each (by profile name), how it replicates in
 * words (health-words.ts; the figures in a tooltip), when it was last active, saving it as a
 * festival file and leaving it; and opening a festival file (festival-files-section.ts).
 * Outcomes show in the area `festivals`.
 */
import { html, nothing } from 'lit';
import type { PopupState } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { counted, relativeTime, shortKey } from '../ui/format.js';
import { healthWords, onlineWords } from './health-words.js';
import type { FestivalFilesSection } from './festival-files-section.js';
import { festivalName, personName } from './popup-parts.js';
import type { PopupStateController } from '../ui/popup-state.js';

export class FestivalsSection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
    private readonly files: FestivalFilesSection,
  ) {}

  render(state: PopupState) {
    const now = Date.now();
    return html`<section aria-labelledby="festivals-heading">
      <h2 id="festivals-heading">Festivals</h2>
      <p class="muted" data-total-peers>${onlineWords(state.peers)}</p>
      ${
        state.festivals.length === 0
          ? html`<p class="muted">Not taking part in any festival yet.</p>`
          : html`<ul>
              ${state.festivals.map(
                (festival) =>
                  html`<li data-festival=${festival.id}>
                    <strong>${festivalName(festival) ?? html`<span class="key">${shortKey(festival.id)}</span>`}</strong>
                    ${festival.owner ? html`<p class="muted" data-festival-owner>by ${personName(state.names, festival.owner)}</p>` : nothing}
                    <p data-health title=${`${counted(festival.entries, 'entry', 'entries')} held here, ${festival.missing} missing`}>
                      ${healthWords(festival)}
                    </p>
                    <p class="muted">
                      ${festival.lastActive === null ? 'No activity seen yet' : html`Active <span data-last-active>${relativeTime(festival.lastActive, now)}</span>`}
                    </p>
                    <div class="row">
                      ${this.files.renderSave(festival)}
                      <button
                        class="danger"
                        data-leave
                        aria-label=${`Leave ${festivalName(festival) ?? festival.id}`}
                        ?disabled=${this.actions.isBusy(`festival:${festival.id}:leave`)}
                        @click=${() => this.leave(festival.id)}
                      >
                        Leave
                      </button>
                    </div>
                  </li>`,
              )}
            </ul>`
      }
      ${this.actions.feedback('festivals')} ${this.files.renderOpen()}
    </section>`;
  }

  private async leave(festivalId: string): Promise<void> {
    await this.actions.run('festivals', `festival:${festivalId}:leave`, () => this.live.request('popup_leaveFestival', { festivalId }));
  }
}
