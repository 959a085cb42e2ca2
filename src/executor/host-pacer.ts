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
import type { RateBoard } from '../journal/rate-board.js';
import { followDecrease, initialRateState, nextRateState, RATE_DEFAULTS, type RateConfig, type RateObservation, type RateState } from './rate-controller.js';
import { DecisionLog, type RateDecision } from './rate-decisions.js';
import { latestSiblingDecrease, siblingLimit, type SiblingRate } from './rate-share.js';
import { RateSharing, SHARE_SETTLE_MS, type ShareReading } from './rate-sharing.js';
import { crowdedForMs, HISTORY_MS, inSecondBefore, type SentRequest } from './arrival-window.js';
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
  private readonly sent: SentRequest[] = [];
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
  /** Decreases and other course changes of `--rate auto`. */
  private readonly log: DecisionLog;
  /** Other processes sharing the host and key (auto mode with a rate board). */
  private sharing: RateSharing | undefined;
  /** Most sibling processes seen at once. */
  mostSiblings = 0;
  /** Last request started or waiting, and last wait for the rate (monotonic ms). */
  private lastActiveAt = -Infinity;
  private lastRateWaitAt = -Infinity;
  private seededBySiblings = false;

  constructor(options: HostPacerOptions) {
    this.concurrency = options.concurrency;
    this.mode = options.rate === 'auto' ? 'auto' : options.rate > 0 ? 'pinned' : 'unlimited';
    this.pinnedRate = options.rate === 'auto' ? 0 : options.rate;
    this.config = { ...RATE_DEFAULTS, ...options.rateConfig };
    this.now = options.now ?? (() => performance.now());
    this.state = initialRateState(this.config);
    this.log = new DecisionLog(this.now());
    this.queue = new PQueue({ concurrency: options.concurrency });
  }

  /** Current pacing rate (req/s); undefined when unlimited. */
  get ratePerSec(): number | undefined {
    if (this.mode === 'auto') return this.sharing === undefined ? this.state.rate : this.sharing.share(this.state.rate);
    return this.mode === 'pinned' ? this.pinnedRate : undefined;
  }

  /** Share the key's rate with the other processes on `board` (auto mode; the board opens at the first request). */
  shareRate(openBoard: () => Promise<RateBoard>, onFailure: (error: unknown) => void): void {
    if (this.mode !== 'auto' || this.sharing !== undefined) return;
    this.sharing = new RateSharing(openBoard, { reading: () => this.shareReading(), adopt: (siblings) => this.adoptSiblings(siblings) }, this.now, onFailure);
  }

  /** Stop sharing (the process's record leaves the board). */
  stopSharing(): void {
    this.sharing?.close();
  }

  private shareReading(): ShareReading {
    const now = this.now();
    const sentRate = inSecondBefore(this.starts, now, now);
    return {
      sentRate, acceptedRate: Math.max(0, sentRate - inSecondBefore(this.refused, now, now)),
      hungry: this.waitingForRate > 0 || now - this.lastRateWaitAt < 1000, keyRatePerSec: this.state.rate, ratePerSec: this.ratePerSec ?? 0,
      limitPerSec: this.state.limit, decreasedAt: this.state.decreasedAt, firstClimb: this.state.firstClimb, confirmed: this.state.confirmed,
      settling: this.state.phase === 'slow-start' || now - this.state.decreasedAt < SHARE_SETTLE_MS, lastActiveAt: Math.max(this.lastActiveAt, this.inFlight > 0 ? now : -Infinity),
    };
  }

  /** A newcomer starts near the limit its siblings measured; every process follows the newest decrease any of them made. */
  private adoptSiblings(siblings: readonly SiblingRate[]): void {
    this.mostSiblings = Math.max(this.mostSiblings, siblings.length);
    const limit = siblingLimit(siblings);
    // Once: the siblings' limit is fresher than one saved by an earlier run, but not than what this process measured.
    if (limit !== undefined && !this.seededBySiblings && (this.state.limit === undefined || this.state.limitSource === 'saved') && this.state.decreasedAt === -Infinity) {
      this.state = initialRateState(this.config, { limit, at: this.now() });
      this.seededBySiblings = true;
    }
    const decrease = latestSiblingDecrease(siblings);
    if (decrease === undefined) return;
    const before = this.state;
    this.state = followDecrease(before, decrease, this.config);
    this.log.record(before, this.state, this.now(), true);
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
    this.lastActiveAt = this.now();
    await this.sharing?.wake();
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
          this.lastRateWaitAt = now;
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
        this.lastRateWaitAt = now;
        await sleep(Math.ceil(at - now), undefined, signal ? { signal } : {});
      }
    } finally {
      this.waitingForRate -= 1;
    }
  }

  /** How long a start now must wait so the server's one-second count holds no request too many (arrival-window.ts). 0 when it may go. */
  windowWaitMs(interval: number, now: number): number {
    return crowdedForMs(this.sent, this.minLatencyMs, this.concurrency, interval, now);
  }

  /** Send one request (its turn already taken) and feed the answer to the controller. */
  async send<T>(task: () => Promise<T>): Promise<T> {
    const startedAt = this.now();
    this.starts.push(startedAt);
    const record: SentRequest = { startedAt, answeredAt: undefined };
    while (this.sent.length > 0 && this.sent[0]!.startedAt <= startedAt - HISTORY_MS) this.sent.shift();
    this.sent.push(record);
    this.inFlight += 1;
    try {
      const result = await task();
      const at = this.now();
      this.latencyMs = this.latencyMs === undefined ? at - startedAt : this.latencyMs + this.config.latencyAlpha * (at - startedAt - this.latencyMs);
      // With siblings on the key, the controller sees the key's whole traffic (rate-share.ts).
      const siblings = this.sharing?.totals();
      this.observe({
        kind: 'ok', at, startedAt, latencyMs: at - startedAt, sentRate: inSecondBefore(this.starts, at, at) + (siblings?.sentRate ?? 0),
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
        const acceptedRate = inSecondBefore(this.starts, startedAt, at) - inSecondBefore(this.refused, startedAt, at) + (this.sharing?.totals().acceptedRate ?? 0);
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
    this.log.record(before, this.state, observation.at);
  }

  /** How the rate was chosen and what was learned, for the summary. */
  pacingSummary(): {
    mode: RateMode; ratePerSec: number | undefined; serverLimitPerSec: number | undefined; startedFromLimitPerSec: number | undefined; throttled: number; text: string;
    decreases: { throttle: number; latency: number; follow: number }; decisions: RateDecision[]; sharedWith: number;
  } {
    const pacing = { mode: this.mode, ratePerSec: this.ratePerSec, serverLimitPerSec: this.mode === 'auto' ? this.state.limit : undefined, throttled: this.throttled, sharedWith: this.mostSiblings };
    return { ...pacing, startedFromLimitPerSec: this.startedFromLimitPerSec, text: describePacing(pacing), decreases: { ...this.log.decreases }, decisions: [...this.log.decisions] };
  }

  /** What limits throughput right now. */
  throughputLimit(): ThroughputLimit {
    return describeThroughputLimit({
      mode: this.mode, ratePerSec: this.ratePerSec, serverLimitPerSec: this.mode === 'auto' ? this.state.limit : undefined,
      limitSource: this.state.limitSource, inFlight: this.inFlight, waitingForRate: this.waitingForRate,
      queued: this.queue.size + this.waitingForRate, concurrency: this.concurrency, latencyMs: this.latencyMs,
      pausedForMs: this.pausedForMs, siblings: this.sharing?.view.length ?? 0,
    });
  }
}
