/**
 * Yjs + y-webrtc baseline for the replication benchmark: the same items (a p2panda entry and
 * its operation each) are synced between two peers in one Node process over real WebRTC
 * (node-datachannel on loopback, y-webrtc's own signaling server in a child process), so the
 * time and the bytes on the data channels can be set beside Panda Kit's replication.
 *
 * How the items are held: peer A's `Y.Array('log')` gets one plain `{ entry, operation }`
 * object per item, pushed in one transaction. That is the natural Yjs way for immutable
 * records: plain values become `ContentAny`, and consecutive inserts by one client are
 * squashed into a single struct, so the per-item overhead is only lib0's `writeAny` framing
 * (an object tag, the two key strings and the two byte-array lengths, about 20 bytes). A
 * `Y.Map` per item would make every record a shared type of its own (one struct per key plus
 * the map item), which buys per-field concurrent editing that an append-only log of signed
 * operations never uses.
 *
 * Things one process needs before y-webrtc runs two peers against each other:
 * - y-webrtc keeps its rooms and signaling connections in module-level maps and refuses a
 *   second doc in the same room ("A Yjs Doc connected to room ... already exists"), so each
 *   peer loads its own instance of the y-webrtc module (`import('…/y-webrtc.js?peer=a')`).
 *   Yjs, lib0 and simple-peer stay shared.
 * - y-webrtc also syncs through lib0's broadcastchannel, which in Node is the real
 *   `BroadcastChannel` (it reaches other channels in the same process) and which in any case
 *   calls same-process subscribers synchronously. The two docs would sync without WebRTC, and
 *   with `filterBcConns` they would even ignore each other's WebRTC signaling. So lib0's
 *   broadcastchannel is loaded while `globalThis.BroadcastChannel` is hidden (it then falls
 *   back to an in-memory polyfill, no handle kept open), and each Room unsubscribes from it
 *   right after connecting (before any of its asynchronous publishes lands). The check: no
 *   peer ever lists the other under `bcConns`, and B's data channel must have received at
 *   least the items' bytes.
 * - Node 20 has no global `WebSocket`; lib0's websocket client gets `ws` (wrapped to count
 *   signaling bytes and to wait for the sockets to close).
 * - simple-peer sends each y-webrtc message as ONE data-channel message, no chunking, and
 *   y-webrtc swallows send errors. The first sync is one update message holding the whole
 *   document, far above the 256 KiB `a=max-message-size` libdatachannel (and Chrome)
 *   advertise by default; such a send throws and is silently dropped, and B never syncs. So
 *   both peers advertise a max message size large enough for the whole update
 *   (`maxMessageSize`, by default the encoded document plus slack).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { once } from 'node:events';
import { connect as netConnect, createServer } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import * as polyfill from 'node-datachannel/polyfill';
import { WebSocket as WsWebSocket } from 'ws';

type YWebrtc = typeof import('y-webrtc');
type Provider = InstanceType<YWebrtc['WebrtcProvider']>;
type Item = { entry: Uint8Array; operation: Uint8Array };

export interface YjsSyncResult {
  /** From creating the two providers (signaling, ICE, DTLS, SCTP, sync) until B holds every item. */
  wallMs: number;
  /** Payload bytes both peers handed to their WebRTC data channels in the first sync. */
  payloadBytes: number;
  /** Sum of entry + operation lengths. */
  itemsBytes: number;
  /** Payload bytes both peers sent when a fresh provider pair joins the two (equal) docs. */
  secondSyncBytes: number;
  /**
   * Until the data channel was open (part of wallMs): signaling, ICE, DTLS, SCTP. Bimodal with
   * node-datachannel on loopback: ~10-50 ms, or ~1 s when the first DTLS flight is lost and
   * waits for the 1 s retransmit. wallMs - connectMs is the sync proper.
   */
  connectMs: number;
  /** First sync split by direction; B→A is mostly y-webrtc echoing the received update back. */
  aToBBytes: number;
  bToABytes: number;
  /** Data-channel messages in the first sync and the largest one. */
  messages: number;
  largestMessage: number;
  /** Bytes B received on its data channel in the first sync (the check that WebRTC carried it). */
  bReceivedBytes: number;
  /** Y.encodeStateAsUpdate(docA).length, the document as one Yjs update. */
  updateBytes: number;
  secondSyncMs: number;
  /** JSON sent to the signaling server by both peers, over both syncs (SDP, ICE, announce). */
  signalingBytes: number;
}

export interface YjsSyncOptions {
  /** Use a running y-webrtc signaling server on 127.0.0.1 instead of starting one. */
  signalingPort?: number;
  /** SCTP max message size both peers advertise; default: the whole document plus 64 KiB. */
  maxMessageSize?: number;
  /** Give up after this long per phase (default 120 s). */
  timeoutMs?: number;
}

const DEFAULT_SCTP_MAX_MESSAGE = 256 * 1024;

/**
 * node-datachannel's polyfill, adjusted where simple-peer (y-webrtc's WebRTC layer) trips on it:
 * - createOffer/createAnswer resolve with the polyfill's RTCSessionDescription, whose `sdp` is a
 *   getter only; simple-peer assigns `offer.sdp = sdpTransform(offer.sdp)` and fails with
 *   ERR_CREATE_OFFER. Browsers hand out plain RTCSessionDescriptionInit objects, so this does
 *   too (the polyfill's setLocalDescription only reads `type`).
 * - On loopback the answerer's ICE checks and DTLS ClientHello (libdatachannel answers with
 *   a=setup:active) reach the offerer through the kernel in well under a millisecond, while
 *   the answer (with the DTLS fingerprint) takes the detour through the signaling server.
 *   When the hello wins, the handshake either waits for DTLS's 1 s retransmit (about every
 *   third connection) or fails and libdatachannel closes the peer connection (about one in
 *   ten); the late answer or candidate then fails with "Got a remote candidate without ICE
 *   transport" (ERR_SET_REMOTE_DESCRIPTION / ERR_ADD_ICE_CANDIDATE), y-webrtc keeps the
 *   half-open responder connection, and the peers never connect. Fix: the answerer reads the
 *   offer as a=setup:active, so it answers passive and waits; the offerer becomes the DTLS
 *   client and starts only once its ICE is connected, i.e. after it has the answer. Also
 *   candidates travel by trickle only (stripped from remote SDP, where libdatachannel puts its
 *   gathered ones; simple-peer trickles every candidate anyway), and addIceCandidate retries
 *   "without ICE transport" while libdatachannel still sets its transport up.
 */
class RTCPeerConnection extends polyfill.RTCPeerConnection {
  override async createOffer(...args: Parameters<polyfill.RTCPeerConnection['createOffer']>): Promise<RTCSessionDescriptionInit> {
    const { type, sdp } = (await super.createOffer(...args)) as { type: RTCSdpType; sdp: string };
    return { type, sdp };
  }
  override async createAnswer(...args: Parameters<polyfill.RTCPeerConnection['createAnswer']>): Promise<RTCSessionDescriptionInit> {
    const { type, sdp } = (await super.createAnswer(...args)) as { type: RTCSdpType; sdp: string };
    return { type, sdp };
  }
  /** Candidates by trickle only; the offerer is the DTLS client (see the class comment). */
  override async setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    let sdp = description.sdp?.replace(/a=(candidate|end-of-candidates)[^\r\n]*\r\n/g, '');
    if (sdp !== undefined && description.type === 'offer') sdp = sdp.replace(/a=setup:actpass/g, 'a=setup:active');
    return super.setRemoteDescription(sdp === undefined ? description : { type: description.type, sdp });
  }
  /** Retries while libdatachannel's ICE transport is still being set up (see the class comment). */
  override async addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await super.addIceCandidate(candidate ?? undefined);
      } catch (error) {
        if (attempt >= 200 || !String((error as Error)?.message).includes('without ICE transport')) throw error;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }
}
const wrtc = { RTCPeerConnection, RTCSessionDescription: polyfill.RTCSessionDescription, RTCIceCandidate: polyfill.RTCIceCandidate };

// --- two y-webrtc instances, BroadcastChannel path cut -----------------------------------

let modules: Promise<[YWebrtc, YWebrtc]> | undefined;

function loadYWebrtc(): Promise<[YWebrtc, YWebrtc]> {
  modules ??= (async () => {
    const g = globalThis as { BroadcastChannel?: unknown };
    const saved = Object.getOwnPropertyDescriptor(g, 'BroadcastChannel');
    delete g.BroadcastChannel;
    let bc: typeof import('lib0/broadcastchannel');
    let a: YWebrtc;
    let b: YWebrtc;
    try {
      // lib0 picks BroadcastChannel or its in-memory polyfill when this module is evaluated.
      bc = await import('lib0/broadcastchannel');
      const url = import.meta.resolve('y-webrtc');
      a = (await import(`${url}?peer=a`)) as YWebrtc;
      b = (await import(`${url}?peer=b`)) as YWebrtc;
    } finally {
      if (saved) Object.defineProperty(g, 'BroadcastChannel', saved);
    }
    for (const mod of [a, b]) {
      const connect = mod.Room.prototype.connect;
      mod.Room.prototype.connect = function (this: InstanceType<YWebrtc['Room']>) {
        connect.call(this);
        // Everything Room.connect publishes on the broadcastchannel is asynchronous (behind a
        // promise), so unsubscribing here means no same-process delivery ever happens.
        bc.unsubscribe(this.name, this._bcSubscriber);
        this.bcconnected = false;
      };
    }
    return [a, b];
  })();
  return modules;
}

// --- counting -----------------------------------------------------------------------------

type Side = 'a' | 'b';

class Meter {
  sent = { a: 0, b: 0 };
  received = { a: 0, b: 0 };
  messages = 0;
  largest = 0;
  /** performance.now() of the first send: y-webrtc sends SyncStep1 on simple-peer's 'connect'. */
  firstSendAt = 0;
  reset(): void {
    this.firstSendAt = 0;
    this.sent = { a: 0, b: 0 };
    this.received = { a: 0, b: 0 };
    this.messages = 0;
    this.largest = 0;
  }
}

function byteLength(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (data instanceof Blob) return data.size;
  return 0;
}

/** Which of our providers a data channel belongs to (undefined: someone else's channel). */
function sideOf(channel: object, providers: Array<[Side, Provider]>, cache: WeakMap<object, Side>): Side | undefined {
  const known = cache.get(channel);
  if (known) return known;
  for (const [side, provider] of providers) {
    for (const conn of provider.room?.webrtcConns.values() ?? []) {
      if ((conn.peer as { _channel?: object })._channel === channel) {
        cache.set(channel, side);
        return side;
      }
    }
  }
  return undefined;
}

/** Patch RTCDataChannel send/dispatch for the duration of a run; returns the undo. */
function meterDataChannels(meter: Meter, providers: () => Array<[Side, Provider]>): () => void {
  const proto = polyfill.RTCDataChannel.prototype as unknown as {
    send(data: unknown): void;
    dispatchEvent(event: Event): boolean;
  };
  const ownSend = Object.getOwnPropertyDescriptor(proto, 'send')!;
  const ownDispatch = Object.getOwnPropertyDescriptor(proto, 'dispatchEvent');
  const send = proto.send;
  const dispatch = proto.dispatchEvent;
  const cache = new WeakMap<object, Side>();
  proto.send = function (this: object, data: unknown) {
    send.call(this, data); // throws (and is not counted) if the message is too large
    const side = sideOf(this, providers(), cache);
    if (!side) return;
    const n = byteLength(data);
    meter.sent[side] += n;
    meter.messages++;
    if (!meter.firstSendAt) meter.firstSendAt = performance.now();
    meter.largest = Math.max(meter.largest, n);
  };
  proto.dispatchEvent = function (this: object, event: Event) {
    if (event.type === 'message') {
      const side = sideOf(this, providers(), cache);
      if (side) meter.received[side] += byteLength((event as MessageEvent).data);
    }
    return dispatch.call(this, event);
  };
  return () => {
    Object.defineProperty(proto, 'send', ownSend);
    if (ownDispatch) Object.defineProperty(proto, 'dispatchEvent', ownDispatch);
    else delete (proto as { dispatchEvent?: unknown }).dispatchEvent;
  };
}

/** `ws` as the global WebSocket for lib0, counting what the peers send to the signaling server. */
function signalingWebSocket(sockets: Set<WsWebSocket>, counter: { bytes: number }) {
  return class CountingWebSocket extends WsWebSocket {
    constructor(...args: ConstructorParameters<typeof WsWebSocket>) {
      super(...args);
      sockets.add(this);
      this.once('close', () => sockets.delete(this));
    }
    override send(data: unknown, ...rest: unknown[]): void {
      counter.bytes += byteLength(data);
      (super.send as (...a: unknown[]) => void)(data, ...rest);
    }
  };
}

// --- signaling server ---------------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  await once(server, 'close');
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startSignaling(port: number): Promise<ChildProcess> {
  const script = fileURLToPath(new URL('../bin/server.js', import.meta.resolve('y-webrtc')));
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 10_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null) throw new Error(`y-webrtc signaling server exited with ${child.exitCode}`);
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`y-webrtc signaling server did not listen on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return child;
}

async function stopSignaling(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}

// --- the run ------------------------------------------------------------------------------

/** Resolves when `check()` holds; re-checked on each `poke()` and every 10 ms as a fallback. */
function until(check: () => boolean, timeoutMs: number, what: () => string): { done: Promise<void>; poke: () => void } {
  let poke = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const finish = (error?: Error) => {
      clearInterval(timer);
      clearTimeout(timeout);
      poke = () => {};
      if (error) reject(error);
      else resolve();
    };
    const timer = setInterval(() => poke(), 10);
    const timeout = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms: ${what()}`)), timeoutMs);
    poke = () => {
      if (check()) finish();
    };
  });
  return { done, poke: () => poke() };
}

function peerSynced(provider: Provider): boolean {
  const conns = provider.room?.webrtcConns;
  return !!conns && conns.size > 0 && [...conns.values()].every((c) => c.synced);
}

function channelOpen(provider: Provider): boolean {
  return [...(provider.room?.webrtcConns.values() ?? [])].some((c) => c.connected);
}

function sameBytes(x: unknown, y: Uint8Array): boolean {
  return x instanceof Uint8Array && Buffer.compare(x, y) === 0;
}

export async function syncWithYjs(items: Item[], options: YjsSyncOptions = {}): Promise<YjsSyncResult> {
  if (items.length === 0) throw new Error('syncWithYjs needs at least one item');
  const [modA, modB] = await loadYWebrtc();
  const timeoutMs = options.timeoutMs ?? 120_000;
  const itemsBytes = items.reduce((n, i) => n + i.entry.length + i.operation.length, 0);
  const last = items[items.length - 1]!;

  const docA = new Y.Doc();
  const docB = new Y.Doc();
  const logA = docA.getArray<Item>('log');
  const logB = docB.getArray<Item>('log');
  docA.transact(() => {
    for (const { entry, operation } of items) logA.push([{ entry, operation }]);
  });
  const updateBytes = Y.encodeStateAsUpdate(docA).length;
  const maxMessageSize = options.maxMessageSize ?? Math.max(DEFAULT_SCTP_MAX_MESSAGE, updateBytes + 64 * 1024);
  // No STUN (simple-peer's default is Google's): host candidates on 127.0.0.1 only. The
  // polyfill never reports the end of gathering (no null candidate), so simple-peer's
  // iceComplete timer (5 s, not cleared on destroy) would keep the process alive after the
  // run; with trickle on (y-webrtc's default) that timer only emits an unused event.
  const peerOpts = { wrtc, config: { iceServers: [], bindAddress: '127.0.0.1', maxMessageSize }, iceCompleteTimeout: 50 };

  const port = options.signalingPort ?? (await freePort());
  const child = options.signalingPort === undefined ? await startSignaling(port) : undefined;
  const signaling = [`ws://127.0.0.1:${port}`];

  const g = globalThis as { WebSocket?: unknown };
  const savedWebSocket = Object.getOwnPropertyDescriptor(g, 'WebSocket');
  const sockets = new Set<WsWebSocket>();
  const signalingCounter = { bytes: 0 };
  g.WebSocket = signalingWebSocket(sockets, signalingCounter);

  const meter = new Meter();
  let live: Array<[Side, Provider]> = [];
  const unmeter = meterDataChannels(meter, () => live);
  const room = `panda-kit-bench-${randomBytes(6).toString('hex')}`;

  const open = (name: string): { a: Provider; b: Provider } => {
    const a = new modA.WebrtcProvider(name, docA, { signaling, peerOpts });
    const b = new modB.WebrtcProvider(name, docB, { signaling, peerOpts });
    live = [
      ['a', a],
      ['b', b],
    ];
    return { a, b };
  };
  const close = async (pair: { a: Provider; b: Provider }) => {
    for (const p of [pair.a, pair.b]) {
      p.disconnect(); // destroy() alone leaves the signaling websocket (and its timer) open
      p.destroy();
      await p.key; // Room.destroy runs behind this promise
    }
  };
  const check = (pair: { a: Provider; b: Provider }) => {
    for (const p of [pair.a, pair.b]) {
      if ((p.room?.bcConns.size ?? 0) > 0) throw new Error('y-webrtc peers found each other over BroadcastChannel');
    }
  };

  let pair: { a: Provider; b: Provider } | undefined;
  try {
    // First sync: A holds everything, B nothing.
    const t0 = performance.now();
    let wallMs = 0;
    const bHasAll = () =>
      logB.length === items.length &&
      sameBytes(logB.get(items.length - 1)?.entry, last.entry) &&
      sameBytes(logB.get(items.length - 1)?.operation, last.operation);
    const first = until(
      () => {
        if (!wallMs && bHasAll()) wallMs = performance.now() - t0;
        return wallMs > 0 && !!pair && peerSynced(pair.a) && peerSynced(pair.b);
      },
      timeoutMs,
      () =>
        `B holds ${logB.length}/${items.length} items; data channel ${pair && channelOpen(pair.b) ? 'open' : 'not open'}; ` +
        `A sent ${meter.sent.a} bytes, B received ${meter.received.b} (largest y-webrtc message would be ~${updateBytes} bytes, max message size ${maxMessageSize})`,
    );
    const poke = first.poke;
    docB.on('update', poke);
    pair = open(room);
    for (const p of [pair.a, pair.b]) {
      p.on('synced', poke);
      p.on('peers', poke);
    }
    await first.done;
    docB.off('update', poke);
    check(pair);
    if (meter.received.b < itemsBytes) throw new Error(`B received only ${meter.received.b} bytes over WebRTC for ${itemsBytes} bytes of items`);
    const firstSync = { ...meter, sent: { ...meter.sent }, received: { ...meter.received } };
    const connectMs = meter.firstSendAt - t0;
    await close(pair);
    pair = undefined;

    // Second sync: a fresh provider pair on the same two docs, which are already equal.
    meter.reset();
    const t1 = performance.now();
    const second = until(
      () => !!pair && peerSynced(pair.a) && peerSynced(pair.b),
      timeoutMs,
      () => 'second sync: peers not synced',
    );
    pair = open(`${room}-again`);
    for (const p of [pair.a, pair.b]) p.on('synced', second.poke);
    await second.done;
    const secondSyncMs = performance.now() - t1;
    check(pair);
    const secondSyncBytes = meter.sent.a + meter.sent.b;
    if (logB.length !== items.length) throw new Error('B lost items in the second sync');

    return {
      wallMs,
      payloadBytes: firstSync.sent.a + firstSync.sent.b,
      itemsBytes,
      secondSyncBytes,
      connectMs,
      aToBBytes: firstSync.sent.a,
      bToABytes: firstSync.sent.b,
      messages: firstSync.messages,
      largestMessage: firstSync.largest,
      bReceivedBytes: firstSync.received.b,
      updateBytes,
      secondSyncMs,
      signalingBytes: signalingCounter.bytes,
    };
  } finally {
    if (pair) await close(pair).catch(() => {});
    live = [];
    // Let the websockets finish their closing handshake before the server goes away.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...sockets].filter((s) => s.readyState !== WsWebSocket.CLOSED).map((s) => once(s, 'close'))),
      new Promise((r) => (timer = setTimeout(r, 2000))),
    ]);
    clearTimeout(timer);
    for (const s of sockets) s.terminate();
    unmeter();
    if (savedWebSocket) Object.defineProperty(g, 'WebSocket', savedWebSocket);
    else delete g.WebSocket;
    docA.destroy();
    docB.destroy();
    if (child) await stopSignaling(child);
    // Give node-datachannel a moment to tear the peer connections down on its own threads.
    await new Promise((r) => setTimeout(r, 100));
  }
}

// --- self-check: `node --import tsx bench/yjs-webrtc.ts` -----------------------------------

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const N = Number(process.argv[2] ?? 10_000);
  const items = Array.from({ length: N }, () => ({
    entry: new Uint8Array(randomBytes(140 + randomInt(21))),
    operation: new Uint8Array(randomBytes(190 + randomInt(21))),
  }));
  const t = performance.now();
  const r = await syncWithYjs(items);
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  console.log(`Yjs + y-webrtc, ${N} items, Node ${process.version}`);
  console.log(
    `  first sync   ${r.wallMs.toFixed(0)} ms = ${r.connectMs.toFixed(0)} ms until the data channel opened + ${(r.wallMs - r.connectMs).toFixed(0)} ms syncing`,
  );
  console.log(`  items        ${kib(r.itemsBytes)}; as one Yjs update ${kib(r.updateBytes)}`);
  console.log(
    `  payload      ${kib(r.payloadBytes)} = A→B ${kib(r.aToBBytes)} + B→A ${kib(r.bToABytes)} in ${r.messages} messages (largest ${kib(r.largestMessage)}); B received ${kib(r.bReceivedBytes)}`,
  );
  console.log(`  second sync  ${r.secondSyncBytes} bytes in ${r.secondSyncMs.toFixed(0)} ms`);
  console.log(`  signaling    ${kib(r.signalingBytes)} of JSON to the server (both syncs)`);
  console.log(`  total        ${(performance.now() - t).toFixed(0)} ms`);
  const left = process.getActiveResourcesInfo().filter((x) => x !== 'TTYWrap');
  if (left.length > 0) console.log(`  still active: ${left.join(', ')}`);
}
