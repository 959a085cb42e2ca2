/** When a watch daemon's next full reconcile is due, and how long it backs off after a failed pass. */
import type { WatchTuning } from './mirror-types.js';

/** Reconcile this often at most while the watcher is degraded, whatever --reconcile-interval says. */
export const DEGRADED_RECONCILE_MS = 60_000;

/** The reconcile interval in force: --reconcile-interval, capped while the watcher is degraded (it may miss events). */
export const reconcileIntervalMs = (configuredMs: number, watcherDegraded: boolean): number =>
  (watcherDegraded ? Math.min(configuredMs, DEGRADED_RECONCILE_MS) : configuredMs);

/** The next full reconcile: after the interval, or when a verification falls due (journal-first), at least 1 s after this one. */
export const nextReconcileAt = (lastReconcileAt: number, intervalMs: number, verificationDueAt: number): number =>
  Math.min(lastReconcileAt + intervalMs, Math.max(verificationDueAt, lastReconcileAt + 1000));

/** The wait before the full reconcile that follows the `streak`-th failed pass in a row: doubling, capped. */
export const backoffMs = (tuning: Pick<WatchTuning, 'minBackoffMs' | 'maxBackoffMs'>, streak: number): number =>
  Math.min(tuning.maxBackoffMs, tuning.minBackoffMs * 2 ** (streak - 1));
