/**
 * Bundles as series of QR codes: the part texts (qr.ts), drawn as SVG, and put back
 * together part by part as a camera reads them (qr-parts.ts): in any order, repeats
 * ignored, codes of another series or of nothing of ours refused with stable codes, and the
 * bundle handed out only once every part is in and the whole hashes to its series.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import QRCode from 'qrcode';
import { base64urlnopad } from '@scure/base';
import { bytesToHex } from '../../core/bytes.js';
import { hashingReady, isPandaError } from '../../core/index.js';
import { hashBytes } from '../../core/hash/hash.js';
import { bundleHeights, exportBundle, importBundle, readBundle } from '../../core/replication/bundle.js';
import { QrPartCollector, qrTextsToBundle } from '../../core/replication/qr-parts.js';
import { bundleToQrTexts, DEFAULT_QR_CHARS, parseQrText, qrSeriesOf, qrSvg, readQrText } from '../../core/replication/qr.js';
import { HOUR, keyOf, mulberry32, replicatingPeer, shuffle, T0 } from './festival-support.js';

const exporter = keyOf(0x70);

const isCode = (code: string) => (error: unknown) => {
  assert.ok(isPandaError(error), `a PandaError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

/** A festival with a stage and `events` events (titles and a line of description, as people write them). */
async function festivalWith(events: number) {
  await hashingReady();
  const peer = await replicatingPeer();
  const organiser = keyOf(1);
  const festival = await peer.node.createFestival(organiser, { name: 'Lakeside', start: T0, end: T0 + 72 * HOUR });
  const stage = await peer.node.createResource(organiser, { festival: festival.documentId, title: 'Main stage', kind: 'location', policy: 'manual' });
  for (let i = 0; i < events; i++) await addEvent(peer, festival.documentId, stage.documentId, i);
  await peer.replicator.idle();
  return { ...peer, festival: festival.documentId, stage: stage.documentId };
}

async function addEvent(peer: Awaited<ReturnType<typeof replicatingPeer>>, festival: string, stage: string, i: number) {
  await peer.node.createEvent(keyOf(2 + (i % 5)), {
    festival,
    title: `Workshop ${i + 1}: screen printing for beginners`,
    description: 'Bring a T-shirt or a tote bag; inks and frames are there.',
    start: T0 + (10 + i) * HOUR,
    end: T0 + (11 + i) * HOUR,
    resources: [stage],
    createdAt: T0 + 200 + i,
  });
}

const bundleOf = async (events: number) => {
  const source = await festivalWith(events);
  return exportBundle(source.replicator, [source.festival], exporter);
};

/** A part text whose checksum is made to match whatever it holds: what a forger can do. */
function forgedPart(series: string, index: number, count: number, data: Uint8Array): string {
  const encoded = base64urlnopad.encode(data);
  const sum = bytesToHex(hashBytes(new TextEncoder().encode(`PK2:${series}:${index}/${count}:${encoded}`)).subarray(2, 6));
  return `PK2:${series}:${index}/${count}:${sum}:${encoded}`;
}

describe('QR code texts', () => {
  test('parts round-trip in any order, read more than once; each fits a QR code a phone reads', async () => {
    const bytes = await bundleOf(6);
    const texts = bundleToQrTexts(bytes);
    assert.ok(texts.length > 1);
    const series = qrSeriesOf(bytes);
    for (const [i, text] of texts.entries()) {
      assert.ok(text.length <= DEFAULT_QR_CHARS, `part ${i + 1} has ${text.length} characters`);
      assert.match(text, new RegExp(`^PK2:${series}:${i + 1}/${texts.length}:[0-9a-f]{8}:[A-Za-z0-9_-]+$`));
      assert.ok(QRCode.create(text, { errorCorrectionLevel: 'M' }).version <= 23);
      assert.deepEqual({ ...parseQrText(text), data: undefined }, { series, index: i + 1, count: texts.length, data: undefined });
    }
    const random = mulberry32(3);
    for (let round = 0; round < 5; round++) {
      const scanned = shuffle([...texts, texts[round % texts.length]!, ` ${texts[0]!}\n`], random);
      assert.deepEqual(qrTextsToBundle(scanned), bytes);
    }
    // Smaller codes: more of them, the same bundle.
    const small = bundleToQrTexts(bytes, { maxChars: 120 });
    assert.ok(small.length > texts.length && small.every((text) => text.length <= 120));
    assert.deepEqual(qrTextsToBundle(shuffle([...small], random)), bytes);
    assert.deepEqual(qrTextsToBundle(bundleToQrTexts(bytes, { maxChars: 2331 })), bytes);
    assert.throws(() => bundleToQrTexts(bytes, { maxChars: 10 }), isCode('INPUT_INVALID'));
    assert.throws(() => bundleToQrTexts(new Uint8Array(0)), isCode('INPUT_INVALID'));
  });

  test('a missing part, a misread character, parts of another series or contradicting parts: BUNDLE_INVALID', async () => {
    const bytes = await bundleOf(6);
    const texts = bundleToQrTexts(bytes);
    const invalid = isCode('BUNDLE_INVALID');
    assert.throws(
      () => qrTextsToBundle(texts.slice(1)),
      (error) => invalid(error) && /^Missing part 1 of \d+$/.test((error as Error).message),
    );
    assert.throws(() => qrTextsToBundle(texts.slice(0, -1)), invalid);
    assert.throws(() => qrTextsToBundle([]), invalid);
    // One character flipped anywhere in any part.
    const random = mulberry32(11);
    for (let round = 0; round < 200; round++) {
      const part = Math.floor(random() * texts.length);
      const text = texts[part]!;
      const at = Math.floor(random() * text.length);
      const replacement = 'A0z_-:/9'.replace(text[at]!, '')[Math.floor(random() * 7)]!;
      const flipped = text.slice(0, at) + replacement + text.slice(at + 1);
      assert.throws(() => qrTextsToBundle(texts.map((item, i) => (i === part ? flipped : item))), invalid, `part ${part}, character ${at}`);
    }
    // Another bundle, split into as many parts: its last part is of another series.
    const other = bundleToQrTexts(bytes.map((byte, i) => (i === bytes.length - 1 ? byte ^ 1 : byte)));
    assert.equal(other.length, texts.length);
    assert.throws(
      () => qrTextsToBundle([...texts.slice(0, -1), other.at(-1)!]),
      (error) => invalid(error) && /another series/.test((error as Error).message),
    );
    // A forged last part (its checksum made to match): the whole no longer hashes to its series.
    const series = qrSeriesOf(bytes);
    const { index, count, data } = parseQrText(texts.at(-1)!);
    const forged = forgedPart(
      series,
      index,
      count,
      data.map((byte, i) => (i === 0 ? byte ^ 1 : byte)),
    );
    assert.throws(
      () => qrTextsToBundle([...texts.slice(0, -1), forged]),
      (error) => invalid(error) && /do not add up/.test((error as Error).message),
    );
    assert.throws(
      () => qrTextsToBundle([...texts, forged]),
      (error) => invalid(error) && /twice, differently/.test((error as Error).message),
    );
    for (const junk of [
      '',
      'PK2',
      'PK1:1/1:00000000:AA',
      `PK2:${series}:0/1:00000000:AA`,
      `PK2:${series}:2/1:00000000:AA`,
      'PK2:1/1:00000000:AA',
      'https://example.org',
    ])
      assert.throws(() => qrTextsToBundle([junk]), invalid, junk);
    assert.throws(() => qrTextsToBundle([42 as unknown as string]), invalid);
    // What the bundle's own checks still catch once the parts add up.
    await assert.doesNotReject(readBundle(qrTextsToBundle(texts)));
  });

  test("qrSvg draws exactly the modules of qrcode's matrix, with no DOM", async () => {
    const [text] = bundleToQrTexts(await bundleOf(1));
    const svg = qrSvg(text!);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1"[^>]*>.*<\/svg>$/);
    const { modules } = QRCode.create(text!, { errorCorrectionLevel: 'M' });
    const total = Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
    assert.equal(total, modules.size + 8);
    assert.equal(Number(/data-modules="(\d+)"/.exec(svg)![1]), modules.size);
    // Redraw the matrix from the path: every dark module, and nothing else.
    const drawn = new Uint8Array(modules.size * modules.size);
    const d = /<path[^>]* d="([^"]*)"/.exec(svg)![1]!;
    for (const [, x, y, run] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
      for (let i = 0; i < Number(run); i++) drawn[(Number(y) - 4) * modules.size + Number(x) - 4 + i]! += 1;
    }
    assert.equal(d.replace(/M(\d+) (\d+)h(\d+)v1h-\3z/g, ''), '');
    for (let row = 0; row < modules.size; row++)
      for (let col = 0; col < modules.size; col++) assert.equal(drawn[row * modules.size + col], modules.get(row, col) ? 1 : 0);
    assert.match(qrSvg('PK2', { margin: 0, dark: '#123', light: 'white' }), /viewBox="0 0 21 21".*fill="white".*fill="#123"/);
    assert.throws(() => qrSvg('x', { dark: '"/><script>' }), isCode('INPUT_INVALID'));
    assert.throws(() => qrSvg('x'.repeat(5000)), isCode('INPUT_INVALID'));
  });

  test("qr.ts and qr-parts.ts bundle for the browser from qrcode's browser build: no Node modules, and they run", async () => {
    const { build } = await import('esbuild');
    const result = await build({
      stdin: { contents: "export * from './core/replication/qr.ts'; export * from './core/replication/qr-parts.ts';", resolveDir: process.cwd(), loader: 'ts' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'qr',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    // (A worktree's node_modules may be a link elsewhere: the path's end is what counts.)
    assert.ok(
      inputs.some((input) => input.endsWith('node_modules/qrcode/lib/browser.js')),
      'the browser field is used',
    );
    for (const input of inputs) assert.doesNotMatch(input, /qrcode\/lib\/server|pngjs|renderer\/png|node:/, input);
    const { runInNewContext } = await import('node:vm');
    const code = result.outputFiles[0]!.text;
    const context: Record<string, unknown> = { TextEncoder, TextDecoder, crypto: globalThis.crypto, WebAssembly, setTimeout, console };
    const [text] = bundleToQrTexts(new Uint8Array([1, 2, 3]));
    runInNewContext(
      `${code};globalThis.svg = qr.qrSvg(${JSON.stringify(text)}); globalThis.scan = new qr.QrPartCollector().add(${JSON.stringify(text)});`,
      context,
    );
    assert.match(String(context.svg), /^<svg /);
    assert.deepEqual({ ...(context.scan as object) }, { outcome: 'added', index: 1, count: 1, received: 1 });
  });
});

describe('reading a series part by part', () => {
  test('each scan in words of codes: added, repeat (not counted), foreign, not ours, misread, conflicting', async () => {
    const bytes = await bundleOf(6);
    const texts = bundleToQrTexts(bytes);
    const count = texts.length;
    assert.ok(count >= 3, `${count} parts`);
    const otherBundle = await bundleOf(1);
    const otherTexts = bundleToQrTexts(otherBundle);
    const [foreign] = otherTexts;
    const collector = new QrPartCollector();
    assert.deepEqual([collector.count, collector.received, collector.complete, collector.missing()], [undefined, 0, false, []]);
    assert.throws(() => collector.bundle(), isCode('BUNDLE_INVALID'));

    assert.deepEqual(collector.add(texts[1]), { outcome: 'added', index: 2, count, received: 1 });
    assert.deepEqual(collector.add(` ${texts[1]!}\n`), { outcome: 'repeat', index: 2, count, received: 1 });
    assert.deepEqual(collector.missing(), [1, ...Array.from({ length: count - 2 }, (_, i) => i + 3)]);
    const refused = collector.add(foreign);
    assert.deepEqual(
      { ...refused, message: undefined },
      {
        outcome: 'refused',
        code: 'QR_PART_FOREIGN',
        message: undefined,
        series: qrSeriesOf(otherBundle),
        count: otherTexts.length,
      },
    );
    assert.equal(collector.add('https://example.org/tickets/42').outcome, 'refused');
    assert.equal((collector.add('https://example.org/tickets/42') as { code: string }).code, 'QR_NOT_PANDA');
    assert.equal((collector.add(42) as { code: string }).code, 'QR_NOT_PANDA');
    const misread = texts[0]!.slice(0, -1) + (texts[0]!.endsWith('A') ? 'B' : 'A');
    assert.equal((collector.add(misread) as { code: string }).code, 'QR_PART_MISREAD');
    const { series, index, data } = parseQrText(texts[1]!);
    assert.equal(
      (
        collector.add(
          forgedPart(
            series,
            index,
            count,
            data.map((byte) => byte ^ 0xff),
          ),
        ) as { code: string }
      ).code,
      'QR_PART_CONFLICT',
    );
    assert.equal((collector.add(forgedPart(series, 1, count + 1, data)) as { code: string }).code, 'QR_PART_CONFLICT');
    assert.equal(collector.received, 1, 'nothing refused was taken');

    for (const text of texts.slice(2)) collector.add(text);
    assert.deepEqual([collector.received, collector.complete, collector.missing()], [count - 1, false, [1]]);
    assert.throws(
      () => collector.bundle(),
      (error) => isCode('BUNDLE_INVALID')(error) && /^Missing part 1 of/.test((error as Error).message),
    );
    assert.deepEqual(collector.add(texts[0]), { outcome: 'added', index: 1, count, received: count });
    assert.ok(collector.complete);
    assert.deepEqual(collector.bundle(), bytes);

    collector.reset();
    assert.deepEqual(collector.add(foreign), { outcome: 'added', index: 1, count: otherTexts.length, received: 1 });
    for (const text of otherTexts.slice(1)) collector.add(text);
    assert.deepEqual(collector.bundle(), otherBundle);
  });

  test('any order of scans, with repeats and stray codes between: counted once each, the bundle exactly once all are in', async () => {
    const bytes = await bundleOf(4);
    const texts = bundleToQrTexts(bytes, { maxChars: 200 });
    const strays = [...bundleToQrTexts(await bundleOf(0), { maxChars: 200 }), 'WIFI:S:Lakeside;;', 'PK2:deadbeef:1/2:00000000:AA'];
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.nat(texts.length - 1).map((i) => texts[i]!),
            fc.constantFrom(...strays),
          ),
          { maxLength: 60 },
        ),
        fc.integer(),
        (scans, seed) => {
          const collector = new QrPartCollector();
          // The series is fixed by the first part read: start with one of ours.
          collector.add(texts[Math.abs(seed) % texts.length]);
          const seen = new Set([Math.abs(seed) % texts.length]);
          for (const text of [...scans, ...shuffle([...texts], mulberry32(seed))]) {
            const scan = collector.add(text);
            const ours = texts.indexOf(text);
            if (ours < 0) assert.equal(scan.outcome, 'refused');
            else {
              assert.equal(scan.outcome, seen.has(ours) ? 'repeat' : 'added');
              seen.add(ours);
            }
            assert.equal(collector.received, seen.size);
            assert.equal(collector.complete, seen.size === texts.length);
          }
          assert.deepEqual(collector.bundle(), bytes);
        },
      ),
      { numRuns: 100 },
    );
  });

  test('readQrText tells any other code from a misread one of ours', () => {
    const [text] = bundleToQrTexts(new Uint8Array(300).fill(7));
    assert.equal((readQrText('MECARD:N:Mira;;') as { code: string }).code, 'QR_NOT_PANDA');
    assert.equal((readQrText(text!.replace(/:([0-9a-f]{8}):(?=[A-Za-z0-9_-]+$)/, ':00000000:')) as { code: string }).code, 'QR_PART_MISREAD');
    assert.equal((readQrText(`${text!} `.repeat(20)) as { code: string }).code, 'QR_NOT_PANDA');
  });
});

describe('how many QR codes a delta takes', () => {
  for (const events of [10, 100]) {
    test(`a delta of ${events} new events`, async (t) => {
      const source = await festivalWith(0);
      const target = await replicatingPeer();
      await importBundle(target.replicator, await exportBundle(source.replicator, [source.festival], exporter), { join: true });
      for (let i = 0; i < events; i++) await addEvent(source, source.festival, source.stage, i);
      await source.replicator.idle();
      const since = await bundleHeights(target.replicator, [source.festival]);
      const delta = await exportBundle(source.replicator, [source.festival], exporter, { since });
      const texts = bundleToQrTexts(delta);
      // The planner shows codes of 400 characters (extension/planner/files/qr-show.ts).
      const smaller = bundleToQrTexts(delta, { maxChars: 400 });
      t.diagnostic(
        `delta of ${events} new events: ${delta.length} bytes, ${texts.length} QR codes of at most ${DEFAULT_QR_CHARS} characters, ${smaller.length} of at most 400`,
      );
      // About 600 bytes of bundle per code, and an event with its entry a few hundred bytes.
      assert.ok(texts.length <= Math.ceil(delta.length / 570), `${texts.length} QR codes`);
      const collector = new QrPartCollector();
      for (const text of shuffle([...texts], mulberry32(events))) collector.add(text);
      const result = await importBundle(target.replicator, collector.bundle());
      assert.equal(result.stored, events);
    });
  }
});
