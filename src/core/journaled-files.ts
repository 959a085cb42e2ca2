/**
 * Files a scan found at the size and mtime their journal entry records (LocalListing.journaled):
 * listed by path only, their content read from the journal when the planner needs them as entries.
 * A listing made against another journal is a bug: it stops the plan, before anything is done.
 */
import type { JournalLookup, LocalEntry } from './types.js';

const notJournaled = (relativePath: string): Error =>
  new Error(`plan: ${relativePath} is listed as found as journaled, but the journal has no entry for it`);

/** Throws unless the journal has an entry for `relativePath`. */
export function requireJournaled(journal: JournalLookup, relativePath: string): void {
  if (!journal.has(relativePath)) throw notJournaled(relativePath);
}

/** `entries` and the journaled files as entries (read from the journal), merged in path order. */
export function withJournaled(entries: readonly LocalEntry[], journaled: readonly string[], journal: JournalLookup): LocalEntry[] {
  const merged: LocalEntry[] = [];
  let next = 0;
  for (const relativePath of journaled) {
    while (next < entries.length && entries[next]!.relativePath < relativePath) merged.push(entries[next++]!);
    const known = journal.get(relativePath);
    if (known === undefined) throw notJournaled(relativePath);
    merged.push({ relativePath, sha256: known.sha256, size: known.size, mtimeMs: known.mtimeMs });
  }
  while (next < entries.length) merged.push(entries[next++]!);
  return merged;
}
