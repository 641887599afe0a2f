/**
 * Virtual time for the overlay simulator: events run in time order (ties in the order they
 * were scheduled), on a binary heap, so a million events cost seconds, not minutes.
 */
interface Event {
  at: number;
  seq: number;
  run: () => void;
}

export class VirtualTime {
  now = 0;
  #seq = 0;
  readonly #heap: Event[] = [];

  /** Runs `run` `delay` ms from now. */
  after(delay: number, run: () => void): void {
    this.#push({ at: this.now + Math.max(0, delay), seq: this.#seq++, run });
  }

  /** Runs events until the next is later than `until`; time is `until` then. */
  runUntil(until: number): void {
    for (;;) {
      const next = this.#heap[0];
      if (!next || next.at > until) break;
      this.#pop();
      this.now = next.at;
      next.run();
    }
    this.now = until;
  }

  #less(a: Event, b: Event): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(event: Event): void {
    const heap = this.#heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.#less(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.#less(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
