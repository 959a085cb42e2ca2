/**
 * The drain's "stop taking new work" for the pacer, from outside it: requests still waiting in
 * the queue (not yet sent) fail at once when the gate closes, requests already sent finish.
 * Without it a drain would wait for every queued request to get its rate-limited turn.
 */
import type { Pacer } from '../executor/pacer.js';

/** Closes once; wraps pacers so their queued-but-unsent requests reject with `reason` on close. */
export class DrainGate {
  private closedWith: Error | undefined;
  private readonly waiting = new Set<(reason: Error) => void>();

  /** True once closed. */
  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Refuse new requests and fail every queued one with `reason`. */
  close(reason: Error): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    for (const reject of this.waiting) reject(reason);
    this.waiting.clear();
  }

  /** `pacer` with `run` gated; everything else passes through. */
  wrap(pacer: Pacer): Pacer {
    const gatedRun = <T>(label: string, task: () => Promise<T>, options?: Parameters<Pacer['run']>[2]): Promise<T> => this.run(pacer, label, task, options);
    return new Proxy(pacer, {
      get(target, property) {
        if (property !== 'run') {
          const value: unknown = Reflect.get(target, property, target);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        }
        return gatedRun;
      },
    });
  }

  private run<T>(pacer: Pacer, label: string, task: () => Promise<T>, options: Parameters<Pacer['run']>[2]): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    let sent = false;
    let reject: (reason: Error) => void = () => undefined;
    const refused = new Promise<never>((_, rejectRefused) => { reject = rejectRefused; });
    const onClose = (reason: Error): void => {
      if (!sent) reject(reason);
    };
    this.waiting.add(onClose);
    const running = pacer.run(label, () => {
      // Dequeued after the close: send nothing.
      if (this.closedWith && !sent) return Promise.reject(this.closedWith);
      sent = true;
      return task();
    }, options);
    running.catch(() => undefined);
    refused.catch(() => undefined);
    return Promise.race([running, refused]).finally(() => this.waiting.delete(onClose));
  }
}
