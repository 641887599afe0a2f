import { bytesToHex, toBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import { HASH_SIZE, assertHashBytes } from '../hash/hash.js';
import { PUBLIC_KEY_SIZE, SIGNATURE_SIZE, verify } from '../identity/ed25519.js';
import { MAX_ENTRY_SIZE, MAX_OPERATION_SIZE, type Entry } from './entry.js';
import { isSkiplinkRequired } from './lipmaa.js';
import { decodeVarU64 } from './varu64.js';

/** An entry parsed from its bytes, with views on the parts signature checks need. */
export interface ParsedEntry extends Entry {
  /** The bytes the signature covers. */
  readonly signedBytes: Uint8Array;
  readonly publicKeyBytes: Uint8Array;
  readonly signatureBytes: Uint8Array;
}

/**
 * Parses an encoded entry without checking its signature. Strict: exact length, tag 0x00,
 * shortest VarU64s, well-formed hashes, links exactly where the sequence number wants them.
 * Throws a `PandaError` (ENTRY_*) for anything else.
 */
export function parseEntry(input: Uint8Array | string): ParsedEntry {
  const bytes = toBytes(input, 'entry');
  if (bytes.length > MAX_ENTRY_SIZE) {
    throw new PandaError('ENTRY_TOO_LARGE', `An entry has at most ${MAX_ENTRY_SIZE} bytes, got ${bytes.length}`);
  }
  const need = (offset: number, size: number, what: string) => {
    if (offset + size > bytes.length) {
      throw new PandaError('ENTRY_TRUNCATED', `The entry ends inside its ${what}`, { field: what });
    }
  };
  need(0, 1 + PUBLIC_KEY_SIZE, 'public key');
  if (bytes[0] !== 0) {
    throw new PandaError('ENTRY_TAG_UNSUPPORTED', `Entry tag ${bytes[0]} is not supported (p2panda entries start with 0x00)`);
  }
  let offset = 1;
  const publicKeyBytes = bytes.subarray(offset, offset + PUBLIC_KEY_SIZE);
  offset += PUBLIC_KEY_SIZE;
  const [logId, logSize] = decodeVarU64(bytes, offset, 'log id');
  offset += logSize;
  const [seqNum, seqSize] = decodeVarU64(bytes, offset, 'sequence number');
  offset += seqSize;
  if (seqNum === 0n) throw new PandaError('ENTRY_SEQ_NUM_INVALID', 'Sequence numbers start at 1, got 0');

  const readHash = (what: string) => {
    need(offset, HASH_SIZE, what);
    const hash = bytes.subarray(offset, offset + HASH_SIZE);
    assertHashBytes(hash, what);
    offset += HASH_SIZE;
    return bytesToHex(hash);
  };
  const skiplink = isSkiplinkRequired(seqNum) ? readHash('skiplink') : undefined;
  const backlink = seqNum > 1n ? readHash('backlink') : undefined;
  if (skiplink !== undefined && skiplink === backlink) {
    throw new PandaError('ENTRY_LINKS_INVALID', 'The skiplink must differ from the backlink');
  }
  const [payloadSize, payloadSizeSize] = decodeVarU64(bytes, offset, 'payload size');
  offset += payloadSizeSize;
  if (payloadSize > BigInt(MAX_OPERATION_SIZE)) {
    throw new PandaError('OPERATION_TOO_LARGE', `Operations are limited to ${MAX_OPERATION_SIZE} bytes, the entry claims ${payloadSize}`);
  }
  const payloadHash = readHash('payload hash');
  const signedBytes = bytes.subarray(0, offset);
  need(offset, SIGNATURE_SIZE, 'signature');
  const signatureBytes = bytes.subarray(offset, offset + SIGNATURE_SIZE);
  offset += SIGNATURE_SIZE;
  if (offset !== bytes.length) {
    throw new PandaError('ENTRY_TRAILING_BYTES', `The entry has ${bytes.length - offset} bytes after its signature`);
  }

  const entry: ParsedEntry = {
    publicKey: bytesToHex(publicKeyBytes),
    logId,
    seqNum,
    payloadSize,
    payloadHash,
    signature: bytesToHex(signatureBytes),
    signedBytes,
    publicKeyBytes,
    signatureBytes,
  };
  if (skiplink !== undefined) entry.skiplink = skiplink;
  if (backlink !== undefined) entry.backlink = backlink;
  return entry;
}

/** Throws `ENTRY_SIGNATURE_INVALID` unless the entry's signature is valid. */
export async function assertEntrySignature(entry: ParsedEntry): Promise<void> {
  if (!(await verify(entry.publicKeyBytes, entry.signedBytes, entry.signatureBytes))) {
    throw new PandaError('ENTRY_SIGNATURE_INVALID', `The entry's signature does not verify for author ${entry.publicKey}`, {
      publicKey: entry.publicKey,
    });
  }
}

/**
 * Decodes an entry and verifies its signature, like p2panda-js's `decodeEntry` (which
 * returns the same fields), but asynchronous and strict about encodings.
 */
export async function decodeEntry(input: Uint8Array | string): Promise<Entry> {
  const parsed = parseEntry(input);
  await assertEntrySignature(parsed);
  return plainEntry(parsed);
}

/** The `Entry` fields of a parsed entry, without its byte views. */
export function plainEntry(parsed: ParsedEntry): Entry {
  const { signedBytes: _s, publicKeyBytes: _p, signatureBytes: _g, ...entry } = parsed;
  return entry;
}
