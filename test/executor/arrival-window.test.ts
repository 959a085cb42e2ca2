/** The host pacer's one-second counts: how long a start must wait so the server's sliding second never holds one request too many. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crowdedForMs, inSecondBefore, type SentRequest } from '../../src/executor/arrival-window.js';

/** The rule written the plain way: every request's counted arrival, latest first, the perSecond-th one leaves the window 1 s later. */
function plainCrowdedForMs(sent: readonly SentRequest[], minLatencyMs: number, concurrency: number, interval: number, now: number): number {
  if (interval <= 0) return 0;
  const perSecond = Math.max(1, Math.round(1000 / interval));
  const counted = sent.slice(-(perSecond + concurrency))
    .map(({ startedAt, answeredAt }) => (answeredAt === undefined ? startedAt : Math.max(startedAt, answeredAt - minLatencyMs)))
    .filter((time) => time > now - 1000)
    .sort((a, b) => b - a);
  return counted.length < perSecond ? 0 : Math.max(0, counted[perSecond - 1]! + 1000 - now);
}

/** Starts `interval` ms apart from 0, each answered `latency(i)` ms after its start (undefined: still in flight). */
const schedule = (count: number, interval: number, latency: (index: number) => number | undefined): SentRequest[] =>
  Array.from({ length: count }, (_, index) => {
    const startedAt = index * interval;
    const answeredIn = latency(index);
    return { startedAt, answeredAt: answeredIn === undefined ? undefined : startedAt + answeredIn };
  });

const cases: { label: string; sent: SentRequest[]; minLatencyMs: number; concurrency: number; interval: number; now: number; expected: number }[] = [
  { label: 'unlimited never waits', sent: schedule(50, 1, () => 5), minLatencyMs: 5, concurrency: 8, interval: 0, now: 49, expected: 0 },
  { label: 'fewer requests than a second holds', sent: schedule(10, 50, () => 20), minLatencyMs: 20, concurrency: 8, interval: 50, now: 500, expected: 0 },
  // 20 starts 50 ms apart from 0: the 20th latest (the first, at 0) leaves the second at 1000.
  { label: 'a full second on schedule: wait until the first leaves', sent: schedule(20, 50, () => 20), minLatencyMs: 20, concurrency: 8, interval: 50, now: 990, expected: 10 },
  { label: 'a full second, the first already out', sent: schedule(20, 50, () => 20), minLatencyMs: 20, concurrency: 8, interval: 50, now: 1000, expected: 0 },
  // The first request answered 45 ms after its start, the quickest 20: it may have arrived 25 ms late (at 25).
  { label: 'a late answer counts from its likely arrival', sent: schedule(20, 50, (index) => (index === 0 ? 45 : 20)), minLatencyMs: 20, concurrency: 8, interval: 50, now: 1000, expected: 25 },
  { label: 'requests still in flight count from their start', sent: schedule(20, 50, () => undefined), minLatencyMs: 20, concurrency: 8, interval: 50, now: 995, expected: 5 },
];

for (const { label, sent, minLatencyMs, concurrency, interval, now, expected } of cases) {
  test(`crowdedForMs: ${label}`, () => {
    assert.equal(crowdedForMs(sent, minLatencyMs, concurrency, interval, now), expected);
    assert.equal(plainCrowdedForMs(sent, minLatencyMs, concurrency, interval, now), expected, 'the plain rule agrees');
  });
}

/** A history as a host pacer makes it: starts `gap` ms apart at most `concurrency` in flight, each answered after `latency()` ms; those not answered by `now` in flight. */
function pacedHistory(count: number, concurrency: number, gap: () => number, latency: () => number): { sent: SentRequest[]; now: number } {
  const slotsFreeAt: number[] = Array.from({ length: concurrency }, () => 0);
  const history: { startedAt: number; answerAt: number }[] = [];
  let next = 0;
  for (let index = 0; index < count; index += 1) {
    const slot = slotsFreeAt.indexOf(Math.min(...slotsFreeAt));
    const startedAt = Math.max(next, slotsFreeAt[slot]!);
    const answerAt = startedAt + latency();
    slotsFreeAt[slot] = answerAt;
    history.push({ startedAt, answerAt });
    next = startedAt + gap();
  }
  const now = next;
  return { sent: history.map(({ startedAt, answerAt }) => ({ startedAt, answeredAt: answerAt <= now ? answerAt : undefined })), now };
}

test('crowdedForMs: the same answer as the plain rule over random paced histories, at rates from 5 to 800 req/s', () => {
  let seed = 7;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  let waited = 0;
  for (let round = 0; round < 400; round += 1) {
    const rate = 5 + Math.floor(random() * 800);
    const interval = 1000 / rate;
    const spacing = interval * (0.4 + 0.8 * random());
    const { sent, now } = pacedHistory(Math.floor(random() * 3 * rate), 8, () => spacing * (0.8 + 0.4 * random()), () => 10 + random() * 60);
    const expected = plainCrowdedForMs(sent, 10, 8, interval, now);
    if (expected > 0) waited += 1;
    assert.equal(crowdedForMs(sent, 10, 8, interval, now), expected, `round ${round}: ${sent.length} requests at ${rate} req/s`);
  }
  assert.ok(waited > 50, `the random histories include crowded seconds (${waited} of 400)`);
});

test('crowdedForMs: a rate far above what is sent looks at a few requests, not the whole history', () => {
  // 5 s of uploads at 380/s, 21 ms each, 8 at a time, while --rate auto has climbed to 5,000 req/s.
  const { sent, now } = pacedHistory(1900, 8, () => 1000 / 380, () => 21);
  let reads = 0;
  const counted = new Proxy(sent, {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property)) reads += 1;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  assert.equal(crowdedForMs(counted, 21, 8, 1000 / 5000, now), 0);
  assert.ok(reads <= 20, `${reads} requests read of ${sent.length}`);
});

test('inSecondBefore: counts (to − 1 s, to] and forgets what is older than the history', () => {
  const times = [0, 100, 5500, 6000, 6400, 6900];
  assert.equal(inSecondBefore(times, 6900, 6900), 3, '6000, 6400 and 6900');
  assert.deepEqual(times, [5500, 6000, 6400, 6900], 'older than 5 s before now: dropped');
  assert.equal(inSecondBefore(times, 6400, 6900), 3, '5500, 6000, 6400: a second that ended before now');
});
