/**
 * The requests of the document and folder endpoints (D3, D5–D9): paths, routes, bodies and which
 * non-2xx answers are the caller's to read. Built here, sent and parsed by client.ts.
 */
import { carriesFailedList, checkFolderName, isOrgNotFound } from './client-support.js';
import type { ApiRequest } from './http-types.js';
import type { MoveRequest } from './types.js';

/** D3: every document of the organization, as a folder tree. */
export const listDocumentsRequest = (orgHex: string, orgSlug: string): ApiRequest => (
  { method: 'GET', path: `/v1/org/${orgHex}/documents`, route: '/v1/org/:orgSlug/documents', context: { orgSlug } });

/** D5: one document by stored name; a 404 that is not about the organization is "no such document". */
export const getDocumentRequest = (orgHex: string, orgSlug: string, storedName: string): ApiRequest => ({
  method: 'GET',
  path: `/v1/org/${orgHex}/document/${encodeURIComponent(storedName)}`,
  route: '/v1/org/:orgSlug/document/:docName',
  context: { orgSlug },
  accept: (status, message) => status === 404 && !isOrgNotFound(message),
});

/** D6: create a folder; an "already exists" answer (400/409/500) is accepted. */
export function createFolderRequest(orgHex: string, orgSlug: string, folder: string): ApiRequest {
  checkFolderName(folder);
  return {
    method: 'POST',
    path: `/v1/org/${orgHex}/document/create-folder`,
    route: '/v1/org/:orgSlug/document/create-folder',
    json: { name: folder },
    context: { orgSlug, folder },
    accept: (status, message) => (status === 400 || status === 409 || status === 500) && /already exists/i.test(message),
  };
}

/** D7: delete a folder with its documents. */
export function removeFolderRequest(orgHex: string, orgSlug: string, folder: string): ApiRequest {
  checkFolderName(folder);
  return {
    method: 'DELETE',
    path: `/v1/org/${orgHex}/document/remove-folder`,
    route: '/v1/org/:orgSlug/document/remove-folder',
    json: { name: folder },
    context: { orgSlug, folder },
  };
}

/** D8: move documents between folders (a `failed` list in an error status is a per-entry answer). */
export const moveFilesRequest = (orgHex: string, orgSlug: string, moves: MoveRequest[]): ApiRequest => ({
  method: 'POST',
  path: `/v1/org/${orgHex}/document/move-files`,
  route: '/v1/org/:orgSlug/document/move-files',
  json: { files: moves },
  context: { orgSlug },
  accept: carriesFailedList,
});

/** D9: purge documents (a `failed` list in an error status is a per-entry answer). */
export const removeFilesRequest = (orgHex: string, orgSlug: string, docpaths: string[]): ApiRequest => ({
  method: 'DELETE',
  path: `/v1/org/${orgHex}/document/remove-files`,
  route: '/v1/org/:orgSlug/document/remove-files',
  json: { files: docpaths },
  context: { orgSlug },
  accept: carriesFailedList,
});
