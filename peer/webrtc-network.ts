import { PandaError } from '../core/errors.js';
import type { Transport } from '../core/replication/transport.js';
import { DataChannelTransport, type DataChannelLike } from './datachannel-transport.js';
import {
  SignalingConnection,
  decryptSignalingData,
  deriveSignalingKey,
  encryptSignalingData,
  festivalTopic,
  isPeerId,
  parseSignalingMessage,
  type SignalPayload,
  type SignalingMessage,
  type WebSocketClass,
} from './signaling.js';

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

/**
 * The part of an RTCPeerConnection the network uses: browsers' RTCPeerConnection and
 * node-datachannel's polyfill both have it (their event types differ, hence `never`).
 */
export interface PeerConnectionLike {
  readonly connectionState: RTCPeerConnectionState;
  readonly signalingState: RTCSignalingState;
  readonly localDescription: { readonly sdp: string } | null;
  onicecandidate: ((event: never) => void) | null;
  onconnectionstatechange: ((event: never) => void) | null;
  ondatachannel: ((event: never) => void) | null;
  createOffer(): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  createDataChannel(label: string, init?: RTCDataChannelInit): DataChannelLike;
  close(): void;
}

export type RTCPeerConnectionClass = new (configuration?: RTCConfiguration) => PeerConnectionLike;

interface IceCandidateEvent {
  candidate: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null } | null;
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
}

interface Festival {
  festivalId: string;
  topic: string;
  secret: string | undefined;
  key: Promise<CryptoKey | null>;
  /** Messages of a topic are decrypted and handled one after the other, in arrival order. */
  chain: Promise<void>;
}

interface Channel {
  topic: string;
  channel: DataChannelLike;
  transport: DataChannelTransport | undefined;
  reported: boolean;
  authTimer: ReturnType<typeof setTimeout> | undefined;
}

interface Connection {
  remoteId: string;
  pc: PeerConnectionLike;
  initiator: boolean;
  /** Topic the offer, answer and candidates of this connection go through. */
  signalTopic: string;
  remoteSession: string | undefined;
  channels: Map<string, Channel>;
  remoteDescription: boolean;
  offerSdp: string | undefined;
  pendingCandidates: RTCIceCandidateInit[];
  /** Negotiation steps, one after the other. */
  ops: Promise<void>;
  connected: boolean;
  closed: boolean;
  connectTimer: ReturnType<typeof setTimeout> | undefined;
  disconnectTimer: ReturnType<typeof setTimeout> | undefined;
}

const DISCONNECTED_GRACE_MS = 8_000;
/** An incoming channel of a festival with a secret waits this long for the remote to prove it. */
const AUTH_TIMEOUT_MS = 15_000;
const ANNOUNCE_REPLY_INTERVAL_MS = 1_000;
const REANNOUNCE_INTERVAL_MS = 2_000;
const DEDUPE_TTL_MS = 60_000;
const MAX_PENDING_CANDIDATES = 64;
const MAX_SEEN = 4096;

function randomHex(bytes: number): string {
  const out = crypto.getRandomValues(new Uint8Array(bytes));
  let hex = '';
  for (const byte of out) hex += byte.toString(16).padStart(2, '0');
  return hex;
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
  readonly #signaling: SignalingConnection[] = [];
  readonly #festivals = new Map<string, Festival>(); // by topic
  readonly #connections = new Map<string, Connection>(); // by remote id
  /** Topics in which a remote peer published something valid (and decryptable): remote -> topics. */
  readonly #verified = new Map<string, Set<string>>();
  readonly #seen = new Map<string, number>(); // signal messages already handled (several servers)
  readonly #announceReplies = new Map<string, number>();
  readonly #lastAnnounce = new Map<string, number>(); // by topic
  readonly #announceTimers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #backoff = new Map<string, { failures: number; until: number }>();
  #closed = false;

  constructor(options: WebRtcNetworkOptions) {
    const PeerConnection =
      options.RTCPeerConnection ?? (globalThis as { RTCPeerConnection?: RTCPeerConnectionClass }).RTCPeerConnection;
    if (typeof PeerConnection !== 'function') {
      throw new PandaError(
        'WEBRTC_UNAVAILABLE',
        'No RTCPeerConnection: pass one (in Node: RTCPeerConnection from "node-datachannel/polyfill")',
      );
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
    this.peerId = options.peerId ?? randomHex(16);
    this.session = randomHex(8);
    this.onTransport = options.onTransport;
    this.onError = options.onError;

    const festivals = (options.festivals ?? []).map(normaliseFestival);
    for (const festival of festivals) this.#addFestival(festival.festivalId, festival.secret);

    const signalingOptions = {
      WebSocket: options.WebSocket,
      minReconnectDelayMs: options.minReconnectDelayMs,
      maxReconnectDelayMs: options.maxReconnectDelayMs,
      pingIntervalMs: options.pingIntervalMs,
    };
    // Check every URL before opening any socket.
    for (const url of options.signaling) {
      try {
        const parsed = new URL(url);
        if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw new Error();
      } catch {
        throw new PandaError('INPUT_INVALID', `A signaling URL must start with ws: or wss: (${String(url)})`, { url });
      }
    }
    for (const url of options.signaling) {
      const connection = new SignalingConnection(url, signalingOptions);
      connection.subscribe([...this.#festivals.keys()]);
      connection.onOpen = () => {
        for (const topic of this.#festivals.keys()) this.#announce(topic);
      };
      connection.onPublish = (topic, data) => this.#onPublish(topic, data);
      connection.onError = (error) => this.#report(error);
      this.#signaling.push(connection);
    }
  }

  /** Ids of the festivals joined. */
  get festivals(): string[] {
    return [...this.#festivals.values()].map((festival) => festival.festivalId);
  }

  /** Ids of the peers with a connection (being set up or up). */
  get peers(): string[] {
    return [...this.#connections.keys()];
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
    const existing = this.#festivals.get(topic);
    if (existing && existing.secret === secret) {
      await existing.key;
      return;
    }
    if (existing) this.leave(festivalId);
    const festival = this.#addFestival(festivalId, secret);
    for (const connection of this.#signaling) connection.subscribe([topic]);
    await festival.key;
    await this.#announce(topic);
  }

  /** Leaves a festival: unsubscribes and closes its transports (connections left empty close). */
  leave(festivalId: string): void {
    const topic = festivalTopic(festivalId);
    if (!this.#festivals.delete(topic)) return;
    for (const connection of this.#signaling) connection.unsubscribe([topic]);
    clearTimeout(this.#announceTimers.get(topic));
    this.#announceTimers.delete(topic);
    this.#lastAnnounce.delete(topic);
    for (const topics of this.#verified.values()) topics.delete(topic);
    for (const connection of [...this.#connections.values()]) {
      const channel = connection.channels.get(topic);
      if (channel) this.#closeChannel(connection, channel);
    }
  }

  /** Leaves every festival, closes every connection and signaling socket. */
  close(): void {
    if (this.#closed) return;
    for (const festivalId of this.festivals) this.leave(festivalId);
    this.#closed = true;
    for (const connection of [...this.#connections.values()]) this.#destroy(connection, false);
    for (const connection of this.#signaling) connection.close();
    for (const timer of this.#announceTimers.values()) clearTimeout(timer);
    this.#announceTimers.clear();
  }

  // -------------------------------------------------------------------------------------
  // Festivals and publishing

  #addFestival(festivalId: string, secret: string | undefined): Festival {
    const topic = festivalTopic(festivalId);
    if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0)) {
      throw new PandaError('INPUT_INVALID', 'A festival secret must be a non-empty string');
    }
    const key = secret === undefined ? Promise.resolve(null) : deriveSignalingKey(secret, topic);
    // Keep an unobserved rejection (no crypto.subtle) from being unhandled; users see it via join.
    key.catch((error: unknown) => this.#report(error));
    const festival: Festival = { festivalId, topic, secret, key, chain: Promise.resolve() };
    this.#festivals.set(topic, festival);
    return festival;
  }

  async #publish(topic: string, message: SignalingMessage): Promise<void> {
    const festival = this.#festivals.get(topic);
    if (!festival || this.#closed) return;
    let data: unknown = message;
    try {
      const key = await festival.key;
      // One ciphertext for every server, so copies arriving through several servers match.
      if (key) data = await encryptSignalingData(message, key);
    } catch (error) {
      this.#report(error);
      return;
    }
    if (this.#festivals.get(topic) !== festival || this.#closed) return;
    for (const connection of this.#signaling) connection.publish(topic, data);
  }

  #announce(topic: string, to?: string): Promise<void> {
    const message: SignalingMessage = { type: 'announce', from: this.peerId, session: this.session };
    if (to !== undefined) message.to = to;
    else this.#lastAnnounce.set(topic, Date.now());
    return this.#publish(topic, message);
  }

  /** Announces again in `topic` after a lost connection, at most every couple of seconds. */
  #scheduleAnnounce(topic: string, delay = 0): void {
    if (this.#closed || !this.#festivals.has(topic) || this.#announceTimers.has(topic)) return;
    const last = this.#lastAnnounce.get(topic) ?? 0;
    const wait = Math.max(delay, last + REANNOUNCE_INTERVAL_MS - Date.now(), 0);
    this.#announceTimers.set(
      topic,
      setTimeout(() => {
        this.#announceTimers.delete(topic);
        if (!this.#closed && this.#festivals.has(topic)) void this.#announce(topic);
      }, wait),
    );
  }

  #sendSignal(connection: Connection, signal: SignalPayload): void {
    void this.#publish(connection.signalTopic, { type: 'signal', from: this.peerId, to: connection.remoteId, signal });
  }

  // -------------------------------------------------------------------------------------
  // Receiving

  #onPublish(topic: string, data: unknown): void {
    const festival = this.#festivals.get(topic);
    if (!festival || this.#closed) return;
    festival.chain = festival.chain.then(() => this.#handle(festival, data)).catch((error: unknown) => this.#report(error));
  }

  async #handle(festival: Festival, data: unknown): Promise<void> {
    if (this.#closed || this.#festivals.get(festival.topic) !== festival) return;
    const key = await festival.key;
    let value: unknown;
    if (key) {
      if (typeof data !== 'string') return this.#invalid('unencrypted message in a topic with a secret');
      value = await decryptSignalingData(data, key); // throws SIGNALING_MESSAGE_INVALID
    } else {
      if (typeof data === 'string') return this.#invalid('encrypted message in a topic without a secret');
      value = data;
    }
    if (this.#closed || this.#festivals.get(festival.topic) !== festival) return;
    const message = parseSignalingMessage(value);
    if (!message) return this.#invalid('not an announce or signal message');
    if (message.from === this.peerId) return; // our own, echoed by the server
    if (message.to !== undefined && message.to !== this.peerId) return;
    if (message.type === 'signal') {
      // The same message through several servers is handled once.
      const id = festival.topic + '\n' + (typeof data === 'string' ? data : JSON.stringify(data));
      if (this.#isDuplicate(id)) return;
    }
    this.#markVerified(message.from, festival.topic);
    if (message.type === 'announce') this.#onAnnounce(message.from, festival.topic, message.to !== undefined, message.session);
    else this.#onSignal(message.from, festival.topic, message.signal);
  }

  #isDuplicate(id: string): boolean {
    const now = Date.now();
    const seen = this.#seen.get(id);
    if (seen !== undefined && now - seen < DEDUPE_TTL_MS) return true;
    this.#seen.set(id, now);
    if (this.#seen.size > MAX_SEEN) {
      for (const [key, time] of this.#seen) {
        if (now - time >= DEDUPE_TTL_MS || this.#seen.size > MAX_SEEN / 2) this.#seen.delete(key);
        else break;
      }
    }
    return false;
  }

  #markVerified(remoteId: string, topic: string): void {
    let topics = this.#verified.get(remoteId);
    if (!topics) {
      if (this.#verified.size >= MAX_SEEN) {
        const oldest = this.#verified.keys().next().value;
        if (oldest !== undefined && !this.#connections.has(oldest)) this.#verified.delete(oldest);
      }
      topics = new Set();
      this.#verified.set(remoteId, topics);
    }
    topics.add(topic);
    // An incoming channel that waited for this proof can go to the replicator now.
    const connection = this.#connections.get(remoteId);
    const channel = connection?.channels.get(topic);
    if (connection && channel && !channel.reported && channel.transport) this.#reportReady(connection, channel);
  }

  #isAuthorised(remoteId: string, topic: string): boolean {
    const festival = this.#festivals.get(topic);
    if (!festival) return false;
    if (festival.secret === undefined) return true;
    return this.#verified.get(remoteId)?.has(topic) ?? false;
  }

  #onAnnounce(remoteId: string, topic: string, targeted: boolean, session: string | undefined): void {
    let connection = this.#connections.get(remoteId);
    if (connection && session !== undefined) {
      if (connection.remoteSession === undefined) connection.remoteSession = session;
      else if (connection.remoteSession !== session) {
        // The peer restarted with the same id: its end of our connection is gone.
        this.#destroy(connection, false);
        connection = undefined;
      }
    }
    if (this.peerId < remoteId) {
      // We create the connection and the channels.
      if (!connection) {
        const backoff = this.#backoff.get(remoteId);
        if (backoff && Date.now() < backoff.until) return;
        connection = this.#createConnection(remoteId, topic, true, session);
        // Festivals the remote already proved to share (including this one).
        for (const shared of this.#verified.get(remoteId) ?? []) {
          if (this.#festivals.has(shared)) this.#openChannel(connection, shared);
        }
        this.#startOffer(connection);
      } else {
        this.#openChannel(connection, topic);
      }
    } else if (!targeted) {
      // The remote creates the connection: tell it we are here (not too often). Also when we
      // think we are connected: a lower peer only announces to everyone when it joins,
      // reconnects to signaling or lost a connection, and it ignores the reply if all is well.
      const key = remoteId + '\n' + topic;
      const last = this.#announceReplies.get(key) ?? 0;
      if (Date.now() - last < ANNOUNCE_REPLY_INTERVAL_MS) return;
      this.#announceReplies.set(key, Date.now());
      if (this.#announceReplies.size > MAX_SEEN) this.#announceReplies.clear();
      void this.#announce(topic, remoteId);
    }
  }

  #onSignal(remoteId: string, topic: string, signal: SignalPayload): void {
    let connection = this.#connections.get(remoteId);
    if (signal.type === 'offer') {
      if (!(remoteId < this.peerId)) return this.#invalid('offer from a peer with a higher id');
      if (connection) {
        if (connection.offerSdp === signal.sdp) return;
        // A new offer: the remote started over (its old connection failed or it restarted).
        this.#destroy(connection, false);
      }
      connection = this.#createConnection(remoteId, topic, false, undefined);
      connection.offerSdp = signal.sdp;
      const current = connection;
      this.#step(current, async () => {
        await current.pc.setRemoteDescription({ type: 'offer', sdp: signal.sdp });
        current.remoteDescription = true;
        const answer = await current.pc.createAnswer();
        await current.pc.setLocalDescription(answer);
        const sdp = current.pc.localDescription?.sdp || answer.sdp;
        if (!sdp) throw new Error('no local answer');
        if (!current.closed) this.#sendSignal(current, { type: 'answer', sdp });
        await this.#flushCandidates(current);
      });
      return;
    }
    if (!connection) return; // an answer or candidate for a connection we no longer have
    const current = connection;
    if (signal.type === 'answer') {
      if (!current.initiator || current.remoteDescription) return;
      current.remoteDescription = true;
      this.#step(current, async () => {
        await current.pc.setRemoteDescription({ type: 'answer', sdp: signal.sdp });
        await this.#flushCandidates(current);
      });
      return;
    }
    if (signal.type !== 'candidate') return;
    const init: RTCIceCandidateInit = { candidate: signal.candidate.candidate };
    if (signal.candidate.sdpMid !== undefined) init.sdpMid = signal.candidate.sdpMid;
    if (signal.candidate.sdpMLineIndex !== undefined) init.sdpMLineIndex = signal.candidate.sdpMLineIndex;
    if (signal.candidate.usernameFragment !== undefined) init.usernameFragment = signal.candidate.usernameFragment;
    if (!init.candidate) return; // end of candidates
    if (init.sdpMid == null && init.sdpMLineIndex == null) init.sdpMid = '0';
    if (current.pendingCandidates.length >= MAX_PENDING_CANDIDATES) return;
    current.pendingCandidates.push(init);
    this.#step(current, () => this.#flushCandidates(current));
  }

  async #flushCandidates(connection: Connection): Promise<void> {
    if (connection.closed || !connection.remoteDescription) return;
    // The answerer sets remoteDescription in the same step; the initiator once its answer is applied.
    if (connection.initiator && connection.pc.signalingState === 'have-local-offer') return;
    const candidates = connection.pendingCandidates;
    connection.pendingCandidates = [];
    for (const candidate of candidates) {
      try {
        await connection.pc.addIceCandidate(candidate);
      } catch {
        // a candidate this side cannot use (other address family, mDNS name, ...)
      }
    }
  }

  #step(connection: Connection, work: () => Promise<void>): void {
    connection.ops = connection.ops.then(async () => {
      if (connection.closed) return;
      try {
        await work();
      } catch (error) {
        this.#report(new PandaError('WEBRTC_UNAVAILABLE', `WebRTC negotiation with ${connection.remoteId} failed: ${String(error)}`, {
          remoteId: connection.remoteId,
        }));
        this.#destroy(connection, true);
      }
    });
  }

  // -------------------------------------------------------------------------------------
  // Connections and channels

  #createConnection(remoteId: string, topic: string, initiator: boolean, session: string | undefined): Connection {
    let pc: PeerConnectionLike;
    try {
      pc = new this.#RTCPeerConnection({ iceServers: this.#iceServers });
    } catch (error) {
      throw new PandaError('WEBRTC_UNAVAILABLE', `Cannot create an RTCPeerConnection: ${String(error)}`);
    }
    const connection: Connection = {
      remoteId,
      pc,
      initiator,
      signalTopic: topic,
      remoteSession: session,
      channels: new Map(),
      remoteDescription: false,
      offerSdp: undefined,
      pendingCandidates: [],
      ops: Promise.resolve(),
      connected: false,
      closed: false,
      connectTimer: undefined,
      disconnectTimer: undefined,
    };
    this.#connections.set(remoteId, connection);
    pc.onicecandidate = (event: IceCandidateEvent) => {
      const candidate = event.candidate;
      if (!candidate || !candidate.candidate || connection.closed) return;
      // node-datachannel writes candidates as SDP lines ("a=candidate:..."); browsers want "candidate:...".
      const text = candidate.candidate.startsWith('a=') ? candidate.candidate.slice(2) : candidate.candidate;
      const payload: Extract<SignalPayload, { type: 'candidate' }>['candidate'] = {
        candidate: text,
        sdpMid: candidate.sdpMid ?? null,
        sdpMLineIndex: candidate.sdpMLineIndex ?? null,
      };
      if (candidate.usernameFragment) payload.usernameFragment = candidate.usernameFragment;
      this.#sendSignal(connection, { type: 'candidate', candidate: payload });
    };
    pc.onconnectionstatechange = () => {
      try {
        this.#onStateChange(connection);
      } catch (error) {
        this.#report(error);
      }
    };
    pc.ondatachannel = (event: { channel: DataChannelLike }) => {
      try {
        this.#onIncomingChannel(connection, event.channel);
      } catch (error) {
        this.#report(error);
      }
    };
    connection.connectTimer = setTimeout(() => {
      if (!connection.connected) {
        this.#report(new PandaError('TRANSPORT_CLOSED', `No connection to ${remoteId} after ${this.#connectTimeout} ms`, { remoteId }));
        this.#destroy(connection, true);
      }
    }, this.#connectTimeout);
    return connection;
  }

  #startOffer(connection: Connection): void {
    this.#step(connection, async () => {
      const offer = await connection.pc.createOffer();
      await connection.pc.setLocalDescription(offer);
      const sdp = connection.pc.localDescription?.sdp || offer.sdp;
      if (!sdp) throw new Error('no local offer');
      if (!connection.closed) this.#sendSignal(connection, { type: 'offer', sdp });
    });
  }

  #onStateChange(connection: Connection): void {
    if (connection.closed) return;
    const state = connection.pc.connectionState;
    if (state === 'connected') {
      connection.connected = true;
      clearTimeout(connection.connectTimer);
      clearTimeout(connection.disconnectTimer);
      connection.disconnectTimer = undefined;
      this.#backoff.delete(connection.remoteId);
    } else if (state === 'disconnected') {
      connection.disconnectTimer ??= setTimeout(() => {
        if (connection.pc.connectionState !== 'connected') this.#destroy(connection, true);
      }, DISCONNECTED_GRACE_MS);
    } else if (state === 'failed' || state === 'closed') {
      this.#destroy(connection, true);
    }
  }

  /** Initiator side: a data channel for `topic`, unless there is one already. */
  #openChannel(connection: Connection, topic: string): void {
    if (connection.closed || connection.channels.has(topic) || !this.#festivals.has(topic)) return;
    let channel: DataChannelLike;
    try {
      channel = connection.pc.createDataChannel(topic, { ordered: true });
    } catch (error) {
      this.#report(new PandaError('WEBRTC_UNAVAILABLE', `Cannot open a data channel: ${String(error)}`));
      return;
    }
    this.#track(connection, channel, topic);
    // Proof for the remote that we are in this festival (and know its secret).
    void this.#announce(topic, connection.remoteId);
  }

  #onIncomingChannel(connection: Connection, channel: DataChannelLike): void {
    const topic = channel.label;
    if (connection.closed || connection.initiator || !this.#festivals.has(topic) || connection.channels.has(topic)) {
      try {
        channel.close();
      } catch {
        // ignore
      }
      return;
    }
    this.#track(connection, channel, topic);
  }

  #track(connection: Connection, channel: DataChannelLike, topic: string): void {
    channel.binaryType = 'arraybuffer';
    const entry: Channel = { topic, channel, transport: undefined, reported: false, authTimer: undefined };
    connection.channels.set(topic, entry);
    const onOpen = (): void => {
      channel.removeEventListener('open', onOpen);
      try {
        this.#onChannelOpen(connection, entry);
      } catch (error) {
        this.#report(error);
      }
    };
    const onEarlyClose = (): void => {
      channel.removeEventListener('close', onEarlyClose);
      if (!entry.transport) this.#channelGone(connection, entry);
    };
    channel.addEventListener('close', onEarlyClose);
    if (channel.readyState === 'open') onOpen();
    else channel.addEventListener('open', onOpen);
  }

  #onChannelOpen(connection: Connection, entry: Channel): void {
    if (connection.closed || connection.channels.get(entry.topic) !== entry) {
      try {
        entry.channel.close();
      } catch {
        // ignore
      }
      return;
    }
    entry.transport = new DataChannelTransport(entry.channel, connection.remoteId, {
      onClosed: () => this.#channelGone(connection, entry),
    });
    if (this.#isAuthorised(connection.remoteId, entry.topic)) this.#reportReady(connection, entry);
    else {
      entry.authTimer = setTimeout(() => {
        if (!entry.reported) {
          this.#invalid(`data channel from ${connection.remoteId} for a festival it did not prove to know`);
          entry.transport?.close();
        }
      }, AUTH_TIMEOUT_MS);
    }
  }

  #reportReady(connection: Connection, entry: Channel): void {
    const festival = this.#festivals.get(entry.topic);
    const transport = entry.transport;
    if (!festival || !transport || entry.reported || transport.closed) return;
    if (!this.#isAuthorised(connection.remoteId, entry.topic)) return;
    entry.reported = true;
    clearTimeout(entry.authTimer);
    const handler = this.onTransport;
    if (!handler) return;
    try {
      handler(transport, { festivalId: festival.festivalId, remoteId: connection.remoteId });
    } catch (error) {
      this.#report(error);
    }
  }

  #closeChannel(connection: Connection, entry: Channel): void {
    if (entry.transport) entry.transport.close();
    else {
      try {
        entry.channel.close();
      } catch {
        // ignore
      }
      this.#channelGone(connection, entry);
    }
  }

  #channelGone(connection: Connection, entry: Channel): void {
    clearTimeout(entry.authTimer);
    if (connection.channels.get(entry.topic) === entry) connection.channels.delete(entry.topic);
    // A deliberately closed last channel ends the connection, without announcing again.
    if (!connection.closed && connection.channels.size === 0 && (connection.connected || connection.initiator)) {
      this.#destroy(connection, false);
    }
  }

  /** Drops a connection; `retry`: it failed, so announce again (with backoff per peer). */
  #destroy(connection: Connection, retry: boolean): void {
    if (connection.closed) return;
    connection.closed = true;
    if (this.#connections.get(connection.remoteId) === connection) this.#connections.delete(connection.remoteId);
    clearTimeout(connection.connectTimer);
    clearTimeout(connection.disconnectTimer);
    const topics = new Set([connection.signalTopic, ...connection.channels.keys()]);
    for (const entry of [...connection.channels.values()]) {
      clearTimeout(entry.authTimer);
      if (entry.transport) entry.transport.close();
      else {
        try {
          entry.channel.close();
        } catch {
          // ignore
        }
      }
    }
    connection.channels.clear();
    // The reply limit is for peers we are connected to; without a connection the remote's
    // next announce is a request to connect again and must be answered.
    for (const key of this.#announceReplies.keys()) if (key.startsWith(connection.remoteId + '\n')) this.#announceReplies.delete(key);
    connection.pc.onicecandidate = null;
    connection.pc.onconnectionstatechange = null;
    connection.pc.ondatachannel = null;
    try {
      connection.pc.close();
    } catch {
      // ignore
    }
    if (retry && !this.#closed) {
      const previous = this.#backoff.get(connection.remoteId);
      const failures = (previous?.failures ?? 0) + 1;
      const delay = Math.min(60_000, 1_000 * 2 ** (failures - 1));
      this.#backoff.set(connection.remoteId, { failures, until: Date.now() + delay - 500 });
      for (const topic of topics) this.#scheduleAnnounce(topic, delay);
    }
  }

  // -------------------------------------------------------------------------------------
  // Diagnostics

  #invalid(why: string): void {
    this.#report(new PandaError('SIGNALING_MESSAGE_INVALID', `Ignored a signaling message: ${why}`));
  }

  #report(error: unknown): void {
    const handler = this.onError;
    if (!handler) return;
    const panda =
      error instanceof PandaError ? error : new PandaError('SIGNALING_FAILED', `Unexpected error: ${String(error)}`);
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
