/**
 * One error family for the whole program. Everyone outside `api/` reads the flags
 * (`code`, `retryable`, `retryAfterMs`, `kind`) instead of HTTP statuses.
 */

/** Stable machine-readable error codes. */
export type ErrorCode =
  | 'LUMENSYNC_REMOTE_HTTP'
  | 'LUMENSYNC_REMOTE_NETWORK'
  | 'LUMENSYNC_REMOTE_PROTOCOL'
  | 'LUMENSYNC_CONFIG_INVALID'
  /** The org or workspace named is not visible to this key/account (exit 3, like a 403/404). */
  | 'LUMENSYNC_ACCESS'
  | 'LUMENSYNC_USAGE'
  | 'LUMENSYNC_LOCAL_IO'
  | 'LUMENSYNC_STATE_LOCKED'
  | 'LUMENSYNC_STATE_CORRUPT'
  | 'LUMENSYNC_STATE_IO'
  | 'LUMENSYNC_GUARD'
  | 'LUMENSYNC_ABORTED';

/** Base class: a stable `code`, a human message and a `hint` saying what to do. */
export class LumenSyncError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LumenSyncError';
    this.code = code;
    this.hint = options.hint;
  }
}

/**
 * What went wrong with a remote call, as a category the rest of the program can act on.
 * - auth: key missing/invalid/revoked (403/401) or account of another company
 * - not-found: org/workspace/folder/document not visible (404)
 * - validation: 400/422 (wrong slug form, cross-org, missing field)
 * - too-large: 413
 * - rate-limit: 429
 * - server: 5xx, 408
 * - network: connection refused/reset/timeout, no HTTP status
 * - protocol: a 2xx whose body could not be understood
 */
export type RemoteErrorKind =
  | 'auth'
  | 'not-found'
  | 'validation'
  | 'too-large'
  | 'rate-limit'
  | 'server'
  | 'network'
  | 'protocol';

export interface RemoteErrorInit {
  kind: RemoteErrorKind;
  /** HTTP status, absent for network errors. */
  status?: number;
  /** The server's own message (`message` ?? `error` ?? status text). */
  serverMessage?: string;
  method: string;
  /** Request URL (slugs included, never the key). */
  url: string;
  accountId?: string;
  retryable: boolean;
  retryAfterMs?: number;
  /**
   * The server may have applied the request although no success answer arrived
   * (connection lost after the body was sent, timeout waiting for the answer, a 2xx
   * with an unreadable body). A non-idempotent call (upload) must not be blindly
   * re-sent: the caller re-lists the remote first. A bare 5xx or 408 answer to a
   * mutation counts as "may have applied" (a proxy's 502 can follow a stored upload).
   * False when the request surely had no effect (connection refused, 4xx, 429, a GET).
   */
  mayHaveApplied?: boolean;
  /**
   * The server refused the uploaded content itself (U9: unsupported type, no text, no
   * extension): the same bytes will never be accepted, so they are not sent again.
   */
  rejectsContent?: boolean;
  hint?: string;
  cause?: unknown;
}

/** A failed LumenOne request. Produced only by the API client. */
export class RemoteError extends LumenSyncError {
  readonly kind: RemoteErrorKind;
  readonly status: number | undefined;
  readonly serverMessage: string | undefined;
  readonly method: string;
  readonly url: string;
  readonly accountId: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly mayHaveApplied: boolean;
  /** The server refused this content for good (see RemoteErrorInit). */
  readonly rejectsContent: boolean;
  /** ISO time the failure was observed (for support tickets). */
  readonly timestamp: string;

  constructor(message: string, init: RemoteErrorInit) {
    const code = init.kind === 'network' ? 'LUMENSYNC_REMOTE_NETWORK' : init.kind === 'protocol' ? 'LUMENSYNC_REMOTE_PROTOCOL' : 'LUMENSYNC_REMOTE_HTTP';
    super(code, message, { hint: init.hint, cause: init.cause });
    this.name = 'RemoteError';
    this.kind = init.kind;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.method = init.method;
    this.url = init.url;
    this.accountId = init.accountId;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.mayHaveApplied = init.mayHaveApplied ?? false;
    this.rejectsContent = init.rejectsContent ?? false;
    this.timestamp = new Date().toISOString();
  }
}

/** True when `error` is a RemoteError that a later attempt may fix. */
export const isRetryable = (error: unknown): boolean => error instanceof RemoteError && error.retryable;
