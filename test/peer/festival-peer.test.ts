/**
 * FestivalPeer (peer/festival-peer.ts) in Node: two peers replicate a festival over real
 * WebRTC (node-datachannel) through y-webrtc's own signaling server; and, against a recording
 * server no peer answers, how joins, leaves and `configure` keep the replicator's and the
 * networks' festival membership in step (reference counts, moves, errors).
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import { FestivalNode, hashingReady, isPandaError, KeyPair, MemoryStore, type Hash } from '../../core/index.js';
import { FestivalPeer, festivalTopic, type FestivalPeerEvent, type RTCPeerConnectionClass, type WebSocketClass } from '../../peer/index.js';
import { recordingServer, until } from './recording-signaling.js';
import { freePort, releaseNodeDataChannel, startSignalingServer } from './support.js';

/** Festival times are seconds. */
const HOUR = 3600;
const T0 = 1_800_000_000;
const A = `0020${'a'.repeat(64)}`;
const B = `0020${'b'.repeat(64)}`;
/** No peer ever answers a recording server, so no RTCPeerConnection is ever made. */
const NO_PEERS = {
  WebSocket: WebSocket as unknown as WebSocketClass,
  RTCPeerConnection: class {} as unknown as RTCPeerConnectionClass,
  pingIntervalMs: 60_000,
};
const invalidInput = (error: unknown) => isPandaError(error) && error.code === 'INPUT_INVALID';

const closing: Array<() => unknown> = [];
after(async () => {
  for (const close of closing.reverse()) await close();
  releaseNodeDataChannel();
});

async function openPeer(options: Partial<Parameters<typeof FestivalPeer.open>[0]> = {}): Promise<FestivalPeer> {
  const peer = await FestivalPeer.open({ store: new MemoryStore(), webrtc: NO_PEERS, ...options });
  closing.push(() => peer.close());
  return peer;
}

/** Counts the replicator's joins and leaves of each festival. */
function countMembership(peer: FestivalPeer): { joins: Map<Hash, number>; leaves: Map<Hash, number> } {
  const counts = { joins: new Map<Hash, number>(), leaves: new Map<Hash, number>() };
  const { replicator } = peer;
  const join = replicator.join.bind(replicator);
  const leave = replicator.leave.bind(replicator);
  replicator.join = (id) => (counts.joins.set(id, (counts.joins.get(id) ?? 0) + 1), join(id));
  replicator.leave = (id) => (counts.leaves.set(id, (counts.leaves.get(id) ?? 0) + 1), leave(id));
  return counts;
}

describe('FestivalPeer', () => {
  test('two peers replicate a festival over WebRTC: entries arrive, the node reads them, the peers report synced', async () => {
    await hashingReady();
    const signaling = await startSignalingServer();
    closing.push(() => signaling.stop());
    const webrtc = { RTCPeerConnection: RTCPeerConnection as unknown as RTCPeerConnectionClass, WebSocket: WebSocket as unknown as WebSocketClass };
    const organiserNode = new FestivalNode(new MemoryStore());
    const organiser = await openPeer({ store: organiserNode.store, node: organiserNode, signaling: [signaling.url], webrtc });
    const key = KeyPair.generate();
    const festival = (await organiserNode.createFestival(key, { name: 'Fusion', start: T0, end: T0 + 72 * HOUR })).documentId;
    await organiser.configure([{ festivalId: festival }]);

    const visitorNode = new FestivalNode(new MemoryStore());
    const visitor = await openPeer({ store: visitorNode.store, node: visitorNode, webrtc });
    const events: FestivalPeerEvent[] = [];
    visitor.on((event) => events.push(event));
    let bursts = 0;
    visitor.onEntries(() => bursts++, { delayMs: 20, fromPeersOnly: true });
    const leave = await visitor.join(festival, { signaling: [signaling.url] });
    await until(() => events.some((event) => event.type === 'synced' && event.festivals.includes(festival)), 'the visitor synced');
    await until(() => bursts > 0, 'entries arrived');
    assert.equal((await visitorNode.model()).festivals.get(festival)?.name, 'Fusion');

    // Published at the organiser's node: announced to the live visitor without another join.
    await organiserNode.createEvent(key, { festival, title: 'Opening', start: T0, end: T0 + HOUR, resources: [] });
    await until(() => events.filter((event) => event.type === 'entry').length >= 2, 'the live push arrived');
    await until(() => bursts >= 2, 'a second burst');
    assert.deepEqual(
      (await visitorNode.model()).schedule(festival).map((item) => item.event.title),
      ['Opening'],
    );
    assert.ok(visitor.health().peers.some((peer) => peer.festivals.includes(festival)));

    leave();
    assert.deepEqual(visitor.festivals, []);
    assert.deepEqual(visitor.networks, [], "the festival's network closed with it");
  });

  test('joins are counted: the festival is left, and its network closed, with its last use only', async () => {
    const server = await recordingServer();
    closing.push(server.close);
    const peer = await openPeer();
    const counts = countMembership(peer);
    const first = await peer.join(A, { signaling: [server.url] });
    const second = await peer.join(A, { signaling: [server.url, server.url] });
    await until(() => server.subscribed().has(festivalTopic(A)), 'subscribed');
    assert.equal(peer.networks.length, 1, 'the same servers share one network');
    assert.equal(counts.joins.get(A), 1);
    first();
    first(); // a second call ends nothing more
    assert.deepEqual(peer.festivals, [A]);
    assert.deepEqual(peer.networks[0]!.network.festivals, [A]);
    second();
    assert.deepEqual(peer.festivals, []);
    assert.equal(counts.leaves.get(A), 1);
    assert.deepEqual(peer.networks, []);
    await until(() => server.open() === 0, 'the socket closed');
  });

  test("the peer's own servers stay open without festivals; a festival held there with another secret meets apart", async () => {
    const server = await recordingServer();
    closing.push(server.close);
    const peer = await openPeer({ signaling: [server.url] });
    await until(() => server.open() === 1, 'connected to its own server');
    const plain = await peer.join(A);
    const secret = await peer.join(A, { secret: 'the password' });
    assert.equal(peer.networks.length, 2);
    assert.deepEqual(peer.network!.festivals, [A]);
    secret();
    plain();
    assert.deepEqual(
      peer.networks.map(({ network }) => network),
      [peer.network],
    );
    await until(() => server.open() === 1 && !server.subscribed().has(festivalTopic(A)), 'the other network closed, its own open');
  });

  test('with networkPerSecret, festivals with different secrets use networks of their own', async () => {
    const server = await recordingServer();
    closing.push(server.close);
    const peer = await openPeer({ networkPerSecret: true });
    await peer.join(A, { signaling: [server.url], secret: 'one' });
    await peer.join(B, { signaling: [server.url], secret: 'two' });
    await peer.join(B, { signaling: [server.url] });
    assert.equal(peer.networks.length, 3);
  });

  test('configure moves a festival whose servers or secret changed without the replicator leaving it, and leaves what is gone', async () => {
    const [mine, theirs] = [await recordingServer(), await recordingServer()];
    closing.push(mine.close, theirs.close);
    const peer = await openPeer();
    const counts = countMembership(peer);
    await peer.configure([
      { festivalId: A, signaling: [mine.url] },
      { festivalId: B, signaling: [theirs.url] },
    ]);
    await until(() => mine.subscribed().has(festivalTopic(A)) && theirs.subscribed().has(festivalTopic(B)), 'both subscribed');
    const network = peer.networks.find(({ servers }) => servers[0] === mine.url)!.network;

    await peer.configure([
      { festivalId: A, signaling: [mine.url], secret: 'new' },
      { festivalId: B, signaling: [theirs.url] },
    ]);
    assert.equal(peer.networks.find(({ servers }) => servers[0] === mine.url)?.network, network, 'the same network joined it anew');
    await peer.configure([{ festivalId: A, signaling: [theirs.url], secret: 'new' }]);
    await until(() => mine.open() === 0 && theirs.subscribed().has(festivalTopic(A)) && !theirs.subscribed().has(festivalTopic(B)), 'A moved, B left');
    assert.deepEqual(peer.festivals, [A]);
    assert.equal(counts.leaves.get(A), undefined, 'the replicator never left A');
    assert.equal(counts.leaves.get(B), 1);
    assert.deepEqual(peer.configured, [{ festivalId: A, signaling: [theirs.url], secret: 'new' }]);

    // A use of its own keeps a festival the list no longer names.
    const use = await peer.join(A, { signaling: [theirs.url], secret: 'new' });
    await peer.configure([]);
    assert.deepEqual(peer.festivals, [A]);
    use();
    assert.deepEqual(peer.festivals, []);
  });

  test('bad input is refused with its code: a join holds nothing, a configured festival is tried again', async () => {
    const server = await recordingServer();
    closing.push(server.close);
    const peer = await openPeer();
    await assert.rejects(peer.join(A, { signaling: ['http://127.0.0.1:1'] }), invalidInput);
    await assert.rejects(peer.join(A, { signaling: [server.url], secret: '' }), invalidInput);
    assert.deepEqual(peer.festivals, []);
    assert.equal(peer.networks.length, 0);

    await assert.rejects(
      peer.configure([
        { festivalId: A, signaling: [server.url], secret: '' },
        { festivalId: B, signaling: [server.url] },
      ]),
      invalidInput,
    );
    assert.deepEqual(peer.festivals.sort(), [A, B], 'both taken part in; only A could not join its network');
    assert.deepEqual(peer.networks[0]!.network.festivals, [B]);
    await peer.configure([
      { festivalId: A, signaling: [server.url], secret: 'fixed' },
      { festivalId: B, signaling: [server.url] },
    ]);
    assert.deepEqual(peer.networks[0]!.network.festivals.sort(), [A, B]);

    peer.close();
    await assert.rejects(peer.join(A), (error: unknown) => isPandaError(error) && error.code === 'REPLICATION_CLOSED');
  });

  test("a network's trouble is an event", async () => {
    const unreachable = `ws://127.0.0.1:${await freePort()}`;
    const peer = await openPeer({ webrtc: { ...NO_PEERS, minReconnectDelayMs: 50 } });
    const errors: FestivalPeerEvent[] = [];
    peer.on((event) => event.type === 'network-error' && errors.push(event));
    await peer.join(A, { signaling: [unreachable] });
    await until(() => errors.length > 0, 'the signaling failure reported');
    assert.deepEqual(errors[0], { type: 'network-error', servers: [unreachable], error: (errors[0] as { error: unknown }).error });
    assert.equal((errors[0] as { error: { code: string } }).error.code, 'SIGNALING_FAILED');
  });
});
