/**
 * The line of requests waiting for their start under a rate (host-pacer.ts): one request at a
 * time, the head, waits for its moment; the others wait, in arrival order, to become the head.
 * The head's wait ends early when the rate rises, so it can recompute its moment: moments
 * reserved ahead for every waiter at the old rate kept a slow start that began at 10 req/s at
 * 10 req/s for over a second (BENCHMARKS.md, ninth session).
 */

interface Place {
  admit: () => void;
}

export class StartLine {
  private headTaken = false;
  private readonly waiting: Place[] = [];
  private wakeHead: (() => void) | undefined;

  /** Resolves once this caller is the head of the line; rejects with the signal's reason when it aborts first. */
  enter(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.headTaken) {
      this.headTaken = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.waiting.indexOf(place);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal!.reason);
      };
      const place: Place = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.waiting.push(place);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The head leaves (it started, or gave up): the next in line becomes the head. */
  leave(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.headTaken = false;
    else next.admit();
  }

  /** The head waits `ms`, or less when `wake()` is called meanwhile; rejects with the signal's reason on abort. */
  nap(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.wakeHead === wakeUp) this.wakeHead = undefined;
      };
      const wakeUp = (): void => {
        finish();
        resolve();
      };
      const onAbort = (): void => {
        finish();
        reject(signal!.reason);
      };
      const timer = setTimeout(wakeUp, Math.max(0, Math.ceil(ms)));
      this.wakeHead = wakeUp;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** End the head's nap now (its moment may have moved closer). */
  wake(): void {
    this.wakeHead?.();
  }

  /** Callers waiting to become the head. */
  get waitingBehindHead(): number {
    return this.waiting.length;
  }
}
