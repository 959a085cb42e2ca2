/** What one pass of a watch daemon did, for its history, its alerts and pm2's log. */
import type { Plan } from '../core/plan-types.js';
import type { FailureRecord, StatsSnapshot } from '../stats/stats.js';
import type { PassReport } from './history.js';

/** The files a pass uploaded: its plan's uploads that did not fail. */
export function uploadedPaths(plan: Plan, failures: readonly FailureRecord[]): string[] {
  const failedPaths = new Set(failures.map((failure) => failure.relativePath));
  return plan.actions.flatMap((action) => (action.kind === 'upload' && !failedPaths.has(action.relativePath) ? [action.relativePath] : []));
}

/** The fields of the "pass finished" log line. */
export function passLogFields(plan: Plan, scope: readonly string[] | undefined, failed: number): Record<string, unknown> {
  const { uploads, replacements, renames, adoptions, removes, embeds, unembeds } = plan.summary;
  return { scoped: scope !== undefined, paths: scope?.length, uploads, replacements, renames, adoptions, removes, embeds, unembeds, failed };
}

/** A pass's record, from the session's counters before and after it. */
export function passReport(
  pass: Pick<PassReport, 'startedAt' | 'full' | 'listed' | 'failures' | 'error' | 'held' | 'released' | 'uploadedPaths'>,
  before: StatsSnapshot,
  after: StatsSnapshot,
  now = Date.now(),
): PassReport {
  return {
    ...pass, durationMs: now - pass.startedAt,
    uploads: after.uploaded + after.replaced - before.uploaded - before.replaced, deletes: after.deleted - before.deleted,
    bytes: after.bytesUploaded - before.bytesUploaded,
  };
}
