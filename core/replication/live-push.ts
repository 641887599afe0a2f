/**
 * Live push: an entry just stored goes at once to every connection in step (`live`) whose
 * shared festivals it lies within, and a new document's author's profile goes with it.
 */
import { isPandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import type { Store } from '../storage/store.js';
import type { Connection } from './connection.js';
import type { ReplicatorEvent } from './events.js';
import type { HeldLogs } from './held-logs.js';
import type { ScopeIndex } from './scope.js';

export interface LivePushContext {
  readonly index: ScopeIndex;
  readonly logs: HeldLogs;
  readonly store: Store;
  emit(event: ReplicatorEvent): void;
}

/** Whether `author` has written anything within `roots`. */
export function authorWithin(context: LivePushContext, author: string, roots: ReadonlySet<Hash>): boolean {
  for (const log of context.logs.of(author)) if (context.index.rootsOf(log.documentId, roots).length > 0) return true;
  return false;
}

/** Pushes a stored entry (at `seqNum` of `author`'s log of `documentId`) to the live connections it belongs to, but `from`. */
export function pushLive(
  context: LivePushContext,
  connections: Iterable<Connection>,
  stored: { entry: Uint8Array; operation: Uint8Array; documentId: Hash; author: string; seqNum: number },
  from: Connection | undefined,
): void {
  const { documentId, author } = stored;
  const profile = context.index.isProfile(documentId);
  const reached: Connection[] = [];
  for (const connection of connections) {
    if (connection === from || !connection.live) continue;
    const roots = connection.sharedRoots;
    if (context.index.rootsOf(documentId, roots).length > 0 || (profile && authorWithin(context, author, roots))) {
      connection.push(stored.entry, stored.operation);
      reached.push(connection);
    }
  }
  // A new document may be its author's first write in a festival: from now on the author's
  // profile belongs to it, but a peer already in step would only get it at the next full
  // sync, and show a key instead of a name until then. Sent after the entry, so that the
  // receiver, which ingests in order, already counts the author as within the festival.
  if (stored.seqNum === 1 && !profile && reached.length > 0) void pushProfileOf(context, author, reached);
}

/** Pushes `author`'s profile log to `connections` (receivers drop what they hold already). */
async function pushProfileOf(context: LivePushContext, author: string, connections: readonly Connection[]): Promise<void> {
  const { index, store } = context;
  try {
    for (const log of [...context.logs.of(author)]) {
      if (!index.isProfile(log.documentId)) continue;
      for (const stored of await store.getEntries(author, log.logId, 1)) {
        const operation = await store.getOperation(stored.hash);
        if (operation) for (const connection of connections) connection.push(stored.bytes, operation.bytes);
      }
    }
  } catch (error) {
    // Only a shortcut: the next full sync sends the profile anyway. Our store's fault is said.
    const code = isPandaError(error) ? error.code : 'STORE_WRITE_FAILED';
    const message = error instanceof Error ? error.message : String(error);
    for (const connection of connections) context.emit({ type: 'store-failed', peer: connection.remoteId, code, message });
  }
}
