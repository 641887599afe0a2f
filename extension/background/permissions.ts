/**
 * What each site may do: whether it is connected, the kinds of request the person allowed
 * "always for this site", and the festivals it was granted (site-scope.ts). Keyed by the origin the browser reports; a frame is its
 * own origin and inherits nothing from the page around it.
 */
import type { Hash } from '../../core/index.js';
import { StoredRecords, type KeyValueStorage } from './stored-records.js';

export type { KeyValueStorage } from './stored-records.js';
export interface SiteGrant {
  origin: string;
  connected: boolean;
  /** Request kinds approved for good ("publish:event:create", ...). */
  always: string[];
  connectedAt: number;
  /** Festivals the site may see: it created or joined them with the person's approval, or the person shared them. */
  festivals: string[];
}

const STORAGE_KEY = 'permissions';

function isGrant(value: unknown): value is SiteGrant {
  const grant = value as SiteGrant;
  return (
    typeof grant === 'object' &&
    grant !== null &&
    typeof grant.origin === 'string' &&
    typeof grant.connected === 'boolean' &&
    Array.isArray(grant.always) &&
    grant.always.every((kind) => typeof kind === 'string') &&
    (grant.festivals === undefined || (Array.isArray(grant.festivals) && grant.festivals.every((id) => typeof id === 'string')))
  );
}

export class Permissions {
  private constructor(private readonly grants: StoredRecords<string, SiteGrant>) {}

  static async open(storage: KeyValueStorage): Promise<Permissions> {
    const records = await StoredRecords.open(storage, STORAGE_KEY, isGrant, (grant) => grant.origin);
    // Grants stored before festivals were granted per site have none.
    for (const grant of records.values()) grant.festivals ??= [];
    return new Permissions(records);
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
    await this.grants.set(origin, {
      origin,
      connected: true,
      always: grant?.always ?? [],
      connectedAt: grant?.connectedAt ?? now,
      festivals: grant?.festivals ?? [],
    });
  }

  /**
   * The person took part in a festival through a join link opened on `origin`: the site is
   * granted it, now or, when it is not connected yet, once the person connects it (so the
   * page does not ask the same question again).
   */
  async grantFestivalFromLink(origin: string, festivalId: Hash, now = Date.now()): Promise<void> {
    const grant = this.grants.get(origin);
    if (grant?.festivals.includes(festivalId)) return;
    if (grant) await this.grants.set(origin, { ...grant, festivals: [...grant.festivals, festivalId] });
    else await this.grants.set(origin, { origin, connected: false, always: [], connectedAt: now, festivals: [festivalId] });
  }

  /** The festivals `origin` was granted (none unless connected). */
  festivalsOf(origin: string): Hash[] {
    const grant = this.grants.get(origin);
    return grant?.connected ? grant.festivals : [];
  }

  /** Grants a connected site a festival (created, joined or shared). */
  async grantFestival(origin: string, festivalId: Hash): Promise<void> {
    const grant = this.grants.get(origin);
    if (!grant?.connected || grant.festivals.includes(festivalId)) return;
    grant.festivals.push(festivalId);
    await this.grants.save();
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
    return this.grants.values().map((grant) => ({ ...grant, always: [...grant.always], festivals: [...grant.festivals] }));
  }
}
