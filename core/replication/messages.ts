/**
 * Replication messages, CBOR-encoded (cbor-x) and shaped after aquadoggo's log-height
 * replication: SyncRequest, Have, Entry, SyncDone, plus an Error sent before hanging up.
 *
 * Every message is an array whose first item is its type:
 *   [0, session, live, targets, have]   SyncRequest: the targets the initiator offers, its log heights for them
 *   [1, session, live, targets, have]   Have: the targets both share, the responder's log heights for them
 *   [2, session, entry, operation]      Entry: one entry with its operation (Panda Kit sends session 0: entries stand alone)
 *   [3, session]                        SyncDone: the sender has sent everything it will for this session
 *   [4, code, message]                  Error: why the sender is about to close the connection
 * A target is the 32-byte sync hash of a festival (`syncTarget`), never its id in clear.
 * Heights are grouped by target, then author: [[target, [[publicKey, [logId, seq, logId, seq, ...]], ...]], ...].
 */
import { Encoder } from 'cbor-x';
import { hexOf, hexToBytes } from '../bytes.js';
import { MAX_ENTRY_SIZE, MAX_OPERATION_SIZE } from '../entry/entry.js';
import { PandaError } from '../errors.js';

/** Log heights: author (hex public key) -> log id -> latest sequence number held. */
export type LogHeights = Map<string, Map<number, number>>;

/** Log heights grouped by the target (hex sync hash) whose scope they are in. */
export type TargetHeights = Map<string, LogHeights>;

export type Message =
  | { type: 'sync-request'; session: number; live: boolean; have: TargetHeights }
  | { type: 'have'; session: number; live: boolean; have: TargetHeights }
  | { type: 'entry'; session: number; entry: Uint8Array; operation: Uint8Array }
  | { type: 'sync-done'; session: number }
  | { type: 'error'; code: string; message: string };

const TYPES = ['sync-request', 'have', 'entry', 'sync-done', 'error'] as const;

/** Limits that keep a hostile peer from making us allocate or loop without bound. */
export const MAX_TARGETS = 256;
export const MAX_AUTHORS_PER_TARGET = 100_000;
export const MAX_LOGS_PER_AUTHOR = 100_000;
/** The largest message: an entry with the largest operation, and room for framing. */
export const MAX_MESSAGE_SIZE = MAX_OPERATION_SIZE + MAX_ENTRY_SIZE + 64;

const cbor = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false, mapsAsObjects: false, variableMapSize: true });

function invalid(message: string): never {
  throw new PandaError('REPLICATION_MESSAGE_INVALID', message);
}

function encodeHeights(have: TargetHeights): unknown[] {
  const targets: unknown[] = [];
  for (const [target, authors] of [...have].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const list: unknown[] = [];
    for (const [publicKey, logs] of authors) {
      const flat: number[] = [];
      for (const [logId, seqNum] of logs) flat.push(logId, seqNum);
      list.push([hexToBytes(publicKey), flat]);
    }
    targets.push([hexToBytes(target), list]);
  }
  return targets;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function bytes32(value: unknown, what: string): string {
  if (!(value instanceof Uint8Array) || value.length !== 32) invalid(`${what} is 32 bytes`);
  return hexOf(value, 0, 32);
}

function decodeHeights(value: unknown): TargetHeights {
  if (!Array.isArray(value) || value.length > MAX_TARGETS) invalid(`Heights are a list of at most ${MAX_TARGETS} targets`);
  const have: TargetHeights = new Map();
  for (const group of value) {
    if (!Array.isArray(group) || group.length !== 2 || !Array.isArray(group[1])) invalid('A target group is [target, authors]');
    const target = bytes32(group[0], 'A target');
    if (have.has(target)) invalid('A target appears twice');
    const authors: LogHeights = new Map();
    const list = group[1] as unknown[];
    if (list.length > MAX_AUTHORS_PER_TARGET) invalid('Too many authors in one target');
    for (const item of list) {
      if (!Array.isArray(item) || item.length !== 2 || !Array.isArray(item[1])) invalid('An author is [public key, [log id, seq, ...]]');
      const publicKey = bytes32(item[0], 'A public key');
      const flat = item[1] as unknown[];
      if (flat.length % 2 !== 0 || flat.length > 2 * MAX_LOGS_PER_AUTHOR) invalid('Log heights come in pairs of log id and seq');
      const logs = authors.get(publicKey) ?? new Map<number, number>();
      for (let i = 0; i < flat.length; i += 2) {
        const logId = flat[i];
        const seqNum = flat[i + 1];
        if (!isCount(logId) || !isCount(seqNum) || seqNum === 0) invalid('Log ids and sequence numbers are whole numbers (seq from 1)');
        logs.set(logId, seqNum);
      }
      authors.set(publicKey, logs);
    }
    have.set(target, authors);
  }
  return have;
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
  if (type === 'error') {
    if (value.length !== 3 || typeof value[1] !== 'string' || typeof value[2] !== 'string') invalid('An error is [4, code, message]');
    return { type, code: value[1].slice(0, 64), message: value[2].slice(0, 500) };
  }
  const session = value[1];
  if (!isCount(session) || session > 0xffffffff) invalid('A session id is a 32-bit unsigned integer');
  switch (type) {
    case 'sync-request':
    case 'have':
      if (value.length !== 4 || typeof value[2] !== 'boolean') invalid(`A ${type} is [type, session, live, heights]`);
      return { type, session, live: value[2], have: decodeHeights(value[3]) };
    case 'entry': {
      const [, , entry, operation] = value as unknown[];
      if (value.length !== 4 || !(entry instanceof Uint8Array) || !(operation instanceof Uint8Array)) invalid('An entry message is [2, session, entry, operation]');
      if (entry.length > MAX_ENTRY_SIZE) invalid(`Entries are at most ${MAX_ENTRY_SIZE} bytes`);
      if (operation.length > MAX_OPERATION_SIZE) invalid(`Operations are at most ${MAX_OPERATION_SIZE} bytes`);
      return { type, session, entry, operation };
    }
    case 'sync-done':
      if (value.length !== 2) invalid('A sync-done is [3, session]');
      return { type, session };
  }
}
