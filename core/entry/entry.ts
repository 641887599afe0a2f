import type { Hash } from '../hash/hash.js';

/** A decoded Bamboo entry, in the shape p2panda-js's `decodeEntry` returns. */
export interface Entry {
  /** Ed25519 public key of the author, 64 hex characters. */
  publicKey: string;
  /** Log id, starting at 0. One log per document and author. */
  logId: bigint;
  /** Sequence number in the log, starting at 1. */
  seqNum: bigint;
  /** Hash of the entry at lipmaa(seqNum), when that is not the backlink. */
  skiplink?: Hash;
  /** Hash of the entry at seqNum - 1; absent on the first entry. */
  backlink?: Hash;
  /** Byte length of the encoded operation. */
  payloadSize: bigint;
  /** YASMF hash of the encoded operation. */
  payloadHash: Hash;
  /** Ed25519 signature over every entry byte before it, 128 hex characters. */
  signature: string;
}

/**
 * Size limits. An entry has a fixed layout, so its largest valid encoding is known; an
 * operation may be at most `MAX_OPERATION_SIZE` bytes, which bounds what a peer can make
 * another store or hash per entry.
 */
export const MAX_ENTRY_SIZE = 1 + 32 + 9 + 9 + 34 + 34 + 9 + 34 + 64;
export const MAX_OPERATION_SIZE = 256 * 1024;
