/**
 * Questions to the person, one at a time. A page can ask as often as it likes, but only one
 * prompt is ever open: requests wait in a queue (a few per site at most, and a few dozen in
 * all), and a site whose request was just denied waits before it may ask again, so a request
 * flood cannot open a flood of windows or wear the person down. A site here is a registrable
 * domain (eTLD+1, from the public suffix list, registrable-domain.ts): a.example.com and b.example.com are one
 * site, so thirty subdomains get no more than one.
 */
import type { IdentityChoice, PromptDetail } from '../shared/popup-protocol.js';
import { ProviderErrorCode, ProviderRpcError } from '../shared/protocol.js';
import { registrableDomain } from './registrable-domain.js';

export type Decision = 'approve-once' | 'approve-always' | 'deny';

export interface ApprovalRequest {
  /** The site asking, as the browser reported it. */
  origin: string;
  /** What is asked, for "always for this site and kind": e.g. "connect", "publish:event:create". */
  kind: string;
  /** The request in the extension's own words ("Create an event"); never text a page sent. */
  description: string;
  /** The fields that will be signed (page data, shown quoted). */
  details?: PromptDetail[];
  /** Whether "always for this site and kind" may be answered (default: no). */
  allowAlways?: boolean;
  /** Which identity would sign (public key). */
  publicKey?: string;
  /** Connecting: the identities the person may pick for the site (or a new one). */
  identities?: IdentityChoice[];
}

/** The person's answer, with the identity picked for the site where one was offered: an id, or 'new'. */
export interface Answer {
  decision: Decision;
  identity?: string;
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
  /** Requests of one site (registrable domain) that may wait at once; more are refused. Default 5. */
  perSiteLimit?: number;
  /** Requests that may wait at once in all; more are refused. Default 20. */
  totalLimit?: number;
  now?: () => number;
}

/** The site an origin belongs to: its registrable domain, or the host itself (IP addresses, localhost). */
export function siteOf(origin: string): string {
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return origin;
  }
  return registrableDomain(host) ?? host;
}

interface Waiting extends PendingApproval {
  resolve: (answer: Answer) => void;
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
    return (await this.answer(request)).decision;
  }

  /** As `ask`, with the identity the person picked (requests with `identities`). */
  async answer(request: ApprovalRequest): Promise<Answer> {
    const site = siteOf(request.origin);
    const deniedAt = this.#deniedAt.get(site);
    const cooldown = this.options.cooldown ?? 30_000;
    if (deniedAt !== undefined && this.#now() - deniedAt < cooldown) {
      throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'A request from this site was just denied; try again later');
    }
    const limit = this.options.perSiteLimit ?? 5;
    if (this.#waiting.filter((item) => siteOf(item.origin) === site).length >= limit) {
      throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'Too many requests from this site are waiting for the person');
    }
    if (this.#waiting.length >= (this.options.totalLimit ?? 20)) {
      throw new ProviderRpcError(ProviderErrorCode.USER_REJECTED, 'Too many requests are waiting for the person');
    }
    const decision = new Promise<Answer>((resolve) => {
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
  decide(id: number, decision: Decision, identity?: string): boolean {
    const index = this.#waiting.findIndex((item) => item.id === id);
    if (index < 0) return false;
    const [item] = this.#waiting.splice(index, 1);
    // "Always" only where it was offered (never for connecting, joining or unlocking).
    if (decision === 'approve-always' && !item!.allowAlways) decision = 'approve-once';
    if (decision === 'deny') this.#deniedAt.set(siteOf(item!.origin), this.#now());
    const offered = identity !== undefined && (identity === 'new' || (item!.identities?.some((choice) => choice.id === identity) ?? false));
    item!.resolve(offered ? { decision, identity } : { decision });
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
      item.resolve({ decision: 'deny' });
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
