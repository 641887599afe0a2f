/**
 * What the popup says before anything else, when it has something to say: that festival
 * data went missing (and is being fetched again from peers), and, until the person saved a
 * backup, that they should (and may set a passphrase) — unless the welcome asks it already.
 */
import { html, nothing } from 'lit';
import type { PopupState } from '../shared/popup-protocol.js';
import { counted, relativeTime } from '../ui/format.js';

export function renderNotices(state: PopupState, dismissDataLoss: () => void) {
  const loss = state.dataLoss;
  return html`${
    loss
      ? html`<section class="notice" role="alert" data-data-loss>
          <h2>Festival data went missing</h2>
          <p>
            This browser held ${counted(loss.hadDocuments, 'festival document')}; when Panda Kit started (${relativeTime(loss.noticedAt)}) it found
            ${loss.foundDocuments}. The browser may have reset a damaged database. Your identities and keys are not affected. Panda Kit is fetching the
            festivals again from other peers; what only this browser held cannot come back.
          </p>
          <button data-dismiss-data-loss @click=${dismissDataLoss}>I understand</button>
        </section>`
      : nothing
  }
  ${
    state.backedUp || state.welcome
      ? nothing
      : html`<section class="notice" data-first-start>
          <h2>Save a backup of your identities</h2>
          <p>
            If this browser loses its data, a backup file is the only way to get your identities back. Save one under Security → Back up your
            identities${state.hasPassphrase ? '' : ', and, if you like, set a passphrase there to encrypt your keys'}.
          </p>
        </section>`
  }`;
}
