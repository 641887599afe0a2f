/**
 * `<panda-planner-qr-show>`: a festival file (usually only what another device misses) as
 * a series of QR codes (core/replication/qr.ts) that goes round on its own, for another
 * device's camera to read with "Scan QR codes" (./qr-scan.ts). Each code is labelled "Part 3
 * of 12"; the pace can be changed, paused and stepped by hand (when the other device still
 * misses part 3, say). A chunk of its own: the QR encoder is loaded only when codes are shown.
 *
 * The codes are always dark on white with their quiet zone, in dark mode too: that is what
 * cameras read. Someone whose system asks for less motion starts at one code a second.
 */
import { css, html, LitElement, type PropertyValues } from 'lit';
import { bundleToQrTexts, qrSvg } from '../../../core/replication/qr.js';
import { sharedStyles } from '../../ui/shared.styles.js';
import { plannerStyles } from '../lib/planner.styles.js';

/**
 * Characters per code: 400 make a version 15 code (77 modules a side), where core's default
 * of 800 makes a version 23 one (109). Phones' own readers take either; jsQR, the reader
 * where the browser has none (Firefox, Chromium on Linux: ./qr-decoder.ts), read nine frames
 * in ten of the smaller ones off a 640 x 480 camera picture and one in two of the larger, in
 * our measurement. Twice the codes, about as fast a transfer, far fewer rounds missed.
 */
export const SHOWN_QR_CHARS = 400;

/**
 * More codes than this are not offered: at three a second one round of 60 takes 20 s, and a
 * camera that misses a few needs more than one round; a file carries more with less patience.
 */
export const MAX_SHOWN_QR_PARTS = 60;

/** The codes shown for a festival file. */
export const shownQrTexts = (bytes: Uint8Array) => bundleToQrTexts(bytes, { maxChars: SHOWN_QR_CHARS });

/** How long each code stays, in ms, and how that reads. */
const PACES = [
  { ms: 250, words: '4 a second' },
  { ms: 333, words: '3 a second' },
  { ms: 500, words: '2 a second' },
  { ms: 1000, words: '1 a second' },
] as const;
const DEFAULT_PACE = 333;
const CALM_PACE = 1000;

const svgUrl = (text: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg(text))}`;

export class PandaPlannerQrShow extends LitElement {
  static override properties = {
    texts: { attribute: false },
    heading: { attribute: false },
    shown: { state: true },
    pace: { state: true },
    paused: { state: true },
  };

  static override styles = [
    sharedStyles,
    plannerStyles,
    css`
      figure {
        display: grid;
        justify-items: center;
        gap: 0.4rem;
        margin: 0;
      }
      img {
        display: block;
        width: min(100%, 34rem);
        height: auto;
        aspect-ratio: 1;
        background: #fff;
        border-radius: 6px;
      }
      figcaption {
        font-size: 1.15rem;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** The part texts, in order (bundleToQrTexts). */
  declare texts: string[];
  /** "Lakeside: what they miss". */
  declare heading: string;
  declare private shown: number;
  declare private pace: number;
  declare private paused: boolean;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** Each code's image, drawn once: a round shows every one many times. */
  private images: string[] = [];

  constructor() {
    super();
    this.texts = [];
    this.heading = '';
    this.shown = 0;
    this.paused = false;
    this.pace = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches ? CALM_PACE : DEFAULT_PACE;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.restart();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('texts')) {
      this.images = this.texts.map(svgUrl);
      this.shown = 0;
    }
    if (changed.has('texts') || changed.has('pace') || changed.has('paused')) this.restart();
  }

  /** The timer for the current pace, or none while paused (or with one code only). */
  private restart(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.isConnected || this.paused || this.texts.length < 2) return;
    this.timer = setInterval(() => (this.shown = (this.shown + 1) % this.texts.length), this.pace);
  }

  override render() {
    const count = this.texts.length;
    if (count === 0) return html``;
    const label = `Part ${this.shown + 1} of ${count}`;
    const round = Math.ceil((count * this.pace) / 1000);
    return html`<div class="card" data-qr-show>
      <div class="spread">
        <h3>${this.heading}</h3>
        <button data-qr-done @click=${() => this.dispatchEvent(new CustomEvent('panda-qr-done', { bubbles: true, composed: true }))}>Done</button>
      </div>
      <p class="muted">
        On the other device, open the planner’s Festival files and choose “Scan QR codes”, then hold its camera to this screen. The codes change on their own
        and start again after the last, until the other device has read them all.
      </p>
      <figure>
        <img src=${this.images[this.shown]!} alt="QR code, ${label}" data-qr-image />
        <figcaption data-qr-part>${label}</figcaption>
      </figure>
      <p class="muted" data-qr-summary>
        ${count === 1 ? 'One code holds it all.' : `${count} codes; at ${this.paceWords()} one round takes ${round === 1 ? 'a second' : `${round} seconds`}.`}
      </p>
      ${count > 1 ? this.renderControls() : ''}
    </div>`;
  }

  private paceWords(): string {
    return PACES.find((pace) => pace.ms === this.pace)?.words ?? `${Math.round(1000 / this.pace)} a second`;
  }

  private renderControls() {
    const step = (by: number) => {
      this.paused = true;
      this.shown = (this.shown + by + this.texts.length) % this.texts.length;
    };
    return html`<div class="row">
      <button data-qr-pause aria-pressed=${this.paused ? 'true' : 'false'} @click=${() => (this.paused = !this.paused)}>
        ${this.paused ? 'Go on' : 'Pause'}
      </button>
      <button data-qr-previous @click=${() => step(-1)}>Previous code</button>
      <button data-qr-next @click=${() => step(1)}>Next code</button>
      <label
        >Speed
        <select data-qr-pace @change=${(event: Event) => (this.pace = Number((event.target as HTMLSelectElement).value))}>
          ${PACES.map((pace) => html`<option value=${pace.ms} ?selected=${pace.ms === this.pace}>${pace.words}</option>`)}
        </select>
      </label>
    </div>`;
  }
}

if (!customElements.get('panda-planner-qr-show')) customElements.define('panda-planner-qr-show', PandaPlannerQrShow);
