/**
 * The in-page peer's worker: the store (IndexedDB under the page's Web Lock, ./page-store.ts),
 * the replicator and the festival model, off the page's thread. What a sync costs (decoding
 * and verifying every entry, checking it against the store, IndexedDB's writes, building the
 * model, answering queries) would otherwise keep the page from drawing and answering input.
 * The page (./worker-peer.ts) keeps the WebRTC connections, which workers do not have, and
 * bridges each of them here (./bridged-transport.ts); other tabs are met over BroadcastChannel
 * from here, as the page's own peer would. So the worker needs no network of its own: a
 * replicator and a BroadcastNetwork, not a whole FestivalPeer (whose WebRTC networks would
 * only add to what a visitor downloads).
 *
 * Messages that come while the store opens wait for it, in order.
 */
import { isPandaError } from '../../core/errors.js';
import type { FestivalModel } from '../../core/festival/festival-model.js';
import { FestivalNode } from '../../core/festival/festival-node.js';
import { answerQuery } from '../../core/festival/queries.js';
import type { Hash } from '../../core/hash/hash.js';
import { hashingReady } from '../../core/hash/hash.js';
import { Replicator } from '../../core/replication/replicator.js';
import { BroadcastNetwork } from '../../peer/broadcast-transport.js';
import { BridgedTransports } from './bridged-transport.js';
import { openPageStore } from './page-store.js';
import { ScheduleDeltas } from './schedule-deltas.js';
import type { FromWorker, ToWorker, WorkerAnswers } from './worker-messages.js';

/** Entries arrive in bursts (a first sync brings hundreds): the page hears of them at most this often. */
const NOTIFY_INTERVAL_MS = 150;

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
  close(): void;
}
const scope = globalThis as unknown as WorkerScope;
const post = (message: FromWorker) => scope.postMessage(message);

/** Answers `ticket` with what `work` gives once `ready` resolves, in the same task (the schedule's changes must reach the page in the order they were made). */
async function reply<T>(ticket: number, ready: Promise<T>, work: (value: T) => unknown): Promise<void> {
  try {
    const value = await ready;
    post({ kind: 'reply', ticket, value: work(value) });
  } catch (error) {
    // What is no PandaError is a bug here, said as the worker's failure.
    const code = isPandaError(error) ? error.code : 'PEER_WORKER_FAILED';
    post({ kind: 'reply', ticket, error: { code, message: error instanceof Error ? error.message : String(error) } });
  }
}

async function open() {
  // Falls back to JavaScript BLAKE3 where the page's CSP forbids WebAssembly.
  await hashingReady();
  const { store, release } = await openPageStore();
  const node = new FestivalNode(store);
  const replicator = await Replicator.open(store, {});
  // Other tabs of the origin; WebRTC peers come bridged from the page.
  const broadcast = typeof BroadcastChannel === 'function' ? new BroadcastNetwork({ onTransport: (transport) => replicator.connect(transport) }) : undefined;
  let notice: ReturnType<typeof setTimeout> | undefined;
  replicator.on((event) => {
    if (event.type !== 'entry') return;
    // The model decodes just this operation on its next build, without reading it back.
    node.stored([event.operation]);
    notice ??= setTimeout(() => {
      notice = undefined;
      post({ kind: 'changed' });
    }, NOTIFY_INTERVAL_MS);
  });
  const transports = new BridgedTransports(scope, (transport) => replicator.connect(transport));
  const deltas = new ScheduleDeltas();
  /** The festival's answers once its document is here: the schedule as changes since the last (./schedule-deltas.ts). */
  const answers = (model: FestivalModel, festivalId: Hash): WorkerAnswers | undefined => {
    if (!model.festivals.has(festivalId)) return undefined;
    const festival = answerQuery(model, { query: 'festival', festivalId });
    return { festival, schedule: deltas.delta(festivalId, answerQuery(model, { query: 'schedule', festivalId }) as unknown[]) };
  };
  /** Each festival's uses: taken part in while there are any. */
  const uses = new Map<Hash, number>();

  return async (message: ToWorker): Promise<void> => {
    switch (message.kind) {
      case 'join': {
        const held = uses.get(message.festivalId) ?? 0;
        uses.set(message.festivalId, held + 1);
        if (held > 0) return;
        replicator.join(message.festivalId);
        broadcast?.join(message.festivalId);
        return;
      }
      case 'leave': {
        const held = (uses.get(message.festivalId) ?? 0) - 1;
        if (held > 0) uses.set(message.festivalId, held);
        else if (uses.delete(message.festivalId)) {
          broadcast?.leave(message.festivalId);
          replicator.leave(message.festivalId);
        }
        return;
      }
      case 'transport':
      case 'frame':
      case 'closed':
      case 'buffered':
        transports.handle(message);
        return;
      case 'answers':
        void reply(message.ticket, node.model(), (model) => answers(model, message.festivalId));
        return;
      case 'query':
        void reply(message.ticket, node.model(), (model) => answerQuery(model, message.params));
        return;
      case 'close':
        clearTimeout(notice);
        broadcast?.close();
        replicator.close();
        await replicator.idle();
        release();
        post({ kind: 'closed' });
        scope.close();
        return;
    }
  };
}

// Listening at once: what the page sends while the store opens is handled after, in order.
const opened = open().catch((error: unknown) => {
  post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  return undefined;
});
let queue: Promise<void> = Promise.resolve();
scope.onmessage = ({ data }) => {
  queue = queue
    .then(async () => (await opened)?.(data))
    // A message that failed is lost, not the ones after it.
    .catch(() => undefined);
};
post({ kind: 'ready' });
