/**
 * What limits throughput right now, as one small data object with a one-line text: shown by the
 * progress line, the summary, `status`, status.json and `/metrics`. Pure: built from the
 * pacer's counters by `describeThroughputLimit`.
 */

/** How the rate is chosen: `--rate auto`, a pinned `--rate N`, or `--rate 0`. */
export type RateMode = 'auto' | 'pinned' | 'unlimited';

export interface ThroughputLimit {
  /**
   * paused: the server said wait (Retry-After) · paced: the rate is the brake ·
   * latency-bound: every slot has a request in flight · idle: nothing queued · open: queued work, nothing holding it back
   */
  kind: 'paused' | 'paced' | 'latency-bound' | 'idle' | 'open';
  /** e.g. "paced: server limit ≈ 18 req/s (learned)". */
  text: string;
  mode: RateMode;
  /** Current pacing rate (req/s); undefined with `--rate 0`. */
  ratePerSec: number | undefined;
  /** The server's limit as estimated by `--rate auto` (req/s), when known. */
  serverLimitPerSec: number | undefined;
  inFlight: number;
  concurrency: number;
  /** Moving average of answer latency (ms). */
  latencyMs: number | undefined;
  /** While paused: ms until requests may be sent again. */
  retryInMs: number | undefined;
  /** Other processes sharing the host and key right now (the rate is the key's, split between them); absent from older status files. */
  sharedWith?: number;
}

/** The pacer's counters at one moment. */
export interface PacerReading {
  mode: RateMode;
  ratePerSec: number | undefined;
  serverLimitPerSec: number | undefined;
  limitSource: 'throttle' | 'latency' | 'saved' | undefined;
  inFlight: number;
  /** Requests holding a slot, waiting for their turn under the rate. */
  waitingForRate: number;
  /** Requests waiting for a free slot or their turn. */
  queued: number;
  concurrency: number;
  latencyMs: number | undefined;
  pausedForMs: number;
  /** Other processes sharing the host and key right now (`--rate auto` with a rate board). */
  siblings: number;
}

const perSec = (rate: number): string => (rate >= 10 ? rate.toFixed(0) : rate.toFixed(1));
const others = (count: number): string => `${count} other process${count === 1 ? '' : 'es'}`;

/** Decide and word what limits throughput. Pure. */
export function describeThroughputLimit(reading: PacerReading): ThroughputLimit {
  const base = {
    mode: reading.mode, ratePerSec: reading.ratePerSec, serverLimitPerSec: reading.serverLimitPerSec, inFlight: reading.inFlight,
    concurrency: reading.concurrency, latencyMs: reading.latencyMs, retryInMs: undefined, sharedWith: reading.siblings,
  };
  if (reading.pausedForMs > 0) {
    return { ...base, kind: 'paused', retryInMs: reading.pausedForMs, text: `server unavailable, retry in ${Math.ceil(reading.pausedForMs / 1000)} s` };
  }
  if (reading.inFlight === 0 && reading.queued === 0) return { ...base, kind: 'idle', text: 'idle' };
  if (reading.inFlight >= reading.concurrency) {
    const latency = reading.latencyMs === undefined ? '' : ` × ${Math.round(reading.latencyMs)} ms`;
    return { ...base, kind: 'latency-bound', text: `latency-bound: ${reading.inFlight} in flight${latency}` };
  }
  if (reading.waitingForRate > 0 && reading.ratePerSec !== undefined) {
    if (reading.mode === 'pinned') return { ...base, kind: 'paced', text: `paced: --rate ${perSec(reading.ratePerSec)}` };
    if (reading.serverLimitPerSec !== undefined) {
      const how = reading.limitSource === 'saved' ? 'learned earlier' : reading.limitSource === 'latency' ? 'learned from latency' : 'learned';
      const shared = reading.siblings > 0 ? `, shared with ${others(reading.siblings)}: ${perSec(reading.ratePerSec)} req/s here` : '';
      return { ...base, kind: 'paced', text: `paced: server limit ≈ ${perSec(reading.serverLimitPerSec)} req/s (${how})${shared}` };
    }
    return { ...base, kind: 'paced', text: `paced: probing the server's limit, now ${perSec(reading.ratePerSec)} req/s (auto)` };
  }
  return { ...base, kind: 'open', text: `not limited by pacing: ${reading.inFlight} in flight of ${reading.concurrency}` };
}

/** One line for the end-of-run summary: how the rate was chosen and what was learned. Pure. */
export function describePacing(pacing: { mode: RateMode; ratePerSec: number | undefined; serverLimitPerSec: number | undefined; throttled: number; sharedWith?: number }): string {
  const shared = (pacing.sharedWith ?? 0) > 0 ? `; the key's rate shared with ${others(pacing.sharedWith!)} on this machine` : '';
  const throttled = `${pacing.throttled > 0 ? `; ${pacing.throttled} answer(s) 429/503` : ''}${pacing.mode === 'auto' ? shared : ''}`;
  if (pacing.mode === 'unlimited') return `pacing: unlimited (--rate 0)${throttled}`;
  if (pacing.mode === 'pinned') return `pacing: --rate ${perSec(pacing.ratePerSec ?? 0)}${throttled}`;
  if (pacing.serverLimitPerSec !== undefined) return `pacing: auto, server limit ≈ ${perSec(pacing.serverLimitPerSec)} req/s (learned, kept for the next run)${throttled}`;
  return `pacing: auto, no server limit met (rate reached ${perSec(pacing.ratePerSec ?? 0)} req/s)${throttled}`;
}
