/**
 * The parts of `<panda-schedule>` that come in chunks of their own, loaded when a visitor
 * first needs them: the frab exporter, an event's details, and sharing favourites. Each
 * page's entry stays within its budget (test/build/widgets-size.test.ts); a part a visitor
 * never opens is never fetched.
 */
import type { CSSResult } from 'lit';

/** `load`, once for all callers; after a failure (offline, say) the next call tries again. */
export function lazily<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/** The details panel (./event-details.ts) and its styles. */
export const loadDetails = lazily(() => import('./event-details.js'));
/** Favourites to another device (./favourites-share.ts). */
export const loadShare = lazily(() => import('./favourites-share.js'));

/** Adds a chunk's style sheet to an element's shadow root, after the element's own. */
export function adoptSheet(root: ShadowRoot, sheet: CSSResult): void {
  const styleSheet = sheet.styleSheet;
  if (styleSheet && 'adoptedStyleSheets' in root) {
    if (!root.adoptedStyleSheets.includes(styleSheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, styleSheet];
    return;
  }
  // Browsers without constructable style sheets, as Lit does for the element's own.
  const style = document.createElement('style');
  style.textContent = sheet.cssText;
  root.append(style);
}
