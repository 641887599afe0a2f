/// <reference types="mocha" />
/**
 * BroadcastNetwork in a Chromium page: several instances (standing in for tabs of one origin)
 * find each other per festival over BroadcastChannel and get one virtual Transport per other
 * tab.
 */
import { expect } from 'chai';
import { isPandaError } from '../../core/errors.js';
import { MAX_FRAME_SIZE, type Transport } from '../../core/replication/transport.js';
import {
  BroadcastNetwork,
  festivalTopic,
  type BroadcastChannelClass,
  type BroadcastChannelLike,
  type BroadcastNetworkOptions,
  type TransportInfo,
} from '../../peer/index.js';

type Entry = { transport: Transport; info: TransportInfo };

const networks: BroadcastNetwork[] = [];

function tab(options: BroadcastNetworkOptions = {}): { net: BroadcastNetwork; seen: Entry[] } {
  const seen: Entry[] = [];
  const net = new BroadcastNetwork({ ...options, onTransport: (transport, info) => seen.push({ transport, info }) });
  networks.push(net);
  return { net, seen };
}

async function until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > ms) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function to(entries: Entry[], remoteId: string): Transport {
  const entry = entries.find((e) => e.info.remoteId === remoteId && !(e.transport as { closed?: boolean }).closed);
  if (!entry) throw new Error(`no transport to ${remoteId}`);
  return entry.transport;
}

function collect(transport: Transport): Uint8Array[] {
  const frames: Uint8Array[] = [];
  transport.onFrame = (frame) => frames.push(frame);
  return frames;
}

let festivalCounter = 0;
const festival = (): string => `broadcast-${Date.now()}-${++festivalCounter}`;

describe('BroadcastNetwork', () => {
  afterEach(() => {
    for (const net of networks.splice(0)) net.close();
  });

  it('two tabs see each other and exchange frames both ways', async () => {
    const f = festival();
    const a = tab({ festivals: [f] });
    const b = tab({ festivals: [f] });
    await until(() => a.seen.length === 1 && b.seen.length === 1, 'transports');
    expect(a.seen[0]!.info).to.deep.equal({ festivalId: f, remoteId: b.net.tabId });
    expect(b.seen[0]!.info).to.deep.equal({ festivalId: f, remoteId: a.net.tabId });
    const ta = a.seen[0]!.transport;
    const tb = b.seen[0]!.transport;
    expect(ta.remoteId).to.equal(b.net.tabId);
    const atB = collect(tb);
    const atA = collect(ta);
    for (let i = 0; i < 100; i++) ta.send(new Uint8Array([i, i]));
    const big = new Uint8Array(MAX_FRAME_SIZE).fill(9);
    tb.send(big.subarray(0)); // a full-buffer view
    tb.send(new Uint8Array(64).fill(1).subarray(10, 20)); // a partial view: only its bytes go
    await until(() => atB.length === 100 && atA.length === 2, 'frames');
    expect(atB.map((frame) => frame[0])).to.deep.equal([...Array(100).keys()]);
    expect(atA[0]!.length).to.equal(MAX_FRAME_SIZE);
    expect(atA[1]).to.deep.equal(new Uint8Array(10).fill(1));
    expect(ta.bufferedAmount).to.equal(0);
    await ta.drained(0);
    expect(() => ta.send(new Uint8Array(MAX_FRAME_SIZE + 1)))
      .to.throw()
      .that.satisfies((e: unknown) => isPandaError(e, 'INPUT_INVALID'));
    expect(a.net.peers(f)).to.deep.equal([b.net.tabId]);
  });

  it('a third tab joins and leaves', async () => {
    const f = festival();
    const a = tab({ festivals: [f] });
    const b = tab({ festivals: [f] });
    await until(() => a.seen.length === 1 && b.seen.length === 1, 'a and b');
    const c = tab({ tabId: 'third-tab', festivals: [f] });
    await until(() => a.seen.length === 2 && b.seen.length === 2 && c.seen.length === 2, 'c joined');
    expect(c.seen.map((e) => e.info.remoteId).sort()).to.deep.equal([a.net.tabId, b.net.tabId].sort());
    const aToC = to(a.seen, 'third-tab');
    const bToC = to(b.seen, 'third-tab');
    let closes = 0;
    aToC.onClose = () => closes++;
    bToC.onClose = () => closes++;
    // Frames go only where they are addressed.
    const atCfromA = collect(to(c.seen, a.net.tabId));
    const atCfromB = collect(to(c.seen, b.net.tabId));
    const atBfromA = collect(to(b.seen, a.net.tabId));
    aToC.send(new Uint8Array([0xac]));
    await until(() => atCfromA.length === 1, 'a -> c');
    expect(atCfromB).to.have.length(0);
    expect(atBfromA).to.have.length(0);

    c.net.leave(f);
    await until(() => closes === 2, 'onClose at a and b');
    expect(a.net.peers(f)).to.deep.equal([b.net.tabId]);
    expect(() => aToC.send(new Uint8Array(1)))
      .to.throw()
      .that.satisfies((e: unknown) => isPandaError(e, 'TRANSPORT_CLOSED'));
    // a and b still talk.
    to(a.seen, b.net.tabId).send(new Uint8Array([0xab]));
    await until(() => atBfromA.length === 1, 'a -> b after c left');
    // c comes back.
    c.net.join(f);
    await until(() => a.net.peers(f).length === 2 && b.net.peers(f).length === 2, 'c back');
  });

  it('closing a transport fires onClose once on both sides', async () => {
    const f = festival();
    const a = tab({ festivals: [f] });
    const b = tab({ festivals: [f] });
    await until(() => a.seen.length === 1 && b.seen.length === 1, 'transports');
    const ta = a.seen[0]!.transport;
    const tb = b.seen[0]!.transport;
    let closedA = 0;
    let closedB = 0;
    ta.onClose = () => closedA++;
    tb.onClose = () => closedB++;
    ta.close();
    ta.close();
    await until(() => closedA === 1 && closedB === 1, 'both closed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([closedA, closedB]).to.deep.equal([1, 1]);
    expect(() => tb.send(new Uint8Array(1)))
      .to.throw()
      .that.satisfies((e: unknown) => isPandaError(e, 'TRANSPORT_CLOSED'));
  });

  it('festivals are separate and garbage on the channel is ignored', async () => {
    const f1 = festival();
    const f2 = festival();
    const a = tab({ festivals: [f1] });
    const b = tab({ festivals: [f2] });
    const vandal = new BroadcastChannel(festivalTopic(f1));
    for (const junk of [
      null,
      1,
      'x',
      {},
      { kind: 'hello' },
      { kind: 'hello', from: 'bad id!' },
      { kind: 'frame', from: 'v', to: a.net.tabId, frame: 'no' },
      { kind: 'frame', from: 'v', to: a.net.tabId, frame: new Uint8Array(MAX_FRAME_SIZE + 1) },
      { kind: 'welcome', from: 'v' },
    ]) {
      vandal.postMessage(junk);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    vandal.close();
    expect(a.seen).to.have.length(0);
    expect(b.seen).to.have.length(0);
    b.net.join(f1);
    await until(() => a.seen.length === 1 && b.seen.length === 1, 'both in f1');
    expect(b.seen[0]!.info.festivalId).to.equal(f1);
  });

  it('a tab not heard of is dropped and reconnects when it is back', async () => {
    const f = festival();
    let muted = false;
    // A BroadcastChannel that can stop sending, like a frozen tab.
    const Muted: BroadcastChannelClass = class implements BroadcastChannelLike {
      readonly #inner: BroadcastChannel;
      constructor(name: string) {
        this.#inner = new BroadcastChannel(name);
      }
      get onmessage(): ((event: never) => void) | null {
        return this.#inner.onmessage as ((event: never) => void) | null;
      }
      set onmessage(handler: ((event: never) => void) | null) {
        this.#inner.onmessage = handler as ((event: MessageEvent) => void) | null;
      }
      postMessage(message: unknown): void {
        if (!muted) this.#inner.postMessage(message);
      }
      close(): void {
        this.#inner.close();
      }
    };
    const a = tab({ festivals: [f], heartbeatMs: 50, timeoutMs: 300 });
    const frozen = tab({ festivals: [f], heartbeatMs: 50, timeoutMs: 60_000, BroadcastChannel: Muted });
    await until(() => a.seen.length === 1 && frozen.seen.length === 1, 'connected');
    let closed = false;
    a.seen[0]!.transport.onClose = () => (closed = true);
    muted = true;
    await until(() => closed, 'timed out', 3_000);
    expect(a.net.peers(f)).to.deep.equal([]);
    muted = false;
    await until(() => a.seen.length === 2 && a.net.peers(f).length === 1, 'back', 3_000);
    const frames = collect(a.seen[1]!.transport);
    to(frozen.seen, a.net.tabId).send(new Uint8Array([1]));
    await until(() => frames.length === 1, 'frame after reconnect');
  });
});
