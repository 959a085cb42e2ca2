/** The pacer: one host pacer shared by every session, Retry-After for the whole host, the auto rate fed by answers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteError } from '../../src/errors.js';
import { HostPacer } from '../../src/executor/host-pacer.js';
import { Pacer, PacerPool } from '../../src/executor/pacer.js';
import { describeThroughputLimit, type PacerReading } from '../../src/executor/throughput-limit.js';
import { parseRate } from '../../src/cli/mirror-options.js';

const tooMany = (retryAfterMs: number | undefined): RemoteError => new RemoteError('429 Too Many Requests', {
  kind: 'rate-limit', status: 429, method: 'POST', url: 'http://h/api/v1/x', retryable: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

test('pacer pool: one host pacer per host, shared by every session', () => {
  const pool = new PacerPool({ concurrency: 2, ratePerSecond: 'auto' });
  const a = pool.pacer('h:1', {});
  const b = pool.pacer('h:1', {});
  const other = pool.pacer('other:1', {});
  assert.equal(a.host, b.host);
  assert.notEqual(a.host, other.host);
});

test('pacer pool: the --rate auto tunables reach every host pacer', () => {
  const pool = new PacerPool({ concurrency: 2, ratePerSecond: 'auto', rateConfig: { initialRate: 3, maxRate: 50 } });
  assert.equal(pool.hostPacer('h:1').ratePerSec, 3);
  assert.equal(new PacerPool({ concurrency: 2, ratePerSecond: 'auto' }).hostPacer('h:1').ratePerSec, 80, 'the documented --rate-start default');
});

test('pacer: a Retry-After seen by one mirror holds every request to the host, from every mirror, until it has passed', async () => {
  const pool = new PacerPool({ concurrency: 2, ratePerSecond: 0 });
  const first = pool.pacer('h:1', { minBackoffMs: 1, maxBackoffMs: 5 });
  const second = pool.pacer('h:1', { minBackoffMs: 1, maxBackoffMs: 5 });
  const starts: number[] = [];
  let answeredAt = Number.POSITIVE_INFINITY;
  let refused = false;
  const throttledOnce = first.run('a', async () => {
    starts.push(performance.now());
    if (!refused) {
      refused = true;
      await sleep(50);
      answeredAt = performance.now();
      throw tooMany(300);
    }
    return 'a';
  });
  // The other mirror's requests take the second slot one after another, before and after the 429.
  const others = Array.from({ length: 8 }, (_, i) => second.run(`b${i}`, async () => { starts.push(performance.now()); await sleep(20); return i; }));
  assert.deepEqual(await Promise.all([throttledOnce, ...others]), ['a', 0, 1, 2, 3, 4, 5, 6, 7]);
  // Requests sent before the 429 came back were in flight; every one sent after it waited out the Retry-After.
  const afterAnswer = starts.filter((start) => start > answeredAt);
  assert.ok(afterAnswer.length >= 2, `${afterAnswer.length} requests after the 429`);
  for (const start of afterAnswer) assert.ok(start >= answeredAt + 300, `a request started ${(start - answeredAt).toFixed(1)} ms after a Retry-After of 300 ms`);
  assert.equal(first.retries, 1);
});

test('pacer: stop() rejects only its own queued requests; the shared host keeps serving the others', async () => {
  const pool = new PacerPool({ concurrency: 1, ratePerSecond: 0 });
  const leaving = pool.pacer('h:1', {});
  const staying = pool.pacer('h:1', {});
  let release: () => void = () => undefined;
  const blocker = staying.run('block', () => new Promise<string>((resolve) => { release = () => resolve('blocked'); }));
  const queued = leaving.run('queued', async () => 'should not run');
  const after = staying.run('after', async () => 'after');
  leaving.stop();
  await assert.rejects(queued);
  release();
  assert.deepEqual(await Promise.all([blocker, after]), ['blocked', 'after']);
  assert.equal(leaving.depth, 0);
});

test('host pacer (auto): healthy answers raise the rate, a 429 sets the limit from what got through', async () => {
  // Started at 10 req/s (not the default 40): ten answers within a second may lift it up to twice what was sent.
  const host = new HostPacer({ concurrency: 1, rate: 'auto', rateConfig: { initialRate: 10 } });
  const before = host.ratePerSec!;
  for (let i = 0; i < 10; i += 1) await host.send(async () => i);
  assert.ok(host.ratePerSec! > before, 'slow start raises the rate');
  assert.equal(host.learned(), undefined, 'no limit learned without a 429');
  await assert.rejects(host.send(async () => { throw tooMany(1000); }));
  const learned = host.learned();
  assert.ok(learned !== undefined && learned.limitPerSec <= 11, `limit ${learned?.limitPerSec}: 10 let through in the last second`);
  assert.ok(host.ratePerSec! < learned.limitPerSec);
  assert.equal(host.throttled, 1);
});

test('host pacer: a pinned rate spaces concurrent starts one interval apart, from the first', async () => {
  const host = new HostPacer({ concurrency: 4, rate: 50 });
  const started = performance.now();
  const at: number[] = [];
  await Promise.all(Array.from({ length: 4 }, () => host.turn(undefined).then(() => at.push(performance.now() - started))));
  const interval = (1000 / 50) * 1.02;
  // The first goes at once; start i is due i intervals after the turns were asked for (measured from
  // then, not from the first's callback, which a busy event loop can run a few ms late: CI on Node 24 saw 2 ms).
  assert.ok(at[0]! < interval, `the first start waited ${at[0]} ms`);
  for (let i = 1; i < 4; i += 1) assert.ok(at[i]! >= i * interval - 2, `start ${i} at ${at[i]} ms, first at ${at[0]} ms`);
});

test('host pacer: a learned limit seeds the rate unless this process has learned one itself', async () => {
  const seeded = new HostPacer({ concurrency: 1, rate: 'auto' });
  seeded.seed({ limitPerSec: 40, ratePerSec: 38 });
  assert.equal(seeded.learned()?.limitPerSec, 40);
  assert.ok(seeded.ratePerSec! > 30 && seeded.ratePerSec! < 40);
  const answered = new HostPacer({ concurrency: 1, rate: 'auto' });
  await answered.send(async () => 1);
  answered.seed({ limitPerSec: 40, ratePerSec: 38 });
  assert.equal(answered.learned()?.limitPerSec, 40, 'a few answers (org resolution) do not stop the seed');
  const throttledAlready = new HostPacer({ concurrency: 1, rate: 'auto' });
  await assert.rejects(throttledAlready.send(async () => { throw tooMany(undefined); }));
  const own = throttledAlready.learned()!.limitPerSec;
  throttledAlready.seed({ limitPerSec: 40, ratePerSec: 38 });
  assert.equal(throttledAlready.learned()?.limitPerSec, own);
  const pinned = new HostPacer({ concurrency: 1, rate: 7 });
  pinned.seed({ limitPerSec: 40, ratePerSec: 38 });
  assert.equal(pinned.ratePerSec, 7);
});

test('host pacer: the window guard counts a late arrival (slow first answer) from when it may have reached the server', async () => {
  let clock = 0;
  const host = new HostPacer({ concurrency: 8, rate: 20, now: () => clock });
  const interval = (1000 / 20) * 1.02;
  // The first request waits 25 ms for its connection, then 2 ms like every other: it reached the server at ~25 ms.
  await host.send(async () => { clock += 27; });
  for (let i = 1; i < 20; i += 1) {
    clock = i * interval;
    await host.send(async () => { clock += 2; });
  }
  // On schedule, the 21st start is 20 intervals after the first; the server still counts the first arrival then.
  const wait = host.windowWaitMs(interval, 20 * interval);
  assert.ok(wait >= 4 && wait <= 6, `waits ${wait} ms (the first arrival leaves the server's second at 1025 ms)`);
  assert.equal(host.windowWaitMs(interval, 1025), 0);
});

test('pacer: --rate 0 and a pinned rate keep their rate whatever the answers', async () => {
  const pinned = new Pacer({ ratePerSecond: 50, retries: 0 });
  await assert.rejects(pinned.run('x', async () => { throw tooMany(1); }));
  assert.equal(pinned.host.ratePerSec, 50);
  assert.equal(new Pacer({ ratePerSecond: 0 }).host.ratePerSec, undefined);
  assert.equal(new Pacer().host.mode, 'auto');
});

const reading = (patch: Partial<PacerReading>): PacerReading => ({
  mode: 'auto', ratePerSec: 19, serverLimitPerSec: 18.4, limitSource: 'throttle', inFlight: 1, waitingForRate: 2, queued: 5, concurrency: 8, latencyMs: 25, pausedForMs: 0, siblings: 0, ...patch,
});
const limitCases: { label: string; reading: PacerReading; kind: string; text: string }[] = [
  { label: 'Retry-After pause wins', reading: reading({ pausedForMs: 11_200 }), kind: 'paused', text: 'server unavailable, retry in 12 s' },
  { label: 'auto with a learned limit', reading: reading({}), kind: 'paced', text: 'paced: server limit ≈ 18 req/s (learned)' },
  { label: 'auto, the key shared with another process', reading: reading({ siblings: 1, ratePerSec: 9.2 }), kind: 'paced', text: 'paced: server limit ≈ 18 req/s (learned), shared with 1 other process: 9.2 req/s here' },
  { label: 'auto, limit from an earlier run', reading: reading({ limitSource: 'saved' }), kind: 'paced', text: 'paced: server limit ≈ 18 req/s (learned earlier)' },
  { label: 'auto, still probing', reading: reading({ serverLimitPerSec: undefined, limitSource: undefined, ratePerSec: 40 }), kind: 'paced', text: "paced: probing the server's limit, now 40 req/s (auto)" },
  { label: 'pinned rate', reading: reading({ mode: 'pinned', ratePerSec: 10 }), kind: 'paced', text: 'paced: --rate 10' },
  { label: 'every slot in flight', reading: reading({ inFlight: 8, waitingForRate: 0 }), kind: 'latency-bound', text: 'latency-bound: 8 in flight × 25 ms' },
  { label: 'nothing to do', reading: reading({ inFlight: 0, waitingForRate: 0, queued: 0 }), kind: 'idle', text: 'idle' },
  { label: 'unlimited with free slots', reading: reading({ mode: 'unlimited', ratePerSec: undefined, waitingForRate: 0, queued: 0 }), kind: 'open', text: 'not limited by pacing: 1 in flight of 8' },
];
for (const { label, reading: input, kind, text } of limitCases) {
  test(`throughput limit: ${label}`, () => {
    const limit = describeThroughputLimit(input);
    assert.equal(limit.kind, kind);
    assert.equal(limit.text, text);
  });
}

test('--rate accepts auto or a number; anything else is reported by the validation', () => {
  assert.equal(parseRate('auto'), 'auto');
  assert.equal(parseRate('AUTO'), 'auto');
  assert.equal(parseRate('12.5'), 12.5);
  assert.equal(parseRate('0'), 0);
  assert.ok(Number.isNaN(parseRate('fast')));
  assert.equal(parseRate(undefined), undefined);
});
