/**
 * Checks after the upload phase for what upstream does not say (contract §13): U3 (a 500 on an
 * upload into a folder may leave the document in custom-documents) and U5 (an upload's 200 does
 * not prove its embedding: `addToWorkspaces` failures are only logged by the server).
 */
import type { Logger } from 'pino';
import { RemoteError } from '../errors.js';
import type { Stats } from '../stats/stats.js';
import type { Pacer } from './pacer.js';
import type { RemotePort } from './ports.js';
import { carriesOneOf, listKept, listerOf } from './uncertain-uploads.js';

/** The folder upstream processes every upload into first. */
const DEFAULT_FOLDER = 'custom-documents';

export interface CheckContext {
  remote: RemotePort;
  pacer: Pacer;
  stats: Stats;
  log: Logger;
  orgSlug: string;
  folder: string;
  workspaces: string[];
  embedBatchSize?: number;
}

/** An upload whose document may have been left in custom-documents. */
export interface OrphanSuspect { relativePath: string; sha256: string }

/** True for the answer that may leave an orphan: a 5xx to an upload into a folder (U3). */
export const mayLeaveOrphan = (error: unknown, folder: string): boolean =>
  folder !== DEFAULT_FOLDER && error instanceof RemoteError && error.status !== undefined && error.status >= 500;

/**
 * U3: list custom-documents once and remove the documents lumensync stamped for the suspects
 * (title = relative path, marker = content hash): the upload is retried into its folder, so the
 * copy in custom-documents is an orphan. Returns how many were removed.
 */
export async function removeOrphans(context: CheckContext, suspects: readonly OrphanSuspect[]): Promise<number> {
  const lister = listerOf(context.remote);
  if (suspects.length === 0 || lister === undefined) return 0;
  try {
    // custom-documents holds every upload made without a folder: only the suspects' copies are kept of its listing.
    const listed = await context.pacer.run('list-folder', listKept(lister, context.orgSlug, DEFAULT_FOLDER, carriesOneOf(suspects)));
    const orphans = listed.map((doc) => doc.docpath);
    if (orphans.length === 0) return 0;
    const result = await context.pacer.run('remove-files', () => context.remote.removeFiles(context.orgSlug, orphans));
    const gone = orphans.length - result.failed.filter((failure) => !failure.notFound).length;
    context.log.warn({ orphans: orphans.length, removed: gone }, 'removed documents a failed upload left in custom-documents (U3)');
    for (const failure of result.failed.filter((entry) => !entry.notFound)) {
      context.stats.fail({ operation: 'remove', docpath: failure.docpath, message: `could not remove the orphan a failed upload left in ${DEFAULT_FOLDER}: ${failure.reason}`, retryable: true });
    }
    return gone;
  } catch (error) {
    context.stats.fail({ operation: 'remove', message: `could not look for orphans of failed uploads in ${DEFAULT_FOLDER}: ${error instanceof Error ? error.message : String(error)}`, retryable: true });
    return 0;
  }
}

/**
 * U5: list each workspace once and embed the uploaded docpaths it lacks (never one it holds:
 * adding twice makes a second embedding record upstream, U6). Returns how many were embedded.
 * The answer is read as a stream keeping only this pass's uploads: a workspace of 100,000
 * documents answers ~66 MB, which must not become one string for one new upload.
 */
export async function embedMissingUploads(context: CheckContext, uploaded: readonly string[]): Promise<number> {
  if (uploaded.length === 0 || !context.remote.getWorkspaceDocpaths) return 0;
  const wanted = new Set(uploaded);
  const isUploaded = (docpath: string): boolean => wanted.has(docpath);
  let embedded = 0;
  for (const workspaceSlug of context.workspaces) {
    try {
      const detail = await context.pacer.run('get-workspace', () => context.remote.getWorkspaceDocpaths!(workspaceSlug, context.orgSlug, isUploaded));
      const present = new Set(detail.docpaths);
      const missing = uploaded.filter((docpath) => !present.has(docpath));
      const size = Math.max(1, context.embedBatchSize ?? 100);
      for (let index = 0; index < missing.length; index += size) {
        const adds = missing.slice(index, index + size);
        context.log.warn({ workspace: workspaceSlug, count: adds.length }, 'uploads answered 200 but are not embedded (U5); embedding them');
        const result = await context.pacer.run('embed', () => context.remote.updateEmbeddings(workspaceSlug, context.orgSlug, { adds }), { idempotent: false });
        for (const failure of result.failed) context.stats.fail({ operation: 'embed', docpath: failure.docpath, message: `embed in ${workspaceSlug} failed: ${failure.reason}`, retryable: true });
        embedded += adds.length - result.failed.length;
      }
    } catch (error) {
      context.stats.fail({ operation: 'embed', message: `could not verify the embeddings of new uploads in ${workspaceSlug}: ${error instanceof Error ? error.message : String(error)}`, retryable: true });
    }
  }
  return embedded;
}
