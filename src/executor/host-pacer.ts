/**
 * The shared half of pacing, one per remote host in a process (DESIGN §4, invariant 5): the
 * concurrency slots (p-queue), the even spacing of request starts at the current rate, the
 * host-wide Retry-After pause, and — with `--rate auto` — the rate controller fed with every
 * answer. Every mirror talking to the host goes through the same HostPacer (see PacerPool).
 */
import PQueue from 'p-queue';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteError } from '../errors.js';
import { initialRateState, nextRateState, RATE_DEFAULTS, type RateConfig, type RateObservation, type RateState } from './rate-controller.js';
import { describePacing, describeThroughputLimit, type RateMode, type ThroughputLimit } from './throughput-limit.js';

/** `--rate`: requests per second, `0` for unlimited, or `'auto'` to find the server's limit. */
export type RateSetting = number | 'auto';

/**
 * Spacing slack: a server counting arrivals in a sliding 1 s window sees our requests with a few
 * ms of jitter, so exact 1/rate spacing puts every (rate+1)-th arrival on the window's edge and
 * draws 429s. 2% absorbs 20 ms of jitter at 20 requests/s (benchmark row 3).
 */
export const RATE_HEADROOM = 1.02;

/** Starts closer than this to their turn go at once (timers cannot space starts much finer). */
const TIMER_GRAIN_MS = 1;

/** What a rate learned by `--rate auto` is worth keeping for the next run. */
export interface LearnedRate {
  limitPerSec: number;
  ratePerSec: number;
}

export interface HostPacerOptions {
  concurrency: number;
  rate: RateSetting;
  rateConfig?: Partial<RateConfig>;
  /** Monotonic clock in ms (tests may pass their own). */
  now?: () => number;
}

/** How long start times are kept (the window counted reaches back from a request's start, which may be seconds ago). */
const HISTORY_MS = 5000;

/** Count of timestamps in (to − 1 s, to], after dropping those older than the history (the array is oldest first). */
const inSecondBefore = (times: number[], to: number, now: number): number => {
  let drop = 0;
  while (drop < times.length && times[drop]! <= now - HISTORY_MS) drop += 1;
  if (drop > 0) times.splice(0, drop);
  let count = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > to - 1000; i -= 1) if (times[i]! <= to) count += 1;
  return count;
};

/** One decision of `--rate auto` that changed course (for the summary's JSON and the benchmarks). */
export interface RateDecision {
  /** ms since the host pacer was created. */
  atMs: number;
  /** throttle: decrease on 429/503 · latency: decrease on server queueing · stale: limit rose, slow start again. */
  event: 'throttle' | 'latency' | 'stale';
  ratePerSec: number;
  limitPerSec: number | undefined;
}

/** Decisions kept (the latest). */
const MAX_DECISIONS = 50;

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** What changed course between two controller states, if anything. */
function rateEvent(before: RateState, after: RateState): RateDecision['event'] | undefined {
  if (after.decreasedAt !== before.decreasedAt) return after.limitSource === 'latency' ? 'latency' : 'throttle';
  if (before.phase === 'avoid' && after.phase === 'slow-start') return 'stale';
  return undefined;
}

export class HostPacer {
  readonly queue: PQueue;
  readonly concurrency: number;
  readonly mode: RateMode;
  private readonly pinnedRate: number;
  private readonly config: RateConfig;
  private readonly now: () => number;
  private state: RateState;
  private notBefore = 0;
  private nextStartAt = 0;
  private readonly starts: number[] = [];
  /** Recent requests, oldest first: when each started and, once answered, when (the window guard's arrival estimate). */
  private readonly sent: { startedAt: number; answeredAt: number | undefined }[] = [];
  /** Quickest answer seen (ms): an answer later than that after its start may have arrived late. */
  private minLatencyMs = Infinity;
  /** Start times of requests answered 429/503 (the rest of `starts` reached the server's count). */
  private readonly refused: number[] = [];
  /** Requests sent and not yet answered. */
  inFlight = 0;
  /** Requests holding a slot, waiting for their turn. */
  waitingForRate = 0;
  /** The limit an earlier run learned, when this run started from it. */
  startedFromLimitPerSec: number | undefined;
  /** Answers 429/503 seen (for logs and tests). */
  throttled = 0;
  /** Moving average of answer latency (ms), whatever the mode. */
  latencyMs: number | undefined;
  /** Decreases of the rate by `--rate auto`, by cause. */
  readonly decreases = { throttle: 0, latency: 0 };
  /** The latest decisions that changed course (auto mode). */
  readonly decisions: RateDecision[] = [];
  private readonly createdAt: number;

  constructor(options: HostPacerOptions) {
    this.concurrency = options.concurrency;
    this.mode = options.rate === 'auto' ? 'auto' : options.rate > 0 ? 'pinned' : 'unlimited';
    this.pinnedRate = options.rate === 'auto' ? 0 : options.rate;
    this.config = { ...RATE_DEFAULTS, ...options.rateConfig };
    this.now = options.now ?? (() => performance.now());
    this.state = initialRateState(this.config);
    this.createdAt = this.now();
    this.queue = new PQueue({ concurrency: options.concurrency });
  }

  /** Current pacing rate (req/s); undefined when unlimited. */
  get ratePerSec(): number | undefined {
    return this.mode === 'auto' ? this.state.rate : this.mode === 'pinned' ? this.pinnedRate : undefined;
  }

  /** The controller's state (auto mode). */
  get rateState(): RateState {
    return this.state;
  }

  /** Start near a rate learned by an earlier run, unless this process has learned a limit of its own already. */
  seed(learned: LearnedRate | undefined): void {
    if (this.mode !== 'auto' || this.state.limit !== undefined || learned === undefined) return;
    this.state = initialRateState(this.config, { limit: learned.limitPerSec, at: this.now() });
    this.startedFromLimitPerSec = learned.limitPerSec;
  }

  /** What to keep for the next run: the estimated server limit (auto mode, once one is known). */
  learned(): LearnedRate | undefined {
    if (this.mode !== 'auto' || this.state.limit === undefined) return undefined;
    return { limitPerSec: this.state.limit, ratePerSec: this.state.rate };
  }

  /** Milliseconds until the host may be called again (0 when not paused). */
  get pausedForMs(): number {
    return Math.max(0, this.notBefore - this.now());
  }

  /** Hold every request to this host for `delayMs` (a Retry-After). Never shortens a longer pause. */
  pauseFor(delayMs: number): void {
    this.notBefore = Math.max(this.notBefore, this.now() + delayMs);
  }

  /** Wait for this request's turn: after any pause, then one start per 1/rate s, evenly spaced. */
  async turn(signal: AbortSignal | undefined): Promise<void> {
    this.waitingForRate += 1;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const now = this.now();
        const rate = this.ratePerSec;
        // A pinned rate keeps headroom for arrival jitter; auto keeps its own margin below the limit it measured.
        const interval = rate === undefined ? 0 : (1000 / rate) * (this.mode === 'pinned' ? RATE_HEADROOM : 1);
        const at = Math.max(now, this.notBefore, interval > 0 ? this.nextStartAt : 0);
        if (at - now < TIMER_GRAIN_MS) {
          const crowdedForMs = this.windowWaitMs(interval, now);
          if (crowdedForMs > 0) {
            await sleep(Math.ceil(crowdedForMs), undefined, signal ? { signal } : {});
            continue;
          }
          this.nextStartAt = at + interval;
          return;
        }
        if (at === this.nextStartAt && at > this.notBefore) {
          // Reserve the slot, so waiters queue up one interval apart (no burst when they wake).
          this.nextStartAt = at + interval;
          await sleep(Math.ceil(at - now), undefined, signal ? { signal } : {});
          // A pause that began meanwhile moves this request after it. Slots stay on their schedule: a
          // late timer is not carried over to every later start (that drift cost a pinned --rate 20
          // a quarter of its rate, BENCHMARKS.md row 8). A crowded window delays this start only: the
          // slot is kept, not exchanged for one behind every waiter.
          for (;;) {
            if (this.pausedForMs > 0) break;
            const crowdedForMs = this.windowWaitMs(interval, this.now());
            if (crowdedForMs <= 0) return;
            await sleep(Math.ceil(crowdedForMs), undefined, signal ? { signal } : {});
          }
          continue;
        }
        await sleep(Math.ceil(at - now), undefined, signal ? { signal } : {});
      }
    } finally {
      this.waitingForRate -= 1;
    }
  }

  /**
   * How long a start now must wait so that no second holds more requests than the rate allows, as
   * the server counts them: timers fire late on a busy machine, and a late start followed by an
   * on-time one must not put one request too many into the server's (sliding) one-second count.
   * The server counts arrivals, not starts: a request answered later after its start than the
   * quickest answer seen may have arrived that much late (the first request of a run waits for
   * its connection: 25 ms late put 21 arrivals into the server's first second at --rate 20,
   * BENCHMARKS.md row 3), so an answered request counts from its answer less that quickest
   * latency. 0 when it may go.
   */
  windowWaitMs(interval: number, now: number): number {
    if (interval <= 0) return 0;
    const perSecond = Math.max(1, Math.round(1000 / interval));
    const times: number[] = [];
    // Older requests started long before the window; only a late arrival of the last few can still be in it.
    for (let i = this.sent.length - 1; i >= 0 && this.sent.length - i <= perSecond + this.concurrency; i -= 1) {
      const { startedAt, answeredAt } = this.sent[i]!;
      const counted = answeredAt === undefined ? startedAt : Math.max(startedAt, answeredAt - this.minLatencyMs);
      if (counted > now - 1000) times.push(counted);
    }
    if (times.length < perSecond) return 0;
    times.sort((a, b) => b - a);
    return Math.max(0, times[perSecond - 1]! + 1000 - now);
  }

  /** Send one request (its turn already taken) and feed the answer to the controller. */
  async send<T>(task: () => Promise<T>): Promise<T> {
    const startedAt = this.now();
    this.starts.push(startedAt);
    const record: { startedAt: number; answeredAt: number | undefined } = { startedAt, answeredAt: undefined };
    while (this.sent.length > 0 && this.sent[0]!.startedAt <= startedAt - HISTORY_MS) this.sent.shift();
    this.sent.push(record);
    this.inFlight += 1;
    try {
      const result = await task();
      const at = this.now();
      this.latencyMs = this.latencyMs === undefined ? at - startedAt : this.latencyMs + this.config.latencyAlpha * (at - startedAt - this.latencyMs);
      this.observe({
        kind: 'ok', at, startedAt, latencyMs: at - startedAt, sentRate: inSecondBefore(this.starts, at, at),
        paced: this.waitingForRate > 0, latencyBound: this.inFlight >= this.concurrency,
      });
      return result;
    } catch (error) {
      // Paused before this request's slot is free, so no queued request slips out in between.
      if (error instanceof RemoteError && error.retryAfterMs !== undefined) this.pauseFor(error.retryAfterMs);
      if (error instanceof RemoteError && (error.status === 429 || error.status === 503)) {
        this.throttled += 1;
        const at = this.now();
        this.refused.push(startedAt);
        // What the server let through in the second before this request arrived: every start there, less the refused ones.
        const acceptedRate = inSecondBefore(this.starts, startedAt, at) - inSecondBefore(this.refused, startedAt, at);
        this.observe({ kind: 'throttled', at, startedAt, acceptedRate });
      }
      throw error;
    } finally {
      this.inFlight -= 1;
      record.answeredAt = this.now();
      this.minLatencyMs = Math.min(this.minLatencyMs, record.answeredAt - startedAt);
    }
  }

  private observe(observation: RateObservation): void {
    if (this.mode !== 'auto') return;
    const before = this.state;
    this.state = nextRateState(before, observation, this.config);
    const event = rateEvent(before, this.state);
    if (event === undefined) return;
    if (event !== 'stale') this.decreases[event] += 1;
    if (this.decisions.length >= MAX_DECISIONS) this.decisions.shift();
    this.decisions.push({ atMs: Math.round(observation.at - this.createdAt), event, ratePerSec: round2(this.state.rate), limitPerSec: this.state.limit === undefined ? undefined : round2(this.state.limit) });
  }

  /** How the rate was chosen and what was learned, for the summary. */
  pacingSummary(): {
    mode: RateMode; ratePerSec: number | undefined; serverLimitPerSec: number | undefined; startedFromLimitPerSec: number | undefined; throttled: number; text: string;
    decreases: { throttle: number; latency: number }; decisions: RateDecision[];
  } {
    const pacing = { mode: this.mode, ratePerSec: this.ratePerSec, serverLimitPerSec: this.mode === 'auto' ? this.state.limit : undefined, throttled: this.throttled };
    return { ...pacing, startedFromLimitPerSec: this.startedFromLimitPerSec, text: describePacing(pacing), decreases: { ...this.decreases }, decisions: [...this.decisions] };
  }

  /** What limits throughput right now. */
  throughputLimit(): ThroughputLimit {
    return describeThroughputLimit({
      mode: this.mode, ratePerSec: this.ratePerSec, serverLimitPerSec: this.mode === 'auto' ? this.state.limit : undefined,
      limitSource: this.state.limitSource, inFlight: this.inFlight, waitingForRate: this.waitingForRate,
      queued: this.queue.size + this.waitingForRate, concurrency: this.concurrency, latencyMs: this.latencyMs,
      pausedForMs: this.pausedForMs,
    });
  }
}
