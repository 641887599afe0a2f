/**
 * Cheap re-sync (issue 14): peers in step find out in one round trip of at most 64 bytes per
 * festival each way; peers that differ in a few logs pay for those logs; many differences
 * still converge (through log heights once reconciling would cost more). Bytes are counted
 * as `Connection.bytesSent` counts them: frames on the link, framing included. Peers driven
 * by hand (plain heights, hostile messages): replication-hand-peers.test.ts.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  decodeMessage,
  encodeMessage,
  FestivalNode,
  FrameReader,
  hashingReady,
  memoryLink,
  MemoryStore,
  Replicator,
  type Connection,
  type Hash,
  type Store,
} from '../../core/index.js';
import { HOUR, keyOf, T0 } from './festival-support.js';

const LOGS = 2000;
const AUTHORS = 20;

async function entriesOf(store: Store): Promise<string[]> {
  const hashes: string[] = [];
  for (const log of await store.getLogs()) for (const entry of await store.getEntries(log.publicKey, log.logId, 1)) hashes.push(entry.hash);
  return hashes.sort();
}

interface Base {
  store: MemoryStore;
  festival: Hash;
  others: Hash[];
  events: Array<{ documentId: Hash; author: number }>;
}

/** A festival of 2,000 logs (its CREATE and events of 20 authors), and two small festivals beside it. */
async function buildBase(): Promise<Base> {
  const store = new MemoryStore();
  const node = new FestivalNode(store);
  const festival = await node.createFestival(keyOf(1), { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const events: Base['events'] = [];
  for (let i = 0; i < LOGS - 1; i++) {
    const author = 10 + (i % AUTHORS);
    const start = T0 + (i % 70) * HOUR;
    const event = await node.createEvent(keyOf(author), { festival: festival.documentId, title: `Session ${i}`, start, end: start + HOUR, resources: [] });
    events.push({ documentId: event.documentId, author });
  }
  const others: Hash[] = [];
  for (const name of ['Kids', 'Elsewhere']) {
    const other = await node.createFestival(keyOf(2), { name, start: T0, end: T0 + HOUR });
    await node.createEvent(keyOf(3), { festival: other.documentId, title: `${name} opening`, start: T0, end: T0 + HOUR, resources: [] });
    others.push(other.documentId);
  }
  return { store, festival: festival.documentId, others, events };
}

/** Message types on a link, by the side that sent them. */
type Tap = Map<string, string[]>;

/** A link whose frames are read on the way, to see which messages a sync used. */
function tappedLink(a: string, b: string): { link: ReturnType<typeof memoryLink>; tap: Tap } {
  const tap: Tap = new Map([
    [a, []],
    [b, []],
  ]);
  const readers = new Map([a, b].map((side) => [side, new FrameReader((bytes) => tap.get(side)!.push(decodeMessage(bytes).type))]));
  const link = memoryLink(a, b, (deliver, frame, from) => {
    readers.get(from)!.read(frame);
    queueMicrotask(deliver);
  });
  return { link, tap };
}

const syncedOnce = (replicator: Replicator) =>
  new Promise<void>((resolve) => {
    const off = replicator.on((event) => {
      if (event.type !== 'synced') return;
      off();
      resolve();
    });
  });

interface Pair {
  a: Replicator;
  b: Replicator;
  ca: Connection;
  cb: Connection;
  storeA: MemoryStore;
  storeB: MemoryStore;
  nodeA: FestivalNode;
  nodeB: FestivalNode;
  tap: Tap;
  /** Bytes each side sent during `during`. */
  measure(during: () => Promise<void>): Promise<{ ab: number; ba: number }>;
  /** A sync started by `who`, until both sides say synced and took in what came. */
  sync(who?: 'a' | 'b'): Promise<void>;
  close(): void;
}

/** A store holding what `base` holds of `festivals`, synced from it. */
async function copyOf(festivals: Hash[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  const source = await Replicator.open(base.store, { festivals, live: false, resyncInterval: 0 });
  const copy = await Replicator.open(store, { festivals, live: false, resyncInterval: 0 });
  const [left, right] = memoryLink('base', 'copy');
  const done = syncedOnce(copy);
  source.connect(left);
  copy.connect(right);
  await done;
  await copy.idle();
  source.close();
  copy.close();
  return store;
}

/** Two peers in step: `a` over a copy of `base`, `b` synced from it over a link, no live push (only syncs deliver). */
async function pair(festivals: Hash[]): Promise<Pair> {
  const storeA = await copyOf(festivals);
  const options = { festivals, live: false, resyncInterval: 0 };
  const a = await Replicator.open(storeA, options);
  const storeB = new MemoryStore();
  const b = await Replicator.open(storeB, options);
  const nodeA = new FestivalNode(storeA);
  const nodeB = new FestivalNode(storeB);
  nodeA.onPublish((entry, operation) => void a.announce(entry, operation));
  nodeB.onPublish((entry, operation) => void b.announce(entry, operation));
  const { link, tap } = tappedLink('a', 'b');
  const sync = async (who: 'a' | 'b' = 'a') => {
    const done = Promise.all([syncedOnce(a), syncedOnce(b)]);
    if (who === 'a') ca.sync();
    else cb.sync();
    await done;
    await Promise.all([a.idle(), b.idle()]);
  };
  const first = Promise.all([syncedOnce(a), syncedOnce(b)]);
  const ca = a.connect(link[0]);
  const cb = b.connect(link[1]);
  await first;
  await Promise.all([a.idle(), b.idle()]);
  return {
    a,
    b,
    ca,
    cb,
    storeA,
    storeB,
    nodeA,
    nodeB,
    tap,
    sync,
    async measure(during) {
      const [ab, ba] = [ca.bytesSent, cb.bytesSent];
      await during();
      return { ab: ca.bytesSent - ab, ba: cb.bytesSent - ba };
    },
    close() {
      a.close();
      b.close();
    },
  };
}

let base: Base;
before(async () => {
  await hashingReady();
  base = await buildBase();
});

describe('re-sync of peers in step', () => {
  test('one round trip of at most 64 bytes per festival each way, for one festival and for three; the sync ends as synced', async () => {
    for (const festivals of [[base.festival], [base.festival, ...base.others]]) {
      const peers = await pair(festivals);
      try {
        assert.deepEqual(await entriesOf(peers.storeB), await entriesOf(peers.storeA));
        peers.tap.set('a', []).set('b', []);
        const before = peers.ca.syncedAt;
        const bytes = await peers.measure(() => peers.sync());
        const limit = 64 * festivals.length;
        assert.ok(bytes.ab <= limit && bytes.ba <= limit, `${festivals.length} festivals: ${bytes.ab} B out, ${bytes.ba} B back (limit ${limit} each way)`);
        assert.deepEqual(peers.tap.get('a'), ['reconcile']);
        assert.deepEqual(peers.tap.get('b'), ['ranges']);
        assert.ok(peers.ca.syncedAt! >= before! && peers.cb.syncedAt !== undefined);
        assert.deepEqual(new Set(peers.ca.health().festivals), new Set(festivals));
        console.log(`in step, ${festivals.length} festival(s) of ${(await peers.storeA.getLogs()).length} logs: ${bytes.ab} B out, ${bytes.ba} B back`);
      } finally {
        peers.close();
      }
    }
  });
});

describe('re-sync of peers that differ in a few logs', () => {
  test('after one new entry among 2,000 logs the second sync moves that entry and at most 1 KB else, whoever starts it', async () => {
    const peers = await pair([base.festival]);
    try {
      for (const [who, index] of [
        ['a', 700],
        ['b', 1300],
      ] as const) {
        const { documentId, author } = base.events[index]!;
        const moved = await peers.nodeA.update(keyOf(author), documentId, { title: `Session ${index} (moved)` });
        await peers.a.idle();
        const entryBytes = encodeMessage({ type: 'entry', session: 0, entry: moved.entryBytes, operation: moved.operationBytes }).length;
        const bytes = await peers.measure(() => peers.sync(who));
        assert.ok(await peers.storeB.getEntryByHash(moved.hash), 'the entry arrived');
        const overhead = bytes.ab + bytes.ba - entryBytes;
        assert.ok(overhead <= 1024, `started by ${who}: ${bytes.ab} + ${bytes.ba} B for an entry message of ${entryBytes} B: ${overhead} B more`);
        console.log(`one new entry among ${LOGS} logs, started by ${who}: ${overhead} B besides the entry`);
      }
      assert.ok(!peers.tap.get('a')!.includes('sync-request') && !peers.tap.get('b')!.includes('sync-request'), 'no log heights were needed');
      assert.equal(peers.b.health().festivals[0]!.missing, 0);
    } finally {
      peers.close();
    }
  });

  test('a log only one side holds is found, on either side', async () => {
    const peers = await pair([base.festival]);
    try {
      const onA = await peers.nodeA.createEvent(keyOf(70), { festival: base.festival, title: 'Only on a', start: T0, end: T0 + HOUR, resources: [] });
      const onB = await peers.nodeB.createEvent(keyOf(71), { festival: base.festival, title: 'Only on b', start: T0, end: T0 + HOUR, resources: [] });
      await Promise.all([peers.a.idle(), peers.b.idle()]);
      const bytes = await peers.measure(() => peers.sync());
      assert.ok(await peers.storeA.getEntryByHash(onB.hash), 'b’s new log reached a');
      assert.ok(await peers.storeB.getEntryByHash(onA.hash), 'a’s new log reached b');
      assert.deepEqual(await entriesOf(peers.storeA), await entriesOf(peers.storeB));
      assert.ok(bytes.ab + bytes.ba < 2 * 600 + 2048, `${bytes.ab + bytes.ba} B`);
      for (const peer of [peers.a, peers.b]) assert.equal(peer.health().festivals[0]!.missing, 0);
    } finally {
      peers.close();
    }
  });
});

describe('peers that differ in many logs', () => {
  test('converge: a peer holding every other log, with logs of its own, ends with the same entries (through log heights)', async () => {
    const storeA = await copyOf([base.festival]);
    const storeB = new MemoryStore();
    const b = await Replicator.open(storeB, { festivals: [base.festival], live: false, resyncInterval: 0 });
    let i = 0;
    for (const log of await storeA.getLogs()) {
      if (log.documentId !== base.festival && i++ % 2 === 1) continue;
      for (const entry of await storeA.getEntries(log.publicKey, log.logId, 1)) await b.ingest(entry.bytes, (await storeA.getOperation(entry.hash))!.bytes);
    }
    const nodeB = new FestivalNode(storeB);
    nodeB.onPublish((entry, operation) => void b.announce(entry, operation));
    for (let k = 0; k < 30; k++) await nodeB.createEvent(keyOf(80), { festival: base.festival, title: `B ${k}`, start: T0, end: T0 + HOUR, resources: [] });
    await b.idle();
    const expected = new Set([...(await entriesOf(storeA)), ...(await entriesOf(storeB))]);
    assert.equal(expected.size, LOGS + 30);
    const a = await Replicator.open(storeA, { festivals: [base.festival], live: false, resyncInterval: 0 });
    const { link, tap } = tappedLink('a', 'b');
    const done = Promise.all([syncedOnce(a), syncedOnce(b)]);
    a.connect(link[0]);
    b.connect(link[1]);
    try {
      await done;
      await Promise.all([a.idle(), b.idle()]);
      assert.deepEqual(await entriesOf(storeA), [...expected].sort());
      assert.deepEqual(await entriesOf(storeB), [...expected].sort());
      assert.ok([...tap.values()].flat().includes('sync-request'), 'reconciling a thousand differences went on in log heights');
    } finally {
      a.close();
      b.close();
    }
  });
});
