/** Fault injection: seeded PRNG, latency, 429 (sliding window or random), 500, drops, 413. */

import { LumenSyncError } from '../errors.js';

/** Fault settings (all off by default). */
export interface FaultOptions {
  /** Fixed added latency per request (default 0). */
  latencyMs?: number;
  /** Plus uniform random 0..jitter ms. */
  latencyJitterMs?: number;
  /** Fraction of requests that get an extra spike (0..1). */
  spikeRate?: number;
  /** Spike length (default 1000). */
  spikeMs?: number;
  /** > 0: answer 429 with Retry-After above this many requests/s (sliding 1 s window, all keys). */
  rateLimitPerSec?: number;
  /** Fraction of requests answered 429 at random (soak tests). */
  rateLimitFraction?: number;
  /** Retry-After value sent with 429 (default: computed for the limiter, 1 for the fraction). */
  retryAfterSeconds?: number;
  /** Fraction answered 500 {success:false,message:"Internal Server Error (injected)"} before doing anything. */
  errorRate?: number;
  /** Fraction whose connection is destroyed before doing anything (no response). */
  dropRate?: number;
  /** Fraction of mutations applied, then the connection is destroyed (response lost). */
  dropAfterApplyRate?: number;
  /** Fraction of remove-files entries that fail with reason "storage error (injected)" → 207. */
  removeFailRate?: number;
  /** > 0: uploads larger answer 413 {success:false,message}. */
  maxUploadBytes?: number;
  /** Every request's connection is destroyed (server "unreachable"). */
  down?: boolean;
  /** Switch U9 off: store every upload instead of upstream's 500s for unparseable files (default false). */
  parseAnyFile?: boolean;
  /** PRNG seed: same seed + same request order → same faults. */
  faultSeed?: number;
}

/** What the fault stage decided for one request, before the request is looked at. */
export interface FaultDecision {
  /** Destroy the connection now, without an answer. */
  drop?: 'drop' | 'down';
  /** Answer 429 with this Retry-After. */
  rateLimitRetryAfter?: number;
  /** Answer the injected 500. */
  serverError?: boolean;
  /** Wait this long before answering (latency + jitter + spike). */
  delayMs: number;
  /** Which delay fault applied. */
  delayKind?: 'latency' | 'spike';
  /** If the request mutates and succeeds, destroy the connection instead of answering. */
  dropAfterApply: boolean;
}

const RATE_KEYS = ['spikeRate', 'rateLimitFraction', 'errorRate', 'dropRate', 'dropAfterApplyRate', 'removeFailRate'] as const;
const NON_NEGATIVE_KEYS = ['latencyMs', 'latencyJitterMs', 'spikeMs', 'rateLimitPerSec', 'retryAfterSeconds', 'maxUploadBytes'] as const;

/** Check fault settings; throws LUMENSYNC_USAGE naming every bad value. */
export const validateFaults = (faults: FaultOptions): FaultOptions => {
  const problems: string[] = [];
  for (const key of RATE_KEYS) {
    const value = faults[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value <= 1)) problems.push(`${key} must be a number between 0 and 1 (got ${value})`);
  }
  for (const key of NON_NEGATIVE_KEYS) {
    const value = faults[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) problems.push(`${key} must be a number >= 0 (got ${value})`);
  }
  if (faults.faultSeed !== undefined && !Number.isInteger(faults.faultSeed)) problems.push(`faultSeed must be an integer (got ${faults.faultSeed})`);
  if (problems.length > 0) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `invalid emulator fault settings: ${problems.join('; ')}`, {
      hint: 'Rates are fractions between 0 and 1; durations, sizes and limits are numbers >= 0.',
    });
  }
  return { ...faults };
};

/** mulberry32: tiny, fast, good enough to make fault sequences reproducible. */
export const createPrng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** Human summary of the active faults, e.g. `errorRate=0.2, latencyMs=50` ('' when none). */
export const describeFaults = (faults: FaultOptions): string =>
  Object.entries(faults)
    .filter(([key, value]) => value !== undefined && value !== 0 && value !== false && key !== 'faultSeed')
    .map(([key, value]) => `${key}=${String(value)}`)
    .concat(faults.faultSeed === undefined ? [] : [`faultSeed=${faults.faultSeed}`])
    .join(', ');

/**
 * Decides faults request by request. Every request draws the same number of PRNG values in
 * the same order whatever the settings, so a seed replays identically.
 */
export class FaultEngine {
  private faults: FaultOptions = {};
  private random: () => number = Math.random;
  /** Arrival times (ms) of requests the limiter let through in the last second, oldest first. */
  private window: number[] = [];

  constructor(faults: FaultOptions = {}) {
    this.set(faults);
  }

  /** Replace the settings; a given `faultSeed` restarts the PRNG sequence. */
  set(faults: FaultOptions): void {
    this.faults = validateFaults(faults);
    this.random = createPrng(faults.faultSeed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** Current settings. */
  get settings(): FaultOptions { return { ...this.faults }; }

  /** Draw one value for a per-entry fault (remove-files storage errors). */
  removeFails(): boolean {
    const draw = this.random();
    return draw < (this.faults.removeFailRate ?? 0);
  }

  /** Decide the request-level faults for the request arriving at `now` (ms). */
  decide(now: number): FaultDecision {
    const f = this.faults;
    const [dropDraw, fractionDraw, errorDraw, jitterDraw, spikeDraw, afterApplyDraw] = [0, 0, 0, 0, 0, 0].map(() => this.random()) as [number, number, number, number, number, number];
    const spike = spikeDraw < (f.spikeRate ?? 0);
    const delayMs = (f.latencyMs ?? 0) + jitterDraw * (f.latencyJitterMs ?? 0) + (spike ? f.spikeMs ?? 1000 : 0);
    const decision: FaultDecision = {
      delayMs,
      dropAfterApply: afterApplyDraw < (f.dropAfterApplyRate ?? 0),
    };
    if (spike) decision.delayKind = 'spike';
    else if (delayMs > 0) decision.delayKind = 'latency';
    if (f.down === true) return { ...decision, drop: 'down', delayMs: 0 };
    if (dropDraw < (f.dropRate ?? 0)) return { ...decision, drop: 'drop' };
    const limited = this.rateLimit(now);
    if (limited !== undefined) return { ...decision, rateLimitRetryAfter: limited };
    if (fractionDraw < (f.rateLimitFraction ?? 0)) return { ...decision, rateLimitRetryAfter: f.retryAfterSeconds ?? 1 };
    if (errorDraw < (f.errorRate ?? 0)) return { ...decision, serverError: true };
    return decision;
  }

  /** Sliding 1 s window over all keys; returns Retry-After seconds when over the limit. */
  private rateLimit(now: number): number | undefined {
    const limit = this.faults.rateLimitPerSec ?? 0;
    if (limit <= 0) return undefined;
    while (this.window.length > 0 && (this.window[0] ?? 0) <= now - 1000) this.window.shift();
    if (this.window.length < limit) {
      this.window.push(now);
      return undefined;
    }
    const oldest = this.window[0] ?? now;
    return this.faults.retryAfterSeconds ?? Math.max(1, Math.ceil((oldest + 1000 - now) / 1000));
  }
}
