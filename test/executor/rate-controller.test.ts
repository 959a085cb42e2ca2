/** The `--rate auto` controller's decisions as a pure function of what it observed, table-tested like the planner. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cubicGrowth, cubicRate, initialRateState, nextRateState, probeCycleMs, RATE_DEFAULTS, type RateObservation, type RateState } from '../../src/executor/rate-controller.js';

const C = RATE_DEFAULTS;
const ok = (at: number, patch: Partial<Extract<RateObservation, { kind: 'ok' }>> = {}): RateObservation => ({ kind: 'ok', at, startedAt: at - 5, latencyMs: 5, sentRate: 1000, paced: false, latencyBound: false, ...patch });
const throttled = (at: number, acceptedRate: number, startedAt = at - 5): RateObservation => ({ kind: 'throttled', at, startedAt, acceptedRate });
const run = (state: RateState, observations: RateObservation[]): RateState => observations.reduce((current, observation) => nextRateState(current, observation), state);
/** `count` healthy answers `gapMs` apart from `from`. */
const oks = (from: number, count: number, gapMs: number, patch: Partial<Extract<RateObservation, { kind: 'ok' }>> = {}): RateObservation[] =>
  Array.from({ length: count }, (_, i) => ok(from + i * gapMs, patch));
const fresh = initialRateState();
/** After a 429 at 20 req/s with 20 let through: limit 20, climbing from 19. */
const after429 = nextRateState({ ...fresh, rate: 40 }, throttled(10_000, 20));

/** Slow start meets a limit of 5 req/s at 10 s; the climb passes it, the limit goes stale, slow start again. */
const first5 = nextRateState({ ...fresh, rate: 10 }, throttled(10_000, 5));
const stale5 = run(first5, oks(10_200, 150, 200, { paced: true }));
/** The probe after that finds 5 req/s again (the first confirmation), and once more after the next climb. */
const again5 = nextRateState(stale5, throttled(40_500, 5));
const twice5 = nextRateState(run(again5, oks(40_700, 400, 250, { paced: true })), throttled(141_000, 5));
/** When the cubic of `state` first passes `level` (ms after its epoch, to 100 ms). */
const passesAfter = (state: RateState, level: number): number => {
  let ms = 0;
  while (cubicRate(state, state.epochAt + ms, C) <= level && ms < 1_000_000) ms += 100;
  return ms;
};

const cases: { label: string; state: RateState; observations: RateObservation[]; expect: (state: RateState) => void }[] = [
  {
    label: 'nothing learned: slow start at the initial rate',
    state: fresh, observations: [],
    expect: (s) => { assert.equal(s.phase, 'slow-start'); assert.equal(s.rate, C.initialRate); assert.equal(s.limit, undefined); },
  },
  {
    label: 'slow start: each healthy answer adds slowStartGain',
    state: fresh, observations: oks(1000, 5, 10),
    expect: (s) => assert.equal(s.rate, C.initialRate + 5 * C.slowStartGain),
  },
  {
    label: 'slow start never banks more than twice the rate actually sent',
    state: { ...fresh, rate: 30 }, observations: oks(1000, 20, 10, { sentRate: 16 }),
    expect: (s) => assert.equal(s.rate, 32),
  },
  {
    label: 'a rate above twice what is sent is kept, not lowered, by the cap',
    state: { ...fresh, rate: 100 }, observations: oks(1000, 3, 10, { sentRate: 5 }),
    expect: (s) => assert.equal(s.rate, 100),
  },
  {
    label: '429 far below the rate (slow start overshot): the count let through is the limit',
    state: { ...fresh, rate: 40 }, observations: [throttled(10_000, 20)],
    expect: (s) => { assert.equal(s.phase, 'avoid'); assert.equal(s.limit, 20); assert.equal(s.rate, 20 * C.beta); assert.equal(s.limitSource, 'throttle'); },
  },
  {
    label: '429 with about the rate let through: the rate is the limit (a one-second count is coarse)',
    state: { ...fresh, phase: 'avoid', rate: 5, limit: 5.1 }, observations: [throttled(10_000, 4)],
    expect: (s) => { assert.equal(s.limit, 5); assert.equal(s.rate, 5 * C.beta); },
  },
  {
    label: '429 with nothing let through (idle host): the rate is the limit',
    state: { ...fresh, rate: 12 }, observations: [throttled(10_000, 0)],
    expect: (s) => assert.equal(s.limit, 12),
  },
  {
    label: 'several 429s for requests sent before the decrease count once',
    state: after429, observations: [throttled(10_050, 3, 9_990), throttled(10_200, 1, 9_995)],
    expect: (s) => { assert.equal(s.limit, 20); assert.equal(s.rate, 19); },
  },
  {
    label: 'a 429 after the climb reached its plateau, below what got through before (the limit shrank): a little more way than the count',
    state: after429, observations: [throttled(10_000 + after429.epochK * 1000 + 2000, 10, 10_000 + after429.epochK * 1000 + 1990)],
    expect: (s) => { assert.equal(s.limit, 10 * (1 + C.beta) / 2); assert.equal(s.rate, s.limit! * C.beta); },
  },
  {
    label: 'after a decrease the rate climbs back towards the plateau below the limit, never past it in K seconds',
    state: after429, observations: oks(10_100, 90, after429.epochK * 10),
    expect: (s) => { assert.ok(s.rate > 19); assert.ok(s.rate <= 20 * C.plateau + 1e-9, `rate ${s.rate}`); assert.equal(s.phase, 'avoid'); },
  },
  {
    label: 'the cubic is fast first, flat near the plateau',
    state: after429, observations: [],
    expect: (s) => {
      const at = (seconds: number): number => cubicRate(s, s.epochAt + seconds * 1000, C);
      assert.ok(at(s.epochK / 4) - at(0) > at(s.epochK) - at((3 * s.epochK) / 4));
      assert.ok(Math.abs(at(s.epochK) - 20 * C.plateau) < 1e-9);
    },
  },
  {
    label: 'climbing past the limit without a 429: the limit rose, back to slow start',
    state: after429, observations: oks(10_100, 60, 1000),
    expect: (s) => { assert.equal(s.phase, 'slow-start'); assert.equal(s.limit, undefined); assert.ok(s.rate > 20); },
  },
  {
    label: 'one slow answer is not a queue: no decrease',
    state: run({ ...fresh, rate: 50 }, oks(1000, 20, 20)), observations: [ok(1500, { latencyMs: 2000 }), ...oks(1520, 3, 20)],
    expect: (s) => { assert.equal(s.phase, 'slow-start'); assert.equal(s.limit, undefined); },
  },
  {
    label: 'latency past twice its baseline for a second while the sent rate grew (server queueing): decrease below the rate sent',
    state: run({ ...fresh, rate: 50 }, oks(1000, 20, 20, { sentRate: 20 })), observations: oks(1500, 60, 20, { latencyMs: 400, sentRate: 40 }),
    expect: (s) => { assert.equal(s.limitSource, 'latency'); assert.equal(s.limit, 40); assert.ok(s.rate >= 40 * C.latencyBeta && s.rate < 40 * C.latencyBeta + 0.5, `rate ${s.rate}`); },
  },
  {
    label: 'a latency decrease never goes below the rate last answered at baseline latency',
    state: run({ ...fresh, rate: 50 }, oks(1000, 20, 20, { sentRate: 39 })), observations: oks(1500, 60, 20, { latencyMs: 400, sentRate: 42 }),
    expect: (s) => { assert.equal(s.limitSource, 'latency'); assert.ok(s.rate > 38.5 && s.rate < 39.5, `rate ${s.rate} (42 × ${C.latencyBeta} = ${42 * C.latencyBeta})`); },
  },
  {
    label: 'latency grows at the same sent rate (a busy client CPU, not server queueing): no decrease',
    state: run({ ...fresh, rate: 50 }, oks(1000, 20, 20, { sentRate: 40 })), observations: oks(1500, 200, 20, { latencyMs: 400, sentRate: 40 }),
    expect: (s) => { assert.equal(s.limitSource, undefined); assert.equal(s.phase, 'slow-start'); assert.equal(s.decreasedAt, -Infinity); },
  },
  {
    label: 'latency grows while every slot is taken (latency-bound): no decrease, and the rate keeps above what is sent',
    state: run({ ...fresh, rate: 50 }, oks(1000, 20, 20, { sentRate: 40, latencyBound: true })),
    observations: [...oks(1500, 100, 20, { latencyMs: 400, sentRate: 20, latencyBound: true }), ...oks(3500, 100, 20, { latencyMs: 400, sentRate: 60, latencyBound: true })],
    expect: (s) => { assert.equal(s.decreasedAt, -Infinity); assert.equal(s.limit, undefined); assert.equal(s.rate, 120); },
  },
  {
    label: 'while requests wait for the rate, slow start grows past twice what the last second sent',
    state: { ...fresh, rate: 30 }, observations: oks(1000, 20, 10, { sentRate: 10, paced: true }),
    expect: (s) => assert.equal(s.rate, 30 + 20 * C.slowStartGain),
  },
  {
    label: 'at a low limit a climb from a 429 back past the limit takes probeCycleMs (each probe costs a 429 and a pause)',
    state: { ...after429, phase: 'avoid', limit: 5.2, rate: 5.1 }, observations: [throttled(30_000, 5, 29_990)],
    expect: (s) => {
      assert.equal(s.limit, 5.1);
      const passes = (ms: number): boolean => cubicRate(s, s.epochAt + ms, C) > 5.1;
      assert.equal(passes(C.probeCycleMs - 500), false);
      assert.equal(passes(C.probeCycleMs + 500), true);
    },
  },
  {
    label: 'the first climb after a 429 in slow start is shorter (firstProbeCycleMs: the estimate is rough)',
    state: nextRateState({ ...fresh, rate: 10 }, throttled(10_000, 5)), observations: [],
    expect: (s) => {
      assert.equal(s.limit, 5);
      const passes = (ms: number): boolean => cubicRate(s, s.epochAt + ms, C) > 5;
      assert.equal(passes(C.firstProbeCycleMs - 500), false);
      assert.equal(passes(C.firstProbeCycleMs + 500), true);
    },
  },
  {
    label: 'a probe past a stale limit that finds the same level again: the next climb lasts probeCycleMs (not the short first one)',
    state: again5, observations: [],
    expect: (s) => {
      assert.equal(stale5.phase, 'slow-start');
      assert.equal(s.limit, 5);
      assert.equal(s.confirmed, 1);
      assert.equal(s.firstClimb, false);
      const ms = passesAfter(s, 5);
      assert.ok(ms >= C.probeCycleMs - 500 && ms <= C.probeCycleMs + 500, `passes the limit after ${ms} ms`);
    },
  },
  {
    label: 'each further confirmation of the same level doubles the probe cycle, probeCycleDoublings times at most',
    state: twice5, observations: [],
    expect: (s) => {
      assert.equal(s.confirmed, 2);
      const ms = passesAfter(s, 5);
      assert.ok(ms >= 2 * C.probeCycleMs - 500 && ms <= 2 * C.probeCycleMs + 500, `passes the limit after ${ms} ms`);
      assert.equal(probeCycleMs(C, 10), C.probeCycleMs * 2 ** C.probeCycleDoublings);
      assert.equal(probeCycleMs(C, 0), C.probeCycleMs);
    },
  },
  {
    label: 'a slow-start 429 at a new level after a stale limit: not a confirmation, a short first climb to check it',
    state: stale5, observations: [throttled(40_500, 9)],
    expect: (s) => {
      assert.equal(s.limit, 9);
      assert.equal(s.confirmed, 0);
      assert.equal(s.firstClimb, true);
      assert.ok(passesAfter(s, 9) <= C.firstProbeCycleMs + 500);
    },
  },
  {
    label: 'a limit learned earlier and found again by the first 429 is a confirmation',
    state: { ...initialRateState(C, { limit: 18, at: 500 }), rate: 17.8 }, observations: [throttled(20_000, 17)],
    expect: (s) => { assert.equal(s.confirmed, 1); assert.equal(s.limit, 17.8); assert.equal(s.firstClimb, false); },
  },
  {
    label: 'at a high limit the climb keeps the cubic of √limit (the cycle grows slowly with the limit)',
    state: fresh, observations: [],
    expect: () => assert.equal(cubicGrowth(1000, C), C.cubicC * Math.sqrt(1000)),
  },
  {
    label: 'a limit learned earlier: start just below it, climbing',
    state: initialRateState(C, { limit: 18, at: 500 }), observations: [],
    expect: (s) => { assert.equal(s.phase, 'avoid'); assert.equal(s.limit, 18); assert.equal(s.rate, 18 * C.beta); assert.equal(s.limitSource, 'saved'); },
  },
  {
    label: 'a learned start still reacts to the first 429 at once',
    state: initialRateState(C, { limit: 18, at: 500 }), observations: [throttled(600, 5, 550)],
    expect: (s) => { assert.ok(s.limit! < 5.01); assert.equal(s.limitSource, 'throttle'); },
  },
  {
    label: 'the rate never drops below minRate',
    state: { ...fresh, rate: 0.2 }, observations: [throttled(10_000, 0)],
    expect: (s) => assert.equal(s.rate, C.minRate),
  },
];

for (const { label, state, observations, expect } of cases) {
  test(`rate controller: ${label}`, () => expect(run(state, observations)));
}

test('rate controller: the same observations always give the same state (pure)', () => {
  const observations = [...oks(0, 50, 10), throttled(600, 30), ...oks(700, 50, 50)];
  assert.deepEqual(run(fresh, observations), run(fresh, observations));
});
