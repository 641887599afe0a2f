/**
 * The festivals this extension replicates, and where their peers meet: the y-webrtc
 * signaling servers and the festival's secret (which encrypts signaling, as y-webrtc's room
 * password does). Kept in `storage.local`, so the peer rejoins them after a browser restart.
 *
 * Who joined a festival is kept with it (`sites`, oldest first). The first one's servers and
 * secret are the festival's: a later site joining the same festival is granted it but
 * changes neither (it could otherwise swap the secret or add a server that learns the
 * topic). Revoking a site removes its entry; a festival nobody is left to want is left, and
 * with it the sockets of servers only it used. Records from before sites were kept have no
 * `sites`: they are the person's, and stay until the person leaves them in the popup.
 */
import { isHash, type Hash } from '../../core/index.js';
import type { PeerConfig } from '../peer/peer-link.js';
import { invalid } from './request-params.js';
import { StoredRecords, type KeyValueStorage } from './stored-records.js';

export interface JoinOptions {
  signaling: string[];
  secret?: string;
}

/** One site's join: what it asked for, kept so the next site's servers take over if it is revoked. */
export interface SiteJoin extends JoinOptions {
  origin: string;
}

export interface FestivalSetting extends JoinOptions {
  festivalId: Hash;
  joinedAt: number;
  /** The sites that joined it, oldest first; absent: the person's own (kept on revocations). */
  sites?: SiteJoin[];
}

const STORAGE_KEY = 'festivals';
/** Servers one join may name. */
export const MAX_SIGNALING_URLS = 4;
/** Festivals one site may have joined at once. */
export const MAX_FESTIVALS_PER_SITE = 8;
/** Distinct signaling servers one site's joins may name in all. */
export const MAX_SERVERS_PER_SITE = 4;
const MAX_URL_LENGTH = 512;
const MAX_SECRET_LENGTH = 256;

function isSignalingUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !URL.canParse(value)) return false;
  const { protocol } = new URL(value);
  return protocol === 'ws:' || protocol === 'wss:';
}

/** `{ signaling?, secret? }` from a page's panda_joinFestival params; -32602 for anything else. */
export function parseJoinOptions(params: Record<string, unknown>): JoinOptions {
  const { signaling = [], secret } = params;
  if (!Array.isArray(signaling) || signaling.length > MAX_SIGNALING_URLS || !signaling.every(isSignalingUrl)) {
    invalid(`signaling is a list of at most ${MAX_SIGNALING_URLS} ws: or wss: URLs`);
  }
  if (secret !== undefined && (typeof secret !== 'string' || secret === '' || secret.length > MAX_SECRET_LENGTH)) {
    invalid(`secret is a string of 1 to ${MAX_SECRET_LENGTH} characters`);
  }
  const unique = [...new Set(signaling)];
  return secret === undefined ? { signaling: unique } : { signaling: unique, secret };
}

const isOptions = (value: JoinOptions) =>
  Array.isArray(value.signaling) && value.signaling.every(isSignalingUrl) && (value.secret === undefined || typeof value.secret === 'string');

function isSetting(value: unknown): value is FestivalSetting {
  const setting = value as FestivalSetting;
  return (
    typeof setting === 'object' &&
    setting !== null &&
    isHash(setting.festivalId) &&
    isOptions(setting) &&
    typeof setting.joinedAt === 'number' &&
    (setting.sites === undefined || (Array.isArray(setting.sites) && setting.sites.every((site) => typeof site?.origin === 'string' && isOptions(site))))
  );
}

const options = ({ signaling, secret }: JoinOptions): JoinOptions =>
  secret === undefined ? { signaling: [...signaling] } : { signaling: [...signaling], secret };

export class FestivalSettings {
  private constructor(private readonly festivals: StoredRecords<Hash, FestivalSetting>) {}

  static async open(storage: KeyValueStorage): Promise<FestivalSettings> {
    return new FestivalSettings(await StoredRecords.open(storage, STORAGE_KEY, isSetting, (setting) => setting.festivalId));
  }

  ids(): Hash[] {
    return this.festivals.keys();
  }

  get(festivalId: Hash): FestivalSetting | undefined {
    const setting = this.festivals.get(festivalId);
    return setting && structuredClone(setting);
  }

  list(): FestivalSetting[] {
    return this.festivals.values().map((setting) => structuredClone(setting));
  }

  /** Whether `origin` joined `festivalId`. */
  joinedBy(festivalId: Hash, origin: string): boolean {
    return this.festivals.get(festivalId)?.sites?.some((site) => site.origin === origin) ?? false;
  }

  /** The festivals `origin` joined, and the distinct servers it named. */
  usage(origin: string): { festivals: number; servers: Set<string> } {
    const mine = this.festivals.values().flatMap((setting) => setting.sites?.filter((site) => site.origin === origin) ?? []);
    return { festivals: mine.length, servers: new Set(mine.flatMap((site) => site.signaling)) };
  }

  /** -32602 (data.code SITE_LIMIT) when `origin` joining with `options` would pass its caps. */
  checkCaps(origin: string, options: JoinOptions): void {
    const { festivals, servers } = this.usage(origin);
    if (festivals >= MAX_FESTIVALS_PER_SITE) invalid(`A site may join at most ${MAX_FESTIVALS_PER_SITE} festivals`, { code: 'SITE_LIMIT' });
    for (const url of options.signaling) servers.add(url);
    if (servers.size > MAX_SERVERS_PER_SITE) invalid(`A site may name at most ${MAX_SERVERS_PER_SITE} signaling servers in all`, { code: 'SITE_LIMIT' });
  }

  /**
   * `origin` joins a festival with `options`. A festival already replicated keeps its servers
   * and secret (the site's are only kept for later, see the module comment). Whether the
   * peer's configuration changed.
   */
  async join(origin: string, festivalId: Hash, join: JoinOptions, now = Date.now()): Promise<boolean> {
    const current = this.festivals.get(festivalId);
    if (current?.sites?.some((site) => site.origin === origin)) return false;
    const entry: SiteJoin = { origin, ...options(join) };
    if (current === undefined) {
      await this.festivals.set(festivalId, { festivalId, ...options(join), joinedAt: now, sites: [entry] });
      return true;
    }
    // The person's own festival (no `sites`) stays the person's: the site is only recorded.
    await this.festivals.set(festivalId, { ...current, sites: [...(current.sites ?? []), entry] });
    return false;
  }

  /**
   * The person takes part in a festival from their own page (the planner): from now on it is
   * the person's (no `sites`, so no revocation removes it), through the servers and secret
   * the person gave; when it was first joined is kept. Whether the peer's configuration changed.
   */
  async joinAsPerson(festivalId: Hash, join: JoinOptions, now = Date.now()): Promise<boolean> {
    const current = this.festivals.get(festivalId);
    const next: FestivalSetting = { festivalId, ...options(join), joinedAt: current?.joinedAt ?? now };
    await this.festivals.set(festivalId, next);
    return current === undefined || JSON.stringify(options(current)) !== JSON.stringify(options(join)) || current.sites !== undefined;
  }

  /** The person leaves a festival: it is no longer replicated, whoever joined it. */
  async leave(festivalId: Hash): Promise<void> {
    await this.festivals.delete(festivalId);
  }

  /** A site was revoked: what only it wanted goes. Whether the peer's configuration changed. */
  async removeSite(origin: string): Promise<boolean> {
    let changed = false;
    for (const setting of this.festivals.values()) {
      if (!setting.sites?.some((site) => site.origin === origin)) continue;
      const sites = setting.sites.filter((site) => site.origin !== origin);
      const owner = setting.sites[0]!.origin === origin;
      if (sites.length === 0) {
        await this.festivals.delete(setting.festivalId);
        changed = true;
      } else if (owner) {
        // The next site's own servers and secret, as it asked for them when it joined.
        await this.festivals.set(setting.festivalId, { festivalId: setting.festivalId, joinedAt: setting.joinedAt, ...options(sites[0]!), sites });
        changed = true;
      } else {
        await this.festivals.set(setting.festivalId, { ...setting, sites });
      }
    }
    return changed;
  }

  /** What the peer is to do: every festival, each through its own signaling servers only. */
  peerConfig(): PeerConfig {
    const settings = this.festivals.values().sort((a, b) => a.joinedAt - b.joinedAt || (a.festivalId < b.festivalId ? -1 : 1));
    return {
      festivals: settings.map(({ festivalId, secret, signaling }) => ({
        festivalId,
        signaling: [...signaling].sort(),
        ...(secret === undefined ? {} : { secret }),
      })),
    };
  }
}
