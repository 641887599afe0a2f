import { toBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import { HASH_SIZE, hashBytes, hashToBytes, type Hash } from '../hash/hash.js';
import type { KeyPair } from '../identity/key-pair.js';
import { MAX_OPERATION_SIZE } from './entry.js';
import { isSkiplinkRequired } from './lipmaa.js';
import { encodeVarU64, MAX_U64 } from './varu64.js';

/** What `signAndEncodeEntry` needs; the field names are p2panda-js's. */
export interface EntryArgs {
  /** Log id, default 0. */
  logId?: bigint | number;
  /** Sequence number, default 1. */
  seqNum?: bigint | number;
  /** Hash of the entry at lipmaa(seqNum); only when that differs from seqNum - 1. */
  skiplink?: Hash;
  /** Hash of the entry at seqNum - 1; required from seqNum 2 on. */
  backlink?: Hash;
  /** The encoded operation this entry signs (bytes or hex). */
  operation: Uint8Array | string;
}

function toU64(value: bigint | number | undefined, fallback: bigint, what: string): bigint {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new PandaError('INPUT_INVALID', `The ${what} must be a whole number, got ${value}`);
  }
  const n = BigInt(value);
  if (n < 0n || n > MAX_U64) throw new PandaError('INPUT_INVALID', `The ${what} must be between 0 and 2^64-1`);
  return n;
}

/**
 * Checks the links an entry at `seqNum` must carry: none on the first entry, a backlink on
 * every later one, and a distinct skiplink exactly where lipmaa(seqNum) != seqNum - 1.
 */
export function assertLinks(seqNum: bigint, backlink: unknown, skiplink: unknown): void {
  const fail = (message: string) => {
    throw new PandaError('ENTRY_LINKS_INVALID', message, { seqNum: seqNum.toString() });
  };
  if (seqNum < 1n) throw new PandaError('ENTRY_SEQ_NUM_INVALID', 'Sequence numbers start at 1');
  if (seqNum === 1n) {
    if (backlink !== undefined || skiplink !== undefined) fail('The first entry of a log has no backlink or skiplink');
    return;
  }
  if (backlink === undefined) fail(`The entry at seq ${seqNum} needs a backlink`);
  if (isSkiplinkRequired(seqNum)) {
    if (skiplink === undefined) fail(`The entry at seq ${seqNum} needs a skiplink`);
  } else if (skiplink !== undefined) {
    fail(`The entry at seq ${seqNum} has no skiplink: its lipmaa link is its backlink`);
  }
}

/**
 * Builds, signs and encodes a Bamboo entry for `operation`: the same bytes p2panda-js's
 * `signAndEncodeEntry` returns, as a Uint8Array.
 */
export async function signAndEncodeEntry(args: EntryArgs, keyPair: KeyPair): Promise<Uint8Array> {
  const logId = toU64(args.logId, 0n, 'log id');
  const seqNum = toU64(args.seqNum, 1n, 'sequence number');
  assertLinks(seqNum, args.backlink, args.skiplink);
  if (args.skiplink !== undefined && args.skiplink === args.backlink) {
    throw new PandaError('ENTRY_LINKS_INVALID', 'The skiplink must differ from the backlink');
  }
  const operation = toBytes(args.operation, 'operation');
  if (operation.length > MAX_OPERATION_SIZE) {
    throw new PandaError('OPERATION_TOO_LARGE', `Operations are limited to ${MAX_OPERATION_SIZE} bytes, this one has ${operation.length}`);
  }

  const logBytes = encodeVarU64(logId);
  const seqBytes = encodeVarU64(seqNum);
  const sizeBytes = encodeVarU64(BigInt(operation.length));
  const skiplink = args.skiplink === undefined ? undefined : hashToBytes(args.skiplink);
  const backlink = args.backlink === undefined ? undefined : hashToBytes(args.backlink);

  const unsignedLength = 1 + 32 + logBytes.length + seqBytes.length + (skiplink ? HASH_SIZE : 0) + (backlink ? HASH_SIZE : 0) + sizeBytes.length + HASH_SIZE;
  const entry = new Uint8Array(unsignedLength + 64);
  let offset = 0;
  const put = (part: Uint8Array) => {
    entry.set(part, offset);
    offset += part.length;
  };
  entry[offset++] = 0; // tag: not end of log
  put(keyPair.publicKeyBytes());
  put(logBytes);
  put(seqBytes);
  if (skiplink) put(skiplink);
  if (backlink) put(backlink);
  put(sizeBytes);
  put(hashBytes(operation));
  entry.set(await keyPair.sign(entry.subarray(0, unsignedLength)), unsignedLength);
  return entry;
}
