/**
 * D4, one folder's documents, page by page (contract §13 U2): asks for `limit` documents from
 * `offset`, pages by `offset += limit` (never by items received: upstream drops items after
 * slicing, so pages can be short), follows `hasMore`, and parses each answer as a stream, calling
 * `onDocument` for each document (it says whether the docpath is new: the caller's own index is
 * the only one kept). Tolerates a server that ignores paging (answers everything at
 * once, or repeats the same page) and stops on one that never says `hasMore: false` once a page
 * brings nothing new. A 404 (unknown folder, also when it vanishes mid-listing) → `exists: false`.
 * Names that are not plain stored names of this folder are skipped (issue 15), never sent back.
 */
import { MAX_FOLDER_PAGES, checkFolderName, isOrgNotFound } from './client-support.js';
import { docpathProblem } from './docpath-check.js';
import { walkFolderPages, type FetchedPage } from './folder-paging.js';
import type { ApiRequest, ApiResponse, BodyConsumer } from './http-types.js';
import { parseFolderPageStream, type ListingFields, type StreamedPageInfo } from './listing-stream.js';
import type { RemoteDocument } from './types.js';

/** Unsafe names kept for the warning (the count of skipped ones is not bounded by this). */
const MAX_REJECTED_REPORTED = 100;

/** Runs one listing page's request (pacing and retries are the caller's). */
export type PageRunner = <T>(request: () => Promise<T>) => Promise<T>;

/** Sends one request through the client's transport. */
export type Send = (apiRequest: ApiRequest, consume: BodyConsumer) => Promise<ApiResponse>;

/** Which folder, how: original and hex org slug, page size, the fields parsed. */
export interface FolderQuery { orgSlug: string; orgHex: string; folder: string; limit: number; fields: ListingFields }

/** What a walk found. */
export interface FolderWalk { exists: boolean; pages: number; documents: number; rejected: string[] }

/** Takes one listed document; false when its docpath was taken before (a repeated item: not counted again). */
export type DocumentTaker = (document: RemoteDocument) => boolean;

/**
 * List `query.folder` page by page; `runPage` runs each page's request (a failed page is asked
 * again, not the listing). Unsafe names are skipped before `takeDocument` sees them.
 */
export async function walkFolderListing(query: FolderQuery, send: Send, takeDocument: DocumentTaker, runPage: PageRunner): Promise<FolderWalk> {
  const { orgSlug, orgHex, folder, limit, fields } = query;
  checkFolderName(folder);
  const rejectedSeen = new Set<string>();
  const rejected: string[] = [];
  let taken = 0;
  const fetchPage = async (offset: number): Promise<FetchedPage> => {
    const apiRequest: ApiRequest = {
      method: 'GET',
      path: `/v1/org/${orgHex}/documents/folder/${encodeURIComponent(folder)}`,
      route: '/v1/org/:orgSlug/documents/folder/:folder',
      query: { offset: String(offset), limit: String(limit) },
      context: { orgSlug, folder },
      accept: (status, message) => status === 404 && !isOrgNotFound(message),
    };
    // Counted across attempts of this page: a retried page re-sends what an attempt already delivered.
    let fresh = 0;
    const response = await runPage(() => send(apiRequest, (body) => parseFolderPageStream(body, orgSlug, folder, fields, (document) => {
      const problem = docpathProblem(document.docpath, folder);
      if (problem !== undefined) {
        if (rejectedSeen.has(document.docpath)) return;
        rejectedSeen.add(document.docpath);
        if (rejected.length < MAX_REJECTED_REPORTED) rejected.push(`${JSON.stringify(document.docpath)} (${problem})`);
        return;
      }
      if (!takeDocument(document)) return;
      fresh += 1;
      taken += 1;
    })));
    return { page: response.status === 404 ? undefined : (response.streamed as StreamedPageInfo), fresh };
  };
  const walked = await walkFolderPages(fetchPage, limit, MAX_FOLDER_PAGES);
  if (!walked.exists) return { exists: false, pages: walked.pages, documents: 0, rejected: [] };
  return { exists: true, pages: walked.pages, documents: taken, rejected };
}
