/**
 * The one HTTP layer of the LumenOne client: an undici Agent with keep-alive and timeouts, one
 * `send` function, and the conversion of every failure into a RemoteError (never with the key;
 * the errors themselves are built in http-failures.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Agent } from 'undici';
import type { request } from './undici-parts.js';
import { LumenSyncError, RemoteError } from '../errors.js';
import type { Classification } from './classify.js';
import { HttpFailures, type FailureDetails } from './http-failures.js';
import type { ApiRequest, ApiResponse, BodyConsumer } from './http-types.js';
import { ResponseShapeError, serverMessageOf } from './parse.js';
import { TRANSFER_HEADER, watchSending, type SendWatch } from './send-watchdog.js';
import type { RequestObservation } from './types.js';
import type { UploadBody } from './upload-body.js';

export type { ApiRequest, ApiResponse, BodyConsumer, RequestContext } from './http-types.js';
export { answerMayHaveApplied } from './http-failures.js';

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

/**
 * node:http and node:tls load 15 of Node's internal modules (~4 ms of each start): they are
 * loaded when an answer is read or a CA file given, so a pass that sends nothing (a journal-first
 * no-op) goes without them. undici, loaded for the first request, needs them anyway.
 */
const requireHere = createRequire(import.meta.url);
let statusCodes: Record<number, string | undefined> | undefined;
const statusText = (statusCode: number): string | undefined =>
  (statusCodes ??= (requireHere('node:http') as typeof import('node:http')).STATUS_CODES)[statusCode];

/** Extra CA certificates are added to (never replace) the system roots. */
function loadCa(caFile: string | undefined): string[] | undefined {
  if (caFile === undefined) return undefined;
  try {
    const { rootCertificates } = requireHere('node:tls') as typeof import('node:tls');
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
  readonly #failures: HttpFailures;
  /** Created with the first request: a journal-first no-op sends none and never loads undici (~0.1 s, issue 11). */
  #agent: Promise<{ agent: Agent; request: typeof request }> | undefined;
  readonly #agentOptions: ConstructorParameters<typeof Agent>[0];

  constructor(options: TransportOptions) {
    const { apiKey, ...rest } = options;
    this.#apiKey = apiKey;
    this.#options = rest;
    this.#failures = new HttpFailures(options.accountId);
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
    this.#agent ??= import('./undici-parts.js').then((undici) => ({ agent: new undici.Agent(this.#agentOptions), request: undici.request }));
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
      if (stalled?.signal.aborted === true && apiRequest.signal?.aborted !== true) throw this.#failures.stall(apiRequest, url, error);
      throw this.#failures.network(apiRequest, url, error);
    } finally {
      watch?.stop();
      apiRequest.signal?.removeEventListener('abort', onAbort);
    }
    if (consume !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
      try {
        return { status: response.statusCode, body: undefined, serverMessage: statusText(response.statusCode) ?? '', streamed: await consume(response.body) };
      } catch (error) {
        // The rest of a body we stopped reading is not worth downloading: close the connection.
        response.body.destroy();
        if (error instanceof ResponseShapeError) throw this.shapeFailure(apiRequest, url, response.statusCode, error);
        throw this.#failures.network(apiRequest, url, error);
      }
    }
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      // Headers arrived, so the server got the whole request: it may have acted on it.
      throw this.#failures.network(apiRequest, url, error);
    }
    const { statusCode } = response;
    const { body, json } = decodeBody(text);
    const serverMessage = serverMessageOf(body, statusText(statusCode) ?? `HTTP ${statusCode}`);
    if (statusCode >= 200 && statusCode < 300) {
      if (!json) throw this.shapeFailure(apiRequest, url, statusCode, new ResponseShapeError('the answer is not JSON'));
      return { status: statusCode, body, serverMessage };
    }
    if (apiRequest.accept?.(statusCode, serverMessage, body) === true) return { status: statusCode, body, serverMessage };
    throw this.#failures.status(apiRequest, url, { status: statusCode, serverMessage, bodyEmpty: body === undefined, headers: response.headers });
  }

  /** A 2xx whose body could not be understood: the server acted, lumensync cannot tell how. */
  shapeFailure(apiRequest: ApiRequest, url: string, status: number, error: ResponseShapeError): RemoteError {
    return this.#failures.shape(apiRequest, url, status, error);
  }

  /** Full URL of a request, for callers that report shape failures after parsing. */
  urlOf(apiRequest: ApiRequest): string {
    return this.#url(apiRequest);
  }

  /** Build the RemoteError for a failed request (message and hint from the cause). */
  remoteError(apiRequest: ApiRequest, url: string, classification: Classification, extra: FailureDetails): RemoteError {
    return this.#failures.remoteError(apiRequest, url, classification, extra);
  }

  #observe(observation: RequestObservation): void {
    try {
      this.#options.onRequest?.(observation);
    } catch {
      // A metrics hook must never break a request.
    }
  }
}

/** The body undici sends for an upload: the encoded bytes, or the FormData it encodes and streams itself. */
const bodyOf = (upload: UploadBody | undefined) =>
  upload === undefined ? undefined : 'bytes' in upload ? upload.bytes : upload.form;

