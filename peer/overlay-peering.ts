/**
 * How a WebRtcNetwork with an overlay meets its peers: instead of connecting to every peer
 * that announces itself, each festival's overlay (festival-overlay.ts) decides which
 * connections to open and close, and the network carries that out.
 *
 * - Announces are contacts for the overlay, never a reason to connect; a listening peer
 *   answers a newcomer's announce with an announce to it, rate-limited.
 * - The peer whose overlay asks for a connection opens it (offer and channels), whatever the
 *   peer ids; both asking at once (glare) is settled by id: the lower id's offer stays. An
 *   offer is taken only if the festival's overlay admits it and the network's cap allows.
 * - A connection is shared by the festivals both peers have on it; its channels per festival
 *   are the overlay channel and the replication channel; with none left it closes.
 * - Messages for one peer (signals, answers to announces) go through the overlay where it
 *   knows a way, else through the signaling servers.
 */
import type { DataChannelTransport } from './datachannel-transport.js';
import type { Festival, FestivalMembership } from './festival-membership.js';
import { FestivalOverlay, type FestivalOverlayHealth, type FestivalOverlayOptions } from './festival-overlay.js';
import type { FestivalSignaling } from './festival-signaling.js';
import { overlayLabel, topicOfLabel } from './overlay-frames.js';
import { TokenBucket, type PeerAdmission } from './peer-limits.js';
import type { RemoteLink } from './remote-link.js';
import type { SignalingMessage, SignalPayload } from './signaling-messages.js';
import type { Timers } from './timers.js';

/** What the overlay needs of its network. */
export interface OverlayNetwork {
  readonly peerId: string;
  readonly timers: Timers;
  readonly links: ReadonlyMap<string, RemoteLink>;
  readonly admission: PeerAdmission;
  readonly membership: FestivalMembership;
  readonly signaling: FestivalSignaling;
  /** Connections not up yet. */
  connecting(): number;
  /** Whether a link to a new peer may be made now (takes a new-peer token). */
  mayConnect(remoteId: string): boolean;
  createLink(remoteId: string, topic: string, initiator: boolean, session: string | undefined): RemoteLink;
  /** Announces this peer in `topic`: to everyone (through the servers), or to `to`. */
  announce(topic: string, to?: string): void;
  handOver(transport: DataChannelTransport, festivalId: string, remoteId: string): void;
  report(error: unknown): void;
}

/** "Busy" answers to offers not taken, per second at most. */
const BUSY_REPLIES_PER_SECOND = 5;

export class OverlayPeering {
  readonly #network: OverlayNetwork;
  readonly #options: FestivalOverlayOptions;
  readonly #overlays = new Map<string, FestivalOverlay>(); // by topic
  readonly #busyReplies: TokenBucket;
  /** The peer whose unfinished link is being replaced by its own offer (glare): its overlays keep waiting. */
  #replacing: string | undefined;

  constructor(network: OverlayNetwork, options: FestivalOverlayOptions) {
    this.#network = network;
    this.#options = options;
    this.#busyReplies = new TokenBucket(BUSY_REPLIES_PER_SECOND, BUSY_REPLIES_PER_SECOND, () => network.timers.now());
  }

  get(topic: string): FestivalOverlay | undefined {
    return this.#overlays.get(topic);
  }

  health(): FestivalOverlayHealth[] {
    return [...this.#overlays.values()].map((overlay) => overlay.health());
  }

  /** Takes part in a festival's overlay: once its key is there, it listens and asks for contacts. */
  async start(festival: Festival): Promise<void> {
    const overlay = new FestivalOverlay(festival.festivalId, this.#host(festival.topic), this.#options);
    this.#overlays.get(festival.topic)?.close();
    this.#overlays.set(festival.topic, overlay);
    await festival.key;
    if (this.#overlays.get(festival.topic) === overlay) overlay.start();
  }

  /** Leaves a festival's overlay (DISCONNECT to its neighbours). */
  leave(topic: string): void {
    this.#overlays.get(topic)?.close();
    this.#overlays.delete(topic);
  }

  /** Whether a data channel `remoteId` opens is taken: an overlay channel if the overlay admits it, a replication channel of a festival joined. */
  accepts(remoteId: string, label: string): boolean {
    const overlay = this.#overlays.get(topicOfLabel(label));
    if (!overlay) return false;
    return label === topicOfLabel(label) || overlay.holds(remoteId) || overlay.admitsInbound(remoteId);
  }

  /** A channel is open and its remote authorised: to the overlay, which gives replication its neighbours. */
  ready(transport: DataChannelTransport, remoteId: string): void {
    const topic = topicOfLabel(transport.label);
    const overlay = this.#overlays.get(topic);
    if (!overlay) return transport.close();
    if (transport.label === topic) overlay.replicationOpen(remoteId, transport);
    else overlay.channelOpen(remoteId, transport);
  }

  /**
   * A link is closing: the overlays waiting for it hear so, on a later turn (its connection
   * is not closed yet, and one the overlay opens instead must not count over the cap),
   * unless another link to the peer came meanwhile.
   */
  linkGone(remoteId: string): void {
    if (remoteId === this.#replacing) return;
    queueMicrotask(() => {
      if (this.#network.links.has(remoteId)) return;
      for (const overlay of this.#overlays.values()) overlay.linkGone(remoteId);
    });
  }

  onAnnounce(overlay: FestivalOverlay, remoteId: string, topic: string, targeted: boolean, neighbours: number): void {
    overlay.heard(remoteId, targeted, neighbours);
    if (targeted || !overlay.answers || !this.#canTake(overlay, remoteId)) return;
    if (this.#network.membership.mayReply(remoteId, topic)) this.#network.announce(topic, remoteId);
  }

  /**
   * Whether an offer of `remoteId` would be taken now. An answer to an announce is an
   * invitation: the newcomer connects to the first who answers and waits a pending timeout
   * (10 s) for one that ignores its offer, so a peer whose views or connections are full
   * lets the others answer.
   */
  #canTake(overlay: FestivalOverlay, remoteId: string): boolean {
    const network = this.#network;
    return overlay.admitsInbound(remoteId) && (network.links.has(remoteId) || network.admission.wouldAdmit(network.links.size, network.connecting()));
  }

  onSignal(overlay: FestivalOverlay, remoteId: string, topic: string, signal: SignalPayload): void {
    const network = this.#network;
    const link = network.links.get(remoteId);
    if (signal.type === 'answer') return link?.acceptAnswer(signal.sdp);
    if (signal.type === 'candidate') return link?.addCandidate(signal.candidate);
    // Our offer was not taken: the overlay asks someone else now instead of after a timeout.
    if (signal.type === 'busy') return link?.initiator && !link.connected ? link.close(false) : undefined;
    let replacing = false;
    if (link) {
      if (link.offerSdp === signal.sdp) return;
      // Glare: both offered; the lower id's offer stays.
      if (link.initiator && !link.connected && network.peerId < remoteId) return;
      replacing = link.initiator && !link.connected;
      // Otherwise a new offer: the remote started over (its old connection failed or it restarted).
      if (!replacing && !network.admission.admitAgain(remoteId)) return this.#busy(topic, remoteId);
    }
    const wanted = [...this.#overlays.entries()].filter(([, festival]) => festival.holds(remoteId)).map(([festivalTopic]) => festivalTopic);
    if (!wanted.includes(topic) && !overlay.admitsInbound(remoteId)) return this.#busy(topic, remoteId);
    if (!link && !network.mayConnect(remoteId)) return this.#busy(topic, remoteId);
    this.#replacing = replacing ? remoteId : undefined;
    link?.close(false);
    this.#replacing = undefined;
    const answering = network.createLink(remoteId, topic, false, undefined);
    answering.acceptOffer(signal.sdp);
    // What else this side asked for goes over the remote's connection, once it is up (the remote opens the offer's festival's channels).
    for (const festivalTopic of wanted) if (festivalTopic !== topic) this.#openChannels(answering, festivalTopic);
  }

  /** Tells `remoteId` that its offer was not taken (a few times a second at most: a flood of offers gets few). */
  #busy(topic: string, remoteId: string): void {
    const network = this.#network;
    if (!this.#busyReplies.take()) return;
    void this.publishTo(topic, remoteId, { type: 'signal', from: network.peerId, to: remoteId, signal: { type: 'busy' } });
  }

  /** A message for one peer: through the festival's overlay where it knows a way, else through the servers. */
  async publishTo(topic: string, to: string, message: SignalingMessage): Promise<void> {
    const { signaling } = this.#network;
    const data = await signaling.seal(topic, message);
    const overlay = this.#overlays.get(topic);
    if (data === undefined || overlay?.relay(to, data)) return;
    overlay?.signaledViaServer(to);
    signaling.publishSealed(topic, data, to);
  }

  close(): void {
    for (const overlay of this.#overlays.values()) overlay.close();
    this.#overlays.clear();
  }

  #openChannels(link: RemoteLink, topic: string): void {
    link.openChannel(overlayLabel(topic));
    link.openChannel(topic);
  }

  #host(topic: string): ConstructorParameters<typeof FestivalOverlay>[1] {
    const network = this.#network;
    return {
      self: network.peerId,
      timers: network.timers,
      mayConnect: (peer) => network.links.has(peer) || network.admission.hasRoom(network.links.size, network.connecting()),
      connect: (peer) => {
        const link = network.links.get(peer);
        if (link && !link.closed) {
          this.#openChannels(link, topic);
          return true;
        }
        if (network.admission.backingOff(peer) || !network.mayConnect(peer)) return false;
        const created = network.createLink(peer, topic, true, undefined);
        this.#openChannels(created, topic);
        created.startOffer();
        return true;
      },
      disconnect: (peer) => {
        const link = network.links.get(peer);
        link?.closeChannel(overlayLabel(topic));
        link?.closeChannel(topic);
      },
      replicate: (transport) => {
        const festivalId = network.membership.get(topic)?.festivalId;
        if (festivalId === undefined) transport.close();
        else network.handOver(transport, festivalId, transport.remoteId);
      },
      listen: (on) => {
        if (on) network.signaling.subscribe(topic);
        else network.signaling.unsubscribe(topic);
      },
      announce: () => network.announce(topic),
      deliver: (from, data) => network.signaling.receive(topic, data, from),
      report: (error) => network.report(error),
    };
  }
}
