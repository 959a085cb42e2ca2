import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LumenSyncError } from '../../src/errors.js';
import { createPrng, describeFaults, FaultEngine, validateFaults, type FaultOptions } from '../../src/emulator/faults.js';

test('createPrng is deterministic per seed and in [0,1)', () => {
  const a = createPrng(42);
  const b = createPrng(42);
  const c = createPrng(43);
  const seqA = Array.from({ length: 100 }, a);
  assert.deepEqual(seqA, Array.from({ length: 100 }, b));
  assert.notDeepEqual(seqA, Array.from({ length: 100 }, c));
  assert.ok(seqA.every((x) => x >= 0 && x < 1));
});

test('validateFaults rejects bad values', async (t) => {
  const cases: [string, FaultOptions, RegExp | null][] = [
    ['all off', {}, null],
    ['rates in range', { errorRate: 0, dropRate: 1, spikeRate: 0.5 }, null],
    ['rate above 1', { errorRate: 1.5 }, /errorRate must be a number between 0 and 1/],
    ['negative latency', { latencyMs: -1 }, /latencyMs must be a number >= 0/],
    ['NaN limit', { rateLimitPerSec: Number.NaN }, /rateLimitPerSec/],
    ['fractional seed', { faultSeed: 1.5 }, /faultSeed must be an integer/],
  ];
  for (const [label, faults, expected] of cases) {
    await t.test(label, () => {
      if (expected === null) assert.deepEqual(validateFaults(faults), faults);
      else assert.throws(() => validateFaults(faults), (e: unknown) => e instanceof LumenSyncError && e.code === 'LUMENSYNC_USAGE' && expected.test(e.message));
    });
  }
});

test('FaultEngine decisions', async (t) => {
  const cases: [label: string, faults: FaultOptions, check: (d: ReturnType<FaultEngine['decide']>) => void][] = [
    ['nothing by default', {}, (d) => assert.deepEqual(d, { delayMs: 0, dropAfterApply: false, errorAfterApply: false })],
    ['error after apply (issue 15) shares the drop-after-apply draw: both at 1 → the drop wins', { dropAfterApplyRate: 1, errorAfterApplyRate: 1 }, (d) => { assert.equal(d.dropAfterApply, true); assert.equal(d.errorAfterApply, false); }],
    ['error after apply alone', { errorAfterApplyRate: 1, errorAfterApplyStatus: 502 }, (d) => { assert.equal(d.errorAfterApply, true); assert.equal(d.dropAfterApply, false); }],
    ['down wins over everything', { down: true, errorRate: 1, latencyMs: 10 }, (d) => { assert.equal(d.drop, 'down'); assert.equal(d.delayMs, 0); }],
    ['drop before 429/500', { dropRate: 1, errorRate: 1, rateLimitFraction: 1 }, (d) => assert.equal(d.drop, 'drop')],
    ['429 before 500, Retry-After 1 by default', { rateLimitFraction: 1, errorRate: 1 }, (d) => { assert.equal(d.rateLimitRetryAfter, 1); assert.equal(d.serverError, undefined); }],
    ['retryAfterSeconds overrides', { rateLimitFraction: 1, retryAfterSeconds: 7 }, (d) => assert.equal(d.rateLimitRetryAfter, 7)],
    ['500', { errorRate: 1 }, (d) => assert.equal(d.serverError, true)],
    ['latency', { latencyMs: 25 }, (d) => { assert.equal(d.delayMs, 25); assert.equal(d.delayKind, 'latency'); }],
    ['spike adds spikeMs', { latencyMs: 5, spikeRate: 1, spikeMs: 100 }, (d) => { assert.equal(d.delayMs, 105); assert.equal(d.delayKind, 'spike'); }],
    ['drop after apply', { dropAfterApplyRate: 1 }, (d) => assert.equal(d.dropAfterApply, true)],
  ];
  for (const [label, faults, check] of cases) await t.test(label, () => check(new FaultEngine(faults).decide(0)));
});

test('jitter stays within bounds', () => {
  const engine = new FaultEngine({ latencyMs: 10, latencyJitterMs: 20, faultSeed: 1 });
  for (let i = 0; i < 200; i += 1) {
    const { delayMs } = engine.decide(i);
    assert.ok(delayMs >= 10 && delayMs <= 30, String(delayMs));
  }
});

test('same seed → same fault sequence; set() with a seed restarts it', () => {
  const run = (engine: FaultEngine) => Array.from({ length: 50 }, (_, i) => {
    const d = engine.decide(i * 1000);
    return `${d.serverError === true ? 'E' : '.'}${engine.removeFails() ? 'R' : '.'}`;
  }).join('');
  const faults = { errorRate: 0.3, removeFailRate: 0.5, faultSeed: 7 };
  const engine = new FaultEngine(faults);
  const first = run(engine);
  assert.equal(first, run(new FaultEngine(faults)));
  assert.match(first, /E/);
  assert.match(first, /\.\./);
  engine.set(faults);
  assert.equal(run(engine), first);
});

test('sliding-window rate limit', () => {
  const engine = new FaultEngine({ rateLimitPerSec: 2 });
  assert.equal(engine.decide(0).rateLimitRetryAfter, undefined);
  assert.equal(engine.decide(100).rateLimitRetryAfter, undefined);
  assert.equal(engine.decide(200).rateLimitRetryAfter, 1, 'third within a second → 429');
  assert.equal(engine.decide(999).rateLimitRetryAfter, 1);
  assert.equal(engine.decide(1000).rateLimitRetryAfter, undefined, 'the oldest left the window');
  assert.equal(engine.decide(1050).rateLimitRetryAfter, 1);
  assert.equal(engine.decide(1100).rateLimitRetryAfter, undefined);
});

test('describeFaults lists only active settings', () => {
  assert.equal(describeFaults({}), '');
  assert.equal(describeFaults({ errorRate: 0.2, latencyMs: 0, down: false, faultSeed: 0 }), 'errorRate=0.2, faultSeed=0');
});
