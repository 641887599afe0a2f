/**
 * Peers driven by hand against an honest replicator (issue 14): a plain log-height
 * SyncRequest gets the old answer, and the peer is asked in heights from then on;
 * malformed or rule-breaking reconciliation messages are an offence that closes the
 * connection, at once; a peer that never agrees is answered a few rounds, then in heights.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Encoder } from 'cbor-x';
import {
  decodeMessage,
  encodeMessage,
  FestivalNode,
  FrameReader,
  FrameWriter,
  hashingReady,
  memoryLink,
  MemoryStore,
  Replicator,
  syncTarget,
  type Hash,
  type Message,
  type ReplicatorEvent,
} from '../../core/index.js';
import { childrenOf, keyOf as logKeyOf, keySpan, ROOT } from '../../core/replication/log-set.js';
import { MAX_ROUNDS } from '../../core/replication/messages.js';
import { HOUR, keyOf, T0 } from './festival-support.js';

const LOGS = 400;
const AUTHORS = 20;

/** Polls `condition` (real time) until it holds; fails after `ms`. */
async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A festival of 400 logs: its CREATE and events of 20 authors. */
async function buildBase(): Promise<{ store: MemoryStore; festival: Hash; events: Hash[] }> {
  const store = new MemoryStore();
  const node = new FestivalNode(store);
  const festival = await node.createFestival(keyOf(1), { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const events: Hash[] = [];
  for (let i = 0; i < LOGS - 1; i++) {
    const start = T0 + (i % 70) * HOUR;
    events.push(
      (await node.createEvent(keyOf(10 + (i % AUTHORS)), { festival: festival.documentId, title: `Session ${i}`, start, end: start + HOUR, resources: [] }))
        .documentId,
    );
  }
  return { store, festival: festival.documentId, events };
}

let base: Awaited<ReturnType<typeof buildBase>>;
before(async () => {
  await hashingReady();
  base = await buildBase();
});

/** A peer driven by hand: what it receives is decoded; what it sends is framed as given. */
function handPeer(honest: Replicator, id: string) {
  const [mine, theirs] = memoryLink('honest', id);
  const received: Message[] = [];
  const reader = new FrameReader((bytes) => received.push(decodeMessage(bytes)));
  theirs.onFrame = (frame) => reader.read(frame);
  const writer = new FrameWriter((frame) => theirs.send(frame));
  const connection = honest.connect(mine);
  return {
    connection,
    received,
    send(message: Message | Uint8Array) {
      writer.push(message instanceof Uint8Array ? message : encodeMessage(message));
      writer.flush();
    },
    async next<T extends Message['type']>(type: T): Promise<Extract<Message, { type: T }>> {
      let found: Message | undefined;
      await waitFor(() => (found = received.find((message) => message.type === type)) !== undefined, `a ${type} message`);
      received.splice(received.indexOf(found!), 1);
      return found as Extract<Message, { type: T }>;
    },
  };
}

describe('log heights, as before', () => {
  test('a plain SyncRequest with heights gets a Have, the entries it lacks and a SyncDone; then it is asked in heights too', async () => {
    const honest = await Replicator.open(base.store, { festivals: [base.festival], live: false, resyncInterval: 0 });
    const peer = handPeer(honest, 'old-peer');
    try {
      const target = syncTarget(base.festival);
      const logs = await base.store.getLogs();
      const held = logs.filter((log) => log.documentId !== base.events[5]!);
      const heights = new Map([[target, new Map<string, Map<number, number>>()]]);
      for (const log of held)
        heights.get(target)!.set(log.publicKey, (heights.get(target)!.get(log.publicKey) ?? new Map<number, number>()).set(log.logId, log.latestSeqNum));
      await peer.next('reconcile');
      peer.send({ type: 'sync-request', session: 1, live: false, have: heights });
      const have = await peer.next('have');
      assert.equal(
        [...have.have.get(target)!.values()].reduce((sum, byLog) => sum + byLog.size, 0),
        LOGS,
      );
      await peer.next('sync-done');
      const entries = peer.received.filter((message) => message.type === 'entry');
      assert.equal(entries.length, 1, 'only the entry of the log it lacked');
      peer.send({ type: 'sync-done', session: 1 });
      await waitFor(() => peer.connection.syncedAt !== undefined, 'the sync to end');
      peer.connection.sync();
      const request = await peer.next('sync-request');
      assert.equal(request.have.get(target)!.size, AUTHORS + 1, 'a peer that asked in heights is asked in heights');
    } finally {
      honest.close();
    }
  });
});

describe('hostile reconciliation messages', () => {
  const cbor = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false, mapsAsObjects: false, variableMapSize: true });
  const raw = (value: unknown) => cbor.encode(value) as Uint8Array;

  /** Sends what `attack` makes of the honest side's Reconcile; the connection must end as an offence, at once. */
  async function refused(what: string, attack: (opening: Extract<Message, { type: 'reconcile' }>) => Message | Uint8Array): Promise<void> {
    const honest = await Replicator.open(base.store, { festivals: [base.festival], live: false, resyncInterval: 0 });
    const events: ReplicatorEvent[] = [];
    honest.on((event) => events.push(event));
    const peer = handPeer(honest, `mallory-${what}`);
    try {
      const opening = await peer.next('reconcile');
      peer.send(attack(opening));
      await waitFor(() => peer.connection.closed, `${what}: the connection to close`, 3000);
      const offences = events.filter((event) => event.type === 'offence');
      assert.deepEqual(
        offences.map((event) => event.type === 'offence' && event.code),
        ['REPLICATION_MESSAGE_INVALID'],
        `${what}: ${JSON.stringify(offences)}`,
      );
    } finally {
      honest.close();
    }
  }

  test('bad fingerprints, too many ranges, too deep, too many rounds, targets not offered, logs outside their range: an offence, and the connection closes', async () => {
    const fingerprint = new Uint8Array(16);
    await refused('a 15-byte fingerprint', () => raw([5, 3, false, [Buffer.from(syncTarget(base.festival), 'hex'), new Uint8Array(15)]]));
    await refused('a 15-byte range fingerprint', (o) => raw([6, o.session, 1, false, [], [0], [ROOT, 0, new Uint8Array(15)]]));
    await refused('too many ranges', (o) =>
      raw([6, o.session, 12, false, [], [], Array.from({ length: 5000 }, (_, i) => [4 ** 6 + i, 0, fingerprint]).flat()]),
    );
    await refused('too deep for its round', (o) => raw([6, o.session, 1, false, [], [0], [4 ** 5, 0, fingerprint]]));
    await refused('too many rounds', (o) => raw([6, o.session, MAX_ROUNDS + 1, false, [], [], []]));
    await refused('a target not offered', (o) => ({ type: 'ranges', session: o.session, round: 1, live: false, same: [], differ: [3], ranges: [] }));
    const author = keyOf(10).publicKey();
    const outside = childrenOf(ROOT).find((child) => {
      const [low, high] = keySpan(child);
      const key = logKeyOf(author, 0);
      return key < low || key >= high;
    })!;
    await refused('a log outside its range', (o) => ({
      type: 'ranges',
      session: o.session,
      round: 1,
      live: false,
      same: [],
      differ: [0],
      ranges: [{ id: outside, kind: 'logs', heights: new Map([[author, new Map([[0, 1]])]]) }],
    }));
  });

  test('a peer that never agrees is answered a few rounds, then in log heights, within a bounded cost', async () => {
    const honest = await Replicator.open(base.store, { festivals: [base.festival], live: false, resyncInterval: 0 });
    const peer = handPeer(honest, 'mallory-stubborn');
    try {
      const opening = await peer.next('reconcile');
      const wrong = new Uint8Array(16).fill(7);
      // Round 1 says the festival differs; every later round names the children of the honest side's
      // fingerprints (a digit deeper), each with a fingerprint it never matches.
      let message: Message = {
        type: 'ranges',
        session: opening.session,
        round: 1,
        live: false,
        same: [],
        differ: [0],
        ranges: [{ id: ROOT, kind: 'fingerprint', fingerprint: wrong }],
      };
      let rounds = 0;
      for (;;) {
        peer.send(message);
        await waitFor(() => peer.received.length > 0, 'an answer');
        const answer = peer.received.shift()!;
        if (answer.type === 'sync-request') break;
        assert.equal(answer.type, 'ranges');
        if (answer.type !== 'ranges') return;
        rounds++;
        const named = answer.ranges.filter((range) => range.kind === 'fingerprint').flatMap((range) => childrenOf(range.id));
        message = {
          ...message,
          round: answer.round + 1,
          differ: [],
          ranges: named.slice(0, 1000).map((id) => ({ id, kind: 'fingerprint', fingerprint: wrong })),
        };
      }
      assert.ok(rounds <= 4, `answered ${rounds} rounds before going on in heights`);
      assert.ok(peer.connection.bytesSent < 16 * 1024, `${peer.connection.bytesSent} B sent`);
      assert.equal(peer.connection.closed, false, 'disagreeing is no offence');
    } finally {
      honest.close();
    }
  });
});
