/**
 * Two mirrors writing into one remote folder would each see the other's documents as stale and
 * delete them on every run (issue 15). Documents carry their owner's mark (marker.ts); a pass that
 * meets marks of another mirror refuses every delete and says how to separate the mirrors. Pure.
 */
import type { GuardVerdict } from './plan-types.js';

/** The verdict when `foreignOwners` (the owner marks of other mirrors' documents) is not empty. */
export function foreignMirrorGuard(foreignOwners: readonly string[], folder: string): GuardVerdict | undefined {
  if (foreignOwners.length === 0) return undefined;
  const owners = [...new Set(foreignOwners)].sort();
  return {
    guard: 'foreign-mirror',
    message: `the remote folder "${folder}" holds ${foreignOwners.length} document(s) of another mirror (${owners.join(', ')}): two mirrors share one folder and would delete each other's documents`,
    hint: `give each mirror its own remote folder (--folder, or "folder" per mirror in the config file); lumensync deletes nothing in "${folder}" until then`,
  };
}
