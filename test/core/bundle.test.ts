/**
 * Bundles: festivals carried from one store to another with no network, as a file or as a
 * series of QR codes (those: qr.test.ts). What a bundle holds is validated entry by entry exactly like what a
 * peer sends; the bundle itself is checked (format, limits, signature) before any of it is read.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { Encoder } from 'cbor-x';
import { FestivalNode, generateHash, hashingReady, isPandaError, MemoryStore, type Hash, type KeyPair, type Store } from '../../core/index.js';
import { hashBytes } from '../../core/hash/hash.js';
import { bundleHeights, encodeBundle, exportBundle, importBundle, readBundle, type BundleEntry } from '../../core/replication/bundle.js';
import { qrTextsToBundle } from '../../core/replication/qr-parts.js';
import { bundleToQrTexts, DEFAULT_QR_CHARS } from '../../core/replication/qr.js';
import { HOUR, keyOf, mulberry32, replicatingPeer, shuffle, T0 } from './festival-support.js';

const exporter = keyOf(0x70);
const forger = keyOf(0x71);
const CREATED_AT = T0 * 1000 + 42;

const isCode = (code: string) => (error: unknown) => {
  assert.ok(isPandaError(error), `a PandaError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

async function entriesOf(store: Store): Promise<Hash[]> {
  const hashes: Hash[] = [];
  for (const log of await store.getLogs()) for (const entry of await store.getEntries(log.publicKey, log.logId, 1)) hashes.push(entry.hash);
  return hashes.sort();
}

/**
 * A festival with a nested one, profiles, resources, events, updates and authorizations;
 * and an unrelated festival (where one of the same authors writes too).
 */
async function festivalSource() {
  await hashingReady();
  const source = await replicatingPeer();
  const { node } = source;
  const organiser = keyOf(1);
  const alice = keyOf(2);
  const bob = keyOf(3);
  const stranger = keyOf(9);
  const unrelated = new Set<Hash>();
  const festival = await node.createFestival(organiser, { name: 'Hoffnung 3000', start: T0, end: T0 + 72 * HOUR });
  const kids = await node.createFestival(organiser, { name: 'Kids', start: T0, end: T0 + 72 * HOUR, parent: festival.documentId });
  await node.createProfile(alice, { name: 'Alice' });
  await node.createProfile(bob, { name: 'Bob' });
  const stage = await node.createResource(organiser, { festival: festival.documentId, title: 'Main stage', kind: 'location', policy: 'manual' });
  const tent = await node.createResource(organiser, { festival: kids.documentId, title: 'Tent', kind: 'location' });
  const talk = await node.createEvent(alice, {
    festival: festival.documentId,
    title: 'Talk',
    start: T0 + HOUR,
    end: T0 + 2 * HOUR,
    resources: [stage.documentId],
    createdAt: T0 + 10,
  });
  const show = await node.createEvent(bob, {
    festival: kids.documentId,
    title: 'Puppets',
    start: T0 + 3 * HOUR,
    end: T0 + 4 * HOUR,
    resources: [tent.documentId],
    createdAt: T0 + 20,
  });
  await node.createEvent(alice, { festival: kids.documentId, title: 'Drawing', start: T0 + 5 * HOUR, end: T0 + 6 * HOUR, resources: [], createdAt: T0 + 30 });
  await node.update(alice, talk.documentId, { title: 'Talk (moved)', start: BigInt(T0 + 2 * HOUR), end: BigInt(T0 + 3 * HOUR) });
  await node.update(organiser, festival.documentId, { description: 'Three days of everything' });
  await node.authorize(organiser, stage.documentId, talk.documentId, 'confirm', 'welcome', T0 + 100);
  await node.update(bob, show.documentId, { description: 'With real puppets' });

  const elsewhere = await node.createFestival(stranger, { name: 'Elsewhere', start: T0, end: T0 + HOUR });
  unrelated.add(elsewhere.hash);
  unrelated.add((await node.createProfile(stranger, { name: 'Stranger' })).hash);
  const hall = await node.createResource(stranger, { festival: elsewhere.documentId, title: 'Hall', policy: 'manual' });
  unrelated.add(hall.hash);
  const gig = await node.createEvent(alice, {
    festival: elsewhere.documentId,
    title: 'Gig',
    start: T0,
    end: T0 + HOUR,
    resources: [hall.documentId],
    createdAt: T0 + 40,
  });
  unrelated.add(gig.hash);
  unrelated.add((await node.authorize(stranger, hall.documentId, gig.documentId, 'confirm', '', T0 + 50)).hash);
  await source.replicator.idle();
  return { ...source, festival: festival.documentId, kids: kids.documentId, organiser, alice, bob, unrelated, talk: talk.documentId };
}

type Source = Awaited<ReturnType<typeof festivalSource>>;

async function expectedHashes(source: Source): Promise<Hash[]> {
  return (await entriesOf(source.store)).filter((hash) => !source.unrelated.has(hash));
}

async function schedules(node: FestivalNode, ...festivals: Hash[]) {
  const model = await node.model();
  return festivals.map((festival) => model.schedule(festival));
}

/** A bundle of `entries` (as given, in that order), signed by `signer`. */
const rebundle = (source: Source, entries: BundleEntry[], signer: KeyPair = forger) =>
  encodeBundle({ festivals: [source.festival], createdAt: CREATED_AT, entries }, signer);

describe('festival bundles', () => {
  test('a festival exported from one store and imported into a fresh one: the same entries in scope, nothing else, the same schedule', async () => {
    const source = await festivalSource();
    const bytes = await exportBundle(source.replicator, [source.festival], exporter, { createdAt: CREATED_AT });
    const expected = await expectedHashes(source);

    const bundle = await readBundle(bytes);
    assert.deepEqual(bundle.festivals, [source.festival]);
    assert.equal(bundle.createdAt, CREATED_AT);
    assert.equal(bundle.publicKey, exporter.publicKey());
    assert.deepEqual(bundle.entries.map(({ entry }) => generateHash(entry)).sort(), expected);

    // The order is one a receiver validates as it goes: nothing ever waits.
    const inOrder = new FestivalNode(new MemoryStore());
    for (const { entry, operation } of bundle.entries) await inOrder.publish(entry, operation);

    const target = await replicatingPeer();
    const result = await importBundle(target.replicator, bytes, { join: true });
    assert.deepEqual(
      { stored: result.stored, duplicate: result.duplicate, ignored: result.ignored, pending: result.pending, rejected: result.rejected },
      { stored: expected.length, duplicate: 0, ignored: 0, pending: 0, rejected: [] },
    );
    assert.equal(result.publicKey, exporter.publicKey());
    assert.deepEqual(target.replicator.festivals(), [source.festival]);
    assert.deepEqual(await entriesOf(target.store), expected);
    for (const hash of source.unrelated) assert.equal(await target.store.getEntryByHash(hash), undefined);

    const [mainSchedule, kidsSchedule] = await schedules(target.node, source.festival, source.kids);
    assert.equal(mainSchedule!.length, 3);
    assert.equal(kidsSchedule!.length, 2);
    assert.deepEqual([mainSchedule, kidsSchedule], await schedules(source.node, source.festival, source.kids));
    const model = await target.node.model();
    assert.equal(model.festivals.get(source.festival)!.description, 'Three days of everything');
    assert.equal(model.requestStatus([...model.resources.values()].find((r) => r.title === 'Main stage')!.id, source.talk)!.state, 'confirmed');
    // The bundle's festivals now sync from the importer too: its replicator knows the logs.
    assert.deepEqual(await bundleHeights(target.replicator, [source.festival]), await bundleHeights(source.replicator, [source.festival]));
  });

  test('a nested festival exports on its own: only its documents and the profiles of those who wrote there', async () => {
    const source = await festivalSource();
    const bundle = await readBundle(await exportBundle(source.replicator, [source.kids], exporter));
    const target = await replicatingPeer();
    const result = await importBundle(
      target.replicator,
      await encodeBundle({ festivals: [source.kids], createdAt: bundle.createdAt, entries: bundle.entries }, exporter),
    );
    assert.equal(result.stored, bundle.entries.length);
    // Not joined: the festival is not taken part in unless asked.
    assert.deepEqual(target.replicator.festivals(), []);
    const model = await target.node.model();
    assert.deepEqual(
      [...model.festivals.values()].map((festival) => festival.name),
      ['Kids'],
    );
    assert.deepEqual([...model.events.values()].map((event) => event.title).sort(), ['Drawing', 'Puppets']);
    assert.deepEqual([...model.profiles.values()].map((profile) => profile.name).sort(), ['Alice', 'Bob']);
  });

  test("a delta bundle (since the importer's heights) holds only the new entries and imports on top", async (t) => {
    const source = await festivalSource();
    const target = await replicatingPeer();
    await importBundle(target.replicator, await exportBundle(source.replicator, [source.festival], exporter), { join: true });

    const fresh: Hash[] = [];
    for (let i = 0; i < 10; i++) {
      const author = i % 2 ? source.alice : source.bob;
      fresh.push(
        (
          await source.node.createEvent(author, {
            festival: i % 3 ? source.festival : source.kids,
            title: `Late addition ${i}`,
            start: T0 + (10 + i) * HOUR,
            end: T0 + (11 + i) * HOUR,
            resources: [],
            createdAt: T0 + 200 + i,
          })
        ).hash,
      );
    }
    await source.replicator.idle();
    const since = await bundleHeights(target.replicator, [source.festival]);
    const delta = await exportBundle(source.replicator, [source.festival], exporter, { since });
    const bundle = await readBundle(delta);
    assert.deepEqual(bundle.entries.map(({ entry }) => generateHash(entry)).sort(), [...fresh].sort());

    // Ten new events fit in a few QR codes.
    const texts = bundleToQrTexts(delta);
    t.diagnostic(`delta of 10 new events: ${delta.length} bytes, ${texts.length} QR codes of at most ${DEFAULT_QR_CHARS} characters`);
    assert.ok(texts.length <= 8, `${texts.length} QR codes`);

    const result = await importBundle(target.replicator, qrTextsToBundle(shuffle([...texts], mulberry32(7))));
    assert.equal(result.stored, 10);
    assert.equal(result.duplicate + result.pending + result.rejected.length, 0);
    assert.deepEqual(await entriesOf(target.store), await expectedHashes(source));
    assert.deepEqual(await schedules(target.node, source.festival, source.kids), await schedules(source.node, source.festival, source.kids));

    // An update by someone else to a document, as a delta.
    await source.node.update(source.bob, fresh[0]!, { title: 'Late addition 0 (moved)' });
    await source.replicator.idle();
    const next = await exportBundle(source.replicator, [source.festival], exporter, { since: await bundleHeights(target.replicator, [source.festival]) });
    assert.equal((await readBundle(next)).entries.length, 1);
    assert.equal((await importBundle(target.replicator, next)).stored, 1);
    assert.deepEqual(await entriesOf(target.store), await expectedHashes(source));
    // Nothing new: an empty delta, still a valid bundle.
    const empty = await exportBundle(source.replicator, [source.festival], exporter, { since: await bundleHeights(target.replicator, [source.festival]) });
    assert.equal((await readBundle(empty)).entries.length, 0);
    assert.equal((await importBundle(target.replicator, empty)).stored, 0);
  });

  test('importing is idempotent: the second time, everything is a duplicate', async () => {
    const source = await festivalSource();
    const bytes = await exportBundle(source.replicator, [source.festival], exporter);
    const count = (await readBundle(bytes)).entries.length;
    const target = await replicatingPeer();
    assert.equal((await importBundle(target.replicator, bytes)).stored, count);
    const again = await importBundle(target.replicator, bytes);
    assert.deepEqual([again.stored, again.duplicate, again.pending, again.rejected.length], [0, count, 0, 0]);
    assert.deepEqual(await entriesOf(target.store), await expectedHashes(source));
  });

  test('a tampered entry in a validly signed bundle is rejected alone, with its code; the rest is imported', async () => {
    const source = await festivalSource();
    const { entries } = await readBundle(await exportBundle(source.replicator, [source.festival], exporter));
    // The last entry (an authorization: nothing builds on it) gets a broken signature;
    // the bundle is signed anew by someone else, so the bundle itself is fine.
    const index = entries.length - 1;
    const broken = entries[index]!.entry.slice();
    broken[broken.length - 1]! ^= 1;
    const tampered = entries.map((item, i) => (i === index ? { ...item, entry: broken } : item));
    const target = await replicatingPeer();
    const result = await importBundle(target.replicator, await rebundle(source, tampered));
    assert.equal(result.publicKey, forger.publicKey());
    assert.equal(result.stored, entries.length - 1);
    assert.equal(result.pending, 0);
    assert.equal(result.rejected.length, 1);
    assert.equal(result.rejected[0]!.index, index);
    assert.equal(result.rejected[0]!.code, 'ENTRY_SIGNATURE_INVALID');
    assert.equal(await target.store.getEntryByHash(generateHash(broken)), undefined);
    assert.deepEqual(
      await entriesOf(target.store),
      (await expectedHashes(source)).filter((hash) => hash !== generateHash(entries[index]!.entry)),
    );
  });

  test("an entry from outside the bundle's festivals, or with a changed operation, is rejected; the rest is imported", async () => {
    const source = await festivalSource();
    const { entries } = await readBundle(await exportBundle(source.replicator, [source.festival], exporter));
    const other = (await readBundle(await exportBundle(source.replicator, [[...source.unrelated][0]!], exporter))).entries;
    const changed = entries[3]!.operation.slice();
    changed[changed.length - 1]! ^= 1;
    const mixed = [...entries.slice(0, 3), { ...entries[3]!, operation: changed }, ...entries.slice(4), other[0]!];
    const target = await replicatingPeer();
    const result = await importBundle(target.replicator, await rebundle(source, mixed));
    assert.deepEqual(
      result.rejected.map(({ index, code }) => ({ index, code })),
      [
        { index: 3, code: 'ENTRY_PAYLOAD_HASH_MISMATCH' },
        { index: mixed.length - 1, code: 'REPLICATION_OUT_OF_SCOPE' },
      ],
    );
    assert.equal(result.stored + result.pending, entries.length - 1);
    for (const hash of source.unrelated) assert.equal(await target.store.getEntryByHash(hash), undefined);
  });

  test('a signature that does not hold: BUNDLE_SIGNATURE_INVALID, and nothing is stored', async () => {
    const source = await festivalSource();
    const bytes = await exportBundle(source.replicator, [source.festival], exporter, { createdAt: CREATED_AT });
    const target = await replicatingPeer();
    // A bit of the signature, of an entry deep inside, of createdAt; another public key.
    const createdAtAt = 1 + 17 + 1 + 1 + 36;
    assert.equal(bytes[createdAtAt], 0x1b); // a 64-bit unsigned integer follows
    const publicKeyAt = indexOf(bytes, exporter.publicKeyBytes());
    const forged = [bytes.length - 1, Math.floor(bytes.length / 2), createdAtAt + 8].map((position) => {
      const copy = bytes.slice();
      copy[position]! ^= 1;
      return copy;
    });
    const otherKey = bytes.slice();
    otherKey.set(forger.publicKeyBytes(), publicKeyAt);
    for (const candidate of [...forged, otherKey]) {
      await assert.rejects(readBundle(candidate), isCode('BUNDLE_SIGNATURE_INVALID'));
      await assert.rejects(importBundle(target.replicator, candidate, { join: true }), isCode('BUNDLE_SIGNATURE_INVALID'));
    }
    assert.deepEqual(await entriesOf(target.store), []);
    assert.deepEqual(target.replicator.festivals(), []);
  });

  test('truncated, random, mutated and foreign bytes: only ever BUNDLE_INVALID (or BUNDLE_SIGNATURE_INVALID for a readable bundle that was changed)', async () => {
    const source = await festivalSource();
    const bytes = await exportBundle(source.replicator, [source.festival], exporter);
    const target = await replicatingPeer();
    const onlyInvalid = isCode('BUNDLE_INVALID');

    for (let length = 0; length < bytes.length; length += length < 200 ? 1 : 97) await assert.rejects(readBundle(bytes.subarray(0, length)), onlyInvalid);
    await assert.rejects(importBundle(target.replicator, bytes.subarray(0, bytes.length - 1)), onlyInvalid);
    // Trailing bytes, another magic, another version, not bytes at all.
    const trailing = new Uint8Array(bytes.length + 1);
    trailing.set(bytes);
    await assert.rejects(readBundle(trailing), onlyInvalid);
    const magic = bytes.slice();
    magic[2]! ^= 0x20; // 'panda-kit/bundle' -> 'Panda-kit/bundle'
    await assert.rejects(readBundle(magic), onlyInvalid);
    const version = bytes.slice();
    assert.equal(version[18], 1);
    version[18] = 2;
    await assert.rejects(readBundle(version), (error) => onlyInvalid(error) && /version 2/.test((error as Error).message));
    await assert.rejects(readBundle('not bytes' as unknown as Uint8Array), onlyInvalid);
    await assert.rejects(readBundle(new Encoder().encode({ magic: 'panda-kit/bundle' })), onlyInvalid);

    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (random) => {
        await assert.rejects(readBundle(random), onlyInvalid);
      }),
      { numRuns: 300 },
    );
    // A random byte changed anywhere: the bundle breaks, or its signature does.
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), async (position, xor) => {
        const copy = bytes.slice();
        copy[position]! ^= xor;
        await assert.rejects(
          readBundle(copy),
          (error) => isPandaError(error) && (error.code === 'BUNDLE_INVALID' || error.code === 'BUNDLE_SIGNATURE_INVALID'),
        );
      }),
      { numRuns: 200 },
    );
    assert.deepEqual(await entriesOf(target.store), []);
  });

  test('a validly signed bundle whose contents are malformed is BUNDLE_INVALID', async () => {
    const cbor = new Encoder({ useRecords: false, tagUint8Array: false, structuredClone: false, mapsAsObjects: false, variableMapSize: true });
    const festival = hashBytes(new Uint8Array([1]));
    const sign = async (payload: unknown, festivals: unknown[] = [festival], createdAt: unknown = 1) => {
      const bytes = new Uint8Array(
        cbor.encode(['panda-kit/bundle', 1, festivals, createdAt, exporter.publicKeyBytes(), cbor.encode(payload), new Uint8Array(64)]),
      );
      bytes.set(await exporter.sign(hashBytes(bytes.subarray(0, bytes.length - 66))), bytes.length - 64);
      return bytes;
    };
    // The construction is right: an empty bundle reads.
    assert.deepEqual((await readBundle(await sign([]))).entries, []);
    const invalid = isCode('BUNDLE_INVALID');
    await assert.rejects(readBundle(await sign([[1, 2]])), invalid);
    await assert.rejects(readBundle(await sign([[new Uint8Array(3)]])), invalid);
    await assert.rejects(readBundle(await sign({ entries: [] })), invalid);
    await assert.rejects(readBundle(await sign([[new Uint8Array(1000), new Uint8Array(3)]])), invalid);
    await assert.rejects(readBundle(await sign([], [])), invalid);
    await assert.rejects(readBundle(await sign([], [festival, festival])), invalid);
    await assert.rejects(readBundle(await sign([], [new Uint8Array(34)])), invalid);
    await assert.rejects(readBundle(await sign([], [festival], -1)), invalid);
    await assert.rejects(readBundle(await sign([], [festival], 1.5)), invalid);
  });

  test('entries in any order still import: each waits for what it builds on', async () => {
    const source = await festivalSource();
    const { entries } = await readBundle(await exportBundle(source.replicator, [source.festival], exporter));
    const expected = await expectedHashes(source);
    for (const order of [[...entries].reverse(), shuffle([...entries], mulberry32(1)), shuffle([...entries], mulberry32(2))]) {
      const target = await replicatingPeer();
      const result = await importBundle(target.replicator, await rebundle(source, order));
      assert.deepEqual([result.stored, result.pending, result.rejected.length], [entries.length, 0, 0]);
      assert.equal(target.replicator.pendingCount, 0);
      assert.deepEqual(await entriesOf(target.store), expected);
    }
  });

  test('an entry whose predecessor is in neither the store nor the bundle is reported as pending', async () => {
    const source = await festivalSource();
    const { entries } = await readBundle(await exportBundle(source.replicator, [source.festival], exporter));
    // Drop the first entry of the talk's log (its CREATE): its update cannot follow.
    const gone = entries.findIndex(({ entry }) => generateHash(entry) === source.talk);
    const target = await replicatingPeer();
    const result = await importBundle(
      target.replicator,
      await rebundle(
        source,
        entries.filter((_, i) => i !== gone),
      ),
    );
    assert.deepEqual([result.stored, result.pending, result.rejected.length], [entries.length - 2, 1, 0]);
    // Once the missing entry comes (here: the full bundle), the waiting one follows.
    const full = await importBundle(target.replicator, await rebundle(source, entries));
    assert.equal(full.stored, 1);
    assert.equal(target.replicator.pendingCount, 0);
    assert.deepEqual(await entriesOf(target.store), await expectedHashes(source));
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}
