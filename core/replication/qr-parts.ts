/**
 * Putting a bundle back together from its QR codes (./qr.ts), part by part, as a camera
 * reads them off another screen that shows them one after another, over and over: parts
 * come in any order, most of them many times, and now and then a code that is not one of
 * them (another person's screen nearby, a poster's link). `QrPartCollector` takes each
 * text a camera reads and says what it made of it, without throwing: a new part, a repeat
 * (ignored), or refused with a stable code. The first part read fixes the series; the
 * bundle is only handed out once every part is in and the whole hashes to that series.
 * Nothing here stores anything: the caller verifies and imports the bundle.
 */
import { PandaError } from '../errors.js';
import { MAX_QR_PARTS, qrSeriesOf, readQrText, type QrReadFailure } from './qr.js';

/**
 * Why the collector did not take a text: not a part (`QR_NOT_PANDA`, `QR_PART_MISREAD`,
 * from ./qr.ts), a part of another series than the one being collected (`QR_PART_FOREIGN`),
 * or one that claims this series but contradicts a part already taken (`QR_PART_CONFLICT`:
 * the same part with other data, or another count; one of them was altered).
 */
export type QrPartRefusal =
  QrReadFailure | { code: 'QR_PART_FOREIGN'; message: string; series: string; count: number } | { code: 'QR_PART_CONFLICT'; message: string };

/** What `QrPartCollector.add` made of a text: `received` counts the distinct parts in so far. */
export type QrPartScan = { outcome: 'added' | 'repeat'; index: number; count: number; received: number } | ({ outcome: 'refused' } & QrPartRefusal);

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

export class QrPartCollector {
  private series: string | undefined;
  private total: number | undefined;
  private readonly parts = new Map<number, Uint8Array>();

  /** Takes one scanned text. */
  add(text: unknown): QrPartScan {
    const part = readQrText(text);
    if ('code' in part) return { outcome: 'refused', ...part };
    const { series, index, count, data } = part;
    if (this.series === undefined) {
      this.series = series;
      this.total = count;
    } else if (series !== this.series) {
      return {
        outcome: 'refused',
        code: 'QR_PART_FOREIGN',
        message: `Part ${index} of another series (${count} parts) than the one being read`,
        series,
        count,
      };
    } else if (count !== this.total) {
      return { outcome: 'refused', code: 'QR_PART_CONFLICT', message: `A part of this series says it has ${count} parts, not ${this.total}` };
    }
    const seen = this.parts.get(index);
    if (seen) {
      if (!sameBytes(seen, data)) return { outcome: 'refused', code: 'QR_PART_CONFLICT', message: `Part ${index} was read twice, differently` };
      return { outcome: 'repeat', index, count, received: this.parts.size };
    }
    this.parts.set(index, data);
    return { outcome: 'added', index, count, received: this.parts.size };
  }

  /** How many parts the series has; undefined before the first part. */
  get count(): number | undefined {
    return this.total;
  }

  /** How many distinct parts are in. */
  get received(): number {
    return this.parts.size;
  }

  get complete(): boolean {
    return this.total !== undefined && this.parts.size === this.total;
  }

  /** The parts still to come, in order (all of them before the first). */
  missing(): number[] {
    const missing: number[] = [];
    for (let index = 1; index <= (this.total ?? 0); index++) if (!this.parts.has(index)) missing.push(index);
    return missing;
  }

  /**
   * The bundle, its parts in order. BUNDLE_INVALID while parts are missing, or when the
   * whole does not hash to its series (a part was altered and its checksum made to match).
   */
  bundle(): Uint8Array {
    if (this.total === undefined) throw new PandaError('BUNDLE_INVALID', 'No QR codes given');
    const missing = this.missing();
    if (missing.length > 0) {
      const listed = `${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', ...' : ''}`;
      throw new PandaError('BUNDLE_INVALID', `Missing part${missing.length > 1 ? 's' : ''} ${listed} of ${this.total}`);
    }
    let size = 0;
    for (const data of this.parts.values()) size += data.length;
    const bytes = new Uint8Array(size);
    let offset = 0;
    for (let index = 1; index <= this.total; index++) {
      const data = this.parts.get(index)!;
      bytes.set(data, offset);
      offset += data.length;
    }
    if (qrSeriesOf(bytes) !== this.series) throw new PandaError('BUNDLE_INVALID', 'The QR codes do not add up to the bundle they were made from');
    return bytes;
  }

  /** Forgets everything, to read another series. */
  reset(): void {
    this.series = undefined;
    this.total = undefined;
    this.parts.clear();
  }
}

/**
 * Reassembles a bundle from its QR texts, in any order; the same part scanned twice is
 * fine. BUNDLE_INVALID if a text is not an intact part, a part is missing, or parts are of
 * different series or contradict each other.
 */
export function qrTextsToBundle(texts: string[]): Uint8Array {
  if (!Array.isArray(texts) || texts.length === 0) throw new PandaError('BUNDLE_INVALID', 'No QR codes given');
  if (texts.length > 4 * MAX_QR_PARTS) throw new PandaError('BUNDLE_INVALID', 'Too many QR codes');
  const collector = new QrPartCollector();
  for (const text of texts) {
    const scan = collector.add(text);
    if (scan.outcome === 'refused') throw new PandaError('BUNDLE_INVALID', scan.message);
  }
  return collector.bundle();
}
