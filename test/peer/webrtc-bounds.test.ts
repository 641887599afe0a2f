/**
 * Finding 5 of issue 13: announces and offers from made-up peer ids cannot make a
 * WebRtcNetwork create or hold more than a few RTCPeerConnections, and a real peer still
 * connects afterwards. Real WebRTC (node-datachannel) and y-webrtc's own signaling server;
 * the heap and RSS growth are printed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import type { PandaError } from '../../core/errors.js';
import { WebRtcNetwork, festivalTopic } from '../../peer/index.js';
import { RawClient, TransportQueue, releaseNodeDataChannel, sleep, startSignalingServer, type SignalingServer } from './support.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

/** Heap used plus ArrayBuffers after a full GC, and the resident set (native WebRTC state lives there). */
function held(): { heap: number; rss: number } {
  collect();
  collect();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** node-datachannel's RTCPeerConnection, counting how many were made and how many are open. */
class CountingPeerConnection extends RTCPeerConnection {
  static created = 0;
  static open = 0;
  static most = 0;
  #closed = false;

  constructor(configuration?: RTCConfiguration) {
    super(configuration);
    CountingPeerConnection.created++;
    CountingPeerConnection.open++;
    CountingPeerConnection.most = Math.max(CountingPeerConnection.most, CountingPeerConnection.open);
  }

  override close(): void {
    if (!this.#closed) CountingPeerConnection.open--;
    this.#closed = true;
    super.close();
  }

  static reset(): void {
    CountingPeerConnection.created = 0;
    CountingPeerConnection.most = CountingPeerConnection.open;
  }
}

let server: SignalingServer;

before(async () => {
  server = await startSignalingServer();
});

after(async () => {
  await server.stop();
  releaseNodeDataChannel();
});

function network(peerId: string, festivalId: string, queue?: TransportQueue, errors?: PandaError[]): WebRtcNetwork {
  return new WebRtcNetwork({
    signaling: [server.url],
    festivals: [festivalId],
    RTCPeerConnection: CountingPeerConnection,
    WebSocket,
    peerId,
    connectTimeoutMs: 1_500,
    onTransport: queue?.push,
    onError: (error) => errors?.push(error),
  });
}

/** Waits until `condition` holds (polling), failing after `ms`. */
async function until(condition: () => boolean, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Resolves once the victim has handled everything published so far: messages of a topic
 * are handled in order, so a malformed one published last is reported last.
 */
async function allRead(attacker: RawClient, topic: string, errors: PandaError[]): Promise<void> {
  attacker.publish(topic, { type: 'not-a-message' });
  await until(() => errors.some((error) => error.code === 'SIGNALING_MESSAGE_INVALID'), 'the flood to be read', 30_000);
  assert.ok(
    errors.some((error) => error.code === 'WEBRTC_PEER_LIMIT'),
    'the limit was reported',
  );
}

/** A real offer, to send from made-up ids. */
async function realOffer(): Promise<string> {
  const pc = new RTCPeerConnection();
  pc.createDataChannel('x');
  const offer = (await pc.createOffer()) as RTCSessionDescriptionInit;
  pc.close();
  return offer.sdp!;
}

describe('WebRtcNetwork under a flood of made-up peers', { timeout: 120_000 }, () => {
  it('finding 5: 5,000 announces from made-up ids create a handful of RTCPeerConnections, never hold more than the cap, and a real peer still connects', async () => {
    const festivalId = 'flooded-by-announces';
    const topic = festivalTopic(festivalId);
    const queue = new TransportQueue();
    const errors: PandaError[] = [];
    // The lowest id: it is the one to create connections to every made-up (higher) id.
    const victim = network('0-victim', festivalId, queue, errors);
    const attacker = await RawClient.connect(server.url, [topic]);
    await sleep(300);
    CountingPeerConnection.reset();
    const before = held();
    const started = Date.now();
    for (let i = 0; i < 5000; i++) attacker.publish(topic, { type: 'announce', from: `fake-${i}`, session: `s${i}` });
    await allRead(attacker, topic, errors);
    const seconds = (Date.now() - started) / 1000;
    const grown = held();
    console.log(
      `finding 5 (announces): 5,000 from made-up ids in ${seconds.toFixed(1)} s: ${CountingPeerConnection.created} RTCPeerConnections created, at most ${CountingPeerConnection.most} open; heap growth ${mib(grown.heap - before.heap)}, RSS growth ${mib(grown.rss - before.rss)}`,
    );
    assert.ok(CountingPeerConnection.most <= 8, `at most 8 held, saw ${CountingPeerConnection.most}`);
    assert.ok(CountingPeerConnection.created <= 4 + 2 * Math.ceil(seconds) + 2, `created ${CountingPeerConnection.created} in ${seconds} s`);
    assert.ok(grown.heap - before.heap < 64 * MiB);
    // A real peer joining after the flood connects (the made-up ones time out, the victim announces again).
    const honest = network('z-honest', festivalId);
    const { info } = await queue.next(20_000, 'a transport to the real peer');
    assert.equal(info.remoteId, 'z-honest');
    attacker.close();
    honest.close();
    victim.close();
  });

  it('finding 5: 5,000 offers from made-up ids create a handful of RTCPeerConnections and never hold more than the cap', async () => {
    const festivalId = 'flooded-by-offers';
    const topic = festivalTopic(festivalId);
    const errors: PandaError[] = [];
    // The highest id: made-up (lower) ids may offer to it.
    const victim = network('zzzz-victim', festivalId, undefined, errors);
    const sdp = await realOffer();
    const attacker = await RawClient.connect(server.url, [topic]);
    await sleep(300);
    CountingPeerConnection.reset();
    const before = held();
    const started = Date.now();
    for (let i = 0; i < 5000; i++) attacker.publish(topic, { type: 'signal', from: `fake-${i}`, to: 'zzzz-victim', signal: { type: 'offer', sdp } });
    await allRead(attacker, topic, errors);
    const seconds = (Date.now() - started) / 1000;
    const grown = held();
    console.log(
      `finding 5 (offers): 5,000 from made-up ids in ${seconds.toFixed(1)} s: ${CountingPeerConnection.created} RTCPeerConnections created, at most ${CountingPeerConnection.most} open; heap growth ${mib(grown.heap - before.heap)}, RSS growth ${mib(grown.rss - before.rss)}`,
    );
    assert.ok(CountingPeerConnection.most <= 8, `at most 8 held, saw ${CountingPeerConnection.most}`);
    assert.ok(CountingPeerConnection.created <= 4 + 2 * Math.ceil(seconds) + 2, `created ${CountingPeerConnection.created} in ${seconds} s`);
    assert.ok(grown.heap - before.heap < 64 * MiB);
    attacker.close();
    victim.close();
  });
});
