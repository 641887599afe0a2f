/**
 * What each site may do: whether it is connected, and the kinds of request the person
 * allowed "always for this site". Keyed by the origin the browser reports; a frame is its
 * own origin and inherits nothing from the page around it.
 */
import { StoredRecords, type KeyValueStorage } from './stored-records.js';

export type { KeyValueStorage } from './stored-records.js';
export interface SiteGrant {
  origin: string;
  connected: boolean;
  /** Request kinds approved for good ("publish:event:create", ...). */
  always: string[];
  connectedAt: number;
}

const STORAGE_KEY = 'permissions';

function isGrant(value: unknown): value is SiteGrant {
  const grant = value as SiteGrant;
  return typeof grant === 'object' && grant !== null && typeof grant.origin === 'string' && typeof grant.connected === 'boolean' && Array.isArray(grant.always) && grant.always.every((kind) => typeof kind === 'string');
}

export class Permissions {
  private constructor(private readonly grants: StoredRecords<string, SiteGrant>) {}

  static async open(storage: KeyValueStorage): Promise<Permissions> {
    return new Permissions(await StoredRecords.open(storage, STORAGE_KEY, isGrant, (grant) => grant.origin));
  }

  isConnected(origin: string): boolean {
    return this.grants.get(origin)?.connected ?? false;
  }

  allowsAlways(origin: string, kind: string): boolean {
    const grant = this.grants.get(origin);
    return (grant?.connected ?? false) && grant!.always.includes(kind);
  }

  async connect(origin: string, now = Date.now()): Promise<void> {
    const grant = this.grants.get(origin);
    await this.grants.set(origin, { origin, connected: true, always: grant?.always ?? [], connectedAt: grant?.connectedAt ?? now });
  }

  async allowAlways(origin: string, kind: string): Promise<void> {
    const grant = this.grants.get(origin);
    if (!grant?.connected || grant.always.includes(kind)) return;
    grant.always.push(kind);
    await this.grants.save();
  }

  /** Forgets everything a site was allowed. */
  async revoke(origin: string): Promise<void> {
    await this.grants.delete(origin);
  }

  sites(): SiteGrant[] {
    return this.grants.values().map((grant) => ({ ...grant, always: [...grant.always] }));
  }
}
