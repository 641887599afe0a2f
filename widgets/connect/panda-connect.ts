/**
 * `<panda-connect>`: the visitor's connection to the Panda Kit extension.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { errorMessage, translator } from '../lib/i18n.js';
import { httpUrl } from '../lib/schedule-data.js';
import type { PandaProvider } from '../lib/source.js';
import { connectedKey, connectProvider, errorCode, findProvider, profileName } from '../lib/sources.js';
import { baseStyles } from '../shared/base.styles.js';
import { emit, langOf, shortKey } from '../shared/dom.js';
import { connectStyles } from './connect.styles.js';

type ConnectState = 'finding' | 'absent' | 'ready' | 'connecting' | 'connected';

/** Two letters and a hue from a public key: the same person looks the same everywhere. */
export function keyBadge(publicKey: string): { initials: string; hue: number } {
  const hex = /^[0-9a-f]{4,}$/i.test(publicKey) ? publicKey : '0000';
  return { initials: hex.slice(0, 2).toUpperCase(), hue: Math.round((parseInt(hex.slice(-4), 16) / 0x10000) * 360) };
}

/**
 * @tag panda-connect
 * @summary Connects the page to the Panda Kit extension, and shows who the visitor is here.
 *
 * Without the extension it says so and links to `help-url`; with it, a Connect button asks
 * the extension (the person approves in its popup); once connected, the person's profile
 * name (the short public key this site sees where they have no profile) and a coloured badge. Every widget on the page hears of the connection (the
 * event reaches the document) and switches to the extension's live, writable data.
 *
 * @attr {string} lang - Language of the interface (en or de): this attribute, else the nearest ancestor's `lang`, else the browser's.
 *
 * @fires panda-connect - The site is connected (or the identity changed). `detail: { publicKey }`.
 * @fires panda-disconnect - The extension disconnected the site. `detail: {}`.
 *
 * @csspart button - The Connect button.
 * @csspart identity - The connected identity (badge and key).
 * @csspart badge - The coloured initials of the public key.
 * @csspart message - Notices: not installed, declined, errors.
 *
 * @cssprop --panda-color-accent - The button's colour.
 * @cssprop --panda-color-on-accent - Text on the button.
 * @cssprop --panda-color-text - Text colour.
 * @cssprop --panda-color-muted - Secondary text.
 */
export class PandaConnect extends LitElement {
  static override properties = {
    lang: { reflect: true },
    helpUrl: { attribute: 'help-url' },
    provider: { attribute: false },
    state: { state: true, attribute: false },
    publicKey: { attribute: false },
    name: { state: true, attribute: false },
    message: { state: true, attribute: false },
  };
  static override styles = [baseStyles, connectStyles];

  /** Where to learn about and install the extension (http(s)). */
  declare helpUrl: string | undefined;
  /** The provider to use instead of looking for one (null: there is none). */
  declare provider: PandaProvider | null | undefined;
  /** The public key this site sees, once connected (read-only). */
  declare publicKey: string | undefined;
  /** The profile name behind `publicKey`, where there is one. */
  declare private name: string | undefined;
  declare private state: ConnectState;
  declare private message: { text: string; alert: boolean } | undefined;

  #found: PandaProvider | undefined;
  #generation = 0;

  constructor() {
    super();
    this.state = 'finding';
  }

  readonly #accountsChanged = (data: unknown) => {
    const key = Array.isArray(data) && typeof data[0] === 'string' ? data[0] : undefined;
    if (key === this.publicKey) return;
    if (key) this.#connected(key);
    else this.#lost();
  };
  readonly #disconnected = () => this.#lost();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#find();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#generation++;
    this.#listen(undefined);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('provider') && this.hasUpdated) void this.#find();
  }

  #listen(provider: PandaProvider | undefined): void {
    this.#found?.removeListener('accountsChanged', this.#accountsChanged);
    this.#found?.removeListener('disconnect', this.#disconnected);
    this.#found = provider;
    provider?.on('accountsChanged', this.#accountsChanged);
    provider?.on('disconnect', this.#disconnected);
  }

  async #find(): Promise<void> {
    const generation = ++this.#generation;
    this.state = 'finding';
    const provider = this.provider === undefined ? await findProvider(window) : (this.provider ?? undefined);
    if (generation !== this.#generation) return;
    this.#listen(provider);
    if (!provider) {
      this.state = 'absent';
      return;
    }
    const key = await connectedKey(provider);
    if (generation !== this.#generation) return;
    this.publicKey = key;
    this.state = key ? 'connected' : 'ready';
    if (key) void this.#nameOf(key);
  }

  /** Looks up the profile name of `key` (shown instead of the short key once known). */
  async #nameOf(key: string): Promise<void> {
    this.name = undefined;
    const provider = this.#found;
    const name = provider ? await profileName(provider, key) : undefined;
    if (key === this.publicKey) this.name = name;
  }

  #connected(publicKey: string): void {
    this.publicKey = publicKey;
    this.state = 'connected';
    this.message = undefined;
    void this.#nameOf(publicKey);
    emit(this, 'panda-connect', { publicKey });
  }

  #lost(): void {
    if (this.state !== 'connected') return;
    this.publicKey = undefined;
    this.state = 'ready';
    emit(this, 'panda-disconnect', {});
  }

  async #connect(): Promise<void> {
    const provider = this.#found;
    if (!provider || this.state === 'connecting') return;
    this.state = 'connecting';
    this.message = undefined;
    try {
      const key = await connectProvider(provider);
      if (key !== this.publicKey) this.#connected(key);
      else this.state = 'connected';
    } catch (error) {
      this.state = 'ready';
      const { lang } = langOf(this);
      this.message = { text: errorMessage(lang, error), alert: errorCode(error) !== 4001 };
    }
  }

  override render() {
    const t = translator(langOf(this).lang);
    const help = httpUrl(this.helpUrl);
    const message = this.message
      ? html`<p part="message" class=${this.message.alert ? 'error' : 'muted'} role=${this.message.alert ? 'alert' : 'status'}>${this.message.text}</p>`
      : nothing;
    switch (this.state) {
      case 'finding':
        return nothing;
      case 'absent':
        return html`<p part="message" class="absent" data-absent>
          ${t('connect.noExtension')} ${help ? html`<a href=${help} target="_blank" rel="noopener">${t('connect.install')}</a>` : nothing}
        </p>`;
      case 'connected': {
        const key = this.publicKey ?? '';
        const badge = keyBadge(key);
        return html`<div part="identity" class="identity" role="group" aria-label=${t('connect.label')} data-connected>
          <span part="badge" class="badge" aria-hidden="true" style=${styleMap({ '--hue': String(badge.hue) })}>${badge.initials}</span>
          <span title=${key} data-name=${this.name ? 'profile' : 'key'}>${t('connect.connected', { name: this.name ?? shortKey(key) })}</span>
        </div>`;
      }
      default:
        return html`<button part="button" class="primary" type="button" ?disabled=${this.state === 'connecting'} @click=${() => this.#connect()}>
            ${this.state === 'connecting' ? t('connect.connecting') : t('connect.button')}
          </button>
          ${message}`;
    }
  }
}
