/**
 * The provider behind a component that is not tied to one festival's data
 * (`<panda-festival-form>`): the host's `provider` property when set (the planner passes an
 * adapter over its own messaging), else the page's extension, discovered. Says whether this
 * site is connected, looks again when the page's `<panda-connect>` connects or disconnects,
 * and calls `onChange` then and whenever the extension reports changed festival data.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { PandaProvider } from '../lib/source.js';
import { connectedKey, findProvider } from '../lib/sources.js';
import { sourceSettings } from './source-controller.js';

export interface ProviderHost extends ReactiveControllerHost, HTMLElement {
  /** Injected provider; null means "there is none" (no discovery). */
  provider: PandaProvider | null | undefined;
  readonly hasUpdated: boolean;
}

export class ProviderController implements ReactiveController {
  /** The provider in use (null: none on this page; undefined: still looking). */
  found: PandaProvider | null | undefined;
  /** The public key this site sees, when connected. */
  publicKey: string | undefined;
  #for: PandaProvider | null | undefined;
  #generation = 0;
  readonly #changed = () => this.onChange();
  readonly #again = () => void this.find(true);

  constructor(
    private readonly host: ProviderHost,
    private readonly onChange: () => void,
  ) {
    host.addController(this);
  }

  /** The provider to sign and publish through: the one found, once this site is connected to it. */
  get publisher(): PandaProvider | undefined {
    return this.publicKey ? (this.found ?? undefined) : undefined;
  }

  hostConnected(): void {
    document.addEventListener('panda-connect', this.#again);
    document.addEventListener('panda-disconnect', this.#again);
    void this.find(true);
  }

  hostUpdate(): void {
    if (this.host.provider !== this.#for && this.host.hasUpdated) void this.find(true);
  }

  hostDisconnected(): void {
    document.removeEventListener('panda-connect', this.#again);
    document.removeEventListener('panda-disconnect', this.#again);
    this.#generation++;
    this.#listen(undefined);
  }

  #listen(provider: PandaProvider | null | undefined): void {
    if (this.found) this.found.removeListener('festivalChanged', this.#changed);
    this.found = provider;
    provider?.on('festivalChanged', this.#changed);
  }

  /** Looks for the provider (again, when `rediscover`) and whether this site is connected. */
  async find(rediscover = false): Promise<void> {
    const generation = ++this.#generation;
    const injected = this.host.provider;
    this.#for = injected;
    let provider = injected;
    if (provider === undefined)
      provider = !rediscover && this.found !== undefined ? this.found : ((await findProvider(window, sourceSettings.timeoutMs)) ?? null);
    if (generation !== this.#generation) return;
    this.#listen(provider);
    this.publicKey = provider ? await connectedKey(provider) : undefined;
    if (generation !== this.#generation) return;
    this.host.requestUpdate();
    this.onChange();
  }
}
