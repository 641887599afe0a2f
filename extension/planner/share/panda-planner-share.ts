/**
 * `<panda-planner-share>`: everything an organiser hands out for the chosen festival — the
 * snippet for their website (with a live preview of what it shows), the Content Security
 * Policy lines that page needs, and the join link for other people's extensions.
 */
import { html, nothing } from 'lit';
import { joinLink } from '../../shared/join-link.js';
import { cspLines, DEFAULT_BUNDLE_URL, websiteSnippet } from '../lib/snippet.js';
import { PlannerTab } from '../lib/planner-tab.js';

const isWebUrl = (value: string) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);

export class PandaPlannerShare extends PlannerTab {
  static override properties = { ...PlannerTab.properties, bundleUrl: { state: true }, pageUrl: { state: true } };

  declare private bundleUrl: string;
  /** The organiser's page the join link opens ('' until typed: the festival's website by default). */
  declare private pageUrl: string;

  constructor() {
    super();
    this.bundleUrl = DEFAULT_BUNDLE_URL;
    this.pageUrl = '';
  }

  override render() {
    const festival = this.festival;
    if (!festival) return html`<section class="card"><p class="muted">Choose a festival first.</p></section>`;
    const input = {
      festivalId: festival.id,
      festivalName: festival.name ?? 'a festival',
      signaling: festival.signaling,
      resources: festival.resources,
      bundleUrl: this.bundleUrl,
    };
    const snippet = websiteSnippet(input);
    const csp = cspLines(input).join(';\n');
    const page = this.pageUrl || festival.url || '';
    const link = isWebUrl(page) ? joinLink(page, { festivalId: festival.id, signaling: festival.signaling }) : '';
    return html`<section class="card" aria-labelledby="snippet-heading">
        <h2 id="snippet-heading">Put ${festival.name ?? 'the festival'} on your website</h2>
        <p class="muted">
          Copy <code>panda-widgets.js</code> and its <code>chunks/</code> folder (from Panda Kit’s <code>dist/widgets/</code>) to your site, then paste this
          where the programme should appear.
        </p>
        <label
          >Address of panda-widgets.js on your site
          <input
            name="bundle"
            data-bundle-url
            .value=${this.bundleUrl}
            @input=${(event: Event) => (this.bundleUrl = (event.target as HTMLInputElement).value)}
          />
        </label>
        <textarea
          class="code"
          readonly
          rows=${Math.min(16, snippet.split('\n').length + 1)}
          data-snippet
          aria-label="Website snippet"
          .value=${snippet}
        ></textarea>
        <div class="row">
          <button class="primary" data-copy="snippet" @click=${() => this.copy('snippet', snippet)}>Copy snippet</button>
          ${this.feedback('copy:snippet')}
        </div>
        ${
          festival.signaling.length === 0
            ? html`<p role="alert">This festival has no signaling server: visitors without the extension will not find its peers. Add one under Festivals.</p>`
            : nothing
        }
        <h3>Content Security Policy</h3>
        <p class="muted">If your page sends a Content-Security-Policy header, it needs these sources (add them to the directives you have):</p>
        <pre data-csp>${csp}</pre>
        <div class="row">
          <button data-copy="csp" @click=${() => this.copy('csp', csp)}>Copy CSP lines</button>
          ${this.feedback('copy:csp')}
        </div>
      </section>
      <section class="card" aria-labelledby="join-heading">
        <h2 id="join-heading">Join link</h2>
        <p class="muted">
          Send this link to people who should take part. With Panda Kit, opening it asks them whether to join ${festival.name ?? 'the festival'}; without it,
          your page shows the festival read-only.
        </p>
        <label
          >Your festival page (where the snippet is)
          <input
            name="page"
            type="url"
            data-page-url
            placeholder="https://…"
            .value=${page}
            @input=${(event: Event) => (this.pageUrl = (event.target as HTMLInputElement).value)}
          />
        </label>
        ${
          link
            ? html`<pre data-join-link>${link}</pre>
                <div class="row">
                  <button class="primary" data-copy="join" @click=${() => this.copy('join', link)}>Copy join link</button>
                  ${this.feedback('copy:join')}
                </div>`
            : html`<p class="muted">Type your page’s http:// or https:// address to get the link.</p>`
        }
      </section>
      <section class="card" aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        <p class="muted">What the snippet shows, live (here with your extension; visitors see it read-only).</p>
        <div class="preview" data-preview>
          <panda-schedule festival=${festival.id} .provider=${this.provider}></panda-schedule>
          ${festival.resources.map((resource) => html`<panda-resource resource=${resource.id} festival=${festival.id} .provider=${this.provider}></panda-resource>`)}
        </div>
      </section>`;
  }

  private async copy(what: string, text: string): Promise<void> {
    const done = await this.actions.run(`copy:${what}`, `copy:${what}`, () => navigator.clipboard.writeText(text).then(() => true));
    if (done) this.actions.note(`copy:${what}`, 'Copied.');
  }
}
