/** The start line: one head at a time, in arrival order; an aborted waiter leaves; the head's nap ends when woken. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartLine } from '../../src/executor/start-line.js';

test('start line: waiters become the head one at a time, in arrival order', async () => {
  const line = new StartLine();
  const order: number[] = [];
  await line.enter();
  const entered = [1, 2, 3].map((n) => line.enter().then(() => order.push(n)));
  assert.equal(line.waitingBehindHead, 3);
  await Promise.resolve();
  assert.deepEqual(order, [], 'nobody passes the head');
  for (let n = 1; n <= 3; n += 1) {
    line.leave();
    await entered[n - 1];
    assert.deepEqual(order, [1, 2, 3].slice(0, n));
  }
  line.leave();
  await line.enter(); // the line is free again: no wait
  line.leave();
});

test('start line: a waiter whose signal aborts leaves the line; the others keep their order', async () => {
  const line = new StartLine();
  await line.enter();
  const abort = new AbortController();
  const order: string[] = [];
  const gone = line.enter(abort.signal).then(() => order.push('aborted one'), () => order.push('rejected'));
  const next = line.enter().then(() => order.push('next'));
  abort.abort(new Error('stopped'));
  await gone;
  assert.equal(line.waitingBehindHead, 1);
  line.leave();
  await next;
  assert.deepEqual(order, ['rejected', 'next']);
  line.leave();
  await assert.rejects(line.enter(abort.signal), /stopped/, 'an aborted signal does not enter');
});

test("start line: wake() ends the head's nap early; an abort rejects it", async () => {
  const line = new StartLine();
  const started = performance.now();
  const nap = line.nap(60_000);
  setTimeout(() => line.wake(), 20);
  await nap;
  assert.ok(performance.now() - started < 30_000, 'woken long before the nap was over');
  line.wake(); // nobody napping: nothing happens
  const abort = new AbortController();
  const aborted = line.nap(60_000, abort.signal);
  abort.abort(new Error('stop'));
  await assert.rejects(aborted, /stop/);
  await line.nap(1); // a short nap ends by itself
});
