/** The emulator's rate limits, counted three ways (rate-limiter.ts): table-tested arrival by arrival. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateCounter, type RateLimitKind } from '../../src/emulator/rate-limiter.js';
import { FaultEngine, validateFaults } from '../../src/emulator/faults.js';
import { faultsFromArgs } from '../../src/emulator/command.js';

/** [arrival ms, expected Retry-After (undefined: let through)] */
type Arrival = [number, number | undefined];

const cases: [RateLimitKind, number, Arrival[], string][] = [
  ['sliding-window', 2, [[0, undefined], [100, undefined], [200, 1], [999, 1], [1000, undefined], [1001, 1], [1100, undefined]],
    'at most 2 in any second: 1000 frees the slot of 0, 1100 the slot of 100'],
  ['fixed-window', 2, [[0, undefined], [100, undefined], [200, 1], [999, 1], [1000, undefined], [1001, undefined], [1002, 1], [1999, 1], [2500, undefined]],
    'at most 2 per wall-clock second: the count starts again at 1000 (1001 is let through where a sliding window refuses it)'],
  ['token-bucket', 2, [[0, undefined], [0, undefined], [100, 1], [600, undefined], [700, 1], [1600, undefined], [1600, undefined], [1600, 1]],
    'a burst of 2, then 2 per second: 0.2 tokens at 100, 1.2 at 600, full (2) again at 1600'],
  ['token-bucket', 0.5, [[0, undefined], [10, 2], [1999, 1], [2000, undefined]],
    'one request per 2 s: Retry-After is the whole seconds until a token is back'],
];

test('each kind of limit, arrival by arrival', async (t) => {
  for (const [kind, limit, arrivals, why] of cases) {
    await t.test(`${kind} at ${limit}/s: ${why}`, () => {
      const counter = new RateCounter();
      assert.deepEqual(arrivals.map(([at]) => counter.admit(at, limit, kind)), arrivals.map(([, expected]) => expected));
    });
  }
  await t.test('no limit (0) lets everything through', () => {
    const counter = new RateCounter();
    for (const kind of ['sliding-window', 'fixed-window', 'token-bucket'] as const) assert.equal(counter.admit(0, 0, kind), undefined);
  });
});

test('a limit counts as rateLimitKind for the server and for each key; Retry-After can be pinned', () => {
  const perKey = new FaultEngine({ rateLimitPerKeyPerSec: 2, rateLimitKind: 'fixed-window', faultSeed: 1 });
  const limited = (at: number, key: string): boolean => perKey.decide(at, key).rateLimitRetryAfter !== undefined;
  assert.deepEqual([limited(900, 'a'), limited(950, 'a'), limited(990, 'a'), limited(1000, 'a'), limited(1001, 'a')], [false, false, true, false, false]);
  assert.equal(limited(990, 'b'), false, 'each key counts apart');
  const server = new FaultEngine({ rateLimitPerSec: 1, rateLimitKind: 'token-bucket', retryAfterSeconds: 7, faultSeed: 1 });
  assert.deepEqual([server.decide(0, 'a').rateLimitRetryAfter, server.decide(10, 'b').rateLimitRetryAfter], [undefined, 7]);
  // The default stays the sliding window.
  const sliding = new FaultEngine({ rateLimitPerKeyPerSec: 2, faultSeed: 1 });
  assert.deepEqual([900, 950, 1000, 1001].map((at) => sliding.decide(at, 'a').rateLimitRetryAfter !== undefined), [false, false, true, true]);
});

test('an unknown kind is refused with the known ones named, from settings and from the command line', () => {
  assert.throws(() => validateFaults({ rateLimitKind: 'leaky' as RateLimitKind }), /rateLimitKind must be one of sliding-window, fixed-window, token-bucket \(got leaky\)/);
  assert.deepEqual(faultsFromArgs({ 'rate-limit-per-key': 20, 'rate-limit-kind': 'token-bucket' }), { rateLimitPerKeyPerSec: 20, rateLimitKind: 'token-bucket' });
  assert.throws(() => faultsFromArgs({ 'rate-limit-kind': 'sliding' }), /rateLimitKind must be one of/);
});
