/**
 * HTTP status / network failure → error category, cause and retry verdict (contract §7, DESIGN §4).
 * Pure functions so the whole table is unit-tested; http.ts turns the verdict into a RemoteError.
 */
import type { RemoteErrorKind } from '../errors.js';
import type { RemoteCause } from './hints.js';

/** What an answered non-2xx request looked like. */
export interface StatusInput {
  status: number;
  method: string;
  /** Route template, e.g. `/v1/org/:orgSlug/document/upload`. */
  route: string;
  /** `message ?? error ?? statusText`. */
  serverMessage: string;
  /** The body was empty (upstream `res.sendStatus`). */
  bodyEmpty: boolean;
}

/** The verdict for one failure. */
export interface Classification {
  kind: RemoteErrorKind;
  cause: RemoteCause;
  retryable: boolean;
  /** The server refused the uploaded content itself (U9): only new content can succeed. */
  rejectsContent?: boolean;
}

/** A 400 about slugs is about their form: the path takes hex, everything else the original. */
const SLUG_FORM = /\bhex\b|hex-encoded|\bslug\b/i;
/** 403 wording of a bad key, as opposed to an account of another company. */
const KEY_PROBLEM = /invalid api key|no valid api key|api key (?:is )?(?:missing|invalid|revoked|required)|unauthori[sz]ed|bearer/i;
const CROSS_ORG = /does not belong|doesn't belong|not belong to|another organi[sz]ation|different organi[sz]ation|other organi[sz]ation|cross-org/i;
const ACCOUNT_HEADER = /x-account-id|account id|accountid/i;
const ALREADY_EXISTS = /already exists/i;
const UNSUPPORTED = /not supported|cannot be assumed|unsupported/i;
/** U9's other permanent parsing 500s: an empty (or image-only) file, a name without an extension. */
const NO_TEXT = /no text content found/i;
const NO_EXTENSION = /no file extension found/i;

/** A refusal of an upload's content (U9), whatever the status: permanent for those bytes. */
function contentRefusal(route: string, serverMessage: string): RemoteCause | undefined {
  if (!route.includes('/document/upload')) return undefined;
  if (NO_EXTENSION.test(serverMessage)) return 'no-file-extension';
  if (NO_TEXT.test(serverMessage)) return 'no-text-content';
  return UNSUPPORTED.test(serverMessage) ? 'unsupported-file' : undefined;
}

/** Which thing a 404 is about: the server's words first, the route as the fallback. */
function notFoundCause(route: string, serverMessage: string): RemoteCause {
  if (/workspace/i.test(serverMessage)) return 'workspace-not-found';
  if (/folder/i.test(serverMessage)) return 'folder-not-found';
  if (/document|file/i.test(serverMessage)) return 'document-not-found';
  if (/organi[sz]ation|\borg\b/i.test(serverMessage)) return 'org-not-visible';
  if (route.startsWith('/v1/workspace/')) return 'workspace-not-found';
  if (route.startsWith('/v1/org/')) return 'org-not-visible';
  return 'route-not-found';
}

/** Classify an answered non-2xx status. 401 is treated like 403 (contract §2.3). */
export function classifyStatus(input: StatusInput): Classification {
  const { status, route, serverMessage } = input;
  if (status >= 300 && status < 400) return { kind: 'protocol', cause: 'redirect', retryable: false };
  if (status === 401 || status === 403) {
    // The emulator and LumenOne word a foreign account differently from a bad key.
    const foreign = /account/i.test(serverMessage) && !KEY_PROBLEM.test(serverMessage);
    return { kind: 'auth', cause: foreign ? 'foreign-account' : 'bad-key', retryable: false };
  }
  if (status === 404) return { kind: 'not-found', cause: notFoundCause(route, serverMessage), retryable: false };
  // Upstream answers an empty-bodied 400 for an unknown workspace (contract §6.6; update-embeddings too, §13 U7).
  if (status === 400 && input.bodyEmpty && (route === '/v1/workspace/:workspaceSlug' || route === '/v1/workspace/:workspaceSlug/update-embeddings')) {
    return { kind: 'not-found', cause: 'workspace-not-found', retryable: false };
  }
  if (status === 408) return { kind: 'server', cause: 'response-timeout', retryable: true };
  if (status === 413) return { kind: 'too-large', cause: 'too-large', retryable: false };
  if (status === 429) return { kind: 'rate-limit', cause: 'rate-limit', retryable: true };
  if (ALREADY_EXISTS.test(serverMessage) && (status === 400 || status === 409 || status >= 500)) {
    return { kind: status >= 500 ? 'server' : 'validation', cause: 'already-exists', retryable: false };
  }
  if (status >= 500) {
    const refusal = contentRefusal(route, serverMessage);
    return refusal ? { kind: 'server', cause: refusal, retryable: false, rejectsContent: true } : { kind: 'server', cause: 'server', retryable: true };
  }
  if (status >= 400) {
    if (CROSS_ORG.test(serverMessage)) return { kind: 'validation', cause: 'cross-org', retryable: false };
    if (SLUG_FORM.test(serverMessage)) return { kind: 'validation', cause: 'wrong-slug-form', retryable: false };
    if (ACCOUNT_HEADER.test(serverMessage)) return { kind: 'validation', cause: 'account-header', retryable: false };
    const refusal = contentRefusal(route, serverMessage);
    if (refusal) return { kind: 'validation', cause: refusal, retryable: false, rejectsContent: true };
    return { kind: 'validation', cause: 'validation', retryable: false };
  }
  // 1xx or anything else outside 2xx: the server spoke, but not HTTP as we know it.
  return { kind: 'protocol', cause: 'protocol', retryable: false };
}

/** Verdict for a request that got no HTTP answer. */
export interface NetworkClassification extends Classification {
  /** True when the request may have reached the server and been applied. */
  mayHaveApplied: boolean;
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);
const CONNECT_TIMEOUT = new Set(['UND_ERR_CONNECT_TIMEOUT']);
const RESPONSE_TIMEOUT = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)|ERR_TLS|ERR_SSL|EPROTO/;

/** Every `code` along the `cause` chain (undici wraps socket errors). */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * Classify a failure without an HTTP answer. Refused / DNS / connect timeouts never reached the
 * server (`mayHaveApplied` false); a timeout waiting for the answer or a dropped connection may
 * have (true). TLS failures are not retried: they will not fix themselves.
 */
export function classifyNetworkError(error: unknown): NetworkClassification {
  const codes = errorCodes(error);
  const has = (set: Set<string>): boolean => codes.some((code) => set.has(code));
  if (codes.some((code) => TLS.test(code))) return { kind: 'network', cause: 'tls', retryable: false, mayHaveApplied: false };
  if (has(REFUSED)) return { kind: 'network', cause: 'connect-refused', retryable: true, mayHaveApplied: false };
  if (has(DNS)) return { kind: 'network', cause: 'dns', retryable: true, mayHaveApplied: false };
  if (has(CONNECT_TIMEOUT)) return { kind: 'network', cause: 'connect-timeout', retryable: true, mayHaveApplied: false };
  if (has(RESPONSE_TIMEOUT)) return { kind: 'network', cause: 'response-timeout', retryable: true, mayHaveApplied: true };
  return { kind: 'network', cause: 'connection-lost', retryable: true, mayHaveApplied: true };
}
