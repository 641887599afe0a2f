/**
 * QR codes in Chromium with the built extension, end to end through the camera. Profile B
 * has Lakeside from a festival file; profile A then adds four events, and shows only what
 * B's "what I have" text lacks as QR codes. Each code A's page shows is drawn, as it is on
 * A's screen, into a frame of a Y4M video; B runs Chromium's fake camera on that video
 * (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture`), with no network
 * to A at all, and scans in its planner. In the video part 2 comes twice, part 3 is missing
 * from the first round and comes after the last, and two codes that are none of this set
 * appear between: a part of A's whole-festival set and a web link. B counts each part once
 * ("2 of 5 parts"), names the part still to come, says why the stray codes are refused,
 * stops the camera once all are in, previews the delta in words, stores nothing until "Add
 * to my copy", and then lists A's events.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { qrSvg } from '../../core/replication/qr.js';
import { addEvent, eventsShown, lakesideWithStage, skip, tab, withExtension, type Person } from './e2e-planner-support.js';
import { builtExtension } from './e2e-support.js';

const WIDTH = 640;
const HEIGHT = 480;
/** Frames a second; each code stays eight frames (1.6 s), so the reader (about eight tries a second) sees it many times, even on a busy machine. */
const FPS = 5;
const HOLD = 8;

/**
 * In the page: an SVG image (a data: URL, as the planner shows its codes) drawn on white as
 * a camera frame, whole pixels per module, centred; its luma (BT.601), base64.
 */
const FRAME_OF = String.raw`async ({ src, width, height }) => {
  const image = new Image();
  image.src = src;
  await image.decode();
  const total = Number(/viewBox="0 0 (\d+)/.exec(decodeURIComponent(src.slice(src.indexOf(',') + 1)))[1]);
  const size = Math.floor((height - 32) / total) * total;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, width, height);
  context.imageSmoothingEnabled = false;
  context.drawImage(image, (width - size) >> 1, (height - size) >> 1, size, size);
  const rgba = context.getImageData(0, 0, width, height).data;
  let binary = '';
  for (let i = 0; i < width * height; i++) binary += String.fromCharCode(Math.round(0.299 * rgba[4 * i] + 0.587 * rgba[4 * i + 1] + 0.114 * rgba[4 * i + 2]));
  return btoa(binary);
}`;

/** One camera frame of the code in `src`, drawn in `page`. */
async function frameOf(page: Page, src: string): Promise<Buffer> {
  const luma = Buffer.from(await page.evaluate<string>(`(${FRAME_OF})(${JSON.stringify({ src, width: WIDTH, height: HEIGHT })})`), 'base64');
  assert.equal(luma.length, WIDTH * HEIGHT);
  return luma;
}

const blank = () => Buffer.alloc(WIDTH * HEIGHT, 255);
/** A frame `frames` times over: what the camera sees for that long. */
const hold = (luma: Buffer, frames = HOLD) => Array<Buffer>(frames).fill(luma);

/** A Y4M video (4:2:0, full range, as `C420jpeg` says): per frame its luma, then both chroma planes at 128, grey. */
function y4m(frames: Buffer[]): Buffer {
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F${FPS}:1 Ip A1:1 C420jpeg\n`);
  return Buffer.concat([header, ...frames.flatMap((luma) => [Buffer.from('FRAME\n'), luma, chroma])]);
}

/** The codes the planner's QR display shows, one frame each, stepping through them by hand. */
async function capturedParts(planner: Page): Promise<Buffer[]> {
  const show = planner.locator('panda-planner-qr-show');
  await show.locator('[data-qr-pause]').click();
  const label = show.locator('[data-qr-part]');
  const count = Number(/^Part \d+ of (\d+)$/.exec((await label.innerText()).trim())![1]);
  const frames: Buffer[] = [];
  for (let part = 1; part <= count; part++) {
    // Paused at part 1; then "Next code" after each.
    assert.equal((await label.innerText()).trim(), `Part ${part} of ${count}`);
    frames.push(await frameOf(planner, (await show.locator('[data-qr-image]').getAttribute('src'))!));
    await show.locator('[data-qr-next]').click();
  }
  return frames;
}

/**
 * In the page, before "Scan QR codes": every camera stream it opens, kept to look at; and,
 * once the reader is there, each change of what it says, in order.
 */
const WATCH_CAMERA = `(() => {
  window.streams = [];
  if (window.watchingCamera) return;
  window.watchingCamera = true;
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => { const stream = await open(constraints); window.streams.push(stream); return stream; };
})()`;
const WATCH_READER = `(() => {
  const find = (root) => {
    for (const element of root.querySelectorAll('*')) {
      if (element.localName === 'panda-planner-qr-scan') return element;
      const inner = element.shadowRoot && find(element.shadowRoot);
      if (inner) return inner;
    }
  };
  const reader = find(document);
  window.said = [];
  const text = (selector) => reader.shadowRoot.querySelector(selector)?.textContent.trim() ?? '';
  const note = () => {
    const now = { progress: text('[data-scan-progress]'), missing: text('[data-scan-missing]'), message: text('[data-scan-message]') };
    const last = window.said.at(-1);
    if (!last || last.progress !== now.progress || last.missing !== now.missing || last.message !== now.message) window.said.push(now);
  };
  note();
  new MutationObserver(note).observe(reader.shadowRoot, { subtree: true, childList: true, characterData: true });
})()`;

describe('QR codes carry a delta from one planner to another through the camera', { skip, timeout: 600_000 }, () => {
  let a: Person;
  let b: Person;
  const dir = mkdtempSync(join(tmpdir(), 'panda-kit-qr-'));
  // B's fake camera plays this file; it is written once A shows its codes (the camera opens it then).
  const video = join(dir, 'codes.y4m');

  before(async () => {
    const extension = await builtExtension('chrome');
    const camera = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`];
    [a, b] = await Promise.all([withExtension('qr-a', extension), withExtension('qr-b', extension, { args: camera })]);
  });
  after(async () => {
    await a?.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  test('B scans what it lacks off A’s screen: repeats and stray codes handled, the missing part waited for, then previewed and added', async (t) => {
    const planner = a.planner;
    const festivalId = await lakesideWithStage(a);
    await tab(planner, 'events');
    await addEvent(planner, 'Opening', '2026-07-10T18:00', '2026-07-10T19:00');

    // B gets the festival as it is now, as a file.
    await tab(planner, 'festivals');
    const downloading = planner.waitForEvent('download', { timeout: 20_000 });
    await planner.locator(`[data-file-festival="${festivalId}"] [data-export-festival]`).click();
    const file = join(dir, 'Lakeside.panda');
    await (await downloading).saveAs(file);
    const other = b.planner;
    await other.locator('[data-festival-file-input]').setInputFiles(file);
    await other.locator('[data-add-file]').click();
    await other.locator(`li[data-festival="${festivalId}"]`).waitFor({ timeout: 20_000 });
    assert.equal((await eventsShown(other)).length, 1);

    // A goes on; B says what it has; A shows only what B lacks.
    await tab(planner, 'events');
    const more = 'Bring something to sit on; the lawn is wet in the morning and the talks go on for a while.';
    await addEvent(planner, 'Night set', '2026-07-10T22:00', '2026-07-11T01:00', more);
    await addEvent(planner, 'Breakfast talk', '2026-07-11T09:00', '2026-07-11T10:00', more);
    await addEvent(planner, 'Swim across', '2026-07-11T11:00', '2026-07-11T12:00', more);
    await addEvent(planner, 'Closing circle', '2026-07-12T20:00', '2026-07-12T21:00', more);
    const shownA = await eventsShown(planner);
    assert.equal(shownA.length, 5);
    await tab(other, 'festivals');
    await other.locator(`[data-file-festival="${festivalId}"] [data-festival-heights]`).click();
    const have = await other.locator('textarea[data-heights-text]').inputValue();
    assert.match(have, /^panda-have:1:/);

    await tab(planner, 'festivals');
    // First the whole festival: a set of another series, whose first code strays into the video.
    await planner.locator(`[data-file-festival="${festivalId}"] [data-show-qr]`).click();
    const show = planner.locator('panda-planner-qr-show');
    assert.match(await show.locator('h3').innerText(), /^Lakeside: the whole festival$/);
    await show.locator('[data-qr-pause]').click();
    const stray = await frameOf(planner, (await show.locator('[data-qr-image]').getAttribute('src'))!);
    await show.locator('[data-qr-done]').click();
    await planner.locator('[data-export-since]').fill(have);
    await planner.locator(`[data-file-festival="${festivalId}"] [data-show-qr]`).click();
    assert.match(await show.locator('h3').innerText(), /^Lakeside: what they miss$/);
    const parts = await capturedParts(planner);
    const count = parts.length;
    assert.ok(count >= 4 && count <= 16, `the delta of four events takes ${count} codes`);
    t.diagnostic(`the delta of four events: ${count} QR codes`);
    const link = await frameOf(planner, `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg('https://example.org/tickets/42'))}`);

    const frames = [
      ...hold(blank(), 2 * FPS),
      ...hold(parts[0]!),
      ...hold(parts[1]!),
      ...hold(blank(), 2),
      ...hold(parts[1]!),
      ...hold(stray),
      ...hold(link),
      ...parts.slice(3).flatMap((luma) => hold(luma)),
      ...hold(blank(), 2 * FPS),
      ...hold(parts[2]!),
      ...hold(blank(), 2 * FPS),
    ];
    writeFileSync(video, y4m(frames));

    // B, which never had a network, scans.
    await other.evaluate(WATCH_CAMERA);
    await other.locator('[data-scan-qr]').click();
    await other.locator('panda-planner-qr-scan').waitFor();
    await other.evaluate(WATCH_READER);
    const words = other.locator('[data-preview-words]');
    await words.waitFor({ timeout: 120_000 });

    const said = await other.evaluate<Array<{ progress: string; missing: string; message: string }>>('window.said');
    const progress = said.map((step) => step.progress).filter((text, i, all) => text !== all[i - 1]);
    assert.deepEqual(
      progress.filter((text) => !/^(Starting the camera…|Looking for QR codes…)$/.test(text)),
      [...Array.from({ length: count - 1 }, (_, i) => `${i + 1} of ${count} parts`), `All ${count} parts are in.`],
      'each part counted once, in the order they came; the repeat and the strays not at all',
    );
    const missing = said.filter((step) => step.progress === `${count - 1} of ${count} parts`).map((step) => step.missing);
    assert.ok(missing.includes('Still to come: part 3.'), `the part still to come named: ${JSON.stringify(missing)}`);
    const messages = said.map((step) => step.message).filter((text) => text !== '');
    assert.ok(
      messages.some((text) => /^That QR code belongs to another set \((a single code|\d+ codes)\), not to the \d+ you are reading\./.test(text)),
      JSON.stringify(messages),
    );
    assert.ok(
      messages.some((text) => text === 'That QR code is not a Panda Kit festival code; it was skipped.'),
      JSON.stringify(messages),
    );
    assert.deepEqual(
      await other.evaluate('window.streams.flatMap((stream) => stream.getTracks().map((track) => track.readyState))'),
      ['ended'],
      'the camera is off',
    );
    assert.match(await other.locator('[data-qr-scan] [data-scan-progress]').innerText(), new RegExp(`^All ${count} parts are in\\.$`));

    assert.match(await words.innerText(), /^Adds 4 new events(, \d+ decisions?)? — from Mira$/);
    assert.match(await other.locator('[data-file-preview]').innerText(), /^What you scanned: Lakeside\n/);
    const health = other.locator(`li[data-festival="${festivalId}"]`);
    assert.match(await health.innerText(), /\b1 event\b/, 'nothing added before the person says so');
    await other.locator('[data-add-file]').click();
    await other.locator('[data-festival-files] [role="status"]', { hasText: 'Added 4 new events' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(await eventsShown(other), shownA);
  });

  test('cancelling the reader stops the camera; nothing is read or stored', async () => {
    writeFileSync(video, y4m(hold(blank(), FPS)));
    const other = b.planner;
    await tab(other, 'festivals');
    await other.evaluate(WATCH_CAMERA);
    await other.locator('[data-scan-qr]').click();
    const reader = other.locator('panda-planner-qr-scan');
    // The camera's picture is shown once the camera is on.
    await reader.locator('video').waitFor({ timeout: 20_000 });
    assert.deepEqual(await other.evaluate('window.streams.flatMap((stream) => stream.getTracks().map((track) => track.readyState))'), ['live']);
    await reader.locator('[data-scan-cancel]').click();
    await reader.waitFor({ state: 'detached' });
    assert.deepEqual(await other.evaluate('window.streams[0].getTracks().map((track) => track.readyState)'), ['ended']);
    assert.equal(await other.locator('[data-file-preview]').count(), 0);
  });
});
