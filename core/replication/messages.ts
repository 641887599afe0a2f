/**
 * Replication messages, CBOR-encoded (cbor-x). Log-height sync is shaped after aquadoggo's
 * replication: SyncRequest, Have, Entry, SyncDone, plus an Error sent before hanging up.
 * Reconcile and Ranges let peers find the logs they differ in without sending every height
 * (range-based set reconciliation over the trie of log keys, see log-set.ts and
 * reconcile.ts); a peer may always answer in log heights instead.
 *
 * Every message is an array whose first item is its type:
 *   [0, session, live, heights]              SyncRequest: the initiator's log heights, by the targets it offers
 *   [1, session, live, heights]              Have: the responder's log heights for the targets both share
 *   [2, session, entry, operation]           Entry: one entry with its operation (Panda Kit sends session 0: entries stand alone)
 *   [3, session]                             SyncDone: the sender has sent everything it will for this session
 *   [4, code, message]                       Error: why the sender is about to close the connection
 *   [5, session, live, [target, fp, ...]]    Reconcile: the targets the initiator offers, each with the fingerprint of
 *                                            all its logs in it (16 bytes; empty: it holds none)
 *   [6, session, round, live, same, differ, ranges]
 *                                            Ranges: one round of reconciliation. Round 1 answers Reconcile: `same` and
 *                                            `differ` are the indexes (in Reconcile) of the targets both share, in step
 *                                            or not (later rounds: []); the logs of the `differ` targets together are
 *                                            then reconciled. Ranges are a flat list of [id, kind, payload]:
 *                                              id, 0, fingerprint   the sender's fingerprint of its logs in range `id`
 *                                              id, 1, heights       every log the sender holds in the range
 *                                              id, 2, heights       the sender's heights (0: none) of logs in the range it is behind in
 * A target is the 32-byte sync hash of a festival (`syncTarget`), never its id in clear.
 * Heights are grouped by target, then author: [[target, [[publicKey, [logId, seq, logId, seq, ...]], ...]], ...];
 * the heights of a range are one target's part: [[publicKey, [logId, seq, ...]], ...].
 */
import { Encoder } from 'cbor-x';
import { hexOf, hexToBytes } from '../bytes.js';
import { MAX_ENTRY_SIZE, MAX_OPERATION_SIZE } from '../entry/entry.js';
import { PandaError } from '../errors.js';
import { depthOf, FINGERPRINT_SIZE, keySpan, MAX_DEPTH } from './log-set.js';

/** Log heights: author (hex public key) -> log id -> latest sequence number held. */
export type LogHeights = Map<string, Map<number, number>>;

/** Log heights grouped by the target (hex sync hash) whose scope they are in. */
export type TargetHeights = Map<string, LogHeights>;

/** One range of a reconciliation (a node of the trie of log keys, see log-set.ts) and what its sender says of it. */
export type Range =
  /** The fingerprint of the sender's logs within the range. */
  | { id: number; kind: 'fingerprint'; fingerprint: Uint8Array }
  /** Every log the sender holds within the range, with its height. */
  | { id: number; kind: 'logs'; heights: LogHeights }
  /** The sender's heights (0: none held) of the logs within the range it lacks entries of. */
  | { id: number; kind: 'want'; heights: LogHeights };

export type Message =
  | { type: 'sync-request'; session: number; live: boolean; have: TargetHeights }
  | { type: 'have'; session: number; live: boolean; have: TargetHeights }
  | { type: 'entry'; session: number; entry: Uint8Array; operation: Uint8Array }
  | { type: 'sync-done'; session: number }
  | { type: 'error'; code: string; message: string }
  /** Fingerprints by target (hex sync hash); an empty one: the sender holds no log there. */
  | { type: 'reconcile'; session: number; live: boolean; fingerprints: Map<string, Uint8Array> }
  /** Targets by their index in the session's Reconcile; ranges in key order. */
  | { type: 'ranges'; session: number; round: number; live: boolean; same: number[]; differ: number[]; ranges: Range[] };

const TYPES = ['sync-request', 'have', 'entry', 'sync-done', 'error', 'reconcile', 'ranges'] as const;
const RANGE_KINDS = ['fingerprint', 'logs', 'want'] as const;

/** Limits that keep a hostile peer from making us allocate or loop without bound. */
export const MAX_TARGETS = 256;
export const MAX_AUTHORS_PER_TARGET = 100_000;
export const MAX_LOGS_PER_AUTHOR = 100_000;
/** Ranges in one Ranges message. */
export const MAX_RANGES = 4096;
/** Logs listed in the ranges of one Ranges message. */
export const MAX_LISTED_LOGS = 16_384;
/**
 * Rounds of one reconciliation: each goes at least one digit deeper, so honest peers are
 * done at depth MAX_DEPTH with the heights of a range and the answer to them.
 */
export const MAX_ROUNDS = MAX_DEPTH + 2;
/** The largest message: an entry with the largest operation, and room for framing. */
export const MAX_MESSAGE_SIZE = MAX_OPERATION_SIZE + MAX_ENTRY_SIZE + 64;

const cbor = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false, mapsAsObjects: false, variableMapSize: true });

function invalid(message: string): never {
  throw new PandaError('REPLICATION_MESSAGE_INVALID', message);
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** One target's heights as CBOR-ready values: [[public key bytes, [log id, seq, ...]], ...]. */
export function encodeAuthors(authors: LogHeights): unknown[] {
  const list: unknown[] = [];
  for (const [publicKey, logs] of authors) {
    const flat: number[] = [];
    for (const [logId, seqNum] of logs) flat.push(logId, seqNum);
    list.push([hexToBytes(publicKey), flat]);
  }
  return list;
}

function encodeHeights(have: TargetHeights): unknown[] {
  return [...have].sort(byKey).map(([target, authors]) => [hexToBytes(target), encodeAuthors(authors)]);
}

function encodeRanges(ranges: readonly Range[]): unknown[] {
  return ranges.flatMap((range) => [
    range.id,
    RANGE_KINDS.indexOf(range.kind),
    range.kind === 'fingerprint' ? range.fingerprint : encodeAuthors(range.heights),
  ]);
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function bytes32(value: unknown, what: string): string {
  if (!(value instanceof Uint8Array) || value.length !== 32) invalid(`${what} is 32 bytes`);
  return hexOf(value, 0, 32);
}

/** One target's heights; `minSeq` 0 lets a height say that no entry of the log is held. Throws REPLICATION_MESSAGE_INVALID. */
export function decodeAuthors(value: unknown, minSeq: number): LogHeights {
  if (!Array.isArray(value) || value.length > MAX_AUTHORS_PER_TARGET) invalid('Heights are a list of at most 100,000 authors');
  const authors: LogHeights = new Map();
  for (const item of value) {
    if (!Array.isArray(item) || item.length !== 2 || !Array.isArray(item[1])) invalid('An author is [public key, [log id, seq, ...]]');
    const publicKey = bytes32(item[0], 'A public key');
    const flat = item[1] as unknown[];
    if (flat.length % 2 !== 0 || flat.length > 2 * MAX_LOGS_PER_AUTHOR) invalid('Log heights come in pairs of log id and seq');
    const logs = authors.get(publicKey) ?? new Map<number, number>();
    for (let i = 0; i < flat.length; i += 2) {
      const logId = flat[i];
      const seqNum = flat[i + 1];
      if (!isCount(logId) || !isCount(seqNum) || seqNum < minSeq) invalid(`Log ids and sequence numbers are whole numbers (seq from ${minSeq})`);
      logs.set(logId, seqNum);
    }
    authors.set(publicKey, logs);
  }
  return authors;
}

function decodeHeights(value: unknown): TargetHeights {
  if (!Array.isArray(value) || value.length > MAX_TARGETS) invalid(`Heights are a list of at most ${MAX_TARGETS} targets`);
  const have: TargetHeights = new Map();
  for (const group of value) {
    if (!Array.isArray(group) || group.length !== 2) invalid('A target group is [target, authors]');
    const target = bytes32(group[0], 'A target');
    if (have.has(target)) invalid('A target appears twice');
    have.set(target, decodeAuthors(group[1], 1));
  }
  return have;
}

function decodeFingerprints(value: unknown): Map<string, Uint8Array> {
  if (!Array.isArray(value) || value.length % 2 !== 0 || value.length > 2 * MAX_TARGETS)
    invalid(`Fingerprints are a list of target and fingerprint, for at most ${MAX_TARGETS} targets`);
  const fingerprints = new Map<string, Uint8Array>();
  for (let i = 0; i < value.length; i += 2) {
    const target = bytes32(value[i], 'A target');
    const fingerprint: unknown = value[i + 1];
    if (!(fingerprint instanceof Uint8Array) || (fingerprint.length !== 0 && fingerprint.length !== FINGERPRINT_SIZE))
      invalid(`The fingerprint of a target is ${FINGERPRINT_SIZE} bytes (or none)`);
    if (fingerprints.has(target)) invalid('A target appears twice');
    fingerprints.set(target, fingerprint);
  }
  return fingerprints;
}

/** The targets of round 1: indexes below MAX_TARGETS, each once. */
function decodeIndexes(value: unknown, seen: Set<number>): number[] {
  if (!Array.isArray(value) || value.length > MAX_TARGETS) invalid(`Targets are a list of at most ${MAX_TARGETS} indexes`);
  for (const index of value) {
    if (!isCount(index) || index >= MAX_TARGETS || seen.has(index)) invalid(`A target index is a number below ${MAX_TARGETS}, once`);
    seen.add(index);
  }
  return value as number[];
}

/** The ranges of one round: ids of real ranges no deeper than the round, in key order without overlaps, within the limits. */
function decodeRanges(flat: unknown, round: number): Range[] {
  if (!Array.isArray(flat) || flat.length % 3 !== 0) invalid('Ranges are a flat list of [id, kind, payload]');
  if (flat.length / 3 > MAX_RANGES) invalid(`A message holds at most ${MAX_RANGES} ranges`);
  const ranges: Range[] = [];
  let covered = 0;
  let listed = 0;
  for (let j = 0; j < flat.length; j += 3) {
    const [id, kindIndex, payload] = flat.slice(j, j + 3) as unknown[];
    const depth = depthOf(id as number);
    if (depth === undefined) invalid(`A range id names a range of at most ${MAX_DEPTH} digits`);
    if (depth > round) invalid(`A range of depth ${depth} is deeper than round ${round} can reach`);
    const [from, to] = keySpan(id as number);
    if (from < covered) invalid('Ranges are in key order and do not overlap');
    covered = to;
    const kind = RANGE_KINDS[kindIndex as number];
    if (typeof kindIndex !== 'number' || kind === undefined) invalid(`Unknown range kind ${String(kindIndex)}`);
    if (kind === 'fingerprint') {
      if (!(payload instanceof Uint8Array) || payload.length !== FINGERPRINT_SIZE) invalid(`A fingerprint is ${FINGERPRINT_SIZE} bytes`);
      ranges.push({ id: id as number, kind, fingerprint: payload });
      continue;
    }
    const heights = decodeAuthors(payload, kind === 'want' ? 0 : 1);
    for (const logs of heights.values()) listed += logs.size;
    if (listed > MAX_LISTED_LOGS) invalid(`A message lists at most ${MAX_LISTED_LOGS} logs`);
    ranges.push({ id: id as number, kind, heights });
  }
  return ranges;
}

export function encodeMessage(message: Message): Uint8Array {
  switch (message.type) {
    case 'sync-request':
    case 'have':
      return cbor.encode([message.type === 'sync-request' ? 0 : 1, message.session, message.live, encodeHeights(message.have)]);
    case 'entry':
      return cbor.encode([2, message.session, message.entry, message.operation]);
    case 'sync-done':
      return cbor.encode([3, message.session]);
    case 'error':
      return cbor.encode([4, message.code, message.message]);
    case 'reconcile':
      return cbor.encode([5, message.session, message.live, [...message.fingerprints].flatMap(([target, fp]) => [hexToBytes(target), fp])]);
    case 'ranges':
      return cbor.encode([6, message.session, message.round, message.live, message.same, message.differ, encodeRanges(message.ranges)]);
  }
}

/** Decodes and checks one message; anything malformed is REPLICATION_MESSAGE_INVALID. */
export function decodeMessage(bytes: Uint8Array): Message {
  if (bytes.length > MAX_MESSAGE_SIZE) {
    throw new PandaError('REPLICATION_MESSAGE_TOO_LARGE', `Messages are limited to ${MAX_MESSAGE_SIZE} bytes, got ${bytes.length}`);
  }
  let value: unknown;
  try {
    value = cbor.decode(bytes);
  } catch (error) {
    invalid(`Not one CBOR item: ${(error as Error).message}`);
  }
  if (!Array.isArray(value) || value.length < 2) invalid('A message is an array [type, ...]');
  const type = TYPES[value[0] as number];
  if (typeof value[0] !== 'number' || type === undefined) invalid(`Unknown message type ${String(value[0])}`);
  try {
    return decodeBody(type, value);
  } catch (error) {
    // Which message was malformed, once that is known: a connection treats some faults harder than others.
    if (error instanceof PandaError) throw new PandaError(error.code, error.message, { type });
    throw error;
  }
}

function decodeBody(type: Message['type'], value: unknown[]): Message {
  if (type === 'error') {
    if (value.length !== 3 || typeof value[1] !== 'string' || typeof value[2] !== 'string') invalid('An error is [4, code, message]');
    return { type, code: value[1].slice(0, 64), message: value[2].slice(0, 500) };
  }
  const session: unknown = value[1];
  if (!isCount(session) || session > 0xffffffff) invalid('A session id is a 32-bit unsigned integer');
  switch (type) {
    case 'sync-request':
    case 'have':
      if (value.length !== 4 || typeof value[2] !== 'boolean') invalid(`A ${type} is [type, session, live, heights]`);
      return { type, session, live: value[2], have: decodeHeights(value[3]) };
    case 'entry': {
      const [, , entry, operation] = value;
      if (value.length !== 4 || !(entry instanceof Uint8Array) || !(operation instanceof Uint8Array))
        invalid('An entry message is [2, session, entry, operation]');
      if (entry.length > MAX_ENTRY_SIZE) invalid(`Entries are at most ${MAX_ENTRY_SIZE} bytes`);
      if (operation.length > MAX_OPERATION_SIZE) invalid(`Operations are at most ${MAX_OPERATION_SIZE} bytes`);
      return { type, session, entry, operation };
    }
    case 'sync-done':
      if (value.length !== 2) invalid('A sync-done is [3, session]');
      return { type, session };
    case 'reconcile':
      if (value.length !== 4 || typeof value[2] !== 'boolean') invalid('A reconcile is [5, session, live, fingerprints]');
      return { type, session, live: value[2], fingerprints: decodeFingerprints(value[3]) };
    case 'ranges': {
      const round: unknown = value[2];
      if (value.length !== 7 || typeof value[3] !== 'boolean') invalid('A ranges message is [6, session, round, live, same, differ, ranges]');
      if (!isCount(round) || round < 1 || round > MAX_ROUNDS) invalid(`A round is a number from 1 to ${MAX_ROUNDS}`);
      const seen = new Set<number>();
      const same = decodeIndexes(value[4], seen);
      const differ = decodeIndexes(value[5], seen);
      if (round > 1 && seen.size > 0) invalid('Only round 1 names targets');
      return { type, session, round, live: value[3], same, differ, ranges: decodeRanges(value[6], round) };
    }
  }
}
