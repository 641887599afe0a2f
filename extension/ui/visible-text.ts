/**
 * Text a page sent, made safe to show as data in a prompt: characters that do not show
 * (controls, zero-width characters) or that reorder what is shown (bidi overrides and
 * isolates, marks) become visible `⟨U+202E⟩` markers, so "gpj.exe" cannot pose as
 * "exe.jpg" and an invisible character cannot hide. Line breaks stay line breaks. Long values
 * are shortened for the card; the whole value stays reachable. No DOM in here.
 */

// C0 controls but \n, DEL and C1 controls, Arabic letter mark, zero-width and bidi marks,
// bidi embeddings and overrides, invisible operators, bidi isolates, byte order mark.
const HIDDEN =
  /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFE00-\uFE0F\uFEFF]/gu;

/** `text` with every hidden or reordering character shown as ⟨U+XXXX⟩. */
export function visibleText(text: string): string {
  return text.replace(HIDDEN, (character) => `⟨U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`);
}

/** Characters a value shows before it is shortened (the rest behind "show all"). */
export const SHORT_LENGTH = 160;

/** The value as shown at first: whole, or its start and whether there is more. */
export function shortened(text: string, length = SHORT_LENGTH): { text: string; more: boolean } {
  const characters = [...text];
  return characters.length <= length ? { text, more: false } : { text: `${characters.slice(0, length).join('')}…`, more: true };
}
