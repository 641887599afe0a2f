/**
 * The ingest step, after aquadoggo's `replication/ingest.rs`: one entry from elsewhere (a
 * peer, a bundle) is checked on its own (`prepareEntry`), then against the festivals it
 * came for and the store, and stored (`ingestChecked`). It answers with what became of the entry instead of throwing for data:
 * stored, a duplicate, waiting for something it builds on, a fork, harmlessly ignored, or
 * rejected with the PandaError that says why. Only what is no PandaError (a bug) is thrown.
 */
import { lockFor } from '../api/lock.js';
import { checkEntry, storeCheckedEntry, type CheckedEntry, type PublishResult } from '../api/publish.js';
import { parseEntry, type ParsedEntry } from '../entry/decode.js';
import { isPandaError, PandaError } from '../errors.js';
import { generateHash, type Hash } from '../hash/hash.js';
import { decodeTypedOperation } from '../operation/decode-typed.js';
import type { SchemaRegistry } from '../schema/registry.js';
import type { Store } from '../storage/store.js';
import type { Clock } from './options.js';
import { placementOf, type ScopeIndex } from './scope.js';
import type { Dependency } from './waiting.js';

export type IngestResult =
  | { kind: 'stored'; published: PublishResult }
  /** The store held this very entry already. */
  | { kind: 'duplicate'; published: PublishResult }
  /** Something it builds on has not arrived. `held`: it waits already (and was checked when it started to). */
  | { kind: 'waiting'; dependency: Dependency; held: boolean }
  /** Its author signed another entry for its place in the log: kept as evidence, never stored. */
  | { kind: 'fork'; publicKey: string; logId: number; seqNum: number }
  /** Nobody's offence, not stored: data of a schema not known here (a newer version), or a seq another writer just took. */
  | { kind: 'ignored'; code: 'SCHEMA_UNKNOWN' | 'ENTRY_DUPLICATE' }
  /** Invalid (or our own store failed taking it in): never stored. */
  | { kind: 'rejected'; error: PandaError };

/** What the ingest step works with. */
export interface IngestContext {
  readonly store: Store;
  readonly schemas: SchemaRegistry;
  readonly index: ScopeIndex;
  readonly clock: Clock;
  /** Whether the entry of this hash is waiting already. */
  isWaiting(hash: Hash): boolean;
}

/**
 * A validly signed entry whose backlink names another predecessor than the one held is a
 * fork too; `publish` keeps the evidence either way.
 */
const FORK_CODES = new Set(['LOG_FORK', 'ENTRY_BACKLINK_MISMATCH']);

/**
 * The first step, without the store: the entry and its operation checked on their own
 * (`checkEntry`: signature, payload, schema). Entries are prepared many at a time while
 * earlier ones are stored. What fails here is already a result.
 */
export async function prepareEntry(schemas: SchemaRegistry, entry: Uint8Array, operation: Uint8Array): Promise<CheckedEntry | IngestResult> {
  try {
    return await checkEntry(schemas, entry, operation);
  } catch (error) {
    if (!isPandaError(error)) throw error;
    return resultOf(error, entry);
  }
}

/** Whether `prepareEntry` gave a checked entry (else the entry's result). */
export const isChecked = (prepared: CheckedEntry | IngestResult): prepared is CheckedEntry => 'hash' in prepared;

/**
 * The second step, against the store: with `roots`, the entry must lie within those
 * festivals (or nested in one): its document's festival, from its CREATE or from the
 * document it updates, decides. Only store calls are awaited, so that a batch of entries
 * can run in one store transaction (`Store.batch`); `store` stores a checked entry (under
 * the author's lock, or inside a batch).
 */
export async function ingestChecked(
  context: IngestContext,
  checked: CheckedEntry,
  roots: ReadonlySet<Hash> | undefined,
  store: (checked: CheckedEntry) => Promise<PublishResult> = (entry) => storeCheckedEntry(context.store, entry, { now: () => context.clock.now() }),
): Promise<IngestResult> {
  const { entryBytes: entry, operationBytes: operation } = checked;
  let notYet: Dependency | undefined;
  try {
    notYet = roots ? await scopeDependency(context, entry, operation, roots) : undefined;
    if (notYet === undefined) {
      const published = await store(checked);
      return { kind: published.duplicate ? 'duplicate' : 'stored', published };
    }
  } catch (error) {
    if (!isPandaError(error)) throw error;
    return resultOf(error, entry);
  }
  return waitForScope(context, checked, notYet);
}

/** Ingests one entry: both steps, the store part under the author's lock. */
export async function ingestEntry(
  context: IngestContext,
  entry: Uint8Array,
  operation: Uint8Array,
  roots: ReadonlySet<Hash> | undefined,
): Promise<IngestResult> {
  const prepared = await prepareEntry(context.schemas, entry, operation);
  if (!isChecked(prepared)) return prepared;
  return ingestChecked(context, prepared, roots, (checked) =>
    lockFor(context.store).run(checked.entry.publicKey, () => storeCheckedEntry(context.store, checked, { now: () => context.clock.now() })),
  );
}

/** What a PandaError of the scope check or of `publish` means for the entry. */
function resultOf(error: PandaError, entry: Uint8Array): IngestResult {
  if (error.code === 'LOG_SEQ_GAP') {
    const { publicKey, logId, seqNum } = error.details as { publicKey: string; logId: number; seqNum: number };
    return { kind: 'waiting', dependency: { kind: 'log-entry', publicKey, logId, seqNum: seqNum - 1 }, held: false };
  }
  if (error.code === 'DOCUMENT_UNKNOWN') {
    return { kind: 'waiting', dependency: { kind: 'operation', id: (error.details as { operationId: Hash }).operationId }, held: false };
  }
  if (FORK_CODES.has(error.code)) {
    const parsed = parseEntry(entry);
    return { kind: 'fork', publicKey: parsed.publicKey, logId: Number(parsed.logId), seqNum: Number(parsed.seqNum) };
  }
  if (error.code === 'SCHEMA_UNKNOWN' || error.code === 'ENTRY_DUPLICATE') return { kind: 'ignored', code: error.code };
  return { kind: 'rejected', error };
}

/**
 * An entry whose scope cannot be decided yet. Nothing is held on trust: it was checked on
 * its own (signed by its author, signing this operation), and it must not contradict the
 * log held here.
 */
async function waitForScope(context: IngestContext, checked: CheckedEntry, dependency: Dependency): Promise<IngestResult> {
  if (context.isWaiting(checked.hash)) return { kind: 'waiting', dependency, held: true };
  try {
    return (await recordForkIfAny(context, checked.entry, checked.entryBytes, checked.hash)) ?? { kind: 'waiting', dependency, held: false };
  } catch (error) {
    if (!isPandaError(error)) throw error;
    return { kind: 'rejected', error };
  }
}

/**
 * Whether a received entry lies within `roots`: undefined when it does, the dependency to
 * wait for while what decides it has not arrived. Throws REPLICATION_OUT_OF_SCOPE otherwise.
 */
async function scopeDependency(context: IngestContext, entry: Uint8Array, operation: Uint8Array, roots: ReadonlySet<Hash>): Promise<Dependency | undefined> {
  const { index } = context;
  const decoded = decodeTypedOperation(operation, context.schemas.lookUp);
  if (decoded.action === 'create') {
    const placement = placementOf(decoded.schemaId, decoded.fields);
    if (placement.kind === 'profile') return undefined;
    if (placement.kind === 'festival') {
      if (roots.has(generateHash(entry))) return undefined;
      if (placement.parent === undefined) throw outOfScope();
      return festivalDependency(index, placement.parent, roots);
    }
    if (placement.kind === 'in-festival') return festivalDependency(index, placement.festival, roots);
    throw outOfScope();
  }
  const previous = decoded.previous![0]!;
  const stored = await context.store.getOperation(previous);
  if (!stored) return { kind: 'operation', id: previous };
  if (index.rootsOf(stored.documentId, roots).length > 0 || index.isProfile(stored.documentId)) return undefined;
  throw outOfScope();
}

function festivalDependency(index: ScopeIndex, festivalId: Hash, roots: ReadonlySet<Hash>): Dependency | undefined {
  const chain = index.ancestry(festivalId);
  if (chain.some((id) => roots.has(id))) return undefined;
  // The top of the known chain is not known as a festival yet: wait for it.
  const top = chain.at(-1)!;
  if (!index.knows(top)) return { kind: 'operation', id: top };
  throw outOfScope();
}

function outOfScope(): PandaError {
  return new PandaError('REPLICATION_OUT_OF_SCOPE', 'The entry belongs to no festival this sync is about');
}

/**
 * An entry that cannot be placed yet may still contradict the log held here (same author,
 * log and position, or another predecessor): that is a fork whatever else is missing.
 */
async function recordForkIfAny(context: IngestContext, entry: ParsedEntry, bytes: Uint8Array, hash: Hash): Promise<IngestResult | undefined> {
  const { store } = context;
  const logId = Number(entry.logId);
  const seqNum = Number(entry.seqNum);
  const existing = await store.getEntry(entry.publicKey, logId, seqNum);
  const previous = existing || seqNum === 1 ? undefined : await store.getEntry(entry.publicKey, logId, seqNum - 1);
  const kind = existing && existing.hash !== hash ? 'seq' : previous && entry.backlink !== previous.hash ? 'backlink' : undefined;
  if (kind === undefined) return undefined;
  const stored = (existing ?? previous)!.bytes;
  const at = kind === 'seq' ? seqNum : seqNum - 1;
  await store.addForkEvidence({ publicKey: entry.publicKey, logId, seqNum: at, kind, stored, conflicting: bytes.slice(), detectedAt: context.clock.now() });
  return { kind: 'fork', publicKey: entry.publicKey, logId, seqNum };
}
