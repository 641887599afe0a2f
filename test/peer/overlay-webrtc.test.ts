/**
 * Issue 16 over real WebRTC: 24 Node peers (FestivalPeer, node-datachannel) of one festival
 * meet through one y-webrtc signaling server (its own, unchanged, behind a counting proxy).
 * On the overlay each holds at most 6 RTCPeerConnections, and after three of them publish,
 * all hold the same entries (multi-hop: live push and syncs between neighbours). The same
 * arrivals and publishes as today's full mesh are run too: the messages the server relayed
 * are printed for both and the overlay's must stay well below the mesh's.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { runFestival, type FestivalRunOptions, type FestivalRunResult } from './festival-run.js';
import { releaseNodeDataChannel } from './support.js';

after(() => releaseNodeDataChannel());

const PEERS = 24;
const base: Omit<FestivalRunOptions, 'maxPeers' | 'overlay'> = { peers: PEERS, publishers: [1, 11, 23], eventsEach: 3, arrivalMs: 250, timeoutMs: 120_000 };

const line = (name: string, result: FestivalRunResult) =>
  `${name}: server relayed ${result.relayedJoining} messages while ${PEERS} peers arrived (${(result.relayedJoining / PEERS).toFixed(0)} per peer), ` +
  `${result.relayedPublishing} while ${result.entries - 1} entries spread; at most ${result.maxConnections} connections per peer; ` +
  `all held the festival after ${(result.joinMs / 1000).toFixed(1)} s, every entry ${(result.spreadMs / 1000).toFixed(1)} s after the first publish`;

describe('24 Node peers of one festival over WebRTC', { timeout: 300_000 }, () => {
  it('on the overlay: at most 6 connections each, the same entries everywhere, and far fewer messages through the server than the full mesh', async () => {
    const overlay = await runFestival({ ...base, maxPeers: 6, overlay: {} });
    console.log(line('overlay (at most 6 connections)', overlay));
    console.log(
      `  neighbours per peer ${Math.min(...overlay.neighbours)}-${Math.max(...overlay.neighbours)}, known peers ${Math.min(...overlay.known)}-${Math.max(...overlay.known)}; ` +
        `signals through the overlay ${overlay.signals.overlay} (relayed ${overlay.signals.relayed} hops, ${overlay.signals.dropped} dropped), through the server ${overlay.signals.server}`,
    );
    const mesh = await runFestival({ ...base, maxPeers: PEERS - 1, overlay: undefined });
    console.log(line("today's full mesh", mesh));

    assert.ok(overlay.maxConnections <= 6, `at most 6 connections, saw ${overlay.maxConnections}`);
    assert.ok(overlay.neighbours.every((count) => count >= 1));
    assert.equal(mesh.maxConnections, PEERS - 1, 'the mesh connects everyone');
    const overlayTotal = overlay.relayedJoining + overlay.relayedPublishing;
    const meshTotal = mesh.relayedJoining + mesh.relayedPublishing;
    assert.ok(overlayTotal < meshTotal / 3, `overlay ${overlayTotal} vs mesh ${meshTotal}`);
    assert.ok(overlay.relayedJoining / PEERS < 600, `${overlay.relayedJoining / PEERS} per arriving peer`);
  });
});
