/** `--rate auto` shared by processes on one key: the fair part of the key's rate, the siblings' figures, following their decreases. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fairShare, latestSiblingDecrease, siblingLimit, siblingTotals, type SiblingRate } from '../../src/executor/rate-share.js';
import { cubicRate, followDecrease, initialRateState, nextRateState, RATE_DEFAULTS, type RateState, type SharedDecrease } from '../../src/executor/rate-controller.js';

const C = RATE_DEFAULTS;
const sibling = (patch: Partial<SiblingRate> = {}): SiblingRate => ({
  sentRate: 0, acceptedRate: 0, hungry: false, limitPerSec: undefined, decreasedAt: undefined, firstClimb: false, confirmed: 0, ...patch,
});
const hungry = (sentRate = 10): SiblingRate => sibling({ sentRate, acceptedRate: sentRate, hungry: true });
/** A sibling that is not waiting for the rate, sending `sentRate` req/s (demand: sentRate × 1.2 + 0.5). */
const idle = (sentRate: number): SiblingRate => sibling({ sentRate, acceptedRate: sentRate, hungry: false });
const close = (actual: number, expected: number, message?: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${message ?? ''} expected ${expected}, got ${actual}`);

const fairCases: { label: string; keyRate: number; siblings: SiblingRate[]; expected: number }[] = [
  { label: 'no siblings: the whole key rate', keyRate: 20, siblings: [], expected: 20 },
  { label: 'no siblings, fractional key rate', keyRate: 0.3, siblings: [], expected: 0.3 },
  { label: 'one hungry sibling: half', keyRate: 20, siblings: [hungry()], expected: 10 },
  { label: 'two hungry siblings: a third', keyRate: 30, siblings: [hungry(), hungry(3)], expected: 10 },
  { label: 'hungry sibling sending more than its part: still an equal part', keyRate: 20, siblings: [hungry(50)], expected: 10 },
  { label: 'one idle sibling at 2 req/s: 20 − (2 × 1.2 + 0.5)', keyRate: 20, siblings: [idle(2)], expected: 17.1 },
  { label: 'an idle sibling that sent nothing keeps the floor', keyRate: 20, siblings: [idle(0)], expected: 19.5 },
  { label: 'idle sibling whose demand exceeds an equal part: treated as hungry', keyRate: 20, siblings: [idle(10)], expected: 10 },
  { label: 'two idle siblings below the equal part keep what they use', keyRate: 30, siblings: [idle(2), idle(5)], expected: 30 - 2.9 - 6.5 },
  // Equal part 30/4 = 7.5: the 2 req/s sibling keeps 2.9; then 27.1/3 ≈ 9.03 < 24.5, the big one shares equally.
  { label: 'water-filling: hungry + small idle + big idle', keyRate: 30, siblings: [hungry(), idle(20), idle(2)], expected: (30 - 2.9) / 3 },
  // Equal part 12/3 = 4: 1.7 fits, then 10.3/2 = 5.15 ≥ 4.1 (3 req/s): it fits too, this process gets 6.2.
  { label: 'water-filling: both idle fit one after the other (sorted by demand)', keyRate: 12, siblings: [idle(3), idle(1)], expected: 12 - 1.7 - 4.1 },
  // 0.5 × 1.2 + 0.5 = 1.1 ≥ 2/2: does not fit; split in two.
  { label: 'a tiny key rate is split equally even with an idle sibling', keyRate: 2, siblings: [idle(0.5)], expected: 1 },
];

for (const { label, keyRate, siblings, expected } of fairCases) {
  test(`fairShare: ${label}`, () => {
    const share = fairShare(keyRate, siblings);
    close(share, expected);
    assert.ok(share > 0 && share <= keyRate, `share ${share} within (0, ${keyRate}]`);
  });
}

test('fairShare: the order of the siblings does not matter', () => {
  const siblings = [idle(1), hungry(), idle(6), idle(0.2), hungry(2)];
  const reversed = [...siblings].reverse();
  close(fairShare(40, reversed), fairShare(40, siblings));
});

test('fairShare: shares of processes that all see each other as hungry add up to the key rate', () => {
  const processes = 4;
  const others = Array.from({ length: processes - 1 }, () => hungry());
  close(fairShare(18, others) * processes, 18);
});

test('siblingTotals: sums sent and accepted rates; zero without siblings', () => {
  assert.deepEqual(siblingTotals([]), { sentRate: 0, acceptedRate: 0 });
  assert.deepEqual(siblingTotals([sibling({ sentRate: 3, acceptedRate: 2 })]), { sentRate: 3, acceptedRate: 2 });
  const totals = siblingTotals([sibling({ sentRate: 3, acceptedRate: 2 }), sibling({ sentRate: 4.5, acceptedRate: 4 }), sibling({ sentRate: 0.5, acceptedRate: 0 })]);
  assert.deepEqual(totals, { sentRate: 8, acceptedRate: 6 });
});

const limitCases: { label: string; siblings: SiblingRate[]; expected: number | undefined }[] = [
  { label: 'no siblings', siblings: [], expected: undefined },
  { label: 'no sibling knows a limit', siblings: [sibling(), hungry()], expected: undefined },
  { label: 'the only known limit', siblings: [sibling(), sibling({ limitPerSec: 7 })], expected: 7 },
  { label: 'the highest of several, wherever it is', siblings: [sibling({ limitPerSec: 12 }), sibling({ limitPerSec: 30 }), sibling(), sibling({ limitPerSec: 4 })], expected: 30 },
  { label: 'the highest first', siblings: [sibling({ limitPerSec: 30 }), sibling({ limitPerSec: 12 })], expected: 30 },
];

for (const { label, siblings, expected } of limitCases) {
  test(`siblingLimit: ${label}`, () => assert.equal(siblingLimit(siblings), expected));
}

const decreaseCases: { label: string; siblings: SiblingRate[]; expected: SharedDecrease | undefined }[] = [
  { label: 'no siblings', siblings: [], expected: undefined },
  { label: 'a decrease without a limit is not counted', siblings: [sibling({ decreasedAt: 5000 })], expected: undefined },
  { label: 'a limit without a decrease is not counted', siblings: [sibling({ limitPerSec: 20 })], expected: undefined },
  { label: 'the one complete sibling', siblings: [sibling({ decreasedAt: 5000, limitPerSec: 20 })], expected: { at: 5000, limit: 20, firstClimb: false, confirmed: 0 } },
  {
    label: 'the newest among complete siblings, with its own limit',
    siblings: [sibling({ decreasedAt: 5000, limitPerSec: 20 }), sibling({ decreasedAt: 9000, limitPerSec: 15 }), sibling({ decreasedAt: 7000, limitPerSec: 30 })],
    expected: { at: 9000, limit: 15, firstClimb: false, confirmed: 0 },
  },
  {
    label: 'a newer decrease without a limit is skipped',
    siblings: [sibling({ decreasedAt: 5000, limitPerSec: 20 }), sibling({ decreasedAt: 9000 })],
    expected: { at: 5000, limit: 20, firstClimb: false, confirmed: 0 },
  },
  { label: 'a negative monotonic time is a time like any other', siblings: [sibling({ decreasedAt: -200, limitPerSec: 3 }), sibling({ decreasedAt: -900, limitPerSec: 8 })], expected: { at: -200, limit: 3, firstClimb: false, confirmed: 0 } },
];

for (const { label, siblings, expected } of decreaseCases) {
  test(`latestSiblingDecrease: ${label}`, () => assert.deepEqual(latestSiblingDecrease(siblings), expected));
}

const fresh = initialRateState();
const followed = followDecrease(fresh, { at: 10_000, limit: 20, firstClimb: false, confirmed: 0 });

test('followDecrease: from the initial state, the step a 429 at the limit would take', () => {
  assert.equal(fresh.decreasedAt, -Infinity);
  close(followed.rate, C.beta * 20);
  assert.equal(followed.limit, 20);
  assert.equal(followed.limitSource, 'throttle');
  assert.equal(followed.phase, 'avoid');
  assert.equal(followed.decreasedAt, 10_000);
  assert.equal(followed.epochAt, 10_000);
  assert.equal(followed.probedLimit, 20);
  assert.equal(followed.firstClimb, false);
  assert.ok(followed.epochK > 0, 'the climb back to the plateau takes time');
  assert.equal(fresh.phase, 'slow-start', 'the input state is not mutated');
});

const ignoredCases: { label: string; state: RateState; decrease: SharedDecrease }[] = [
  { label: 'the same decrease again', state: followed, decrease: { at: 10_000, limit: 20, firstClimb: false, confirmed: 0 } },
  { label: 'the same event measured within confirmTolerance', state: followed, decrease: { at: 10_000, limit: 20 * (1 + C.confirmTolerance), firstClimb: false, confirmed: 0 } },
  { label: 'the same event just before, measured alike', state: followed, decrease: { at: 10_000 - C.minDecreaseGapMs, limit: 19.5, firstClimb: false, confirmed: 0 } },
  { label: 'the same event just after, measured alike', state: followed, decrease: { at: 10_000 + C.minDecreaseGapMs, limit: 20.5, firstClimb: false, confirmed: 0 } },
  { label: 'a decrease older than this process\'s own event', state: followed, decrease: { at: 10_000 - C.minDecreaseGapMs - 1, limit: 10, firstClimb: false, confirmed: 0 } },
  { label: 'the same moment as a decrease this process made on latency', state: { ...followed, limitSource: 'latency' }, decrease: { at: 10_000, limit: 10, firstClimb: false, confirmed: 0 } },
  { label: 'a decrease at NaN', state: followed, decrease: { at: Number.NaN, limit: 10, firstClimb: false, confirmed: 0 } },
  { label: 'a limit of 0', state: fresh, decrease: { at: 10_000, limit: 0, firstClimb: false, confirmed: 0 } },
  { label: 'a negative limit', state: fresh, decrease: { at: 10_000, limit: -3, firstClimb: false, confirmed: 0 } },
  { label: 'a NaN limit', state: fresh, decrease: { at: 10_000, limit: Number.NaN, firstClimb: false, confirmed: 0 } },
];

for (const { label, state, decrease } of ignoredCases) {
  test(`followDecrease: ignores ${label} (the same state object)`, () => {
    assert.equal(followDecrease(state, decrease), state);
  });
}

test('followDecrease: a decrease later than decreasedAt + minDecreaseGapMs is followed', () => {
  const at = 10_000 + C.minDecreaseGapMs + 1;
  const next = followDecrease(followed, { at, limit: 10, firstClimb: false, confirmed: 0 });
  assert.notEqual(next, followed);
  assert.equal(next.decreasedAt, at);
  assert.equal(next.epochAt, at);
  assert.equal(next.limit, 10);
  close(next.rate, C.beta * 10);
});

test('followDecrease: the gap comes from the config', () => {
  const config = { ...C, minDecreaseGapMs: 100 };
  const state = followDecrease(initialRateState(config), { at: 10_000, limit: 20, firstClimb: false, confirmed: 0 }, config);
  assert.equal(followDecrease(state, { at: 10_100, limit: 19.5, firstClimb: false, confirmed: 0 }, config), state);
  assert.equal(followDecrease(state, { at: 10_101, limit: 10, firstClimb: false, confirmed: 0 }, config).decreasedAt, 10_101);
  close(followDecrease(initialRateState({ ...C, beta: 0.5 }), { at: 1, limit: 20, firstClimb: false, confirmed: 0 }, { ...C, beta: 0.5 }).rate, 10, 'beta from the config');
});

test('followDecrease: what was healthy above the new rate is not any more', () => {
  const healthy: RateState = { ...fresh, healthyRate: 50, healthyAt: 10_000 };
  const next = followDecrease(healthy, { at: 10_000, limit: 20, firstClimb: false, confirmed: 0 });
  close(next.healthyRate, C.beta * 20);
  assert.equal(next.healthyAt, 10_000);
  const low: RateState = { ...fresh, healthyRate: 10, healthyAt: 10_000 - C.healthyMemoryMs };
  close(followDecrease(low, { at: 10_000, limit: 20, firstClimb: false, confirmed: 0 }).healthyRate, 10 * Math.exp(-1), 'a remembered healthy rate decays');
});

test('followDecrease: two processes that followed the same decrease climb the same cubic', () => {
  // Different histories: fresh, an earlier decrease at another limit, and a limit saved by an earlier run.
  const earlier = followDecrease(fresh, { at: 2_000, limit: 50, firstClimb: false, confirmed: 0 });
  const saved = initialRateState(C, { limit: 40, at: 0 });
  const states = [fresh, earlier, saved].map((state) => followDecrease(state, { at: 10_000, limit: 20, firstClimb: false, confirmed: 0 }));
  for (const state of states) assert.equal(state.decreasedAt, 10_000);
  for (const at of [10_000, 12_000, 20_000, 40_000, 80_000]) {
    const rates = states.map((state) => cubicRate(state, at, C));
    for (const rate of rates.slice(1)) close(rate, rates[0] ?? Number.NaN, `at ${at}`);
  }
  const [first] = states;
  assert.ok(first !== undefined);
  close(cubicRate(first, 10_000, C), first.rate, 'the cubic starts at the rate of the decrease');
  assert.ok(cubicRate(first, 20_000, C) > first.rate, 'and climbs');
  assert.ok(cubicRate(first, 20_000, C) < 20, 'towards the plateau below the limit');
});

test('followDecrease: a follower climbs the cubic of the process that got the 429, its first climb after slow start and confirmed limits included', () => {
  for (const leaderBefore of [{ ...initialRateState(), rate: 40 }, { ...initialRateState(), rate: 40, phase: 'avoid' as const, limit: 21, probedLimit: 20.2, confirmed: 3 }]) {
    const leader = nextRateState(leaderBefore, { kind: 'throttled', at: 10_000, startedAt: 9_995, acceptedRate: 20 });
    assert.equal(leader.decreasedAt, 10_000, 'the leader decreased');
    const follower = followDecrease(initialRateState(), { at: leader.decreasedAt, limit: leader.limit!, firstClimb: leader.firstClimb, confirmed: leader.confirmed });
    for (const at of [10_000, 13_000, 16_000, 30_000, 60_000]) close(cubicRate(follower, at, C), cubicRate(leader, at, C), `at ${at} (confirmed ${leader.confirmed})`);
  }
});

test('followDecrease: the same congestion event measured far apart by two processes: the estimates meet halfway, on this process\'s own climb', () => {
  for (const at of [10_000 - C.minDecreaseGapMs, 10_000, 10_000 + C.minDecreaseGapMs / 2]) {
    const met = followDecrease(followed, { at, limit: 10, firstClimb: true, confirmed: 3 });
    assert.equal(met.limit, 15, `at ${at}`);
    assert.equal(met.decreasedAt, 10_000, 'its own moment');
    assert.equal(met.epochAt, 10_000);
    assert.equal(met.confirmed, followed.confirmed, 'its own climb');
    assert.equal(met.firstClimb, followed.firstClimb);
    close(met.rate, C.beta * 15);
    assert.equal(followDecrease(met, { at, limit: 15.2, firstClimb: false, confirmed: 0 }), met, 'met: nothing more to do');
  }
  // Two processes that measured 14.6 and 24.6 in one event converge by repeated meeting.
  let [a, b] = [followDecrease(fresh, { at: 10_000, limit: 14.6, firstClimb: false, confirmed: 0 }), followDecrease(fresh, { at: 10_300, limit: 24.6, firstClimb: false, confirmed: 0 })];
  for (let tick = 0; tick < 6; tick += 1) {
    a = followDecrease(a, { at: b.decreasedAt, limit: b.limit!, firstClimb: b.firstClimb, confirmed: b.confirmed });
    b = followDecrease(b, { at: a.decreasedAt, limit: a.limit!, firstClimb: a.firstClimb, confirmed: a.confirmed });
  }
  assert.ok(Math.abs(a.limit! - b.limit!) <= C.confirmTolerance * a.limit!, `${a.limit} and ${b.limit}`);
  assert.ok(a.limit! > 17 && a.limit! < 22, `between the two figures: ${a.limit}`);
});
