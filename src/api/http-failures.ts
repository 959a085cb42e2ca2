/**
 * Every failure of the HTTP layer as a typed error (never with the key): a non-2xx answer, a 2xx
 * that cannot be understood, a network failure, a stalled upload body, an abort. Message and
 * hint come from the cause (hints.ts); `mayHaveApplied` says whether a mutation must be looked
 * up before it is sent again (issue 15).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { LumenSyncError, RemoteError } from '../errors.js';
import { classifyNetworkError, classifyStatus, type Classification } from './classify.js';
import { describeFailure, hintFor, type HintContext, type RemoteCause } from './hints.js';
import type { ApiRequest } from './http-types.js';
import type { ResponseShapeError } from './parse.js';
import { parseRetryAfter } from './retry-after.js';

/** What is known about a failure besides its classification. */
export interface FailureDetails { status?: number; serverMessage?: string; mayHaveApplied: boolean; retryAfterMs?: number; location?: string; cause?: unknown }

/**
 * An error answer to a mutation proves nothing was applied only when the server refused it
 * (4xx, 429, a 5xx naming why). A bare 5xx, a 502 from a proxy or a 408 may come after the
 * server stored the upload (issue 15): such a call must be looked up before it is sent again.
 */
export const answerMayHaveApplied = (method: string, status: number, classification: Classification): boolean =>
  method !== 'GET' && (status === 408 || (status >= 500 && classification.cause === 'server'));

/** Builds the errors of one transport (its account id goes into messages; its key never does). */
export class HttpFailures {
  constructor(private readonly accountId: string) {}

  /** A non-2xx answer the request did not accept. */
  status(apiRequest: ApiRequest, url: string, answer: { status: number; serverMessage: string; bodyEmpty: boolean; headers: IncomingHttpHeaders }): RemoteError {
    const { status, serverMessage } = answer;
    const classification = classifyStatus({ status, method: apiRequest.method, route: apiRequest.route, serverMessage, bodyEmpty: answer.bodyEmpty });
    const retryAfterMs = parseRetryAfter(headerValue(answer.headers['retry-after']), dateOf(answer.headers.date));
    const location = headerValue(answer.headers.location);
    return this.remoteError(apiRequest, url, classification, {
      status,
      serverMessage,
      mayHaveApplied: answerMayHaveApplied(apiRequest.method, status, classification),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(location === undefined ? {} : { location }),
    });
  }

  /** A 2xx whose body could not be understood: the server acted, lumensync cannot tell how. */
  shape(apiRequest: ApiRequest, url: string, status: number, error: ResponseShapeError): RemoteError {
    const classification: Classification = { kind: 'protocol', cause: 'protocol', retryable: apiRequest.method === 'GET' };
    return this.remoteError(apiRequest, url, classification, { status, serverMessage: error.message, mayHaveApplied: apiRequest.method !== 'GET', cause: error });
  }

  /** The body stopped moving for `sendIdleTimeoutMs`: never fully sent, so never applied; retried at once. */
  stall(apiRequest: ApiRequest, url: string, error: unknown): RemoteError {
    return this.remoteError(apiRequest, url, { kind: 'network', cause: 'send-stalled', retryable: true }, { mayHaveApplied: false, cause: error });
  }

  /** No answer: an abort, a file that could not be read while streamed, or a network failure. */
  network(apiRequest: ApiRequest, url: string, error: unknown): LumenSyncError {
    if (apiRequest.signal?.aborted === true) {
      return new LumenSyncError('LUMENSYNC_ABORTED', `The request ${apiRequest.method} ${url} was aborted.`, {
        hint: 'lumensync is shutting down; an aborted upload is re-checked against the remote listing on the next run',
        cause: error,
      });
    }
    if (error instanceof Error && error.name === 'NotReadableError') {
      return new LumenSyncError('LUMENSYNC_LOCAL_IO', `The file being uploaded could not be read (${error.message}).`, {
        hint: 'the file changed or vanished during the upload; the next pass uploads it again',
        cause: error,
      });
    }
    const { mayHaveApplied, ...classification } = classifyNetworkError(error);
    return this.remoteError(apiRequest, url, classification, { mayHaveApplied, cause: error });
  }

  /** Build the RemoteError for a failed request (message and hint from the cause). */
  remoteError(apiRequest: ApiRequest, url: string, classification: Classification, extra: FailureDetails): RemoteError {
    const cause: RemoteCause = classification.cause;
    const context: HintContext = {
      method: apiRequest.method,
      url,
      accountId: this.accountId,
      timestamp: new Date().toISOString(),
      ...apiRequest.context,
      ...(extra.status === undefined ? {} : { status: extra.status }),
      ...(extra.serverMessage === undefined ? {} : { serverMessage: extra.serverMessage }),
      ...(extra.location === undefined ? {} : { location: extra.location }),
    };
    return new RemoteError(describeFailure(cause, context), {
      kind: classification.kind,
      status: extra.status,
      serverMessage: extra.serverMessage,
      method: apiRequest.method,
      url,
      accountId: this.accountId,
      retryable: classification.retryable,
      retryAfterMs: extra.retryAfterMs,
      mayHaveApplied: extra.mayHaveApplied,
      ...(classification.rejectsContent ? { rejectsContent: true } : {}),
      hint: hintFor(cause, context),
      cause: extra.cause,
    });
  }
}

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The server's clock (Date header) is the right "now" for an HTTP-date Retry-After. */
function dateOf(value: string | string[] | undefined): number | undefined {
  const text = headerValue(value);
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
