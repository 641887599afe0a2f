/**
 * What each site may do: whether it is connected, and the kinds of request the person
 * allowed "always for this site". Keyed by the origin the browser reports; a frame is its
 * own origin and inherits nothing from the page around it.
 */
export interface KeyValueStorage {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

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
  readonly #grants = new Map<string, SiteGrant>();

  private constructor(private readonly storage: KeyValueStorage) {}

  static async open(storage: KeyValueStorage): Promise<Permissions> {
    const permissions = new Permissions(storage);
    const stored = await storage.get(STORAGE_KEY);
    if (Array.isArray(stored)) for (const grant of stored) if (isGrant(grant)) permissions.#grants.set(grant.origin, grant);
    return permissions;
  }

  async #save(): Promise<void> {
    await this.storage.set(STORAGE_KEY, [...this.#grants.values()]);
  }

  isConnected(origin: string): boolean {
    return this.#grants.get(origin)?.connected ?? false;
  }

  allowsAlways(origin: string, kind: string): boolean {
    const grant = this.#grants.get(origin);
    return (grant?.connected ?? false) && grant!.always.includes(kind);
  }

  async connect(origin: string, now = Date.now()): Promise<void> {
    const grant = this.#grants.get(origin);
    this.#grants.set(origin, { origin, connected: true, always: grant?.always ?? [], connectedAt: grant?.connectedAt ?? now });
    await this.#save();
  }

  async allowAlways(origin: string, kind: string): Promise<void> {
    const grant = this.#grants.get(origin);
    if (!grant?.connected || grant.always.includes(kind)) return;
    grant.always.push(kind);
    await this.#save();
  }

  /** Forgets everything a site was allowed. */
  async revoke(origin: string): Promise<void> {
    if (this.#grants.delete(origin)) await this.#save();
  }

  sites(): SiteGrant[] {
    return [...this.#grants.values()].map((grant) => ({ ...grant, always: [...grant.always] }));
  }
}
