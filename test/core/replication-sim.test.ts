/**
 * Seeded simulations of festival replication: several peers on virtual time, over links
 * that drop, repeat, reorder and delay frames, are cut apart and joined again. Whatever
 * happens on the way, once the links heal every honest peer holds the same entries, none
 * an honest peer wrote is lost, and nothing invalid is ever stored.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { FestivalNode, hashingReady, memoryLink, MemoryStore, Replicator, type Clock, type Hash, type LogHeights, type Store } from '../../core/index.js';
import { HOUR, keyOf, mulberry32, T0 } from './festival-support.js';

/** Virtual time: timers run when the simulation gets to them, in a fixed order. */
class VirtualClock implements Clock {
  time = 0;
  #seq = 0;
  #timers = new Map<number, { at: number; run: () => void }>();

  now(): number {
    return T0 * 1000 + this.time;
  }

  setTimeout(run: () => void, ms: number): number {
    const id = ++this.#seq;
    this.#timers.set(id, { at: this.time + ms, run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Runs the next timer; false when none is left before `until`. */
  step(until: number): boolean {
    let next: [number, { at: number; run: () => void }] | undefined;
    for (const item of this.#timers) if (!next || item[1].at < next[1].at || (item[1].at === next[1].at && item[0] < next[0])) next = item;
    if (!next || next[1].at > until) return false;
    this.#timers.delete(next[0]);
    this.time = Math.max(this.time, next[1].at);
    next[1].run();
    return true;
  }
}

interface LinkFaults {
  drop: number;
  duplicate: number;
  /** Largest extra delay (ms); frames overtake each other within it. */
  jitter: number;
}

interface Peer {
  name: string;
  store: Store;
  node: FestivalNode;
  replicator: Replicator;
}

async function settle(peers: readonly Peer[]): Promise<void> {
  for (let round = 0; round < 4; round++) {
    await tick();
    await Promise.all(peers.map((peer) => peer.replicator.idle()));
  }
}

/** Polls `condition` (real time) until it holds; fails after `ms`. */
async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function entriesOf(store: Store): Promise<string[]> {
  const hashes: string[] = [];
  for (const log of await store.getLogs()) for (const entry of await store.getEntries(log.publicKey, log.logId, 1)) hashes.push(entry.hash);
  return hashes.sort();
}

/**
 * One simulation: `count` honest peers in a ring plus chords, a festival made by peer 0,
 * everyone writing events and updates at random times, faulty links, a partition that
 * heals. Returns the peers after the links have been clean for a while.
 */
async function simulate(seed: number, count: number, faults: LinkFaults) {
  const random = mulberry32(seed);
  const clock = new VirtualClock();
  const organiser = keyOf(1);
  const setupStore = new MemoryStore();
  const setup = new FestivalNode(setupStore);
  const festival = await setup.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const area = await setup.createFestival(organiser, { name: 'Kids', start: T0, end: T0 + 72 * HOUR, parent: festival.documentId });
  const unrelated = await setup.createFestival(organiser, { name: 'Elsewhere', start: T0, end: T0 + 72 * HOUR });

  const peers: Peer[] = [];
  for (let i = 0; i < count; i++) {
    const store = new MemoryStore();
    const node = new FestivalNode(store);
    const replicator = await Replicator.open(store, {
      festivals: [festival.documentId],
      clock,
      random,
      syncTimeout: 400,
      resyncInterval: 1500,
    });
    node.onPublish((entry, operation) => void replicator.announce(entry, operation));
    replicator.on((event) => event.type === 'entry' && node.changed());
    peers.push({ name: `peer${i}`, store, node, replicator });
  }
  // Peer 0 holds the festivals (including one nobody else takes part in).
  for (const log of await setupStore.getLogs()) {
    for (const entry of await setupStore.getEntries(log.publicKey, log.logId, 1)) {
      await peers[0]!.replicator.announce(entry.bytes, (await setupStore.getOperation(entry.hash))!.bytes);
    }
  }

  let partitioned = false;
  let clean = false;
  const side = (name: string) => Number(name.slice(4)) % 2;
  const links: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) links.push([i, (i + 1) % count]);
  for (let i = 0; i + 2 < count; i += 2) links.push([i, i + 2]);
  for (const [a, b] of links) {
    const [left, right] = memoryLink(peers[a]!.name, peers[b]!.name, (deliver, _frame, from) => {
      const to = from === peers[a]!.name ? peers[b]!.name : peers[a]!.name;
      if (!clean) {
        if (partitioned && side(from) !== side(to)) return;
        if (random() < faults.drop) return;
        if (random() < faults.duplicate) clock.setTimeout(deliver, 1 + random() * faults.jitter);
      }
      clock.setTimeout(deliver, 1 + (clean ? 0 : random() * faults.jitter));
    });
    peers[a]!.replicator.connect(left);
    peers[b]!.replicator.connect(right);
  }

  // Writing: each peer creates events (some in the nested festival) and moves some.
  const written: Hash[] = [];
  const authors = peers.map((_, i) => keyOf(10 + i));
  for (let step = 0; step < count * 6; step++) {
    const who = Math.floor(random() * count);
    clock.setTimeout(
      () => {
        void (async () => {
          const peer = peers[who]!;
          const start = T0 + Math.floor(random() * 60) * HOUR;
          const created = await peer.node.createEvent(authors[who]!, {
            festival: random() < 0.5 ? festival.documentId : area.documentId,
            title: `Session ${step}`,
            start,
            end: start + HOUR,
            resources: [],
          });
          written.push(created.hash);
          if (random() < 0.4) written.push((await peer.node.update(authors[who]!, created.documentId, { title: `Session ${step} (moved)` })).hash);
        })();
      },
      Math.floor(random() * 3000),
    );
  }
  clock.setTimeout(() => (partitioned = true), 1000);
  clock.setTimeout(() => (partitioned = false), 2500);
  clock.setTimeout(() => (clean = true), 4000);

  while (clock.step(12_000)) await settle(peers);
  await settle(peers);
  return { peers, written, festival, unrelated };
}

describe('replication simulation', () => {
  test('over many seeds, with lost, repeated, reordered and delayed frames and a partition, all honest peers end with the same data', async () => {
    await hashingReady();
    for (let seed = 1; seed <= 12; seed++) {
      const { peers, written, unrelated, festival } = await simulate(seed, 4 + (seed % 2), { drop: 0.15, duplicate: 0.1, jitter: 80 });
      const expected = await entriesOf(peers[0]!.store);
      for (const peer of peers.slice(1))
        assert.deepEqual(
          await entriesOf(peer.store),
          expected.filter((hash) => hash !== unrelated.hash),
          `seed ${seed}: ${peer.name}`,
        );
      for (const hash of written) assert.ok(expected.includes(hash), `seed ${seed}: ${hash} was lost`);
      // The festival only peer 0 takes part in stayed with peer 0.
      for (const peer of peers.slice(1)) assert.equal(await peer.store.getEntryByHash(unrelated.hash), undefined);
      // Every peer sees the same schedule.
      const schedules = await Promise.all(peers.map(async (peer) => JSON.stringify((await peer.node.model()).schedule(festival.documentId))));
      assert.equal(new Set(schedules).size, 1, `seed ${seed}: schedules differ`);
      for (const peer of peers) peer.replicator.close();
    }
  });
});

describe('replication with hostile and restarting peers', () => {
  test('a peer that sends garbage, forged entries and entries of other festivals is blocked, and none of it is stored', async () => {
    await hashingReady();
    const organiser = keyOf(1);
    const honestStore = new MemoryStore();
    const honestNode = new FestivalNode(honestStore);
    const festival = await honestNode.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
    const honest = await Replicator.open(honestStore, { festivals: [festival.documentId] });
    const events: string[] = [];
    honest.on((event) => events.push(event.type === 'offence' ? `offence ${event.code}` : event.type));

    // The attacker knows the festival and writes valid data elsewhere, then lies.
    const attackerStore = new MemoryStore();
    const attackerNode = new FestivalNode(attackerStore);
    const mallory = keyOf(66);
    const other = await attackerNode.createFestival(mallory, { name: 'Elsewhere', start: T0, end: T0 + HOUR });
    const forged = await attackerNode.createEvent(mallory, { festival: festival.documentId, title: 'Forged', start: T0, end: T0 + HOUR, resources: [] });
    const [mine, theirs] = memoryLink('honest', 'mallory');
    honest.connect(mine);
    const sent: Uint8Array[] = [];
    theirs.onFrame = (frame) => sent.push(frame);
    const { FrameWriter, encodeMessage } = await import('../../core/index.js');
    const writer = new FrameWriter((frame) => theirs.send(frame));
    const { syncTarget } = await import('../../core/index.js');
    writer.push(encodeMessage({ type: 'sync-request', session: 7, live: true, have: new Map([[syncTarget(festival.documentId), new Map() as LogHeights]]) }));
    writer.flush();
    await tick();
    // 1: a frame of garbage.
    theirs.send(Uint8Array.of(9, 9, 9));
    // 2: an entry whose signature is broken.
    const broken = forged.entryBytes.slice();
    broken[broken.length - 1]! ^= 1;
    writer.push(encodeMessage({ type: 'entry', session: 7, entry: broken, operation: forged.operationBytes }));
    // 3: a valid entry of a festival this sync is not about.
    writer.push(encodeMessage({ type: 'entry', session: 7, entry: other.entryBytes, operation: other.operationBytes }));
    writer.flush();
    await waitFor(() => honest.isBlocked('mallory'), 'the block');
    await honest.idle();
    assert.deepEqual(
      events.filter((event) => event.startsWith('offence')),
      ['offence REPLICATION_FRAME_INVALID', 'offence ENTRY_SIGNATURE_INVALID', 'offence REPLICATION_OUT_OF_SCOPE'],
    );
    assert.ok(events.includes('blocked'));
    assert.ok(honest.isBlocked('mallory'));
    assert.equal(await honestStore.getEntryByHash(other.hash), undefined);
    assert.equal(await honestStore.getEntryByHash(forged.hash), undefined);
    assert.equal((await honestStore.getLogs()).length, 1);
    // Blocked peers are refused when they come back.
    const [again] = memoryLink('honest', 'mallory');
    assert.equal(honest.connect(again).closed, true);
  });

  test('a peer restarted in the middle of a sync picks up where it stopped, without loss', async () => {
    await hashingReady();
    const organiser = keyOf(1);
    const source = new MemoryStore();
    const node = new FestivalNode(source);
    const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
    for (let i = 0; i < 120; i++)
      await node.createEvent(keyOf(20 + (i % 5)), {
        festival: festival.documentId,
        title: `Session ${i}`,
        start: T0 + i * HOUR,
        end: T0 + (i + 1) * HOUR,
        resources: [],
      });
    const sender = await Replicator.open(source, { festivals: [festival.documentId] });
    const target = new MemoryStore();
    let receiver = await Replicator.open(target, { festivals: [festival.documentId] });
    // The connection dies after the sender's first two frames (the request and a frame of entries).
    let delivered = 0;
    let [a, b] = memoryLink('sender', 'receiver', (deliver, _frame, from) => {
      if (from === 'sender' && ++delivered > 2) return;
      queueMicrotask(deliver);
    });
    sender.connect(a);
    receiver.connect(b);
    await waitFor(() => delivered > 2, 'the first frames');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await receiver.idle();
    const partial = (await entriesOf(target)).length;
    assert.ok(partial > 10 && partial < 121, `stopped part-way (${partial})`);
    b.close();
    // Restart: a new replicator over the same store, a new connection.
    receiver.close();
    receiver = await Replicator.open(target, { festivals: [festival.documentId] });
    [a, b] = memoryLink('sender', 'receiver');
    sender.connect(a);
    const connection = receiver.connect(b);
    const all = (await entriesOf(source)).length;
    await waitFor(async () => (await entriesOf(target)).length === all, 'the rest');
    assert.deepEqual(await entriesOf(target), await entriesOf(source));
    assert.ok(connection.bytesReceived < 121 * 420, 'only what was missing was sent again');
    sender.close();
    receiver.close();
  });
});

describe('replication and forks', () => {
  test('an author who signed two different entries for one log position: the second copy is kept as evidence and reported, not stored', async () => {
    await hashingReady();
    const author = keyOf(9);
    // The same key used on two devices that never synced: both start log 0 at seq 1.
    const left = new MemoryStore();
    const right = new MemoryStore();
    const leftNode = new FestivalNode(left);
    const one = await leftNode.createFestival(author, { name: 'One', start: T0, end: T0 + HOUR });
    const two = await new FestivalNode(right).createFestival(author, { name: 'Two', start: T0, end: T0 + HOUR });
    // Log-height sync sees a fork once the two copies of the log differ in length.
    const moved = await leftNode.update(author, one.documentId, { name: 'One (moved)' });
    const a = await Replicator.open(left, { festivals: [one.documentId, two.documentId] });
    const b = await Replicator.open(right, { festivals: [one.documentId, two.documentId] });
    const forks: string[] = [];
    b.on((event) => event.type === 'fork' && forks.push(`${event.publicKey}/${event.logId}/${event.seqNum}`));
    const [x, y] = memoryLink('left', 'right');
    a.connect(x);
    b.connect(y);
    await waitFor(() => forks.length > 0, 'the fork');
    await b.idle();
    assert.deepEqual(forks, [`${author.publicKey()}/0/2`]);
    const evidence = await right.getForkEvidence(author.publicKey());
    assert.equal(evidence.length, 1);
    assert.equal(evidence[0]!.kind, 'backlink');
    assert.deepEqual([...evidence[0]!.conflicting], [...moved.entryBytes]);
    assert.equal(await right.getEntryByHash(moved.hash), undefined);
    void two;
    assert.equal(b.health().forks, 1);
    // Reporting a fork is no offence of the peer that relayed it.
    assert.equal(b.isBlocked('left'), false);
    a.close();
    b.close();
  });
});
