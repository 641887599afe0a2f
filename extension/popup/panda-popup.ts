/**
 * `<panda-popup>`: the toolbar popup. The identity in use and the others, the questions sites
 * are waiting on, requests for the person's resources, their own events, connected sites,
 * festivals, the person's other devices, and the vault's passphrase and backups; while
 * locked, only the unlock form. On the first start the welcome comes first, with only the
 * requests beside it. Everything comes from
 * `popup_state` through `client` (popup.ts sets the background's; tests a fake). Each section
 * is its own module beside this one; the element holds the state they share.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { PopupClient, PopupState } from '../shared/popup-protocol.js';
import { ActionController } from '../ui/actions.js';
import { backupFileName, shortKey } from '../ui/format.js';
import { identicon } from '../ui/identicon.js';
import { PopupStateController } from '../ui/popup-state.js';
import { RequestAnswers } from '../ui/request-answers.js';
import { sharedStyles } from '../ui/shared.styles.js';
import { DevicesSection } from './devices-section.js';
import { FestivalFilesSection } from './festival-files-section.js';
import { FestivalsSection } from './festivals-section.js';
import { IdentitiesSection } from './identities-section.js';
import { renderMyEvents } from './my-events-section.js';
import { renderNotices } from './notices.js';
import { popupStyles } from './popup.styles.js';
import { RequestsSection } from './requests-section.js';
import { SecuritySection } from './security-section.js';
import { SitesSection } from './sites-section.js';
import { WelcomeSection } from './welcome-section.js';

export class PandaPopup extends LitElement {
  static override properties = {
    client: { attribute: false },
    openPlanner: { attribute: false },
    backupDownload: { state: true },
  };
  static override styles = [sharedStyles, popupStyles];

  declare client: PopupClient | undefined;
  /** Opens the planner page (popup.ts: a new tab); without it the popup offers no button. */
  declare openPlanner: (() => void) | undefined;
  /** The last exported backup, offered as a link (and clicked once). */
  declare backupDownload: { url: string; fileName: string } | undefined;

  private readonly live = new PopupStateController(this);
  private readonly actions = new ActionController(this);
  private readonly answers = new RequestAnswers(this.actions, this.live);
  private readonly identities = new IdentitiesSection(this.actions, this.live);
  private readonly requests = new RequestsSection(this.actions, this.live, this.answers);
  private readonly sites = new SitesSection(this.actions, this.live);
  private readonly festivalFiles = new FestivalFilesSection(this, this.actions, this.live);
  private readonly festivals = new FestivalsSection(this.actions, this.live, this.festivalFiles);
  private readonly devices = new DevicesSection(this.actions, this.live);
  private readonly security = new SecuritySection(this.actions, this.live, {
    current: () => this.backupDownload,
    offer: (text) => this.offerBackup(text),
  });
  private readonly welcome = new WelcomeSection(this.actions, this.live, this.security, this.devices);

  constructor() {
    super();
    this.client = undefined;
    this.openPlanner = undefined;
    this.backupDownload = undefined;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) this.live.use(this.client);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.backupDownload) URL.revokeObjectURL(this.backupDownload.url);
    this.backupDownload = undefined;
    this.festivalFiles.release();
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
        ${this.openPlanner && state && !state.locked ? html`<button class="primary planner" data-open-planner @click=${() => this.openPlanner?.()}>Planner</button>` : nothing}
      </header>
      ${this.live.error ? html`<p role="alert">${this.live.error}</p>` : nothing}
      ${state === undefined ? (this.live.error ? nothing : html`<p class="muted">Loading…</p>`) : state.locked ? this.answers.renderLocked(state) : this.renderUnlocked(state)}`;
  }

  private renderUnlocked(state: PopupState) {
    const notices = renderNotices(state, () => void this.actions.run('notices', 'dismiss-data-loss', () => this.live.request('popup_dismissDataLoss')));
    // A site may ask during the welcome: its question shows below, nothing else does yet.
    if (state.welcome)
      return html`${notices} ${this.welcome.render(state)} ${state.pending.length > 0 ? this.requests.renderPending(state) : nothing}
      ${this.requests.renderOwnerRequests(state)}`;
    return html`${notices} ${this.identities.render(state)} ${this.requests.renderPending(state)} ${this.requests.renderOwnerRequests(state)}
    ${renderMyEvents(state)} ${this.sites.render(state)} ${this.festivals.render(state)} ${this.devices.render(state)} ${this.security.render(state)}`;
  }

  /** Offers an exported backup as a link (the previous one's URL released) and clicks it once. */
  private async offerBackup(text: string): Promise<void> {
    if (this.backupDownload) URL.revokeObjectURL(this.backupDownload.url);
    this.backupDownload = { url: URL.createObjectURL(new Blob([text], { type: 'application/json' })), fileName: backupFileName() };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLAnchorElement>('a[data-backup-download]')?.click();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'panda-popup': PandaPopup;
  }
}
