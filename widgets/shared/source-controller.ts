/**
 * The data behind a component: picks its `WidgetSource` (an injected `source`, else
 * `chooseSource` from the host's `festival`, `src`, `signaling` and `secret`), loads the
 * schedule, reloads it whenever the source says it changed, and picks again when the page's
 * `<panda-connect>` connects or disconnects (document-level `panda-connect` and
 * `panda-disconnect` events). Fires `panda-source-change` from the host.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ScheduleData } from '../lib/schedule-data.js';
import { chooseSource, errorCode, findProvider } from '../lib/sources.js';
import type { CreatePeerSource, PandaProvider, WidgetSource } from '../lib/source.js';
import { emit, words } from './dom.js';

/**
 * Page-wide settings of how components find their data: `loadPeer` replaces the in-page peer
 * chunk (tests, or a page bringing its own peer); `timeoutMs` is how long to wait for the
 * extension's announcement.
 */
export const sourceSettings: { loadPeer?: () => Promise<CreatePeerSource>; timeoutMs?: number } = {};

export interface SourceHost extends ReactiveControllerHost, HTMLElement {
  festival: string;
  src?: string | undefined;
  signaling?: string | undefined;
  secret?: string | undefined;
  /** Injected source (tests, or a page that made its own). */
  source: WidgetSource | undefined;
  /** Injected provider; null means "there is none" (no discovery). */
  provider: PandaProvider | null | undefined;
}

export class SourceController implements ReactiveController {
  /** The source in use. */
  current: WidgetSource | undefined;
  data: ScheduleData | undefined;
  error: unknown;
  /** The provider found on the page (null: none), whether or not this site is connected. */
  provider: PandaProvider | null | undefined;
  #generation = 0;
  #chosenFor: unknown[] | undefined;
  #owned = false;
  #unsubscribe: (() => void) | undefined;
  #reloading: Promise<void> | undefined;
  #again = false;
  readonly #rechoose = () => {
    this.provider = undefined;
    void this.choose();
  };

  constructor(
    private readonly host: SourceHost,
    /** Called after every load (e.g. to run further queries). */
    private readonly onData?: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('panda-connect', this.#rechoose);
    document.addEventListener('panda-disconnect', this.#rechoose);
    this.#chosenFor = undefined;
  }

  /** Before each update: picks the source again when what it depends on changed. */
  hostUpdate(): void {
    const { festival, src, signaling, secret, source, provider } = this.host;
    const key = [festival, src, signaling, secret, source, provider];
    if (this.#chosenFor && key.every((value, index) => value === this.#chosenFor![index])) return;
    this.#chosenFor = key;
    void this.choose();
  }

  hostDisconnected(): void {
    document.removeEventListener('panda-connect', this.#rechoose);
    document.removeEventListener('panda-disconnect', this.#rechoose);
    this.#generation++;
    this.#release();
  }

  #release(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    if (this.#owned) this.current?.close();
    this.current = undefined;
  }

  /** Picks the source again (call when the host's festival, src, signaling, secret or source change). */
  async choose(): Promise<void> {
    const generation = ++this.#generation;
    const host = this.host;
    this.#release();
    this.data = undefined;
    this.error = undefined;
    host.requestUpdate();
    let source: WidgetSource;
    try {
      if (host.source) source = host.source;
      else {
        if (!host.festival && !host.src) return;
        if (host.provider !== undefined) this.provider = host.provider;
        else if (this.provider === undefined) this.provider = (await findProvider(window, sourceSettings.timeoutMs)) ?? null;
        if (generation !== this.#generation) return;
        source = await chooseSource({
          festivalId: host.festival,
          src: host.src,
          signaling: words(host.signaling),
          secret: host.secret,
          provider: this.provider,
          ...(sourceSettings.loadPeer ? { loadPeer: sourceSettings.loadPeer } : {}),
        });
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = error;
      host.requestUpdate();
      return;
    }
    if (generation !== this.#generation) {
      if (source !== host.source) source.close();
      return;
    }
    this.current = source;
    this.#owned = source !== host.source;
    this.#unsubscribe = source.subscribe(() => void this.reload());
    emit(host, 'panda-source-change', { kind: source.kind, writable: source.writable });
    await this.reload();
  }

  /** Loads the schedule again (coalesced: one load at a time, one more if asked meanwhile). */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    const source = this.current;
    if (!source) return Promise.resolve();
    this.#reloading = (async () => {
      do {
        this.#again = false;
        try {
          const data = await source.schedule();
          if (source !== this.current) return;
          this.data = data;
          this.error = undefined;
        } catch (error) {
          if (source !== this.current) return;
          // The person disconnected the site in the extension: fall back to reading.
          if (source.kind === 'extension' && errorCode(error) === 4100 && source !== this.host.source) {
            queueMicrotask(this.#rechoose);
            return;
          }
          this.error = error;
        }
        this.host.requestUpdate();
        this.onData?.();
      } while (this.#again);
    })().finally(() => (this.#reloading = undefined));
    return this.#reloading;
  }
}
