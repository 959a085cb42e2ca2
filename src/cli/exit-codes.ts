/** Exit codes (documented in the README) and how an outcome maps to one. */
import { LumenSyncError, RemoteError } from '../errors.js';
import type { FailureRecord } from '../stats/stats.js';

export const EXIT = {
  /** In sync. */
  OK: 0,
  /** Some files failed permanently. */
  PARTIAL: 1,
  /** Usage or configuration error. */
  USAGE: 2,
  /** Authentication or access: bad key, account, org or workspace. */
  ACCESS: 3,
  /** A safety guard stopped deletes. */
  GUARD: 4,
  /** The server stayed unavailable after retries: try again later. */
  UNAVAILABLE: 5,
  /** Stopped by SIGINT/SIGTERM before finishing (128 + SIGINT, as shells expect). */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Exit code for an error that ended the run. */
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof RemoteError) {
    if (error.kind === 'auth' || error.kind === 'not-found') return EXIT.ACCESS;
    if (error.retryable) return EXIT.UNAVAILABLE;
    if (error.kind === 'validation') return EXIT.USAGE;
    return EXIT.PARTIAL;
  }
  if (error instanceof LumenSyncError) {
    switch (error.code) {
      case 'LUMENSYNC_CONFIG_INVALID':
      case 'LUMENSYNC_USAGE':
      case 'LUMENSYNC_STATE_LOCKED':
      case 'LUMENSYNC_STATE_CORRUPT':
      case 'LUMENSYNC_STATE_IO':
        return EXIT.USAGE;
      case 'LUMENSYNC_GUARD':
        return EXIT.GUARD;
      case 'LUMENSYNC_ACCESS':
        return EXIT.ACCESS;
      default:
        return EXIT.PARTIAL;
    }
  }
  return EXIT.PARTIAL;
}

/**
 * Exit code for a finished pass: failures beat guards; only-retryable failures mean "try later".
 * Files the server rejected for good (U9) are permanent failures: 1, never 5.
 */
export function exitCodeForOutcome(failures: readonly FailureRecord[], guardsBlockedDeletes: boolean, rejected = 0): ExitCode {
  if (rejected > 0) return EXIT.PARTIAL;
  if (failures.length > 0) return failures.every((failure) => failure.retryable) ? EXIT.UNAVAILABLE : EXIT.PARTIAL;
  return guardsBlockedDeletes ? EXIT.GUARD : EXIT.OK;
}
