/**
 * The logs this peer holds, by author and log id, kept in step with the store as entries are
 * stored: what syncs compare heights against without asking the store every time.
 */
import type { LogInfo, Store } from '../storage/store.js';
import type { LogHeights } from './messages.js';

export class HeldLogs {
  /** Author -> log id -> the log. */
  readonly #byAuthor = new Map<string, Map<number, LogInfo>>();

  /** Reads which logs `store` holds. */
  async load(store: Store): Promise<void> {
    for (const log of await store.getLogs()) this.#set(log);
  }

  /** Notes a stored entry: its log grows (a lower seq arriving late changes nothing). */
  note(log: LogInfo): void {
    const held = this.#byAuthor.get(log.publicKey)?.get(log.logId);
    if (!held || held.latestSeqNum < log.latestSeqNum) this.#set(log);
  }

  /** The latest seq held of a log (0: none). */
  latestSeq(publicKey: string, logId: number): number {
    return this.#byAuthor.get(publicKey)?.get(logId)?.latestSeqNum ?? 0;
  }

  /** The logs of `publicKey`. */
  of(publicKey: string): Iterable<LogInfo> {
    return this.#byAuthor.get(publicKey)?.values() ?? [];
  }

  all(): LogInfo[] {
    return [...this.#byAuthor.values()].flatMap((logs) => [...logs.values()]);
  }

  #set(log: LogInfo): void {
    let logs = this.#byAuthor.get(log.publicKey);
    if (!logs) this.#byAuthor.set(log.publicKey, (logs = new Map<number, LogInfo>()));
    logs.set(log.logId, log);
  }
}

/** The heights of `logs`: the latest seq of each, by author and log id. */
export function heightsOf(logs: Iterable<LogInfo>): LogHeights {
  const heights: LogHeights = new Map();
  for (const log of logs) {
    let byLog = heights.get(log.publicKey);
    if (!byLog) heights.set(log.publicKey, (byLog = new Map<number, number>()));
    byLog.set(log.logId, log.latestSeqNum);
  }
  return heights;
}
