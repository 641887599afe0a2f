/**
 * The festivals a network is in, and what it knows and says about membership: which remote
 * peers proved to be in which festival (they published something there that decrypted with
 * its secret), when this peer announced itself in each, and how often it answers others'
 * announces (per peer and topic at most once a second, and `repliesPerSecond` in all).
 */
import { PandaError } from '../core/errors.js';
import { MAX_REMEMBERED, TokenBucket } from './peer-limits.js';
import { deriveSignalingKey } from './signaling-crypto.js';
import { festivalTopic, mailboxTopic } from './signaling-topic.js';
import type { Timers } from './timers.js';

/** A festival joined. */
export interface Festival {
  festivalId: string;
  topic: string;
  /** This peer's mailbox in the festival (signaling-topic.ts). */
  mailbox: string;
  secret: string | undefined;
  key: Promise<CryptoKey | null>;
  /** Messages of a topic are decrypted and handled one after the other, in arrival order. */
  chain: Promise<void>;
}

export interface FestivalMembershipOptions {
  timers: Timers;
  /** This peer's id, whose mailbox each festival has. */
  peerId: string;
  repliesPerSecond: number;
  /** Announces this peer to everyone in `topic`: an announce scheduled is due. */
  announce: (topic: string) => void;
  /** Whether there is a connection to `remoteId` (what it proved is kept then). */
  isLinked: (remoteId: string) => boolean;
  report: (error: unknown) => void;
}

const ANNOUNCE_REPLY_INTERVAL_MS = 1_000;
const REANNOUNCE_INTERVAL_MS = 2_000;

export class FestivalMembership {
  readonly #options: FestivalMembershipOptions;
  readonly #festivals = new Map<string, Festival>(); // by topic
  readonly #mailboxes = new Map<string, Festival>(); // by this peer's mailbox topic
  /** Topics in which a remote peer published something valid (and decryptable): remote -> topics. */
  readonly #verified = new Map<string, Set<string>>();
  /** When an announce of a remote in a topic was last answered, by `remoteId + '\n' + topic`. */
  readonly #replies = new Map<string, number>();
  readonly #replyTokens: TokenBucket;
  readonly #lastAnnounce = new Map<string, number>(); // by topic
  readonly #announceTimers = new Map<string, unknown>(); // by topic
  #closed = false;

  constructor(options: FestivalMembershipOptions) {
    this.#options = options;
    this.#replyTokens = new TokenBucket(options.repliesPerSecond, options.repliesPerSecond, () => options.timers.now());
  }

  get festivals(): Festival[] {
    return [...this.#festivals.values()];
  }

  get topics(): string[] {
    return [...this.#festivals.keys()];
  }

  get(topic: string): Festival | undefined {
    return this.#festivals.get(topic);
  }

  has(topic: string): boolean {
    return this.#festivals.has(topic);
  }

  /** The festival whose topic, or this peer's mailbox in which, `topic` is. */
  receiving(topic: string): Festival | undefined {
    return this.#festivals.get(topic) ?? this.#mailboxes.get(topic);
  }

  /** `remoteId`'s mailbox in the festival of `topic`; undefined if not in it. */
  mailboxOf(topic: string, remoteId: string): string | undefined {
    const festival = this.#festivals.get(topic);
    return festival && mailboxTopic(festival.festivalId, remoteId);
  }

  /** Joins a festival (replacing one of the same topic); its key is derived in the background. */
  add(festivalId: string, secret: string | undefined): Festival {
    const topic = festivalTopic(festivalId);
    if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0)) {
      throw new PandaError('INPUT_INVALID', 'A festival secret must be a non-empty string');
    }
    const key = secret === undefined ? Promise.resolve(null) : deriveSignalingKey(secret, topic);
    // Keep an unobserved rejection (no crypto.subtle) from being unhandled; users see it via join.
    key.catch((error: unknown) => this.#options.report(error));
    const mailbox = mailboxTopic(festivalId, this.#options.peerId);
    const replaced = this.#festivals.get(topic);
    if (replaced) this.#mailboxes.delete(replaced.mailbox);
    const festival: Festival = { festivalId, topic, mailbox, secret, key, chain: Promise.resolve() };
    this.#festivals.set(topic, festival);
    this.#mailboxes.set(mailbox, festival);
    return festival;
  }

  /** Leaves the festival of `topic`, forgetting who proved to be in it; false if not in it. */
  remove(topic: string): boolean {
    const festival = this.#festivals.get(topic);
    if (!festival) return false;
    this.#festivals.delete(topic);
    this.#mailboxes.delete(festival.mailbox);
    this.#options.timers.clearTimeout(this.#announceTimers.get(topic));
    this.#announceTimers.delete(topic);
    this.#lastAnnounce.delete(topic);
    for (const topics of this.#verified.values()) topics.delete(topic);
    return true;
  }

  /** `remoteId` published something valid (and decryptable) in `topic`. */
  verify(remoteId: string, topic: string): void {
    let topics = this.#verified.get(remoteId);
    if (!topics) {
      if (this.#verified.size >= MAX_REMEMBERED) {
        for (const id of this.#verified.keys()) {
          if (this.#options.isLinked(id)) continue;
          this.#verified.delete(id);
          break;
        }
      }
      topics = new Set();
      this.#verified.set(remoteId, topics);
    }
    topics.add(topic);
  }

  /** The topics `remoteId` proved to be in. */
  verifiedTopics(remoteId: string): Iterable<string> {
    return this.#verified.get(remoteId) ?? [];
  }

  /** Whether `remoteId` may replicate the festival of `topic`: any peer without a secret, else one that proved it. */
  isAuthorised(remoteId: string, topic: string): boolean {
    const festival = this.#festivals.get(topic);
    if (!festival) return false;
    if (festival.secret === undefined) return true;
    return this.#verified.get(remoteId)?.has(topic) ?? false;
  }

  /** Whether this peer answers an announce of `remoteId` in `topic` now (and if so notes it). */
  mayReply(remoteId: string, topic: string): boolean {
    const key = remoteId + '\n' + topic;
    const last = this.#replies.get(key) ?? 0;
    if (this.#options.timers.now() - last < ANNOUNCE_REPLY_INTERVAL_MS) return false;
    if (!this.#replyTokens.take()) return false;
    this.#replies.set(key, this.#options.timers.now());
    if (this.#replies.size > MAX_REMEMBERED) this.#replies.clear();
    return true;
  }

  /**
   * The reply limit is for peers we are connected to; without a connection the remote's
   * next announce is a request to connect again and must be answered.
   */
  forgetReplies(remoteId: string): void {
    for (const key of this.#replies.keys()) if (key.startsWith(remoteId + '\n')) this.#replies.delete(key);
  }

  /** This peer announced itself to everyone in `topic` just now. */
  announced(topic: string): void {
    this.#lastAnnounce.set(topic, this.#options.timers.now());
  }

  /** Announces again in `topic` after `delay` (a lost connection), at most every couple of seconds. */
  scheduleAnnounce(topic: string, delay = 0): void {
    if (this.#closed || !this.#festivals.has(topic) || this.#announceTimers.has(topic)) return;
    const { timers } = this.#options;
    const last = this.#lastAnnounce.get(topic) ?? 0;
    const wait = Math.max(delay, last + REANNOUNCE_INTERVAL_MS - timers.now(), 0);
    const timer = timers.setTimeout(() => {
      this.#announceTimers.delete(topic);
      if (!this.#closed && this.#festivals.has(topic)) this.#options.announce(topic);
    }, wait);
    this.#announceTimers.set(topic, timer);
  }

  /** Stops every scheduled announce; nothing is scheduled any more. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#announceTimers.values()) this.#options.timers.clearTimeout(timer);
    this.#announceTimers.clear();
  }
}
