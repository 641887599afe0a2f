/** What a replicator tells its listeners (`Replicator.on`). */
import type { Hash } from '../hash/hash.js';
import type { StoredOperation } from '../storage/store.js';

export type ReplicatorEvent =
  /** `operation`: as stored, so that a listener building a model need not read it back. */
  | { type: 'entry'; hash: Hash; publicKey: string; documentId: Hash; operation: StoredOperation; from: string | undefined }
  | { type: 'fork'; publicKey: string; logId: number; seqNum: number; from: string | undefined }
  | { type: 'offence'; peer: string; code: string; message: string }
  | { type: 'blocked'; peer: string }
  /** This peer's own store failed while taking in a peer's entry, or reading one to push to it: no offence of the peer. */
  | { type: 'store-failed'; peer: string; code: string; message: string }
  | { type: 'connected'; peer: string }
  | { type: 'disconnected'; peer: string }
  | { type: 'synced'; peer: string; festivals: Hash[] };
