import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  decodeMessage,
  encodeMessage,
  FestivalNode,
  FrameReader,
  FrameWriter,
  hashingReady,
  isPandaError,
  MAX_FRAME_SIZE,
  MAX_MESSAGE_SIZE,
  memoryLink,
  MemoryStore,
  Replicator,
  syncTarget,
  type Message,
} from '../../core/index.js';
import { HOUR, keyOf, mulberry32, shuffle, T0 } from './festival-support.js';

const bytesOf = (size: number, seed: number) => {
  const random = mulberry32(seed);
  return Uint8Array.from({ length: size }, () => Math.floor(random() * 256));
};

function roundTrip(messages: Uint8Array[], reorder?: (frames: Uint8Array[]) => Uint8Array[]) {
  const frames: Uint8Array[] = [];
  const writer = new FrameWriter((frame) => frames.push(frame));
  for (const message of messages) writer.push(message);
  writer.flush();
  const received: Uint8Array[] = [];
  const reader = new FrameReader((message) => received.push(message.slice()));
  for (const frame of reorder ? reorder(frames) : frames) reader.read(frame);
  return { frames, received };
}

describe('frames', () => {
  test('messages of any size up to the limit arrive whole and in order, in frames of at most 16 KiB', () => {
    const sizes = [1, 2, 100, 370, 16 * 1024 - 4, 16 * 1024, 40_000, 5, MAX_MESSAGE_SIZE, 3];
    const messages = sizes.map((size, i) => bytesOf(size, i));
    const { frames, received } = roundTrip(messages);
    assert.ok(frames.every((frame) => frame.length <= MAX_FRAME_SIZE));
    assert.deepEqual(received, messages);
  });

  test('small messages are packed: 1,000 entry-sized messages cost under 1% more in frames', () => {
    const messages = Array.from({ length: 1000 }, (_, i) => bytesOf(370, i));
    const { frames, received } = roundTrip(messages);
    const raw = messages.reduce((sum, message) => sum + message.length, 0);
    const framed = frames.reduce((sum, frame) => sum + frame.length, 0);
    assert.equal(received.length, 1000);
    assert.ok(framed / raw < 1.01, `overhead ${framed / raw}`);
  });

  test('fragments reassemble in any order and repeated frames are ignored', () => {
    const big = bytesOf(100_000, 7);
    const random = mulberry32(3);
    const { received } = roundTrip([big], (frames) => shuffle([...frames, frames[2]!, frames[0]!], random));
    assert.deepEqual(received, [big]);
  });

  test('a lost fragment loses only its message', () => {
    const messages = [bytesOf(50_000, 1), bytesOf(200, 2)];
    const { received } = roundTrip(messages, (frames) => frames.filter((_, i) => i !== 1));
    assert.deepEqual(received, [messages[1]]);
  });

  test('oversized messages and malformed frames are clean errors', () => {
    const writer = new FrameWriter(() => {});
    assert.throws(
      () => writer.push(new Uint8Array(MAX_MESSAGE_SIZE + 1)),
      (error) => isPandaError(error, 'REPLICATION_MESSAGE_TOO_LARGE'),
    );
    const reader = new FrameReader(() => {});
    for (const frame of [
      new Uint8Array(0),
      Uint8Array.of(7, 1),
      Uint8Array.of(0),
      Uint8Array.of(0, 50, 1),
      Uint8Array.of(1, 1, 0, 0xff, 0xff, 0xff, 0x7f, 1),
      new Uint8Array(MAX_FRAME_SIZE + 1),
    ]) {
      assert.throws(
        () => reader.read(frame),
        (error) => isPandaError(error, 'REPLICATION_FRAME_INVALID'),
      );
    }
  });

  test('random frames only ever give REPLICATION_FRAME_INVALID or messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (frame) => {
        const reader = new FrameReader(() => {});
        try {
          reader.read(frame);
        } catch (error) {
          assert.ok(isPandaError(error, 'REPLICATION_FRAME_INVALID') || isPandaError(error, 'REPLICATION_MESSAGE_TOO_LARGE'), String(error));
        }
      }),
      { numRuns: 2000, seed: 11 },
    );
  });
});

describe('messages', () => {
  const target = '11'.repeat(32);
  const author = '22'.repeat(32);
  const examples: Message[] = [
    {
      type: 'sync-request',
      session: 1,
      live: true,
      have: new Map([
        [
          target,
          new Map([
            [
              author,
              new Map([
                [0, 3],
                [7, 1],
              ]),
            ],
          ]),
        ],
      ]),
    },
    { type: 'have', session: 0xffffffff, live: false, have: new Map([[target, new Map<string, Map<number, number>>()]]) },
    { type: 'entry', session: 0, entry: bytesOf(150, 1), operation: bytesOf(200, 2) },
    { type: 'sync-done', session: 42 },
    { type: 'error', code: 'REPLICATION_PEER_BLOCKED', message: 'bye' },
  ];

  test('each message round-trips', () => {
    for (const message of examples) {
      const decoded = decodeMessage(encodeMessage(message));
      if (decoded.type === 'entry' && message.type === 'entry') {
        assert.deepEqual([...decoded.entry], [...message.entry]);
        assert.deepEqual([...decoded.operation], [...message.operation]);
      } else assert.deepEqual(decoded, message);
    }
  });

  test('malformed messages are REPLICATION_MESSAGE_INVALID, never a crash', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          decodeMessage(bytes);
        } catch (error) {
          assert.ok(isPandaError(error, 'REPLICATION_MESSAGE_INVALID'), String(error));
        }
      }),
      { numRuns: 3000, seed: 5 },
    );
    // Valid CBOR, wrong shapes.
    const { Encoder } = { Encoder: null };
    void Encoder;
    for (const example of examples) {
      const bytes = encodeMessage(example);
      for (let cut = 1; cut < bytes.length; cut += Math.max(1, Math.floor(bytes.length / 20))) {
        assert.throws(
          () => decodeMessage(bytes.subarray(0, cut)),
          (error) => isPandaError(error, 'REPLICATION_MESSAGE_INVALID'),
        );
      }
    }
  });
});

describe('sync costs', () => {
  test('a festival of 300 entries replicates with under 5% overhead; a second sync costs under 50 bytes per log', async () => {
    await hashingReady();
    const store = new MemoryStore();
    const node = new FestivalNode(store);
    const organiser = keyOf(1);
    const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
    for (let i = 0; i < 300; i++) {
      await node.createEvent(keyOf(10 + (i % 20)), {
        festival: festival.documentId,
        title: `Session ${i}`,
        description: 'x'.repeat(80),
        start: T0 + i * HOUR,
        end: T0 + (i + 1) * HOUR,
        resources: [],
      });
    }
    let raw = 0;
    for (const log of await store.getLogs()) {
      for (const entry of await store.getEntries(log.publicKey, log.logId, 1)) raw += entry.bytes.length + (await store.getOperation(entry.hash))!.bytes.length;
    }
    const a = await Replicator.open(store, { festivals: [festival.documentId], live: false });
    const copy = new MemoryStore();
    const b = await Replicator.open(copy, { festivals: [festival.documentId], live: false });
    const synced = () => new Promise<void>((resolve) => a.on((event) => event.type === 'synced' && resolve()));
    const [left, right] = memoryLink('a', 'b');
    let done = synced();
    const ca = a.connect(left);
    const cb = b.connect(right);
    await done;
    await b.idle();
    assert.equal((await copy.getLogs()).length, 301);
    const wire = ca.bytesSent + cb.bytesSent;
    assert.ok(wire / raw < 1.05, `wire/raw ${wire / raw}`);
    const before = wire;
    done = synced();
    ca.sync();
    await done;
    const second = ca.bytesSent + cb.bytesSent - before;
    assert.ok(second / 301 < 50, `${second / 301} bytes per log`);
    assert.ok(second > 0);
    a.close();
    b.close();
    void syncTarget;
  });
});

describe('live push', () => {
  test("a new author's first write in a festival brings their profile along to peers already in step (names, not keys, without waiting for a full sync)", async () => {
    await hashingReady();
    const organiser = keyOf(1);
    const newcomer = keyOf(2);
    const hub = new FestivalNode(new MemoryStore());
    const festival = await hub.createFestival(organiser, { name: 'Test Fest', start: T0, end: T0 + 72 * HOUR });
    const ids = [festival.documentId];
    // No resync during the test: only the live push can deliver.
    const options = { festivals: ids, resyncInterval: 3_600_000 };
    const a = await Replicator.open(hub.store, options);
    const visitorStore = new MemoryStore();
    const visitor = await Replicator.open(visitorStore, options);
    const newcomerNode = new FestivalNode(new MemoryStore());
    const b = await Replicator.open(newcomerNode.store, options);
    newcomerNode.onPublish((entry, operation) => void b.announce(entry, operation));
    try {
      const syncedWith = (replicator: Replicator, peer: string) =>
        new Promise<void>((resolve) => replicator.on((event) => event.type === 'synced' && event.peer === peer && resolve()));

      const [av, va] = memoryLink('a', 'visitor');
      let synced = syncedWith(visitor, 'a');
      a.connect(av);
      visitor.connect(va);
      await synced;
      // The newcomer names themselves before writing anything in the festival: the profile is
      // out of the festival's scope, so the first sync with the hub does not carry it.
      await newcomerNode.createProfile(newcomer, { name: 'Bea Performer' });
      const [ab, ba] = memoryLink('a', 'b');
      synced = syncedWith(b, 'a');
      a.connect(ab);
      b.connect(ba);
      await synced;
      const profileLogs = async (store: MemoryStore) => (await store.getLogs(newcomer.publicKey())).length;
      assert.equal(await profileLogs(visitorStore), 0);

      await newcomerNode.createEvent(newcomer, { festival: festival.documentId, title: 'Night of chaos', start: T0 + HOUR, end: T0 + 2 * HOUR, resources: [] });
      const deadline = Date.now() + 10_000;
      while ((await profileLogs(visitorStore)) < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const visitorNode = new FestivalNode(visitorStore);
      const model = await visitorNode.model();
      assert.equal(model.schedule(festival.documentId).length, 1);
      assert.equal(await profileLogs(visitorStore), 2, "the visitor holds the newcomer's event and profile");
    } finally {
      a.close();
      b.close();
      visitor.close();
    }
  });
});
