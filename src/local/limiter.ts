/**
 * A minimal concurrency limiter for the scanner's hot path: one closure per task and an
 * array queue with a moving head, so 100,000 queued tasks cost O(n), not O(n²).
 */

/** Runs async tasks with at most `max` in flight; a finishing task hands its slot straight to the next waiter. */
export class Limiter {
  private readonly max: number;
  private active = 0;
  private waiting: Array<() => void> = [];
  private head = 0;

  /** `max` is clamped to at least 1. */
  constructor(max: number) {
    this.max = Math.max(1, Math.floor(max) || 1);
  }

  /** Run `task` when a slot is free; resolves or rejects with the task's own outcome. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.max) this.active++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head];
      this.waiting[this.head] = noop; // drop the reference so the closure can be collected
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      next?.(); // the slot passes to the waiter: `active` stays as it is
    } else {
      this.active--;
    }
  }
}

const noop = (): void => undefined;
