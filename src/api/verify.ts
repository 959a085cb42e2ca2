/**
 * Post-checks for batch answers that say less than they did (contract §6.9, §6.17): upstream
 * skips unknown docpaths in update-embeddings silently, and reports refused moves only as a
 * count in `message`. These turn such answers into per-entry failures.
 */
import { classifyFailureReason } from './multistatus.js';
import { normaliseDocpath, workspaceDocpaths, workspaceObjectIfAny } from './parse.js';
import type { BatchFailure, BatchResult, FolderListing, MoveRequest } from './types.js';

/** Reason for an add that is absent from the workspace after a 200. */
export const ADD_NOT_EMBEDDED_REASON = 'Document not found: not embedded after update-embeddings';
/** Reason for a delete that is still present in the workspace after a 200. */
export const DELETE_NOT_APPLIED_REASON = 'still embedded after update-embeddings';

const failure = (docpath: string, reason: string): BatchFailure => ({ docpath, reason, ...classifyFailureReason(reason) });

/**
 * When a clean W4 answer carries the workspace's documents, compare them with what was asked:
 * an add that is missing never existed (notFound), a delete that stayed may be retried.
 */
export function checkEmbeddings(result: BatchResult, body: unknown, orgSlug: string, adds: readonly string[], deletes: readonly string[]): BatchResult {
  if (result.partial) return result;
  const workspace = workspaceObjectIfAny(body);
  const embedded = workspace === undefined ? undefined : workspaceDocpaths(workspace, orgSlug);
  if (embedded === undefined) return result;
  const embeddedSet = new Set(embedded);
  const addSet = new Set(adds.map((docpath) => normaliseDocpath(docpath, orgSlug)));
  const failed: BatchFailure[] = [];
  for (const docpath of addSet) {
    if (!embeddedSet.has(docpath)) failed.push(failure(docpath, ADD_NOT_EMBEDDED_REASON));
  }
  for (const raw of deletes) {
    const docpath = normaliseDocpath(raw, orgSlug);
    // Deletes are applied before adds, so a docpath in both ends up embedded on purpose.
    if (embeddedSet.has(docpath) && !addSet.has(docpath)) failed.push(failure(docpath, DELETE_NOT_APPLIED_REASON));
  }
  if (failed.length === 0) return result;
  const failedSet = new Set(failed.map((entry) => entry.docpath));
  return { ...result, partial: true, purged: result.purged.filter((docpath) => !failedSet.has(docpath)), failed };
}

const NOT_MOVED = /(\d+)\s*\/\s*(\d+)\s+files?\s+not\s+moved/i;

/**
 * When a clean D8 answer says "n/m files not moved", list the destination folders and report
 * the moves whose target is absent as failed (keyed by their `from` docpath).
 */
export async function checkMoves(
  result: BatchResult,
  orgSlug: string,
  moves: readonly MoveRequest[],
  listFolder: (folder: string) => Promise<FolderListing>,
): Promise<BatchResult> {
  const match = result.message === undefined ? null : NOT_MOVED.exec(result.message);
  if (result.partial || match === null || Number(match[1]) === 0) return result;
  const targets = moves.map((move) => normaliseDocpath(move.to, orgSlug));
  const folders = new Set(targets.map((docpath) => docpath.split('/').slice(1, -1).join('/')));
  const present = new Set<string>();
  for (const folder of folders) {
    const listing = await listFolder(folder);
    for (const document of listing.documents) present.add(document.docpath);
  }
  const purged: string[] = [];
  const failed: BatchFailure[] = [];
  moves.forEach((move, index) => {
    const from = normaliseDocpath(move.from, orgSlug);
    if (present.has(targets[index] ?? '')) purged.push(from);
    else failed.push(failure(from, `not moved: ${result.message ?? ''}`));
  });
  return { ...result, partial: failed.length > 0, purged, failed };
}
