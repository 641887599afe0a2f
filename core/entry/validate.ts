import { bytesToHex } from '../bytes.js';
import { PandaError } from '../errors.js';
import { hashBytes, type Hash } from '../hash/hash.js';
import type { Entry } from './entry.js';
import { lipmaa } from './lipmaa.js';

/** Throws unless `operation` is exactly the payload the entry claims (size, then hash). */
export function validatePayload(entry: Entry, operation: Uint8Array): void {
  if (entry.payloadSize !== BigInt(operation.length)) {
    throw new PandaError('ENTRY_PAYLOAD_SIZE_MISMATCH', `The entry claims a ${entry.payloadSize}-byte operation, got ${operation.length} bytes`);
  }
  if (entry.payloadHash !== bytesToHex(hashBytes(operation))) {
    throw new PandaError('ENTRY_PAYLOAD_HASH_MISMATCH', 'The operation does not match the payload hash the entry signs');
  }
}

/** The stored neighbours an entry links to: hashes of the entries at those positions. */
export interface LogLinks {
  /** Hash of the stored entry at seqNum - 1 (undefined if the log does not hold it). */
  backlink?: Hash | undefined;
  /** Hash of the stored entry at lipmaa(seqNum) (undefined if the log does not hold it). */
  skiplink?: Hash | undefined;
}

/**
 * Checks an entry's place in its log against what is stored: the entries its backlink and
 * skiplink name must be the ones the log holds at seqNum - 1 and lipmaa(seqNum).
 */
export function validateLogIntegrity(entry: Entry, stored: LogLinks): void {
  const where = { publicKey: entry.publicKey, logId: entry.logId.toString(), seqNum: entry.seqNum.toString() };
  if (entry.backlink !== undefined) {
    if (stored.backlink === undefined) {
      throw new PandaError('ENTRY_BACKLINK_MISSING', `The log does not hold entry ${entry.seqNum - 1n} that entry ${entry.seqNum} links back to`, where);
    }
    if (stored.backlink !== entry.backlink) {
      throw new PandaError('ENTRY_BACKLINK_MISMATCH', `The backlink of entry ${entry.seqNum} is not the hash of entry ${entry.seqNum - 1n} in the log`, where);
    }
  }
  if (entry.skiplink !== undefined) {
    const target = lipmaa(entry.seqNum);
    if (stored.skiplink === undefined) {
      throw new PandaError('ENTRY_SKIPLINK_MISSING', `The log does not hold entry ${target} that entry ${entry.seqNum} skips to`, where);
    }
    if (stored.skiplink !== entry.skiplink) {
      throw new PandaError('ENTRY_SKIPLINK_MISMATCH', `The skiplink of entry ${entry.seqNum} is not the hash of entry ${target} in the log`, where);
    }
  }
}
