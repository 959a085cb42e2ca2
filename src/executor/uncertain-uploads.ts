/**
 * Uploads whose answer does not prove they were *not* applied (issue 15): a 5xx or 408 after the
 * server stored the file, a dropped connection, a garbled 200. Sending one again blindly leaves
 * two documents for one file; so the folder is listed once for all of them and a document that
 * carries the upload's metadata (title = relative path, marker = content hash) is adopted instead.
 */
import type { UploadAction } from '../core/plan-types.js';
import { parseMarker } from '../core/marker.js';
import type { ListedDocument } from '../api/types.js';
import type { JournalPort } from './ports.js';

/** What the lookups need: a folder's listed documents, page by page (docpath, title and docSource at least). */
export interface FolderLister {
  forEachFolderDocument(orgSlug: string, folder: string, onDocument: (document: ListedDocument) => void): Promise<unknown>;
}

/** The folder lister of a remote, when it has one (the engine's does; unit-test fakes may not). */
export const listerOf = (remote: object): FolderLister | undefined =>
  typeof (remote as Partial<FolderLister>).forEachFolderDocument === 'function' ? remote as FolderLister : undefined;

/**
 * A listing of `folder` that keeps only the documents `keep` accepts: these lookups want a few
 * documents, and the folder may list 1,000,000. For the pacer: each attempt starts afresh, so a
 * retried listing does not count a document twice (twice would read as a duplicate upload).
 */
export const listKept = (lister: FolderLister, orgSlug: string, folder: string, keep: (document: ListedDocument) => boolean) =>
  async (): Promise<ListedDocument[]> => {
    const kept: ListedDocument[] = [];
    await lister.forEachFolderDocument(orgSlug, folder, (document) => {
      if (keep(document)) kept.push(document);
    });
    return kept;
  };

/** A document's upload key (title + content marker), as `uploadKey` makes it for an upload. */
const documentUploadKey = (document: ListedDocument): string | undefined => {
  const sha256 = parseMarker(document.docSource);
  return sha256 === undefined || document.title === undefined ? undefined : `${document.title}\u0000${sha256}`;
};

/** The key a document carrying this upload's metadata (title = relative path, marker = content hash) has. */
const uploadKey = (upload: { relativePath: string; sha256: string }): string => `${upload.relativePath}\u0000${upload.sha256}`;

/** A test for "this document carries the metadata of one of `uploads`". */
export const carriesOneOf = (uploads: readonly { relativePath: string; sha256: string }[]): ((document: ListedDocument) => boolean) => {
  const wanted = new Set(uploads.map(uploadKey));
  return (document) => wanted.has(documentUploadKey(document) ?? '');
};

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
export function findApplied(documents: readonly ListedDocument[], uncertain: readonly UncertainUpload[], journal: Pick<JournalPort, 'byDocpath'>): Findings {
  const byKey = new Map<string, string[]>();
  for (const document of documents) {
    const key = documentUploadKey(document);
    if (key === undefined || journal.byDocpath(document.docpath) !== undefined) continue;
    const list = byKey.get(key);
    if (list) list.push(document.docpath);
    else byKey.set(key, [document.docpath]);
  }
  const findings: Findings = new Map();
  for (const { action } of uncertain) findings.set(action, byKey.get(uploadKey(action)) ?? []);
  return findings;
}
