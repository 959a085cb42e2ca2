/** Options, constants and small helpers of the LumenOne client (kept apart to keep client.ts readable). */
import { LumenSyncError } from '../errors.js';
import { VERSION } from '../version.js';
import { normaliseApiBaseUrl } from './base-url.js';
import type { TransportOptions } from './http.js';
import type { BatchResult, RequestObservation } from './types.js';

/** Options of a LumenOneClient. */
export interface ClientOptions {
  /** Server address, e.g. 'http://127.0.0.1:8787'; a trailing '/', '/api' or '/api/v1' is tolerated. */
  host: string;
  /** Bearer key; kept private, never logged or serialised. */
  apiKey: string;
  /** Account UUID sent as X-Account-Id. */
  accountId: string;
  /** Time allowed to open a connection (default 10 s). */
  connectTimeoutMs?: number;
  /** Time allowed to the first response byte (default 60 s). */
  headersTimeoutMs?: number;
  /** Idle time allowed between body chunks (default 60 s). */
  bodyTimeoutMs?: number;
  /** Headers timeout for upload and update-embeddings, which embed synchronously (default 10 min). */
  uploadTimeoutMs?: number;
  /** An upload that sends no byte for this long is abandoned (retryable, not applied; default 60 s). */
  uploadIdleTimeoutMs?: number;
  /** Keep-alive pool size per origin (default 8). */
  connections?: number;
  /** Extra CA bundle (PEM) trusted besides the system roots; verification is never disabled. */
  caFile?: string;
  /** User-Agent header (default 'lumensync/<version>'). */
  userAgent?: string;
  /** Metrics/logging hook, called once per HTTP exchange. */
  onRequest?: (observation: RequestObservation) => void;
  /** Documents asked for per folder-listing page (default 1000, the upstream maximum: contract §13 U2). */
  listPageSize?: number;
}

/** The default folder of every organization (contract §4.2). */
export const DEFAULT_FOLDER = 'custom-documents';
/** Safety bound on D4 pagination: a server that always says hasMore must not loop forever. */
export const MAX_FOLDER_PAGES = 10_000;
/** Default D4 page size: upstream's maximum `limit` (contract §13 U2). */
export const LIST_PAGE_SIZE = 1000;

/** The page size of a client: a whole number from 1 to the upstream maximum. */
export function listPageSizeOf(options: ClientOptions): number {
  const size = options.listPageSize ?? LIST_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > LIST_PAGE_SIZE) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `The listing page size ${size} is not a whole number from 1 to ${LIST_PAGE_SIZE}.`, {
      hint: `LumenOne answers at most ${LIST_PAGE_SIZE} documents per page; leave the page size unset to use ${LIST_PAGE_SIZE}`,
    });
  }
  return size;
}

/** Validate the options and apply the documented defaults for the HTTP layer. */
export function transportOptionsFor(options: ClientOptions): TransportOptions {
  if (options.apiKey.trim() === '') {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', 'No LumenOne API key is configured.', { hint: 'set LUMENONE_API_KEY; keys are issued by your LumenOne superadmin' });
  }
  if (options.accountId.trim() === '') {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', 'No LumenOne account id is configured.', { hint: 'set LUMENONE_ACCOUNT_ID to the account UUID' });
  }
  return {
    apiBaseUrl: normaliseApiBaseUrl(options.host),
    apiKey: options.apiKey.trim(),
    accountId: options.accountId.trim(),
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    headersTimeoutMs: options.headersTimeoutMs ?? 60_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 60_000,
    connections: options.connections ?? 8,
    ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    userAgent: options.userAgent ?? `lumensync/${VERSION}`,
    ...(options.onRequest === undefined ? {} : { onRequest: options.onRequest }),
  };
}

/** Folder names are one path segment (contract §4.2); refuse others before the server does. */
export function checkFolderName(folder: string): void {
  if (folder.trim() === '' || /[/\\]/.test(folder) || folder === '.' || folder === '..') {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `The remote folder name "${folder}" is not a single folder name.`, {
      hint: 'LumenOne folders are one level deep: use a name without "/" or "\\", e.g. reports__2024',
    });
  }
}

/** A 404 that names the organization is about the org, not the folder or document. */
export const isOrgNotFound = (message: string): boolean => /organi[sz]ation|\borg\b/i.test(message) && !/folder|document|file/i.test(message);

/** The answer to an empty batch: nothing to send, nothing failed. */
export const emptyBatch = (): BatchResult => ({ status: 200, partial: false, purged: [], failed: [], message: undefined });

/**
 * U11: a batch answer in the 4xx/5xx range that still lists `failed` entries is a per-entry result,
 * not a failure of the whole request (429 stays a pacing signal).
 */
export const carriesFailedList = (status: number, _message: string, body: unknown): boolean =>
  status >= 400 && status !== 429 && typeof body === 'object' && body !== null && Array.isArray((body as { failed?: unknown }).failed);
