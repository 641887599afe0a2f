/**
 * What an organiser puts on their website for a festival: the script tag and the widgets with
 * this festival's id, its signaling servers and its resources' ids; and the Content Security
 * Policy lines such a page needs. No DOM in here.
 */

export interface SnippetInput {
  festivalId: string;
  festivalName: string;
  signaling: readonly string[];
  resources: ReadonlyArray<{ id: string; title: string }>;
  /** Where the page loads panda-widgets.js from (default: next to the page, "/panda-widgets.js"). */
  bundleUrl?: string;
}

export const DEFAULT_BUNDLE_URL = '/panda-widgets.js';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Text in an HTML comment may not close it. */
const commentText = (text: string) => text.replace(/--/g, '- -').replace(/[<>]/g, '');

export function websiteSnippet(input: SnippetInput): string {
  const bundle = input.bundleUrl?.trim() || DEFAULT_BUNDLE_URL;
  const festival = `festival="${escapeHtml(input.festivalId)}"`;
  const signaling = input.signaling.length > 0 ? ` signaling="${escapeHtml(input.signaling.join(' '))}"` : '';
  const lines = [
    `<!-- Panda Kit: ${commentText(input.festivalName)} -->`,
    `<script type="module" src="${escapeHtml(bundle)}"></script>`,
    '<panda-connect></panda-connect>',
    `<panda-schedule ${festival}${signaling}></panda-schedule>`,
    ...input.resources.map(
      (resource) => `<panda-resource resource="${escapeHtml(resource.id)}" ${festival}${signaling}></panda-resource> <!-- ${commentText(resource.title)} -->`,
    ),
    `<panda-event-form ${festival}${signaling}></panda-event-form>`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The origin a CSP source list names for `url` ("'self'" for a path on the page's own site). */
function sourceOf(url: string): string {
  if (!URL.canParse(url)) return "'self'";
  const parsed = new URL(url);
  return parsed.origin === 'null' ? "'self'" : parsed.origin;
}

/**
 * The policy's lines for the widgets: `script-src` for the bundle (and its chunks, beside it),
 * `connect-src` for the signaling servers the page's own peer talks to without the extension.
 * WebAssembly is optional: with 'wasm-unsafe-eval' hashing is faster.
 */
export function cspLines(input: Pick<SnippetInput, 'signaling' | 'bundleUrl'>): string[] {
  const script = sourceOf(input.bundleUrl?.trim() || DEFAULT_BUNDLE_URL);
  const servers = [...new Set(input.signaling.map((url) => sourceOf(url)))].filter((source) => source !== "'self'");
  return [`script-src ${script} 'wasm-unsafe-eval'`, `connect-src 'self'${servers.length > 0 ? ` ${servers.join(' ')}` : ''}`];
}
