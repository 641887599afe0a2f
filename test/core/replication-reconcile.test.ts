/**
 * Range-based reconciliation as pure parts: the trie of log keys and its fingerprints
 * (log-set.ts), one side's answer to a round (reconcile.ts), and the Reconcile and Ranges
 * messages with the limits they are decoded under.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import { bytesToHex } from '../../core/bytes.js';
import { decodeMessage, encodeMessage, hashingReady, isPandaError, type Message } from '../../core/index.js';
import { childrenOf, depthOf, keyOf, keySpan, LogSet, MAX_DEPTH, ROOT } from '../../core/replication/log-set.js';
import { MAX_LISTED_LOGS, MAX_RANGES, MAX_ROUNDS, type LogHeights } from '../../core/replication/messages.js';
import { answer, differing, LEAF_SIZE } from '../../core/replication/reconcile.js';
import type { LogInfo } from '../../core/storage/store.js';
import { mulberry32 } from './festival-support.js';

const A = '11'.repeat(32);
const B = '22'.repeat(32);
const log = (publicKey: string, logId: number, latestSeqNum: number): LogInfo => ({
  publicKey,
  logId,
  documentId: '',
  schemaId: '',
  latestSeqNum,
  latestHash: '',
});
/** `count` logs of 20 authors, heights from `seed`. */
function logs(count: number, seed = 1): LogInfo[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => log((30 + (i % 20)).toString(16).repeat(32), Math.floor(i / 20), 1 + Math.floor(random() * 5)));
}
const heights = (...items: Array<[string, number, number]>): LogHeights => {
  const result: LogHeights = new Map();
  for (const [publicKey, logId, seqNum] of items) result.set(publicKey, (result.get(publicKey) ?? new Map<number, number>()).set(logId, seqNum));
  return result;
};
const invalid = (error: unknown) => isPandaError(error, 'REPLICATION_MESSAGE_INVALID');
/** Any value as CBOR, encoded as peers encode messages: to build malformed ones. */
const cbor = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false, mapsAsObjects: false, variableMapSize: true });
const encodeRaw = (value: unknown): Uint8Array => cbor.encode(value);

before(() => hashingReady());

describe('the trie of log keys', () => {
  test('ranges are numbered like a heap of four children; other numbers and depths past MAX_DEPTH are no ranges', () => {
    assert.equal(depthOf(ROOT), 0);
    assert.deepEqual(keySpan(ROOT), [0, 2 ** 48]);
    assert.deepEqual(childrenOf(ROOT), [4, 5, 6, 7]);
    assert.deepEqual(
      childrenOf(ROOT).map((child) => keySpan(child)),
      [0, 1, 2, 3].map((digit) => [digit * 2 ** 46, (digit + 1) * 2 ** 46]),
    );
    assert.deepEqual(keySpan(4 * 7 + 3), [(3 * 4 + 3) * 2 ** 44, (3 * 4 + 4) * 2 ** 44]);
    for (const none of [0, -1, 2, 3, 8, 15, 1.5, Number.NaN, 2 ** 60]) assert.equal(depthOf(none), undefined, String(none));
    assert.equal(depthOf(4 ** MAX_DEPTH), MAX_DEPTH);
    assert.equal(depthOf(4 ** (MAX_DEPTH + 1)), undefined);
    const deepest = keySpan(2 * 4 ** MAX_DEPTH - 1);
    assert.equal(deepest[1] - deepest[0], 1, 'the deepest range is one key');
  });

  test('fixed vectors: keys and fingerprints are the same in every implementation', () => {
    assert.equal(keyOf(A, 0), 185285300322860);
    assert.equal(keyOf(B, 7), 110770533058852);
    assert.equal(bytesToHex(new LogSet([log(A, 0, 3), log(B, 7, 1)]).fingerprintOf(ROOT)), '4959ce8aefd074982931af9257f0d072');
    assert.equal(bytesToHex(new LogSet([]).fingerprintOf(ROOT)), '245097bfbd7049db2fb9a8004cb070f1');
  });

  test('a range holds exactly the logs whose keys it covers, and its fingerprint is that of a set of just them', () => {
    const all = logs(600);
    const set = new LogSet(all);
    const random = mulberry32(9);
    for (let i = 0; i < 200; i++) {
      let range = ROOT;
      for (let depth = Math.floor(random() * 6); depth > 0; depth--) range = 4 * range + Math.floor(random() * 4);
      const [low, high] = keySpan(range);
      const inside = all.filter((item) => keyOf(item.publicKey, item.logId) >= low && keyOf(item.publicKey, item.logId) < high);
      const [from, to] = set.span(range);
      assert.deepEqual(new Set(set.logs.slice(from, to)), new Set(inside));
      assert.deepEqual(set.fingerprintOf(range), new LogSet(inside).fingerprintOf(ROOT));
    }
  });

  test('the fingerprint depends on the logs only, not their order; a log that grows, appears or goes changes it', () => {
    const all = logs(300);
    const fingerprint = bytesToHex(new LogSet(all).fingerprintOf(ROOT));
    assert.equal(bytesToHex(new LogSet([...all].reverse()).fingerprintOf(ROOT)), fingerprint);
    const grown = all.map((item, i) => (i === 17 ? { ...item, latestSeqNum: item.latestSeqNum + 1 } : item));
    for (const other of [grown, all.slice(1), [...all, log(A, 99, 1)]]) assert.notEqual(bytesToHex(new LogSet(other).fingerprintOf(ROOT)), fingerprint);
  });
});

describe('answering a round', () => {
  test('an equal fingerprint is in step; a differing one is split into four, or answered with the heights once small', () => {
    const set = new LogSet(logs(400));
    assert.deepEqual(answer(set, [{ id: ROOT, kind: 'fingerprint', fingerprint: set.fingerprintOf(ROOT) }]).reply, []);
    const split = answer(set, [{ id: ROOT, kind: 'fingerprint', fingerprint: new Uint8Array(16) }]).reply;
    assert.deepEqual(
      split.map((range) => [range.id, range.kind]),
      [4, 5, 6, 7].map((id) => [id, 'fingerprint']),
    );
    const small = new LogSet(logs(LEAF_SIZE));
    const [listed] = answer(small, [{ id: ROOT, kind: 'fingerprint', fingerprint: new Uint8Array(16) }]).reply;
    assert.equal(listed?.kind, 'logs');
    assert.deepEqual(
      listed.kind === 'logs' && listed.heights,
      heights(...small.logs.map((item): [string, number, number] => [item.publicKey, item.logId, item.latestSeqNum])),
    );
    // A child where we hold nothing says so at once: the other side then sends all it holds there.
    assert.ok(differing(new LogSet([log(A, 0, 1), log(A, 1, 1), log(A, 2, 1)]), ROOT).some((range) => range.kind === 'logs' && range.heights.size === 0));
  });

  test('heights: we owe what they are behind in or lack, and want what we are behind in or lack', () => {
    const ours = [log(A, 0, 5), log(A, 1, 2), log(B, 3, 1)];
    const set = new LogSet(ours);
    const theirs = heights([A, 0, 3], [A, 1, 4], [B, 9, 2]);
    const result = answer(set, [{ id: ROOT, kind: 'logs', heights: theirs }]);
    assert.deepEqual(result.owed.map(({ log: item, theirs: seq }) => `${item.publicKey.slice(0, 2)}/${item.logId} from ${seq}`).sort(), [
      '11/0 from 3',
      '22/3 from 0',
    ]);
    assert.deepEqual(result.reply, [{ id: ROOT, kind: 'want', heights: heights([A, 1, 2], [B, 9, 0]) }]);
    assert.deepEqual(result.learned, theirs);
    // A want is answered with entries only.
    const wanted = answer(set, [{ id: ROOT, kind: 'want', heights: heights([A, 0, 4], [B, 3, 1], [B, 8, 0]) }]);
    assert.deepEqual(wanted.reply, []);
    assert.deepEqual(
      wanted.owed.map(({ log: item, theirs: seq }) => [item.logId, seq]),
      [[0, 4]],
    );
  });

  test('a log listed outside the range it is listed for is refused', () => {
    const key = keyOf(A, 0);
    const other = childrenOf(ROOT).find((child) => {
      const [low, high] = keySpan(child);
      return key < low || key >= high;
    })!;
    assert.throws(() => answer(new LogSet([]), [{ id: other, kind: 'logs', heights: heights([A, 0, 1]) }]), invalid);
  });
});

describe('reconciliation messages', () => {
  const target = '33'.repeat(32);
  const fingerprint = Uint8Array.from({ length: 16 }, (_, i) => i);
  const ranges = (round: number, list: unknown[]) => encodeRaw([6, 9, round, true, [], [], list]);

  test('Reconcile and Ranges round-trip, and an in-step exchange for one festival is 60 and 13 bytes before framing', () => {
    const examples: Message[] = [
      { type: 'reconcile', session: 0xfffffffe, live: true, fingerprints: new Map([[target, fingerprint]]) },
      { type: 'reconcile', session: 1, live: false, fingerprints: new Map([[target, new Uint8Array(0)]]) },
      { type: 'ranges', session: 0xfffffffe, round: 1, live: true, same: [0], differ: [], ranges: [] },
      {
        type: 'ranges',
        session: 7,
        round: 3,
        live: false,
        same: [],
        differ: [],
        ranges: [
          { id: 5, kind: 'fingerprint', fingerprint },
          { id: 25, kind: 'logs', heights: heights([A, 0, 1]) },
          { id: 7, kind: 'want', heights: heights([B, 2, 0]) },
        ],
      },
    ];
    // Byte strings decode as Buffers in Node: compared as hex.
    const plain = (value: unknown): unknown =>
      value instanceof Uint8Array
        ? bytesToHex(value)
        : value instanceof Map
          ? [...value].map(plain)
          : Array.isArray(value)
            ? value.map(plain)
            : typeof value === 'object' && value !== null
              ? Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]))
              : value;
    for (const message of examples) assert.deepEqual(plain(decodeMessage(encodeMessage(message))), plain(message));
    assert.equal(encodeMessage(examples[0]!).length, 60);
    assert.equal(encodeMessage(examples[2]!).length, 13);
  });

  test('bad fingerprints, too many ranges or logs, too deep, too many rounds, overlaps and unknown kinds are REPLICATION_MESSAGE_INVALID, saying which message', () => {
    const bad: Array<[string, Uint8Array, RegExp]> = [
      [
        'a fingerprint of 15 bytes in Reconcile',
        encodeRaw([5, 9, true, [Uint8Array.from(Buffer.from(target, 'hex')), new Uint8Array(15)]]),
        /16 bytes \(or none\)/,
      ],
      ['a fingerprint of 17 bytes', ranges(1, [ROOT, 0, new Uint8Array(17)]), /fingerprint is 16 bytes/],
      ['a fingerprint that is no bytes', ranges(1, [ROOT, 0, 'x'.repeat(16)]), /fingerprint is 16 bytes/],
      ['too many ranges', ranges(MAX_ROUNDS, Array.from({ length: MAX_RANGES + 1 }, (_, i) => [4 ** 6 + i, 1, []]).flat()), /at most 4096 ranges/],
      [
        'too many logs listed',
        ranges(1, [ROOT, 1, [[Buffer.from(A, 'hex'), Array.from({ length: 2 * (MAX_LISTED_LOGS + 1) }, (_, i) => (i % 2 ? 1 : i))]]]),
        /at most 16384 logs/,
      ],
      ['deeper than the round', ranges(1, [16, 0, fingerprint]), /deeper than round 1/],
      ['deeper than MAX_DEPTH', ranges(MAX_ROUNDS, [4 ** (MAX_DEPTH + 1), 0, fingerprint]), /at most 24 digits/],
      ['no range', ranges(1, [2, 0, fingerprint]), /at most 24 digits/],
      ['round past MAX_ROUNDS', ranges(MAX_ROUNDS + 1, []), /round is a number from 1/],
      ['round 0', ranges(0, []), /round is a number from 1/],
      ['overlapping ranges', ranges(2, [ROOT * 4, 0, fingerprint, 16, 0, fingerprint]), /do not overlap/],
      ['ranges out of order', ranges(1, [5, 0, fingerprint, 4, 0, fingerprint]), /do not overlap/],
      ['an unknown kind', ranges(1, [ROOT, 3, []]), /Unknown range kind/],
      ['a want with a negative seq', ranges(1, [ROOT, 2, [[Buffer.from(A, 'hex'), [0, -1]]]]), /whole numbers/],
      ['targets named after round 1', encodeRaw([6, 9, 2, true, [0], [], []]), /Only round 1/],
      ['a target named twice', encodeRaw([6, 9, 1, true, [0], [0], []]), /once/],
    ];
    for (const [what, bytes, reason] of bad) {
      assert.throws(
        () => decodeMessage(bytes),
        (error: unknown) =>
          invalid(error) &&
          reason.test((error as Error).message) &&
          ['reconcile', 'ranges'].includes(String((error as { details?: { type?: unknown } }).details?.type)),
        what,
      );
    }
  });

  test('random Ranges only ever decode or give REPLICATION_MESSAGE_INVALID', () => {
    const item = fc.oneof(fc.integer({ min: -2, max: 5000 }), fc.uint8Array({ maxLength: 20 }), fc.constant([]), fc.string({ maxLength: 3 }));
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 30 }), fc.array(item, { maxLength: 30 }), (round, list) => {
        try {
          decodeMessage(ranges(round, list));
        } catch (error) {
          assert.ok(invalid(error), String(error));
        }
      }),
      { numRuns: 3000, seed: 21 },
    );
  });
});
