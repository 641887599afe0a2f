/**
 * Issue #16 over real WebRTC: one festival of 24 Node peers (node-datachannel) meeting
 * through y-webrtc's own signaling server, on the overlay (at most 6 connections each) and
 * as today's full mesh, with the same arrivals (one every 250 ms) and publishes (3 peers, 3
 * events each). Printed: the messages the server relayed (each publish counts once per
 * subscriber it reaches), connections, and how long joining and spreading took.
 */
import { runFestival, type FestivalRunOptions, type FestivalRunResult } from '../test/peer/festival-run.js';
import { releaseNodeDataChannel } from '../test/peer/support.js';

const PEERS = 24;
const base: Omit<FestivalRunOptions, 'maxPeers' | 'overlay'> = { peers: PEERS, publishers: [1, 11, 23], eventsEach: 3, arrivalMs: 250, timeoutMs: 180_000 };

const row = (name: string, result: FestivalRunResult) =>
  `| ${name} | ${result.relayedJoining.toLocaleString('en-US')} (${Math.round(result.relayedJoining / PEERS)} per peer) | ${result.relayedPublishing.toLocaleString('en-US')} | ${result.maxConnections} | ` +
  `${(result.joinMs / 1000).toFixed(1)} s | ${(result.spreadMs / 1000).toFixed(1)} s |`;

export async function run(): Promise<void> {
  const overlay = await runFestival({ ...base, maxPeers: 6, overlay: {} });
  const mesh = await runFestival({ ...base, maxPeers: PEERS - 1, overlay: undefined });
  releaseNodeDataChannel();
  console.log(`\n## Mesh: ${PEERS} Node peers of one festival over WebRTC through one y-webrtc signaling server`);
  console.log('| | server messages while arriving | while 9 entries spread | most connections of a peer | all hold the festival after | every entry after |');
  console.log('|---|---|---|---|---|---|');
  console.log(row('overlay, at most 6 connections', overlay));
  console.log(row("today's full mesh", mesh));
  const { signals } = overlay;
  console.log(
    `overlay: neighbours ${Math.min(...overlay.neighbours)}-${Math.max(...overlay.neighbours)}, known peers ${Math.min(...overlay.known)}-${Math.max(...overlay.known)}; ` +
      `signals sent through the overlay ${signals.overlay} (${signals.relayed} relay hops, ${signals.dropped} dropped), through the server ${signals.server}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
