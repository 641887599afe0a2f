/**
 * One festival of many Node peers (FestivalPeer, node-datachannel) meeting through one
 * y-webrtc signaling server, behind a proxy that counts what the server relays. Peers
 * arrive one after the other, several of them publish, and the run ends when every peer
 * holds every entry. For the overlay test (test/peer/overlay-webrtc.test.ts) and the mesh
 * benchmark (bench/mesh.ts), which run it with the overlay and as today's full mesh.
 */
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import { FestivalNode, hashingReady, KeyPair, MemoryStore, type Hash } from '../../core/index.js';
import { FestivalPeer, type FestivalOverlayOptions, type RTCPeerConnectionClass, type WebSocketClass } from '../../peer/index.js';
import { countingProxy } from './counting-proxy.js';
import { sleep, startSignalingServer } from './support.js';

export interface FestivalRunOptions {
  peers: number;
  /** RTCPeerConnections per peer at most. */
  maxPeers: number;
  /** The overlay's options; undefined: today's full mesh. */
  overlay: FestivalOverlayOptions | undefined;
  /** Peers that publish events, and how many each. */
  publishers: number[];
  eventsEach: number;
  /** Between two arrivals (ms). */
  arrivalMs: number;
  /** Give up after (ms). */
  timeoutMs: number;
}

export interface FestivalRunResult {
  /** Publishes the signaling server delivered: while peers arrived and met, then while the entries spread. */
  relayedJoining: number;
  relayedPublishing: number;
  /** The most RTCPeerConnections any peer held at once. */
  maxConnections: number;
  /** Entries every peer holds at the end (the same on all). */
  entries: number;
  /** From the first arrival until all held the festival; from the first publish until all held every entry. */
  joinMs: number;
  spreadMs: number;
  /** Per peer at the end: neighbours and known peers of the overlay (none for the mesh). */
  neighbours: number[];
  known: number[];
  /** Signals that went through the overlay, and through the server (overlay only). */
  signals: { overlay: number; server: number; relayed: number; dropped: number };
}

const HOUR = 3600;
const T0 = 1_800_000_000;

/** node-datachannel's RTCPeerConnection counting, for one peer, how many are open at once. */
function countingClass(): { Class: RTCPeerConnectionClass; most: () => number } {
  let open = 0;
  let most = 0;
  class Counting extends RTCPeerConnection {
    #closed = false;
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      most = Math.max(most, ++open);
    }
    override close(): void {
      if (!this.#closed) open--;
      this.#closed = true;
      super.close();
    }
  }
  return { Class: Counting, most: () => most };
}

async function until(condition: () => Promise<boolean> | boolean, what: () => string, deadline: number): Promise<void> {
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(200);
  }
}

/** Per peer: entries held, neighbours, known peers, listening (for a run that times out). */
function describe(peers: ReadonlyArray<{ peer: FestivalPeer }>, entriesOf: (peer: FestivalPeer) => number): string {
  return peers
    .map(({ peer }, i) => {
      const overlay = peer.network?.overlayHealth()[0];
      const view = overlay ? ` n${overlay.neighbours.length} k${overlay.known}${overlay.listening ? ' L' : ''}` : '';
      return `${i}: ${entriesOf(peer)}${view} c${peer.network?.peers.length ?? 0}`;
    })
    .join('; ');
}

export async function runFestival(options: FestivalRunOptions): Promise<FestivalRunResult> {
  await hashingReady();
  const server = await startSignalingServer();
  const proxy = await countingProxy(server.url);
  const peers: Array<{ peer: FestivalPeer; node: FestivalNode; key: KeyPair; most: () => number }> = [];
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (let i = 0; i < options.peers; i++) {
      const node = new FestivalNode(new MemoryStore());
      const counting = countingClass();
      const peer = await FestivalPeer.open({
        store: node.store,
        node,
        signaling: [proxy.url],
        webrtc: {
          RTCPeerConnection: counting.Class,
          WebSocket: WebSocket as unknown as WebSocketClass,
          maxPeers: options.maxPeers,
          overlay: options.overlay ?? false,
        },
      });
      peers.push({ peer, node, key: KeyPair.generate(), most: counting.most });
    }
    const organiser = peers[0]!;
    const festival: Hash = (await organiser.node.createFestival(organiser.key, { name: 'Overlay Fest', start: T0, end: T0 + 72 * HOUR })).documentId;
    const started = Date.now();
    for (const { peer } of peers) {
      await peer.configure([{ festivalId: festival }]);
      await sleep(options.arrivalMs);
    }
    const entriesOf = (peer: FestivalPeer) => peer.health().festivals.find((item) => item.id === festival)?.entries ?? 0;
    await until(
      () => peers.every(({ peer }) => entriesOf(peer) >= 1),
      () => `every peer to hold the festival (${describe(peers, entriesOf)})`,
      deadline,
    );
    const joinMs = Date.now() - started;
    const relayedJoining = proxy.relayed;
    proxy.reset();

    const publishing = Date.now();
    for (const index of options.publishers) {
      const { node, key } = peers[index]!;
      for (let i = 0; i < options.eventsEach; i++) {
        await node.createEvent(key, { festival, title: `Set ${index}.${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [] });
      }
    }
    const entries = 1 + options.publishers.length * options.eventsEach;
    await until(
      () => peers.every(({ peer }) => entriesOf(peer) === entries),
      () => `every peer to hold ${entries} entries (${describe(peers, entriesOf)})`,
      deadline,
    );
    const spreadMs = Date.now() - publishing;
    const health = peers.map(({ peer }) => peer.network?.overlayHealth()[0]);
    const signals = { overlay: 0, server: 0, relayed: 0, dropped: 0 };
    for (const item of health) for (const key of Object.keys(signals) as Array<keyof typeof signals>) signals[key] += item?.signals[key] ?? 0;
    return {
      relayedJoining,
      relayedPublishing: proxy.relayed,
      maxConnections: Math.max(...peers.map(({ most }) => most())),
      entries,
      joinMs,
      spreadMs,
      neighbours: health.map((item) => item?.neighbours.length ?? 0),
      known: health.map((item) => item?.known ?? 0),
      signals,
    };
  } finally {
    for (const { peer } of peers) peer.close();
    await proxy.close();
    await server.stop();
  }
}
