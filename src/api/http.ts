/**
 * The one HTTP layer of the LumenOne client: an undici Agent with keep-alive and timeouts, one
 * `send` function, and the conversion of every failure into a RemoteError (never with the key).
 */
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { rootCertificates } from 'node:tls';
import type { Agent, request } from 'undici';
import { LumenSyncError, RemoteError } from '../errors.js';
import { classifyNetworkError, classifyStatus, type Classification } from './classify.js';
import { describeFailure, hintFor, type HintContext, type RemoteCause } from './hints.js';
import { ResponseShapeError, serverMessageOf } from './parse.js';
import { parseRetryAfter } from './retry-after.js';
import { TRANSFER_HEADER, watchSending, type SendWatch } from './send-watchdog.js';
import type { RequestObservation } from './types.js';
import type { UploadBody } from './upload-body.js';

/** Settings of one transport (one per client). */
export interface TransportOptions {
  /** `http://host:port/api` (see base-url.ts). */
  apiBaseUrl: string;
  apiKey: string;
  accountId: string;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  connections: number;
  caFile?: string;
  userAgent: string;
  onRequest?: (observation: RequestObservation) => void;
}

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

/** Extra CA certificates are added to (never replace) the system roots. */
function loadCa(caFile: string | undefined): string[] | undefined {
  if (caFile === undefined) return undefined;
  try {
    return [...rootCertificates, readFileSync(caFile, 'utf8')];
  } catch (error) {
    throw new LumenSyncError('LUMENSYNC_CONFIG_INVALID', `The CA file "${caFile}" could not be read.`, {
      hint: 'give the path of a readable PEM bundle as the CA file',
      cause: error,
    });
  }
}

/** Decode a body as JSON when it is JSON; keep the text otherwise; undefined when empty. */
function decodeBody(text: string): { body: unknown; json: boolean } {
  if (text.trim() === '') return { body: undefined, json: true };
  try {
    return { body: JSON.parse(text) as unknown, json: true };
  } catch {
    return { body: text, json: false };
  }
}

/** HTTP transport bound to one base URL, key and account. Holds the key in a private field. */
export class HttpTransport {
  readonly #apiKey: string;
  readonly #options: Omit<TransportOptions, 'apiKey'>;
  /** Created with the first request: a journal-first no-op sends none and never loads undici (~0.1 s, issue 11). */
  #agent: Promise<{ agent: Agent; request: typeof request }> | undefined;
  readonly #agentOptions: ConstructorParameters<typeof Agent>[0];

  constructor(options: TransportOptions) {
    const { apiKey, ...rest } = options;
    this.#apiKey = apiKey;
    this.#options = rest;
    const ca = loadCa(options.caFile);
    this.#agentOptions = {
      connections: options.connections,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      // Explicit: NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment must not silently disable verification.
      connect: { timeout: options.connectTimeoutMs, rejectUnauthorized: true, ...(ca === undefined ? {} : { ca }) },
    };
  }

  #dispatcher(): Promise<{ agent: Agent; request: typeof request }> {
    this.#agent ??= import('undici').then((undici) => ({ agent: new undici.Agent(this.#agentOptions), request: undici.request }));
    return this.#agent;
  }

  /** Send one request; resolve with the answer or throw RemoteError / LumenSyncError. */
  async send(apiRequest: ApiRequest, consume?: BodyConsumer): Promise<ApiResponse> {
    const url = this.#url(apiRequest);
    const started = performance.now();
    let status: number | undefined;
    let failure: string | undefined;
    try {
      const response = await this.#exchange(apiRequest, url, consume);
      status = response.status;
      return response;
    } catch (error) {
      if (error instanceof RemoteError) {
        status = error.status;
        failure = error.kind;
      } else failure = error instanceof LumenSyncError ? error.code : 'error';
      throw error;
    } finally {
      this.#observe({ method: apiRequest.method, route: apiRequest.route, status, durationMs: performance.now() - started, error: failure });
    }
  }

  /** Stop the pool; in-flight requests are allowed to finish. */
  async close(): Promise<void> {
    if (this.#agent !== undefined) await (await this.#agent).agent.close();
  }

  #url(apiRequest: ApiRequest): string {
    const query = apiRequest.query === undefined ? '' : `?${new URLSearchParams(apiRequest.query).toString()}`;
    return `${this.#options.apiBaseUrl}${apiRequest.path}${query}`;
  }

  #headers(apiRequest: ApiRequest): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#apiKey}`,
      accept: 'application/json',
      'user-agent': this.#options.userAgent,
    };
    if (apiRequest.withAccount !== false) headers['x-account-id'] = this.#options.accountId;
    if (apiRequest.json !== undefined) headers['content-type'] = 'application/json';
    else if (apiRequest.upload !== undefined && 'bytes' in apiRequest.upload) headers['content-type'] = apiRequest.upload.contentType;
    return headers;
  }

  async #exchange(apiRequest: ApiRequest, url: string, consume?: BodyConsumer): Promise<ApiResponse> {
    const { method } = apiRequest;
    let response: Awaited<ReturnType<typeof request>>;
    // An upload whose body stops moving is abandoned (issue 15): its own controller, so a stall is told from a shutdown.
    const stalled = apiRequest.sendIdleTimeoutMs === undefined ? undefined : new AbortController();
    let watch: SendWatch | undefined;
    const onAbort = (): void => stalled?.abort(apiRequest.signal?.reason);
    const { agent, request: send } = await this.#dispatcher();
    try {
      if (stalled !== undefined) {
        watch = watchSending(apiRequest.sendIdleTimeoutMs!, () => stalled.abort(new Error('upload stalled')));
        apiRequest.signal?.addEventListener('abort', onAbort, { once: true });
      }
      const headers = this.#headers(apiRequest);
      if (watch !== undefined) headers[TRANSFER_HEADER] = watch.id;
      response = await send(url, {
        dispatcher: agent,
        method,
        headers,
        body: apiRequest.json !== undefined ? JSON.stringify(apiRequest.json) : bodyOf(apiRequest.upload),
        headersTimeout: apiRequest.headersTimeoutMs ?? this.#options.headersTimeoutMs,
        bodyTimeout: this.#options.bodyTimeoutMs,
        signal: stalled?.signal ?? apiRequest.signal,
      });
    } catch (error) {
      if (stalled?.signal.aborted === true && apiRequest.signal?.aborted !== true) throw this.#stallFailure(apiRequest, url, error);
      throw this.#networkFailure(apiRequest, url, error);
    } finally {
      watch?.stop();
      apiRequest.signal?.removeEventListener('abort', onAbort);
    }
    if (consume !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
      try {
        return { status: response.statusCode, body: undefined, serverMessage: STATUS_CODES[response.statusCode] ?? '', streamed: await consume(response.body) };
      } catch (error) {
        // The rest of a body we stopped reading is not worth downloading: close the connection.
        response.body.destroy();
        if (error instanceof ResponseShapeError) throw this.shapeFailure(apiRequest, url, response.statusCode, error);
        throw this.#networkFailure(apiRequest, url, error);
      }
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      // Headers arrived, so the server got the whole request: it may have acted on it.
      throw this.#networkFailure(apiRequest, url, error);
    }
    const { statusCode } = response;
    const { body, json } = decodeBody(text);
    const statusText = STATUS_CODES[statusCode] ?? `HTTP ${statusCode}`;
    const serverMessage = serverMessageOf(body, statusText);
    if (statusCode >= 200 && statusCode < 300) {
      if (!json) throw this.shapeFailure(apiRequest, url, statusCode, new ResponseShapeError('the answer is not JSON'));
      return { status: statusCode, body, serverMessage };
    }
    if (apiRequest.accept?.(statusCode, serverMessage, body) === true) return { status: statusCode, body, serverMessage };
    const classification = classifyStatus({ status: statusCode, method, route: apiRequest.route, serverMessage, bodyEmpty: body === undefined });
    const retryAfterMs = parseRetryAfter(headerValue(response.headers['retry-after']), dateOf(response.headers.date));
    const location = headerValue(response.headers.location);
    throw this.remoteError(apiRequest, url, classification, {
      status: statusCode,
      serverMessage,
      mayHaveApplied: answerMayHaveApplied(method, statusCode, classification),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(location === undefined ? {} : { location }),
    });
  }

  /** A 2xx whose body could not be understood: the server acted, lumensync cannot tell how. */
  shapeFailure(apiRequest: ApiRequest, url: string, status: number, error: ResponseShapeError): RemoteError {
    const classification: Classification = { kind: 'protocol', cause: 'protocol', retryable: apiRequest.method === 'GET' };
    return this.remoteError(apiRequest, url, classification, { status, serverMessage: error.message, mayHaveApplied: apiRequest.method !== 'GET', cause: error });
  }

  /** Full URL of a request, for callers that report shape failures after parsing. */
  urlOf(apiRequest: ApiRequest): string {
    return this.#url(apiRequest);
  }

  /** The body stopped moving for `sendIdleTimeoutMs`: never fully sent, so never applied; retried at once. */
  #stallFailure(apiRequest: ApiRequest, url: string, error: unknown): RemoteError {
    return this.remoteError(apiRequest, url, { kind: 'network', cause: 'send-stalled', retryable: true }, { mayHaveApplied: false, cause: error });
  }

  #networkFailure(apiRequest: ApiRequest, url: string, error: unknown): LumenSyncError {
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
  remoteError(
    apiRequest: ApiRequest,
    url: string,
    classification: Classification,
    extra: { status?: number; serverMessage?: string; mayHaveApplied: boolean; retryAfterMs?: number; location?: string; cause?: unknown },
  ): RemoteError {
    const cause: RemoteCause = classification.cause;
    const context: HintContext = {
      method: apiRequest.method,
      url,
      accountId: this.#options.accountId,
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
      accountId: this.#options.accountId,
      retryable: classification.retryable,
      retryAfterMs: extra.retryAfterMs,
      mayHaveApplied: extra.mayHaveApplied,
      ...(classification.rejectsContent ? { rejectsContent: true } : {}),
      hint: hintFor(cause, context),
      cause: extra.cause,
    });
  }

  #observe(observation: RequestObservation): void {
    try {
      this.#options.onRequest?.(observation);
    } catch {
      // A metrics hook must never break a request.
    }
  }
}

/**
 * An error answer to a mutation proves nothing was applied only when the server refused it
 * (4xx, 429, a 5xx naming why). A bare 5xx, a 502 from a proxy or a 408 may come after the
 * server stored the upload (issue 15): such a call must be looked up before it is sent again.
 */
export const answerMayHaveApplied = (method: string, status: number, classification: Classification): boolean =>
  method !== 'GET' && (status === 408 || (status >= 500 && classification.cause === 'server'));

/** The body undici sends for an upload: the encoded bytes, or the FormData it encodes and streams itself. */
const bodyOf = (upload: UploadBody | undefined) =>
  upload === undefined ? undefined : 'bytes' in upload ? upload.bytes : upload.form;

const headerValue = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** The server's clock (Date header) is the right "now" for an HTTP-date Retry-After. */
function dateOf(value: string | string[] | undefined): number | undefined {
  const text = headerValue(value);
  if (text === undefined) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
