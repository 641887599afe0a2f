/**
 * The reconciliation of one sync session, round by round: which targets it is about, which
 * round comes next, what it has cost, what this side owes the other, what the other said it
 * holds, and whether either side listed heights (then entries may follow, and a SyncDone
 * ends them). The connection sends and receives; this decides what to say, and when a
 * log-height sync is the better way on: when the next round would cost more than the budget
 * (about what the heights would) or go past what the other side accepts in one message.
 */
import { equalBytes } from '../bytes.js';
import { PandaError } from '../errors.js';
import type { Hash } from '../hash/hash.js';
import type { LogInfo } from '../storage/store.js';
import { ROOT, type LogSet } from './log-set.js';
import { encodeMessage, MAX_LISTED_LOGS, MAX_MESSAGE_SIZE, MAX_RANGES, type LogHeights, type Message, type Range, type TargetHeights } from './messages.js';
import { answer, asks, differing, openingFingerprint, type Owed } from './reconcile.js';

/** What a reconciliation needs of the replicator. */
export interface ReconcileHost {
  festivalOfTarget(target: string): Hash | undefined;
  /** The logs held within `roots` (each once), as a set to reconcile. */
  logSet(roots: ReadonlySet<Hash>): LogSet;
}

/** Bytes a reconciliation may cost before log heights are cheaper: this, and two per log reconciled. */
const BASE_BUDGET = 4096;

/** What to do after a round: send `say`; or go on as a log-height sync of `heights` (targets); `over`: that was the last round. */
export interface Step {
  say?: Uint8Array;
  heights?: string[];
  over: boolean;
}

type Ranges = Extract<Message, { type: 'ranges' }>;

export class Reconciliation {
  /**
   * What the other side said it holds of the logs the two differ in, by shared target (set
   * up by round 1): the logs of the targets that differ are reconciled together, so each of
   * them is told all that was learned.
   */
  readonly remote: TargetHeights = new Map();
  /** This side told heights: entries may come back, ended by a SyncDone. */
  listed = false;
  /** The other side told heights: this side ends what it sends with a SyncDone. */
  listedToUs = false;
  /** The last round has been sent or received. */
  over = false;
  /** The targets of the session's Reconcile, in its order: round 1 names them by index. */
  readonly #targets: readonly string[];
  /** Indexes of the targets both share, in step or not (set by round 1). */
  #same: number[] = [];
  #differ: number[] = [];
  /** The festivals whose logs are reconciled: those of the targets that differ. */
  readonly #roots = new Set<Hash>();
  /** The round expected next, sent or received. */
  #round = 1;
  /** Bytes of this reconciliation's messages, both ways. */
  #talked = 0;
  #budget = BASE_BUDGET;
  /** What the other side lacks, by author and log id. */
  readonly #owed = new Map<string, Owed>();
  /** What the other side said it holds, in `remote` for each target that differs. */
  readonly #learned: LogHeights = new Map();
  /** The initiator's opening fingerprints, by target index. */
  #opening: Uint8Array[] = [];

  constructor(
    readonly host: ReconcileHost,
    readonly session: number,
    readonly live: boolean,
    targets: readonly string[],
  ) {
    this.#targets = targets;
  }

  /** The initiator's start: one fingerprint of everything per target. */
  static open(host: ReconcileHost, session: number, live: boolean, targets: readonly string[]): { reconciliation: Reconciliation; message: Message } {
    const reconciliation = new Reconciliation(host, session, live, targets);
    const fingerprints = new Map(targets.map((target) => [target, reconciliation.#fingerprintOf(target)]));
    reconciliation.#opening = [...fingerprints.values()];
    const message: Message = { type: 'reconcile', session, live, fingerprints };
    reconciliation.#talked = encodeMessage(message).length;
    return { reconciliation, message };
  }

  /** The festivals of the targets both share. */
  roots(): Set<Hash> {
    const roots = new Set<Hash>();
    for (const index of [...this.#same, ...this.#differ]) {
      const festival = this.host.festivalOfTarget(this.#targets[index]!);
      if (festival !== undefined) roots.add(festival);
    }
    return roots;
  }

  /** The responder's round 1 to an opening of `size` bytes: which shared targets differ, and the first ranges of their logs. */
  opened(fingerprints: ReadonlyMap<string, Uint8Array>, size: number): Step {
    this.#talked += size;
    const same: number[] = [];
    const differ: number[] = [];
    let theyHoldNone = true;
    [...fingerprints].forEach(([target, fingerprint], index) => {
      if (this.host.festivalOfTarget(target) === undefined) return;
      if (!equalBytes(this.#fingerprintOf(target), fingerprint)) {
        differ.push(index);
        theyHoldNone &&= fingerprint.length === 0;
      } else same.push(index);
    });
    this.#take(same, differ);
    if (differ.length === 0) return this.#say([]);
    // Where they hold nothing they are sent everything; else the root differs.
    const first = theyHoldNone ? this.#answer([{ id: ROOT, kind: 'logs', heights: new Map() }]) : differing(this.host.logSet(this.#roots), ROOT);
    return this.#say(first);
  }

  /** A round of theirs (`size` bytes); undefined if it is not the one expected (repeated, late, or of another session). */
  heard(message: Ranges, size: number): Step | undefined {
    if (this.over || message.session !== this.session || message.round !== this.#round) return undefined;
    this.#talked += size;
    this.#round++;
    if (message.round === 1) {
      for (const index of [...message.same, ...message.differ]) {
        const target = this.#targets[index];
        if (target === undefined || this.host.festivalOfTarget(target) === undefined) invalid(`Round 1 names target ${index}, which was not offered`);
      }
      this.#take(message.same, message.differ);
      // Holding nothing where they differ is as if we had listed it (the responder answers so).
      this.listed = message.differ.length > 0 && message.differ.every((index) => this.#opening[index]!.length === 0);
    }
    const reply = this.#answer(message.ranges);
    if (asks(message.ranges)) return this.#say(reply);
    this.over = true;
    return { over: true };
  }

  /** The seq the other side holds of one of our logs, as far as this reconciliation found out (in step: ours). */
  theirs(log: LogInfo): number {
    return this.#owed.get(`${log.publicKey}/${log.logId}`)?.theirs ?? log.latestSeqNum;
  }

  #fingerprintOf(target: string): Uint8Array {
    return openingFingerprint(this.host.logSet(new Set([this.host.festivalOfTarget(target)!])));
  }

  #take(same: number[], differ: number[]): void {
    this.#same = same;
    this.#differ = differ;
    for (const index of same) this.remote.set(this.#targets[index]!, new Map());
    for (const index of differ) {
      this.remote.set(this.#targets[index]!, this.#learned);
      this.#roots.add(this.host.festivalOfTarget(this.#targets[index]!)!);
    }
    this.#budget = BASE_BUDGET + 2 * this.host.logSet(this.#roots).size;
  }

  /** Our answer to their ranges. */
  #answer(ranges: readonly Range[]): Range[] {
    if (ranges.length === 0) return [];
    if (this.#differ.length === 0) invalid('Ranges where no target differs');
    if (ranges.some((range) => range.kind !== 'fingerprint')) this.listedToUs = true;
    const result = answer(this.host.logSet(this.#roots), ranges);
    for (const owed of result.owed) this.#owe(owed);
    merge(this.#learned, result.learned);
    return result.reply;
  }

  #say(ranges: Range[]): Step {
    const round = this.#round;
    const [same, differ] = round === 1 ? [this.#same, this.#differ] : [[], []];
    const say = encodeMessage({ type: 'ranges', session: this.session, round, live: this.live, same, differ, ranges });
    const listedLogs = ranges.reduce(
      (sum, range) => sum + (range.kind === 'fingerprint' ? 0 : [...range.heights.values()].reduce((n, logs) => n + logs.size, 0)),
      0,
    );
    if (this.#talked + say.length > this.#budget || say.length > MAX_MESSAGE_SIZE || ranges.length > MAX_RANGES || listedLogs > MAX_LISTED_LOGS) {
      this.over = true;
      return { heights: [...this.#same, ...this.#differ].map((index) => this.#targets[index]!), over: true };
    }
    this.#talked += say.length;
    this.#round++;
    if (ranges.some((range) => range.kind !== 'fingerprint')) this.listed = true;
    this.over = !asks(ranges);
    return { say, over: this.over };
  }

  #owe(owed: Owed): void {
    // Sets hold each log once, but a later round may find more of one.
    const key = `${owed.log.publicKey}/${owed.log.logId}`;
    const known = this.#owed.get(key);
    if (!known || known.theirs < owed.theirs) this.#owed.set(key, owed);
  }
}

function merge(into: LogHeights, heights: LogHeights): void {
  for (const [publicKey, logs] of heights) {
    const known = into.get(publicKey) ?? new Map<number, number>();
    for (const [logId, seqNum] of logs) known.set(logId, seqNum);
    into.set(publicKey, known);
  }
}

function invalid(message: string): never {
  throw new PandaError('REPLICATION_MESSAGE_INVALID', message);
}
