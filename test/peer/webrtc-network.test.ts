/**
 * WebRtcNetwork in Node: node-datachannel's RTCPeerConnection polyfill and `ws`, signaling
 * through y-webrtc's own server (node_modules/y-webrtc/bin/server.js) in a child process.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { WebSocket } from 'ws';
import { isPandaError, type PandaError } from '../../core/errors.js';
import { MAX_FRAME_SIZE } from '../../core/replication/transport.js';
import {
  DataChannelTransport,
  WebRtcNetwork,
  decodeAny,
  decryptSignalingData,
  deriveSignalingKey,
  encodeAny,
  encryptSignalingData,
  festivalTopic,
  parseSignalingMessage,
  type WebRtcNetworkOptions,
} from '../../peer/index.js';
import {
  RawClient,
  ROOT,
  TransportQueue,
  checkPatternFrame,
  closed,
  freePort,
  nextFrame,
  patternFrame,
  releaseNodeDataChannel,
  sleep,
  startSignalingServer,
  withTimeout,
  type SignalingServer,
} from './support.js';

// y-webrtc's own crypto and lib0's encoding, to check byte compatibility (JavaScript without types).
type YCrypto = {
  deriveKey(secret: string, room: string): Promise<CryptoKey>;
  encryptJson(data: unknown, key: CryptoKey): Promise<Uint8Array>;
  decryptJson(data: Uint8Array, key: CryptoKey): Promise<unknown>;
};
type Lib0Encoding = { createEncoder(): unknown; writeAny(encoder: unknown, value: unknown): void; toUint8Array(encoder: unknown): Uint8Array };
const importJs = (path: string): Promise<unknown> => import(pathToFileURL(ROOT + path).href);

let server: SignalingServer;
const networks: WebRtcNetwork[] = [];
const raws: RawClient[] = [];

function network(options: Partial<WebRtcNetworkOptions> & { queue?: TransportQueue; errors?: PandaError[] } = {}): WebRtcNetwork {
  const { queue, errors, ...rest } = options;
  const net = new WebRtcNetwork({
    signaling: [server.url],
    RTCPeerConnection,
    WebSocket,
    minReconnectDelayMs: 100,
    maxReconnectDelayMs: 1_000,
    ...rest,
  });
  if (queue) net.onTransport = queue.push;
  if (errors) net.onError = (error) => errors.push(error);
  networks.push(net);
  return net;
}

async function raw(topics: string[]): Promise<RawClient> {
  const client = await RawClient.connect(server.url, topics);
  raws.push(client);
  return client;
}

function closeAll(): void {
  for (const net of networks.splice(0)) net.close();
  for (const client of raws.splice(0)) client.close();
}

/** Two networks in one festival, connected: their transports. */
async function pair(festivalId: string, secrets: [string?, string?] = []) {
  const qa = new TransportQueue();
  const qb = new TransportQueue();
  const a = network({ queue: qa, festivals: [{ festivalId, secret: secrets[0] }] });
  const b = network({ queue: qb, festivals: [{ festivalId, secret: secrets[1] }] });
  const [ta, tb] = await Promise.all([qa.next(15_000, 'A transport'), qb.next(15_000, 'B transport')]);
  return { a, b, qa, qb, ta: ta.transport, tb: tb.transport, infoA: ta.info, infoB: tb.info };
}

before(async () => {
  server = await startSignalingServer();
});

after(async () => {
  closeAll();
  await server.stop();
  releaseNodeDataChannel();
});

describe('festival topics and signaling encoding', () => {
  it('festivalTopic hides the festival id and is stable', () => {
    const topic = festivalTopic('my-festival');
    assert.match(topic, /^panda-kit-0020[0-9a-f]{64}$/);
    assert.equal(topic, festivalTopic('my-festival'));
    assert.notEqual(topic, festivalTopic('my-festival2'));
    assert.ok(!topic.includes('my-festival'));
    assert.throws(
      () => festivalTopic(''),
      (e: unknown) => isPandaError(e, 'INPUT_INVALID'),
    );
  });

  it('encodeAny matches lib0 writeAny and decodeAny reads it back', async () => {
    const encoding = (await importJs('node_modules/lib0/encoding.js')) as Lib0Encoding;
    const values: unknown[] = [
      { type: 'announce', from: 'abc' },
      {
        type: 'signal',
        from: 'a',
        to: 'b',
        token: Date.now() + 0.25,
        signal: { type: 'candidate', candidate: { candidate: 'candidate:1 1 UDP 1 ::1 9 typ host', sdpMid: '0', sdpMLineIndex: null } },
      },
      [1, -1, 0, 63, 64, -64, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, 1.5, 0.1, true, false, null, undefined, 'ünïcödé ✓'],
      new Uint8Array([1, 2, 3]),
    ];
    for (const value of values) {
      const encoder = encoding.createEncoder();
      encoding.writeAny(encoder, value);
      const expected = encoding.toUint8Array(encoder);
      assert.deepEqual(encodeAny(value), expected);
      assert.deepEqual(decodeAny(expected), value);
    }
    assert.throws(
      () => decodeAny(new Uint8Array([118, 5])),
      (e: unknown) => isPandaError(e, 'SIGNALING_MESSAGE_INVALID'),
    );
  });

  it('encrypts and decrypts exactly as y-webrtc (both directions)', async () => {
    const y = (await importJs('node_modules/y-webrtc/src/crypto.js')) as YCrypto;
    const topic = festivalTopic('crypto');
    const message = { type: 'announce', from: 'peer-1' };
    const theirs = await y.deriveKey('s3cret', topic);
    const ours = await deriveSignalingKey('s3cret', topic);
    const ourCipher = await encryptSignalingData(message, ours);
    assert.deepEqual(await y.decryptJson(Uint8Array.from(Buffer.from(ourCipher, 'base64')), theirs), message);
    const theirCipher = Buffer.from(await y.encryptJson(message, theirs)).toString('base64');
    assert.deepEqual(await decryptSignalingData(theirCipher, ours), message);
    const wrong = await deriveSignalingKey('other', topic);
    await assert.rejects(decryptSignalingData(ourCipher, wrong), (e: unknown) => isPandaError(e, 'SIGNALING_MESSAGE_INVALID'));
    await assert.rejects(decryptSignalingData('%%%', ours), (e: unknown) => isPandaError(e, 'SIGNALING_MESSAGE_INVALID'));
  });

  it('parseSignalingMessage keeps valid shapes and drops the rest', () => {
    assert.deepEqual(parseSignalingMessage({ type: 'announce', from: 'a', extra: 1 }), { type: 'announce', from: 'a' });
    assert.deepEqual(parseSignalingMessage({ type: 'signal', from: 'a', to: 'b', signal: { type: 'offer', sdp: 'v=0' } }), {
      type: 'signal',
      from: 'a',
      to: 'b',
      signal: { type: 'offer', sdp: 'v=0' },
    });
    for (const bad of [
      null,
      'x',
      [],
      { type: 'announce' },
      { type: 'announce', from: '' },
      { type: 'announce', from: 'a b' },
      { type: 'announce', from: 'a', to: 5 },
      { type: 'signal', from: 'a', signal: { type: 'offer', sdp: 'v=0' } },
      { type: 'signal', from: 'a', to: 'b', signal: { type: 'offer' } },
      { type: 'signal', from: 'a', to: 'b', signal: { renegotiate: true } },
      { type: 'signal', from: 'a', to: 'b', signal: { type: 'candidate', candidate: { candidate: 5 } } },
      { type: 'other', from: 'a' },
    ]) {
      assert.equal(parseSignalingMessage(bad), undefined, JSON.stringify(bad));
    }
  });
});

describe('WebRtcNetwork with node-datachannel', { timeout: 120_000 }, () => {
  after(closeAll);

  it('rejects bad options', () => {
    assert.throws(
      () => new WebRtcNetwork({ signaling: ['http://x'], RTCPeerConnection, WebSocket }),
      (e: unknown) => isPandaError(e, 'INPUT_INVALID'),
    );
    assert.throws(
      () => new WebRtcNetwork({ signaling: [], RTCPeerConnection, WebSocket, peerId: 'no spaces' }),
      (e: unknown) => isPandaError(e, 'INPUT_INVALID'),
    );
    const saved = (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    delete (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
    try {
      assert.throws(
        () => new WebRtcNetwork({ signaling: [], WebSocket }),
        (e: unknown) => isPandaError(e, 'WEBRTC_UNAVAILABLE'),
      );
    } finally {
      if (saved !== undefined) (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection = saved;
    }
  });

  it('two peers of a festival get a transport each and exchange frames both ways', async () => {
    const { a, b, ta, tb, infoA, infoB } = await pair('festival-basic');
    assert.equal(infoA.festivalId, 'festival-basic');
    assert.equal(infoB.festivalId, 'festival-basic');
    assert.equal(infoA.remoteId, b.peerId);
    assert.equal(infoB.remoteId, a.peerId);
    assert.equal(ta.remoteId, b.peerId);
    const fromA = nextFrame(tb);
    ta.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await fromA, new Uint8Array([1, 2, 3]));
    const fromB = nextFrame(ta);
    tb.send(new Uint8Array(MAX_FRAME_SIZE).fill(7));
    const big = await fromB;
    assert.equal(big.length, MAX_FRAME_SIZE);
    assert.ok(big.every((byte) => byte === 7));
    // A view on part of a larger buffer sends only its own bytes.
    const view = nextFrame(tb);
    const backing = new Uint8Array(100).map((_, i) => i);
    ta.send(backing.subarray(10, 13));
    assert.deepEqual(await view, new Uint8Array([10, 11, 12]));
    assert.throws(
      () => ta.send(new Uint8Array(MAX_FRAME_SIZE + 1)),
      (e: unknown) => isPandaError(e, 'INPUT_INVALID'),
    );
    assert.ok(ta instanceof DataChannelTransport);
    assert.deepEqual(a.peers, [b.peerId]);
    a.close();
    b.close();
  });

  it('2,000 frames of 16 KiB arrive in order and intact, with backpressure', async () => {
    const { a, b, ta, tb } = await pair('festival-bulk');
    const COUNT = 2_000;
    const HIGH = 1024 * 1024;
    const LOW = 256 * 1024;
    let received = 0;
    let bad = -1;
    const done = new Promise<void>((resolve) => {
      tb.onFrame = (frame) => {
        if (bad < 0 && !checkPatternFrame(frame, received, MAX_FRAME_SIZE)) bad = received;
        if (++received === COUNT) resolve();
      };
    });
    let waits = 0;
    let maxBuffered = 0;
    const started = Date.now();
    for (let i = 0; i < COUNT; i++) {
      if (ta.bufferedAmount > HIGH - MAX_FRAME_SIZE) {
        waits++;
        await ta.drained(LOW);
        assert.ok(ta.bufferedAmount <= HIGH, 'drained resolved while the buffer was still full');
      }
      ta.send(patternFrame(i, MAX_FRAME_SIZE));
      maxBuffered = Math.max(maxBuffered, ta.bufferedAmount);
    }
    await withTimeout(done, 60_000, 'all frames');
    const ms = Date.now() - started;
    assert.equal(bad, -1, `frame ${bad} arrived out of order or damaged`);
    assert.equal(received, COUNT);
    assert.ok(maxBuffered <= HIGH, `buffered ${maxBuffered} bytes`);
    assert.ok(waits > 0, 'the sender never had to wait for drained()');
    console.log(`  32 MiB in ${ms} ms (${((COUNT * MAX_FRAME_SIZE) / 1048576 / (ms / 1000)).toFixed(1)} MiB/s), waited ${waits} times`);
    await ta.drained(0);
    a.close();
    b.close();
  });

  it('with a secret, peers connect and the server only sees y-webrtc-encrypted data', async () => {
    const festivalId = 'festival-secret';
    const topic = festivalTopic(festivalId);
    const observer = await raw([topic]);
    const { a, b, ta, tb } = await pair(festivalId, ['open sesame', 'open sesame']);
    const frame = nextFrame(tb);
    ta.send(new Uint8Array([42]));
    assert.deepEqual(await frame, new Uint8Array([42]));
    await sleep(200);
    assert.ok(observer.received.length >= 4, `observer saw ${observer.received.length} messages`);
    const y = (await importJs('node_modules/y-webrtc/src/crypto.js')) as YCrypto;
    const key = await y.deriveKey('open sesame', topic);
    const kinds = new Set<string>();
    for (const { topic: seen, data } of observer.received) {
      assert.equal(seen, topic);
      assert.equal(typeof data, 'string', 'signaling data in clear');
      const bytes = Buffer.from(data as string, 'base64');
      assert.equal(bytes.subarray(0, 8).toString('latin1'), '\x07AES-GCM');
      assert.ok(!bytes.includes(Buffer.from('announce')) && !bytes.includes(Buffer.from(a.peerId)));
      // Readable with the secret by y-webrtc itself: the format is y-webrtc's.
      const message = (await y.decryptJson(new Uint8Array(bytes), key)) as { type: string; signal?: { type: string } };
      kinds.add(message.type === 'signal' ? `signal:${message.signal?.type}` : message.type);
    }
    assert.ok(kinds.has('announce') && kinds.has('signal:offer') && kinds.has('signal:answer'), [...kinds].join());
    a.close();
    b.close();
  });

  it('with different secrets, peers do not connect', async () => {
    const errorsA: PandaError[] = [];
    const qa = new TransportQueue();
    const qb = new TransportQueue();
    const a = network({ queue: qa, errors: errorsA, festivals: [{ festivalId: 'festival-secrets', secret: 'one' }] });
    const b = network({ queue: qb, festivals: [{ festivalId: 'festival-secrets', secret: 'two' }] });
    await sleep(3_000);
    assert.equal(qa.all.length + qb.all.length, 0);
    assert.deepEqual(a.peers, []);
    assert.deepEqual(b.peers, []);
    assert.ok(errorsA.some((e) => e.code === 'SIGNALING_MESSAGE_INVALID'));
    // And a peer without the secret does not connect to one with it.
    const qc = new TransportQueue();
    const c = network({ queue: qc, festivals: ['festival-secrets'] });
    await sleep(1_500);
    assert.equal(qa.all.length + qb.all.length + qc.all.length, 0);
    a.close();
    b.close();
    c.close();
  });

  it('with different secrets for one festival, only the festival they share connects', async () => {
    const qa = new TransportQueue();
    const qb = new TransportQueue();
    const a = network({ queue: qa, festivals: ['shared-open', { festivalId: 'shared-closed', secret: 'one' }] });
    const b = network({ queue: qb, festivals: ['shared-open', { festivalId: 'shared-closed', secret: 'two' }] });
    await Promise.all([qa.next(), qb.next()]);
    await sleep(1_500);
    assert.deepEqual(
      qa.all.map((e) => e.info.festivalId),
      ['shared-open'],
    );
    assert.deepEqual(
      qb.all.map((e) => e.info.festivalId),
      ['shared-open'],
    );
    a.close();
    b.close();
  });

  it('a connection that fails is dropped and made again on the next announce', async () => {
    let broken = true;
    // ICE cannot succeed while `broken`: no candidates are exchanged.
    class FlakyPeerConnection extends RTCPeerConnection {
      override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
        if (!broken) return super.addIceCandidate(candidate);
      }
      override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
        const sdp = broken ? description.sdp?.replace(/^a=candidate:.*\r?\n/gm, '') : description.sdp;
        return super.setRemoteDescription(sdp === undefined ? description : { type: description.type, sdp });
      }
    }
    const errors: PandaError[] = [];
    const qa = new TransportQueue();
    const qb = new TransportQueue();
    const options = { RTCPeerConnection: FlakyPeerConnection, connectTimeoutMs: 1_500, festivals: ['festival-flaky'] };
    const a = network({ ...options, queue: qa, errors });
    const b = network({ ...options, queue: qb });
    await withTimeout(
      (async () => {
        while (!errors.some((e) => e.code === 'TRANSPORT_CLOSED')) await sleep(50);
      })(),
      10_000,
      'connect timeout',
    );
    assert.equal(qa.all.length + qb.all.length, 0);
    broken = false;
    const [ta, tb] = await Promise.all([qa.next(20_000), qb.next(20_000)]);
    const frame = nextFrame(tb.transport);
    ta.transport.send(new Uint8Array([6]));
    assert.deepEqual(await frame, new Uint8Array([6]));
    a.close();
    b.close();
  });

  it('ignores garbage published into the topic and still connects', async () => {
    const festivalId = 'festival-garbage';
    const topic = festivalTopic(festivalId);
    const vandal = await raw([topic]);
    const errors: PandaError[] = [];
    const qa = new TransportQueue();
    const a = network({ queue: qa, errors, peerId: 'zz-target', festivals: [festivalId] });
    await sleep(300);
    let deep: unknown = {};
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const garbage: unknown[] = [
      null,
      42,
      'a string',
      'AAAA',
      [],
      [1, 2, 3],
      {},
      { type: 'announce' },
      { type: 'announce', from: 42 },
      { type: 'announce', from: 'x'.repeat(500) },
      { type: 'announce', from: 'zz-target' },
      { type: 'signal', from: 'aa', to: 'zz-target' },
      { type: 'signal', from: 'aa', to: 'zz-target', signal: 'offer' },
      { type: 'signal', from: 'aa', to: 'zz-target', signal: { type: 'answer', sdp: 'v=0' } },
      { type: 'signal', from: 'aa', to: 'zz-target', signal: { type: 'candidate', candidate: { candidate: 'candidate:garbage' } } },
      { type: 'signal', from: 'aa', to: 'zz-target', signal: { type: 'offer', sdp: 'this is no SDP' } },
      { type: 'signal', from: 'zzzz', to: 'zz-target', signal: { type: 'offer', sdp: 'v=0' } },
      { type: 'signal', from: 'aa', to: 'zz-target', signal: { type: 'offer', sdp: 'x'.repeat(200_000) } },
      { __proto__: { polluted: true }, type: 'announce', from: 'bb' },
      deep,
    ];
    for (const data of garbage) {
      try {
        vandal.publish(topic, data);
      } catch {
        // JSON.stringify of the deep object may fail: then it was never sent
      }
    }
    // (Not `{type:'subscribe', topics:'nope'}`: that crashes y-webrtc's own server.)
    vandal.send({ type: 'publish' });
    vandal.send({ type: 'unknown' });
    await sleep(800);
    assert.ok(
      errors.some((e) => e.code === 'SIGNALING_MESSAGE_INVALID'),
      'garbage went unnoticed',
    );
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
    // The network still works: a real peer connects.
    const qb = new TransportQueue();
    const b = network({ queue: qb, festivals: [festivalId] });
    const [ta, tb] = await Promise.all([qa.next(), qb.next()]);
    assert.equal(ta.info.remoteId, b.peerId);
    const frame = nextFrame(tb.transport);
    ta.transport.send(new Uint8Array([9]));
    assert.deepEqual(await frame, new Uint8Array([9]));
    a.close();
    b.close();
  });

  it('closing one side fires onClose on the other (transport and whole network)', async () => {
    const first = await pair('festival-close');
    const gone = closed(first.tb);
    let localCloses = 0;
    first.ta.onClose = () => localCloses++;
    first.ta.close();
    first.ta.close();
    await gone;
    await sleep(50);
    assert.equal(localCloses, 1);
    assert.throws(
      () => first.ta.send(new Uint8Array(1)),
      (e: unknown) => isPandaError(e, 'TRANSPORT_CLOSED'),
    );
    await first.ta.drained(0);
    // The connection without channels is gone on both sides.
    await withTimeout(
      (async () => {
        while (first.a.peers.length + first.b.peers.length > 0) await sleep(20);
      })(),
      5_000,
      'connections dropped',
    );
    first.a.close();
    first.b.close();

    const second = await pair('festival-close-network');
    const goneB = closed(second.tb);
    second.a.close();
    await goneB;
    second.b.close();
  });

  it('reconnects on the next announce after leaving and joining again', async () => {
    const { a, b, qa, qb, tb } = await pair('festival-rejoin');
    const gone = closed(tb);
    a.leave('festival-rejoin');
    await gone;
    assert.deepEqual(a.festivals, []);
    await a.join('festival-rejoin');
    const [ta2, tb2] = await Promise.all([qa.next(), qb.next()]);
    const frame = nextFrame(ta2.transport);
    tb2.transport.send(new Uint8Array([5, 5]));
    assert.deepEqual(await frame, new Uint8Array([5, 5]));
    a.close();
    b.close();
  });

  it('a lower peer that leaves and joins again at once connects again, though the higher one answered it a moment ago', async () => {
    const qa = new TransportQueue();
    const qb = new TransportQueue();
    // The lower id makes the connection; the higher only answers its announces (b is there
    // first, so it answers a's first announce, and must answer its next one too).
    const b = network({ queue: qb, peerId: 'rejoin-b', festivals: ['festival-quick-rejoin'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const a = network({ queue: qa, peerId: 'rejoin-a', festivals: ['festival-quick-rejoin'] });
    const [, tb] = await Promise.all([qa.next(15_000, 'A transport'), qb.next(15_000, 'B transport')]);
    const gone = closed(tb.transport);
    a.leave('festival-quick-rejoin');
    await gone;
    await a.join('festival-quick-rejoin');
    const [ta2, tb2] = await Promise.all([qa.next(15_000, 'A transport again'), qb.next(15_000, 'B transport again')]);
    const frame = nextFrame(ta2.transport);
    tb2.transport.send(new Uint8Array([7]));
    assert.deepEqual(await frame, new Uint8Array([7]));
    a.close();
    b.close();
  });

  it('one connection per peer, one transport per shared festival', async () => {
    const qa = new TransportQueue();
    const qb = new TransportQueue();
    const a = network({ queue: qa, festivals: ['multi-1', 'multi-2', { festivalId: 'multi-3', secret: 'x' }] });
    const b = network({ queue: qb, festivals: ['multi-1', 'multi-2'] });
    await Promise.all([qa.next(), qa.next(), qb.next(), qb.next()]);
    await b.join('multi-3', 'x');
    const [a3, b3] = await Promise.all([qa.next(), qb.next()]);
    assert.equal(a3.info.festivalId, 'multi-3');
    assert.equal(b3.info.festivalId, 'multi-3');
    assert.deepEqual(a.peers, [b.peerId]);
    assert.deepEqual(b.peers, [a.peerId]);
    assert.deepEqual(qa.all.map((e) => e.info.festivalId).sort(), ['multi-1', 'multi-2', 'multi-3']);
    assert.deepEqual(qb.all.map((e) => e.info.festivalId).sort(), ['multi-1', 'multi-2', 'multi-3']);
    // Frames stay in their festival.
    const byFestival = (q: TransportQueue, id: string) => q.all.find((e) => e.info.festivalId === id)!.transport;
    const got = nextFrame(byFestival(qb, 'multi-2'));
    byFestival(qb, 'multi-1').onFrame = () => assert.fail('frame in the wrong festival');
    byFestival(qa, 'multi-2').send(new Uint8Array([2]));
    assert.deepEqual(await got, new Uint8Array([2]));
    // Closing one festival's transport keeps the others and the connection.
    const gone = closed(byFestival(qb, 'multi-1'));
    byFestival(qa, 'multi-1').close();
    await gone;
    await sleep(100);
    assert.deepEqual(a.peers, [b.peerId]);
    const again = nextFrame(byFestival(qa, 'multi-3'));
    byFestival(qb, 'multi-3').send(new Uint8Array([3]));
    assert.deepEqual(await again, new Uint8Array([3]));
    a.close();
    b.close();
  });

  it('uses several signaling servers and reconnects to one that comes up late', async () => {
    const latePort = await freePort();
    const deadUrl = `ws://127.0.0.1:${await freePort()}`;
    const lateUrl = `ws://127.0.0.1:${latePort}`;
    const errors: PandaError[] = [];
    const qa = new TransportQueue();
    const qb = new TransportQueue();
    // A only knows the late server (and a dead one); B knows both servers.
    const a = network({ queue: qa, errors, signaling: [deadUrl, lateUrl], festivals: ['festival-late'] });
    const b = network({ queue: qb, signaling: [server.url, lateUrl], festivals: ['festival-late'] });
    await sleep(500);
    assert.equal(qa.all.length, 0);
    assert.ok(errors.some((e) => e.code === 'SIGNALING_FAILED'));
    const late = await startSignalingServer(latePort);
    try {
      const [ta, tb] = await Promise.all([qa.next(), qb.next()]);
      const frame = nextFrame(tb.transport);
      ta.transport.send(new Uint8Array([1]));
      assert.deepEqual(await frame, new Uint8Array([1]));
    } finally {
      a.close();
      b.close();
      await late.stop();
    }
  });
});
