/**
 * A deterministic simulation of one festival's peers on the overlay (core/overlay) and the
 * replication model (sim-data.ts), over the simulated network (sim-network.ts): the same
 * seed gives the same run. The scenario:
 *
 * 1. `peers` peers join over a minute, each through two contacts signaling would give it
 *    (random peers already there), all holding the festival's `initialEntries`; a minute
 *    to settle;
 * 2. `churnMinutes` minutes in which `churn` of the peers leave each minute (half of them
 *    saying DISCONNECT, half just gone) and as many new ones join, holding nothing;
 *    meanwhile `published` entries are written by random online peers;
 * 3. a minute without churn, then the check that every online peer holds every entry;
 *    with `late`, one more entry is written then (the overlay has settled: a part of it
 *    that closed on itself during churn stays closed unless the active views turn over) and
 *    the online peers lacking it `lateMs` later are counted;
 * 4. with `partition`: the peers are split in two halves (connections across fail, and new
 *    ones cannot be made) for `partitionMs`, an entry is written in each half, then contacts
 *    return: the time until the active views form one component again, and until both
 *    entries are everywhere.
 *
 * Bytes are everything sent: overlay messages (their encoded size and framing), syncs,
 * notes, wants and entries.
 */
import { encodeOverlayMessage, HyParView, type OverlayAction, type OverlayOptions } from '../../core/index.js';
import { mulberry32 } from '../core/festival-support.js';
import { FRAME_OVERHEAD, PeerData, type DataMessage } from './sim-data.js';
import { DEFAULT_NETWORK, SimNetwork, type Endpoint, type NetworkParams } from './sim-network.js';
import { VirtualTime } from './virtual-time.js';

export interface SimulationOptions {
  seed: number;
  peers: number;
  churn?: number;
  churnMinutes?: number;
  initialEntries?: number;
  published?: number;
  partition?: boolean;
  partitionMs?: number;
  /** Writes an entry once churn stopped and counts who lacks it `lateMs` (default 3 minutes) later. */
  late?: boolean;
  lateAfterMs?: number;
  lateMs?: number;
  /** 'notes' (default): the proposal in sim-data.ts; 'push': today's full live push. */
  replication?: 'notes' | 'push';
  network?: Partial<NetworkParams>;
  overlay?: Partial<Omit<OverlayOptions, 'self' | 'now' | 'random'>>;
  /** Always-on peers (`panda serve`, a festival's Node peer): the first to arrive, never leaving, with views and a cap of their own. */
  hubs?: Hub;
}

export interface Hub {
  count: number;
  overlay: Partial<Omit<OverlayOptions, 'self' | 'now' | 'random'>>;
  hostCap: number;
}

export interface EntryFigures {
  /** Peers online when it was written and still a minute later. */
  targets: number;
  reached: number;
  /** Time (ms) and hops until 99% and 100% of them held it (Infinity: never). */
  ms99: number;
  ms100: number;
  hops99: number;
  hopsMax: number;
}

export interface SimulationResult {
  peersEver: number;
  onlineAtEnd: number;
  maxConnections: number;
  maxActive: number;
  /** The 99th percentile of shortest paths over active views, from ten random peers after churn. */
  shortestHops99: number;
  /** Active view size, mean over the online peers after churn. */
  meanActive: number;
  /** Entries written during churn. */
  entries: EntryFigures[];
  /** After churn stopped: online peers lacking some entry. */
  peersMissingEntries: number;
  dataBytes: number;
  /** Bytes sent per peer over the run / the festival's data. */
  bytesPerPeer: { mean: number; p99: number; max: number };
  /** All bytes sent / bytes of entries newly stored somewhere. */
  wirePerUseful: number;
  overlayShare: number;
  duplicates: number;
  /** With `late`: components of the active views after churn, and online peers lacking the late entry. */
  late?: { components: number; missing: number };
  partition?: { componentsAtSplit: number; oneComponentMs: number; entriesEverywhereMs: number };
}

const MINUTE = 60_000;
const TICK_MS = 1_000;

class SimPeer implements Endpoint {
  online = true;
  sent = 0;
  overlaySent = 0;
  readonly hostCap: number | undefined;
  readonly overlay: HyParView;
  readonly data: PeerData;

  constructor(
    readonly id: string,
    readonly sim: Simulation,
    readonly hub?: Hub,
  ) {
    this.overlay = new HyParView({
      ...(hub ? hub.overlay : sim.overlayOptions),
      self: id,
      now: () => sim.time.now,
      random: sim.random,
      // As the WebRTC host's: a connection there already (an inbound one being taken) counts as room.
      mayConnect: (peer) => sim.network.linked(id, peer) || sim.network.connectionsOf(id) < sim.network.capOf(id),
    });
    this.hostCap = hub?.hostCap;
    this.data = new PeerData({
      self: id,
      now: () => sim.time.now,
      after: (ms, run) => sim.time.after(ms, () => this.online && run()),
      send: (to, message, size) => sim.network.send(id, to, { data: message }, size),
      sizeOf: (entry) => sim.sizes[entry]!,
      stored: (entry, hops) => sim.stored(this, entry, hops),
      duplicate: () => sim.duplicates++,
      resyncInterval: MINUTE,
      wantTimeout: 1_500,
      fullPush: sim.fullPush,
    });
  }

  admits(remote: string): boolean {
    return this.overlay.admitsInbound(remote);
  }

  connected(remote: string): void {
    this.apply(this.overlay.connected(remote));
  }

  disconnected(remote: string): void {
    this.data.linkGone(remote);
    this.apply(this.overlay.disconnected(remote));
  }

  message(remote: string, payload: unknown): void {
    const { overlay, data } = payload as { overlay?: Uint8Array; data?: DataMessage };
    if (overlay) this.apply(this.overlay.receive(remote, overlay));
    else if (data) this.data.message(remote, data);
  }

  tick(): void {
    if (!this.online) return;
    this.apply(this.overlay.tick());
    this.sim.time.after(TICK_MS, () => this.tick());
  }

  apply(actions: readonly OverlayAction[]): void {
    const { network } = this.sim;
    for (const action of actions) {
      switch (action.type) {
        case 'connect':
          network.connect(this.id, action.peer);
          break;
        case 'disconnect':
          network.close(this.id, action.peer);
          break;
        case 'send': {
          const bytes = encodeOverlayMessage(action.message);
          const before = this.sent;
          network.send(this.id, action.peer, { overlay: bytes }, bytes.length + FRAME_OVERHEAD);
          this.overlaySent += this.sent - before;
          break;
        }
        case 'neighbour-up':
          this.data.neighbourUp(action.peer);
          break;
        case 'neighbour-down':
          this.data.neighbourDown(action.peer);
          break;
        case 'need-contacts':
          this.sim.time.after(500, () => this.online && this.apply(this.overlay.start(this.sim.contacts(this.id))));
          break;
        case 'offence':
          this.sim.offences++;
          break;
      }
    }
  }
}

class Simulation {
  readonly time = new VirtualTime();
  readonly random: () => number;
  readonly networkParams: NetworkParams;
  readonly overlayOptions: Partial<OverlayOptions>;
  readonly peers = new Map<string, SimPeer>();
  readonly online: SimPeer[] = [];
  readonly network: SimNetwork;
  readonly sizes: number[] = [];
  readonly fullPush: boolean;
  /** Per entry measured: per peer, when it arrived and after how many hops. */
  readonly arrivals = new Map<number, Map<string, { at: number; hops: number }>>();
  duplicates = 0;
  offences = 0;
  usefulBytes = 0;
  #next = 0;

  constructor(options: SimulationOptions) {
    this.random = mulberry32(options.seed);
    this.networkParams = { ...DEFAULT_NETWORK, ...options.network };
    this.overlayOptions = options.overlay ?? {};
    this.fullPush = options.replication === 'push';
    this.network = new SimNetwork(this.time, this.random, this.networkParams, this.peers);
  }

  /** What signaling would give a new peer: up to two random online peers. */
  contacts(self: string): string[] {
    const others = this.online.filter((peer) => peer.id !== self);
    const picked = new Set<string>();
    for (let i = 0; i < 2 && others.length > 0; i++) picked.add(others[Math.floor(this.random() * others.length)]!.id);
    return [...picked];
  }

  addPeer(seed: Iterable<number>, hub?: Hub): SimPeer {
    const peer = new SimPeer(`p${this.#next++}`, this, hub);
    peer.data.seed(seed);
    const contacts = this.contacts(peer.id);
    this.peers.set(peer.id, peer);
    this.online.push(peer);
    if (contacts.length > 0) peer.apply(peer.overlay.start(contacts));
    this.time.after(this.random() * TICK_MS, () => peer.tick());
    return peer;
  }

  removePeer(peer: SimPeer, graceful: boolean): void {
    if (graceful) peer.apply(peer.overlay.leave());
    const at = this.online.indexOf(peer);
    this.online.splice(at, 1);
    // Graceful: its DISCONNECTs go out first, then it is gone.
    this.time.after(graceful ? 200 : 0, () => {
      peer.online = false;
      this.network.dropAll(peer.id);
    });
  }

  newEntry(): number {
    const id = this.sizes.length;
    this.sizes.push(300 + Math.floor(this.random() * 200));
    return id;
  }

  stored(peer: SimPeer, entry: number, hops: number): void {
    this.usefulBytes += this.sizes[entry]!;
    this.arrivals.get(entry)?.set(peer.id, { at: this.time.now, hops });
  }

  publish(entry: number, among: readonly SimPeer[] = this.online): void {
    const author = among[Math.floor(this.random() * among.length)]!;
    this.arrivals.set(entry, new Map());
    author.data.publish(entry);
  }

  /** Hops from `from` to every online peer it reaches over active views (breadth first). */
  distances(from: string): number[] {
    const depth = new Map([[from, 0]]);
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      const peer = this.peers.get(queue[i]!)!;
      for (const next of peer.overlay.active) {
        if (!depth.has(next) && this.peers.get(next)?.online) {
          depth.set(next, depth.get(peer.id)! + 1);
          queue.push(next);
        }
      }
    }
    return [...depth.values()];
  }

  /** Components of the graph of active views among online peers. */
  components(): number {
    const seen = new Set<string>();
    let count = 0;
    for (const start of this.online) {
      if (seen.has(start.id)) continue;
      count++;
      const stack = [start.id];
      seen.add(start.id);
      while (stack.length > 0) {
        const peer = this.peers.get(stack.pop()!)!;
        for (const next of peer.overlay.active) {
          if (!seen.has(next) && this.peers.get(next)?.online) {
            seen.add(next);
            stack.push(next);
          }
        }
      }
    }
    return count;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

function entryFigures(sim: Simulation, entry: number, at: number, targets: ReadonlySet<string>): EntryFigures {
  const arrivals = sim.arrivals.get(entry)!;
  const times: number[] = [];
  const hops: number[] = [];
  for (const peer of targets) {
    const arrival = arrivals.get(peer);
    if (!arrival) continue;
    times.push(arrival.at - at);
    hops.push(arrival.hops);
  }
  times.sort((a, b) => a - b);
  hops.sort((a, b) => a - b);
  const need99 = Math.ceil(0.99 * targets.size);
  return {
    targets: targets.size,
    reached: times.length,
    ms99: times.length >= need99 ? times[need99 - 1]! : Infinity,
    ms100: times.length === targets.size ? (times.at(-1) ?? 0) : Infinity,
    hops99: percentile(hops, 0.99),
    hopsMax: hops.at(-1) ?? 0,
  };
}

export function simulate(options: SimulationOptions): SimulationResult {
  const sim = new Simulation(options);
  const { time } = sim;
  const churn = options.churn ?? 0.1;
  const churnMinutes = options.churnMinutes ?? 5;
  const initial = Array.from({ length: options.initialEntries ?? 500 }, () => sim.newEntry());
  let maxActive = 0;
  const sample = () => {
    for (const peer of sim.online) maxActive = Math.max(maxActive, peer.overlay.active.length);
  };

  // 1. Everyone arrives within a minute, holding the festival.
  const hubs = options.hubs?.count ?? 0;
  for (let i = 0; i < options.peers; i++) time.after((i / options.peers) * MINUTE, () => void sim.addPeer(initial, i < hubs ? options.hubs : undefined));
  time.runUntil(2 * MINUTE);

  // 2. Churn, and entries written meanwhile.
  const churnStart = time.now;
  const perMinute = Math.round(churn * options.peers);
  for (let i = 0; i < perMinute * churnMinutes; i++) {
    time.after(sim.random() * churnMinutes * MINUTE, () => {
      const leaving = sim.online.filter((peer) => !peer.hub);
      if (leaving.length > 1) sim.removePeer(leaving[Math.floor(sim.random() * leaving.length)]!, sim.random() < 0.5);
      sim.addPeer([]);
    });
  }
  const measured: Array<{ entry: number; at: number; targets: Set<string> }> = [];
  const published = options.published ?? 20;
  for (let i = 0; i < published; i++) {
    time.after(((i + 0.5) / published) * (churnMinutes - 1) * MINUTE, () => {
      const entry = sim.newEntry();
      measured.push({ entry, at: time.now, targets: new Set(sim.online.map((peer) => peer.id)) });
      sim.publish(entry);
    });
    // A minute later: only peers still online count as targets.
    time.after(((i + 0.5) / published) * (churnMinutes - 1) * MINUTE + MINUTE, () => {
      const item = measured[i];
      if (!item) return;
      for (const peer of item.targets) if (!sim.peers.get(peer)!.online) item.targets.delete(peer);
    });
  }
  for (let t = churnStart; t < churnStart + churnMinutes * MINUTE; t += 10_000) {
    time.runUntil(t + 10_000);
    sample();
  }

  // 3. A minute without churn: every online peer must hold every entry.
  time.runUntil(time.now + MINUTE);
  sample();
  const all = sim.sizes.length;
  const shortest: number[] = [];
  for (let i = 0; i < 10; i++) shortest.push(...sim.distances(sim.online[Math.floor(sim.random() * sim.online.length)]!.id));
  shortest.sort((a, b) => a - b);
  const meanActive = sim.online.reduce((sum, peer) => sum + peer.overlay.active.length, 0) / sim.online.length;
  const peersMissingEntries = sim.online.filter((peer) => peer.data.held.size < all).length;
  const entries = measured.map(({ entry, at, targets }) => entryFigures(sim, entry, at, targets));

  let late: SimulationResult['late'];
  if (options.late) {
    time.runUntil(time.now + (options.lateAfterMs ?? 0));
    const components = sim.components();
    const entry = sim.newEntry();
    sim.publish(entry);
    time.runUntil(time.now + (options.lateMs ?? 3 * MINUTE));
    late = { components, missing: sim.online.filter((peer) => !peer.data.held.has(entry)).length };
  }

  let partition: SimulationResult['partition'];
  if (options.partition) {
    const half = new Set(sim.online.filter(() => sim.random() < 0.5).map((peer) => peer.id));
    const across = (a: string, b: string) => half.has(a) !== half.has(b);
    sim.network.reachable = (a, b) => !across(a, b);
    sim.network.cut(across);
    const splitMs = options.partitionMs ?? MINUTE;
    time.runUntil(time.now + splitMs / 2);
    const inHalf = sim.online.filter((peer) => half.has(peer.id));
    const outside = sim.online.filter((peer) => !half.has(peer.id));
    const written = [sim.newEntry(), sim.newEntry()];
    sim.publish(written[0]!, inHalf);
    sim.publish(written[1]!, outside);
    time.runUntil(time.now + splitMs / 2);
    const componentsAtSplit = sim.components();
    sim.network.reachable = () => true;
    const returned = time.now;
    let oneComponentMs = Infinity;
    let entriesEverywhereMs = Infinity;
    for (let t = returned; t < returned + 5 * MINUTE && (oneComponentMs === Infinity || entriesEverywhereMs === Infinity); t += TICK_MS) {
      time.runUntil(t + TICK_MS);
      if (oneComponentMs === Infinity && sim.components() === 1) oneComponentMs = time.now - returned;
      if (entriesEverywhereMs === Infinity && sim.online.every((peer) => written.every((entry) => peer.data.held.has(entry)))) {
        entriesEverywhereMs = time.now - returned;
      }
    }
    partition = { componentsAtSplit, oneComponentMs, entriesEverywhereMs };
  }

  const dataBytes = sim.sizes.reduce((sum, size) => sum + size, 0);
  const sent = [...sim.peers.values()].map((peer) => peer.sent / dataBytes).sort((a, b) => a - b);
  const total = [...sim.peers.values()].reduce((sum, peer) => sum + peer.sent, 0);
  const overlayBytes = [...sim.peers.values()].reduce((sum, peer) => sum + peer.overlaySent, 0);
  return {
    peersEver: sim.peers.size,
    onlineAtEnd: sim.online.length,
    maxConnections: sim.network.maxConnections,
    maxActive,
    meanActive,
    shortestHops99: percentile(shortest, 0.99),
    entries,
    peersMissingEntries,
    dataBytes,
    bytesPerPeer: { mean: sent.reduce((a, b) => a + b, 0) / sent.length, p99: percentile(sent, 0.99), max: sent.at(-1) ?? 0 },
    wirePerUseful: total / sim.usefulBytes,
    overlayShare: overlayBytes / total,
    duplicates: sim.duplicates,
    ...(late ? { late } : {}),
    ...(partition ? { partition } : {}),
  };
}
