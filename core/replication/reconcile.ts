/**
 * One side of a reconciliation round, as pure functions over a `LogSet`: the ranges the
 * other side sent are answered with what this side holds there.
 *
 *   they say                     we hold there                  we answer
 *   fingerprint                  the same fingerprint           nothing (in step there)
 *   fingerprint                  at most LEAF_SIZE logs         logs: the heights of all we hold there ([] for none)
 *   fingerprint                  more                           the range's four children: fingerprints, logs [] where we hold none
 *   logs: all they hold there    -                              want: our heights (0: none) of the logs we are behind in, if any;
 *                                                               and we owe them what they are behind in or lack
 *   want                         -                              nothing; we owe them what they are behind in or lack
 *
 * A log one side holds and the other does not is found like a log that grew: it changes the
 * fingerprints of its ranges, and the heights listed at the end name it (or leave it out).
 * At most LEAF_SIZE: listing two logs costs about what four fingerprints and another round do.
 */
import { equalBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import type { LogInfo } from '../storage/store.js';
import { heightsOf } from './held-logs.js';
import { childrenOf, depthOf, keyOf, keySpan, MAX_DEPTH, ROOT, type LogSet } from './log-set.js';
import type { LogHeights, Range } from './messages.js';

/** A range holding at most this many logs is answered with their heights rather than split. */
export const LEAF_SIZE = 2;

/** A log the other side lacks entries of: ours, and the seq they hold (0: none). */
export interface Owed {
  log: LogInfo;
  theirs: number;
}

export interface Answer {
  /** Our answer, in key order. */
  reply: Range[];
  owed: Owed[];
  /** The heights they told us (0s left out). */
  learned: LogHeights;
}

/** Whether a round of ranges asks for an answer (fingerprints and logs do; wants only answer). */
export function asks(ranges: Iterable<Range>): boolean {
  for (const range of ranges) if (range.kind !== 'want') return true;
  return false;
}

/** What opens a reconciliation of `set`: one fingerprint of everything (empty: we hold nothing). */
export function openingFingerprint(set: LogSet): Uint8Array {
  return set.size === 0 ? new Uint8Array(0) : set.fingerprintOf(ROOT);
}

/** Answers the ranges the other side sent for one target (checked by `decodeMessage`: real ranges, in key order, apart). */
export function answer(set: LogSet, ranges: readonly Range[]): Answer {
  const result: Answer = { reply: [], owed: [], learned: new Map() };
  for (const range of ranges) {
    const [from, to] = set.span(range.id);
    if (range.kind === 'fingerprint') answerFingerprint(set, range.id, range.fingerprint, from, to, result.reply);
    else answerHeights(set.logs.slice(from, to), range.id, range.kind, range.heights, result);
  }
  return result;
}

function answerFingerprint(set: LogSet, id: number, fingerprint: Uint8Array, from: number, to: number, reply: Range[]): void {
  if (to > from && equalBytes(set.fingerprint(from, to), fingerprint)) return;
  reply.push(...differing(set, id));
}

/** What we say of a range known to differ: all we hold there if that is little, else the fingerprints of its children. */
export function differing(set: LogSet, id: number): Range[] {
  const [from, to] = set.span(id);
  if (to - from <= LEAF_SIZE || depthOf(id) === MAX_DEPTH) return [{ id, kind: 'logs', heights: heightsOf(set.logs.slice(from, to)) }];
  return childrenOf(id).map((child) => {
    const [childFrom, childTo] = set.span(child);
    if (childFrom === childTo) return { id: child, kind: 'logs', heights: new Map() };
    return { id: child, kind: 'fingerprint', fingerprint: set.fingerprint(childFrom, childTo) };
  });
}

/** Their heights of range `id`: all they hold there (`logs`) or what they are behind in (`want`). */
function answerHeights(mine: readonly LogInfo[], id: number, kind: 'logs' | 'want', theirs: LogHeights, result: Answer): void {
  const [low, high] = keySpan(id);
  const held = new Map<string, LogInfo>();
  for (const log of mine) held.set(`${log.publicKey}/${log.logId}`, log);
  const behind: LogHeights = new Map();
  for (const [publicKey, logs] of theirs) {
    for (const [logId, seqNum] of logs) {
      const key = keyOf(publicKey, logId);
      if (key < low || key >= high) throw new PandaError('REPLICATION_MESSAGE_INVALID', `A log listed for range ${id} lies outside it`);
      if (seqNum > 0) setHeight(result.learned, publicKey, logId, seqNum);
      const log = held.get(`${publicKey}/${logId}`);
      if (kind === 'want' && log && log.latestSeqNum > seqNum) result.owed.push({ log, theirs: seqNum });
      // What we are behind in, with our height (a log we lack at 0).
      if (kind === 'logs' && (log?.latestSeqNum ?? 0) < seqNum) setHeight(behind, publicKey, logId, log?.latestSeqNum ?? 0);
    }
  }
  if (kind === 'want') return;
  for (const log of mine) {
    const seqNum = theirs.get(log.publicKey)?.get(log.logId) ?? 0;
    if (log.latestSeqNum > seqNum) result.owed.push({ log, theirs: seqNum });
  }
  if (behind.size > 0) result.reply.push({ id, kind: 'want', heights: behind });
}

function setHeight(heights: LogHeights, publicKey: string, logId: number, seqNum: number): void {
  let logs = heights.get(publicKey);
  if (!logs) heights.set(publicKey, (logs = new Map<number, number>()));
  logs.set(logId, seqNum);
}
