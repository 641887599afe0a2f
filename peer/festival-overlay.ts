/**
 * The overlay of one festival on a WebRtcNetwork: the host of its HyParView state machine
 * (core/overlay). It turns the overlay's actions into connections (through the network),
 * carries overlay messages and relayed signals on the festival's overlay data channels
 * (overlay-frames.ts), ticks the overlay every second, and gives replication the
 * neighbours only: a festival's replication channel goes to the replicator on
 * neighbour-up and is closed on neighbour-down.
 *
 * Signaling through the overlay (signal-relay.ts): offers and answers for further
 * connections travel over the overlay's channels, along routes learned from its own traffic;
 * the signaling server is only for the first contacts (overlay-contacts.ts), and the
 * festival's topic is subscribed only while this peer is one of those to answer a newcomer
 * (topic-listening.ts).
 */
import { isPandaError, PandaError } from '../core/errors.js';
import { encodeOverlayMessage, HyParView, type OverlayAction, type OverlayOptions } from '../core/overlay/index.js';
import type { DataChannelTransport } from './datachannel-transport.js';
import { decodeOverlayFrame, encodeOverlayFrame } from './overlay-frames.js';
import { OverlayContacts } from './overlay-contacts.js';
import { SignalRelay, type SignalCounts } from './signal-relay.js';
import type { Timers } from './timers.js';
import { TopicListening } from './topic-listening.js';

/** The overlay's parameters a network takes (`self`, `now`, `random` and `mayConnect` are the network's). */
export type FestivalOverlayOptions = Partial<Omit<OverlayOptions, 'self' | 'now' | 'random' | 'mayConnect'>> & {
  /** Stay subscribed to the festival's topic and answer every newcomer (a hub: `panda serve`). */
  alwaysListen?: boolean | undefined;
};

export interface FestivalOverlayHost {
  readonly self: string;
  readonly timers: Timers;
  /** Whether a connection to `peer` may be opened or accepted now (the network's cap over all festivals). */
  mayConnect(peer: string): boolean;
  /** Opens this festival's channels to `peer` (and the connection, if there is none); false: not now. */
  connect(peer: string): boolean;
  /** Closes this festival's channels to `peer` (a connection left without channels closes). */
  disconnect(peer: string): void;
  /** A neighbour's replication channel, for the replicator. */
  replicate(transport: DataChannelTransport): void;
  /** Subscribes to the festival's topic on the signaling servers (`on`), or unsubscribes. */
  listen(on: boolean): void;
  /** Asks the peers listening for contacts (an announce). */
  announce(): void;
  /** A relayed signal for this peer: its `data` as if published in the topic by `from`. */
  deliver(from: string, data: unknown): void;
  report(error: unknown): void;
}

export interface FestivalOverlayHealth {
  festivalId: string;
  /** The active view: the connections replication runs over. */
  neighbours: string[];
  /** Known peers: the passive view. */
  known: number;
  /** Whether the festival's topic is subscribed on the signaling servers now. */
  listening: boolean;
  signals: SignalCounts;
}

const TICK_MS = 1_000;
/** Heard contacts are handed to the overlay together, this long after the first. */
const CONTACT_GATHER_MS = 300;

export class FestivalOverlay {
  readonly overlay: HyParView;
  readonly #host: FestivalOverlayHost;
  /** Overlay channels open, by peer. */
  readonly #channels = new Map<string, DataChannelTransport>();
  /** Replication channels open, by peer; handed over while the peer is a neighbour. */
  readonly #replication = new Map<string, { transport: DataChannelTransport; handed: boolean }>();
  /** Connections asked for and not up yet. */
  readonly #connecting = new Set<string>();
  readonly #relay: SignalRelay;
  readonly #listening: TopicListening;
  readonly #contacts: OverlayContacts;
  #needsContacts = false;
  #gathering: unknown;
  #ticker: unknown;
  #closed = false;

  constructor(
    readonly festivalId: string,
    host: FestivalOverlayHost,
    options: FestivalOverlayOptions = {},
  ) {
    this.#host = host;
    const { alwaysListen, ...overlay } = options;
    const now = () => host.timers.now();
    this.overlay = new HyParView({ ...overlay, self: host.self, now, random: Math.random, mayConnect: (peer) => host.mayConnect(peer) });
    this.#contacts = new OverlayContacts(now);
    this.#relay = new SignalRelay({
      self: host.self,
      now,
      channel: (peer) => this.#channels.get(peer),
      deliver: (from, data) => host.deliver(from, data),
      send: (channel, frame) => this.#send(channel, frame),
    });
    const listening = { now, listen: (on: boolean) => host.listen(on), neighbours: () => this.overlay.active.length, needsContacts: () => this.#needsContacts };
    this.#listening = new TopicListening(listening, alwaysListen ?? false);
    this.#ticker = host.timers.setInterval(() => this.#guard(() => this.#tick()), TICK_MS);
  }

  /** Joins: listens and asks for contacts. */
  start(): void {
    this.#listening.update();
    this.#apply(this.overlay.start([]));
  }

  health(): FestivalOverlayHealth {
    return {
      festivalId: this.festivalId,
      neighbours: [...this.overlay.active],
      known: this.overlay.passive.length,
      listening: this.#listening.listening,
      signals: { ...this.#relay.counts },
    };
  }

  get listening(): boolean {
    return this.#listening.listening;
  }

  /**
   * Whether this peer answers a newcomer's announce: when it listens and is in the overlay,
   * or nobody who is has been heard of lately (the festival's first peers).
   */
  get answers(): boolean {
    if (!this.#listening.listening) return false;
    if (this.overlay.active.length > 0) return true;
    return !this.#contacts.fresh().some((contact) => contact.neighbours > 0);
  }

  /** Whether `peer` has or is being given a connection of this festival. */
  holds(peer: string): boolean {
    return this.#connecting.has(peer) || this.#channels.has(peer);
  }

  /** Whether a connection `peer` opens for this festival is taken now. */
  admitsInbound(peer: string): boolean {
    return this.overlay.admitsInbound(peer);
  }

  /** `peer` announced itself in the topic (`targeted`: to this peer, answering our announce), saying it has `neighbours`. */
  heard(peer: string, targeted: boolean, neighbours: number): void {
    if (peer === this.#host.self) return;
    if (!targeted) this.#listening.arrived(peer);
    this.#contacts.heard(peer, neighbours);
    if (!this.#needsContacts) return;
    this.#gathering ??= this.#host.timers.setTimeout(() => {
      this.#gathering = undefined;
      this.#useContact();
    }, CONTACT_GATHER_MS);
  }

  /** The connection to `peer` is being set up through the signaling server. */
  signaledViaServer(peer: string): void {
    this.#relay.counts.server++;
    if (!this.#channels.has(peer)) this.#listening.viaServer(peer);
  }

  /** This festival's overlay channel to `peer` is open. */
  channelOpen(peer: string, transport: DataChannelTransport): void {
    const previous = this.#channels.get(peer);
    if (previous === transport) return;
    this.#channels.set(peer, transport);
    previous?.close();
    this.#connecting.delete(peer);
    this.#listening.settled(peer);
    transport.onFrame = (frame) => this.#guard(() => this.#receive(peer, transport, frame));
    transport.onClose = () => {
      if (this.#channels.get(peer) !== transport) return;
      this.#channels.delete(peer);
      this.#relay.channelClosed(peer);
      this.#guard(() => this.#apply(this.overlay.disconnected(peer)));
    };
    this.#apply(this.overlay.connected(peer));
  }

  /** This festival's replication channel to `peer` is open. */
  replicationOpen(peer: string, transport: DataChannelTransport): void {
    this.#replication.get(peer)?.transport.close();
    this.#replication.set(peer, { transport, handed: false });
    if (this.overlay.active.includes(peer)) this.#handOver(peer);
  }

  /** The connection to `peer` closed (or could not be made). */
  linkGone(peer: string): void {
    this.#listening.settled(peer);
    if (!this.#connecting.delete(peer)) return;
    this.#apply(this.overlay.disconnected(peer));
  }

  /** Sends `data` (a signaling message, sealed for the topic) to `to` through the overlay; false if there is no way. */
  relay(to: string, data: unknown): boolean {
    return this.#relay.relay(to, data);
  }

  /** Leaves: DISCONNECT to the neighbours, every channel closed, no more ticks. */
  close(): void {
    if (this.#closed) return;
    this.#apply(this.overlay.leave());
    this.#closed = true;
    this.#listening.close();
    this.#host.timers.clearInterval(this.#ticker);
    this.#host.timers.clearTimeout(this.#gathering);
    for (const transport of this.#channels.values()) transport.close();
    for (const { transport } of this.#replication.values()) transport.close();
    this.#channels.clear();
    this.#replication.clear();
  }

  // -------------------------------------------------------------------------------------

  #apply(actions: readonly OverlayAction[]): void {
    if (this.#closed) return;
    for (const action of actions) {
      switch (action.type) {
        case 'connect':
          this.#connect(action.peer);
          break;
        case 'disconnect':
          this.#disconnect(action.peer);
          break;
        case 'send': {
          const channel = this.#channels.get(action.peer);
          if (channel) this.#send(channel, encodeOverlayFrame(encodeOverlayMessage(action.message)));
          break;
        }
        case 'neighbour-up':
          this.#handOver(action.peer);
          this.#listening.update();
          break;
        case 'neighbour-down': {
          const replication = this.#replication.get(action.peer);
          this.#replication.delete(action.peer);
          replication?.transport.close();
          this.#listening.update();
          break;
        }
        case 'need-contacts':
          this.#needsContacts = true;
          this.#listening.update();
          // A contact heard before and not tried yet, else ask the listening peers.
          if (!this.#useContact()) this.#host.announce();
          break;
        case 'offence':
          this.#host.report(action.error);
          break;
      }
    }
  }

  /**
   * Joins through the best connected contact heard (the latest of equals): a newcomer that
   * answered is not in the overlay yet, and joining it would make a part of its own. The
   * join's walks give this peer its other neighbours (their signals go through the overlay);
   * two more contacts that are in the overlay become known peers, a bridge should the
   * festival have come apart; the rest are kept in case the join fails.
   */
  #useContact(): boolean {
    const fresh = this.#contacts.fresh();
    const inOverlay = fresh.filter((contact) => contact.neighbours > 0);
    // A random one: newcomers all joining the best connected peer would meet its rate limit.
    const first = inOverlay[Math.floor(Math.random() * inOverlay.length)] ?? fresh.pop();
    if (first === undefined) return false;
    const known = inOverlay.filter((contact) => contact !== first).slice(0, 2);
    this.#contacts.forget([first, ...known].map(({ peer }) => peer));
    this.#needsContacts = false;
    this.#apply(this.overlay.start([first.peer, ...known.map(({ peer }) => peer)]));
    this.#listening.update();
    return true;
  }

  #connect(peer: string): void {
    this.#connecting.add(peer);
    if (this.#host.connect(peer)) return;
    // Not now (the cap, the new-peer rate): the overlay hears it failed, on a later turn.
    queueMicrotask(() => this.#guard(() => this.linkGone(peer)));
  }

  #disconnect(peer: string): void {
    this.#connecting.delete(peer);
    const channel = this.#channels.get(peer);
    this.#channels.delete(peer);
    channel?.close();
    const replication = this.#replication.get(peer);
    this.#replication.delete(peer);
    replication?.transport.close();
    this.#host.disconnect(peer);
  }

  #handOver(peer: string): void {
    const replication = this.#replication.get(peer);
    if (!replication || replication.handed || replication.transport.closed) return;
    replication.handed = true;
    this.#host.replicate(replication.transport);
  }

  #receive(peer: string, channel: DataChannelTransport, frame: Uint8Array): void {
    let decoded;
    try {
      decoded = decodeOverlayFrame(frame);
    } catch (error) {
      this.#host.report(isPandaError(error) ? error : new PandaError('OVERLAY_FIELD_INVALID', String(error)));
      channel.close();
      return;
    }
    if (decoded.kind === 'overlay') {
      this.#relay.routes.learn(peer, decoded.bytes);
      this.#apply(this.overlay.receive(peer, decoded.bytes));
    } else this.#relay.received(peer, decoded.signal);
  }

  #send(channel: DataChannelTransport, frame: Uint8Array): boolean {
    try {
      channel.send(frame);
      return true;
    } catch {
      return false; // closing: its onClose tells the overlay
    }
  }

  #tick(): void {
    this.#apply(this.overlay.tick());
    this.#listening.tick();
  }

  /** Nothing throws out of a timer or a channel's handler. */
  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#host.report(error);
    }
  }
}
