/**
 * How much of a day `<panda-schedule>` draws per frame: a day of hundreds of events is drawn
 * from its morning on, a slice a frame, so that no single task keeps the page from scrolling
 * or answering a tap. The first slice is small (the day appears at once); the next ones are
 * sized by how long the last update took, so that a fast device draws the day in a few
 * frames and a slow one still answers between them.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Events drawn in the first frame of a day. */
export const FIRST_SLICE = 40;
/** The most events added in one frame. */
const LARGEST_SLICE = 400;
/** What one slice's update may take (ms): well within a long task's 50. */
const SLICE_MS = 16;

export class DrawBudget implements ReactiveController {
  /** How many events are drawn so far, and for which day and view (`key`) and filter. */
  #drawn: { key: string; filter: object; count: number } = { key: '', filter: {}, count: 0 };
  #drawMore: ReturnType<typeof setTimeout> | undefined;
  #slice = FIRST_SLICE;
  #updateStarted = 0;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  hostUpdate(): void {
    this.#updateStarted = performance.now();
  }

  hostUpdated(): void {
    // The next slice in proportion to what this update cost (an update redraws what is drawn too).
    const took = Math.max(1, performance.now() - this.#updateStarted);
    this.#slice = Math.round(Math.min(LARGEST_SLICE, Math.max(FIRST_SLICE, (this.#slice * SLICE_MS) / took)));
  }

  hostDisconnected(): void {
    clearTimeout(this.#drawMore);
    this.#drawMore = undefined;
  }

  /** The events to draw of `total` now (another key or filter starts over); asks for the next slice in a later frame. */
  limit(key: string, filter: object, total: number): number {
    if (this.#drawn.key !== key || this.#drawn.filter !== filter) this.#drawn = { key, filter, count: FIRST_SLICE };
    if (this.#drawn.count < total && this.#drawMore === undefined) {
      this.#drawMore = setTimeout(() => {
        this.#drawMore = undefined;
        this.#drawn.count += this.#slice;
        this.host.requestUpdate();
      });
    }
    return this.#drawn.count;
  }
}
