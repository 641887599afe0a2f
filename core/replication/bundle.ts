/**
 * Festival bundles: sync with no network at all. A bundle is a signed file (or, split up,
 * a few QR codes) holding every entry of some festivals, or only those a receiver lacks,
 * in an order a receiver can validate. Importing one puts every entry through exactly the
 * checks an entry from a peer goes through (signature, log integrity, schema, festival
 * scope), so a bundle can be passed along by anyone: it is only ever as trusted as its
 * entries' own signatures.
 *
 * Format (CBOR, cbor-x): one definite-length array of seven items,
 *
 *   [ "panda-kit/bundle",   magic (text)
 *     1,                    version
 *     [festival, ...],      festival ids, 34-byte YASMF hashes (1 to 256, no repeats)
 *     createdAt,            ms since the epoch (an unsigned integer)
 *     publicKey,            the exporter's Ed25519 public key (32 bytes)
 *     payload,              bytes: the CBOR array [[entry, operation], ...]
 *     signature ]           64 bytes, always encoded 0x58 0x40 + signature
 *
 * The signature is the exporter's over the YASMF-BLAKE3 hash of every byte of the bundle
 * before the signature item (the first `length - 66` bytes), so a bundle's origin and
 * integrity are checked before its entries are even decoded.
 */
import { Encoder } from 'cbor-x';
import { bytesToHex } from '../bytes.js';
import { MAX_ENTRY_SIZE, MAX_OPERATION_SIZE } from '../entry/entry.js';
import { isPandaError, PandaError } from '../errors.js';
import { generateHash, hashBytes, hashToBytes, isHash, type Hash } from '../hash/hash.js';
import { verifySignature, type KeyPair } from '../identity/key-pair.js';
import type { LogInfo } from '../storage/store.js';
import type { LogHeights } from './messages.js';
import { heightsOf } from './held-logs.js';
import type { Replicator } from './replicator.js';
import { logsToSend } from './scope.js';

export const BUNDLE_MAGIC = 'panda-kit/bundle';
export const BUNDLE_VERSION = 1;
/** The largest bundle read or written (bytes). */
export const MAX_BUNDLE_SIZE = 64 * 1024 * 1024;
/** The most entries one bundle holds. */
export const MAX_BUNDLE_ENTRIES = 200_000;
/** The most festivals one bundle is about. */
export const MAX_BUNDLE_FESTIVALS = 256;

const SIGNATURE_SIZE = 64;
const PUBLIC_KEY_SIZE = 32;
/** The signature item: 0x58 0x40 and the 64 signature bytes. */
const SIGNATURE_ITEM_SIZE = 2 + SIGNATURE_SIZE;
/** A CBOR array of seven items, definite length. */
const ENVELOPE_HEAD = 0x87;

const cbor = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false, mapsAsObjects: false, variableMapSize: true });

export interface BundleEntry {
  entry: Uint8Array;
  operation: Uint8Array;
}

export interface Bundle {
  /** The festivals the bundle is about: its entries are imported within their scope. */
  festivals: Hash[];
  /** When it was made (ms since the epoch), as its exporter says. */
  createdAt: number;
  /** Who made (signed) it, hex. */
  publicKey: string;
  entries: BundleEntry[];
}

export interface ExportOptions {
  /** Only what lies above these heights: a delta for someone holding them. */
  since?: LogHeights;
  /** Default: now. */
  createdAt?: number;
}

export interface ImportOptions {
  /** Take part in the bundle's festivals (`replicator.join`) before importing. */
  join?: boolean;
}

export interface ImportResult {
  festivals: Hash[];
  createdAt: number;
  /** The exporter. */
  publicKey: string;
  /** Entries stored now (including those that waited for another entry of the bundle). */
  stored: number;
  /** Entries already held. */
  duplicate: number;
  /** Entries harmlessly not stored: an unknown schema, or a fork of a log held here. */
  ignored: number;
  /** Entries still waiting for something they depend on that is neither here nor in the bundle. */
  pending: number;
  /** Invalid entries, never stored: their index in the bundle and why. */
  rejected: Array<{ index: number; code: string; message: string }>;
}

function invalid(message: string): never {
  throw new PandaError('BUNDLE_INVALID', message);
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Copies decoded bytes (cbor-x may hand out views or Node Buffers) into a plain Uint8Array. */
const own = (bytes: Uint8Array) => new Uint8Array(bytes);

/**
 * Signs and encodes a bundle of the given entries, as they are: the order is the caller's.
 * `exportBundle` is what applications want; this is for tools and tests.
 */
export async function encodeBundle(
  contents: { festivals: readonly Hash[]; createdAt: number; entries: readonly BundleEntry[] },
  signer: KeyPair,
): Promise<Uint8Array> {
  const festivals = [...new Set(contents.festivals)];
  if (festivals.length === 0 || festivals.length > MAX_BUNDLE_FESTIVALS)
    invalid(`A bundle is about 1 to ${MAX_BUNDLE_FESTIVALS} festivals, got ${festivals.length}`);
  const { createdAt } = contents;
  if (!isCount(createdAt)) invalid('createdAt is a whole number of ms since the epoch');
  if (contents.entries.length > MAX_BUNDLE_ENTRIES) invalid(`A bundle holds at most ${MAX_BUNDLE_ENTRIES} entries, got ${contents.entries.length}`);
  let size = 0;
  const pairs = contents.entries.map(({ entry, operation }) => {
    if (!(entry instanceof Uint8Array) || !(operation instanceof Uint8Array)) invalid('Entries and operations are bytes');
    size += entry.length + operation.length + 8;
    return [entry, operation];
  });
  if (size > MAX_BUNDLE_SIZE) invalid(`The bundle would exceed ${MAX_BUNDLE_SIZE} bytes: export fewer festivals, or a delta`);
  const payload = cbor.encode(pairs);
  const bytes = own(
    cbor.encode([
      BUNDLE_MAGIC,
      BUNDLE_VERSION,
      festivals.map(hashToBytes),
      BigInt(createdAt),
      signer.publicKeyBytes(),
      payload,
      new Uint8Array(SIGNATURE_SIZE),
    ]),
  );
  const unsigned = bytes.length - SIGNATURE_ITEM_SIZE;
  // cbor-x writes a 64-byte string as 0x58 0x40 + bytes; the format depends on it.
  if (bytes[0] !== ENVELOPE_HEAD || bytes[unsigned] !== 0x58 || bytes[unsigned + 1] !== SIGNATURE_SIZE) throw new Error('Unexpected bundle encoding');
  if (bytes.length > MAX_BUNDLE_SIZE) invalid(`The bundle exceeds ${MAX_BUNDLE_SIZE} bytes: export fewer festivals, or a delta`);
  bytes.set(await signer.sign(hashBytes(bytes.subarray(0, unsigned))), unsigned + 2);
  return bytes;
}

/** The logs of `replicator`'s store within `festivals`, each once. */
async function logsWithin(replicator: Replicator, festivals: readonly Hash[]): Promise<Set<LogInfo>> {
  const byRoot = replicator.index.logsByRoot(await replicator.store.getLogs(), new Set(festivals));
  return new Set([...byRoot.values()].flat());
}

/**
 * The heights of the logs held within `festivals`: what someone who wants a delta from
 * another device passes to its `exportBundle` as `since`.
 */
export async function bundleHeights(replicator: Replicator, festivals: readonly Hash[]): Promise<LogHeights> {
  return heightsOf(await logsWithin(replicator, festivals));
}

/**
 * A signed bundle of every entry of the logs within `festivals` (nested festivals, their
 * documents, and the profiles of everyone who wrote there), or, with `since`, of only the
 * entries above those heights. Ordered as a sync sends them: festivals, profiles,
 * resources, events, authorizations; a document's owner's log before others'; by log, then seq.
 */
export async function exportBundle(replicator: Replicator, festivals: Hash[], signer: KeyPair, options: ExportOptions = {}): Promise<Uint8Array> {
  for (const festival of festivals) if (!isHash(festival)) invalid(`Not a festival id: ${String(festival)}`);
  const since = options.since;
  const wanted = logsToSend(replicator.index, await logsWithin(replicator, festivals), (log) => since?.get(log.publicKey)?.get(log.logId) ?? 0);
  const store = replicator.store;
  const entries: BundleEntry[] = [];
  let size = 0;
  for (const { log, from } of wanted) {
    for (const stored of await store.getEntries(log.publicKey, log.logId, from)) {
      const operation = await store.getOperation(stored.hash);
      if (!operation) continue;
      entries.push({ entry: stored.bytes, operation: operation.bytes });
      size += stored.bytes.length + operation.bytes.length;
      if (entries.length > MAX_BUNDLE_ENTRIES || size > MAX_BUNDLE_SIZE) {
        invalid(`More than fits in one bundle (${MAX_BUNDLE_ENTRIES} entries, ${MAX_BUNDLE_SIZE} bytes): export fewer festivals, or a delta`);
      }
    }
  }
  return encodeBundle({ festivals, createdAt: options.createdAt ?? replicator.options.clock.now(), entries }, signer);
}

function bytesOf(value: unknown, what: string, size?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) invalid(`${what} is a byte string`);
  if (size !== undefined && value.length !== size) invalid(`${what} is ${size} bytes, got ${value.length}`);
  return value;
}

function decode(bytes: Uint8Array, what: string): unknown {
  try {
    return cbor.decode(bytes);
  } catch (error) {
    invalid(`${what} is not one CBOR item: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function read(bytes: Uint8Array): Promise<Bundle> {
  if (!(bytes instanceof Uint8Array)) invalid('A bundle is bytes');
  if (bytes.length > MAX_BUNDLE_SIZE) invalid(`Bundles are at most ${MAX_BUNDLE_SIZE} bytes, got ${bytes.length}`);
  if (bytes.length < 1 + 1 + BUNDLE_MAGIC.length + SIGNATURE_ITEM_SIZE || bytes[0] !== ENVELOPE_HEAD) invalid('Not a Panda Kit bundle');
  const envelope = decode(bytes, 'A bundle');
  if (!Array.isArray(envelope) || envelope.length !== 7) invalid('A bundle is an array of seven items');
  const [magic, version, festivalList, createdAt, publicKeyBytes, payload, signature] = envelope as unknown[];
  if (magic !== BUNDLE_MAGIC) invalid('Not a Panda Kit bundle');
  if (version !== BUNDLE_VERSION) invalid(`Bundle version ${String(version)} is not supported (this is version ${BUNDLE_VERSION})`);
  if (!Array.isArray(festivalList) || festivalList.length === 0 || festivalList.length > MAX_BUNDLE_FESTIVALS)
    invalid(`A bundle is about 1 to ${MAX_BUNDLE_FESTIVALS} festivals`);
  const festivals: Hash[] = [];
  for (const item of festivalList as unknown[]) {
    const id = bytesToHex(bytesOf(item, 'A festival id', 34));
    if (!isHash(id)) invalid('A festival id is a YASMF-BLAKE3 hash');
    if (festivals.includes(id)) invalid('A festival appears twice');
    festivals.push(id);
  }
  // Written as a 64-bit unsigned integer (cbor-x reads those as bigint); smaller forms are fine too.
  const created = typeof createdAt === 'bigint' && createdAt <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(createdAt) : createdAt;
  if (!isCount(created)) invalid('createdAt is a whole number of ms since the epoch');
  const publicKey = bytesToHex(bytesOf(publicKeyBytes, 'The public key', PUBLIC_KEY_SIZE));
  const body = bytesOf(payload, 'The payload');
  const sig = bytesOf(signature, 'The signature', SIGNATURE_SIZE);
  const unsigned = bytes.length - SIGNATURE_ITEM_SIZE;
  if (bytes[unsigned] !== 0x58 || bytes[unsigned + 1] !== SIGNATURE_SIZE) invalid('The signature is not where a bundle has it');
  for (let i = 0; i < SIGNATURE_SIZE; i++) if (sig[i] !== bytes[unsigned + 2 + i]) invalid('The signature is not where a bundle has it');

  if (!(await verifySignature(publicKeyBytes as Uint8Array, hashBytes(bytes.subarray(0, unsigned)), sig))) {
    throw new PandaError('BUNDLE_SIGNATURE_INVALID', `The bundle's signature by ${publicKey} is not valid: it was changed, or not made by that key`);
  }

  const pairs = decode(body, 'The payload');
  if (!Array.isArray(pairs)) invalid('The payload is an array of [entry, operation]');
  if (pairs.length > MAX_BUNDLE_ENTRIES) invalid(`A bundle holds at most ${MAX_BUNDLE_ENTRIES} entries`);
  const entries: BundleEntry[] = [];
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) invalid('An item of the payload is [entry, operation]');
    const entry = bytesOf(pair[0], 'An entry');
    const operation = bytesOf(pair[1], 'An operation');
    if (entry.length === 0 || entry.length > MAX_ENTRY_SIZE) invalid(`Entries are 1 to ${MAX_ENTRY_SIZE} bytes`);
    if (operation.length === 0 || operation.length > MAX_OPERATION_SIZE) invalid(`Operations are 1 to ${MAX_OPERATION_SIZE} bytes`);
    entries.push({ entry: own(entry), operation: own(operation) });
  }
  return { festivals, createdAt: created, publicKey, entries };
}

/**
 * Decodes a bundle and checks its signature before reading its entries (which are not
 * validated here: `importBundle` does that). Rejects with BUNDLE_INVALID for anything
 * malformed, oversized, of another format or version, and BUNDLE_SIGNATURE_INVALID for a
 * signature that does not hold; never with anything else.
 */
export async function readBundle(bytes: Uint8Array): Promise<Bundle> {
  try {
    return await read(bytes);
  } catch (error) {
    if (isPandaError(error, 'BUNDLE_INVALID') || isPandaError(error, 'BUNDLE_SIGNATURE_INVALID')) throw error;
    invalid(`Not a valid bundle: ${error instanceof Error ? error.message : String(error)}`);
  }
}

type Outcome = 'stored' | 'duplicate' | 'ignored' | 'pending' | { code: string; message: string };

async function ingest(replicator: Replicator, item: BundleEntry, roots: ReadonlySet<Hash>): Promise<Outcome> {
  try {
    return await replicator.ingest(item.entry, item.operation, roots);
  } catch (error) {
    if (!isPandaError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

/**
 * Imports a bundle: checks its signature, then validates and stores each entry exactly as
 * one received from a peer syncing the bundle's festivals (an entry outside them is
 * rejected). Invalid entries are reported and never stored; the rest are imported all the
 * same, in any order (an entry waits for what it builds on). Rejects, storing nothing, if
 * the bundle itself is malformed or its signature does not hold.
 */
export async function importBundle(replicator: Replicator, bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportResult> {
  const bundle = await readBundle(bytes);
  if (options.join) for (const festival of bundle.festivals) replicator.join(festival);
  const roots: ReadonlySet<Hash> = new Set(bundle.festivals);
  const outcomes: Outcome[] = [];
  for (const item of bundle.entries) outcomes.push(await ingest(replicator, item, roots));
  await replicator.idle();
  // Entries that waited were retried as what they waited for arrived. Those not stored now
  // are tried once more: that tells the ones still waiting from the ones found invalid then.
  for (const [index, item] of bundle.entries.entries()) {
    if (outcomes[index] !== 'pending') continue;
    if (await replicator.store.getEntryByHash(generateHash(item.entry))) {
      outcomes[index] = 'stored';
      continue;
    }
    const again = await ingest(replicator, item, roots);
    outcomes[index] = again === 'duplicate' ? 'stored' : again;
  }
  await replicator.idle();
  // A retry may have let an earlier one through.
  for (const [index, item] of bundle.entries.entries()) {
    if (outcomes[index] === 'pending' && (await replicator.store.getEntryByHash(generateHash(item.entry)))) outcomes[index] = 'stored';
  }
  const result: ImportResult = {
    festivals: bundle.festivals,
    createdAt: bundle.createdAt,
    publicKey: bundle.publicKey,
    stored: 0,
    duplicate: 0,
    ignored: 0,
    pending: 0,
    rejected: [],
  };
  for (const [index, outcome] of outcomes.entries()) {
    if (typeof outcome === 'object') result.rejected.push({ index, ...outcome });
    else result[outcome]++;
  }
  return result;
}
