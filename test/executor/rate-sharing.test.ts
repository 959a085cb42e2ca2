/**
 * Host pacers of two processes sharing one key (here: two HostPacers on one rate board in a temp
 * dir): the key's rate is split, a newcomer starts from the limit the other measured, and a
 * decrease by one is followed by the other. RateSharing alone: idle processes leave the board, and
 * a board that cannot be opened leaves pacing alone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { RemoteError } from '../../src/errors.js';
import { HostPacer } from '../../src/executor/host-pacer.js';
import { RateSharing, SHARE_FAST_TICK_MS, SHARE_IDLE_MS, SHARE_TICK_MS, type ShareReading } from '../../src/executor/rate-sharing.js';
import { RateBoard } from '../../src/journal/rate-board.js';

const tooMany = (): RemoteError => new RemoteError('429 Too Many Requests', {
  kind: 'rate-limit', status: 429, method: 'POST', url: 'http://h/api/v1/x', retryable: true, retryAfterMs: 50,
});

async function withBase(run: (base: string) => Promise<void>): Promise<void> {
  const base = await mkdtemp(path.join(os.tmpdir(), 'lumensync-rate-sharing-'));
  try {
    await run(base);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

/** A host pacer in auto mode on the board under `base` (host h:1, key k). */
function sharedPacer(base: string, failures: unknown[] = []): HostPacer {
  const host = new HostPacer({ concurrency: 4, rate: 'auto' });
  host.shareRate(() => RateBoard.open(base, 'h:1', 'k'), (error) => failures.push(error));
  return host;
}

/** `count` requests one after another, each waiting for its turn (so the pacer is hungry). */
async function sendSome(host: HostPacer, count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await host.turn(undefined);
    await host.send(async () => undefined);
  }
}

test('rate sharing: two processes on one key split its rate, the newcomer starting from the limit the other measured', () => withBase(async (base) => {
  const first = sharedPacer(base);
  const second = sharedPacer(base);
  try {
    first.seed({ limitPerSec: 40, ratePerSec: 38 });
    await sendSome(first, 4);
    assert.equal(second.rateState.limit, undefined, 'nothing learned before its first request');
    await sendSome(second, 4);
    assert.equal(second.rateState.limit, 40, 'the newcomer starts from the limit its sibling measured, not from slow start');
    const seededAt = second.rateState.epochAt;
    await sleep(SHARE_TICK_MS + 100);
    await sendSome(second, 2);
    assert.equal(second.rateState.epochAt, seededAt, 'seeded once: later ticks do not restart its climb');
    // ~1 s of sending at half of 38 req/s each: every pacer ticks (SHARE_TICK_MS) while both are hungry.
    await Promise.all([sendSome(first, 20), sendSome(second, 20)]);
    for (const host of [first, second]) {
      assert.ok(Math.abs(host.ratePerSec! - host.rateState.rate / 2) < 0.01, `each sends half of the key's rate (${host.ratePerSec} of ${host.rateState.rate})`);
      assert.equal(host.pacingSummary().sharedWith, 1);
      assert.match(host.pacingSummary().text, /shared with 1 other process on this machine/);
    }
  } finally {
    first.stopSharing();
    second.stopSharing();
  }
}));

test('rate sharing: a decrease one process makes on a 429 is followed by the other, from the same moment', () => withBase(async (base) => {
  const first = sharedPacer(base);
  const second = sharedPacer(base);
  try {
    first.seed({ limitPerSec: 40, ratePerSec: 38 });
    await Promise.all([sendSome(first, 6), sendSome(second, 6)]);
    await first.turn(undefined);
    await assert.rejects(first.send(async () => { throw tooMany(); }));
    const decreasedAt = first.rateState.decreasedAt;
    assert.ok(Number.isFinite(decreasedAt), 'the 429 lowered the first process\'s rate');
    await sleep(SHARE_TICK_MS * 2 + 100);
    await sendSome(second, 2);
    const follows = second.pacingSummary().decisions.filter((decision) => decision.event === 'follow');
    assert.equal(follows.length, 1, JSON.stringify(second.pacingSummary().decisions));
    assert.equal(second.pacingSummary().decreases.follow, 1);
    assert.equal(second.pacingSummary().decreases.throttle, 0, 'the follower got no 429 itself');
    assert.ok(Math.abs(second.rateState.decreasedAt - decreasedAt) < 20, `the same moment (${second.rateState.decreasedAt} vs ${decreasedAt})`);
    assert.equal(second.rateState.limit, first.rateState.limit);
  } finally {
    first.stopSharing();
    second.stopSharing();
  }
}));

test('rate sharing: a board that cannot be opened is reported once, and pacing goes on alone', async () => {
  const failures: unknown[] = [];
  const host = new HostPacer({ concurrency: 2, rate: 'auto' });
  host.shareRate(async () => { throw new Error('read-only file system'); }, (error) => failures.push(error));
  await sendSome(host, 3);
  assert.equal(failures.length, 1);
  assert.match(String(failures[0]), /read-only file system/);
  assert.equal(host.ratePerSec, host.rateState.rate, 'the whole rate: no siblings known');
});

test('rate sharing: pinned and unlimited rates never join a board', () => withBase(async (base) => {
  for (const rate of [20, 0]) {
    const host = new HostPacer({ concurrency: 2, rate });
    let opened = 0;
    host.shareRate(() => { opened += 1; return RateBoard.open(base, 'h:1', 'k'); }, () => undefined);
    await host.turn(undefined);
    await host.send(async () => undefined);
    assert.equal(opened, 0, `--rate ${rate}`);
  }
}));

/** A RateSharing with a host whose last activity is `quietForMs` ago. */
function sharingQuietFor(base: string, quietForMs: number): RateSharing {
  const reading = (): ShareReading => ({
    sentRate: 3, acceptedRate: 3, hungry: true, keyRatePerSec: 20, ratePerSec: 10, limitPerSec: 20, decreasedAt: -Infinity, firstClimb: false, confirmed: 0, settling: false,
    lastActiveAt: performance.now() - quietForMs,
  });
  return new RateSharing(() => RateBoard.open(base, 'h:1', 'k'), { reading, adopt: () => undefined }, () => performance.now(), (error) => { throw error; });
}

test('rate sharing: a process quiet for SHARE_IDLE_MS takes its record off the board; a sending one keeps it there', () => withBase(async (base) => {
  const observer = await RateBoard.open(base, 'h:1', 'k');
  const quiet = sharingQuietFor(base, SHARE_IDLE_MS + 1000);
  const busy = sharingQuietFor(base, 0);
  try {
    await quiet.wake();
    await busy.wake();
    const own = { sentRate: 0, acceptedRate: 0, hungry: false, keyRatePerSec: 20, ratePerSec: 20, limitPerSec: null, decreasedAt: null, firstClimb: false, confirmed: 0 };
    const seen = await observer.exchange(own);
    assert.equal(seen.length, 1, 'only the sending process is on the board');
    assert.equal(seen[0]!.sentRate, 3);
    assert.equal(seen[0]!.limitPerSec, 20);
    assert.equal(seen[0]!.decreasedAt, null, 'no decrease yet');
    await busy.tick();
    assert.deepEqual(busy.view.map((sibling) => sibling.hungry), [false], 'the busy one sees the observer');
    assert.equal(busy.share(20), 20 - (0 * 1.2 + 0.5), 'an observer that sends nothing keeps only the floor of its demand');
  } finally {
    quiet.close();
    busy.close();
    observer.close();
  }
}));

test('rate sharing: a newcomer takes only what its siblings leave until they have had a tick to see it, then its fair part', () => withBase(async (base) => {
  const incumbent = await RateBoard.open(base, 'h:1', 'k');
  let clock = 1000;
  const reading = (): ShareReading => ({
    sentRate: 0, acceptedRate: 0, hungry: true, keyRatePerSec: 20, ratePerSec: 20, limitPerSec: 20, decreasedAt: -Infinity, firstClimb: false, confirmed: 0,
    lastActiveAt: clock, settling: false,
  });
  const newcomer = new RateSharing(() => RateBoard.open(base, 'h:1', 'k'), { reading, adopt: () => undefined }, () => clock, (error) => { throw error; });
  try {
    await incumbent.exchange({ sentRate: 18, acceptedRate: 18, hungry: true, keyRatePerSec: 20, ratePerSec: 20, limitPerSec: 20, decreasedAt: null, firstClimb: false, confirmed: 0 });
    await newcomer.wake();
    assert.equal(newcomer.share(20), 2, 'what the incumbent leaves');
    await incumbent.exchange({ sentRate: 19.8, acceptedRate: 19.8, hungry: true, keyRatePerSec: 20, ratePerSec: 20, limitPerSec: 20, decreasedAt: null, firstClimb: false, confirmed: 0 });
    await newcomer.tick();
    assert.equal(newcomer.share(20), 1, 'at least 5 % of the key');
    clock += SHARE_TICK_MS + SHARE_FAST_TICK_MS;
    assert.equal(newcomer.share(20), 10, 'then an equal part');
  } finally {
    newcomer.close();
    incumbent.close();
  }
}));
