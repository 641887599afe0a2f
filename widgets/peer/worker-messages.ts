/**
 * What the page and the in-page peer's worker (./peer-worker.ts) tell each other, by
 * `postMessage` (structured clone, in order). The page holds the WebRTC connections (no
 * browser has RTCPeerConnection in workers) and draws; the worker holds the store, the
 * replicator and the festival model. Each transport the page's networks open is bridged
 * (./bridged-transport.ts); the page asks for the answers it draws from by ticket.
 */
import type { Hash } from '../../core/index.js';
import type { ScheduleDelta } from './schedule-deltas.js';

/** A festival's answers as the worker sends them: the schedule in changes (./schedule-deltas.ts). */
export interface WorkerAnswers {
  festival: unknown;
  schedule: ScheduleDelta;
}

/** From the page to the worker. */
export type ToWorker =
  /** Take part in a festival (one use) / end one use. */
  | { kind: 'join'; festivalId: Hash }
  | { kind: 'leave'; festivalId: Hash }
  /** A new transport to a peer, with the page's id for it. */
  | { kind: 'transport'; id: number; remoteId: string }
  | { kind: 'frame'; id: number; frame: Uint8Array }
  /** The transport closed on the page's side. */
  | { kind: 'closed'; id: number }
  /** How many of the bytes the worker sent the page has handed to the transport, and its `bufferedAmount` then; `ticket` answers a `drain`. */
  | { kind: 'buffered'; id: number; handled: number; amount: number; ticket?: number }
  /** The festival's answers, `WorkerAnswers` (`undefined` while the festival document is not here). */
  | { kind: 'answers'; ticket: number; festivalId: Hash }
  | { kind: 'query'; ticket: number; params: Record<string, unknown> }
  /** Close everything; the worker says `closed` once what arrived is stored and the store released. */
  | { kind: 'close' };

/** From the worker to the page. */
export type FromWorker =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string }
  | { kind: 'send'; id: number; frame: Uint8Array }
  | { kind: 'close-transport'; id: number }
  /** Answer with `buffered` (and the ticket) once the transport's `bufferedAmount` is at or below `threshold`. */
  | { kind: 'drain'; id: number; threshold: number; ticket: number }
  | { kind: 'reply'; ticket: number; value: unknown }
  | { kind: 'reply'; ticket: number; error: { code: string; message: string } }
  /** Entries arrived (coalesced). */
  | { kind: 'changed' }
  | { kind: 'closed' };

/** The one end of a worker's channel either side needs. */
export interface MessageEnd<Out> {
  postMessage(message: Out): void;
}
