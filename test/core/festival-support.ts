/**
 * Helpers for the document and festival tests: deterministic randomness, replaying a
 * store's entries into other stores in other orders, and a canonical snapshot of a
 * FestivalModel (its maps sorted, its queries run) to compare peers by. Not a test file.
 */
import {
  FESTIVAL_SCHEMAS,
  FestivalModel,
  FestivalNode,
  KeyPair,
  MemoryStore,
  PandaError,
  Replicator,
  toFestivalOperation,
  type FestivalOperation,
  type Hash,
  type Store,
} from '../../core/index.js';

/** 2025-06-15T15:06:40Z: a festival's first day. */
export const T0 = 1_750_000_000;
export const HOUR = 3600;
export const DAY = 24 * HOUR;

/** A key pair from one repeated byte, so ids are the same in every run. */
export const keyOf = (byte: number) => new KeyPair(byte.toString(16).padStart(2, '0').repeat(32));

/** A small seeded PRNG (mulberry32): the same seed, the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher-Yates, in place; returns the array. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An assert.throws matcher for a PandaError with `code`. */
export const hasCode = (code: string) => (error: unknown) => error instanceof PandaError && error.code === code;

// ---------------------------------------------------------------------------------------
// Replaying entries
// ---------------------------------------------------------------------------------------

export interface ExportedEntry {
  /** Index of its log in the export. */
  log: number;
  hash: Hash;
  entry: Uint8Array;
  operation: Uint8Array;
}

/** Every log of `store`, each as its entries (with operations) in seq order. */
export async function exportLogs(store: Store): Promise<ExportedEntry[][]> {
  const result: ExportedEntry[][] = [];
  for (const [index, log] of (await store.getLogs()).entries()) {
    const entries = await store.getEntries(log.publicKey, log.logId, 1);
    result.push(
      await Promise.all(
        entries.map(async (entry) => ({ log: index, hash: entry.hash, entry: entry.bytes, operation: (await store.getOperation(entry.hash))!.bytes })),
      ),
    );
  }
  return result;
}

/** A random interleaving of the logs: each log's entries stay in seq order. */
export function interleave(logs: readonly ExportedEntry[][], random: () => number): ExportedEntry[] {
  const cursors = logs.map(() => 0);
  const sequence: ExportedEntry[] = [];
  for (;;) {
    const open = logs.flatMap((log, index) => (cursors[index]! < log.length ? [index] : []));
    if (open.length === 0) return sequence;
    const index = open[Math.floor(random() * open.length)]!;
    sequence.push(logs[index]![cursors[index]!++]!);
  }
}

/**
 * Publishes `sequence` into `node` as a peer receiving it would: an entry whose previous
 * operations are not known yet (DOCUMENT_UNKNOWN) waits, with the rest of its log, and is
 * tried again after the others. Returns the order the entries were stored in and how often
 * one had to wait.
 */
export async function deliver(node: FestivalNode, sequence: readonly ExportedEntry[]): Promise<{ order: Hash[]; waits: number }> {
  let pending = [...sequence];
  const order: Hash[] = [];
  let waits = 0;
  while (pending.length > 0) {
    const blocked = new Set<number>();
    const later: ExportedEntry[] = [];
    for (const item of pending) {
      if (blocked.has(item.log)) {
        later.push(item);
        continue;
      }
      try {
        const result = await node.publish(item.entry, item.operation);
        if (result.duplicate) throw new Error(`entry ${item.hash} delivered twice`);
        order.push(item.hash);
      } catch (error) {
        if (!(error instanceof PandaError) || error.code !== 'DOCUMENT_UNKNOWN') throw error;
        blocked.add(item.log);
        later.push(item);
        waits++;
      }
    }
    if (later.length === pending.length) throw new Error('no entry could be published: the export is incomplete');
    pending = later;
  }
  return { order, waits };
}

/** The festival operations a store holds, decoded. */
export async function festivalOperations(store: Store, node: FestivalNode): Promise<FestivalOperation[]> {
  const operations: FestivalOperation[] = [];
  for (const schema of FESTIVAL_SCHEMAS) {
    for (const stored of await store.getOperationsBySchema(schema.id)) operations.push(toFestivalOperation(stored, node.schemas));
  }
  return operations;
}

// ---------------------------------------------------------------------------------------
// Comparing models
// ---------------------------------------------------------------------------------------

const sortedEntries = <T>(map: ReadonlyMap<Hash, T>) => [...map].sort(([a], [b]) => compareIds(a, b));

/**
 * Everything a peer shows, in an order that does not depend on arrival: every document map,
 * deleted and invalid documents, every request's status, and the queries for every
 * festival, resource and the given users.
 */
export function snapshot(model: FestivalModel, users: readonly string[] = []) {
  return {
    festivals: sortedEntries(model.festivals),
    profiles: sortedEntries(model.profiles),
    resources: sortedEntries(model.resources),
    events: sortedEntries(model.events),
    authorizations: sortedEntries(model.authorizations),
    deleted: [...model.deleted].sort(compareIds),
    invalid: [...model.invalid].sort((a, b) => compareIds(a.id, b.id)),
    requests: sortedEntries(model.requests).map(([resource, statuses]) => [resource, sortedEntries(statuses)] as const),
    schedules: [...model.festivals.keys()].sort(compareIds).map((id) => [id, model.schedule(id)] as const),
    resourceQueries: [...model.resources.keys()].sort(compareIds).map((id) => ({
      id,
      bookings: model.bookings(id),
      freeSlots: model.freeSlots(id),
      conflicts: model.conflicts(id),
    })),
    pending: users.map((user) => [user, model.pendingFor(user)] as const),
    actsFor: users.flatMap((author) => users.map((user) => model.actsFor(author, user))),
  };
}

/** Waits until timers and promises queued so far (and those they queue) have run. */
export const settle = (ms = 25) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A store whose replicator hears of everything published, as in an application. */
export async function replicatingPeer() {
  const store = new MemoryStore();
  const node = new FestivalNode(store);
  const replicator = await Replicator.open(store);
  node.onPublish((entry, operation) => void replicator.announce(entry, operation));
  return { store, node, replicator };
}

/** How many entries `store` holds, of every log. */
export async function entryCount(store: Store): Promise<number> {
  let count = 0;
  for (const log of await store.getLogs()) count += log.latestSeqNum;
  return count;
}
