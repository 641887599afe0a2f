/**
 * `<panda-planner>`: the planner page. The identity that signs, the festival being planned,
 * tabs for festivals, resources, events, requests, the profile and sharing, and — when the
 * page was opened for a join link — the question whether to take part. Everything comes
 * from `planner_state` through `client` (planner.ts sets the background's; tests a fake); the
 * widgets embedded in the tabs publish through `provider`, an adapter over the same client.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { PandaProvider } from '../../../widgets/lib/source.js';
import { PLANNER_JOIN_KEY, readJoinFragment, type JoinLinkOffer } from '../../shared/join-link.js';
import type { PlannerClient, PlannerState } from '../../shared/planner-protocol.js';
import { shortKey } from '../../ui/format.js';
import { identicon } from '../../ui/identicon.js';
import { sharedStyles } from '../../ui/shared.styles.js';
import '../../ui/unlock-form/panda-unlock-form.js';
import { plannerProvider } from '../lib/planner-provider.js';
import { PlannerStateController } from '../lib/planner-state.js';
import { shellStyles } from './planner-shell.styles.js';

export const TABS = [
  { id: 'festivals', label: 'Festivals' },
  { id: 'resources', label: 'Resources' },
  { id: 'events', label: 'Events' },
  { id: 'requests', label: 'Requests' },
  { id: 'profile', label: 'Profile' },
  { id: 'share', label: 'Share' },
] as const;

export type TabId = (typeof TABS)[number]['id'];

const isTab = (value: string): value is TabId => TABS.some((tab) => tab.id === value);

export class PandaPlanner extends LitElement {
  static override properties = {
    client: { attribute: false },
    tab: { reflect: true },
    festivalId: { attribute: 'festival-id' },
    joinOffer: { attribute: false },
  };
  static override styles = [sharedStyles, shellStyles];

  declare client: PlannerClient | undefined;
  /** The tab on screen. */
  declare tab: TabId;
  /** The festival the festival-bound tabs show ('' : the first one). */
  declare festivalId: string;
  /** The join link this page was opened for, if any (planner.ts reads it from the fragment). */
  declare joinOffer: JoinLinkOffer | undefined;

  private readonly live = new PlannerStateController(this);
  private provider: PandaProvider | undefined;

  constructor() {
    super();
    this.client = undefined;
    this.tab = 'festivals';
    this.festivalId = '';
    this.joinOffer = undefined;
    this.addEventListener('panda-planner-choose', (event) => {
      const { festivalId, tab } = (event as CustomEvent<{ festivalId: string; tab?: string }>).detail;
      this.festivalId = festivalId;
      if (tab && isTab(tab)) this.tab = tab;
    });
    this.addEventListener('panda-planner-join-closed', () => (this.joinOffer = undefined));
  }

  /** Reads a join offer from a planner URL's fragment (`#join=…&signaling=…&from=…`). */
  static offerFrom(hash: string): JoinLinkOffer | undefined {
    return readJoinFragment(hash, PLANNER_JOIN_KEY);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('client')) {
      this.live.use(this.client);
      this.provider = this.client ? plannerProvider(this.client) : undefined;
    }
    const festivals = this.live.state?.festivals ?? [];
    if (festivals.length > 0 && !festivals.some((festival) => festival.id === this.festivalId)) this.festivalId = festivals[0]!.id;
  }

  override render() {
    const state = this.live.state;
    return html`${this.renderHeader(state)} ${state && !state.locked ? this.renderNav(state) : nothing}
      <main>
        ${this.live.error ? html`<p role="alert">${this.live.error}</p>` : nothing}
        ${state === undefined ? (this.live.error ? nothing : html`<p class="muted">Loading…</p>`) : state.locked ? this.renderLocked() : this.renderTab(state)}
      </main>`;
  }

  private renderHeader(state: PlannerState | undefined) {
    const me = state?.me;
    const festivals = state?.festivals ?? [];
    return html`<header>
      <h1>Panda Kit planner</h1>
      ${
        me
          ? html`<span class="who" data-me
              >${identicon(me.publicKey, 24)}<strong>${state?.profile?.name ?? me.name}</strong
              ><span class="key" title=${me.publicKey}>${shortKey(me.publicKey)}</span></span
            >`
          : nothing
      }
      ${
        festivals.length > 0
          ? html`<label class="festival-choice"
              >Festival
              <select data-festival-choice @change=${(event: Event) => (this.festivalId = (event.target as HTMLSelectElement).value)}>
                ${festivals.map((festival) => html`<option value=${festival.id} ?selected=${festival.id === this.festivalId}>${festival.parent ? '↳ ' : ''}${festival.name ?? shortKey(festival.id)}</option>`)}
              </select>
            </label>`
          : nothing
      }
    </header>`;
  }

  private renderNav(state: PlannerState) {
    return html`<nav role="tablist" aria-label="Planner">
      ${TABS.map(
        (tab) =>
          html`<button role="tab" data-tab=${tab.id} aria-selected=${this.tab === tab.id ? 'true' : 'false'} @click=${() => (this.tab = tab.id)}>
            ${tab.label}${tab.id === 'requests' && state.pending.length > 0 ? html`<span class="count" aria-label=${`${state.pending.length} waiting`}>${state.pending.length}</span>` : nothing}
          </button>`,
      )}
    </nav>`;
  }

  private renderLocked() {
    return html`<div class="locked">
      <p>Panda Kit is locked. Unlock it to plan.</p>
      <panda-unlock-form @panda-unlock=${this.unlock}></panda-unlock-form>
    </div>`;
  }

  private async unlock(event: CustomEvent<{ passphrase: string }>): Promise<void> {
    await this.live.request('popup_unlock', { passphrase: event.detail.passphrase }).catch(() => undefined);
  }

  private renderTab(state: PlannerState) {
    const festival = state.festivals.find((item) => item.id === this.festivalId);
    const [live, provider] = [this.live, this.provider];
    const join = this.joinOffer
      ? html`<panda-planner-join .offer=${this.joinOffer} .state=${state} .live=${live} .provider=${provider} .festival=${festival}></panda-planner-join>`
      : nothing;
    // One element per tab, each given the same four properties.
    const tabs: Record<TabId, () => unknown> = {
      festivals: () => html`<panda-planner-festivals .state=${state} .live=${live} .provider=${provider} .festival=${festival}></panda-planner-festivals>`,
      resources: () => html`<panda-planner-resources .state=${state} .live=${live} .provider=${provider} .festival=${festival}></panda-planner-resources>`,
      events: () => html`<panda-planner-events .state=${state} .live=${live} .provider=${provider} .festival=${festival}></panda-planner-events>`,
      requests: () => html`<panda-planner-requests .state=${state} .live=${live} .provider=${provider} .festival=${festival}></panda-planner-requests>`,
      profile: () => html`<panda-planner-profile .state=${state} .live=${live} .provider=${provider} .festival=${festival}></panda-planner-profile>`,
      share: () => html`<panda-planner-share .state=${state} .live=${live} .provider=${provider} .festival=${festival}></panda-planner-share>`,
    };
    return html`${join}${tabs[this.tab]()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'panda-planner': PandaPlanner;
  }
}
