/**
 * Uploads whose answer does not prove they were *not* applied (issue 15): a 5xx or 408 after the
 * server stored the file, a dropped connection, a garbled 200. Sending one again blindly leaves
 * two documents for one file; so the folder is listed once for all of them and a document that
 * carries the upload's metadata (title = relative path, marker = content hash) is adopted instead.
 */
import type { UploadAction } from '../core/plan-types.js';
import { parseMarker } from '../core/marker.js';
import type { FolderListing } from '../api/types.js';
import type { JournalPort } from './ports.js';

/** What the lookup needs: one folder listing. */
export interface FolderLister {
  listFolder(orgSlug: string, folder: string): Promise<FolderListing>;
}

/** The folder lister of a remote, when it has one (the engine's does; unit-test fakes may not). */
export const listerOf = (remote: object): FolderLister | undefined =>
  typeof (remote as Partial<FolderLister>).listFolder === 'function' ? remote as FolderLister : undefined;

/** One uncertain upload and the error that made it uncertain. */
export interface UncertainUpload {
  action: UploadAction;
  error: unknown;
}

/** Per upload: the documents found carrying its metadata (first = the one to keep), or none. */
export type Findings = Map<UploadAction, string[]>;

/**
 * List `folder` and match each uncertain upload against the documents no journal entry owns.
 * Several matches mean several attempts were applied: the first is kept, the rest are duplicates.
 */
export function findApplied(listing: FolderListing, uncertain: readonly UncertainUpload[], journal: Pick<JournalPort, 'byDocpath'>): Findings {
  const byKey = new Map<string, string[]>();
  for (const document of listing.documents) {
    const sha256 = parseMarker(document.docSource);
    if (sha256 === undefined || document.title === undefined || journal.byDocpath(document.docpath) !== undefined) continue;
    const key = `${document.title}\u0000${sha256}`;
    const list = byKey.get(key);
    if (list) list.push(document.docpath);
    else byKey.set(key, [document.docpath]);
  }
  const findings: Findings = new Map();
  for (const { action } of uncertain) findings.set(action, byKey.get(`${action.relativePath}\u0000${action.sha256}`) ?? []);
  return findings;
}
