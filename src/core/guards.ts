/** Delete guards (DESIGN invariant 3): pure verdicts on whether a pass may delete anything. */
import type { LocalListing } from './types.js';
import type { GuardVerdict, UnembedAction } from './plan-types.js';

/** `--max-delete`: an absolute count or a percentage of the mirror's documents. */
export type MaxDelete = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

/** Parse `--max-delete` text (`50%`, `120`). Returns undefined when malformed. */
export const parseMaxDelete = (text: string): MaxDelete | undefined => {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) {
    const value = Number(percent[1]);
    return value <= 100 ? { kind: 'percent', value } : undefined;
  }
  return /^\d+$/.test(trimmed) ? { kind: 'count', value: Number(trimmed) } : undefined;
};

/** Largest number of documents the guard lets one pass delete. */
export const deleteAllowance = (maxDelete: MaxDelete, mirrorDocuments: number): number =>
  maxDelete.kind === 'count' ? maxDelete.value : Math.floor((mirrorDocuments * maxDelete.value) / 100);

/** Verdicts that forbid every delete of the pass, whatever the count. */
export const rootGuards = (local: LocalListing, journalSize: number): GuardVerdict[] => {
  const verdicts: GuardVerdict[] = [];
  const rootHint = 'check that the folder exists and is mounted; lumensync deletes nothing while it cannot see it';
  if (local.rootStatus === 'missing') verdicts.push({ guard: 'root-missing', message: 'the mirror root does not exist', hint: rootHint });
  if (local.rootStatus === 'not-directory') verdicts.push({ guard: 'root-not-directory', message: 'the mirror root is not a directory', hint: rootHint });
  if (local.rootStatus === 'unreadable') verdicts.push({ guard: 'root-unreadable', message: 'the mirror root cannot be read', hint: 'fix the folder permissions for the user running lumensync' });
  // A scoped pass cannot see the whole tree: it relies on `rootEmpty`, measured for it (a swapped-in empty root).
  const empty = local.scope === undefined ? local.entries.length === 0 && (local.journaled?.length ?? 0) === 0 && local.errors.length === 0 : local.rootEmpty === true;
  if (local.rootStatus === 'ok' && empty && journalSize > 0) {
    verdicts.push({
      guard: 'root-empty',
      message: `the mirror root is empty while the journal remembers ${journalSize} document(s) (an unmounted drive?)`,
      hint: 'if the folder really is meant to be empty, delete the remote documents by hand or run once with --allow-empty-root',
    });
  }
  // A root that cannot be read is the error already reported above, not one more unreadable path.
  if (local.rootStatus === 'ok' && local.errors.length > 0) {
    verdicts.push({
      guard: 'local-read-errors',
      message: `${local.errors.length} local path(s) could not be read, so no document is deleted in this pass`,
      hint: 'fix the unreadable paths (each is reported as a failed scan, with its reason: permissions, I/O errors) or exclude them with --ignore',
    });
  }
  return verdicts;
};

/** The count guard: a verdict when `removeCount` exceeds the allowance. */
export const maxDeleteGuard = (removeCount: number, mirrorDocuments: number, maxDelete: MaxDelete): GuardVerdict | undefined => {
  const allowance = deleteAllowance(maxDelete, mirrorDocuments);
  if (removeCount <= allowance) return undefined;
  const limit = maxDelete.kind === 'percent' ? `${maxDelete.value}% of ${mirrorDocuments} documents = ${allowance}` : `${allowance}`;
  const share = mirrorDocuments > 0 ? ` (${Math.round((removeCount / mirrorDocuments) * 100)}% of the mirror)` : '';
  return {
    guard: 'max-delete',
    message: `deletes blocked: ${removeCount} document(s) would go${share}, more than --max-delete allows (${limit})`,
    hint: `check the folder is complete; if these deletes are intended, rerun with --max-delete ${removeCount} or --max-delete 100%`,
  };
};

/**
 * The workspace guard: un-embeds from workspaces the mirror embeds into but no longer names
 * (a `--workspace` left out, a config edited) empty a chatbot as surely as deletes would, so
 * they are held unless the removal is explicit (`--remove-workspace` / `removeWorkspaces`).
 */
export const workspaceGuard = (held: readonly UnembedAction[]): GuardVerdict | undefined => {
  if (held.length === 0) return undefined;
  const perWorkspace = new Map<string, Set<string>>();
  for (const action of held) {
    const docpaths = perWorkspace.get(action.workspaceSlug) ?? new Set<string>();
    for (const docpath of action.docpaths) docpaths.add(docpath);
    perWorkspace.set(action.workspaceSlug, docpaths);
  }
  const documents = new Set(held.flatMap((action) => action.docpaths)).size;
  const slugs = [...perWorkspace.keys()];
  const named = [...perWorkspace].map(([slug, docpaths]) => `${slug} (${docpaths.size})`).join(', ');
  return {
    guard: 'workspace-removed',
    message: `un-embeds held: ${documents} document(s) would leave workspace(s) ${named}, which this mirror embeds into but no longer names (--workspace left out or the config edited)`,
    hint: `to keep them, name them again (${slugs.map((slug) => `--workspace ${slug}`).join(' ')}); to take the documents out on purpose, rerun with ${slugs.map((slug) => `--remove-workspace ${slug}`).join(' ')} (config: "removeWorkspaces": ${JSON.stringify(slugs)})`,
  };
};
