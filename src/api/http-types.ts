/** The shapes of one API call and its answer (the HTTP layer's vocabulary, shared by its modules). */
import type { UploadBody } from './upload-body.js';

/** What the request is about, for error messages and hints. */
export interface RequestContext {
  orgSlug?: string;
  workspaceSlug?: string;
  folder?: string;
}

/** One API call. `path` is already encoded (hex slugs, encodeURIComponent'ed names). */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path after the base URL, starting with `/v1/`. */
  path: string;
  /** Route template for metrics and classification, e.g. `/v1/org/:orgSlug/documents`. */
  route: string;
  query?: Record<string, string>;
  json?: unknown;
  /** An upload's multipart body (see upload-body.ts). */
  upload?: UploadBody;
  /** Send `X-Account-Id` (default true; false for A1). */
  withAccount?: boolean;
  /** Overrides the time allowed to the first response byte (uploads, embeddings). */
  headersTimeoutMs?: number;
  /** Abandon the request when its body stops moving for this long (uploads; see send-watchdog.ts). */
  sendIdleTimeoutMs?: number;
  signal?: AbortSignal;
  context?: RequestContext;
  /** Non-2xx answers returned to the caller instead of thrown (404 folder, "already exists", a batch's `failed` list). */
  accept?: (status: number, serverMessage: string, body: unknown) => boolean;
}

/** An answer: status, decoded body (undefined when empty) and the server's message. */
export interface ApiResponse {
  status: number;
  body: unknown;
  serverMessage: string;
  /** What a body consumer returned (2xx answers read as a stream; `body` is then undefined). */
  streamed?: unknown;
}

/** Reads a 2xx body as it arrives instead of buffering it (large listings); throws ResponseShapeError on a bad body. */
export type BodyConsumer = (body: AsyncIterable<Uint8Array>) => Promise<unknown>;
