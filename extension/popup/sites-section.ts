/**
 * The sites in `<panda-popup>`: each site allowed anything, whether it is connected, what it
 * may always do, the identity it sees and the festivals it sees (sharing one more), and
 * revoking it. Outcomes show in the area `sites`.
 */
import { html, nothing } from 'lit';
import type { PopupState, SiteView } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { kindPhrase, shortKey } from '../ui/format.js';
import type { PopupStateController } from '../ui/popup-state.js';
import { festivalName, identityOptions } from './popup-parts.js';

export class SitesSection {
  constructor(
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
  ) {}

  render(state: PopupState) {
    return html`<section aria-labelledby="sites-heading">
      <h2 id="sites-heading">Sites</h2>
      ${
        state.sites.length === 0
          ? html`<p class="muted">No site has been allowed anything yet.</p>`
          : html`<ul>
              ${state.sites.map(
                (site) =>
                  html`<li data-site=${site.origin}>
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
                          ${identityOptions(state.identities, site.identityId)}
                        </select>
                      </label>
                      <button
                        class="danger"
                        data-revoke
                        aria-label=${`Revoke ${site.origin}`}
                        ?disabled=${this.actions.isBusy(`site:${site.origin}:revoke`)}
                        @click=${() => this.revoke(site)}
                      >
                        Revoke
                      </button>
                    </div>
                    ${this.renderFestivals(state, site)}
                  </li>`,
              )}
            </ul>`
      }
      ${this.actions.feedback('sites')}
    </section>`;
  }

  /** The festivals a site sees, and sharing one more with it. */
  private renderFestivals(state: PopupState, site: SiteView) {
    const name = (id: string) => festivalName(state.festivals.find((festival) => festival.id === id)) ?? shortKey(id);
    const shareable = state.festivals.filter((festival) => !site.festivals.includes(festival.id));
    return html`<p class="muted" data-site-festivals>Sees ${site.festivals.length === 0 ? 'no festival' : site.festivals.map(name).join(', ')}</p>
      ${
        site.connected && shareable.length > 0
          ? html`<label
              >Share a festival with this site
              <select data-share-festival ?disabled=${this.actions.isBusy(`site:${site.origin}:share`)} @change=${(event: Event) => this.share(site, event)}>
                <option value="">Choose…</option>
                ${shareable.map((festival) => html`<option value=${festival.id}>${festivalName(festival) ?? shortKey(festival.id)}</option>`)}
              </select>
            </label>`
          : nothing
      }`;
  }

  private async setIdentityFor(site: SiteView, event: Event): Promise<void> {
    const select = event.target as HTMLSelectElement;
    const done = await this.actions.run('sites', `site:${site.origin}:identity`, () =>
      this.live.request('popup_setIdentityFor', { origin: site.origin, identityId: select.value }),
    );
    if (done === undefined) select.value = site.identityId;
  }

  private async share(site: SiteView, event: Event): Promise<void> {
    const select = event.target as HTMLSelectElement;
    const festivalId = select.value;
    if (festivalId === '') return;
    await this.actions.run('sites', `site:${site.origin}:share`, () => this.live.request('popup_shareFestival', { origin: site.origin, festivalId }));
    select.value = '';
  }

  private async revoke(site: SiteView): Promise<void> {
    await this.actions.run('sites', `site:${site.origin}:revoke`, () => this.live.request('popup_revoke', { origin: site.origin }));
  }
}
