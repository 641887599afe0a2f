/**
 * `<panda-planner-qr-scan>`: "Scan QR codes". Opens the camera (getUserMedia), reads its
 * frames (./qr-decoder.ts: the platform's BarcodeDetector, else jsQR) and collects the
 * parts of one series (core/replication/qr-parts.ts) however they come: "7 of 12 parts",
 * repeats ignored, codes of another series or none of ours refused in words. Once every part
 * is in and the whole adds up, the camera is stopped and `panda-qr-scanned` carries the
 * bundle's bytes; whoever shows this previews it and stores it only when the person says so
 * — nothing is stored here. `panda-qr-cancel` asks to close; removed from the page, the
 * element stops the camera too. A chunk of its own, loaded when scanning starts.
 */
import { css, html, LitElement, nothing } from 'lit';
import { QrPartCollector, type QrPartScan } from '../../../core/replication/qr-parts.js';
import { sharedStyles } from '../../ui/shared.styles.js';
import { plannerStyles } from '../lib/planner.styles.js';
import { qrDecoder, type QrDecoder } from './qr-decoder.js';

/** Pause between two frames read: about eight a second, fast enough for codes shown four a second, and the page stays responsive. */
const SCAN_INTERVAL_MS = 120;
/** The camera facing away from the person where there are two, in a size that reads dense codes. */
const CAMERA: MediaStreamConstraints = { video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 } }, audio: false };
/** At most this many parts still to come are named ("Still to come: parts 3 and 8"). */
const MISSING_NAMED = 5;

/** "3", "3 and 8", "3, 8 and 11". */
function listed(numbers: number[]): string {
  if (numbers.length < 2) return numbers.join('');
  return `${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)}`;
}

/** What a refused code means to the person holding the camera. */
function refusalWords(scan: Extract<QrPartScan, { outcome: 'refused' }>, count: number | undefined): string {
  switch (scan.code) {
    case 'QR_PART_FOREIGN':
      return `That QR code belongs to another set (${scan.count === 1 ? 'a single code' : `${scan.count} codes`}), not to the ${count} you are reading. Keep the camera on one screen, or start over to read the other set.`;
    case 'QR_PART_CONFLICT':
      return 'That QR code claims to be part of this set but says something else than a part already read: one of them was altered. Start over, or ask for a festival file.';
    case 'QR_PART_MISREAD':
      return 'A code was misread; it is read again when it comes round.';
    default:
      return 'That QR code is not a Panda Kit festival code; it was skipped.';
  }
}

/** Why the camera did not start, in words. */
function cameraWords(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'The camera is not allowed for Panda Kit. Allow it in the browser’s settings for this extension, then try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device.';
  if (name === 'NotReadableError') return 'The camera is in use by another program. Close it there, then try again.';
  return `The camera could not be started (${error instanceof Error ? error.message : String(error)}).`;
}

export class PandaPlannerQrScan extends LitElement {
  static override properties = { phase: { state: true }, message: { state: true }, progress: { state: true } };

  static override styles = [
    sharedStyles,
    plannerStyles,
    css`
      video {
        display: block;
        width: min(100%, 30rem);
        aspect-ratio: 4 / 3;
        object-fit: cover;
        border-radius: 6px;
        background: var(--panda-surface);
      }
      progress {
        width: min(100%, 30rem);
        accent-color: var(--panda-accent);
      }
      [data-scan-progress] {
        font-size: 1.15rem;
        font-weight: 600;
        font-variant-numeric: tabular-nums;
        color: var(--panda-text);
      }
    `,
  ];

  declare private phase: 'starting' | 'scanning' | 'done' | 'failed';
  /** The last refusal or trouble, in words. */
  declare private message: string | undefined;
  declare private progress: { received: number; count: number | undefined; missing: number[] };
  private readonly collector = new QrPartCollector();
  private stream: MediaStream | undefined;

  constructor() {
    super();
    this.phase = 'starting';
    this.message = undefined;
    this.progress = { received: 0, count: undefined, missing: [] };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopCamera();
  }

  private async start(): Promise<void> {
    // Both at once: the reader's chunk loads while the person answers the camera question.
    // In a promise: a page without the camera API throws at once.
    const camera = Promise.resolve().then(() => navigator.mediaDevices.getUserMedia(CAMERA));
    const decoder = qrDecoder().then((reader) => reader.decode);
    let stream: MediaStream;
    let decode: QrDecoder;
    try {
      stream = await camera;
    } catch (error) {
      decoder.catch(() => undefined);
      return this.fail(cameraWords(error));
    }
    try {
      decode = await decoder;
    } catch (error) {
      for (const track of stream.getTracks()) track.stop();
      return this.fail(`The QR code reader could not be loaded (${error instanceof Error ? error.message : String(error)}).`);
    }
    // Closed while the camera was starting.
    if (!this.isConnected) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    this.stream = stream;
    this.phase = 'scanning';
    await this.updateComplete;
    const video = this.renderRoot.querySelector('video')!;
    video.srcObject = stream;
    await video.play().catch(() => undefined);
    while (this.stream === stream) {
      const texts = await decode(video).catch(() => [] as string[]);
      for (const text of texts) if (this.stream === stream) this.take(text);
      await new Promise((resolve) => setTimeout(resolve, SCAN_INTERVAL_MS));
    }
  }

  private fail(message: string): void {
    this.phase = 'failed';
    this.message = message;
  }

  private stopCamera(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (!stream) return;
    for (const track of stream.getTracks()) track.stop();
    const video = this.renderRoot.querySelector('video');
    if (video) video.srcObject = null;
  }

  /** One text read off the camera. */
  private take(text: string): void {
    const scan = this.collector.add(text);
    if (scan.outcome === 'repeat') return;
    if (scan.outcome === 'refused') {
      this.message = refusalWords(scan, this.collector.count);
      return;
    }
    this.message = undefined;
    this.progress = { received: scan.received, count: scan.count, missing: this.collector.missing() };
    if (this.collector.complete) this.finish();
  }

  private finish(): void {
    let bytes: Uint8Array;
    try {
      bytes = this.collector.bundle();
    } catch {
      this.restartReading('These QR codes do not add up to what they claim (one was altered). Reading starts again; or ask for a festival file.');
      return;
    }
    this.stopCamera();
    this.phase = 'done';
    this.dispatchEvent(new CustomEvent('panda-qr-scanned', { detail: { bytes }, bubbles: true, composed: true }));
  }

  private restartReading(message?: string): void {
    this.collector.reset();
    this.progress = { received: 0, count: undefined, missing: [] };
    this.message = message;
  }

  override render() {
    return html`<div class="card" data-qr-scan data-phase=${this.phase}>
      <div class="spread">
        <h3>Scan QR codes</h3>
        <button data-scan-cancel @click=${() => this.dispatchEvent(new CustomEvent('panda-qr-cancel', { bubbles: true, composed: true }))}>
          ${this.phase === 'done' ? 'Close' : 'Cancel'}
        </button>
      </div>
      ${this.phase === 'scanning' ? html`<video muted playsinline aria-label="What the camera sees"></video>` : nothing} ${this.renderProgress()}
      ${this.message ? html`<p role="alert" data-scan-message>${this.message}</p>` : nothing}
      ${
        this.phase === 'failed'
          ? html`<button data-scan-retry @click=${() => this.retry()}>Try again</button>`
          : this.phase === 'scanning' && this.progress.received > 0
            ? html`<button data-scan-restart @click=${() => this.restartReading()}>Start over</button>`
            : nothing
      }
    </div>`;
  }

  private renderProgress() {
    const { received, count, missing } = this.progress;
    if (this.phase === 'starting') return html`<p role="status" data-scan-progress>Starting the camera…</p>`;
    if (this.phase === 'failed') return nothing;
    if (this.phase === 'done') return html`<p role="status" data-scan-progress>All ${count === 1 ? 'parts are' : `${count} parts are`} in.</p>`;
    if (count === undefined)
      return html`<p role="status" data-scan-progress>Looking for QR codes…</p>
        <p class="muted">Hold the camera to the other device’s screen, where “Show as QR codes” is open.</p>`;
    const still = missing.length > 0 && missing.length <= MISSING_NAMED ? `Still to come: part${missing.length > 1 ? 's' : ''} ${listed(missing)}.` : '';
    return html`<p role="status" data-scan-progress>${received} of ${count} parts</p>
      <progress max=${count} .value=${received} aria-hidden="true"></progress>
      ${still ? html`<p class="muted" data-scan-missing>${still}</p>` : nothing}`;
  }

  private retry(): void {
    this.phase = 'starting';
    this.message = undefined;
    void this.start();
  }
}

if (!customElements.get('panda-planner-qr-scan')) customElements.define('panda-planner-qr-scan', PandaPlannerQrScan);
