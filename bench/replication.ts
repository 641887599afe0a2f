/**
 * Issue #4 benchmark: a festival of 10,000 entries (operations of about 200 bytes)
 * replicated between two peers over real WebRTC on loopback (node-datachannel, peers found
 * through y-webrtc's signaling server), next to the same data synced by Yjs through
 * y-webrtc. Issue #14: what re-syncs cost once the peers are in step (each way), and after
 * one new entry in one log (besides the entry). Live push is off and re-syncs are started by
 * hand, so that only the syncs measured move the entry.
 *
 * The receiving peer's time, split (issue #14): connecting (until its data channel is open),
 * transfer (until the last frame is in), and on the path of its entries (its replicator's
 * `health().intake`) waiting for their signatures to be verified, checking them against the
 * store and storing them, telling; and refreshing its festival model once per batch, as a
 * peer that shows the festival does. Beside it, the ceiling: verifying the same entries'
 * signatures alone, in the same run, against twice Yjs's wall time.
 */
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import * as core from '../core/index.js';
import { WebRtcNetwork } from '../peer/index.js';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { startSignalingServer } from '../node/node-peer.js';
import { syncWithYjs } from './yjs-webrtc.js';

const ENTRIES = 10_000;
const AUTHORS = 20;
const HOUR = 3600;
const T0 = 1_800_000_000;

/** 10,000 entries: a festival, then events of ~200-byte operations, a fifth of them moved. */
async function buildFestival(): Promise<{ store: core.MemoryStore; festivalId: core.Hash; moved: { id: core.Hash; author: core.KeyPair } }> {
  const store = new core.MemoryStore();
  const node = new core.FestivalNode(store);
  const authors = Array.from({ length: AUTHORS }, (_, i) => new core.KeyPair((i + 1).toString(16).padStart(2, '0').repeat(32)));
  const festival = await node.createFestival(authors[0]!, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const events: Array<{ id: core.Hash; author: core.KeyPair }> = [];
  let count = 1;
  for (let i = 0; count < ENTRIES; i++) {
    const author = authors[i % AUTHORS]!;
    if (i % 5 === 4 && events.length > 0) {
      const moved = events[(i * 7) % events.length]!;
      await node.update(moved.author, moved.id, {
        title: `Session ${i} (moved)`,
        start: BigInt(T0 + (i % 60) * HOUR),
        end: BigInt(T0 + ((i % 60) + 1) * HOUR),
      });
    } else {
      const start = T0 + (i % 70) * HOUR;
      const created = await node.createEvent(author, {
        festival: festival.documentId,
        title: `Session ${i}`,
        description: 'Bring a cup.',
        start,
        end: start + HOUR,
        resources: [],
        createdAt: T0 - 86400 + i,
      });
      events.push({ id: created.documentId, author });
    }
    count++;
  }
  return { store, festivalId: festival.documentId, moved: events[Math.floor(events.length / 2)]! };
}

/** How long verifying every entry's signature alone takes (ms): parsed and verified 128 at a time, as replication does. */
async function verifyAlone(items: ReadonlyArray<{ entry: Uint8Array }>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < items.length; i += 128) {
    await Promise.all(items.slice(i, i + 128).map((item) => core.decodeEntry(item.entry)));
  }
  return performance.now() - started;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

interface Side {
  replicator: core.Replicator;
  network: WebRtcNetwork;
  connections: core.Connection[];
  /** When the first data channel opened, and when the latest frame came in (performance.now()). */
  connectedAt?: number;
  lastFrameAt?: number;
}

function side(replicator: core.Replicator, signaling: string, festivalId: core.Hash): Side {
  const connections: core.Connection[] = [];
  const network = new WebRtcNetwork({
    signaling: [signaling],
    festivals: [festivalId],
    RTCPeerConnection: RTCPeerConnection,
    WebSocket: WebSocket,
    onTransport: (transport) => {
      result.connectedAt ??= performance.now();
      connections.push(replicator.connect(transport));
      const deliver = transport.onFrame;
      transport.onFrame = (frame) => {
        result.lastFrameAt = performance.now();
        deliver?.(frame);
      };
    },
  });
  const result: Side = { replicator, network, connections };
  return result;
}

/** The receiving peer's model, refreshed once per burst of stored entries (a batch): how often and how long (ms) in all. */
function refreshedModel(replicator: core.Replicator, store: core.Store): { refreshes: number; ms: number } {
  const node = new core.FestivalNode(store);
  const figures = { refreshes: 0, ms: 0 };
  let scheduled = false;
  replicator.on((event) => {
    if (event.type !== 'entry') return;
    node.stored([event.operation]);
    if (scheduled) return;
    scheduled = true;
    setTimeout(() => {
      scheduled = false;
      const started = performance.now();
      void node.model().then(() => {
        figures.refreshes++;
        figures.ms += performance.now() - started;
      });
    });
  });
  return figures;
}

const wire = (sides: Side[]) => sides.flatMap((s) => s.connections).reduce((sum, connection) => sum + connection.bytesSent, 0);

/** Starts a sync on `from`'s connections; resolves once it ended and the frames after it landed. Returns the bytes each side sent. */
async function resync(from: Side, to: Side): Promise<{ out: number; back: number }> {
  const [out, back] = [wire([from]), wire([to])];
  let off = () => {};
  const synced = new Promise<void>((resolve) => (off = from.replicator.on((event) => event.type === 'synced' && resolve())));
  for (const connection of from.connections) connection.sync();
  await synced;
  off();
  await to.replicator.idle();
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { out: wire([from]) - out, back: wire([to]) - back };
}

export async function run(): Promise<void> {
  await core.hashingReady();
  const { store, festivalId, moved } = await buildFestival();
  const items: Array<{ entry: Uint8Array; operation: Uint8Array }> = [];
  let raw = 0;
  let logs = 0;
  for (const log of await store.getLogs()) {
    logs++;
    for (const entry of await store.getEntries(log.publicKey, log.logId, 1)) {
      const operation = (await store.getOperation(entry.hash))!.bytes;
      items.push({ entry: entry.bytes, operation });
      raw += entry.bytes.length + operation.length;
    }
  }
  const operationBytes = items.reduce((sum, item) => sum + item.operation.length, 0);

  const port = await freePort();
  const server = await startSignalingServer(port);
  const signaling = `ws://127.0.0.1:${port}`;
  const target = new core.MemoryStore();
  const options = { festivals: [festivalId], live: false, resyncInterval: 0 };
  const a = side(await core.Replicator.open(store, options), signaling, festivalId);
  const started = performance.now();
  const b = side(await core.Replicator.open(target, options), signaling, festivalId);
  const model = refreshedModel(b.replicator, target);
  let held = 0;
  const done = new Promise<void>((resolve) =>
    b.replicator.on((event) => {
      if (event.type === 'entry' && ++held === items.length) resolve();
    }),
  );
  await done;
  const wallMs = performance.now() - started;
  const [connectedAt, transferred] = [b.connectedAt!, b.lastFrameAt!];
  const intake = b.replicator.health().intake;
  // Let the closing SyncDone messages land before counting.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const firstBytes = wire([a, b]);

  const inStep = await resync(a, b);
  const secondBytes = inStep.out + inStep.back;

  // One new entry in one log (an event moved), then a re-sync.
  const node = new core.FestivalNode(store);
  const update = await node.update(moved.author, moved.id, { title: 'Session (moved again)' });
  await a.replicator.announce(update.entryBytes, update.operationBytes);
  const entryMessage = core.encodeMessage({ type: 'entry', session: 0, entry: update.entryBytes, operation: update.operationBytes }).length;
  const afterOne = await resync(a, b);
  if (!(await target.getEntryByHash(update.hash))) throw new Error('The new entry did not arrive');
  const besides = afterOne.out + afterOne.back - entryMessage;
  a.network.close();
  b.network.close();
  a.replicator.close();
  b.replicator.close();
  server.kill();
  await once(server, 'exit');

  const yjs = await syncWithYjs(items);
  const aloneMs = await verifyAlone(items);

  console.log(
    `\n## Replication: ${items.length.toLocaleString('en-US')} entries in ${logs.toLocaleString('en-US')} logs (operations ${Math.round(operationBytes / items.length)} bytes on average), two Node peers over WebRTC on loopback`,
  );
  console.log('| | Panda Kit replication | Yjs through y-webrtc | target |');
  console.log('|---|---|---|---|');
  const twiceYjs = 2 * yjs.wallMs;
  const within = (ms: number) => (ms <= twiceYjs ? 'within' : 'over');
  const part = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);
  console.log(`| wall time (connect to all held) | ${part(wallMs)} | ${part(yjs.wallMs)} | <= 2x Yjs = ${part(twiceYjs)} (${within(wallMs)}) |`);
  console.log(`| - connecting (until the data channel is open) | ${part(connectedAt - started)} | | |`);
  console.log(`| - transfer (data channel open to the last frame in) | ${part(transferred - connectedAt)} | | |`);
  console.log(`| - waiting for signatures to be verified (what storing the batch before did not cover) | ${part(intake?.checkingMs)} | | |`);
  console.log(`| - checking against the store and storing (${intake?.batches ?? '?'} batches) | ${part(intake?.storingMs)} | | |`);
  console.log(`| - telling listeners and live peers | ${part(intake?.tellingMs)} | | |`);
  console.log(`| - model refresh (once per batch: ${model.refreshes} builds) | ${part(model.ms)} | | |`);
  console.log(
    `| ceiling: verifying the ${items.length.toLocaleString('en-US')} signatures alone (native Ed25519, 128 at a time) | ${part(aloneMs)} (${(aloneMs / yjs.wallMs).toFixed(1)}x Yjs) | Yjs verifies nothing | ${aloneMs > twiceYjs ? 'over 2x Yjs by itself: 2x Yjs is out of reach while every signature is checked' : 'leaves room within 2x Yjs'} |`,
  );
  console.log(`| bytes on the data channels | ${firstBytes.toLocaleString('en-US')} | ${yjs.payloadBytes.toLocaleString('en-US')} | |`);
  console.log(
    `| wire bytes / raw entry+operation bytes (${raw.toLocaleString('en-US')}) | ${(firstBytes / raw).toFixed(4)} | ${(yjs.payloadBytes / yjs.itemsBytes).toFixed(4)} | <= 1.05 |`,
  );
  console.log(
    `| second sync, peers in step (1 festival) | ${inStep.out} B out, ${inStep.back} B back (${secondBytes.toLocaleString('en-US')} B = ${(secondBytes / logs).toFixed(3)} B per log) | ${yjs.secondSyncBytes.toLocaleString('en-US')} B | <= 64 B per festival each way |`,
  );
  console.log(
    `| second sync after one new entry in one log: bytes besides the entry's message (${entryMessage} B) | ${besides.toLocaleString('en-US')} B (${afterOne.out.toLocaleString('en-US')} B out, ${afterOne.back.toLocaleString('en-US')} B back) | | <= 1 KB |`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
