/**
 * The signaling side of a network: the topics of the festivals joined, on every signaling
 * server at once. What goes out is encrypted once (with a secret) and published through all
 * servers; a message for one peer goes to that peer's mailbox (signaling-topic.ts), which it
 * hears whether or not it listens in the festival's topic. What comes in, in a festival's
 * topic or this peer's mailbox in it, is handled one message after the other per festival:
 * decrypted, checked, this peer's own echoes and messages for other peers dropped, and a
 * signal that arrives through several servers passed on once.
 */
import type { Festival, FestivalMembership } from './festival-membership.js';
import { MAX_REMEMBERED } from './peer-limits.js';
import { SignalingConnection, checkSignalingUrl, type SignalingConnectionOptions } from './signaling-client.js';
import { decryptSignalingData, encryptSignalingData } from './signaling-crypto.js';
import { ignoredMessage, parseSignalingMessage, type SignalingMessage } from './signaling-messages.js';
import type { Timers } from './timers.js';

export interface FestivalSignalingOptions extends SignalingConnectionOptions {
  timers: Timers;
  /** The festivals joined: their topics, keys and message order. */
  membership: FestivalMembership;
  peerId: string;
  /** A signaling server was (re)connected, its topics subscribed again. */
  onOpen: () => void;
  /** A valid message of another peer, to everyone or to this peer. */
  onMessage: (festival: Festival, message: SignalingMessage) => void;
  report: (error: unknown) => void;
}

/** How long a signal message is remembered, so its copies through other servers are dropped. */
const DEDUPE_TTL_MS = 60_000;

export class FestivalSignaling {
  readonly #options: FestivalSignalingOptions;
  readonly #connections: SignalingConnection[] = [];
  readonly #seen = new Map<string, number>(); // signal messages already handled
  #closed = false;

  /** Checks every URL (`INPUT_INVALID`) before opening any socket. */
  constructor(urls: readonly string[], options: FestivalSignalingOptions) {
    this.#options = options;
    for (const url of urls) checkSignalingUrl(url);
    for (const url of urls) {
      const connection = new SignalingConnection(url, options);
      connection.subscribe(options.membership.festivals.flatMap((festival) => [festival.topic, festival.mailbox]));
      connection.onOpen = options.onOpen;
      connection.onPublish = (topic, data) => this.#onPublish(topic, data);
      connection.onError = options.report;
      this.#connections.push(connection);
    }
  }

  subscribe(topic: string): void {
    for (const connection of this.#connections) connection.subscribe([topic]);
  }

  unsubscribe(topic: string): void {
    for (const connection of this.#connections) connection.unsubscribe([topic]);
  }

  /** Publishes `message` in the topic of a festival joined (encrypted with its secret) on every server; with `to`, in that peer's mailbox. */
  async publish(topic: string, message: SignalingMessage, to?: string): Promise<void> {
    const data = await this.seal(topic, message);
    if (data !== undefined) this.publishSealed(topic, data, to);
  }

  /** `message` as it is published in `topic` (encrypted with the festival's secret); undefined if not in it (any more). */
  async seal(topic: string, message: SignalingMessage): Promise<unknown> {
    const festival = this.#options.membership.get(topic);
    if (!festival || this.#closed) return undefined;
    let data: unknown = message;
    try {
      const key = await festival.key;
      // One ciphertext for every server, so copies arriving through several servers match.
      if (key) data = await encryptSignalingData(message, key);
    } catch (error) {
      this.#options.report(error);
      return undefined;
    }
    return this.#options.membership.get(topic) !== festival || this.#closed ? undefined : data;
  }

  /** Publishes what `seal` gave on every server: in the festival's topic, or in `to`'s mailbox in it. */
  publishSealed(topic: string, data: unknown, to?: string): void {
    const { membership } = this.#options;
    const published = to === undefined ? topic : membership.mailboxOf(topic, to);
    if (this.#closed || published === undefined || !membership.has(topic)) return;
    for (const connection of this.#connections) connection.publish(published, data);
  }

  /** A message `from` relayed to this peer through the overlay: handled as one from a server (it must be `from`'s, and for this peer). */
  receive(topic: string, data: unknown, from: string): void {
    const festival = this.#options.membership.get(topic);
    if (!festival || this.#closed) return;
    festival.chain = festival.chain.then(() => this.#handle(festival, data, from)).catch((error: unknown) => this.#options.report(error));
  }

  close(): void {
    this.#closed = true;
    for (const connection of this.#connections) connection.close();
  }

  #onPublish(topic: string, data: unknown): void {
    const festival = this.#options.membership.receiving(topic);
    if (!festival || this.#closed) return;
    const inMailbox = topic === festival.mailbox;
    festival.chain = festival.chain.then(() => this.#handle(festival, data, undefined, inMailbox)).catch((error: unknown) => this.#options.report(error));
  }

  async #handle(festival: Festival, data: unknown, relayedFrom?: string, inMailbox = false): Promise<void> {
    const { membership, peerId } = this.#options;
    if (this.#closed || membership.get(festival.topic) !== festival) return;
    const key = await festival.key;
    let value: unknown;
    if (key) {
      if (typeof data !== 'string') return this.#invalid('unencrypted message in a topic with a secret');
      value = await decryptSignalingData(data, key); // throws SIGNALING_MESSAGE_INVALID
    } else {
      if (typeof data === 'string') return this.#invalid('encrypted message in a topic without a secret');
      value = data;
    }
    if (this.#closed || membership.get(festival.topic) !== festival) return;
    const message = parseSignalingMessage(value);
    if (!message) return this.#invalid('not an announce or signal message');
    if (message.from === peerId) return; // our own, echoed by the server
    if (message.to !== undefined && message.to !== peerId) return;
    if (inMailbox && message.to === undefined) return this.#invalid('a message to everyone in a mailbox');
    if (relayedFrom !== undefined && message.from !== relayedFrom) return this.#invalid('a relayed message of another peer than its sender');
    if (message.type === 'signal') {
      // The same message through several servers is handled once.
      const id = festival.topic + '\n' + (typeof data === 'string' ? data : JSON.stringify(data));
      if (this.#isDuplicate(id)) return;
    }
    this.#options.onMessage(festival, message);
  }

  #isDuplicate(id: string): boolean {
    const now = this.#options.timers.now();
    const seen = this.#seen.get(id);
    if (seen !== undefined && now - seen < DEDUPE_TTL_MS) return true;
    this.#seen.set(id, now);
    if (this.#seen.size > MAX_REMEMBERED) {
      for (const [key, time] of this.#seen) {
        if (now - time >= DEDUPE_TTL_MS || this.#seen.size > MAX_REMEMBERED / 2) this.#seen.delete(key);
        else break;
      }
    }
    return false;
  }

  #invalid(why: string): void {
    this.#options.report(ignoredMessage(why));
  }
}
