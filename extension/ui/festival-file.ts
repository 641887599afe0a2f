/**
 * Festival files on the extension's pages (the planner's festival files and the popup's
 * compact form): a chosen file read for the background, refused here first when it is too
 * large; an exported one offered as a download; and a file's preview, what it would add in
 * words with "Add to my copy" and "Cancel". Nothing is stored before "Add to my copy".
 */
import { base64 } from '@scure/base';
import { html } from 'lit';
import { MAX_FESTIVAL_FILE_BYTES, type FestivalFile, type FestivalFilePreview } from '../shared/festival-file-protocol.js';

/** A file read and previewed, waiting for the person to add it or not. */
export interface ChosenFestivalFile {
  name: string;
  /** Its bytes, base64, as the background takes them. */
  data: string;
  preview: FestivalFilePreview;
}

/** Why `file` is refused before it is read (the background would refuse it too), or undefined. */
export function tooLargeWords(file: { name: string; size: number }): string | undefined {
  if (file.size <= MAX_FESTIVAL_FILE_BYTES) return undefined;
  return `${file.name} is larger than ${MAX_FESTIVAL_FILE_BYTES / 1024 / 1024} MB: ask for only what you are missing.`;
}

/** A chosen file's bytes, base64. */
export async function festivalFileData(file: Blob): Promise<string> {
  return base64.encode(new Uint8Array(await file.arrayBuffer()));
}

/** An exported file as an object URL for a download link (revoke it once replaced). */
export function festivalFileUrl(file: FestivalFile): string {
  const bytes = base64.decode(file.data) as Uint8Array<ArrayBuffer>;
  return URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
}

/** The preview of a chosen file: its festivals, what it adds, and the two answers. */
export function renderFestivalFilePreview({ name, preview }: ChosenFestivalFile, answers: { adding: boolean; add: () => void; cancel: () => void }) {
  const festivals = preview.festivals.map((festival) => `${festival.name ?? 'a festival'}${festival.held ? '' : ' (new to you)'}`).join(', ');
  return html`<div class="card" data-file-preview>
    <p><strong>${name}</strong>: ${festivals}</p>
    <p data-preview-words>${preview.words}</p>
    <div class="row">
      <button class="primary" data-add-file ?disabled=${answers.adding || preview.entries === 0} @click=${answers.add}>
        ${answers.adding ? 'Adding…' : 'Add to my copy'}
      </button>
      <button data-cancel-file @click=${answers.cancel}>Cancel</button>
    </div>
  </div>`;
}
