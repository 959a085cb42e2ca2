/**
 * The one queue and the one retry policy per remote host (DESIGN §4, invariant 5).
 * A Pacer is one session's handle on its host's HostPacer (shared through a PacerPool by every
 * mirror of the process): concurrency, rate and `Retry-After` pauses are the host's; retries
 * with exponential backoff and jitter (p-retry), the abort signal and the retry count are the
 * session's.
 */
import pRetry from 'p-retry';
import { setMaxListeners } from 'node:events';
import { RemoteError, isRetryable } from '../errors.js';
import { HostPacer, type RateSetting } from './host-pacer.js';
import type { RateConfig } from './rate-controller.js';
import type { ThroughputLimit } from './throughput-limit.js';

export { RATE_HEADROOM, type LearnedRate, type RateSetting } from './host-pacer.js';

export interface PacerOptions {
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Requests started per second: a number pins it, 0 = unlimited, 'auto' finds the server's limit (default). */
  ratePerSecond?: RateSetting;
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

const STOPPED = (): Error => Object.assign(new Error('pacer stopped'), { name: 'AbortError' });

export class Pacer {
  readonly host: HostPacer;
  private readonly options: Required<Pick<PacerOptions, 'retries' | 'minBackoffMs' | 'maxBackoffMs'>> & Pick<PacerOptions, 'onRetry'>;
  private readonly stopper = new AbortController();
  private readonly signal: AbortSignal;
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  /** Retries performed so far. */
  retries = 0;

  /** A pacer of its own host, or (from a PacerPool) a handle on a shared one. */
  constructor(options: PacerOptions = {}, host?: HostPacer) {
    this.host = host ?? new HostPacer({ concurrency: options.concurrency ?? 4, rate: options.ratePerSecond ?? 'auto' });
    this.options = {
      retries: options.retries ?? 5,
      minBackoffMs: options.minBackoffMs ?? 500,
      maxBackoffMs: options.maxBackoffMs ?? 60_000,
      onRetry: options.onRetry,
    };
    this.signal = options.signal ? AbortSignal.any([options.signal, this.stopper.signal]) : this.stopper.signal;
    // Every queued request listens on the run's abort signal; thousands are normal here.
    setMaxListeners(0, this.signal);
    if (options.signal) setMaxListeners(0, options.signal);
  }

  /** Retries allowed per request (`--retries`); also bounds the look-ups of uploads that may have applied. */
  get retryLimit(): number {
    return this.options.retries;
  }

  /** This session's requests waiting plus running. */
  get depth(): number {
    return this.active;
  }

  /** Milliseconds until the host may be called again (0 when not paused). */
  get pausedForMs(): number {
    return this.host.pausedForMs;
  }

  /** What limits throughput to this host right now. */
  get throughputLimit(): ThroughputLimit {
    return this.host.throughputLimit();
  }

  /** Hold every request to this host for `delayMs` (a Retry-After). Never shortens a longer pause. */
  pauseFor(delayMs: number): void {
    this.host.pauseFor(delayMs);
  }

  /** Run one request through the host's queue, retried per the policy. */
  async run<T>(label: string, task: () => Promise<T>, runOptions: RunOptions = {}): Promise<T> {
    const idempotent = runOptions.idempotent ?? true;
    const willRetry = (error: unknown): boolean =>
      isRetryable(error) && (idempotent || !(error instanceof RemoteError && error.mayHaveApplied));
    const signal = this.signal;
    this.active += 1;
    try {
      return await pRetry(
        () => this.host.queue.add(async () => {
          await this.host.turn(signal);
          signal.throwIfAborted();
          return this.host.send(task);
          // With the signal, tasks still waiting in the queue are dropped at once on abort.
        }, { signal }),
        {
          retries: this.options.retries,
          factor: 2,
          minTimeout: this.options.minBackoffMs,
          maxTimeout: this.options.maxBackoffMs,
          randomize: true,
          signal,
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
    } finally {
      this.active -= 1;
      if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Resolves when none of this session's requests is queued or running. */
  onIdle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise((resolve) => { this.idleWaiters.push(resolve); });
  }

  /** Stop taking this session's queued work (in-flight requests finish; queued ones reject). */
  stop(): void {
    if (!this.stopper.signal.aborted) this.stopper.abort(STOPPED());
  }
}

/** One HostPacer per host for the whole process: every mirror of a config file shares it. */
export class PacerPool {
  private readonly hosts = new Map<string, HostPacer>();

  constructor(private readonly settings: { concurrency: number; ratePerSecond: RateSetting; rateConfig?: Partial<RateConfig> | undefined }) {}

  /** The host pacer for `hostKey` (created on first use). */
  hostPacer(hostKey: string): HostPacer {
    let host = this.hosts.get(hostKey);
    if (host === undefined) {
      host = new HostPacer({ concurrency: this.settings.concurrency, rate: this.settings.ratePerSecond, ...(this.settings.rateConfig ? { rateConfig: this.settings.rateConfig } : {}) });
      this.hosts.set(hostKey, host);
    }
    return host;
  }

  /** A session's handle on the shared pacer of `hostKey`. */
  pacer(hostKey: string, options: Omit<PacerOptions, 'concurrency' | 'ratePerSecond'>): Pacer {
    return new Pacer(options, this.hostPacer(hostKey));
  }
}
