/**
 * Files a scan found at the size and mtime their journal entry records (LocalListing.journaled):
 * listed by path only, their content read from the journal when the planner needs them as entries.
 * A listing made against another journal is a bug: it stops the plan, before anything is done.
 */
import type { JournalEntry, JournalLookup, LocalEntry } from './types.js';

/** Relative paths in code-unit order, the order of a listing's entries. */
export const comparePaths = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const notJournaled = (relativePath: string): Error =>
  new Error(`plan: ${relativePath} is listed as found as journaled, but the journal has no entry for it`);

/** Throws unless the journal has an entry for `relativePath`. */
export function requireJournaled(journal: JournalLookup, relativePath: string): void {
  if (!journal.has(relativePath)) throw notJournaled(relativePath);
}

/**
 * `entries` and the journaled files merged in path order, one at a time: a listed entry with
 * `undefined` (the caller looks its journal entry up), a journaled file as its journal entry twice
 * (its content, size and mtime are the entry's). Nothing is copied: a verification of 1,000,000
 * journaled files holds one entry at a time, not a million. A journaled file that `settled`
 * takes (called in the same order) is not yielded, and its entry is never built.
 */
export function* filesInOrder(
  entries: readonly LocalEntry[], journaled: readonly string[], journal: JournalLookup, settled?: (relativePath: string) => boolean,
): Generator<[LocalEntry, JournalEntry | undefined]> {
  let next = 0;
  for (const relativePath of journaled) {
    while (next < entries.length && entries[next]!.relativePath < relativePath) yield [entries[next++]!, undefined];
    if (settled?.(relativePath) === true) continue;
    const known = journal.get(relativePath);
    if (known === undefined) throw notJournaled(relativePath);
    yield [known, known];
  }
  while (next < entries.length) yield [entries[next++]!, undefined];
}
