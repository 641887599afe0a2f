/**
 * Reading QR codes off camera frames, for "Scan QR codes" (./qr-scan.ts): the platform's
 * BarcodeDetector where it reads QR codes (Chrome on Android and macOS, Safari), otherwise
 * jsQR, loaded with `import()` only then, into a chunk of its own.
 *
 * Why jsQR: plain JavaScript with no dependencies, no WebAssembly, no worker file and
 * nothing fetched from elsewhere (an extension page may load only its own files, and store
 * reviews refuse remote code), a pure function from pixels to text that runs anywhere, and
 * the most used QR reader on npm. Its last release is from 2021: the QR standard has not
 * moved since. zxing-wasm and the BarcodeDetector polyfill built on it fetch a WebAssembly
 * file (from a CDN by default) and weigh about a megabyte; nimiq's qr-scanner wraps its own
 * copy of jsQR in a worker it loads from a separate file.
 */

/** Whatever a frame is read from: the camera's video, or a canvas in tests. */
export type FrameSource = HTMLVideoElement | HTMLCanvasElement;

/** The texts of the QR codes seen in one frame (none: nothing readable). */
export type QrDecoder = (source: FrameSource) => Promise<string[]>;

/** The part of BarcodeDetector used here (not in TypeScript's DOM types yet). */
interface BarcodeDetectorLike {
  detect(source: FrameSource): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/** Frames are read at most this wide: a QR code filling a phone's view needs no more, and jsQR's time grows with the pixels. */
const MAX_FRAME_WIDTH = 800;

/** The platform's detector, if it has one that reads QR codes. */
async function platformDecoder(scope: { BarcodeDetector?: BarcodeDetectorClass }): Promise<QrDecoder | undefined> {
  const Detector = scope.BarcodeDetector;
  if (typeof Detector !== 'function') return undefined;
  try {
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return undefined;
    const detector = new Detector({ formats: ['qr_code'] });
    return async (source) => (await detector.detect(source)).map((code) => code.rawValue);
  } catch {
    // A detector that exists but cannot run here (no image library on the system).
    return undefined;
  }
}

type JsQr = (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: 'dontInvert' | 'attemptBoth' }) => { data: string } | null;

/** jsQR is CommonJS with an `exports.default`: bundlers hand out either the function or the module object. */
async function loadJsQr(): Promise<JsQr> {
  const loaded = (await import('jsqr')) as unknown as { default: JsQr | { default: JsQr } };
  const decode = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
  if (typeof decode !== 'function') throw new Error('jsQR did not load');
  return decode;
}

/**
 * jsQR over a frame drawn (scaled down if wide) into a canvas of its own. jsQR misses a code
 * at some sizes (how its sampling grid falls on the modules): where it finds none, it looks
 * again at three quarters of the size, which finds most of those.
 */
export async function jsQrDecoder(): Promise<QrDecoder> {
  const decode = await loadJsQr();
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('No 2D canvas to read camera frames from');
  const read = (source: FrameSource, width: number, height: number) => {
    canvas.width = Math.round(width);
    canvas.height = Math.round(height);
    context.drawImage(source, 0, 0, canvas.width, canvas.height);
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    // Codes on a screen are dark on light: looking for inverted ones too would halve the frames read.
    return decode(data, canvas.width, canvas.height, { inversionAttempts: 'dontInvert' });
  };
  return async (source) => {
    const width = source instanceof HTMLVideoElement ? source.videoWidth : source.width;
    const height = source instanceof HTMLVideoElement ? source.videoHeight : source.height;
    if (width === 0 || height === 0) return [];
    const scale = Math.min(1, MAX_FRAME_WIDTH / width);
    const found = read(source, width * scale, height * scale) ?? read(source, width * scale * 0.75, height * scale * 0.75);
    return found ? [found.data] : [];
  };
}

/** The platform's detector where there is one for QR codes, else jsQR. */
export async function qrDecoder(
  scope: { BarcodeDetector?: BarcodeDetectorClass } = globalThis as never,
): Promise<{ decode: QrDecoder; by: 'platform' | 'jsqr' }> {
  const platform = await platformDecoder(scope);
  return platform ? { decode: platform, by: 'platform' } : { decode: await jsQrDecoder(), by: 'jsqr' };
}
