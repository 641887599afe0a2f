/**
 * Small DOM helpers shared by the components: their events, their language, file downloads
 * and short keys.
 */
import { resolveLang, type Lang } from '../lib/i18n.js';

/**
 * Dispatches `panda-…` from `host`: bubbling, composed (it leaves the shadow root) and
 * cancelable. Returns false if a listener called preventDefault().
 */
export function emit<T>(host: EventTarget, name: `panda-${string}`, detail: T): boolean {
  return host.dispatchEvent(new CustomEvent<T>(name, { bubbles: true, composed: true, cancelable: true, detail }));
}

/** The `lang` of the element or its nearest ancestor, across shadow roots (a widget inside another). */
function inheritedLang(element: Element): string | null | undefined {
  for (let node: Element | undefined = element; node;) {
    const found = node.closest('[lang]');
    if (found) return found.getAttribute('lang');
    const root = node.getRootNode();
    node = root instanceof ShadowRoot ? root.host : undefined;
  }
  return undefined;
}

/** The element's language: its own or the nearest ancestor's `lang`, else the browser's; and a locale tag for Intl. */
export function langOf(host: HTMLElement): { lang: Lang; locale: string } {
  const tags = [inheritedLang(host) ?? '', ...(navigator.languages ?? [])];
  const lang = resolveLang(...tags);
  const locale = tags.find((tag) => tag.toLowerCase().split(/[-_]/)[0] === lang) ?? lang;
  try {
    return { lang, locale: Intl.getCanonicalLocales(locale.replace('_', '-'))[0] ?? lang };
  } catch {
    return { lang, locale: lang };
  }
}

/** Offers `text` as a file download (a Blob behind a temporary `<a download>`). */
export function download(text: string, type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** "ab12…ef56": enough of a public key to tell people apart. */
export const shortKey = (key: string) => (key.length > 12 ? `${key.slice(0, 4)}…${key.slice(-4)}` : key);

/** Space-separated attribute values as a list (signaling servers, resource ids). */
export const words = (value: string | null | undefined): string[] => (value ?? '').split(/\s+/).filter((word) => word !== '');

/** Resolves in a later task of the page's event loop, so that the page can draw and answer input in between. */
export const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Resolves once the next frame is drawn (a task after its animation frame); at the next task in a hidden page, which draws none. */
export const afterNextFrame = (): Promise<void> =>
  document.visibilityState === 'hidden' ? nextTask() : new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
