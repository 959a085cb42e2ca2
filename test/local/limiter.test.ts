/** Limiter: never more than `max` tasks in flight, order kept, failures passed through. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Limiter } from '../../src/local/limiter.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('Limiter', async (t) => {
  const cases: Array<{ label: string; max: number; tasks: number; expectedPeak: number }> = [
    { label: 'one at a time', max: 1, tasks: 20, expectedPeak: 1 },
    { label: 'four at a time', max: 4, tasks: 50, expectedPeak: 4 },
    { label: 'more slots than tasks', max: 64, tasks: 10, expectedPeak: 10 },
    { label: 'zero is clamped to one', max: 0, tasks: 5, expectedPeak: 1 },
    { label: 'many waiters (queue compaction)', max: 3, tasks: 5000, expectedPeak: 3 },
  ];
  for (const testCase of cases) {
    await t.test(testCase.label, async () => {
      const limiter = new Limiter(testCase.max);
      let active = 0;
      let peak = 0;
      const started: number[] = [];
      const results = await Promise.all(
        Array.from({ length: testCase.tasks }, (_, index) =>
          limiter.run(async () => {
            started.push(index);
            active++;
            peak = Math.max(peak, active);
            await tick();
            active--;
            return index * 2;
          }),
        ),
      );
      assert.equal(peak, testCase.expectedPeak);
      assert.deepEqual(started, Array.from({ length: testCase.tasks }, (_, index) => index), 'tasks start in submission order');
      assert.deepEqual(results, Array.from({ length: testCase.tasks }, (_, index) => index * 2));
    });
  }
  await t.test('a failing task rejects its own call and frees its slot', async () => {
    const limiter = new Limiter(1);
    const failing = limiter.run(async () => {
      throw new Error('boom');
    });
    const next = limiter.run(async () => 'ran');
    await assert.rejects(failing, /boom/);
    assert.equal(await next, 'ran');
  });
});
