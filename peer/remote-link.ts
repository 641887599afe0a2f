/**
 * The link to one remote peer: its RTCPeerConnection, the data channels inside it (one per
 * festival both share, labelled with the festival topic), the ICE candidates that wait for
 * the remote description, and its timers (connect timeout, grace while disconnected, and per
 * incoming channel the wait for the remote to prove it is in the festival). `close()` ends
 * all of them in one place; the network learns of it through `RemoteLinkHost.closing`.
 */
import { PandaError } from '../core/errors.js';
import { DataChannelTransport, type DataChannelLike } from './datachannel-transport.js';
import { closeQuietly } from './quiet-close.js';
import { ignoredMessage, type SignalPayload } from './signaling-messages.js';
import type { IceCandidateEvent, PeerConnectionLike, RTCPeerConnectionClass } from './peer-connection.js';
import type { Timers } from './timers.js';

type CandidatePayload = Extract<SignalPayload, { type: 'candidate' }>['candidate'];

/** What a link needs of its network. */
export interface RemoteLinkHost {
  readonly timers: Timers;
  /** Publishes `signal` for the link's remote in the link's signal topic. */
  signal(link: RemoteLink, signal: SignalPayload): void;
  /** The id of the festival of a channel label (a festival topic, or its overlay channel's), if this peer is in it. */
  festivalOf(label: string): string | undefined;
  /** Whether a channel `remoteId` opens with `label` is taken. */
  accepts(remoteId: string, label: string): boolean;
  /** Whether `remoteId` may use the channel `label` (it replicates that festival). */
  isAuthorised(remoteId: string, label: string): boolean;
  /** Announces this peer to `remoteId` alone in `topic`: the proof that it is in the festival. */
  announceTo(topic: string, remoteId: string): void;
  /** A data channel is open and its remote authorised: the transport, once per channel. */
  ready(transport: DataChannelTransport, festivalId: string, remoteId: string): void;
  connected(link: RemoteLink): void;
  /** The link is closing; `retry`: it failed; `topics`: its signal topic and its channels'. */
  closing(link: RemoteLink, retry: boolean, topics: ReadonlySet<string>): void;
  report(error: unknown): void;
}

export interface RemoteLinkOptions {
  remoteId: string;
  /** This peer's id. */
  localId: string;
  /**
   * Either side opens data channels (the overlay: whoever's overlay asks for a connection).
   * Otherwise only the initiator does. A label both sides opened at once keeps the channel
   * of the lower peer id.
   */
  anySide?: boolean | undefined;
  /** Topic the offer, answer and candidates of this link go through. */
  signalTopic: string;
  /** Whether this peer creates the data channels and the offer (the lower peer id). */
  initiator: boolean;
  remoteSession: string | undefined;
  RTCPeerConnection: RTCPeerConnectionClass;
  iceServers: RTCIceServer[];
  connectTimeoutMs: number;
}

interface Channel {
  topic: string;
  /** Opened by this side. */
  local: boolean;
  channel: DataChannelLike;
  transport: DataChannelTransport | undefined;
  reported: boolean;
  authTimer: unknown;
}

const DISCONNECTED_GRACE_MS = 8_000;
/** An incoming channel of a festival with a secret waits this long for the remote to prove it. */
const AUTH_TIMEOUT_MS = 15_000;
const MAX_PENDING_CANDIDATES = 64;
/** With `anySide` (the overlay), an offer or answer waits this long at most for ICE gathering, to carry its candidates itself. */
const GATHER_WAIT_MS = 1_500;
const GATHER_POLL_MS = 20;

export class RemoteLink {
  readonly remoteId: string;
  readonly initiator: boolean;
  readonly signalTopic: string;
  /** The remote's session (random per network instance), once an announce said it. */
  remoteSession: string | undefined;
  /** Answering side: the SDP of the offer this link answers. */
  offerSdp: string | undefined;

  readonly #host: RemoteLinkHost;
  readonly #pc: PeerConnectionLike;
  readonly #channels = new Map<string, Channel>(); // by label
  /** Answering side with `anySide`: channels to open once the connection is up. */
  readonly #deferred = new Set<string>();
  readonly #localId: string;
  readonly #anySide: boolean;
  #remoteDescription = false;
  #pendingCandidates: RTCIceCandidateInit[] = [];
  /** Negotiation steps, one after the other. */
  #ops: Promise<void> = Promise.resolve();
  #connected = false;
  #closed = false;
  /** With `anySide`: the offer or answer sent, once it went out (candidates gathered before are in it). */
  #described: string | undefined;
  #connectTimer: unknown;
  #disconnectTimer: unknown;

  /** Throws `WEBRTC_UNAVAILABLE` if no RTCPeerConnection can be made. */
  constructor(host: RemoteLinkHost, options: RemoteLinkOptions) {
    let pc: PeerConnectionLike;
    try {
      pc = new options.RTCPeerConnection({ iceServers: options.iceServers });
    } catch (error) {
      throw new PandaError('WEBRTC_UNAVAILABLE', `Cannot create an RTCPeerConnection: ${String(error)}`);
    }
    this.#host = host;
    this.#pc = pc;
    this.remoteId = options.remoteId;
    this.initiator = options.initiator;
    this.signalTopic = options.signalTopic;
    this.remoteSession = options.remoteSession;
    this.#localId = options.localId;
    this.#anySide = options.anySide ?? false;
    pc.onicecandidate = (event: IceCandidateEvent) => this.#onIceCandidate(event);
    pc.onconnectionstatechange = () => this.#guard(() => this.#onStateChange());
    pc.ondatachannel = (event: { channel: DataChannelLike }) => this.#guard(() => this.#onIncomingChannel(event.channel));
    const { remoteId, connectTimeoutMs } = options;
    this.#connectTimer = host.timers.setTimeout(() => {
      if (this.#connected) return;
      host.report(new PandaError('TRANSPORT_CLOSED', `No connection to ${remoteId} after ${connectTimeoutMs} ms`, { remoteId }));
      this.close(true);
    }, connectTimeoutMs);
  }

  /** Whether the connection came up (and did not fail since). */
  get connected(): boolean {
    return this.#connected;
  }

  get closed(): boolean {
    return this.#closed;
  }

  // -------------------------------------------------------------------------------------
  // Negotiation

  /** Initiator side: creates and sends the offer. */
  startOffer(): void {
    this.#step(async () => {
      const offer = await this.#pc.createOffer();
      await this.#pc.setLocalDescription(offer);
      await this.#gathered();
      const sdp = this.#pc.localDescription?.sdp || offer.sdp;
      if (!sdp) throw new Error('no local offer');
      this.#described = sdp;
      if (!this.#closed) this.#host.signal(this, { type: 'offer', sdp });
    });
  }

  /**
   * With `anySide`, waits (briefly) for ICE gathering: one offer or answer with its
   * candidates is one message through a signaling server instead of one per candidate, each
   * of which the server sends to every peer listening in the topic.
   */
  async #gathered(): Promise<void> {
    if (!this.#anySide) return;
    const deadline = this.#host.timers.now() + GATHER_WAIT_MS;
    while (this.#pc.iceGatheringState !== undefined && this.#pc.iceGatheringState !== 'complete' && this.#host.timers.now() < deadline && !this.#closed) {
      await new Promise<void>((resolve) => this.#host.timers.setTimeout(resolve, GATHER_POLL_MS));
    }
  }

  /** Answering side: applies the remote's offer and sends the answer. */
  acceptOffer(sdp: string): void {
    this.offerSdp = sdp;
    this.#step(async () => {
      await this.#pc.setRemoteDescription({ type: 'offer', sdp });
      this.#remoteDescription = true;
      const answer = await this.#pc.createAnswer();
      await this.#pc.setLocalDescription(answer);
      await this.#gathered();
      const local = this.#pc.localDescription?.sdp || answer.sdp;
      if (!local) throw new Error('no local answer');
      this.#described = local;
      if (!this.#closed) this.#host.signal(this, { type: 'answer', sdp: local });
      await this.#flushCandidates();
    });
  }

  /** Initiator side: applies the remote's answer (the first one only). */
  acceptAnswer(sdp: string): void {
    if (!this.initiator || this.#remoteDescription) return;
    this.#remoteDescription = true;
    this.#step(async () => {
      await this.#pc.setRemoteDescription({ type: 'answer', sdp });
      await this.#flushCandidates();
    });
  }

  /** A trickled ICE candidate of the remote; kept (64 at most) until the remote description is set. */
  addCandidate(candidate: CandidatePayload): void {
    const init: RTCIceCandidateInit = { candidate: candidate.candidate };
    if (candidate.sdpMid !== undefined) init.sdpMid = candidate.sdpMid;
    if (candidate.sdpMLineIndex !== undefined) init.sdpMLineIndex = candidate.sdpMLineIndex;
    if (candidate.usernameFragment !== undefined) init.usernameFragment = candidate.usernameFragment;
    if (!init.candidate) return; // end of candidates
    if (init.sdpMid == null && init.sdpMLineIndex == null) init.sdpMid = '0';
    if (this.#pendingCandidates.length >= MAX_PENDING_CANDIDATES) return;
    this.#pendingCandidates.push(init);
    this.#step(() => this.#flushCandidates());
  }

  async #flushCandidates(): Promise<void> {
    if (this.#closed || !this.#remoteDescription) return;
    // The answerer sets remoteDescription in the same step; the initiator once its answer is applied.
    if (this.initiator && this.#pc.signalingState === 'have-local-offer') return;
    const candidates = this.#pendingCandidates;
    this.#pendingCandidates = [];
    for (const candidate of candidates) {
      try {
        await this.#pc.addIceCandidate(candidate);
      } catch {
        // a candidate this side cannot use (other address family, mDNS name, ...)
      }
    }
  }

  #step(work: () => Promise<void>): void {
    this.#ops = this.#ops.then(async () => {
      if (this.#closed) return;
      try {
        await work();
      } catch (error) {
        const remoteId = this.remoteId;
        this.#host.report(new PandaError('WEBRTC_UNAVAILABLE', `WebRTC negotiation with ${remoteId} failed: ${String(error)}`, { remoteId }));
        this.close(true);
      }
    });
  }

  #onIceCandidate(event: IceCandidateEvent): void {
    const candidate = event.candidate;
    if (!candidate || !candidate.candidate || this.#closed) return;
    // Gathered before the offer or answer went out: it is in there (the event may come later).
    if (this.#anySide && (this.#described === undefined || this.#described.includes(candidate.candidate.replace(/^a=/, '')))) return;
    // node-datachannel writes candidates as SDP lines ("a=candidate:..."); browsers want "candidate:...".
    const text = candidate.candidate.startsWith('a=') ? candidate.candidate.slice(2) : candidate.candidate;
    const payload: CandidatePayload = { candidate: text, sdpMid: candidate.sdpMid ?? null, sdpMLineIndex: candidate.sdpMLineIndex ?? null };
    if (candidate.usernameFragment) payload.usernameFragment = candidate.usernameFragment;
    this.#host.signal(this, { type: 'candidate', candidate: payload });
  }

  #onStateChange(): void {
    if (this.#closed) return;
    const state = this.#pc.connectionState;
    const timers = this.#host.timers;
    if (state === 'connected') {
      this.#connected = true;
      timers.clearTimeout(this.#connectTimer);
      timers.clearTimeout(this.#disconnectTimer);
      this.#disconnectTimer = undefined;
      this.#host.connected(this);
      for (const label of this.#deferred) this.openChannel(label);
      this.#deferred.clear();
    } else if (state === 'disconnected') {
      this.#disconnectTimer ??= timers.setTimeout(() => {
        if (this.#pc.connectionState !== 'connected') this.close(true);
      }, DISCONNECTED_GRACE_MS);
    } else if (state === 'failed' || state === 'closed') {
      this.close(true);
    }
  }

  // -------------------------------------------------------------------------------------
  // Data channels

  /** A data channel labelled `topic` (initiator side, or either with `anySide`), unless there is one already. */
  openChannel(topic: string): void {
    if (this.#closed || this.#channels.has(topic) || this.#host.festivalOf(topic) === undefined) return;
    if (!this.initiator) {
      if (!this.#anySide) return;
      // The answering side opens its channels once the connection is up.
      if (!this.#connected) {
        this.#deferred.add(topic);
        return;
      }
    }
    let channel: DataChannelLike;
    try {
      channel = this.#pc.createDataChannel(topic, { ordered: true });
    } catch (error) {
      this.#host.report(new PandaError('WEBRTC_UNAVAILABLE', `Cannot open a data channel: ${String(error)}`));
      return;
    }
    this.#track(channel, topic, true);
    // Proof for the remote that we are in this festival (and know its secret).
    this.#host.announceTo(topic, this.remoteId);
  }

  /** Whether there is a data channel labelled `topic` (open or opening). */
  hasChannel(topic: string): boolean {
    return this.#channels.has(topic) || this.#deferred.has(topic);
  }

  /** Closes the data channel of `topic`, if there is one (a link left without channels closes). */
  closeChannel(topic: string): void {
    this.#deferred.delete(topic);
    const entry = this.#channels.get(topic);
    if (!entry) return;
    // Gone at once: a channel of the same label may be opened again right away.
    this.#channels.delete(topic);
    if (entry.transport) entry.transport.close();
    else closeQuietly(entry.channel);
    this.#channelGone(entry);
  }

  /** The remote proved to be in the festival of `topic`: a channel that waited for it is handed over. */
  authorised(topic: string): void {
    const entry = this.#channels.get(topic);
    if (entry && !entry.reported && entry.transport) this.#reportReady(entry);
  }

  #onIncomingChannel(channel: DataChannelLike): void {
    const topic = channel.label;
    if (this.#closed || (this.initiator && !this.#anySide) || !this.#host.accepts(this.remoteId, topic)) {
      closeQuietly(channel);
      return;
    }
    const existing = this.#channels.get(topic);
    if (existing) {
      // Both sides opened it at once: the lower peer id's stays, on both sides.
      if (!existing.local || this.#localId < this.remoteId) {
        closeQuietly(channel);
        return;
      }
      this.#channels.delete(topic);
      if (existing.transport) existing.transport.close();
      else closeQuietly(existing.channel);
    }
    this.#deferred.delete(topic);
    this.#track(channel, topic, false);
  }

  #track(channel: DataChannelLike, topic: string, local: boolean): void {
    channel.binaryType = 'arraybuffer';
    const entry: Channel = { topic, local, channel, transport: undefined, reported: false, authTimer: undefined };
    this.#channels.set(topic, entry);
    const onOpen = (): void => {
      channel.removeEventListener('open', onOpen);
      this.#guard(() => this.#onChannelOpen(entry));
    };
    const onEarlyClose = (): void => {
      channel.removeEventListener('close', onEarlyClose);
      if (!entry.transport) this.#channelGone(entry);
    };
    channel.addEventListener('close', onEarlyClose);
    if (channel.readyState === 'open') onOpen();
    else channel.addEventListener('open', onOpen);
  }

  #onChannelOpen(entry: Channel): void {
    if (this.#closed || this.#channels.get(entry.topic) !== entry) {
      closeQuietly(entry.channel);
      return;
    }
    entry.transport = new DataChannelTransport(entry.channel, this.remoteId, {
      onClosed: () => this.#channelGone(entry),
      timers: this.#host.timers,
    });
    if (this.#host.isAuthorised(this.remoteId, entry.topic)) this.#reportReady(entry);
    else {
      entry.authTimer = this.#host.timers.setTimeout(() => {
        if (entry.reported) return;
        this.#host.report(ignoredMessage(`data channel from ${this.remoteId} for a festival it did not prove to know`));
        entry.transport?.close();
      }, AUTH_TIMEOUT_MS);
    }
  }

  #reportReady(entry: Channel): void {
    const festivalId = this.#host.festivalOf(entry.topic);
    const transport = entry.transport;
    if (festivalId === undefined || !transport || entry.reported || transport.closed) return;
    if (!this.#host.isAuthorised(this.remoteId, entry.topic)) return;
    entry.reported = true;
    this.#host.timers.clearTimeout(entry.authTimer);
    this.#host.ready(transport, festivalId, this.remoteId);
  }

  #channelGone(entry: Channel): void {
    this.#host.timers.clearTimeout(entry.authTimer);
    if (this.#channels.get(entry.topic) === entry) this.#channels.delete(entry.topic);
    // A deliberately closed last channel ends the link, without announcing again.
    if (!this.#closed && this.#channels.size === 0 && this.#deferred.size === 0 && (this.#connected || this.initiator)) this.close(false);
  }

  // -------------------------------------------------------------------------------------

  /** Closes the connection, its channels and timers; `retry`: it failed (the network announces again). */
  close(retry: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#host.closing(this, retry, new Set([this.signalTopic, ...this.#channels.keys()]));
    const timers = this.#host.timers;
    timers.clearTimeout(this.#connectTimer);
    timers.clearTimeout(this.#disconnectTimer);
    for (const entry of [...this.#channels.values()]) {
      timers.clearTimeout(entry.authTimer);
      if (entry.transport) entry.transport.close();
      else closeQuietly(entry.channel);
    }
    this.#channels.clear();
    this.#deferred.clear();
    this.#pc.onicecandidate = null;
    this.#pc.onconnectionstatechange = null;
    this.#pc.ondatachannel = null;
    closeQuietly(this.#pc);
  }

  /** Nothing throws out of a connection's or channel's event handler. */
  #guard(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.#host.report(error);
    }
  }
}
