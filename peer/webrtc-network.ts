import { bytesToHex } from '../core/bytes.js';
import { PandaError } from '../core/errors.js';
import type { Transport } from '../core/replication/transport.js';
import type { DataChannelTransport } from './datachannel-transport.js';
import { FestivalMembership, type Festival } from './festival-membership.js';
import type { FestivalOverlayHealth, FestivalOverlayOptions } from './festival-overlay.js';
import { FestivalSignaling } from './festival-signaling.js';
import { PeerAdmission, peerLimits } from './peer-limits.js';
import type { RTCPeerConnectionClass } from './peer-connection.js';
import { RemoteLink, type RemoteLinkHost } from './remote-link.js';
import type { WebSocketClass } from './signaling-client.js';
import { ignoredMessage, isPeerId, type AnnounceMessage, type SignalPayload, type SignalingMessage } from './signaling-messages.js';
import { overlayLabel, topicOfLabel } from './overlay-frames.js';
import { OverlayPeering } from './overlay-peering.js';
import { festivalTopic } from './signaling-topic.js';
import { systemTimers, type Timers } from './timers.js';

/** What `onTransport` learns with every new transport. */
export interface TransportInfo {
  festivalId: string;
  remoteId: string;
}

/** A festival to join, with the secret that encrypts its signaling (optional). */
export interface FestivalJoin {
  festivalId: string;
  secret?: string | undefined;
}

export interface WebRtcNetworkOptions {
  /** y-webrtc signaling server URLs (ws: or wss:); every one is used, each reconnects on its own. */
  signaling: readonly string[];
  /** Festivals to join right away (ids, or ids with a secret). */
  festivals?: ReadonlyArray<string | FestivalJoin> | undefined;
  /** Default `globalThis.RTCPeerConnection`; in Node `RTCPeerConnection` from 'node-datachannel/polyfill'. */
  RTCPeerConnection?: RTCPeerConnectionClass | undefined;
  /** Default `globalThis.WebSocket`; in Node `WebSocket` from 'ws'. */
  WebSocket?: WebSocketClass | undefined;
  /** STUN/TURN servers. Default none: only peers that reach each other directly connect. */
  iceServers?: RTCIceServer[] | undefined;
  /** This peer's id in signaling (1 to 128 of `A-Z a-z 0-9 _ . : -`); random by default. */
  peerId?: string | undefined;
  /** Called for every data channel ready for replication. */
  onTransport?: ((transport: Transport, info: TransportInfo) => void) | undefined;
  /** Diagnostics: signaling trouble, ignored messages, failed connections. Never required. */
  onError?: ((error: PandaError) => void) | undefined;
  /** A connection not established after this long is dropped (and retried later). Default 20,000. */
  connectTimeoutMs?: number | undefined;
  /** Reconnect backoff of the signaling sockets. Defaults 500 and 30,000. */
  minReconnectDelayMs?: number | undefined;
  maxReconnectDelayMs?: number | undefined;
  /** Keep-alive pings to signaling servers. Default 15,000. */
  pingIntervalMs?: number | undefined;
  /**
   * RTCPeerConnections held at most (default 8), half of them at most still connecting;
   * peers over the limit are not connected (see peer-limits.ts).
   */
  maxPeers?: number | undefined;
  /** New connections (from announces or offers) per second on average, at most (default 2). */
  newPeersPerSecond?: number | undefined;
  /** Clock and timers of the network, its signaling sockets and transports; default the globals. */
  timers?: Timers | undefined;
  /**
   * A bounded-degree overlay per festival (HyParView, festival-overlay.ts) instead of a full
   * mesh: connections only to the festival's neighbours, found through signaling and then
   * through the overlay. Its view sizes default to `maxPeers - 1` at most and 5 to refill to.
   * Without it, every peer announcing itself is connected (up to `maxPeers`).
   */
  overlay?: FestivalOverlayOptions | false | undefined;
}

/** After a peer was not connected because of the limits, this peer announces again this much later. */
const LIMITED_RETRY_MS = 2_000;

function randomHex(bytes: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

function normaliseFestival(entry: string | FestivalJoin): FestivalJoin {
  return typeof entry === 'string' ? { festivalId: entry } : entry;
}

/**
 * Finds the other peers of festivals through y-webrtc signaling servers and connects to them
 * over WebRTC data channels.
 *
 * - Every festival is a signaling topic, `festivalTopic(festivalId)`; with a secret, all that
 *   is published in it is encrypted exactly as y-webrtc does with a room password, so the
 *   server (and peers without the secret) learn nothing but the topic and traffic.
 * - One RTCPeerConnection per remote peer. Inside it, one data channel per festival both
 *   share, labelled with the festival topic; every data channel is its own `Transport`, and
 *   `onTransport` fires once per (remote peer, festival). So two peers sharing three festivals
 *   get three transports over one connection, and replication of each festival stays apart.
 * - No glare: of two peers, the one with the lower id (string order) creates the connection
 *   and all its data channels; the other answers. An announce from a lower peer is answered
 *   with an announce addressed to it.
 * - A data channel for a festival with a secret is only accepted from a peer that published
 *   something in that topic which decrypted with the secret (within 15 seconds).
 * - ICE candidates trickle over signaling. A connection that fails, closes or does not come
 *   up within `connectTimeoutMs` is dropped, this peer announces itself again (at most every
 *   two seconds) and the connection is made anew on the next announce. A data channel closed
 *   by either side (`transport.close()`) is not reopened until the next announce of that
 *   festival; a connection without data channels left is closed.
 * - Signaling messages are untrusted: shapes are checked, garbage is ignored (and reported to
 *   `onError` as `SIGNALING_MESSAGE_INVALID`), nothing throws out of a socket handler.
 */
export class WebRtcNetwork {
  readonly peerId: string;
  /** Random per instance: lets peers notice that a peer restarted with the same id. */
  readonly session: string;
  onTransport: ((transport: Transport, info: TransportInfo) => void) | undefined;
  onError: ((error: PandaError) => void) | undefined;

  readonly #RTCPeerConnection: RTCPeerConnectionClass;
  readonly #iceServers: RTCIceServer[];
  readonly #connectTimeout: number;
  readonly #signaling: FestivalSignaling;
  readonly #membership: FestivalMembership;
  readonly #admission: PeerAdmission;
  readonly #links = new Map<string, RemoteLink>(); // by remote id
  readonly #linkHost: RemoteLinkHost;
  /** With the `overlay` option: the festivals' overlays decide the connections. */
  readonly #peering: OverlayPeering | undefined;
  #closed = false;

  constructor(options: WebRtcNetworkOptions) {
    const PeerConnection = options.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: RTCPeerConnectionClass }).RTCPeerConnection;
    if (typeof PeerConnection !== 'function') {
      throw new PandaError('WEBRTC_UNAVAILABLE', 'No RTCPeerConnection: pass one (in Node: RTCPeerConnection from "node-datachannel/polyfill")');
    }
    if (options.peerId !== undefined && !isPeerId(options.peerId)) {
      throw new PandaError('INPUT_INVALID', 'A peer id has 1 to 128 characters out of A-Z a-z 0-9 _ . : -', {
        peerId: options.peerId,
      });
    }
    if (!Array.isArray(options.signaling)) {
      throw new PandaError('INPUT_INVALID', 'signaling must be a list of ws: or wss: URLs');
    }
    this.#RTCPeerConnection = PeerConnection;
    this.#iceServers = options.iceServers ?? [];
    this.#connectTimeout = options.connectTimeoutMs ?? 20_000;
    const timers = options.timers ?? systemTimers;
    this.peerId = options.peerId ?? randomHex(16);
    this.session = randomHex(8);
    this.onTransport = options.onTransport;
    this.onError = options.onError;
    const limits = peerLimits(options);

    const report = (error: unknown): void => this.#report(error);
    this.#admission = new PeerAdmission(limits, () => timers.now(), report);
    this.#membership = new FestivalMembership({
      timers,
      peerId: this.peerId,
      repliesPerSecond: limits.repliesPerSecond,
      announce: (topic) => void this.#announce(topic),
      isLinked: (remoteId) => this.#links.has(remoteId),
      report,
    });
    this.#linkHost = {
      timers,
      signal: (link, signal) => this.#sendSignal(link, signal),
      festivalOf: (label) => this.#membership.get(topicOfLabel(label))?.festivalId,
      accepts: (remoteId, label) => (this.#peering ? this.#peering.accepts(remoteId, label) : label === topicOfLabel(label) && this.#membership.has(label)),
      isAuthorised: (remoteId, label) => this.#membership.isAuthorised(remoteId, topicOfLabel(label)),
      announceTo: (topic, remoteId) => {
        // The overlay's proof is in its signals; an announce only for a festival with a secret.
        if (!this.#peering || this.#membership.get(topicOfLabel(topic))?.secret !== undefined) void this.#announce(topicOfLabel(topic), remoteId);
      },
      ready: (transport, festivalId, remoteId) => {
        if (this.#peering) this.#peering.ready(transport, remoteId);
        else this.#handOver(transport, { festivalId, remoteId });
      },
      connected: (link) => this.#admission.connected(link.remoteId),
      closing: (link, retry, topics) => this.#onLinkClosing(link, retry, topics),
      report,
    };

    const festivals = (options.festivals ?? []).map(normaliseFestival);
    for (const festival of festivals) this.#membership.add(festival.festivalId, festival.secret);

    this.#signaling = new FestivalSignaling(options.signaling, {
      WebSocket: options.WebSocket,
      minReconnectDelayMs: options.minReconnectDelayMs,
      maxReconnectDelayMs: options.maxReconnectDelayMs,
      pingIntervalMs: options.pingIntervalMs,
      timers,
      membership: this.#membership,
      peerId: this.peerId,
      onOpen: () => {
        for (const topic of this.#membership.topics) {
          const overlay = this.#peering?.get(topic);
          // With an overlay, only a peer still looking for contacts asks again.
          if (!overlay || (overlay.listening && overlay.overlay.active.length === 0)) void this.#announce(topic);
        }
      },
      onMessage: (festival, message) => this.#onMessage(festival, message),
      report,
    });
    if (options.overlay) {
      const maxActive = Math.max(1, limits.maxPeers - 1);
      this.#peering = new OverlayPeering(this.#overlayNetwork(timers), { maxActive, activeTarget: Math.min(5, maxActive), ...options.overlay });
      for (const festival of this.#membership.festivals) void this.#peering.start(festival);
    }
  }

  #overlayNetwork(timers: Timers): ConstructorParameters<typeof OverlayPeering>[0] {
    return {
      peerId: this.peerId,
      timers,
      links: this.#links,
      admission: this.#admission,
      membership: this.#membership,
      signaling: this.#signaling,
      connecting: () => [...this.#links.values()].filter((link) => !link.connected).length,
      mayConnect: (remoteId) => this.#mayConnect(remoteId),
      createLink: (remoteId, topic, initiator, session) => this.#createLink(remoteId, topic, initiator, session),
      announce: (topic, to) => void this.#announce(topic, to),
      handOver: (transport, festivalId, remoteId) => this.#handOver(transport, { festivalId, remoteId }),
      report: (error) => this.#report(error),
    };
  }

  /** Ids of the festivals joined. */
  get festivals(): string[] {
    return this.#membership.festivals.map((festival) => festival.festivalId);
  }

  /** Ids of the peers with a connection (being set up or up). */
  get peers(): string[] {
    return [...this.#links.keys()];
  }

  /** Per festival on the overlay: its neighbours, how many peers it knows, whether it listens on the signaling servers, its signals. */
  overlayHealth(): FestivalOverlayHealth[] {
    return this.#peering?.health() ?? [];
  }

  /**
   * Joins a festival: subscribes to its topic on every signaling server and announces this
   * peer there. With `secret`, everything published in the topic is encrypted (y-webrtc room
   * password). Joining again with the same secret does nothing; with another secret it leaves
   * and joins anew. Resolves once the key is derived and the announce went out.
   */
  async join(festivalId: string, secret?: string): Promise<void> {
    this.#assertOpen();
    const topic = festivalTopic(festivalId);
    const existing = this.#membership.get(topic);
    if (existing && existing.secret === secret) {
      await existing.key;
      return;
    }
    if (existing) this.leave(festivalId);
    const festival = this.#membership.add(festivalId, secret);
    this.#signaling.subscribe(festival.mailbox);
    // The overlay subscribes to the festival's topic while it listens.
    if (this.#peering) return this.#peering.start(festival);
    this.#signaling.subscribe(topic);
    await festival.key;
    await this.#announce(topic);
  }

  /** Leaves a festival: unsubscribes and closes its transports (connections left empty close). */
  leave(festivalId: string): void {
    const topic = festivalTopic(festivalId);
    this.#peering?.leave(topic);
    const mailbox = this.#membership.get(topic)?.mailbox;
    if (!this.#membership.remove(topic)) return;
    this.#signaling.unsubscribe(topic);
    if (mailbox !== undefined) this.#signaling.unsubscribe(mailbox);
    for (const link of [...this.#links.values()]) {
      link.closeChannel(overlayLabel(topic));
      link.closeChannel(topic);
    }
  }

  /** Leaves every festival, closes every connection and signaling socket. */
  close(): void {
    if (this.#closed) return;
    for (const festivalId of this.festivals) this.leave(festivalId);
    this.#closed = true;
    for (const link of [...this.#links.values()]) link.close(false);
    this.#peering?.close();
    this.#signaling.close();
    this.#membership.close();
  }

  // -------------------------------------------------------------------------------------
  // Signaling

  #announce(topic: string, to?: string): Promise<void> {
    const message: AnnounceMessage = { type: 'announce', from: this.peerId, session: this.session };
    const overlay = this.#peering?.get(topic);
    if (overlay) message.neighbours = overlay.overlay.active.length;
    if (to !== undefined) message.to = to;
    else this.#membership.announced(topic);
    return to === undefined || !this.#peering ? this.#signaling.publish(topic, message) : this.#peering.publishTo(topic, to, message);
  }

  #sendSignal(link: RemoteLink, signal: SignalPayload): void {
    const message: SignalingMessage = { type: 'signal', from: this.peerId, to: link.remoteId, signal };
    void (this.#peering ? this.#peering.publishTo(link.signalTopic, link.remoteId, message) : this.#signaling.publish(link.signalTopic, message));
  }

  #onMessage(festival: Festival, message: SignalingMessage): void {
    this.#membership.verify(message.from, festival.topic);
    // An incoming channel that waited for this proof can go to the replicator now.
    this.#links.get(message.from)?.authorised(festival.topic);
    this.#links.get(message.from)?.authorised(overlayLabel(festival.topic));
    const overlay = this.#peering?.get(festival.topic);
    if (message.type === 'announce') {
      if (!overlay) return this.#onAnnounce(message.from, festival.topic, message.to !== undefined, message.session);
      this.#checkSession(message.from, message.session);
      this.#peering!.onAnnounce(overlay, message.from, festival.topic, message.to !== undefined, message.neighbours ?? 0);
    } else if (overlay) this.#peering!.onSignal(overlay, message.from, festival.topic, message.signal);
    else this.#onSignal(message.from, festival.topic, message.signal);
  }

  /** The remote restarted with the same id (another session): its end of our connection is gone. */
  #checkSession(remoteId: string, session: string | undefined): RemoteLink | undefined {
    const link = this.#links.get(remoteId);
    if (!link || session === undefined) return link;
    if (link.remoteSession === undefined) link.remoteSession = session;
    else if (link.remoteSession !== session) {
      link.close(false);
      return undefined;
    }
    return link;
  }

  #onAnnounce(remoteId: string, topic: string, targeted: boolean, session: string | undefined): void {
    let link = this.#checkSession(remoteId, session);
    if (this.peerId < remoteId) {
      // We create the connection and the channels.
      if (link) return link.openChannel(topic);
      if (this.#admission.backingOff(remoteId)) return;
      if (!this.#mayConnect(remoteId)) {
        // Over a limit: announcing again later makes the peers still around answer then.
        this.#membership.scheduleAnnounce(topic, LIMITED_RETRY_MS);
        return;
      }
      link = this.#createLink(remoteId, topic, true, session);
      // Festivals the remote already proved to share (including this one).
      for (const shared of this.#membership.verifiedTopics(remoteId)) {
        if (this.#membership.has(shared)) link.openChannel(shared);
      }
      link.startOffer();
    } else if (!targeted) {
      // The remote creates the connection: tell it we are here (not too often). Also when we
      // think we are connected: a lower peer only announces to everyone when it joins,
      // reconnects to signaling or lost a connection, and it ignores the reply if all is well.
      if (this.#membership.mayReply(remoteId, topic)) void this.#announce(topic, remoteId);
    }
  }

  #onSignal(remoteId: string, topic: string, signal: SignalPayload): void {
    const link = this.#links.get(remoteId);
    if (signal.type === 'offer') {
      if (!(remoteId < this.peerId)) return this.#invalid('offer from a peer with a higher id');
      if (link) {
        if (link.offerSdp === signal.sdp) return;
        // A new offer: the remote started over (its old connection failed or it restarted).
        if (!this.#admission.admitAgain(remoteId)) return;
        link.close(false);
      } else if (!this.#mayConnect(remoteId)) return;
      this.#createLink(remoteId, topic, false, undefined).acceptOffer(signal.sdp);
    } else if (signal.type === 'answer') {
      link?.acceptAnswer(signal.sdp); // no link: an answer for a connection we no longer have
    } else if (signal.type === 'candidate') {
      link?.addCandidate(signal.candidate);
    }
  }

  // -------------------------------------------------------------------------------------
  // Links

  /** Whether a link to a new peer may be made now (it takes one of the new-peer tokens). */
  #mayConnect(remoteId: string): boolean {
    let connecting = 0;
    for (const link of this.#links.values()) if (!link.connected) connecting++;
    return this.#admission.admit(remoteId, this.#links.size, connecting);
  }

  #createLink(remoteId: string, signalTopic: string, initiator: boolean, remoteSession: string | undefined): RemoteLink {
    const link = new RemoteLink(this.#linkHost, {
      remoteId,
      signalTopic,
      initiator,
      remoteSession,
      localId: this.peerId,
      anySide: this.#peering !== undefined,
      RTCPeerConnection: this.#RTCPeerConnection,
      iceServers: this.#iceServers,
      connectTimeoutMs: this.#connectTimeout,
    });
    this.#links.set(remoteId, link);
    return link;
  }

  /** A link closes; `retry`: it failed, so announce again (with backoff per peer). */
  #onLinkClosing(link: RemoteLink, retry: boolean, topics: ReadonlySet<string>): void {
    if (this.#links.get(link.remoteId) === link) this.#links.delete(link.remoteId);
    this.#membership.forgetReplies(link.remoteId);
    if (this.#peering) {
      // The overlay finds other peers itself; a failing one is only backed off.
      if (retry && !this.#closed) this.#admission.failed(link.remoteId);
      return this.#peering.linkGone(link.remoteId);
    }
    if (!retry || this.#closed) return;
    const delay = this.#admission.failed(link.remoteId);
    for (const topic of topics) this.#membership.scheduleAnnounce(topic, delay);
  }

  #handOver(transport: DataChannelTransport, info: TransportInfo): void {
    const handler = this.onTransport;
    if (!handler) return;
    try {
      handler(transport, info);
    } catch (error) {
      this.#report(error);
    }
  }

  // -------------------------------------------------------------------------------------
  // Diagnostics

  #invalid(why: string): void {
    this.#report(ignoredMessage(why));
  }

  #report(error: unknown): void {
    const handler = this.onError;
    if (!handler) return;
    const panda = error instanceof PandaError ? error : new PandaError('SIGNALING_FAILED', `Unexpected error: ${String(error)}`);
    try {
      handler(panda);
    } catch {
      // diagnostics must never break the network
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new PandaError('TRANSPORT_CLOSED', 'This network is closed');
  }
}
