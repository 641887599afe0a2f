/**
 * The festivals this extension replicates, and where their peers meet: the y-webrtc
 * signaling servers a festival's site named when it asked to join, and the festival's
 * secret (which encrypts signaling, as y-webrtc's room password does). Kept in
 * `storage.local`, so the peer rejoins them after a browser restart.
 */
import { isHash, type Hash } from '../../core/index.js';
import type { PeerConfig } from '../peer/peer-link.js';
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';
import { StoredRecords, type KeyValueStorage } from './stored-records.js';

export interface FestivalSetting {
  festivalId: Hash;
  signaling: string[];
  secret?: string;
  joinedAt: number;
}

export interface JoinOptions {
  signaling: string[];
  secret?: string;
}

const STORAGE_KEY = 'festivals';
export const MAX_SIGNALING_URLS = 8;
const MAX_URL_LENGTH = 512;
const MAX_SECRET_LENGTH = 256;

function invalid(message: string): never {
  throw new ProviderRpcError(ProviderErrorCode.INVALID_PARAMS, message);
}

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
  return secret === undefined ? { signaling: [...signaling] } : { signaling: [...signaling], secret };
}

function isSetting(value: unknown): value is FestivalSetting {
  const setting = value as FestivalSetting;
  return (
    typeof setting === 'object' &&
    setting !== null &&
    isHash(setting.festivalId) &&
    Array.isArray(setting.signaling) &&
    setting.signaling.every(isSignalingUrl) &&
    (setting.secret === undefined || typeof setting.secret === 'string') &&
    typeof setting.joinedAt === 'number'
  );
}

export class FestivalSettings {
  private constructor(private readonly festivals: StoredRecords<Hash, FestivalSetting>) {}

  static async open(storage: KeyValueStorage): Promise<FestivalSettings> {
    return new FestivalSettings(await StoredRecords.open(storage, STORAGE_KEY, isSetting, (setting) => setting.festivalId));
  }

  ids(): Hash[] {
    return this.festivals.keys();
  }

  list(): FestivalSetting[] {
    return this.festivals.values().map((setting) => structuredClone(setting));
  }

  /** Joins a festival, or adds signaling servers (and sets the secret) of one already joined. Whether anything changed. */
  async join(festivalId: Hash, options: JoinOptions, now = Date.now()): Promise<boolean> {
    const current = this.festivals.get(festivalId);
    const signaling = [...new Set([...(current?.signaling ?? []), ...options.signaling])].slice(0, MAX_SIGNALING_URLS);
    const secret = options.secret ?? current?.secret;
    const next: FestivalSetting = { festivalId, signaling, ...(secret === undefined ? {} : { secret }), joinedAt: current?.joinedAt ?? now };
    if (current !== undefined && JSON.stringify(current) === JSON.stringify(next)) return false;
    await this.festivals.set(festivalId, next);
    return true;
  }

  async leave(festivalId: Hash): Promise<void> {
    await this.festivals.delete(festivalId);
  }

  /** What the peer is to do: every festival, through every signaling server any of them named. */
  peerConfig(): PeerConfig {
    const settings = this.festivals.values().sort((a, b) => a.joinedAt - b.joinedAt || (a.festivalId < b.festivalId ? -1 : 1));
    return {
      signaling: [...new Set(settings.flatMap((setting) => setting.signaling))].sort(),
      festivals: settings.map(({ festivalId, secret }) => (secret === undefined ? { festivalId } : { festivalId, secret })),
    };
  }
}
