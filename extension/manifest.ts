/**
 * The extension's manifest (Manifest V3) for each browser, from one description. The build
 * (extension/build/) writes it as manifest.json next to the bundles.
 *
 * - Chrome: the background is a module service worker; WebRTC will live in an offscreen
 *   document (the `offscreen` permission), as service workers have no RTCPeerConnection.
 * - Firefox: the background is an event page (`background.scripts`), which has the DOM and
 *   WebRTC itself; the gecko id and the oldest Firefox with everything used here.
 *
 * Content scripts, in every http(s) frame at document_start: first the relay (isolated world,
 * content.js), then the provider in the page's own world (`world: "MAIN"`, inpage.js), which
 * both browsers support in `content_scripts` (Chrome 111, Firefox 128). Nothing is web
 * accessible: pages cannot load or probe the extension's files.
 */
export type ExtensionTarget = 'chrome' | 'firefox';

export const EXTENSION_TARGETS: readonly ExtensionTarget[] = ['chrome', 'firefox'];

/** Firefox's add-on id (stable: storage and grants are keyed by it). */
export const GECKO_ID = 'extension@pandakit.org';
/**
 * `world: "MAIN"` in content_scripts arrived in Firefox 128, `data_collection_permissions`
 * (which addons.mozilla.org requires of new add-ons) in 140, an ESR, and in 142 on Android.
 */
export const FIREFOX_MIN_VERSION = '140.0';
export const FIREFOX_ANDROID_MIN_VERSION = '142.0';
/** `world: "MAIN"` in content_scripts arrived in Chrome 111; the offscreen API in 109. */
export const CHROME_MIN_VERSION = '111';

export const ICON_SIZES = [16, 32, 48, 128] as const;

export const iconPath = (size: number) => `icons/panda-${size}.png`;

/** The bundles and pages the manifest names (the build checks each exists). */
export const FILES = {
  background: 'background.js',
  content: 'content.js',
  inpage: 'inpage.js',
  popup: 'popup.html',
  approval: 'approval.html',
  planner: 'planner.html',
  offscreen: 'offscreen.html',
} as const;

export interface ManifestOptions {
  version: string;
  description?: string;
}

export type Manifest = Record<string, unknown>;

export function manifestFor(target: ExtensionTarget, { version, description = 'Plan self-organised festivals peer to peer' }: ManifestOptions): Manifest {
  const icons = Object.fromEntries(ICON_SIZES.map((size) => [String(size), iconPath(size)]));
  const pages = ['http://*/*', 'https://*/*'];
  const common = {
    manifest_version: 3,
    name: 'Panda Kit',
    short_name: 'Panda Kit',
    version,
    description,
    icons,
    action: { default_title: 'Panda Kit', default_popup: FILES.popup, default_icon: icons },
    content_scripts: [
      { matches: pages, js: [FILES.content], run_at: 'document_start', all_frames: true },
      { matches: pages, js: [FILES.inpage], run_at: 'document_start', all_frames: true, world: 'MAIN' },
    ],
    // The festival core hashes with WebAssembly (BLAKE3) when it may.
    content_security_policy: { extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" },
  };
  if (target === 'chrome') {
    return {
      ...common,
      minimum_chrome_version: CHROME_MIN_VERSION,
      background: { service_worker: FILES.background, type: 'module' },
      permissions: ['storage', 'unlimitedStorage', 'offscreen'],
    };
  }
  return {
    ...common,
    background: { scripts: [FILES.background], type: 'module' },
    permissions: ['storage', 'unlimitedStorage'],
    browser_specific_settings: {
      gecko: {
        id: GECKO_ID,
        strict_min_version: FIREFOX_MIN_VERSION,
        // Nothing leaves the device but festival data the person chose to share with peers.
        data_collection_permissions: { required: ['none'] },
      },
      gecko_android: { strict_min_version: FIREFOX_ANDROID_MIN_VERSION },
    },
  };
}
