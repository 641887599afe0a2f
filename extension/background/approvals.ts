/**
 * Questions to the person, one at a time. A page can ask as often as it likes, but only one
 * prompt is ever open: requests wait in a queue (a few per site at most), and a site whose
 * request was just denied waits before it may ask again, so a request flood cannot open a
 * flood of windows or wear the person down.
 */
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';

export type Decision = 'approve-once' | 'approve-always' | 'deny';

export interface ApprovalRequest {
  /** The site asking, as the browser reported it. */
  origin: string;
  /** What is asked, for "always for this site and kind": e.g. "connect", "publish:event:create". */
  kind: string;
  /** The request in human words ("Create event 'Night of chaos' at Klangkeller, ..."). */
  description: string;
  /** Which identity would sign (public key). */
  publicKey?: string;
}

export interface PendingApproval extends ApprovalRequest {
  id: number;
  createdAt: number;
}

export interface ApprovalOptions {
  /** Opens the approval window (when the popup is not already showing the question). */
  openPrompt: () => void | Promise<void>;
  /** After a denial, the site's further requests are refused at once for this long (ms). Default 30 s. */
  cooldown?: number;
  /** Requests of one site that may wait at once; more are refused. Default 5. */
  perSiteLimit?: number;
  now?: () => number;
}

interface Waiting extends PendingApproval {
  resolve: (decision: Decision) => void;
}

export class ApprovalQueue {
  readonly #waiting: Waiting[] = [];
  readonly #deniedAt = new Map<string, number>();
  readonly #listeners = new Set<() => void>();
  #nextId = 1;
  #promptOpen = false;

  constructor(private readonly options: ApprovalOptions) {}

  #now(): number {
    return (this.options.now ?? Date.now)();
  }

  /** Asks the person; resolves with their decision. Rejects (4001) for a site in its cooldown or with too many waiting. */
  async ask(request: ApprovalRequest): Promise<Decision> {
    const deniedAt = this.#deniedAt.get(request.origin);
    const cooldown = this.options.cooldown ?? 30_000;
    if (deniedAt !== undefined && this.#now() - deniedAt < cooldown) {
      throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'A request from this site was just denied; try again later');
    }
    const limit = this.options.perSiteLimit ?? 5;
    if (this.#waiting.filter((item) => item.origin === request.origin).length >= limit) {
      throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'Too many requests from this site are waiting for the person');
    }
    const decision = new Promise<Decision>((resolve) => {
      this.#waiting.push({ ...request, id: this.#nextId++, createdAt: this.#now(), resolve });
    });
    this.#changed();
    await this.#prompt();
    return decision;
  }

  async #prompt(): Promise<void> {
    if (this.#promptOpen || this.#waiting.length === 0) return;
    this.#promptOpen = true;
    try {
      await this.options.openPrompt();
    } catch {
      // No window could be opened: the request stays queued for the popup.
    }
  }

  /** The questions waiting, oldest first (the first is the one on screen). */
  pending(): PendingApproval[] {
    return this.#waiting.map(({ resolve: _resolve, ...rest }) => rest);
  }

  /** The person's answer to question `id`. Denying sets the site's cooldown. */
  decide(id: number, decision: Decision): boolean {
    const index = this.#waiting.findIndex((item) => item.id === id);
    if (index < 0) return false;
    const [item] = this.#waiting.splice(index, 1);
    if (decision === 'deny') this.#deniedAt.set(item!.origin, this.#now());
    item!.resolve(decision);
    this.#settled();
    return true;
  }

  /** The prompt window was closed: whatever it still showed counts as denied. */
  promptClosed(): void {
    this.#promptOpen = false;
    for (const item of [...this.#waiting]) this.decide(item.id, 'deny');
  }

  /** A site went away (its tab closed): its questions are dropped as denied, without a cooldown. */
  dropSite(origin: string): void {
    for (const item of [...this.#waiting]) {
      if (item.origin !== origin) continue;
      this.#waiting.splice(this.#waiting.indexOf(item), 1);
      item.resolve('deny');
    }
    this.#settled();
  }

  /** Called whenever the list of pending questions changes (the popup re-renders). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** After an answer: with nothing left to ask, the next question opens the prompt again (the popup may have answered, with no window open). */
  #settled(): void {
    if (this.#waiting.length === 0) this.#promptOpen = false;
    this.#changed();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
