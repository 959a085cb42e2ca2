/**
 * Files next to a watch pass's paths that changed without an event. A watcher can lose events:
 * @parcel/watcher 2.6 on Linux hands the first event of a burst over at once, and an event its
 * inotify thread records while that hand-over copies and clears the list is dropped (its
 * `Watcher::triggerCallbacks` takes the events, then clears them, under two separate locks). An
 * atomic save (write `.a.txt.tmp`, rename it over `a.txt`) then arrives as the temporary file
 * alone, and `mv b.txt c.txt` as the delete of `b.txt` alone: the edit, or the document, would
 * be missing until the next full reconcile (an hour by default). Seen in 1 of 15 atomic saves
 * with the other core busy.
 *
 * So before a scoped pass, each directory holding one of its paths and changed since shortly before
 * the batch's first event is listed (its files only, not its subdirectories) and a file that
 * changed recently is taken too: one the journal does
 * not hold with its size and mtime, whose ctime or mtime is at most `SLACK_MS` older than the
 * batch's first event (a rename changes the ctime; older files are the full reconcile's, and
 * empty or refused files do not come back at every pass). Settled ones (no write for the settle
 * time) join this pass, so a lost rename target meets its source and the pass renames; fresh ones
 * are marked dirty and settle like any event. The scan of the pass decides (ignore rules and all).
 * A loss found this way moves the next full reconcile to within a minute (it finds the rest).
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { comparePaths } from '../core/journaled-files.js';
import { ignoreFilter } from '../local/watcher.js';
import type { DirtyBatch, DirtySet, Fingerprint } from './dirty-set.js';

/** How much older than the batch's first event a sibling's ctime/mtime may be (coarse file-system clocks, the event's delivery). */
export const SLACK_MS = 2000;
/** Directory entries looked at per pass at most: a directory that would pass it is skipped (its files wait for the full reconcile). */
export const MAX_SIBLING_ENTRIES = 10_000;
/** lstat calls in flight at once (on Node's thread pool: a slow network share never blocks the daemon's other mirrors). */
const STATS_IN_FLIGHT = 32;

/** What the check needs from the daemon. */
export interface SiblingContext {
  root: string;
  /** True when the journal holds `relativePath` with this size and mtime. */
  unchanged(relativePath: string, size: number, mtimeMs: number): boolean;
  /** True when `relativePath` is on its way already (in the batch or still settling). */
  pending(relativePath: string): boolean;
  /** True for a path the watcher drops too (editor swap files…): it would come back at every pass. */
  ignored?(relativePath: string): boolean;
  settleMs: number;
  maxEntries?: number;
}

/** Siblings found: settled ones join the pass, fresh ones settle first. */
export interface Siblings {
  settled: string[];
  fresh: { relativePath: string; seen: Fingerprint }[];
  /** Directories not listed: gone, unreadable, or past the entry budget. */
  skippedDirectories: number;
}

const parentOf = (relativePath: string): string => {
  const slash = relativePath.lastIndexOf('/');
  return slash === -1 ? '' : relativePath.slice(0, slash);
};

/** The files next to `relativePaths` (a batch whose first event came at `firstEventAt`) that changed without an event. */
export async function uncoveredSiblings(relativePaths: readonly string[], firstEventAt: number, now: number, context: SiblingContext): Promise<Siblings> {
  const found: Siblings = { settled: [], fresh: [], skippedDirectories: 0 };
  const since = firstEventAt - SLACK_MS;
  let budget = context.maxEntries ?? MAX_SIBLING_ENTRIES;
  for (const directory of new Set(relativePaths.map(parentOf))) {
    let entries: Dirent[];
    try {
      // A name added, removed or renamed here since then changed the directory's mtime; an edit in place did not
      // (and sends several events, seldom all lost): a directory older than that is not listed.
      if ((await lstat(path.join(context.root, directory))).mtimeMs < since) continue;
      entries = await readdir(path.join(context.root, directory), { withFileTypes: true });
    } catch {
      found.skippedDirectories += 1;
      continue;
    }
    if (entries.length > budget) {
      found.skippedDirectories += 1;
      continue;
    }
    budget -= entries.length;
    const candidates = entries.flatMap((entry) => {
      const relativePath = directory === '' ? entry.name : `${directory}/${entry.name}`;
      return entry.isFile() && !context.pending(relativePath) && context.ignored?.(relativePath) !== true ? [relativePath] : [];
    });
    for (let start = 0; start < candidates.length; start += STATS_IN_FLIGHT) {
      const chunk = candidates.slice(start, start + STATS_IN_FLIGHT);
      const stats = await Promise.all(chunk.map((relativePath) => lstat(path.join(context.root, relativePath)).catch((): Stats | undefined => undefined)));
      chunk.forEach((relativePath, index) => {
        const stat = stats[index];
        if (stat === undefined || !stat.isFile() || Math.max(stat.ctimeMs, stat.mtimeMs) < since) return;
        if (context.unchanged(relativePath, stat.size, stat.mtimeMs)) return;
        if (stat.mtimeMs <= now - context.settleMs) found.settled.push(relativePath);
        else found.fresh.push({ relativePath, seen: { size: stat.size, mtimeMs: stat.mtimeMs } });
      });
    }
  }
  return found;
}

/** Where the daemon's journal answers whether a file is unchanged (Journal.unchangedPath). */
interface JournalView { unchangedPath(relativePath: string, size: number, mtimeMs: number): string | undefined }

/** The watcher's ignore filter (watcher.ts), built once per mirror's patterns. */
const filters = new WeakMap<readonly string[], (relativePath: string) => boolean>();
const filterOf = (patterns: readonly string[]): ((relativePath: string) => boolean) => {
  let filter = filters.get(patterns);
  if (filter === undefined) filters.set(patterns, (filter = ignoreFilter(patterns)));
  return filter;
};

/**
 * The paths of a scoped pass: `batch` and its settled siblings, in order; fresh siblings are marked
 * in `dirty` to settle. When it finds any, the watcher has lost events, and some a directory listing
 * cannot show (a delete, a move into another directory): `lostEvents` is told how many, and the daemon
 * runs its full reconcile within a minute instead of at the hour.
 */
export async function pathsWithSiblings(
  batch: DirtyBatch, now: number, dirty: DirtySet,
  where: { spec: { root: string; ignore: readonly string[] }; journal: JournalView; settleMs: number; lostEvents?: (count: number) => void }, log: Logger,
): Promise<string[]> {
  const inBatch = new Set(batch.relativePaths);
  const found = await uncoveredSiblings(batch.relativePaths, batch.firstEventAt ?? now, now, {
    root: where.spec.root,
    settleMs: where.settleMs,
    ignored: filterOf(where.spec.ignore),
    unchanged: (relativePath, size, mtimeMs) => where.journal.unchangedPath(relativePath, size, mtimeMs) !== undefined,
    pending: (relativePath) => inBatch.has(relativePath) || dirty.has(relativePath),
  });
  for (const { relativePath, seen } of found.fresh) dirty.mark(relativePath, 'change', now, seen);
  if (found.skippedDirectories > 0) log.debug({ directories: found.skippedDirectories }, 'directories next to the watcher\'s paths not checked (gone, unreadable or too big)');
  if (found.settled.length + found.fresh.length === 0) return batch.relativePaths;
  const named = [...found.settled, ...found.fresh.map((sibling) => sibling.relativePath)];
  where.lostEvents?.(named.length);
  log.info({ count: named.length, paths: named.slice(0, 10) }, 'files next to the watcher\'s paths changed without an event (the watcher lost it): planned with them');
  return found.settled.length === 0 ? batch.relativePaths : [...batch.relativePaths, ...found.settled].sort(comparePaths);
}
