/**
 * Runs a Plan against the remote (DESIGN §1 "executor"): journal-only actions first, then
 * the folder, uploads (replacements upload-first), embeddings, and batched removals last.
 * Every remote mutation is journalled as an intent before it is sent and closed after.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import { LumenSyncError, RemoteError } from '../errors.js';
import type { Action, EmbedAction, Plan, UnembedAction, UploadAction } from '../core/plan-types.js';
import type { Intent } from '../core/types.js';
import { uploadFileNameFor, uploadMetadataFor } from '../core/marker.js';
import type { Stats } from '../stats/stats.js';
import type { Pacer } from './pacer.js';
import type { JournalPort, RemotePort } from './ports.js';
import { removeDocuments, type RemovalItem } from './removals.js';
import { embedMissingUploads, mayLeaveOrphan, removeOrphans, type OrphanSuspect } from './upstream-checks.js';
import { carriesOneOf, findApplied, listKept, listerOf, type UncertainUpload } from './uncertain-uploads.js';
import { readScannedContent, unchangedSinceScan, UPLOAD_BUFFER_DEFAULT_BYTES } from './upload-content.js';
import type { Rejections } from '../journal/rejections.js';

export interface ExecutorContext {
  remote: RemotePort;
  journal: JournalPort;
  pacer: Pacer;
  stats: Stats;
  log: Logger;
  root: string;
  orgSlug: string;
  /** Remote folder; `custom-documents` uploads go to D1 (no folder segment). */
  folder: string;
  /** Original workspace slugs every upload is embedded into. */
  workspaces: string[];
  deleteBatchSize: number;
  /** U5: after uploads, list the workspaces and embed what the 200s did not (full passes; default false). */
  verifyEmbeddings?: boolean;
  /** This mirror's owner mark, stamped on every upload (see core/marker.ts). */
  ownerMark?: string;
  signal?: AbortSignal;
  /** Where content the server refused for good (U9) is remembered. */
  rejections?: Rejections;
  /** Files up to this size are read whole, checked against their hash and sent as one body (default 64 KiB; see upload-content.ts). */
  uploadBufferBytes?: number;
}

export interface ExecutionResult {
  /** Some upload may have been applied without an answer: re-list the remote before trying again. */
  relistNeeded: boolean;
}

const describe = (error: unknown): { message: string; retryable: boolean; hint?: string } => {
  if (error instanceof RemoteError) return { message: error.message, retryable: error.retryable, ...(error.hint ? { hint: error.hint } : {}) };
  const message = error instanceof Error ? error.message : String(error);
  // A file that vanished or changed since the scan or while being uploaded is LUMENSYNC_LOCAL_IO
  // (openAsBlob gives no errno, so the cause cannot tell which): the next pass's scan settles it —
  // a vanished file is gone from the plan, a changed one is re-hashed, an unreadable one is a scan error.
  if (error instanceof LumenSyncError && error.code === 'LUMENSYNC_LOCAL_IO') return { message, retryable: true, ...(error.hint ? { hint: error.hint } : {}) };
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  // A local file that vanished or is busy may be fine on the next pass.
  return { message, retryable: code === 'ENOENT' || code === 'EBUSY' || code === 'EAGAIN' };
};

/** Execute `plan`; failures go to `stats`, never thrown (except abort). */
export async function execute(plan: Plan, context: ExecutorContext): Promise<ExecutionResult> {
  const { journal, stats } = context;
  const removals: RemovalItem[] = [];
  let relistNeeded = false;
  const uploads: UploadAction[] = [];
  const embeddings: (EmbedAction | UnembedAction)[] = [];

  for (const action of plan.actions) applyJournalOnly(action, context, uploads, embeddings, removals);

  const folderAction = plan.actions.find((action) => action.kind === 'create-folder');
  if (folderAction) {
    try {
      const intent = journal.beginIntent({ op: 'create-folder', relativePaths: [], docpaths: [] });
      await context.pacer.run('create-folder', () => context.remote.createFolder(context.orgSlug, context.folder));
      journal.endIntent(intent.id, 'done');
    } catch (error) {
      stats.fail({ operation: 'create-folder', ...describe(error) });
      return { relistNeeded: false };
    }
  }

  const suspects: OrphanSuspect[] = [];
  const uploaded: string[] = [];
  // An upload whose answer may hide an applied upload is looked up before it is sent again (issue 15).
  let pending = uploads;
  for (let round = 0; pending.length > 0; round += 1) {
    const uncertain: UncertainUpload[] = [];
    await forEachAtMost(pending, uploadsInHandOf(context.pacer), async (action) => {
      const outcome = await upload(action, context, suspects);
      if (typeof outcome !== 'object') return;
      if ('action' in outcome) {
        uncertain.push(outcome);
        return;
      }
      uploaded.push(outcome.docpath);
      if (action.replacesDocpath !== undefined) removals.push({ docpath: action.replacesDocpath, replaced: true });
    });
    pending = [];
    if (uncertain.length === 0) break;
    const lister = listerOf(context.remote);
    const listed = lister === undefined || round >= context.pacer.retryLimit || context.signal?.aborted === true
      ? undefined
      : await context.pacer.run('list-folder', listKept(lister, context.orgSlug, context.folder, carriesOneOf(uncertain.map(({ action }) => action)))).catch(() => undefined);
    const findings = listed === undefined ? undefined : findApplied(listed, uncertain, journal);
    for (const item of uncertain) {
      const [kept, ...duplicates] = findings?.get(item.action) ?? [];
      if (kept !== undefined) {
        recordUploaded(item.action, kept, context, await unchangedSinceScan(absolutePathOf(item.action, context), item.action));
        uploaded.push(kept);
        if (item.action.replacesDocpath !== undefined) stats.replaced += 1;
        else stats.uploaded += 1;
        context.log.info({ path: item.action.relativePath, docpath: kept, duplicates: duplicates.length }, 'upload answered with an error had been applied; document adopted');
        if (item.action.replacesDocpath !== undefined) removals.push({ docpath: item.action.replacesDocpath, replaced: true });
        for (const docpath of duplicates) removals.push({ docpath, replaced: true });
      } else if (findings !== undefined) {
        pending.push(item.action);
      } else {
        // Could not look: the next pass lists the remote and settles it (adopt or upload).
        relistNeeded = true;
        stats.fail({ operation: 'upload', relativePath: item.action.relativePath, ...describe(item.error), retryable: true });
      }
    }
  }
  await removeOrphans(context, suspects);
  if (context.verifyEmbeddings === true && context.workspaces.length > 0) stats.embedded += await embedMissingUploads(context, uploaded);

  await Promise.all(embeddings.map((action) => embed(action, context)));

  context.signal?.throwIfAborted();
  if (removals.length > 0) await removeDocuments({ ...context, batchSize: context.deleteBatchSize }, removals);
  return { relistNeeded };
}

/**
 * Uploads handed to the pacer at once: enough to keep its slots busy (a request waiting in the
 * queue while each of `concurrency` is in flight, plus those sleeping out a retry backoff), not
 * the whole plan. Every request queued in the pacer holds a listener on the run's abort signal,
 * and adding one costs time linear in those already there: 10,000 uploads queued up front cost
 * seconds of CPU before the first was sent (BENCHMARKS.md, row 2), and memory for each closure.
 */
const uploadsInHandOf = (pacer: Pacer): number => Math.max(32, 4 * pacer.host.concurrency);

/** Run `work` over `items` in order, at most `width` at once; resolves when all have settled (work never throws here). */
async function forEachAtMost<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

function applyJournalOnly(action: Action, context: ExecutorContext, uploads: UploadAction[], embeddings: (EmbedAction | UnembedAction)[], removals: RemovalItem[]): void {
  const { journal, stats } = context;
  switch (action.kind) {
    case 'adopt':
    case 'record':
      journal.put({ relativePath: action.relativePath, docpath: action.docpath, sha256: action.sha256, size: action.size, mtimeMs: action.mtimeMs });
      if (action.kind === 'adopt') stats.adopted += 1;
      else stats.unchanged += 1;
      break;
    case 'rename':
      journal.move(action.fromRelativePath, action.relativePath, { size: action.size, mtimeMs: action.mtimeMs });
      stats.renamed += 1;
      break;
    case 'forget':
      journal.delete(action.relativePath);
      break;
    case 'upload':
      uploads.push(action);
      break;
    case 'embed':
    case 'unembed':
      embeddings.push(action);
      break;
    case 'remove':
      removals.push({ docpath: action.docpath, ...(action.reason === 'deleted' && action.relativePath !== undefined ? { relativePath: action.relativePath } : {}) });
      break;
    case 'create-folder':
      break;
  }
}

const absolutePathOf = (action: UploadAction, context: ExecutorContext): string => path.join(context.root, ...action.relativePath.split('/'));

/**
 * Journal and count a document that now holds `action`'s file (uploaded, or found after an
 * uncertain answer). A file that may have changed while it was sent gets a stat that cannot
 * match (`unchanged` false): the next pass re-hashes it.
 */
function recordUploaded(action: UploadAction, docpath: string, context: ExecutorContext, unchanged: boolean): void {
  const { journal, stats } = context;
  journal.put({ relativePath: action.relativePath, docpath, sha256: action.sha256, size: action.size, mtimeMs: unchanged ? action.mtimeMs : -1 });
  stats.bytesUploaded += action.size;
  stats.filesDone += 1;
  stats.bytesDone += action.size;
}

/** The document, 'failed', or the upload and its error when the server may have applied it (to be looked up). */
async function upload(action: UploadAction, context: ExecutorContext, suspects: OrphanSuspect[]): Promise<{ docpath: string } | 'failed' | UncertainUpload> {
  const { journal, stats } = context;
  const absolutePath = absolutePathOf(action, context);
  // Small files: read when their turn comes and checked against the scan's hash (no re-stat after).
  const buffered = action.size <= (context.uploadBufferBytes ?? UPLOAD_BUFFER_DEFAULT_BYTES);
  // The intent is begun when the upload's turn comes, right before its first attempt is sent, not
  // when it is queued: thousands of intents written up front only delay the first request.
  let intent: Intent | undefined;
  const endIntent = (outcome: 'done' | 'failed' | 'abandoned'): void => {
    if (intent !== undefined) journal.endIntent(intent.id, outcome);
  };
  stats.inFlight.add(action.relativePath);
  try {
    let suspect = false;
    const documents = await context.pacer.run('upload', async () => {
      // A file changed since the scan throws here, before its intent: nothing is sent.
      const content = buffered ? readScannedContent(absolutePath, action) : undefined;
      intent ??= journal.beginIntent({ op: 'upload', relativePaths: [action.relativePath], docpaths: action.replacesDocpath ? [action.replacesDocpath] : [] });
      return context.remote.uploadDocument({
        orgSlug: context.orgSlug,
        ...(context.folder === 'custom-documents' ? {} : { folder: context.folder }),
        filePath: absolutePath,
        ...(content === undefined ? {} : { content }),
        fileName: uploadFileNameFor(action.relativePath, action.sha256),
        addToWorkspaces: context.workspaces,
        metadata: uploadMetadataFor(action.relativePath, action.sha256, context.ownerMark),
        ...(context.signal ? { signal: context.signal } : {}),
      }).catch((error: unknown) => {
        // U3: noted once per file, whether or not a retry then succeeds.
        if (!suspect && mayLeaveOrphan(error, context.folder)) {
          suspect = true;
          suspects.push({ relativePath: action.relativePath, sha256: action.sha256 });
        }
        throw error;
      });
    }, { idempotent: false });
    const document = documents[0];
    if (!document) throw new RemoteError('the server accepted the upload but returned no document', { kind: 'protocol', method: 'POST', url: 'document/upload', retryable: true, mayHaveApplied: true });
    recordUploaded(action, document.docpath, context, buffered || await unchangedSinceScan(absolutePath, action));
    endIntent('done');
    context.rejections?.forget(action.relativePath);
    if (action.replacesDocpath !== undefined) stats.replaced += 1;
    else stats.uploaded += 1;
    context.log.debug({ path: action.relativePath, bytes: action.size, docpath: document.docpath }, 'uploaded');
    return { docpath: document.docpath };
  } catch (error) {
    if (context.signal?.aborted) {
      // Interrupted, not failed: the next run settles it (adopting the document if it was stored).
      endIntent('abandoned');
      return 'failed';
    }
    endIntent('failed');
    if (error instanceof RemoteError && error.rejectsContent) {
      // Permanent for these bytes: remembered, reported apart, sent again only once the file changes.
      const reason = error.serverMessage ?? error.message;
      const known = context.rejections?.record({ relativePath: action.relativePath, sha256: action.sha256, reason, hint: error.hint });
      stats.reject({ relativePath: action.relativePath, reason, ...(error.hint ? { hint: error.hint } : {}), attempts: known?.attempts ?? 1 });
      context.log.warn({ path: action.relativePath, reason }, 'upload rejected by the server; not retried until the file changes');
      return 'failed';
    }
    const ambiguous = error instanceof RemoteError && error.mayHaveApplied;
    context.log.warn({ path: action.relativePath, err: describe(error).message, mayHaveApplied: ambiguous }, 'upload failed');
    if (ambiguous) return { action, error };
    stats.fail({ operation: 'upload', relativePath: action.relativePath, ...describe(error) });
    return 'failed';
  } finally {
    stats.inFlight.delete(action.relativePath);
  }
}

async function embed(action: EmbedAction | UnembedAction, context: ExecutorContext): Promise<void> {
  const { journal, stats } = context;
  const op = action.kind;
  const intent = journal.beginIntent({ op, relativePaths: [], docpaths: action.docpaths });
  try {
    const change = op === 'embed' ? { adds: action.docpaths } : { deletes: action.docpaths };
    // U6: an add applied without an answer must not be re-sent blindly (a second embedding record);
    // it fails retryable and the next pass adds only what a fresh listing lacks.
    const result = await context.pacer.run(op, () => context.remote.updateEmbeddings(action.workspaceSlug, context.orgSlug, change), { idempotent: op !== 'embed' });
    journal.endIntent(intent.id, 'done');
    const failed = new Set(result.failed.map((failure) => failure.docpath));
    for (const failure of result.failed) stats.fail({ operation: op, docpath: failure.docpath, message: `${op} in ${action.workspaceSlug} failed: ${failure.reason}`, retryable: failure.retryable });
    const applied = action.docpaths.filter((docpath) => !failed.has(docpath)).length;
    if (op === 'embed') stats.embedded += applied;
    else stats.unembedded += applied;
  } catch (error) {
    journal.endIntent(intent.id, 'failed');
    for (const docpath of action.docpaths) stats.fail({ operation: op, docpath, ...describe(error) });
  }
}
