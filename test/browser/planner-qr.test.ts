/// <reference types="mocha" />
/**
 * The Festival files card's QR codes in a Chromium page, against a fake background: "Show
 * as QR codes" (what is asked, "Part 1 of 4", stepping and pausing, too many codes said in
 * words), "Scan QR codes" through a fake camera and a fake BarcodeDetector (the platform's
 * reader, which Chromium on Linux lacks): progress, repeats not counted, stray codes refused
 * in words, the camera stopped, the same preview as a file and nothing stored before "Add to
 * my copy"; a camera that is refused; and jsQR, the reader used without BarcodeDetector,
 * reading a code the planner draws.
 */
import { expect } from 'chai';
import { base64 } from '@scure/base';
import { bundleToQrTexts, qrSvg } from '../../core/replication/qr.js';
import { definePlannerElements } from '../../extension/planner/define.js';
import type { PandaPlannerFiles } from '../../extension/planner/files/panda-planner-files.js';
import { jsQrDecoder, qrDecoder } from '../../extension/planner/files/qr-decoder.js';
import { shownQrTexts } from '../../extension/planner/files/qr-show.js';
import type { PlannerStateController } from '../../extension/planner/lib/planner-state.js';
import type { FestivalFilePreview } from '../../extension/shared/festival-file-protocol.js';
import type { PlannerState } from '../../extension/shared/planner-protocol.js';
import { alerts, deepQuery, deepQueryAll, deepText, waitFor } from './ui-support.js';

definePlannerElements();

const FEST = '0020' + 'f0'.repeat(32);
const HAVE = 'panda-have:1:' + FEST + ':gA';

/** Bytes that stand for a bundle: the card and the reader never look inside. */
function bundleBytes(size: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 31 + seed * 7) % 251);
}

const PREVIEW: FestivalFilePreview = {
  words: 'Adds 4 new events — from Mira',
  festivals: [{ id: FEST, name: 'Lakeside', held: true }],
  from: 'Mira',
  publicKey: 'a1'.repeat(32),
  createdAt: 0,
  events: { added: 4, changed: 0 },
  resources: { added: 0, changed: 0 },
  decisions: 0,
  entries: 4,
  waiting: 0,
};

/** The card with one festival, over a background that answers `answers[method]` and records every call. */
async function mountCard(answers: Record<string, (params: Record<string, unknown>) => unknown>) {
  const calls: Array<{ method: string; params: Record<string, unknown> }> = [];
  const live = {
    request: async (method: string, params: Record<string, unknown> = {}) => {
      calls.push({ method, params });
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer(params);
    },
  } as unknown as PlannerStateController;
  const card = document.createElement('panda-planner-files') as PandaPlannerFiles;
  card.state = { festivals: [{ id: FEST, name: 'Lakeside' }] } as unknown as PlannerState;
  card.live = live;
  document.body.append(card);
  mounted.push(card);
  await card.updateComplete;
  return { card, calls, of: (method: string) => calls.filter((call) => call.method === method).map((call) => call.params) };
}

const mounted: HTMLElement[] = [];
const restore: Array<() => void> = [];
afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
  for (const undo of restore.splice(0)) undo();
});

/** `navigator.mediaDevices.getUserMedia` answered by `open` until the test ends. */
function fakeCamera(open: () => Promise<MediaStream>): void {
  const real = navigator.mediaDevices.getUserMedia;
  navigator.mediaDevices.getUserMedia = open;
  restore.push(() => (navigator.mediaDevices.getUserMedia = real));
}

/** A camera picture: a canvas's stream, whose tracks say whether they were stopped. */
function canvasStream(): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  canvas.getContext('2d')!.fillRect(0, 0, 64, 48);
  return canvas.captureStream(5);
}

/** A platform BarcodeDetector that sees, frame after frame, what `show` queued (then nothing). */
function fakeDetector(): { reads: () => number; show: (...frames: string[][]) => void } {
  let reads = 0;
  const frames: string[][] = [];
  class FakeBarcodeDetector {
    static async getSupportedFormats() {
      return ['qr_code', 'ean_13'];
    }
    constructor(options: { formats: string[] }) {
      expect(options.formats).to.deep.equal(['qr_code']);
    }
    async detect() {
      reads++;
      return (frames.shift() ?? []).map((rawValue) => ({ rawValue }));
    }
  }
  const scope = globalThis as { BarcodeDetector?: unknown };
  scope.BarcodeDetector = FakeBarcodeDetector;
  restore.push(() => delete scope.BarcodeDetector);
  return { reads: () => reads, show: (...more) => frames.push(...more) };
}

const text = (root: ParentNode, selector: string) => deepText(deepQuery(root, selector)).trim();

describe('Festival files as QR codes', () => {
  it('shows what the pasted “what I have” text lacks as codes labelled “Part 1 of 4”, stepped and paused by hand', async () => {
    const bytes = bundleBytes(1000, 1);
    const { card, of } = await mountCard({
      planner_exportFestival: () => ({ fileName: 'Lakeside update.panda', data: base64.encode(bytes), bytes: bytes.length }),
    });
    const since = deepQuery<HTMLTextAreaElement>(card, '[data-export-since]');
    since.value = HAVE;
    since.dispatchEvent(new Event('input'));
    deepQuery(card, '[data-show-qr]').click();
    await waitFor(() => deepQueryAll(card, '[data-qr-show]').length > 0, 'the codes');
    expect(of('planner_exportFestival')).to.deep.equal([{ festivalId: FEST, since: HAVE }]);
    const show = deepQuery(card, 'panda-planner-qr-show');
    expect(text(show, 'h3')).to.equal('Lakeside: what they miss');
    expect(text(show, '[data-qr-part]')).to.equal('Part 1 of 4');
    const image = deepQuery<HTMLImageElement>(show, '[data-qr-image]');
    expect(image.alt).to.equal('QR code, Part 1 of 4');
    expect(decodeURIComponent(image.src)).to.equal(`data:image/svg+xml;charset=utf-8,${qrSvg(shownQrTexts(bytes)[0]!)}`);
    expect(text(show, '[data-qr-summary]')).to.equal('4 codes; at 3 a second one round takes 2 seconds.');

    const settle = () => (show as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    deepQuery(show, '[data-qr-previous]').click();
    await settle();
    expect(text(show, '[data-qr-part]')).to.equal('Part 4 of 4');
    expect(text(show, '[data-qr-pause]')).to.equal('Go on', 'stepping pauses');
    deepQuery(show, '[data-qr-next]').click();
    deepQuery(show, '[data-qr-next]').click();
    await settle();
    expect(text(show, '[data-qr-part]')).to.equal('Part 2 of 4');
    expect(decodeURIComponent(deepQuery<HTMLImageElement>(show, '[data-qr-image]').src)).to.include(qrSvg(shownQrTexts(bytes)[1]!));
    const pace = deepQuery<HTMLSelectElement>(show, '[data-qr-pace]');
    pace.value = '1000';
    pace.dispatchEvent(new Event('change'));
    await settle();
    expect(text(show, '[data-qr-summary]')).to.equal('4 codes; at 1 a second one round takes 4 seconds.');
    // Going on: the codes change on their own.
    deepQuery(show, '[data-qr-pause]').click();
    pace.value = '250';
    pace.dispatchEvent(new Event('change'));
    await waitFor(() => text(show, '[data-qr-part]') !== 'Part 2 of 4', 'the next code, on its own');
    deepQuery(show, '[data-qr-done]').click();
    await card.updateComplete;
    expect(deepQueryAll(card, '[data-qr-show]')).to.have.length(0);
  });

  it('says in words when an export needs too many codes, and suggests only what is missing or a file', async () => {
    const bytes = bundleBytes(60_000, 2);
    const { card } = await mountCard({ planner_exportFestival: () => ({ fileName: 'Lakeside.panda', data: base64.encode(bytes), bytes: bytes.length }) });
    deepQuery(card, '[data-show-qr]').click();
    await waitFor(() => alerts(card).length > 0, 'the note');
    const count = shownQrTexts(bytes).length;
    expect(alerts(card)[0]).to.equal(
      `All of Lakeside needs ${count} QR codes: too many to read one after another (at most 60). Paste their “what I have” text to show only what they miss, or export a festival file and pass that on.`,
    );
    expect(deepQueryAll(card, '[data-qr-show]')).to.have.length(0);
  });

  it('scans with the platform’s detector: each part counted once, strays refused in words, the camera stopped, then the same preview; stored only on “Add to my copy”', async () => {
    const bytes = bundleBytes(1600, 3);
    const texts = bundleToQrTexts(bytes);
    expect(texts).to.have.length(3);
    const [stray] = bundleToQrTexts(bundleBytes(100, 4));
    const detector = fakeDetector();
    detector.show([], [texts[0]!], [texts[0]!], [texts[2]!], ['https://example.org/tickets/42']);
    const stream = canvasStream();
    fakeCamera(async () => stream);
    const { card, of } = await mountCard({
      planner_previewFestivalFile: () => PREVIEW,
      planner_importFestivalFile: () => ({ words: 'Added 4 new events', festivals: [FEST], stored: 4 }),
    });
    deepQuery(card, '[data-scan-qr]').click();
    await waitFor(() => deepQueryAll(card, '[data-scan-message]').length > 0, 'the link refused', 5000);
    const reader = deepQuery(card, 'panda-planner-qr-scan');
    expect(text(reader, '[data-scan-progress]')).to.equal('2 of 3 parts', 'the repeat not counted');
    expect(text(reader, '[data-scan-missing]')).to.equal('Still to come: part 2.');
    expect(text(reader, '[data-scan-message]')).to.equal('That QR code is not a Panda Kit festival code; it was skipped.');
    expect(stream.getTracks().map((track) => track.readyState)).to.deep.equal(['live']);
    // A code of another set, then the missing part.
    const before = detector.reads();
    detector.show([stray!]);
    await waitFor(() => detector.reads() > before + 1, 'the stray read');
    await (reader as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(text(reader, '[data-scan-message]')).to.equal(
      'That QR code belongs to another set (a single code), not to the 3 you are reading. Keep the camera on one screen, or start over to read the other set.',
    );
    expect(text(reader, '[data-scan-progress]')).to.equal('2 of 3 parts');
    expect(of('planner_previewFestivalFile')).to.deep.equal([]);
    detector.show([texts[1]!]);
    await waitFor(() => deepQueryAll(card, '[data-preview-words]').length > 0, 'the preview');
    expect(text(reader, '[data-scan-progress]')).to.equal('All 3 parts are in.');
    expect(deepQueryAll(reader, '[data-scan-message]')).to.have.length(0);
    expect(stream.getTracks().map((track) => track.readyState)).to.deep.equal(['ended'], 'the camera is off');
    expect(of('planner_previewFestivalFile')).to.deep.equal([{ data: base64.encode(bytes), name: 'What you scanned' }]);
    expect(deepQuery(card, '[data-file-preview]').innerText.replace(/\s+/g, ' ').trim()).to.equal(
      'What you scanned: Lakeside Adds 4 new events — from Mira Add to my copy Cancel',
    );
    expect(of('planner_importFestivalFile')).to.deep.equal([]);
    deepQuery(card, '[data-add-file]').click();
    await waitFor(() => of('planner_importFestivalFile').length === 1, 'the import');
    expect(of('planner_importFestivalFile')).to.deep.equal([{ data: base64.encode(bytes), name: 'What you scanned' }]);
    await waitFor(() => deepQueryAll(card, 'panda-planner-qr-scan').length === 0, 'the reader closed once added');
  });

  it('a camera that is not allowed is said in words, and can be tried again', async () => {
    fakeDetector();
    let asked = 0;
    fakeCamera(async () => {
      asked++;
      throw new DOMException('Permission denied', 'NotAllowedError');
    });
    const { card } = await mountCard({});
    deepQuery(card, '[data-scan-qr]').click();
    await waitFor(() => alerts(card).length > 0, 'the refusal');
    expect(alerts(card)[0]).to.equal('The camera is not allowed for Panda Kit. Allow it in the browser’s settings for this extension, then try again.');
    deepQuery(card, '[data-scan-retry]').click();
    await waitFor(() => asked === 2, 'the second try');
  });

  it('without BarcodeDetector, jsQR reads a code as the planner draws it', async () => {
    const { by } = await qrDecoder({});
    expect(by).to.equal('jsqr');
    const [part] = shownQrTexts(bundleBytes(250, 5));
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg(part!))}`;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 480;
    canvas.getContext('2d')!.drawImage(image, 0, 0, 480, 480);
    const decode = await jsQrDecoder();
    expect(await decode(canvas)).to.deep.equal([part]);
    expect(await decode(document.createElement('canvas'))).to.deep.equal([], 'a blank frame');
  });
});
