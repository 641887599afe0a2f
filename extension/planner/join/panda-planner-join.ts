/**
 * `<panda-planner-join>`: the question a join link leads to. The planner opened in a tab of
 * its own (the background saw `#panda-join=` on a page) and asks whether to take part in the
 * festival, naming it when its data is here, the page the link was opened on and the servers
 * its peers meet through. Nothing is joined until the person says so.
 */
import { html, nothing } from 'lit';
import type { JoinLinkOffer } from '../../shared/join-link.js';
import { PlannerTab } from '../lib/planner-tab.js';

export class PandaPlannerJoin extends PlannerTab {
  static override properties = { ...PlannerTab.properties, offer: { attribute: false }, done: { state: true } };

  declare offer: JoinLinkOffer | undefined;
  declare private done: boolean;

  constructor() {
    super();
    this.done = false;
  }

  override render() {
    const offer = this.offer;
    if (!offer) return nothing;
    const known = this.state?.festivals.find((festival) => festival.id === offer.festivalId);
    const name = known?.name;
    if (this.done || known?.joined) {
      return html`<section class="card" data-join-done role="status">
        <h2>You take part in ${name ?? 'the festival'}</h2>
        <p class="muted">${name ? 'Its data keeps arriving from its peers.' : 'Its data arrives as soon as one of its peers is online.'}</p>
        <div class="row"><button @click=${this.dismiss}>Close</button></div>
      </section>`;
    }
    return html`<section class="card" data-join-offer aria-labelledby="join-offer-heading">
      <h2 id="join-offer-heading">Take part in ${name ?? 'a festival Panda Kit does not know yet'}?</h2>
      <p>You opened a join link on <strong>${offer.from ?? 'a page'}</strong>.</p>
      <p class="muted">Taking part keeps a copy of the festival on this device and shares it with its other peers, who meet through:</p>
      ${offer.signaling.length === 0 ? html`<p class="muted">no signaling server (only peers you already know)</p>` : html`<pre>${offer.signaling.join('\n')}</pre>`}
      <div class="row">
        <button class="primary" data-join-accept ?disabled=${this.actions.isBusy('join')} @click=${this.accept}>Take part</button>
        <button data-join-decline @click=${this.dismiss}>Not now</button>
      </div>
      ${this.feedback('join')}
    </section>`;
  }

  private async accept(): Promise<void> {
    const offer = this.offer;
    if (!offer) return;
    const done = await this.run('join', 'join', (live) =>
      live.request('planner_join', { festivalId: offer.festivalId, signaling: offer.signaling, ...(offer.from === undefined ? {} : { site: offer.from }) }),
    );
    if (done) {
      this.done = true;
      this.choose(offer.festivalId);
    }
  }

  private dismiss(): void {
    this.dispatchEvent(new CustomEvent('panda-planner-join-closed', { bubbles: true, composed: true }));
  }
}
