/** Time slices for what the in-page peer does in steps on the page's thread (building the model). */
import { nextTask } from '../shared/dom.js';

/**
 * For work done in steps on the page's thread: call the result between steps; once
 * `sliceMs` have passed since the last yield, it yields to the event loop (a task later),
 * else it returns undefined and the work goes on at once. 12 ms stays well within a long
 * task's 50 with room for what the page does between slices.
 */
export function timeSlices(sliceMs = 12): () => Promise<void> | undefined {
  let sliceStarted = performance.now();
  return () => {
    if (performance.now() - sliceStarted < sliceMs) return undefined;
    return nextTask().then(() => {
      sliceStarted = performance.now();
    });
  };
}
