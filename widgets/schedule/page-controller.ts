/**
 * What `<panda-schedule>` follows of the page around it: the URL hash (deep links), printing
 * (beforeprint/afterprint), its own width (narrow elements show the list instead of the
 * grid) and the clock (a redraw every 30 s moves the now-line and "now and next").
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface PageWatch {
  /** Narrower than this (px), the element counts as narrow. */
  narrowWidth: number;
  hashChanged(): void;
  printing(printing: boolean): void;
  /** Whether the element counts as narrow now. */
  isNarrow(): boolean;
  narrow(narrow: boolean): void;
  tick(): void;
}

export class PageController implements ReactiveController {
  #resize: ResizeObserver | undefined;
  #clock: ReturnType<typeof setInterval> | undefined;
  readonly #onHash = () => this.watch.hashChanged();
  readonly #onPrint = (event: Event) => this.watch.printing(event.type === 'beforeprint');

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly watch: PageWatch,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    window.addEventListener('hashchange', this.#onHash);
    window.addEventListener('beforeprint', this.#onPrint);
    window.addEventListener('afterprint', this.#onPrint);
    this.#resize = new ResizeObserver(([entry]) => {
      const width = entry?.contentRect.width ?? 0;
      const narrow = width < this.watch.narrowWidth;
      // Next frame: changing the layout inside the observer's callback would loop.
      if (width > 0 && narrow !== this.watch.isNarrow()) requestAnimationFrame(() => this.watch.narrow(narrow));
    });
    this.#resize.observe(this.host);
    this.#clock = setInterval(() => this.watch.tick(), 30_000);
  }

  hostDisconnected(): void {
    window.removeEventListener('hashchange', this.#onHash);
    window.removeEventListener('beforeprint', this.#onPrint);
    window.removeEventListener('afterprint', this.#onPrint);
    this.#resize?.disconnect();
    clearInterval(this.#clock);
  }
}
