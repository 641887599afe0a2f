import { PandaError } from '../errors.js';
import { MAX_FRAME_SIZE, type Transport } from './transport.js';

/**
 * How a link delivers each frame: call `deliver` now, later, twice or never. The default
 * delivers every frame in order on the next microtask, like a reliable channel.
 */
export type FrameScheduler = (deliver: () => void, frame: Uint8Array, from: string) => void;

const inOrder: FrameScheduler = (deliver) => queueMicrotask(deliver);

class MemoryTransport implements Transport {
  onFrame: ((frame: Uint8Array) => void) | undefined;
  onClose: (() => void) | undefined;
  other: MemoryTransport | undefined;
  #closed = false;

  constructor(
    readonly localId: string,
    readonly remoteId: string,
    private readonly schedule: FrameScheduler,
  ) {}

  get bufferedAmount(): number {
    return 0;
  }

  send(frame: Uint8Array): void {
    if (this.#closed) throw new PandaError('TRANSPORT_CLOSED', 'The link is closed');
    if (frame.length > MAX_FRAME_SIZE) throw new PandaError('INPUT_INVALID', `Frames are at most ${MAX_FRAME_SIZE} bytes`);
    const copy = frame.slice();
    const target = this.other!;
    this.schedule(
      () => {
        if (!target.#closed) target.onFrame?.(copy);
      },
      copy,
      this.localId,
    );
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onClose?.();
    this.other?.close();
  }
}

/**
 * Two transports joined in memory: peers in one process, and the simulation tests (whose
 * scheduler drops, repeats, reorders and delays frames).
 */
export function memoryLink(a: string, b: string, schedule: FrameScheduler = inOrder): [Transport, Transport] {
  const left = new MemoryTransport(a, b, schedule);
  const right = new MemoryTransport(b, a, schedule);
  left.other = right;
  right.other = left;
  return [left, right];
}
