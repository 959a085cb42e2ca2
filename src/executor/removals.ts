/**
 * Batched `remove-files` with 207 handling (DESIGN invariant 4): only entries listed as
 * failed and able to succeed later are sent again; "not found" means already gone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { RemoteError } from '../errors.js';
import type { Pacer } from './pacer.js';
import type { JournalPort, RemotePort } from './ports.js';
import type { Stats } from '../stats/stats.js';
import { listKept, listerOf } from './uncertain-uploads.js';

export interface RemovalContext {
  remote: RemotePort;
  journal: JournalPort;
  pacer: Pacer;
  stats: Stats;
  log: Logger;
  orgSlug: string;
  /** The mirror's folder: listed to settle a remove-files whose answer was unreadable. */
  folder?: string;
  batchSize: number;
  /** Rounds for entries a 207 reported as retryable (default 5). */
  partialRetries?: number;
  /** Backoff between those rounds (default 1 s, doubling). */
  partialBackoffMs?: number;
}

/** One document to remove and the journal entry it frees, if any. */
export interface RemovalItem {
  docpath: string;
  /** Journal entry to drop once the document is gone (absent for replaced/unknown documents). */
  relativePath?: string;
  /** The old document of a replacement: its file lives on, so it is not counted as a delete. */
  replaced?: boolean;
}

const chunk = <T>(items: T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
};

/** Which of `docpaths` the folder still lists; undefined when it cannot be listed. */
async function listedAmong(context: RemovalContext, docpaths: string[]): Promise<Set<string> | undefined> {
  const lister = listerOf(context.remote);
  const folder = context.folder;
  if (lister === undefined || folder === undefined) return undefined;
  try {
    const asked = new Set(docpaths);
    const listed = await context.pacer.run('list-folder', listKept(lister, context.orgSlug, folder, (document) => asked.has(document.docpath)));
    return new Set(listed.map((document) => document.docpath));
  } catch {
    return undefined;
  }
}

/** Remove `items` in batches; returns how many documents are now gone. */
export async function removeDocuments(context: RemovalContext, items: RemovalItem[]): Promise<number> {
  const byDocpath = new Map(items.map((item) => [item.docpath, item]));
  let gone = 0;
  const settle = (docpath: string): void => {
    const item = byDocpath.get(docpath);
    if (item?.relativePath !== undefined && context.journal.get(item.relativePath)?.docpath === docpath) context.journal.delete(item.relativePath);
    if (!item?.replaced) {
      context.stats.deleted += 1;
      context.stats.filesDone += 1;
    }
    gone += 1;
  };
  const batches = chunk(items.map((item) => item.docpath), Math.max(1, context.batchSize));
  const removeBatch = async (batch: string[]): Promise<void> => {
    let remaining = batch;
    const rounds = context.partialRetries ?? 5;
    for (let round = 0; remaining.length > 0; round += 1) {
      const intent = context.journal.beginIntent({ op: 'remove', relativePaths: [], docpaths: remaining });
      let result;
      try {
        result = await context.pacer.run('remove-files', () => context.remote.removeFiles(context.orgSlug, remaining));
      } catch (error) {
        context.journal.endIntent(intent.id, 'failed');
        // An answer that does not say what happened (a garbled 200, a 5xx after the purge) is "unknown":
        // the listing settles it — what is gone is gone, the rest is sent again (issue 15).
        const stillListed = error instanceof RemoteError && error.mayHaveApplied ? await listedAmong(context, remaining) : undefined;
        if (stillListed !== undefined) {
          for (const docpath of remaining) if (!stillListed.has(docpath)) settle(docpath);
          remaining = remaining.filter((docpath) => stillListed.has(docpath));
          if (remaining.length === 0) return;
          if (round < rounds) continue;
        }
        // A batch refused as a whole (one entry the server will not take): halves are sent on
        // their own, so one bad entry fails alone and never holds back the others (issue 15).
        if (error instanceof RemoteError && error.kind === 'validation' && remaining.length > 1) {
          const half = Math.ceil(remaining.length / 2);
          context.log.warn({ count: remaining.length, err: error.message }, 'remove-files refused the whole batch; sending it in halves');
          await removeBatch(remaining.slice(0, half));
          await removeBatch(remaining.slice(half));
          return;
        }
        for (const docpath of remaining) {
          context.stats.fail({
            operation: 'remove', docpath, relativePath: byDocpath.get(docpath)?.relativePath,
            message: error instanceof Error ? error.message : String(error),
            retryable: error instanceof RemoteError && error.retryable,
            ...(error instanceof RemoteError && error.hint ? { hint: error.hint } : {}),
          });
        }
        return;
      }
      context.journal.endIntent(intent.id, 'done');
      const failedDocpaths = new Set(result.failed.map((failure) => failure.docpath));
      for (const docpath of remaining) if (!failedDocpaths.has(docpath)) settle(docpath);
      const retry: string[] = [];
      for (const failure of result.failed) {
        if (failure.notFound) settle(failure.docpath);
        else if (failure.retryable && round < rounds) retry.push(failure.docpath);
        else {
          context.stats.fail({ operation: 'remove', docpath: failure.docpath, relativePath: byDocpath.get(failure.docpath)?.relativePath, message: `server could not remove the document: ${failure.reason}`, retryable: failure.retryable });
        }
      }
      if (retry.length > 0) {
        context.log.warn({ count: retry.length, round: round + 1 }, 'remove-files partly failed; re-sending only the failed entries');
        context.stats.retries += 1;
        await sleep((context.partialBackoffMs ?? 1000) * 2 ** round);
      }
      remaining = retry;
    }
  };
  await Promise.all(batches.map(removeBatch));
  return gone;
}
