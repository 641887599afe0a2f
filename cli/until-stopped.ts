/**
 * How the long-running commands (`panda serve`, `panda bot`) wait: until `signal` aborts, or,
 * without one (the real command), until Ctrl-C or SIGTERM; `stop` ends the wait from inside.
 */
export function untilStopped(signal: AbortSignal | undefined): { stopped: Promise<void>; stop: () => void } {
  let stop = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
    if (signal?.aborted) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
    if (!signal) {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }
  });
  return { stopped, stop };
}
