/** A sleep until a given time that an event can cut short: the watch loop's wait between passes. */
import { setTimeout as sleep } from 'node:timers/promises';

export class WakeAlarm {
  #wake: (() => void) | undefined;

  /** Resolve at `time` (ms since the epoch), or earlier when `wake()` is called meanwhile. */
  async sleepUntil(time: number): Promise<void> {
    const delay = Math.max(0, Math.min(time - Date.now(), 2 ** 31 - 1));
    const controller = new AbortController();
    await Promise.race([
      sleep(delay, undefined, { signal: controller.signal }).catch(() => undefined),
      new Promise<void>((resolve) => { this.#wake = resolve; }),
    ]);
    controller.abort();
    this.#wake = undefined;
  }

  /** End the current sleep now (nothing happens when none runs). */
  wake(): void {
    this.#wake?.();
  }
}
