import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffMs, DEGRADED_RECONCILE_MS, nextReconcileAt, reconcileIntervalMs } from '../../src/watch/reconcile-schedule.js';
import { passReport, uploadedPaths } from '../../src/watch/pass-report.js';
import type { Plan } from '../../src/core/plan-types.js';
import type { StatsSnapshot } from '../../src/stats/stats.js';

test('reconcile schedule: interval capped while degraded, verification due wins but not within 1 s, backoff doubles to its cap', () => {
  assert.equal(reconcileIntervalMs(3_600_000, false), 3_600_000);
  assert.equal(reconcileIntervalMs(3_600_000, true), DEGRADED_RECONCILE_MS);
  assert.equal(reconcileIntervalMs(10_000, true), 10_000);
  assert.equal(nextReconcileAt(1_000, 60_000, 500_000), 61_000, 'the interval comes first');
  assert.equal(nextReconcileAt(1_000, 60_000, 30_000), 30_000, 'a verification falls due first');
  assert.equal(nextReconcileAt(1_000, 60_000, 0), 2_000, 'an overdue verification: 1 s later, not at once');
  const tuning = { minBackoffMs: 1_000, maxBackoffMs: 5_000 };
  assert.deepEqual([1, 2, 3, 4].map((streak) => backoffMs(tuning, streak)), [1_000, 2_000, 4_000, 5_000]);
});

test('pass report: counts are the differences of the counters; uploaded paths leave out failed uploads', () => {
  const counters = (uploaded: number, replaced: number, deleted: number, bytesUploaded: number) => ({ uploaded, replaced, deleted, bytesUploaded }) as unknown as StatsSnapshot;
  const report = passReport({ startedAt: 1_000, full: true, listed: false, failures: 1, error: undefined, held: 2, released: 0, uploadedPaths: ['a'] }, counters(3, 1, 0, 100), counters(5, 2, 4, 350), 1_250);
  assert.deepEqual(report, { startedAt: 1_000, full: true, listed: false, failures: 1, error: undefined, held: 2, released: 0, uploadedPaths: ['a'], durationMs: 250, uploads: 3, deletes: 4, bytes: 250 });
  const plan = { actions: [
    { kind: 'upload', relativePath: 'a', sha256: 'x', size: 1, mtimeMs: 1 },
    { kind: 'upload', relativePath: 'b', sha256: 'y', size: 1, mtimeMs: 1 },
    { kind: 'rename', fromRelativePath: 'c', relativePath: 'd', docpath: 'o/f/d', size: 1, mtimeMs: 1 },
  ] } as unknown as Plan;
  assert.deepEqual(uploadedPaths(plan, [{ operation: 'upload', relativePath: 'b', message: '413', retryable: false }]), ['a']);
});
