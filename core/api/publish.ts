import { toBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import { generateHash, type Hash } from '../hash/hash.js';
import { assertEntrySignature, parseEntry, plainEntry, type ParsedEntry } from '../entry/decode.js';
import { signAndEncodeEntry } from '../entry/encode.js';
import type { Entry } from '../entry/entry.js';
import { isSkiplinkRequired, lipmaa } from '../entry/lipmaa.js';
import { validateLogIntegrity, validatePayload } from '../entry/validate.js';
import type { KeyPair } from '../identity/key-pair.js';
import { decodeOperation } from '../operation/decode.js';
import { encodeOperation, type OperationArgs } from '../operation/encode.js';
import type { Operation } from '../operation/operation.js';
import { validateOperation } from '../operation/validate.js';
import type { SchemaProvider } from '../schema/registry.js';
import type { LogInfo, Store, StoredEntry } from '../storage/store.js';
import { lockFor } from './lock.js';

/** The arguments the next entry of an author needs (aquadoggo's `nextArgs`). */
export interface NextArgs {
  logId: bigint;
  seqNum: bigint;
  backlink?: Hash;
  skiplink?: Hash;
}

export interface PublishResult {
  /** Entry hash = operation id. */
  hash: Hash;
  documentId: Hash;
  entry: Entry;
  operation: Operation;
  /** True when the store already held this very entry (publishing is idempotent). */
  duplicate: boolean;
}

const PUBLISH_ATTEMPTS = 20;
function toStoredNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new PandaError('ENTRY_NUMBER_TOO_LARGE', `Panda Kit stores ${what}s up to 2^53-1, got ${value}`);
  }
  return Number(value);
}

async function documentOf(store: Store, previous: readonly Hash[]): Promise<{ documentId: Hash; schemaId: string }> {
  if (previous.length === 0) throw new PandaError('OPERATION_PREVIOUS_INVALID', 'A document view id has at least one operation id');
  let found: { documentId: Hash; schemaId: string } | undefined;
  for (const id of previous) {
    const operation = await store.getOperation(id);
    if (!operation) {
      throw new PandaError('DOCUMENT_UNKNOWN', `Previous operation ${id} is not known here yet`, { operationId: id });
    }
    if (found && found.documentId !== operation.documentId) {
      throw new PandaError('OPERATION_PREVIOUS_INVALID', 'The previous operations belong to different documents');
    }
    found = { documentId: operation.documentId, schemaId: operation.schemaId };
  }
  return found!;
}

/** Whether a document counts as deleted; by default any DELETE in the store deletes it. */
export type DeletedCheck = (documentId: Hash) => boolean | Promise<boolean>;

export interface PublishOptions {
  /**
   * Decides whether a document is deleted, for applications in which not every DELETE
   * counts (in the festival model only the owner's do).
   */
  isDeleted?: DeletedCheck;
}

/**
 * Where the next entry for `publicKey` goes: a new log for a new document (`viewId`
 * undefined), else the author's log of the document at `viewId` (or a new one if the author
 * has not written to that document yet).
 */
export async function nextArgs(store: Store, publicKey: string, viewId?: readonly Hash[], options: PublishOptions = {}): Promise<NextArgs> {
  let log: LogInfo | undefined;
  if (viewId !== undefined) {
    const { documentId } = await documentOf(store, viewId);
    // p2panda nodes refuse new operations on a deleted document, so we never write one.
    // (Received ones are still stored: see publish.)
    const isDeleted = options.isDeleted ?? (async (id: Hash) => (await store.getOperationsByDocument(id)).some((operation) => operation.action === 'delete'));
    if (await isDeleted(documentId)) {
      throw new PandaError('DOCUMENT_DELETED', `Document ${documentId} was deleted; it takes no further changes`, { documentId });
    }
    log = await store.getLogForDocument(publicKey, documentId);
  }
  if (!log) {
    const logs = await store.getLogs(publicKey);
    const logId = logs.reduce((next, { logId }) => Math.max(next, logId + 1), 0);
    return { logId: BigInt(logId), seqNum: 1n };
  }
  const seqNum = BigInt(log.latestSeqNum + 1);
  const args: NextArgs = { logId: BigInt(log.logId), seqNum, backlink: log.latestHash };
  if (isSkiplinkRequired(seqNum)) {
    args.skiplink = (await store.getEntry(publicKey, log.logId, Number(lipmaa(seqNum))))!.hash;
  }
  return args;
}

async function recordFork(store: Store, entry: ParsedEntry, kind: 'seq' | 'backlink', stored: StoredEntry, conflicting: Uint8Array, detectedAt: number) {
  await store.addForkEvidence({
    publicKey: entry.publicKey,
    logId: stored.logId,
    seqNum: stored.seqNum,
    kind,
    stored: stored.bytes,
    conflicting,
    detectedAt,
  });
}

/**
 * An entry and its operation checked on their own, before the store is asked anything:
 * parsed, signature verified, payload hash and size, operation decoded and valid for its
 * schema. The costly part of publishing (the signature) is here, so that many entries can
 * be checked at once while others are stored.
 */
export interface CheckedEntry {
  readonly entry: ParsedEntry;
  readonly entryBytes: Uint8Array;
  readonly operationBytes: Uint8Array;
  readonly operation: Operation;
  readonly hash: Hash;
  readonly logId: number;
  readonly seqNum: number;
}

/** Checks an entry and its operation on their own (see `CheckedEntry`); rejects with the PandaError that says why not. */
export async function checkEntry(schemas: SchemaProvider, entryBytes: Uint8Array, operationBytes: Uint8Array): Promise<CheckedEntry> {
  const entry = parseEntry(entryBytes);
  await assertEntrySignature(entry);
  validatePayload(entry, operationBytes);
  const plain = decodeOperation(operationBytes);
  const schema = await schemas.get(plain.schemaId);
  if (!schema) throw new PandaError('SCHEMA_UNKNOWN', `Schema ${plain.schemaId} is not known here`, { schemaId: plain.schemaId });
  const operation = validateOperation(plain, schema);
  const hash = generateHash(entryBytes);
  return {
    entry,
    entryBytes,
    operationBytes,
    operation,
    hash,
    logId: toStoredNumber(entry.logId, 'log id'),
    seqNum: toStoredNumber(entry.seqNum, 'sequence number'),
  };
}

export interface StoreOptions {
  ownFresh?: boolean;
  now?: () => number;
}

/**
 * Stores a checked entry after checking it against what the store holds: log position (seq
 * continuity, backlink and skiplink), document and log consistency; forks are kept as
 * evidence. Only store calls are awaited here, so it may run inside a store batch.
 *
 * `ownFresh`: the entry was just signed here and has never left this device. If its position
 * is taken, another writer on this database won a race; that is no fork (the entry is
 * dropped and signed again), so it is reported as ENTRY_DUPLICATE without evidence.
 * `now` dates fork evidence (replication passes its clock).
 */
export async function storeCheckedEntry(store: Store, checked: CheckedEntry, { ownFresh = false, now = Date.now }: StoreOptions = {}): Promise<PublishResult> {
  const { entry, entryBytes, operationBytes, operation, hash, logId, seqNum } = checked;
  const { publicKey } = entry;
  const log = await store.getLog(publicKey, logId);
  const held = log?.latestSeqNum ?? 0;
  // A log holds no entry after its head: only a position up to it can be taken.
  const existing = seqNum <= held ? await store.getEntry(publicKey, logId, seqNum) : undefined;
  if (existing) {
    if (existing.hash === hash) {
      const { documentId } = (await store.getOperation(hash))!;
      return { hash, documentId, entry: plainEntry(entry), operation, duplicate: true };
    }
    if (ownFresh) throw new PandaError('ENTRY_DUPLICATE', `Seq ${seqNum} of log ${logId} was just taken by another writer`);
    await recordFork(store, entry, 'seq', existing, entryBytes, now());
    throw new PandaError('LOG_FORK', `Author ${publicKey} signed two different entries at seq ${seqNum} of log ${logId}`, {
      publicKey,
      logId,
      seqNum,
    });
  }

  if (ownFresh && seqNum <= held) throw new PandaError('ENTRY_DUPLICATE', `Seq ${seqNum} of log ${logId} was just taken by another writer`);
  if (seqNum !== held + 1) {
    throw new PandaError('LOG_SEQ_GAP', `Log ${logId} of ${publicKey} holds entries up to ${held}; entry ${seqNum} cannot follow yet`, {
      publicKey,
      logId,
      held,
      seqNum,
    });
  }
  const skiplinkEntry = entry.skiplink === undefined ? undefined : await store.getEntry(publicKey, logId, Number(lipmaa(entry.seqNum)));
  try {
    validateLogIntegrity(entry, { backlink: log?.latestHash, skiplink: skiplinkEntry?.hash });
  } catch (error) {
    if ((error as PandaError).code === 'ENTRY_BACKLINK_MISMATCH') {
      await recordFork(store, entry, 'backlink', (await store.getEntry(publicKey, logId, held))!, entryBytes, now());
    }
    throw error;
  }

  let documentId: Hash;
  if (operation.action === 'create') {
    if (log) throw new PandaError('LOG_DOCUMENT_MISMATCH', 'A create operation starts a new log; it cannot follow other entries');
    documentId = hash;
  } else {
    const target = await documentOf(store, operation.previous!);
    documentId = target.documentId;
    if (target.schemaId !== operation.schemaId) {
      throw new PandaError('SCHEMA_MISMATCH', `Document ${documentId} has schema ${target.schemaId}, the operation says ${operation.schemaId}`);
    }
    if (log && log.documentId !== documentId) {
      throw new PandaError('LOG_DOCUMENT_MISMATCH', `Log ${logId} of ${publicKey} belongs to document ${log.documentId}, not ${documentId}`);
    }
    const authorsLog = log ?? (await store.getLogForDocument(publicKey, documentId));
    if (authorsLog && authorsLog.logId !== logId) {
      throw new PandaError('LOG_DOCUMENT_MISMATCH', `${publicKey} already writes document ${documentId} in log ${authorsLog.logId}`);
    }
  }

  const record = {
    entry: { hash, publicKey, logId, seqNum, bytes: entryBytes.slice() },
    operation: {
      id: hash,
      documentId,
      schemaId: operation.schemaId,
      publicKey,
      logId,
      seqNum,
      action: operation.action,
      ...(operation.previous ? { previous: operation.previous } : {}),
      bytes: operationBytes.slice(),
    },
    log: { publicKey, logId, documentId, schemaId: operation.schemaId, latestSeqNum: seqNum, latestHash: hash },
  };
  await store.insert(record);
  return { hash, documentId, entry: plainEntry(entry), operation, duplicate: false };
}

/**
 * Validates an entry and its operation against everything the store holds and stores them:
 * signature, payload, schema, log position (seq continuity, backlink and skiplink hashes),
 * document and log consistency. A second entry at a taken position is a fork: it is kept
 * as evidence and rejected with `LOG_FORK`. Publishing the same entry twice is harmless.
 *
 * Operations on a document that is already deleted here are stored (and ignored when the
 * document is materialised): whether a peer saw the delete first depends only on arrival
 * order, and refusing them would leave peers disagreeing about valid data for ever.
 */
export async function publish(store: Store, schemas: SchemaProvider, entry: Uint8Array | string, operation: Uint8Array | string): Promise<PublishResult> {
  const entryBytes = toBytes(entry, 'entry');
  const operationBytes = toBytes(operation, 'operation');
  const author = parseEntry(entryBytes).publicKey;
  return lockFor(store).run(author, async () => storeCheckedEntry(store, await checkEntry(schemas, entryBytes, operationBytes)));
}

/**
 * Encodes `args` as an operation, signs it into the author's right log and publishes it.
 * Returns the stored entry and operation bytes with the publish result.
 */
export async function publishOperation(
  store: Store,
  schemas: SchemaProvider,
  keyPair: KeyPair,
  args: OperationArgs,
  options: PublishOptions = {},
): Promise<PublishResult & { entryBytes: Uint8Array; operationBytes: Uint8Array }> {
  const operationBytes = encodeOperation(args);
  const publicKey = keyPair.publicKey();
  const previous = typeof args.previous === 'string' ? [args.previous] : args.previous;
  const viewId = args.action === 'create' || args.action === undefined ? undefined : previous;
  return lockFor(store).run(publicKey, async () => {
    // Another writer on the same database (a second tab, say) may take the position between
    // nextArgs and the write; the store's unique index turns that into ENTRY_DUPLICATE and
    // we sign again on top of the new head.
    for (let attempt = 1; ; attempt++) {
      const next = await nextArgs(store, publicKey, viewId, options);
      const entryBytes = await signAndEncodeEntry({ ...next, operation: operationBytes }, keyPair);
      try {
        const result = await storeCheckedEntry(store, await checkEntry(schemas, entryBytes, operationBytes), { ownFresh: true });
        return { ...result, entryBytes, operationBytes };
      } catch (error) {
        if (attempt >= PUBLISH_ATTEMPTS || (error as PandaError).code !== 'ENTRY_DUPLICATE') throw error;
        // Random back-off so that two writers in lockstep stop colliding.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 * attempt));
      }
    }
  });
}
