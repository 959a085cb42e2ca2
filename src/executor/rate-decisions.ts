/**
 * The course changes `--rate auto` made, kept for the summary's JSON and the benchmarks: each
 * decrease (a 429/503, server queueing, or a sibling process's decrease followed) and each return
 * to slow start when a limit went stale.
 */
import type { RateState } from './rate-controller.js';

/** One decision of `--rate auto` that changed course. */
export interface RateDecision {
  /** ms since the host pacer was created. */
  atMs: number;
  /**
   * throttle: decrease on 429/503 · latency: decrease on server queueing · stale: limit rose, slow
   * start again · follow: the same decrease as a sibling process sharing the key (rate-share.ts).
   */
  event: 'throttle' | 'latency' | 'stale' | 'follow';
  ratePerSec: number;
  limitPerSec: number | undefined;
}

/** Decisions kept (the latest). */
const MAX_DECISIONS = 50;

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** What changed course between two controller states, if anything (a followed decrease is named by the caller). */
function rateEvent(before: RateState, after: RateState): RateDecision['event'] | undefined {
  if (after.decreasedAt !== before.decreasedAt) return after.limitSource === 'latency' ? 'latency' : 'throttle';
  if (before.phase === 'avoid' && after.phase === 'slow-start') return 'stale';
  return undefined;
}

export class DecisionLog {
  /** Decreases by cause (a followed decrease counts as `follow`, not as this process's throttle). */
  readonly decreases = { throttle: 0, latency: 0, follow: 0 };
  /** The latest decisions that changed course. */
  readonly decisions: RateDecision[] = [];

  constructor(private readonly createdAt: number) {}

  /** Record the step from `before` to `after` at `at`, if it changed course. */
  record(before: RateState, after: RateState, at: number, followed = false): void {
    const found = rateEvent(before, after);
    if (found === undefined) return;
    const event = followed && found === 'throttle' ? 'follow' : found;
    if (event !== 'stale') this.decreases[event] += 1;
    if (this.decisions.length >= MAX_DECISIONS) this.decisions.shift();
    this.decisions.push({ atMs: Math.round(at - this.createdAt), event, ratePerSec: round2(after.rate), limitPerSec: after.limit === undefined ? undefined : round2(after.limit) });
  }
}
