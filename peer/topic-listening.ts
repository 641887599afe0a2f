/**
 * Whether a festival's overlay listens on the signaling servers: the server is only for the
 * first contacts. The festival's topic is subscribed (and this peer announced there) while
 * this peer needs contacts, has fewer than `LISTEN_BELOW` neighbours, sets up a connection
 * through the server, or has not yet heard `LISTEN_ARRIVALS` newcomers since it began
 * listening; so at any time about the last few arrivals and the weakly connected peers (and
 * hubs, `alwaysListen`) answer a newcomer's announce, and the server's load per arriving peer
 * does not grow with the festival. It stops `LINGER_MS` after it no longer needs to.
 */

export interface ListeningHost {
  now(): number;
  /** Subscribes to the festival's topic (`on`), or unsubscribes. */
  listen(on: boolean): void;
  /** Neighbours in the overlay now. */
  neighbours(): number;
  /** Whether the overlay asked for contacts and has none yet. */
  needsContacts(): boolean;
}

const LISTEN_BELOW = 2;
const LISTEN_ARRIVALS = 3;
/** A peer stops listening this long after it no longer needs to: a newcomer it answered may still be signaling through the server. */
const LINGER_MS = 10_000;
/** Newcomers remembered, so that one announcing again is not counted twice. */
const MAX_ARRIVALS = 64;
/** A connection set up through the server keeps this peer listening at most this long. */
const VIA_SERVER_MS = 30_000;

export class TopicListening {
  #listening = false;
  /** Since when this peer would no longer need to listen. */
  #quietSince: number | undefined;
  #arrivalsHeard = 0;
  readonly #arrivals = new Set<string>();
  /** Peers whose connection is being set up through the signaling server, since when. */
  readonly #viaServer = new Map<string, number>();
  #closed = false;

  constructor(
    private readonly host: ListeningHost,
    private readonly alwaysListen: boolean,
  ) {}

  get listening(): boolean {
    return this.#listening;
  }

  /** A newcomer announced itself to everyone listening (each counted once). */
  arrived(peer: string): void {
    if (this.#arrivals.has(peer)) return;
    this.#arrivals.add(peer);
    if (this.#arrivals.size > MAX_ARRIVALS) this.#arrivals.delete(this.#arrivals.values().next().value!);
    this.#arrivalsHeard++;
    this.update();
  }

  /** The connection to `peer` is being set up through the server: this peer listens meanwhile. */
  viaServer(peer: string): void {
    if (this.#viaServer.has(peer)) return;
    this.#viaServer.set(peer, this.host.now());
    this.update();
  }

  /** The connection to `peer` is up, or gone. */
  settled(peer: string): void {
    if (this.#viaServer.delete(peer)) this.update();
  }

  /** Connections through the server that took too long no longer keep this peer listening. */
  tick(): void {
    const now = this.host.now();
    for (const [peer, since] of this.#viaServer) if (now - since > VIA_SERVER_MS) this.#viaServer.delete(peer);
    this.update();
  }

  /** Subscribes or unsubscribes as the overlay's state asks. */
  update(): void {
    if (this.#closed) return;
    const weak = this.host.needsContacts() || this.host.neighbours() < LISTEN_BELOW;
    // Listening anew: the next few newcomers are this peer's to answer.
    if (!this.#listening && weak) this.#arrivalsHeard = 0;
    if (this.alwaysListen || weak || this.#viaServer.size > 0 || this.#arrivalsHeard < LISTEN_ARRIVALS) {
      this.#quietSince = undefined;
      if (!this.#listening) {
        this.#listening = true;
        this.host.listen(true);
      }
      return;
    }
    const now = this.host.now();
    this.#quietSince ??= now;
    if (this.#listening && now - this.#quietSince >= LINGER_MS) {
      this.#listening = false;
      this.host.listen(false);
    }
  }

  /** No more changes (the overlay left). */
  close(): void {
    this.#closed = true;
  }
}
