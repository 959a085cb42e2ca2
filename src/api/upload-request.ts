/**
 * D1/D2, the request of one upload: the target path (custom-documents is D1's own target, other
 * folders go to the UNCONFIRMED into-folder path D2), its body (upload-body.ts) and its timeouts.
 */
import { DEFAULT_FOLDER, checkFolderName } from './client-support.js';
import type { ApiRequest } from './http-types.js';
import type { UploadRequest } from './types.js';
import { uploadBodyOf } from './upload-body.js';

/** How long an upload may wait for its answer, and stay idle while its body is sent. */
export interface UploadTimeouts { uploadTimeoutMs: number; uploadIdleTimeoutMs: number }

/** The last folder name that passed checkFolderName. */
let lastCheckedFolder: string | undefined;

/** The request sending `upload` to the organization `orgHex`, and the folder it targets. */
export async function uploadApiRequest(upload: UploadRequest, orgHex: string, timeouts: UploadTimeouts): Promise<{ apiRequest: ApiRequest; folder: string }> {
  const folder = upload.folder ?? DEFAULT_FOLDER;
  // Checked once per folder name, not once per upload (a first sync sends thousands into one folder).
  if (folder !== lastCheckedFolder) {
    checkFolderName(folder);
    lastCheckedFolder = folder;
  }
  const body = await uploadBodyOf(upload);
  const intoFolder = folder !== DEFAULT_FOLDER;
  const apiRequest: ApiRequest = {
    method: 'POST',
    path: intoFolder ? `/v1/org/${orgHex}/document/upload/${encodeURIComponent(folder)}` : `/v1/org/${orgHex}/document/upload`,
    route: intoFolder ? '/v1/org/:orgSlug/document/upload/:folder' : '/v1/org/:orgSlug/document/upload',
    upload: body,
    headersTimeoutMs: timeouts.uploadTimeoutMs,
    // A body in one buffer is handed to the socket at once (undici reports it sent right away): only a streamed file can stall.
    ...('form' in body ? { sendIdleTimeoutMs: timeouts.uploadIdleTimeoutMs } : {}),
    context: { orgSlug: upload.orgSlug, folder },
    ...(upload.signal === undefined ? {} : { signal: upload.signal }),
  };
  return { apiRequest, folder };
}
