/**
 * The page's end of the in-page peer when its data lives in a worker (./peer-worker.ts): the
 * WebRTC networks, one per set of signaling servers and secret (../../peer/festival-networks.ts),
 * whose transports are bridged to the worker's replicator (./bridged-transport.ts), and the
 * answers the widgets draw from, asked of the worker by ticket. Nothing of a sync's work is
 * left on the page's thread but the data channels' frames crossing to the worker.
 *
 * A worker needs its script from the page's own origin: widgets served from elsewhere (a
 * CDN), a worker that fails to start, or a browser without module workers get `undefined`
 * from `open`, and the page's thread holds the peer instead (./in-thread-peer.ts).
 */
import { PandaError, type ErrorCode } from '../../core/errors.js';
import type { Hash } from '../../core/hash/hash.js';
import { FestivalNetworks } from '../../peer/festival-networks.js';
import type { PeerSourceOptions } from '../lib/source.js';
import { TransportBridge } from './bridged-transport.js';
import type { FestivalAnswers, PeerHost } from './peer-host.js';
import { ScheduleCopies } from './schedule-deltas.js';
import type { FromWorker, ToWorker, WorkerAnswers } from './worker-messages.js';

/** How long the worker's script may take to start before the page's thread takes over. */
const START_TIMEOUT_MS = 10_000;

/** The worker's script, beside this module (the widgets' build names it with its hash). */
const workerUrl = () => new URL('./peer-worker.ts', import.meta.url);

/** Starts the worker; resolves once its script runs, undefined if it cannot here. */
async function startWorker(): Promise<Worker | undefined> {
  if (typeof Worker !== 'function' || typeof location === 'undefined') return undefined;
  const url = workerUrl();
  if (url.origin !== location.origin) return undefined;
  let worker: Worker;
  try {
    worker = new Worker(url, { type: 'module', name: 'panda-kit peer' });
  } catch {
    return undefined;
  }
  const started = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    worker.onerror = () => {
      clearTimeout(timer);
      resolve(false);
    };
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      clearTimeout(timer);
      resolve(data.kind === 'ready');
    };
  });
  if (started) return worker;
  worker.terminate();
  return undefined;
}

export class WorkerPeer implements PeerHost {
  /** The page's peer with its data in a worker, or undefined where a worker cannot start. */
  static async open(maxPeers: number | undefined): Promise<WorkerPeer | undefined> {
    const worker = await startWorker();
    if (!worker) return undefined;
    try {
      return new WorkerPeer(worker, maxPeers);
    } catch (error) {
      worker.terminate();
      throw error;
    }
  }

  readonly #worker: Worker;
  readonly #networks: FestivalNetworks;
  readonly #bridge: TransportBridge;
  readonly #listeners = new Set<() => void>();
  /** The festivals' schedules as the worker sent them (in changes). */
  readonly #schedules = new ScheduleCopies();
  readonly #replies = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>();
  #nextTicket = 1;
  /** Why the worker cannot go on, once it said so. */
  #failure: PandaError | undefined;

  private constructor(worker: Worker, maxPeers: number | undefined) {
    this.#worker = worker;
    const post = (message: ToWorker) => worker.postMessage(message);
    this.#bridge = new TransportBridge({ postMessage: post });
    this.#networks = new FestivalNetworks({
      // Each widget joins for itself: a festival with a secret meets through a network of its own.
      networkPerSecret: true,
      webrtc: maxPeers === undefined ? undefined : { maxPeers },
      onTransport: (transport) => this.#bridge.add(transport),
      // Diagnostics only, as FestivalPeer has them: the page's peer shows what arrives.
      onError: () => {},
    });
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => this.#onMessage(data);
    worker.onerror = () => this.#fail(new PandaError('PEER_WORKER_FAILED', 'The in-page peer’s worker stopped'));
  }

  #post(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  #onMessage(message: FromWorker): void {
    switch (message.kind) {
      case 'send':
      case 'drain':
      case 'close-transport':
        this.#bridge.handle(message);
        return;
      case 'changed':
        for (const listener of [...this.#listeners]) listener();
        return;
      case 'reply': {
        const waiting = this.#replies.get(message.ticket);
        this.#replies.delete(message.ticket);
        if ('error' in message) waiting?.reject(new PandaError(message.error.code as ErrorCode, message.error.message));
        else waiting?.resolve(message.value);
        return;
      }
      case 'failed':
        this.#fail(new PandaError('PEER_WORKER_FAILED', `The in-page peer’s worker could not start its peer: ${message.message}`));
        return;
      case 'closed':
        this.#worker.terminate();
        return;
      case 'ready':
        return;
    }
  }

  #fail(error: PandaError): void {
    this.#failure ??= error;
    for (const { reject } of this.#replies.values()) reject(error);
    this.#replies.clear();
  }

  #ask(message: (ticket: number) => ToWorker): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const ticket = this.#nextTicket++;
    return new Promise((resolve, reject) => {
      this.#replies.set(ticket, { resolve, reject });
      this.#post(message(ticket));
    });
  }

  async join({ festivalId, signaling, secret }: PeerSourceOptions): Promise<() => void> {
    const id = festivalId;
    // Signaling URLs that are not ws:/wss:, or no WebRTC in this browser, throw here.
    const group = this.#networks.groupFor({ festivalId: id, signaling, secret });
    this.#post({ kind: 'join', festivalId: id });
    const first = group !== undefined && this.#networks.enter(group, id, secret);
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      if (group) this.#networks.exit(group, id);
      this.#networks.closeUnused();
      this.#post({ kind: 'leave', festivalId: id });
    };
    try {
      if (first) await group.network.join(id, secret);
    } catch (error) {
      leave();
      throw error;
    }
    return leave;
  }

  async answers(festivalId: Hash): Promise<FestivalAnswers | undefined> {
    const answers = (await this.#ask((ticket) => ({ kind: 'answers', ticket, festivalId }))) as WorkerAnswers | undefined;
    return answers && { festival: answers.festival, schedule: this.#schedules.apply(festivalId, answers.schedule) };
  }

  query(params: Record<string, unknown>): Promise<unknown> {
    return this.#ask((ticket) => ({ kind: 'query', ticket, params }));
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#listeners.clear();
    this.#networks.close();
    this.#bridge.close();
    // The worker stores what arrived, lets go of the database and says `closed`.
    this.#post({ kind: 'close' });
  }
}
