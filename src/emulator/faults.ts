/** Fault injection: seeded PRNG, latency, 429 (a limit per second, or random), 500, drops, 413. */

import { LumenSyncError } from '../errors.js';
import { RATE_LIMIT_KINDS, RateCounter, type RateLimitKind } from './rate-limiter.js';

/** Fault settings (all off by default). */
export interface FaultOptions {
  /** Each request's round trip in ms (default 0): the server applies it half-way and answers at its end. */
  latencyMs?: number;
  /** Plus uniform random 0..jitter ms. */
  latencyJitterMs?: number;
  /** Fraction of requests that get an extra spike (0..1). */
  spikeRate?: number;
  /** Spike length (default 1000). */
  spikeMs?: number;
  /** > 0: answer 429 with Retry-After above this many requests/s (all keys). */
  rateLimitPerSec?: number;
  /** > 0: answer 429 with Retry-After above this many requests/s per API key (as a multi-tenant server limits). */
  rateLimitPerKeyPerSec?: number;
  /** How both limits count (rate-limiter.ts; default `sliding-window`). */
  rateLimitKind?: RateLimitKind;
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
  /** Fraction of mutations applied, then answered with an error (`errorAfterApplyStatus`): the answer lies. */
  errorAfterApplyRate?: number;
  /** Status of that answer (default 502; 500, 408…; 200 = a garbled, non-JSON 200 body). */
  errorAfterApplyStatus?: number;
  /** The next N uploads hang mid-body: the server stops reading and never answers (issue 15). */
  stallUploadCount?: number;
  /** Fraction of remove-files entries that fail with reason "storage error (injected)" → 207. */
  removeFailRate?: number;
  /** U3: fraction of uploads into a folder stored in custom-documents, then answered a bare 500. */
  orphanUploadRate?: number;
  /** U5: fraction of uploads whose `addToWorkspaces` embedding fails silently (the upload still answers 200). */
  embedFailRate?: number;
  /** U11: status of a remove-files answer where every entry failed (default 207; e.g. 500 or 422, body still lists `failed`). */
  allFailedStatus?: number;
  /** > 0: uploads larger answer 413 {success:false,message}. */
  maxUploadBytes?: number;
  /** Every request's connection is destroyed (server "unreachable"). */
  down?: boolean;
  /** Switch U9 off: store every upload instead of upstream's 500s for unparseable files (default false). */
  parseAnyFile?: boolean;
  /** PRNG seed: same seed + same request order → same faults. */
  faultSeed?: number;
  /** Listing model (paging.ts): default `limit` of the folder listing when none is sent (0 = `all`, the default). */
  listPageDefault?: number;
  /** Largest `limit` accepted by the listings (default 1000); larger answers 400. */
  listPageMax?: number;
  /** Fraction of documents whose metadata is missing: dropped from listings after slicing (short pages). */
  unlistedRate?: number;
  /** Listings ignore `offset`/`limit` and answer the whole folder at once, without totalCount/hasMore. */
  ignorePaging?: boolean;
  /** Every listing page says `hasMore: true`, even past the end. */
  endlessHasMore?: boolean;
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
  /** If the request mutates and succeeds, answer `errorAfterApplyStatus` instead of the real answer. */
  errorAfterApply: boolean;
}

const RATE_KEYS = ['spikeRate', 'rateLimitFraction', 'errorRate', 'dropRate', 'dropAfterApplyRate', 'errorAfterApplyRate', 'removeFailRate', 'unlistedRate', 'orphanUploadRate', 'embedFailRate'] as const;
const NON_NEGATIVE_KEYS = ['latencyMs', 'latencyJitterMs', 'spikeMs', 'rateLimitPerSec', 'rateLimitPerKeyPerSec', 'retryAfterSeconds', 'maxUploadBytes', 'listPageDefault', 'errorAfterApplyStatus', 'stallUploadCount'] as const;

/** Every fault setting's name. */
export const FAULT_KEYS: readonly string[] = [...RATE_KEYS, ...NON_NEGATIVE_KEYS, 'down', 'faultSeed', 'listPageMax', 'ignorePaging', 'endlessHasMore', 'allFailedStatus', 'parseAnyFile', 'rateLimitKind'];

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
  if (faults.listPageMax !== undefined && !(Number.isInteger(faults.listPageMax) && faults.listPageMax >= 1)) problems.push(`listPageMax must be a whole number >= 1 (got ${faults.listPageMax})`);
  if (faults.listPageDefault !== undefined && !Number.isInteger(faults.listPageDefault)) problems.push(`listPageDefault must be a whole number (got ${faults.listPageDefault})`);
  const allFailed = faults.allFailedStatus;
  if (allFailed !== undefined && !(Number.isInteger(allFailed) && (allFailed === 207 || (allFailed >= 400 && allFailed <= 599)))) problems.push(`allFailedStatus must be 207 or a status from 400 to 599 (got ${allFailed})`);
  if (faults.faultSeed !== undefined && !Number.isInteger(faults.faultSeed)) problems.push(`faultSeed must be an integer (got ${faults.faultSeed})`);
  if (faults.rateLimitKind !== undefined && !RATE_LIMIT_KINDS.includes(faults.rateLimitKind)) problems.push(`rateLimitKind must be one of ${RATE_LIMIT_KINDS.join(', ')} (got ${String(faults.rateLimitKind)})`);
  if (problems.length > 0) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `invalid emulator fault settings: ${problems.join('; ')}`, {
      hint: `Rates are fractions between 0 and 1; durations, sizes and limits are numbers >= 0; a rate limit counts as ${RATE_LIMIT_KINDS.join(', ')}.`,
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
  /** What the server-wide limit counted (rateLimitPerSec). */
  private readonly counter = new RateCounter();
  private stallsLeft = 0;
  /** The same, per API key (rateLimitPerKeyPerSec). */
  private readonly keyCounters = new Map<string, RateCounter>();

  constructor(faults: FaultOptions = {}) {
    this.set(faults);
  }

  /** Replace the settings; a given `faultSeed` restarts the PRNG sequence. */
  set(faults: FaultOptions): void {
    this.faults = validateFaults(faults);
    this.stallsLeft = faults.stallUploadCount ?? 0;
    this.random = createPrng(faults.faultSeed ?? Math.floor(Math.random() * 2 ** 32));
  }

  /** Current settings. */
  get settings(): FaultOptions { return { ...this.faults }; }

  /** True for each of the next `stallUploadCount` uploads (no PRNG draw: seeds replay unchanged). */
  takeUploadStall(): boolean {
    if (this.stallsLeft <= 0) return false;
    this.stallsLeft -= 1;
    return true;
  }

  /** Draw one value for a per-entry fault (remove-files storage errors). */
  removeFails(): boolean {
    const draw = this.random();
    return draw < (this.faults.removeFailRate ?? 0);
  }

  /** U3: draw for one upload into a folder (no draw when the rate is 0, so seeds replay as before). */
  orphanUpload(): boolean {
    const rate = this.faults.orphanUploadRate ?? 0;
    return rate > 0 && this.random() < rate;
  }

  /** U5: draw for one upload's embedding (no draw when the rate is 0). */
  embedFails(): boolean {
    const rate = this.faults.embedFailRate ?? 0;
    return rate > 0 && this.random() < rate;
  }

  /** Decide the request-level faults for the request arriving at `now` (ms) with API key `key`. */
  decide(now: number, key = ''): FaultDecision {
    const f = this.faults;
    const [dropDraw, fractionDraw, errorDraw, jitterDraw, spikeDraw, afterApplyDraw] = [0, 0, 0, 0, 0, 0].map(() => this.random()) as [number, number, number, number, number, number];
    const spike = spikeDraw < (f.spikeRate ?? 0);
    const delayMs = (f.latencyMs ?? 0) + jitterDraw * (f.latencyJitterMs ?? 0) + (spike ? f.spikeMs ?? 1000 : 0);
    const decision: FaultDecision = {
      delayMs,
      dropAfterApply: afterApplyDraw < (f.dropAfterApplyRate ?? 0),
      // The same draw as the drop (no extra PRNG value: existing seeds replay unchanged).
      errorAfterApply: afterApplyDraw >= (f.dropAfterApplyRate ?? 0) && afterApplyDraw < (f.dropAfterApplyRate ?? 0) + (f.errorAfterApplyRate ?? 0),
    };
    if (spike) decision.delayKind = 'spike';
    else if (delayMs > 0) decision.delayKind = 'latency';
    if (f.down === true) return { ...decision, drop: 'down', delayMs: 0 };
    if (dropDraw < (f.dropRate ?? 0)) return { ...decision, drop: 'drop' };
    const limited = this.counter.admit(now, f.rateLimitPerSec ?? 0, f.rateLimitKind)
      ?? this.keyCounter(key).admit(now, f.rateLimitPerKeyPerSec ?? 0, f.rateLimitKind);
    if (limited !== undefined) return { ...decision, rateLimitRetryAfter: f.retryAfterSeconds ?? limited };
    if (fractionDraw < (f.rateLimitFraction ?? 0)) return { ...decision, rateLimitRetryAfter: f.retryAfterSeconds ?? 1 };
    if (errorDraw < (f.errorRate ?? 0)) return { ...decision, serverError: true };
    return decision;
  }

  private keyCounter(key: string): RateCounter {
    let counter = this.keyCounters.get(key);
    if (counter === undefined) {
      counter = new RateCounter();
      this.keyCounters.set(key, counter);
    }
    return counter;
  }
}
