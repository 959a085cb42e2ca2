/**
 * The one queue and the one retry policy per remote host (DESIGN §4, invariant 5).
 * Concurrency and request rate come from p-queue; retries with exponential backoff and
 * jitter from p-retry; a `Retry-After` pauses the whole host, not one task.
 */
import PQueue from 'p-queue';
import pRetry from 'p-retry';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { setMaxListeners } from 'node:events';
import { RemoteError, isRetryable } from '../errors.js';

export interface PacerOptions {
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Requests started per second; 0 = unlimited (default 10). */
  ratePerSecond?: number;
  /** Retries per request after the first attempt (default 5). */
  retries?: number;
  /** First backoff delay (default 500 ms); doubles each retry, randomised ×1–2. */
  minBackoffMs?: number;
  /** Backoff ceiling (default 60 s). */
  maxBackoffMs?: number;
  signal?: AbortSignal;
  /** Called before each retry (for stats and logs). */
  onRetry?: (info: { label: string; attempt: number; error: unknown; retryAfterMs: number | undefined }) => void;
}

export interface RunOptions {
  /**
   * False for calls that must not be re-sent when the server may have applied them
   * (uploads): such a failure is returned to the caller, which re-lists the remote first.
   */
  idempotent?: boolean;
}

/**
 * Spacing slack: a server counting arrivals in a sliding 1 s window sees our requests with a few
 * ms of jitter, so exact 1/rate spacing puts every (rate+1)-th arrival on the window's edge and
 * draws 429s. 2% absorbs 20 ms of jitter at 20 requests/s (benchmark row 3).
 */
const RATE_HEADROOM = 1.02;

/**
 * p-queue settings for `rate` starts per second, spread evenly: one start per 1/rate s up to
 * 100/s, small bursts above (timers cannot space starts much finer than ~10 ms). One burst of
 * `rate` per second instead made a sliding-window limiter answer 429 and Retry-After stalled
 * the queue (row 3 measured 70% of the allowed rate).
 */
export function rateWindow(rate: number): { intervalCap: number; interval: number; strict: true } {
  const intervalCap = Math.max(1, Math.floor(rate / 100));
  return { intervalCap, interval: ((1000 * intervalCap) / rate) * RATE_HEADROOM, strict: true };
}

/** Monotonic milliseconds: immune to wall-clock jumps. */
const monotonicNow = (): number => performance.now();

export class Pacer {
  private readonly queue: PQueue;
  private readonly options: Required<Omit<PacerOptions, 'signal' | 'onRetry'>> & Pick<PacerOptions, 'signal' | 'onRetry'>;
  private notBefore = 0;
  private resumeTimer: NodeJS.Timeout | undefined;
  /** Retries performed so far. */
  retries = 0;

  constructor(options: PacerOptions = {}) {
    this.options = {
      concurrency: options.concurrency ?? 4,
      ratePerSecond: options.ratePerSecond ?? 10,
      retries: options.retries ?? 5,
      minBackoffMs: options.minBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      signal: options.signal,
      onRetry: options.onRetry,
    };
    // Every queued request listens on the run's abort signal; thousands are normal here.
    if (options.signal) setMaxListeners(0, options.signal);
    const rate = this.options.ratePerSecond;
    this.queue = new PQueue({
      concurrency: this.options.concurrency,
      ...(rate > 0 ? rateWindow(rate) : {}),
    });
  }

  /** Retries allowed per request (`--retries`); also bounds the look-ups of uploads that may have applied. */
  get retryLimit(): number {
    return this.options.retries;
  }

  /** Tasks waiting plus tasks running. */
  get depth(): number {
    return this.queue.size + this.queue.pending;
  }

  /** Milliseconds until the host may be called again (0 when not paused). */
  get pausedForMs(): number {
    return Math.max(0, this.notBefore - monotonicNow());
  }

  /** Hold every request to this host for `delayMs` (a Retry-After). Never shortens a longer pause. */
  pauseFor(delayMs: number): void {
    const until = monotonicNow() + delayMs;
    if (until <= this.notBefore) return;
    this.notBefore = until;
    this.queue.pause();
    clearTimeout(this.resumeTimer);
    // Not unref'd: during a pause this timer may be the only thing keeping the run alive.
    this.resumeTimer = setTimeout(() => this.queue.start(), Math.ceil(delayMs));
  }

  /** Run one request through the queue, retried per the policy. */
  run<T>(label: string, task: () => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    const idempotent = runOptions.idempotent ?? true;
    const willRetry = (error: unknown): boolean =>
      isRetryable(error) && (idempotent || !(error instanceof RemoteError && error.mayHaveApplied));
    return pRetry(
      () => this.queue.add(async () => {
        // A task dequeued just before a pause still waits for it.
        for (let wait = this.pausedForMs; wait > 0; wait = this.pausedForMs) await sleep(Math.ceil(wait));
        this.options.signal?.throwIfAborted();
        return task();
        // With the signal, tasks still waiting in the queue are dropped at once on abort.
      }, this.options.signal ? { signal: this.options.signal } : {}),
      {
        retries: this.options.retries,
        factor: 2,
        minTimeout: this.options.minBackoffMs,
        maxTimeout: this.options.maxBackoffMs,
        randomize: true,
        ...(this.options.signal ? { signal: this.options.signal } : {}),
        onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
          const retryAfterMs = error instanceof RemoteError ? error.retryAfterMs : undefined;
          if (retryAfterMs !== undefined) this.pauseFor(retryAfterMs);
          if (retriesLeft > 0 && willRetry(error)) {
            this.retries += 1;
            this.options.onRetry?.({ label, attempt: attemptNumber, error, retryAfterMs });
          }
        },
        shouldRetry: ({ error }) => willRetry(error),
      },
    );
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }

  /** Stop taking queued work (in-flight requests finish). */
  stop(): void {
    this.queue.pause();
    this.queue.clear();
    clearTimeout(this.resumeTimer);
  }
}
