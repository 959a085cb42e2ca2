/** Errors the journal raises about its state directory, with the hints users act on. */
import { LumenSyncError } from '../errors.js';

/** Hint for every corrupt-state error: the remote listing is the source of truth, so state can be rebuilt. */
export const corruptHint = (stateDir: string): string =>
  `move the state dir ${stateDir} aside (e.g. rename it); the next run rebuilds it from the remote listing`;

/** A LUMENSYNC_STATE_IO error carrying the errno code and a hint; a LumenSyncError cause passes through. */
export function stateIoError(message: string, cause: unknown): LumenSyncError {
  if (cause instanceof LumenSyncError) return cause;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  return new LumenSyncError('LUMENSYNC_STATE_IO', code === undefined ? message : `${message}: ${code}`, {
    hint: 'check that the state directory exists, is writable by this user and its disk is not full',
    cause,
  });
}
