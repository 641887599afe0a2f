/**
 * The data behind a component: picks its `WidgetSource` (an injected `source`, else
 * `chooseSource` from the host's `festival`, `src`, `signaling` and `secret`), loads the
 * schedule, reloads it whenever the source says it changed, and picks again when the page's
 * `<panda-connect>` connects or disconnects (document-level `panda-connect` and
 * `panda-disconnect` events). Fires `panda-source-change` from the host.
 *
 * Looking for the extension takes up to `FIND_PROVIDER_TIMEOUT` when there is none, so the
 * in-page peer starts at the same time, and a returning visitor sees the schedule the page
 * showed last (../lib/schedule-snapshot.ts) before either is ready; the extension takes over
 * if it answers and the site is connected. While
 * entries stream in, refreshes are spaced so that they take only part of the time: a
 * refresh of a big festival (its load and the frame that draws it: style, layout and paint
 * of the whole view) costs more than the entries of one change notice, and the sync storing
 * them needs the same processors. At most a fifth goes to refreshing.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ScheduleData } from '../lib/schedule-data.js';
import { chooseSource, connectedKey, errorCode, findProvider, hasProvider, type ChooseOptions } from '../lib/sources.js';
import { readSnapshot } from '../lib/schedule-snapshot.js';
import type { CreatePeerSource, PandaProvider, WidgetSource } from '../lib/source.js';
import { afterNextFrame, emit, nextTask, words } from './dom.js';

/** After a refresh that took t ms (drawn), the next starts at least this times t later: at most a fifth of the time goes to refreshing. */
const RELOAD_SPACING = 4;

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
  /** The source #reloading loads. */
  #reloadingSource: WidgetSource | undefined;
  #again = false;
  /** When the next refresh may start (performance.now()), after the last one's cost. */
  #refreshAt = 0;
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

  /**
   * The provider to sign and publish through: the source's own (the extension), else the
   * host's injected `provider`; undefined while the source may not write.
   */
  get publisher(): PandaProvider | undefined {
    const source = this.current;
    if (!source?.writable) return undefined;
    return hasProvider(source) ? source.provider : (this.host.provider ?? undefined);
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
        const options: ChooseOptions = {
          festivalId: host.festival,
          src: host.src,
          signaling: words(host.signaling),
          secret: host.secret,
          ...(sourceSettings.loadPeer ? { loadPeer: sourceSettings.loadPeer } : {}),
        };
        if (host.provider !== undefined) this.provider = host.provider;
        else if (this.provider === undefined && !host.src) return await this.#race(generation, options);
        // A static schedule is shown whatever else there is: the provider is looked for beside it, for the banner only.
        else if (this.provider === undefined) this.#lookForProvider(generation);
        source = await chooseSource({ ...options, provider: this.provider ?? null });
      }
    } catch (error) {
      this.#failed(generation, error);
      return;
    }
    await this.#use(generation, source);
  }

  #lookForProvider(generation: number): void {
    void findProvider(window, sourceSettings.timeoutMs).then((provider) => {
      if (generation !== this.#generation) return;
      this.provider = provider ?? null;
      this.host.requestUpdate();
    });
  }

  #failed(generation: number, error: unknown): void {
    if (generation !== this.#generation) return;
    this.error = error;
    this.host.requestUpdate();
  }

  async #use(generation: number, source: WidgetSource): Promise<void> {
    if (generation !== this.#generation) {
      if (source !== this.host.source) source.close();
      return;
    }
    this.#release();
    this.current = source;
    this.#owned = source !== this.host.source;
    this.#unsubscribe = source.subscribe(() => void this.reload());
    emit(this.host, 'panda-source-change', { kind: source.kind, writable: source.writable });
    await this.reload();
  }

  /**
   * Looks for the extension and opens the in-page peer at the same time. The peer is shown
   * when its source is ready, unless an extension announced itself by then: then it waits
   * to hear whether the site is connected (a few milliseconds) and gives way if so. An
   * extension that announces itself later and is connected replaces the peer.
   */
  async #race(generation: number, options: ChooseOptions): Promise<void> {
    // A revisit draws what this page showed last at once; whichever source wins replaces it.
    void readSnapshot(options.festivalId).then((snapshot) => {
      if (!snapshot || generation !== this.#generation || this.data !== undefined) return;
      this.data = snapshot;
      this.host.requestUpdate();
      this.onData?.();
    });
    let announced = false;
    let extensionChosen = false;
    const connected = findProvider(window, sourceSettings.timeoutMs).then(async (provider) => {
      announced = provider !== undefined;
      if (generation === this.#generation) {
        this.provider = provider ?? null;
        this.host.requestUpdate();
      }
      return provider && (await connectedKey(provider)) !== undefined ? provider : undefined;
    });
    const extension = connected.then(async (provider) => {
      if (!provider || generation !== this.#generation) return;
      extensionChosen = true;
      // Through chooseSource: a festival this site was not granted is asked for (the
      // extension's join prompt), and read through the in-page peer if declined.
      let source: WidgetSource;
      try {
        source = await chooseSource({ ...options, provider });
      } catch (error) {
        this.#failed(generation, error);
        return;
      }
      await this.#use(generation, source);
    });
    const peer = (async () => {
      let source: WidgetSource;
      try {
        source = await chooseSource({ ...options, provider: null });
      } catch (error) {
        // Without the peer, the extension may still come; else this is what the visitor sees.
        if (!(await connected)) this.#failed(generation, error);
        return;
      }
      if (announced) await connected;
      if (extensionChosen) source.close();
      else await this.#use(generation, source);
    })();
    await Promise.all([extension, peer]);
  }

  /** Loads the schedule again (coalesced: one load at a time, one more if asked meanwhile). */
  reload(): Promise<void> {
    const source = this.current;
    if (this.#reloading) {
      // A load of the source given up (the extension took over) ends at its next check, maybe after a refresh's spacing:
      // the new source's load follows it rather than being folded into it.
      if (source !== this.#reloadingSource) return this.#reloading.then(() => this.reload());
      this.#again = true;
      return this.#reloading;
    }
    if (!source) return Promise.resolve();
    this.#reloadingSource = source;
    this.#reloading = (async () => {
      do {
        // A first load may wait long for the festival to arrive: only refreshes are spaced.
        const refresh = this.data !== undefined;
        // Changes noticed meanwhile are in the load that follows the wait.
        if (refresh && this.#refreshAt > performance.now()) await new Promise((resolve) => setTimeout(resolve, this.#refreshAt - performance.now()));
        if (source !== this.current) return;
        this.#again = false;
        let started = performance.now();
        try {
          const data = await source.schedule();
          // A first load's wait for the festival to arrive is no cost of refreshing.
          if (!refresh) started = performance.now();
          // Loading and drawing are two tasks: a big schedule's parsing and its first frame never add up to one long task.
          await nextTask();
          if (source !== this.current) return;
          this.data = data;
          this.error = undefined;
          // What the in-page peer shows is kept for the next visit (./schedule-snapshot.ts).
          if (source.kind === 'peer' && this.#owned && this.host.festival) {
            const festival = this.host.festival;
            void import('./snapshot-saver.js').then(
              ({ saveSnapshot }) => saveSnapshot(festival, data),
              () => undefined,
            );
          }
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
        await this.host.updateComplete;
        // Let what brought the change (a sync storing entries) have the processors meanwhile;
        // what drawing it cost counts too (the frame after the update: style, layout and paint).
        await afterNextFrame();
        this.#refreshAt = performance.now() + RELOAD_SPACING * (performance.now() - started);
      } while (this.#again && source === this.current);
    })().finally(() => (this.#reloading = undefined));
    return this.#reloading;
  }
}
