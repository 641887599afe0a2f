/**
 * `<panda-planner-files>`: festival files, to carry a festival to another device or person
 * with no network. "Export festival file" saves `<festival>.panda`, the festival signed by
 * the person (`planner_exportFestival`); a file chosen under "Import festival file" is first
 * checked and previewed by the background ("Adds 12 new events, changes 3, 5 decisions — from
 * Mira", `planner_previewFestivalFile`), and only "Add to my copy" stores it
 * (`planner_importFestivalFile`). A file that is refused says why, and nothing is stored.
 *
 * The same file goes from screen to camera too: "Show as QR codes" shows the export as
 * codes going round (./qr-show.ts), "Scan QR codes" reads them with the camera (./qr-scan.ts)
 * and hands the bundle to the same preview and "Add to my copy". Both are chunks of their own,
 * loaded when first used.
 */
import { base64 } from '@scure/base';
import { html, nothing } from 'lit';
import { lazily } from '../../../widgets/schedule/lazy.js';
import type { PlannerFestival } from '../../shared/planner-protocol.js';
import { festivalFileData, festivalFileUrl, renderFestivalFilePreview, tooLargeWords, type ChosenFestivalFile } from '../../ui/festival-file.js';
import { PlannerTab } from '../lib/planner-tab.js';

const loadQrShow = lazily(() => import('./qr-show.js'));
const loadQrScan = lazily(() => import('./qr-scan.js'));

/** What a scanned bundle is called in its preview and in the background's words about it. */
const SCANNED = 'What you scanned';

export class PandaPlannerFiles extends PlannerTab {
  static override properties = {
    ...PlannerTab.properties,
    chosen: { state: true },
    saved: { state: true },
    have: { state: true },
    showing: { state: true },
    scanning: { state: true },
  };

  /** This copy's "what I have" text of a festival, shown to copy into a message. */
  declare private have: { festivalId: string; text: string } | undefined;
  /** Someone's "what I have" text: exports then hold only what they miss. */
  private since = '';

  declare private chosen: ChosenFestivalFile | undefined;
  /** The last file exported, offered as a link (clicked once when it is made). */
  declare private saved: { url: string; fileName: string; bytes: number } | undefined;
  /** The QR codes shown, with what they hold in words. */
  declare private showing: { heading: string; texts: string[] } | undefined;
  /** Whether the camera reader is open. */
  declare private scanning: boolean;

  constructor() {
    super();
    this.scanning = false;
  }

  override render() {
    const festivals = this.state?.festivals ?? [];
    return html`<section class="card" aria-labelledby="files-heading" data-festival-files>
      <h2 id="files-heading">Festival files</h2>
      <p class="muted">
        Carry a festival to another device or person without any network: a festival file holds everything this copy has of it, signed by you. Whoever adds it
        gets exactly what its entries’ own signatures vouch for.
      </p>
      ${
        festivals.length > 0
          ? html`<ul class="items">
                ${festivals.map((festival) => this.renderExport(festival))}
              </ul>
              <label
                >Only what someone misses: paste their “what I have” text (optional)
                <textarea
                  class="code"
                  data-export-since
                  .value=${this.since}
                  @input=${(event: Event) => (this.since = (event.target as HTMLTextAreaElement).value.trim())}
                ></textarea>
              </label>`
          : nothing
      }
      ${this.have ? html`<label>What I have <textarea class="code" readonly data-heights-text .value=${this.have.text}></textarea></label>` : nothing}
      ${this.saved ? html`<p><a data-festival-file-download href=${this.saved.url} download=${this.saved.fileName}>Save ${this.saved.fileName}</a></p>` : nothing}
      ${this.feedback('export')}
      ${
        this.showing
          ? html`<panda-planner-qr-show
              .texts=${this.showing.texts}
              .heading=${this.showing.heading}
              @panda-qr-done=${() => (this.showing = undefined)}
            ></panda-planner-qr-show>`
          : nothing
      }
      <h3>Import festival file</h3>
      <div class="row">
        <label
          >A .panda file
          <input type="file" name="festival-file" accept=".panda,application/octet-stream" data-festival-file-input @change=${this.read} />
        </label>
        <button data-scan-qr ?disabled=${this.scanning || this.actions.isBusy('scan')} @click=${this.startScan}>Scan QR codes</button>
      </div>
      ${
        this.scanning
          ? html`<panda-planner-qr-scan @panda-qr-scanned=${this.scanned} @panda-qr-cancel=${() => (this.scanning = false)}></panda-planner-qr-scan>`
          : nothing
      }
      ${
        this.chosen
          ? renderFestivalFilePreview(this.chosen, { adding: this.actions.isBusy('add'), add: () => void this.add(), cancel: () => this.cancelChosen() })
          : nothing
      }
      ${this.feedback('files')}
    </section>`;
  }

  private renderExport(festival: PlannerFestival) {
    const key = `export:${festival.id}`;
    return html`<li data-file-festival=${festival.id}>
      <span>${festival.name ?? 'A festival whose data has not arrived yet'}</span>
      <div class="row">
        <button data-export-festival ?disabled=${this.actions.isBusy(key) || festival.name === null} @click=${() => this.export(festival)}>
          ${this.actions.isBusy(key) ? 'Exporting…' : 'Export festival file'}
        </button>
        <button data-show-qr ?disabled=${this.actions.isBusy(`qr:${festival.id}`) || festival.name === null} @click=${() => this.showQr(festival)}>
          Show as QR codes
        </button>
        <button data-festival-heights @click=${() => this.showHeights(festival)}>What I have</button>
      </div>
    </li>`;
  }

  private async export(festival: PlannerFestival): Promise<void> {
    const file = await this.run('export', `export:${festival.id}`, (live) =>
      live.request('planner_exportFestival', { festivalId: festival.id, ...(this.since === '' ? {} : { since: this.since }) }),
    );
    if (!file) return;
    if (this.saved) URL.revokeObjectURL(this.saved.url);
    this.saved = { url: festivalFileUrl(file), fileName: file.fileName, bytes: file.bytes };
    this.actions.note('export', `${file.fileName}: ${Math.ceil(file.bytes / 1024)} KB, signed by you.`);
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLAnchorElement>('a[data-festival-file-download]')?.click();
  }

  /** The export (only what the pasted "what I have" text lacks, if any) as QR codes, unless it needs too many. */
  private async showQr(festival: PlannerFestival): Promise<void> {
    const since = this.since;
    const shown = await this.run('export', `qr:${festival.id}`, async (live) => {
      const [file, qr] = await Promise.all([
        live.request('planner_exportFestival', { festivalId: festival.id, ...(since === '' ? {} : { since }) }),
        loadQrShow(),
      ]);
      return { texts: qr.shownQrTexts(base64.decode(file.data)), most: qr.MAX_SHOWN_QR_PARTS };
    });
    if (!shown) return;
    const name = festival.name ?? 'the festival';
    const { texts, most } = shown;
    if (texts.length > most) {
      this.showing = undefined;
      const what = since === '' ? `All of ${name} needs` : 'What they miss needs';
      const instead =
        since === ''
          ? 'Paste their “what I have” text to show only what they miss, or export a festival file and pass that on.'
          : 'Export a festival file instead and pass that on.';
      return this.actions.fail('export', `${what} ${texts.length} QR codes: too many to read one after another (at most ${most}). ${instead}`);
    }
    this.scanning = false;
    this.showing = { heading: since === '' ? `${name}: the whole festival` : `${name}: what they miss`, texts };
  }

  private async startScan(): Promise<void> {
    const loaded = await this.run('files', 'scan', () => loadQrScan());
    if (!loaded) return;
    this.showing = undefined;
    this.chosen = undefined;
    this.scanning = true;
  }

  /** Every part is in: the same preview as for a file; nothing is stored until "Add to my copy". */
  private async scanned(event: CustomEvent<{ bytes: Uint8Array }>): Promise<void> {
    const data = base64.encode(event.detail.bytes);
    const preview = await this.run('files', 'preview', (live) => live.request('planner_previewFestivalFile', { data, name: SCANNED }));
    if (preview) this.chosen = { name: SCANNED, data, preview };
  }

  private cancelChosen(): void {
    this.chosen = undefined;
    this.scanning = false;
  }

  private async showHeights(festival: PlannerFestival): Promise<void> {
    const have = await this.run('export', `heights:${festival.id}`, (live) => live.request('planner_festivalHeights', { festivalId: festival.id }));
    if (have) this.have = { festivalId: festival.id, text: have.text };
  }

  private async read(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    this.chosen = undefined;
    if (!file) return;
    this.scanning = false;
    const tooLarge = tooLargeWords(file);
    if (tooLarge) return this.actions.fail('files', tooLarge);
    const data = await festivalFileData(file);
    const preview = await this.run('files', 'preview', (live) => live.request('planner_previewFestivalFile', { data, name: file.name }));
    input.value = '';
    if (preview) this.chosen = { name: file.name, data, preview };
  }

  private async add(): Promise<void> {
    const chosen = this.chosen;
    if (!chosen) return;
    const result = await this.run('files', 'add', (live) => live.request('planner_importFestivalFile', { data: chosen.data, name: chosen.name }));
    if (!result) return;
    this.chosen = undefined;
    this.scanning = false;
    this.actions.note('files', `${result.words}.`);
    const [festival] = result.festivals;
    if (festival) this.choose(festival);
  }
}
