/**
 * Many entries from peers taken in at once, in arrival order: each checked on its own as it
 * came (`prepareEntry`, signatures verified side by side while the batch before is stored),
 * then all checked against the store and stored in one store batch (`Store.batch`). What the
 * checks will read of the store (logs, the operations updates follow, skiplink entries) is
 * asked for first, all at once: a store answers many reads faster together than one after
 * another (a page's IndexedDB in a request per table), and writes a batch in one transaction.
 */
import { lockFor } from '../api/lock.js';
import { storeCheckedEntry, type CheckedEntry, type PublishResult } from '../api/publish.js';
import { isPandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import { inBatch, type Store, type StoredOperation } from '../storage/store.js';
import type { IntakeFigures } from './health.js';
import { ingestChecked, isChecked, type IngestContext, type IngestResult } from './ingest.js';

/** An entry of a batch, within `roots` (none: unscoped), and how checking it on its own went. */
export interface BatchEntry {
  entry: Uint8Array;
  operation: Uint8Array;
  roots: ReadonlySet<Hash> | undefined;
  prepared: Promise<CheckedEntry | IngestResult>;
}

/** What checking `checked` against the store reads, asked for together with the rest of the batch. */
const reads = (store: Store, { entry, operation, logId }: CheckedEntry): Array<Promise<unknown>> => [
  store.getLog(entry.publicKey, logId),
  ...(operation.previous ?? []).map((id) => store.getOperation(id)),
  ...(entry.skiplink === undefined ? [] : [store.getEntryByHash(entry.skiplink)]),
];

/** The stored operation a publish result stands for. */
export function storedOperation(published: PublishResult, bytes: Uint8Array): StoredOperation {
  const { hash, documentId, operation, entry } = published;
  const stored: StoredOperation = {
    id: hash,
    documentId,
    schemaId: operation.schemaId,
    publicKey: entry.publicKey,
    logId: Number(entry.logId),
    seqNum: Number(entry.seqNum),
    action: operation.action,
    bytes,
  };
  if (operation.previous) stored.previous = operation.previous;
  return stored;
}

/** What became of each entry of `batch`, in its order; stored ones are in the scope index already. `figures` count the time it took. */
export async function ingestBatch(context: IngestContext, batch: readonly BatchEntry[], figures?: IntakeFigures): Promise<IngestResult[]> {
  const started = performance.now();
  const prepared = await Promise.all(batch.map((item) => item.prepared));
  const checked = performance.now();
  const batched = context.store.batch !== undefined;
  try {
    return await inBatch(context.store, async (store) => {
      const inside = { ...context, store };
      // Inside a store batch the storage keeps writes apart; elsewhere the author's lock does.
      const options = { now: () => context.clock.now() };
      const storeEntry = (checked: CheckedEntry) =>
        batched ? storeCheckedEntry(store, checked, options) : lockFor(store).run(checked.entry.publicKey, () => storeCheckedEntry(store, checked, options));
      await Promise.all(prepared.filter(isChecked).flatMap((checked) => reads(store, checked)));
      const results: IngestResult[] = [];
      for (const [i, item] of prepared.entries()) {
        const result = isChecked(item) ? await ingestChecked(inside, item, batch[i]!.roots, storeEntry) : item;
        // Later entries of the batch may lie in a festival or document this one creates.
        if (result.kind === 'stored') context.index.add(storedOperation(result.published, batch[i]!.operation));
        results.push(result);
      }
      return results;
    });
  } catch (error) {
    // Our own storage failed the batch: nothing of it was written, and it comes again with
    // the next sync. (The index may know documents of it meanwhile: that only lets their
    // entries in sooner, within the same festivals.)
    if (!isPandaError(error)) throw error;
    return batch.map(() => ({ kind: 'rejected', error }));
  } finally {
    figures?.took(batch.length, checked - started, performance.now() - checked);
  }
}
