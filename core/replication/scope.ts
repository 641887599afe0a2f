/**
 * Which logs belong to which festival, so that peers exchange only the festivals both take
 * part in. A document belongs to the festival its CREATE names (a festival document to
 * itself), and to every festival above that one (festivals nest through `parent`). A
 * profile belongs wherever its author has written something.
 */
import { generateHash, type Hash } from '../hash/hash.js';
import { decodeTypedOperation } from '../operation/decode-typed.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { LogInfo, Store, StoredOperation } from '../storage/store.js';
import { AUTHORIZATION_SCHEMA_ID, EVENT_SCHEMA_ID, FESTIVAL_SCHEMA_ID, PROFILE_SCHEMA_ID, RESOURCE_SCHEMA_ID } from '../festival/schemas.js';

/** How deep festivals may nest before a chain counts as broken (and loops end). */
const MAX_NESTING = 32;

/**
 * The sync target of a festival: a hash of its id, so that the id never travels in clear
 * and only peers that know it can ask for it.
 */
export function syncTarget(festivalId: Hash): string {
  return generateHash(new TextEncoder().encode(`panda-kit/sync/${festivalId}`)).slice(4);
}

/** Order in which logs are sent: what others depend on first. */
const SCHEMA_RANK = new Map<string, number>([
  [FESTIVAL_SCHEMA_ID, 0],
  [PROFILE_SCHEMA_ID, 1],
  [RESOURCE_SCHEMA_ID, 2],
  [EVENT_SCHEMA_ID, 3],
  [AUTHORIZATION_SCHEMA_ID, 4],
]);

function schemaRank(schemaId: string): number {
  return SCHEMA_RANK.get(schemaId) ?? 5;
}

/** Where a new document says it belongs, read from its CREATE. */
export type Placement = { kind: 'festival'; parent: Hash | undefined } | { kind: 'in-festival'; festival: Hash } | { kind: 'profile' } | { kind: 'other' };

export function placementOf(schemaId: string, fields: { get(name: string): unknown } | undefined): Placement {
  if (schemaId === FESTIVAL_SCHEMA_ID) {
    const parent = fields?.get('parent');
    return { kind: 'festival', parent: typeof parent === 'string' && parent !== '' ? parent : undefined };
  }
  if (schemaId === PROFILE_SCHEMA_ID) return { kind: 'profile' };
  const festival = fields?.get('festival');
  if (SCHEMA_RANK.has(schemaId) && typeof festival === 'string') return { kind: 'in-festival', festival };
  return { kind: 'other' };
}

/** The festival index of one store, kept up to date as entries arrive. */
export class ScopeIndex {
  /** Festival document id -> parent festival id (undefined at the top). */
  readonly #parents = new Map<Hash, Hash | undefined>();
  /** Document id -> the festival it belongs to directly (festivals: themselves). */
  readonly #festivalOf = new Map<Hash, Hash>();
  /** Profile document id -> author. */
  readonly #profiles = new Map<Hash, string>();
  /** Document id -> author of its CREATE. */
  readonly #owners = new Map<Hash, string>();
  /** Event id -> its start (Unix seconds) as its CREATE says; authorization id -> the event decided on. */
  readonly #starts = new Map<Hash, number>();
  readonly #eventOf = new Map<Hash, Hash>();

  constructor(private readonly schemas: SchemaRegistry) {}

  /** Reads every festival CREATE the store holds. */
  async load(store: Store): Promise<void> {
    for (const schemaId of SCHEMA_RANK.keys()) {
      for (const stored of await store.getOperationsBySchema(schemaId)) if (stored.action === 'create') this.add(stored);
    }
  }

  /** Notes a stored operation (only CREATEs say where a document belongs). */
  add(stored: StoredOperation): void {
    if (stored.action !== 'create' || this.#owners.has(stored.id)) return;
    const operation = decodeTypedOperation(stored.bytes, this.schemas.lookUp);
    this.#owners.set(stored.id, stored.publicKey);
    const placement = placementOf(stored.schemaId, operation.fields);
    if (placement.kind === 'festival') {
      this.#parents.set(stored.id, placement.parent);
      this.#festivalOf.set(stored.id, stored.id);
    } else if (placement.kind === 'in-festival') {
      this.#festivalOf.set(stored.id, placement.festival);
      const start = operation.fields?.get('start');
      const event = operation.fields?.get('event');
      if (stored.schemaId === EVENT_SCHEMA_ID && (typeof start === 'bigint' || typeof start === 'number')) this.#starts.set(stored.id, Number(start));
      if (stored.schemaId === AUTHORIZATION_SCHEMA_ID && typeof event === 'string') this.#eventOf.set(stored.id, event);
    } else if (placement.kind === 'profile') {
      this.#profiles.set(stored.id, stored.publicKey);
    }
  }

  knows(documentId: Hash): boolean {
    return this.#owners.has(documentId);
  }

  isProfile(documentId: Hash): boolean {
    return this.#profiles.has(documentId);
  }

  ownerOf(documentId: Hash): string | undefined {
    return this.#owners.get(documentId);
  }

  /** When an event starts (Unix seconds, as created), or the event an authorization is about; undefined for anything else. */
  startOf(documentId: Hash): number | undefined {
    return this.#starts.get(this.#eventOf.get(documentId) ?? documentId);
  }

  /** The festival and all festivals above it, nearest first (as far as they are known). */
  ancestry(festivalId: Hash): Hash[] {
    const chain: Hash[] = [];
    let current: Hash | undefined = festivalId;
    while (current !== undefined && chain.length < MAX_NESTING && !chain.includes(current)) {
      chain.push(current);
      current = this.#parents.get(current);
    }
    return chain;
  }

  /** Whether the festival `festivalId` lies within one of `roots` (itself or nested below). */
  within(festivalId: Hash, roots: ReadonlySet<Hash>): boolean {
    return this.ancestry(festivalId).some((id) => roots.has(id));
  }

  /** The roots a document belongs to (undefined: not a festival document, or not known yet). */
  rootsOf(documentId: Hash, roots: ReadonlySet<Hash>): Hash[] {
    const festival = this.#festivalOf.get(documentId);
    if (festival === undefined) return [];
    return this.ancestry(festival).filter((id) => roots.has(id));
  }

  /**
   * The logs within each of `roots`, by root. Profiles go with every root in which their
   * author has written anything.
   */
  logsByRoot(logs: readonly LogInfo[], roots: ReadonlySet<Hash>): Map<Hash, LogInfo[]> {
    const result = new Map<Hash, LogInfo[]>([...roots].map((root) => [root, []]));
    const authorsIn = new Map<Hash, Set<string>>([...roots].map((root) => [root, new Set()]));
    const profileLogs: LogInfo[] = [];
    for (const log of logs) {
      if (this.#profiles.has(log.documentId)) {
        profileLogs.push(log);
        continue;
      }
      for (const root of this.rootsOf(log.documentId, roots)) {
        result.get(root)!.push(log);
        authorsIn.get(root)!.add(log.publicKey);
      }
    }
    for (const log of profileLogs) {
      const author = this.#profiles.get(log.documentId)!;
      for (const root of roots) if (authorsIn.get(root)!.has(author)) result.get(root)!.push(log);
    }
    return result;
  }
}

/** A log to send, from seq `from` on. */
export interface LogToSend {
  log: LogInfo;
  from: number;
}

/**
 * What to send of `logs` to someone who holds `theirs(log)` entries of each, in the order a
 * sync and a bundle send it, so that the receiver can validate as it goes: what others build
 * on first (festivals, profiles, resources, events, authorizations); a document's own log
 * before other authors' updates to it; then by author and log id.
 *
 * With `now` (Unix seconds; syncs pass it, bundles do not), events and authorizations go
 * nearest to now first, a document's logs together: someone opening a schedule while it
 * syncs looks at today, and a visitor's page shows the day's whole programme after the day's
 * share of the festival, not after nearly all of it.
 */
export function logsToSend(index: ScopeIndex, logs: Iterable<LogInfo>, theirs: (log: LogInfo) => number, now?: number): LogToSend[] {
  const byOther = (log: LogInfo) => Number(index.ownerOf(log.documentId) !== log.publicKey);
  const distance = (log: LogInfo) => {
    const start = now === undefined ? undefined : index.startOf(log.documentId);
    return start === undefined ? Infinity : Math.abs(start - now!);
  };
  return [...logs]
    .map((log) => ({ log, from: theirs(log) + 1, distance: distance(log) }))
    .filter(({ log, from }) => log.latestSeqNum >= from)
    .sort(
      (a, b) =>
        schemaRank(a.log.schemaId) - schemaRank(b.log.schemaId) ||
        (a.distance === b.distance ? 0 : a.distance < b.distance ? -1 : 1) ||
        (a.distance === Infinity || a.log.documentId === b.log.documentId ? 0 : a.log.documentId < b.log.documentId ? -1 : 1) ||
        byOther(a.log) - byOther(b.log) ||
        (a.log.publicKey < b.log.publicKey ? -1 : a.log.publicKey > b.log.publicKey ? 1 : a.log.logId - b.log.logId),
    )
    .map(({ log, from }) => ({ log, from }));
}
