/**
 * The popup's compact festival files, in the festivals section: "Save file" beside each
 * festival saves `<festival>.panda`, the festival signed by the person
 * (`planner_exportFestival`); "Open a festival file" reads one, shows what it would add in
 * words (`planner_previewFestivalFile`), and only "Add to my copy" stores it
 * (`planner_importFestivalFile`). A refused file says why; nothing of it is stored. The
 * planner's festival files do more (only what someone misses, QR codes). Outcomes show in
 * the area `festival-files`.
 */
import { html, nothing, type ReactiveControllerHost } from 'lit';
import type { FestivalView } from '../shared/popup-protocol.js';
import type { ActionController } from '../ui/actions.js';
import { festivalFileData, festivalFileUrl, renderFestivalFilePreview, tooLargeWords, type ChosenFestivalFile } from '../ui/festival-file.js';
import type { PopupStateController } from '../ui/popup-state.js';

const AREA = 'festival-files';

/** The element the section lives in: it renders again on request, and holds the download link. */
type Host = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };

export class FestivalFilesSection {
  #chosen: ChosenFestivalFile | undefined;
  /** The last file saved, offered as a link (clicked once when it is made). */
  #saved: { url: string; fileName: string } | undefined;

  constructor(
    private readonly host: Host,
    private readonly actions: ActionController,
    private readonly live: PopupStateController,
  ) {}

  /** "Save file" for one festival (one whose data has not arrived has nothing to save). */
  renderSave(festival: FestivalView) {
    const key = `save:${festival.id}`;
    return html`<button data-save-festival-file ?disabled=${this.actions.isBusy(key) || festival.name === null} @click=${() => this.save(festival.id)}>
      ${this.actions.isBusy(key) ? 'Saving…' : 'Save file'}
    </button>`;
  }

  /** Opening a file, its preview, and what came of it. */
  renderOpen() {
    return html`<div data-popup-festival-files>
      <label
        >Open a festival file
        <input
          type="file"
          name="festival-file"
          accept=".panda,application/octet-stream"
          data-festival-file-input
          @change=${(event: Event) => this.open(event)}
        />
      </label>
      ${
        this.#chosen
          ? renderFestivalFilePreview(this.#chosen, { adding: this.actions.isBusy('add-file'), add: () => void this.add(), cancel: () => this.cancel() })
          : nothing
      }
      ${this.#saved ? html`<p><a data-festival-file-download href=${this.#saved.url} download=${this.#saved.fileName}>Save ${this.#saved.fileName}</a></p>` : nothing}
      ${this.actions.feedback(AREA)}
    </div>`;
  }

  /** Releases the download link's URL (the popup closed). */
  release(): void {
    if (this.#saved) URL.revokeObjectURL(this.#saved.url);
    this.#saved = undefined;
  }

  private async save(festivalId: string): Promise<void> {
    const file = await this.actions.run(AREA, `save:${festivalId}`, () => this.live.request('planner_exportFestival', { festivalId }));
    if (!file) return;
    this.release();
    this.#saved = { url: festivalFileUrl(file), fileName: file.fileName };
    this.actions.note(AREA, `${file.fileName}: ${Math.ceil(file.bytes / 1024)} KB, signed by you.`);
    await this.host.updateComplete;
    this.host.renderRoot.querySelector<HTMLAnchorElement>('a[data-festival-file-download]')?.click();
  }

  private async open(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    this.#chosen = undefined;
    this.host.requestUpdate();
    if (!file) return;
    const tooLarge = tooLargeWords(file);
    if (tooLarge) return this.actions.fail(AREA, tooLarge);
    const data = await festivalFileData(file);
    const preview = await this.actions.run(AREA, 'preview-file', () => this.live.request('planner_previewFestivalFile', { data, name: file.name }));
    input.value = '';
    if (preview) this.#chosen = { name: file.name, data, preview };
    this.host.requestUpdate();
  }

  private async add(): Promise<void> {
    const chosen = this.#chosen;
    if (!chosen) return;
    const result = await this.actions.run(AREA, 'add-file', () => this.live.request('planner_importFestivalFile', { data: chosen.data, name: chosen.name }));
    if (!result) return;
    this.#chosen = undefined;
    this.actions.note(AREA, `${result.words}.`);
  }

  private cancel(): void {
    this.#chosen = undefined;
    this.host.requestUpdate();
  }
}
