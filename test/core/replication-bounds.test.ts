/**
 * What hostile peers can make one peer hold, measured (issue 13, findings 4, 13 and 14):
 * entries waiting for a dependency are checked before they are held, held once, within
 * per-connection and total budgets, dropped with their connection, and an offence when
 * they never resolve; partial messages are bounded by bytes, so reordered fragments of a
 * large sync still complete. The heap figures are printed (heap used plus ArrayBuffers,
 * after a full collection).
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  encodeMessage,
  FestivalNode,
  FrameReader,
  FrameWriter,
  hashingReady,
  MAX_OPERATION_SIZE,
  memoryLink,
  MemoryStore,
  PandaError,
  Replicator,
  signAndEncodeEntry,
  syncTarget,
  type Hash,
  type LogHeights,
  type ReplicatorEvent,
  type ReplicatorOptions,
  type Store,
} from '../../core/index.js';
import { HOUR, keyOf, mulberry32, shuffle, T0 } from './festival-support.js';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const MiB = 1024 * 1024;

/** Heap used plus ArrayBuffers (where entry and operation bytes live), after a full GC. */
function held(): number {
  collect();
  collect();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

/** Polls `condition` (real time) until it holds; fails after `ms`. */
async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function entryCount(store: Store): Promise<number> {
  let count = 0;
  for (const log of await store.getLogs()) count += (await store.getEntries(log.publicKey, log.logId, 1)).length;
  return count;
}

/** A hand-driven peer on one connection: it asks to sync `festival`, then sends whatever it is told to. */
function hostilePeer(honest: Replicator, id: string, festival: Hash) {
  const [mine, theirs] = memoryLink('honest', id);
  theirs.onFrame = () => {};
  const connection = honest.connect(mine);
  const writer = new FrameWriter((frame) => {
    if (!connection.closed) theirs.send(frame);
  });
  writer.push(encodeMessage({ type: 'sync-request', session: 1, live: false, have: new Map([[syncTarget(festival), new Map() as LogHeights]]) }));
  writer.flush();
  return {
    connection,
    send(entry: Uint8Array, operation: Uint8Array) {
      if (connection.closed) return;
      writer.push(encodeMessage({ type: 'entry', session: 0, entry, operation }));
      writer.flush();
    },
    /** Frames made beforehand (what the peer spends on its attack is not what is measured). */
    sendFrames(frames: readonly Uint8Array[]) {
      for (const frame of frames) if (!connection.closed) theirs.send(frame);
    },
    close: () => mine.close(),
  };
}

/** The frames of one entry message. */
function entryFrames(entry: Uint8Array, operation: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const writer = new FrameWriter((frame) => frames.push(frame));
  writer.push(encodeMessage({ type: 'entry', session: 0, entry, operation }));
  writer.flush();
  return frames;
}

/** Where `part` starts in `bytes`. */
function offsetOf(bytes: Uint8Array, part: Uint8Array): number {
  outer: for (let i = 0; i + part.length <= bytes.length; i++) {
    for (let j = 0; j < part.length; j++) if (bytes[i + j] !== part[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}

/**
 * A festival on an honest peer, and an UPDATE of about 256 KiB by mallory to an event the
 * honest peer has never seen: it waits for that event's CREATE, which never comes.
 */
async function setting(t: TestContext, options: ReplicatorOptions = {}) {
  await hashingReady();
  const store = new MemoryStore();
  const festival = await new FestivalNode(store).createFestival(keyOf(1), { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const honest = await Replicator.open(store, { festivals: [festival.documentId], ...options });
  t.after(() => honest.close());
  const events: ReplicatorEvent[] = [];
  honest.on((event) => events.push(event));
  const mallory = keyOf(66);
  const elsewhere = new FestivalNode(new MemoryStore());
  const own = await elsewhere.createFestival(mallory, { name: 'Elsewhere', start: T0, end: T0 + HOUR });
  const event = await elsewhere.createEvent(mallory, { festival: own.documentId, title: 'Bait', start: T0, end: T0 + HOUR, resources: [] });
  const big = await elsewhere.update(mallory, event.documentId, { description: 'x'.repeat(MAX_OPERATION_SIZE - 400) });
  assert.ok(big.operationBytes.length > 255 * 1024 && big.operationBytes.length <= MAX_OPERATION_SIZE);
  return { store, festival, honest, events, mallory, operation: big.operationBytes };
}

describe('bounded peers', () => {
  test('finding 4: 4,000 entries with broken signatures and 256 KiB operations waiting for a dependency, from a peer that comes back under new ids: none is held, each is an offence', async (t) => {
    const { festival, honest, events, mallory, operation } = await setting(t);
    const signed = await signAndEncodeEntry({ logId: 0, seqNum: 1, operation }, mallory);
    // 4,000 distinct entries for this operation, each with a signature that does not verify:
    // the frames of one, with the signature's first four bytes replaced by a count.
    const frames = entryFrames(signed, operation);
    const signatureAt = offsetOf(frames[0]!, signed.subarray(signed.length - 64));
    const before = held();
    let peak = 0;
    let ids = 0;
    let peer = hostilePeer(honest, `mallory-${ids++}`, festival.documentId);
    for (let i = 1; i <= 4000; i++) {
      if (peer.connection.closed) peer = hostilePeer(honest, `mallory-${ids++}`, festival.documentId);
      const first = frames[0]!.slice();
      new DataView(first.buffer).setUint32(signatureAt, i);
      peer.sendFrames([first, ...frames.slice(1)]);
      await honest.idle();
      peak = Math.max(peak, honest.pendingBytes);
    }
    const growth = held() - before;
    const offences = events.filter((event) => event.type === 'offence');
    console.log(
      `finding 4 (broken signatures): 4,000 entries of ${mib(operation.length)} from ${ids} peer ids: heap growth ${mib(growth)}, waiting at most ${peak} bytes, ${offences.length} offences, ${honest.health().blocked.length} ids blocked`,
    );
    assert.equal(peak, 0, 'nothing with a broken signature waits');
    assert.equal(honest.pendingCount, 0);
    assert.ok(offences.every((event) => event.type === 'offence' && event.code === 'ENTRY_SIGNATURE_INVALID'));
    assert.equal(offences.length, 4000, 'every entry is an offence');
    assert.equal(ids, Math.ceil(4000 / 3), 'each id is blocked after three');
    assert.ok(growth < 64 * MiB, `heap growth ${mib(growth)}`);
  });

  test('finding 4: validly signed entries that wait for ever stay within the budget per connection and in total, however many ids their peers take, and go with their connections', async (t) => {
    const { festival, honest, mallory, operation } = await setting(t);
    const { maxPendingBytes, maxPendingBytesPerConnection } = honest.options;
    // 400 signed entries (new logs of mallory) updating the unknown event, 100 MiB: from five
    // ids, each sending ten times its budget, together three times the total.
    const messages: Uint8Array[][] = [];
    for (let i = 0; i < 400; i++) messages.push(entryFrames(await signAndEncodeEntry({ logId: i, seqNum: 1, operation }, mallory), operation));
    const before = held();
    const peers = Array.from({ length: 5 }, (_, i) => hostilePeer(honest, `sybil-${i}`, festival.documentId));
    let peak = 0;
    for (const [i, frames] of messages.entries()) {
      peers[Math.floor(i / 80)]!.sendFrames(frames);
      await honest.idle();
      peak = Math.max(peak, honest.pendingBytes);
    }
    const growth = held() - before;
    console.log(
      `finding 4 (valid signatures): 400 waiting entries of ${mib(operation.length)} from 5 peer ids: heap growth ${mib(growth)} with all connected, ${honest.pendingCount} held (${mib(honest.pendingBytes)}, at most ${mib(peak)}; budget ${mib(maxPendingBytes)}, ${mib(maxPendingBytesPerConnection)} per connection)`,
    );
    assert.ok(peak <= maxPendingBytes, `waiting ${peak}`);
    assert.ok(honest.pendingCount > 0, 'honest budgets still hold entries');
    assert.ok(growth < 64 * MiB, `heap growth ${mib(growth)}`);
    const perPeer = honest.health().peers.map((peer) => peer.waitingBytes ?? 0);
    assert.equal(perPeer.length, 5);
    assert.ok(Math.max(...perPeer) <= maxPendingBytesPerConnection, `one connection holds ${Math.max(...perPeer)}`);
    console.log(`  per connection: ${mib(Math.min(...perPeer))} to ${mib(Math.max(...perPeer))}`);
    for (const peer of peers) peer.close();
    assert.equal(honest.pendingCount, 0, 'what a connection had us hold goes with it');
    assert.equal(honest.pendingBytes, 0);
  });

  test('finding 4: an entry that never resolves is an offence of the peer that sent it', async (t) => {
    const { festival, honest, events, mallory, operation } = await setting(t, { pendingTimeout: 300, syncTimeout: 100 });
    const entries: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) entries.push(await signAndEncodeEntry({ logId: i, seqNum: 1, operation }, mallory));
    const peer = hostilePeer(honest, 'mallory', festival.documentId);
    for (const entry of entries) peer.send(entry, operation);
    await honest.idle();
    assert.equal(honest.pendingCount, 5);
    // Mallory never answers the sync: it times out and starts again, and the entries expire.
    await waitFor(() => honest.pendingCount === 0, 'the entries to expire', 10_000);
    const offences = events.filter((event) => event.type === 'offence');
    assert.ok(offences.length >= 1);
    assert.ok(offences.every((event) => event.type === 'offence' && event.code === 'REPLICATION_ENTRY_UNRESOLVED'));
    console.log(`finding 4 (never resolved): ${offences.map((event) => (event.type === 'offence' ? event.message : '')).join('; ')}`);
  });

  test('finding 14: a waiting entry is held once, however often re-syncs send it again', async () => {
    await hashingReady();
    const organiser = keyOf(1);
    const full = new MemoryStore();
    const node = new FestivalNode(full);
    const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
    const event = await node.createEvent(organiser, { festival: festival.documentId, title: 'Talk', start: T0, end: T0 + HOUR, resources: [] });
    for (let i = 0; i < 6; i++) await node.update(organiser, event.documentId, { title: `Talk ${i}` });
    // A relay whose copy of the log lost its second entry: every sync sends seq 3-7 again.
    const second = (await full.getEntry(organiser.publicKey(), 1, 2))!;
    const relay = new Proxy(full, {
      get(target, key): unknown {
        if (key === 'getEntries')
          return async (...args: Parameters<Store['getEntries']>) => (await target.getEntries(...args)).filter((entry) => entry.hash !== second.hash);
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const sender = await Replicator.open(relay, { festivals: [festival.documentId], resyncInterval: 50 });
    const receiver = await Replicator.open(new MemoryStore(), { festivals: [festival.documentId], resyncInterval: 50 });
    let syncs = 0;
    receiver.on((e) => e.type === 'synced' && syncs++);
    const [a, b] = memoryLink('relay', 'receiver');
    sender.connect(a);
    receiver.connect(b);
    let most = 0;
    let end = 0;
    try {
      await waitFor(() => {
        most = Math.max(most, receiver.pendingCount);
        return syncs >= 20;
      }, '20 syncs');
      await receiver.idle();
      end = receiver.pendingCount;
    } finally {
      sender.close();
      receiver.close();
    }
    console.log(
      `finding 14: after ${syncs} syncs that each sent the same 5 waiting entries, ${end} are held (at most ${most}); ${receiver.pendingCount} once it hung up`,
    );
    assert.equal(end, 5);
    assert.equal(most, 5);
    assert.equal(receiver.pendingCount, 0, 'they went with the connection');
  });
});

describe('reordered fragments', () => {
  test('finding 13: fragments of 8 messages of 100 KB, shuffled together, all complete', () => {
    const random = mulberry32(13);
    const messages = Array.from({ length: 8 }, (_, i) => Uint8Array.from({ length: 100_000 }, (_, j) => (i * 31 + j) & 0xff));
    const frames: Uint8Array[] = [];
    const writer = new FrameWriter((frame) => frames.push(frame));
    for (const message of messages) writer.push(message);
    writer.flush();
    const received: Uint8Array[] = [];
    const reader = new FrameReader((message) => received.push(message.slice()));
    for (const frame of shuffle(frames, random)) reader.read(frame);
    console.log(
      `finding 13 (frames): ${frames.length} frames of 8 messages shuffled: ${received.length} of 8 complete, ${reader.partialBytes} bytes left partial`,
    );
    assert.equal(received.length, 8);
    assert.deepEqual(new Set(received.map((message) => message[0])), new Set(messages.map((message) => message[0])));
    assert.equal(reader.partialBytes, 0);
  });

  test('partial messages are bounded by bytes: fragments that never complete are given up, oldest first', () => {
    const reader = new FrameReader(() => {});
    // 2,000 first fragments of different 100 KB messages, none ever completed.
    const writer = new FrameWriter((frame) => {
      if (frame[0] === 1 && frame[2] === 0) reader.read(frame);
    });
    for (let i = 0; i < 2000; i++) writer.push(new Uint8Array(100_000));
    console.log(`partial messages: ${reader.partialBytes} bytes held after 2,000 abandoned first fragments`);
    assert.ok(reader.partialBytes <= 2 * MiB);
  });

  test('finding 13: two peers, no loss, every frame delayed 0-50 ms: 8 events with 100 KB descriptions converge', async (t) => {
    await hashingReady();
    const store = new MemoryStore();
    const node = new FestivalNode(store);
    const organiser = keyOf(1);
    const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
    for (let i = 0; i < 8; i++) {
      await node.createEvent(organiser, {
        festival: festival.documentId,
        title: `Talk ${i}`,
        description: 'x'.repeat(100_000),
        start: T0 + i * HOUR,
        end: T0 + (i + 1) * HOUR,
        resources: [],
      });
    }
    const options = { festivals: [festival.documentId], syncTimeout: 2_000, resyncInterval: 2_000 };
    const a = await Replicator.open(store, options);
    const copy = new MemoryStore();
    const b = await Replicator.open(copy, options);
    t.after(() => {
      a.close();
      b.close();
    });
    const random = mulberry32(4);
    let frames = 0;
    const [left, right] = memoryLink('a', 'b', (deliver) => {
      frames++;
      setTimeout(deliver, random() * 50);
    });
    const started = Date.now();
    a.connect(left);
    b.connect(right);
    await waitFor(async () => (await entryCount(copy)) === 9, 'all 9 entries', 20_000);
    console.log(`finding 13 (sync): 8 events of 100 KB over a reordering link arrived in ${Date.now() - started} ms and ${frames} frames`);
  });
});

describe("the store's own faults", () => {
  test('a store that turns out damaged while entries arrive is said (store-failed), never counted against the peer that sent them', async (t) => {
    await hashingReady();
    const source = new MemoryStore();
    const node = new FestivalNode(source);
    const festival = await node.createFestival(keyOf(1), { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
    for (let i = 0; i < 5; i++)
      await node.createEvent(keyOf(2), { festival: festival.documentId, title: `Talk ${i}`, start: T0 + i * HOUR, end: T0 + (i + 1) * HOUR, resources: [] });
    const memory = new MemoryStore();
    const damaged = new Proxy(memory, {
      get(target, key): unknown {
        if (key === 'insert')
          return () => Promise.reject(new PandaError('STORE_CORRUPT', 'The store at test.sqlite is damaged (database disk image is malformed)'));
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const sender = await Replicator.open(source, { festivals: [festival.documentId] });
    const receiver = await Replicator.open(damaged, { festivals: [festival.documentId] });
    t.after(() => {
      sender.close();
      receiver.close();
    });
    const events: ReplicatorEvent[] = [];
    receiver.on((event) => events.push(event));
    const [a, b] = memoryLink('sender', 'receiver');
    sender.connect(a);
    receiver.connect(b);
    await waitFor(() => events.some((event) => event.type === 'store-failed'), 'store-failed');
    await receiver.idle();
    const failed = events.find((event) => event.type === 'store-failed')!;
    assert.equal(failed.type === 'store-failed' && failed.code, 'STORE_CORRUPT');
    assert.deepEqual(
      events.filter((event) => event.type === 'offence' || event.type === 'blocked'),
      [],
    );
    assert.equal(receiver.isBlocked('sender'), false);
  });
});
