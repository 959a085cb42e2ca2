/**
 * `--rate auto`: the decisions of the per-host rate controller, as a pure function of what it
 * observed (state + observation + config in, new state out; time is passed in, never read).
 *
 * - Slow start: while no limit is known, every healthy answer adds `slowStartGain` req/s. While
 *   the rate is the brake, answers come at the rate, so it grows exponentially in time (like
 *   TCP's slow start: ×e every 1/slowStartGain s, doubling in ~90 ms at the default).
 * - A 429 or 503 is a measured limit: the server let `acceptedRate` requests through in the
 *   last second, so the limit is about that (or the current rate, if lower). The rate drops to
 *   `beta` × that estimate, once per congestion event (answers to requests sent before the
 *   decrease do not count again).
 * - Afterwards the rate climbs back along a cubic (as TCP CUBIC does): fast at first, flat near
 *   the estimated limit (where it stays longest), then probing beyond it. Every probe past the
 *   limit costs a 429 and a whole-host Retry-After pause, so a cycle lasts at least
 *   `probeCycleMs` (at 5 req/s: 175 requests per 429) — except the first climb after slow start
 *   at a level not seen before (`firstProbeCycleMs`): what got through in the second before a
 *   slow-start 429 is a rough figure (with another client on the key, it is only what this one
 *   had ramped up to), so it is checked early, while a run's first seconds do the learning. A
 *   429 within `confirmTolerance` of the last one found the same level again: each such
 *   confirmation doubles the cycle, `probeCycleDoublings` times at most (at 5 req/s, a probe every 13 s cost
 *   8 % of the rate). Climbing
 *   `staleAbove` past the estimate without a 429 means the server's limit has risen: the
 *   estimate is dropped and slow start resumes.
 * - Server queueing is latency that grows while the *sent* rate grows: latency past
 *   `latencyFactor` × its baseline + `latencySlackMs`, held, at a sent rate above the highest
 *   one answered at baseline latency (`healthyRate`). It is a milder decrease (`latencyBeta`),
 *   never below `healthyRate`. Latency that grows at a constant or falling sent rate (a busy
 *   client CPU, or a latency-bound host where every slot is taken: throughput is then in-flight ÷
 *   latency whatever the rate) is not queueing caused by the pacer, and does not lower it.
 * - Processes sharing the key on one machine run this controller on the key's whole traffic
 *   (rate-share.ts): a sibling's decrease is followed from the moment it was made
 *   (`followDecrease`), so all climb the same cubic and each sends its fair part of it.
 * - While the rate is not the brake (no request waits for its turn), it never rises above twice
 *   what was actually sent in the last second (AWS SDK's adaptive mode does the same): an idle
 *   or latency-bound host does not bank a huge rate. While requests wait for it, it grows freely.
 */

/** Tunables of the controller (defaults in RATE_DEFAULTS). */
export interface RateConfig {
  /** Rate of the first request when nothing was learned (req/s). */
  initialRate: number;
  minRate: number;
  maxRate: number;
  /** Share of the estimated limit the rate drops to on a 429/503. */
  beta: number;
  /** The cubic levels off at this share of the estimated limit (arrival jitter draws 429s right at it). */
  plateau: number;
  /**
   * Cubic growth in req/s per s³, times √limit: larger flows climb faster, but less than in
   * proportion, so two clients sharing one limit drift towards equal shares.
   */
  cubicC: number;
  /** A climb from a decrease to the next probe past the limit lasts at least this long (ms). */
  probeCycleMs: number;
  /** The first climb after a 429 in slow start lasts at most this long (ms; the estimate is rough). */
  firstProbeCycleMs: number;
  /** A confirmed limit (see `confirmTolerance`) doubles the probe cycle per confirmation, at most this many times. */
  probeCycleDoublings: number;
  /** A 429 whose estimate is within this share of the last one's confirms that limit. */
  confirmTolerance: number;
  /** Past this multiple of the estimate without a 429, the estimate is stale: slow start again. */
  staleAbove: number;
  /** Req/s added per healthy answer in slow start. */
  slowStartGain: number;
  latencyFactor: number;
  latencySlackMs: number;
  /** Share of the sent rate kept when latency grows past its baseline. */
  latencyBeta: number;
  /** Weight of the newest latency sample in the moving average. */
  latencyAlpha: number;
  /** How long the highest sent rate answered at baseline latency is remembered (ms, decays exponentially). */
  healthyMemoryMs: number;
  /** Least time between two decreases (ms). */
  minDecreaseGapMs: number;
  /** A 429 with fewer than this share of the rate let through in the last second takes that count as the limit. */
  measuredBelow: number;
  /** Latency must stay high this long, over at least `latencyHoldSamples` answers, to count (one slow answer is no queue). */
  latencyHoldMs: number;
  latencyHoldSamples: number;
}

export const RATE_DEFAULTS: RateConfig = {
  initialRate: 80,
  minRate: 0.2,
  maxRate: 10_000,
  beta: 0.95,
  plateau: 0.98,
  cubicC: 5.7e-5,
  probeCycleMs: 35_000,
  firstProbeCycleMs: 6_000,
  probeCycleDoublings: 2,
  confirmTolerance: 0.05,
  staleAbove: 1.03,
  slowStartGain: 8,
  latencyFactor: 2,
  latencySlackMs: 50,
  latencyBeta: 0.9,
  latencyAlpha: 0.1,
  healthyMemoryMs: 30_000,
  minDecreaseGapMs: 1000,
  measuredBelow: 0.7,
  latencyHoldMs: 1000,
  latencyHoldSamples: 10,
};

/** What the controller knows. Times are monotonic ms, as passed in. */
export interface RateState {
  phase: 'slow-start' | 'avoid';
  /** Current pacing rate (req/s). */
  rate: number;
  /** Estimated server limit (req/s); undefined while unknown (slow start). */
  limit: number | undefined;
  /** Where `limit` came from: a 429/503 this run, latency growth, or the state dir. */
  limitSource: 'throttle' | 'latency' | 'saved' | undefined;
  /** Start of the current cubic climb. */
  epochAt: number;
  /** Seconds the cubic takes to climb back to `limit`. */
  epochK: number;
  /** The current climb is the first after slow start (it lasts `firstProbeCycleMs`). */
  firstClimb: boolean;
  /** The limit the last 429 measured (kept when a stale limit is dropped, to recognise the same level). */
  probedLimit: number | undefined;
  /** How many 429s in a row found the level of the one before (each doubles the probe cycle). */
  confirmed: number;
  /** Last decrease (-Infinity: none). */
  decreasedAt: number;
  latencyMs: number | undefined;
  baselineMs: number | undefined;
  /** Since when (and over how many answers) latency has stayed past its baseline. */
  latencyHighSince: number | undefined;
  latencyHighCount: number;
  /** Highest sent rate answered at baseline latency, as of `healthyAt` (decays over `healthyMemoryMs`). */
  healthyRate: number;
  healthyAt: number;
}

/** One answer, as the pacer saw it. */
export type RateObservation =
  | {
    kind: 'ok'; at: number; startedAt: number; latencyMs: number;
    /** Requests started in the second before the answer. */
    sentRate: number;
    /** Requests were waiting for their turn under the rate when the answer came (the rate is the brake). */
    paced: boolean;
    /** Every concurrency slot was taken when the answer came (requests wait for a connection, not for the rate). */
    latencyBound: boolean;
  }
  | { kind: 'throttled'; at: number; startedAt: number; acceptedRate: number };

/** The state before anything was observed: slow start, or near a rate learned earlier. */
export function initialRateState(config: RateConfig = RATE_DEFAULTS, learned?: { limit: number; at: number }): RateState {
  const base: RateState = {
    phase: 'slow-start', rate: clamp(config.initialRate, config), limit: undefined, limitSource: undefined,
    epochAt: 0, epochK: 0, firstClimb: false, probedLimit: undefined, confirmed: 0, decreasedAt: -Infinity, latencyMs: undefined, baselineMs: undefined,
    latencyHighSince: undefined, latencyHighCount: 0, healthyRate: 0, healthyAt: 0,
  };
  if (learned === undefined || !(learned.limit > 0)) return base;
  return { ...climbFrom({ ...base, probedLimit: learned.limit }, learned.limit, config.beta, learned.at, config), limitSource: 'saved', decreasedAt: -Infinity };
}

const clamp = (rate: number, config: RateConfig): number => Math.min(config.maxRate, Math.max(config.minRate, rate));

/** The least time a climb back to the limit lasts after `confirmed` confirmations of it (ms). */
export function probeCycleMs(config: RateConfig, confirmed = 0): number {
  return config.probeCycleMs * 2 ** Math.min(config.probeCycleDoublings, Math.max(0, confirmed - 1));
}

/**
 * The cubic's growth (req/s per s³) below `limit`: cubicC × √limit, but slow enough that a climb
 * from `beta` × limit to the limit takes at least the probe cycle (the first climb after slow
 * start: at most `firstProbeCycleMs`).
 */
export function cubicGrowth(limit: number, config: RateConfig, firstClimb = false, confirmed = 0): number {
  const climb = Math.cbrt(Math.max(0, config.plateau - config.beta)) + Math.cbrt(Math.max(0, 1 - config.plateau));
  const lasting = (ms: number): number => limit * (climb / (ms / 1000)) ** 3;
  const growth = Math.min(config.cubicC * Math.sqrt(limit), lasting(probeCycleMs(config, confirmed)));
  return firstClimb ? Math.max(growth, lasting(config.firstProbeCycleMs)) : growth;
}

/** Drop to `share` × `limit` (or `floor`, if higher) and start a cubic climb back towards the plateau below `limit` at `at`. */
function climbFrom(state: RateState, limit: number, share: number, at: number, config: RateConfig, floor = 0, firstClimb = false): RateState {
  const rate = clamp(Math.max(limit * share, Math.min(floor, limit)), config);
  const epochK = Math.cbrt(Math.max(0, limit * config.plateau - rate) / cubicGrowth(limit, config, firstClimb, state.confirmed));
  return { ...state, phase: 'avoid', rate, limit, epochAt: at, epochK, firstClimb, decreasedAt: at };
}

/** A decrease a sibling process made: when, the limit it measured, and what sets its climb's pace. */
export interface SharedDecrease { at: number; limit: number; firstClimb: boolean; confirmed: number }

/**
 * A sibling process sharing the key lowered the key's rate at `at` (a 429/503 it got), measuring
 * the key's limit at `limit`: take the same step, from the same moment, so that every process
 * climbs the same cubic and keeps an equal part (rate-share.ts). A decrease older than this
 * process's own is ignored. One within `minDecreaseGapMs` of it is the same congestion event,
 * measured twice: estimates more than `confirmTolerance` apart meet halfway (each process counts
 * its siblings from records up to a tick old, so either may be low), on this process's own climb.
 */
export function followDecrease(state: RateState, decrease: SharedDecrease, config: RateConfig = RATE_DEFAULTS): RateState {
  if (!(decrease.limit > 0) || !Number.isFinite(decrease.at)) return state;
  if (Math.abs(decrease.at - state.decreasedAt) <= config.minDecreaseGapMs) {
    const own = state.limit;
    if (own === undefined || state.limitSource !== 'throttle' || Math.abs(decrease.limit - own) <= config.confirmTolerance * own) return state;
    const met = climbFrom(state, (own + decrease.limit) / 2, config.beta, state.decreasedAt, config, 0, state.firstClimb);
    return { ...met, limitSource: 'throttle', probedLimit: met.limit };
  }
  if (decrease.at < state.decreasedAt) return state;
  // The sibling's climb parameters too: the cubic's pace depends on them.
  const counted = { ...state, probedLimit: decrease.limit, confirmed: decrease.confirmed };
  const next = climbFrom(counted, decrease.limit, config.beta, decrease.at, config, 0, decrease.firstClimb);
  return { ...next, limitSource: 'throttle', healthyRate: Math.min(healthyNow(state, decrease.at, config), next.rate), healthyAt: decrease.at };
}

/** The cubic's rate `at` (req/s). */
export function cubicRate(state: RateState, at: number, config: RateConfig): number {
  const limit = state.limit ?? state.rate;
  const t = (at - state.epochAt) / 1000 - state.epochK;
  return limit * config.plateau + cubicGrowth(limit, config, state.firstClimb, state.confirmed) * t * t * t;
}

/** `healthyRate` as remembered `at`. */
const healthyNow = (state: RateState, at: number, config: RateConfig): number =>
  state.healthyRate * Math.exp(-Math.max(0, at - state.healthyAt) / config.healthyMemoryMs);

/** The new state after one observation. Pure. */
export function nextRateState(state: RateState, observation: RateObservation, config: RateConfig = RATE_DEFAULTS): RateState {
  const reacted = observation.startedAt < state.decreasedAt || observation.at - state.decreasedAt < config.minDecreaseGapMs;
  if (observation.kind === 'throttled') {
    if (reacted) return state;
    // Well below the rate, what got through is the limit (slow start overshot, or the limit fell); near it, the
    // rate is the better estimate (a count over one second is coarse at a few req/s).
    const measured = observation.acceptedRate >= 1 && observation.acceptedRate < config.measuredBelow * state.rate ? observation.acceptedRate : state.rate;
    // Throttled below the last limit: the limit shrinks or someone else shares it; give a little more way (CUBIC's fast convergence).
    const estimate = state.limit !== undefined && measured < state.limit * 0.97 ? measured * (1 + config.beta) / 2 : measured;
    // The same level found again (after a probe, or a jitter 429 at the plateau): trusted longer; a new one is checked soon.
    const same = state.probedLimit !== undefined && Math.abs(estimate - state.probedLimit) <= config.confirmTolerance * state.probedLimit;
    const counted = { ...state, probedLimit: estimate, confirmed: same ? state.confirmed + 1 : 0 };
    const next = climbFrom(counted, estimate, config.beta, observation.at, config, 0, state.phase === 'slow-start' && !same);
    // What was healthy above a measured limit is not any more.
    return { ...next, limitSource: 'throttle', healthyRate: Math.min(healthyNow(state, observation.at, config), next.rate), healthyAt: observation.at };
  }
  const latencyMs = state.latencyMs === undefined ? observation.latencyMs : state.latencyMs + config.latencyAlpha * (observation.latencyMs - state.latencyMs);
  // The baseline follows drops at once and rises only slowly (a lasting change becomes the new normal).
  const baselineMs = state.baselineMs === undefined ? latencyMs : Math.min(latencyMs, state.baselineMs + 0.001 * (latencyMs - state.baselineMs));
  const high = state.baselineMs !== undefined && latencyMs > state.baselineMs * config.latencyFactor + config.latencySlackMs;
  const remembered = healthyNow(state, observation.at, config);
  // At baseline latency, what was sent is known to be fine (while latency-bound the sent rate says nothing about the
  // server); while latency is high, the memory of it is kept as it was.
  const slowAnswer = state.baselineMs !== undefined && observation.latencyMs > state.baselineMs * config.latencyFactor + config.latencySlackMs;
  const healthyRate = high ? state.healthyRate : observation.latencyBound || slowAnswer ? remembered : Math.max(remembered, observation.sentRate);
  const healthy = { healthyRate, healthyAt: observation.at };
  const withLatency: RateState = {
    ...state, latencyMs, baselineMs, ...healthy,
    latencyHighSince: high ? state.latencyHighSince ?? observation.at : undefined,
    latencyHighCount: high ? state.latencyHighCount + 1 : 0,
  };
  const held = high && observation.at - (withLatency.latencyHighSince ?? observation.at) >= config.latencyHoldMs && withLatency.latencyHighCount >= config.latencyHoldSamples;
  // Queueing caused by our rate: latency grew as the sent rate grew past what was healthy, and the rate (not the slots) is what sends.
  const sent = observation.sentRate > 0 ? Math.min(state.rate, observation.sentRate) : state.rate;
  const queueing = held && !observation.latencyBound && sent > withLatency.healthyRate * 1.05;
  if (!reacted && queueing) {
    return {
      ...climbFrom(withLatency, sent, config.latencyBeta, observation.at, config, withLatency.healthyRate), limitSource: 'latency',
      baselineMs: latencyMs / config.latencyFactor, latencyHighSince: undefined, latencyHighCount: 0,
    };
  }
  // Never bank more than twice what was actually sent, unless requests are waiting for the rate (then it is all used).
  const cap = observation.paced ? Infinity : Math.max(state.rate, 2 * observation.sentRate);
  if (state.phase === 'slow-start') return { ...withLatency, rate: clamp(Math.min(cap, state.rate + config.slowStartGain), config) };
  const climbed = cubicRate(state, observation.at, config);
  if (state.limit !== undefined && climbed > state.limit * config.staleAbove) {
    return { ...withLatency, phase: 'slow-start', limit: undefined, limitSource: undefined, rate: clamp(Math.min(cap, climbed), config) };
  }
  return { ...withLatency, rate: clamp(Math.min(cap, Math.max(state.rate, climbed)), config) };
}
