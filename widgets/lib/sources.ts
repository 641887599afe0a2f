/**
 * The three `WidgetSource`s (./source.ts) and how a widget picks one:
 *
 * - `providerSource`: the Panda Kit extension's provider, live and writable. Only for a site
 *   the person connected and granted the festival: queries of an unconnected site, or about
 *   a festival not granted, answer 4100, and connecting asks the person, so nothing here
 *   connects by itself (`<panda-connect>` does, on a click); joining a festival asks too.
 * - `staticSource`: a c3voc/frab schedule JSON file at a URL, read-only.
 * - the in-page peer (widgets/peer/in-page-source.ts), read-only: loaded with `import()`
 *   only when there is neither a `src` nor a connected extension.
 *
 * `findProvider` is the EIP-6963-style discovery: the extension's in-page script announces
 * its provider on `panda:announceProvider`, again on every `panda:requestProvider`.
 *
 * DOM-free: needs only EventTarget, CustomEvent and fetch (all in Node too).
 */
import { PandaError } from '../../core/errors.js';
import { fromFrabJson, fromProviderQueries, personName, type ScheduleData } from './schedule-data.js';
import type { CreatePeerSource, PandaProvider, WidgetSource } from './source.js';
import { isRecord } from '../../core/guards.js';

export const REQUEST_PROVIDER_EVENT = 'panda:requestProvider';
export const ANNOUNCE_PROVIDER_EVENT = 'panda:announceProvider';
/** The extension's reverse-DNS id in its announcement. */
export const PROVIDER_RDNS = 'org.pandakit.extension';
/** How long `findProvider` waits for an announcement by default (ms). */
export const FIND_PROVIDER_TIMEOUT = 300;

/** The announcement's `detail`. */
export interface ProviderAnnouncement {
  info: { uuid: string; name: string; icon: string; rdns: string };
  provider: PandaProvider;
}

/** A provider error's code (4001 rejected, 4100 not connected, 4900 unreachable, ...), if it has one. */
export const errorCode = (error: unknown): unknown => (isRecord(error) ? error.code : undefined);

const isProvider = (value: unknown): value is PandaProvider =>
  isRecord(value) && ['request', 'on', 'removeListener'].every((name) => typeof value[name] === 'function');

/**
 * The Panda Kit provider announced in `target` (the page's `window`), or undefined when none
 * answers within `timeoutMs`.
 */
export function findProvider(target: EventTarget, timeoutMs = FIND_PROVIDER_TIMEOUT): Promise<PandaProvider | undefined> {
  return new Promise((resolve) => {
    const done = (provider: PandaProvider | undefined) => {
      clearTimeout(timer);
      target.removeEventListener(ANNOUNCE_PROVIDER_EVENT, listener);
      resolve(provider);
    };
    const listener = (event: Event) => {
      const detail = (event as CustomEvent<Partial<ProviderAnnouncement> | null>).detail;
      if (detail?.info?.rdns === PROVIDER_RDNS && isProvider(detail.provider)) done(detail.provider);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    target.addEventListener(ANNOUNCE_PROVIDER_EVENT, listener);
    target.dispatchEvent(new CustomEvent(REQUEST_PROVIDER_EVENT));
  });
}

/** The public key this site sees if it is connected, else undefined; never asks the person. */
export async function connectedKey(provider: PandaProvider): Promise<string | undefined> {
  try {
    const key = await provider.request({ method: 'panda_getPublicKey' });
    return typeof key === 'string' ? key : undefined;
  } catch {
    return undefined; // 4100: not connected (or locked); 4900: unreachable
  }
}

/** The profile name of `publicKey` as the extension knows it (the `profile` query), else undefined; never fails. */
export async function profileName(provider: PandaProvider, publicKey: string): Promise<string | undefined> {
  try {
    const profile = await provider.request({ method: 'panda_query', params: { query: 'profile', publicKey } });
    return isRecord(profile) ? personName((profile as { name?: unknown }).name) : undefined;
  } catch {
    return undefined; // an extension without the query, or a locked vault
  }
}

/** Asks the person to connect this site (the extension shows its popup); resolves with the public key, rejects with 4001 if they decline. */
export async function connectProvider(provider: PandaProvider): Promise<string> {
  const result = await provider.request({ method: 'panda_connect' });
  const key = isRecord(result) ? result.publicKey : undefined;
  if (typeof key !== 'string') throw new PandaError('INPUT_INVALID', 'panda_connect did not answer with a public key');
  return key;
}

/** A source with the provider behind it: what `<panda-event-form>` and `<panda-resource>` publish through. */
export interface ProviderSource extends WidgetSource {
  readonly kind: 'extension';
  readonly provider: PandaProvider;
}

export const hasProvider = (source: WidgetSource | undefined): source is ProviderSource =>
  source?.kind === 'extension' && isProvider((source as Partial<ProviderSource>).provider);

export interface JoinOptions {
  /** y-webrtc signaling servers through which the extension can meet the festival's peers. */
  signaling?: readonly string[];
  secret?: string;
}

/**
 * The festival through a connected site's provider. If the extension does not know the
 * festival yet and `join.signaling` is given, it is asked once to join it
 * (`panda_joinFestival`); `festivalChanged` then tells when data arrives.
 */
export function providerSource(provider: PandaProvider, festivalId: string, join: JoinOptions = {}): ProviderSource {
  const listeners = new Set<() => void>();
  let joined = false;
  const query = (params: Record<string, unknown>) => provider.request({ method: 'panda_query', params });
  return {
    kind: 'extension',
    writable: true,
    provider,
    async schedule(): Promise<ScheduleData> {
      const [festival, schedule] = await Promise.all([query({ query: 'festival', festivalId }), query({ query: 'schedule', festivalId })]);
      const known = isRecord(festival) && (festival as { festival?: unknown }).festival;
      if (!known && !joined && (join.signaling?.length ?? 0) > 0) {
        joined = true;
        const params: Record<string, unknown> = { festivalId, signaling: [...join.signaling!] };
        if (join.secret) params.secret = join.secret;
        await provider.request({ method: 'panda_joinFestival', params }).catch(() => undefined);
      }
      return fromProviderQueries(festival, schedule, { source: 'extension', readOnly: false });
    },
    subscribe(listener) {
      const wrapped = () => listener();
      listeners.add(wrapped);
      provider.on('festivalChanged', wrapped);
      return () => {
        listeners.delete(wrapped);
        provider.removeListener('festivalChanged', wrapped);
      };
    },
    query,
    close() {
      for (const listener of listeners) provider.removeListener('festivalChanged', listener);
      listeners.clear();
    },
  };
}

type Fetch = (input: string) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** A c3voc/frab schedule JSON file (read-only; fetched once, again after a failure). */
export function staticSource(url: string, fetchFn: Fetch = (input) => globalThis.fetch(input)): WidgetSource {
  let loading: Promise<ScheduleData> | undefined;
  const load = async () => {
    const response = await fetchFn(url);
    if (!response.ok) throw new PandaError('SCHEDULE_INVALID', `The schedule could not be loaded (HTTP ${response.status})`, { status: response.status });
    return fromFrabJson(await response.text());
  };
  return {
    kind: 'frab',
    writable: false,
    schedule() {
      loading ??= load().catch((error: unknown) => {
        loading = undefined;
        throw error;
      });
      return loading;
    },
    subscribe: () => () => {},
    query: () => Promise.reject(new PandaError('INPUT_INVALID', 'A static schedule has no resources to query')),
    close() {},
  };
}

export interface ChooseOptions {
  festivalId: string;
  /** A frab/c3voc JSON URL: shown read-only, whatever else there is. */
  src?: string | undefined;
  signaling?: readonly string[] | undefined;
  secret?: string | undefined;
  /** The provider if already looked for (null: there is none); else `findProvider(target)`. */
  provider?: PandaProvider | null | undefined;
  /** Where to look for the provider; default globalThis (the page's window). */
  target?: EventTarget;
  timeoutMs?: number;
  fetch?: Fetch;
  /** Loads the in-page peer; default `import('../peer/in-page-source.js')` (its own chunk). */
  loadPeer?: () => Promise<CreatePeerSource>;
}

const loadInPagePeer = async (): Promise<CreatePeerSource> => (await import('../peer/in-page-source.js')).createPeerSource;

/**
 * Whether a connected site may show `festivalId` through the extension: the extension shows
 * a site only the festivals it was granted (4100 for any other, as if it did not exist). A
 * festival not granted yet, with signaling servers to meet its peers, is asked for once:
 * the extension's join prompt names it and the servers. Declined, refused or without
 * servers: false, and the widget reads the festival through the in-page peer instead.
 */
async function grantedFestival(provider: PandaProvider, festivalId: string, join: JoinOptions): Promise<boolean> {
  try {
    const granted = await provider.request({ method: 'panda_festivals' });
    if (Array.isArray(granted) && granted.includes(festivalId)) return true;
    if ((join.signaling?.length ?? 0) === 0) return false;
    const params: Record<string, unknown> = { festivalId, signaling: [...join.signaling!] };
    if (join.secret) params.secret = join.secret;
    return (await provider.request({ method: 'panda_joinFestival', params })) === true;
  } catch {
    return false;
  }
}

/**
 * The source a widget shows: `src` given → the static file; a provider this site is
 * connected to and granted the festival (or that joins it, asking the person) → the
 * provider; else the in-page peer (read-only).
 */
export async function chooseSource(options: ChooseOptions): Promise<WidgetSource> {
  if (options.src) return staticSource(options.src, options.fetch);
  const provider = options.provider === undefined ? await findProvider(options.target ?? globalThis, options.timeoutMs) : options.provider;
  const join: JoinOptions = {};
  if (options.signaling) join.signaling = options.signaling;
  if (options.secret) join.secret = options.secret;
  if (provider && (await connectedKey(provider)) !== undefined && (await grantedFestival(provider, options.festivalId, join)))
    return providerSource(provider, options.festivalId, join);
  const createPeerSource = await (options.loadPeer ?? loadInPagePeer)();
  return createPeerSource({ festivalId: options.festivalId, signaling: [...(options.signaling ?? [])], ...(options.secret ? { secret: options.secret } : {}) });
}
