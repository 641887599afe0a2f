/**
 * The clock and timers the network runs on. Every class of peer/ that waits takes a
 * `timers` option, so a test can drive time itself; the default is the globals, looked up at
 * each call (fake timers installed later are used too).
 */
export interface Timers {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  /** Accepts `undefined` (no timer) and handles of timers that already fired. */
  clearTimeout(handle: unknown): void;
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

type Handle = ReturnType<typeof setTimeout>;

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as Handle | undefined),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle as Handle | undefined),
};
