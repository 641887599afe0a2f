/**
 * HyParView (Leitão, Pereira, Rodrigues: "HyParView: a membership protocol for reliable
 * gossip-based broadcast", DSN 2007), §4, for one festival: a small active view of
 * neighbours, each a connection, and a larger passive view of peers known to be around.
 *
 * - Join (§4.2, joining.ts): a new peer connects to a contact and sends JOIN; the contact
 *   takes it in and walks FORWARD_JOINs from it; where a walk ends, that peer makes the new
 *   one its neighbour.
 * - Active view (§4.3, here and active-view-upkeep.ts): a neighbour whose connection fails is
 *   replaced by a random passive peer, asked with NEIGHBOR: high priority when the active
 *   view is empty (always taken, dropping a random neighbour with DISCONNECT if full), low
 *   otherwise (taken only with room below the target). A rejected peer stays passive;
 *   another is tried.
 * - Passive view (§4.4, shuffles.ts): periodic SHUFFLEs on random walks exchange a few known
 *   peers. DISCONNECTed and displaced neighbours move to the passive view.
 *
 * Where this departs from the paper, and why:
 * - The paper answers a shuffle over a temporary TCP connection; a WebRTC connection costs a
 *   signaling round and ICE, so the reply travels the walk back (each hop remembers, for a
 *   short while, where a shuffle came from). A lost reply only costs one shuffle.
 * - Frames can be lost (the simulator drops 5%), so every request has a timeout: a JOIN or
 *   NEIGHBOR not answered within `pendingTimeout` counts as refused.
 * - Partitions: the paper drops peers that fail. Here up to `maxLost` of them are kept and
 *   tried again with backoff (high priority, since a peer that comes back may be the only
 *   bridge to another part of the overlay); once contacts return, the parts join again.
 * - Bounds: `maxActive` and `maxPending` cap connections; `mayConnect` is the host's budget
 *   over all festivals; joins, forward-joins, neighbor requests and shuffles are
 *   rate-limited per interval (budget.ts), so made-up ids cannot evict neighbours or flood.
 * - Turnover: in the paper the active view changes only when a neighbour fails, so a part of
 *   the overlay whose peers are each other's only neighbours (three peers with views of 2 in
 *   a triangle, as pages capped at 3 connections have) is a stable state: over reliable
 *   channels nothing written elsewhere after it closed ever reaches it. In the spirit of
 *   Cyclon's shuffle (Voulgaris, Gavidia, van Steen, JNSM 2005) and Spray's exchange
 *   (Nédelec et al., 2018), which rewire links periodically, not only on failure, every
 *   `turnoverInterval` a peer with neighbours asks a random passive peer to be one with high
 *   priority: taken even by a full view, which lets a random neighbour go, as the asker's
 *   does once it is taken. Passive views hold peers from all over the overlay (shuffles see
 *   to that), so a closed part opens within about an interval. No new message: the asked
 *   peer sees the paper's high-priority NEIGHBOR, under the same rate limit; one that does
 *   not answer is kept as lost, as for any neighbor request. (Leaving a neighbour at the
 *   target too, to keep the degree, left more peers briefly without any in the simulator.)
 *
 * It is a state machine: inputs are the host's calls (`start`, `connected`, `disconnected`,
 * `receive`, `tick` about once a second), outputs are the actions each call returns
 * (connect, disconnect, send, neighbour-up/-down, need-contacts, offence). It keeps no
 * timers and draws randomness only from `random`, so the simulator replays it exactly.
 * What its parts share, and the moves between views, are in views.ts.
 */
import { isPandaError, PandaError } from '../errors.js';
import { ActiveViewUpkeep } from './active-view-upkeep.js';
import { Joining } from './joining.js';
import { decodeOverlayMessage, type OverlayMessage, type Priority } from './messages.js';
import { overlaySettings, type OverlayOptions, type OverlaySettings } from './options.js';
import { Shuffles } from './shuffles.js';
import { OverlayViews, type OverlayAction } from './views.js';

export type { OverlayAction } from './views.js';

export class HyParView {
  readonly settings: OverlaySettings;
  readonly #views: OverlayViews;
  readonly #joining: Joining;
  readonly #shuffles: Shuffles;
  readonly #upkeep: ActiveViewUpkeep;

  constructor(options: OverlayOptions) {
    this.settings = overlaySettings(options);
    this.#views = new OverlayViews(this.settings);
    this.#joining = new Joining(this.#views);
    this.#shuffles = new Shuffles(this.#views);
    this.#upkeep = new ActiveViewUpkeep(this.#views, this.#joining);
  }

  get self(): string {
    return this.settings.self;
  }

  /** The neighbours: connections replication runs over. */
  get active(): readonly string[] {
    return this.#views.active.values();
  }

  get passive(): readonly string[] {
    return this.#views.passive.values();
  }

  /** Peers that failed, kept to try again. */
  get lost(): string[] {
    return this.#views.lost.peers();
  }

  /** Connections held or being opened (neighbours, and those not accepted yet). */
  get connections(): number {
    const { active, pending } = this.#views;
    let count = active.size;
    for (const peer of pending.keys()) if (!active.has(peer)) count++;
    return count;
  }

  /** Messages dropped over the rate limits, by kind. */
  get dropped(): Readonly<Record<string, number>> {
    return this.#views.budget.dropped;
  }

  /** Whether a connection `peer` opens to us now would be taken (the host asks before accepting an offer). */
  admitsInbound(peer: string): boolean {
    const { links, pending } = this.#views;
    if (links.has(peer) || pending.has(peer)) return true;
    return pending.size < this.settings.maxPending && this.settings.mayConnect(peer);
  }

  /** Joins through `contacts` (from signaling); also the answer to `need-contacts`. */
  start(contacts: readonly string[]): OverlayAction[] {
    this.#joining.start(contacts);
    return this.#views.take();
  }

  /** The connection to `peer` is up (one this peer asked for, or one `peer` opened). */
  connected(peer: string): OverlayAction[] {
    const views = this.#views;
    if (views.links.has(peer)) return views.take();
    views.links.add(peer);
    const pending = views.pending.get(peer);
    if (pending && !pending.connected) {
      pending.connected = true;
      pending.since = this.settings.now();
      if (pending.purpose === 'join') views.send(peer, { type: 'join' });
      else views.send(peer, { type: 'neighbor', priority: pending.priority });
    } else if (!pending && !views.active.has(peer)) {
      if (views.pending.size >= this.settings.maxPending || !this.settings.mayConnect(peer)) views.close(peer);
      else views.pending.set(peer, { purpose: 'inbound', priority: 'low', since: this.settings.now(), connected: true });
    }
    return views.take();
  }

  /** The connection to `peer` is gone, or could not be made. */
  disconnected(peer: string): OverlayAction[] {
    const views = this.#views;
    views.links.delete(peer);
    if (views.active.delete(peer)) {
      views.push({ type: 'neighbour-down', peer });
      // Not a DISCONNECT (that moved it to the passive view already): it failed.
      views.addLost(peer);
    }
    const pending = views.pending.get(peer);
    if (pending) {
      views.pending.delete(peer);
      this.#upkeep.failed(peer, pending);
    }
    this.#upkeep.refill();
    return views.take();
  }

  /** A message from `peer` over its connection. */
  receive(peer: string, bytes: Uint8Array): OverlayAction[] {
    const views = this.#views;
    if (!views.links.has(peer)) return views.take();
    let message: OverlayMessage;
    try {
      message = decodeOverlayMessage(bytes);
    } catch (error) {
      const panda = isPandaError(error) ? error : new PandaError('OVERLAY_FIELD_INVALID', String(error));
      views.push({ type: 'offence', peer, error: panda });
      // Not a peer to keep, in any view.
      if (views.active.delete(peer)) views.push({ type: 'neighbour-down', peer });
      views.close(peer);
      views.pending.delete(peer);
      this.#upkeep.refill();
      return views.take();
    }
    this.#handle(peer, message);
    return views.take();
  }

  /** Time passes: timeouts, the periodic shuffle and turnover, retries of lost peers, refilling the active view. */
  tick(): OverlayAction[] {
    const views = this.#views;
    const now = this.settings.now();
    for (const [peer, pending] of [...views.pending]) {
      if (now - pending.since < this.settings.pendingTimeout) continue;
      if (!views.active.has(peer)) views.close(peer);
      views.pending.delete(peer);
      this.#upkeep.failed(peer, pending);
    }
    this.#shuffles.tick(now);
    this.#upkeep.tick(now);
    return views.take();
  }

  /** Leaves: DISCONNECT to every neighbour, every connection closed. */
  leave(): OverlayAction[] {
    const views = this.#views;
    for (const peer of [...views.active.values()]) views.removeNeighbour(peer, true);
    for (const peer of [...views.pending.keys()]) views.close(peer);
    views.pending.clear();
    return views.take();
  }

  // -------------------------------------------------------------------------------------

  #handle(from: string, message: OverlayMessage): void {
    switch (message.type) {
      case 'join':
        return this.#joining.onJoin(from);
      case 'forward-join':
        return this.#joining.onForwardJoin(from, message.peer, message.ttl);
      case 'neighbor':
        return this.#onNeighbor(from, message.priority);
      case 'neighbor-reply':
        return this.#onNeighborReply(from, message.accepted);
      case 'disconnect':
        if (this.#views.active.has(from)) this.#views.removeNeighbour(from, false);
        else this.#views.drop(from);
        return this.#upkeep.refill();
      case 'shuffle':
        return this.#shuffles.onShuffle(from, message);
      case 'shuffle-reply':
        return this.#shuffles.onShuffleReply(from, message.id, message.peers);
    }
  }

  #onNeighbor(from: string, priority: Priority): void {
    const views = this.#views;
    if (views.active.has(from)) return views.send(from, { type: 'neighbor-reply', accepted: true });
    const pending = views.pending.get(from);
    // Both asked each other at once: the answer is yes.
    const crossed = pending !== undefined && pending.purpose !== 'inbound';
    const room = priority === 'high' || views.active.size < this.settings.activeTarget;
    if (!crossed && !(room && views.budget.take('neighbor'))) {
      // The asker closes; until then the connection waits (and times out) as pending.
      return views.send(from, { type: 'neighbor-reply', accepted: false });
    }
    views.pending.delete(from);
    views.addActive(from);
    views.send(from, { type: 'neighbor-reply', accepted: true });
  }

  #onNeighborReply(from: string, accepted: boolean): void {
    const views = this.#views;
    const pending = views.pending.get(from);
    if (!pending?.connected || pending.purpose === 'inbound') return;
    views.pending.delete(from);
    if (accepted) return views.addActive(from);
    views.close(from);
    views.coolDown.set(from, this.settings.now() + this.settings.pendingTimeout);
    if (pending.purpose === 'join') return this.#joining.next();
    // It is there, only full: a peer to ask again later, not a lost one.
    views.lost.delete(from);
    views.addPassive(from);
  }
}
