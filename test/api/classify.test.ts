import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { classifyNetworkError, classifyStatus, errorCodes, type Classification } from '../../src/api/classify.js';

const ORG_ROUTE = '/v1/org/:orgSlug/documents';
const UPLOAD_ROUTE = '/v1/org/:orgSlug/document/upload';

describe('classifyStatus', () => {
  const cases: { label: string; status: number; message?: string; route?: string; method?: string; bodyEmpty?: boolean; expected: Classification }[] = [
    { label: '400 generic validation', status: 400, message: 'name is required', expected: { kind: 'validation', cause: 'validation', retryable: false } },
    { label: '400 hex slug in path', status: 400, message: 'orgSlug must be hex-encoded', expected: { kind: 'validation', cause: 'wrong-slug-form', retryable: false } },
    { label: '400 hex given in body', status: 400, message: '"737570706f72742d626f74" looks like a hex slug; use the original slug', expected: { kind: 'validation', cause: 'wrong-slug-form', retryable: false } },
    { label: '400 cross-org workspace', status: 400, message: 'addToWorkspaces contains a workspace that does not belong to this organization', expected: { kind: 'validation', cause: 'cross-org', retryable: false } },
    { label: '400 cross-org docpath', status: 400, message: 'docpath belongs to another organization', expected: { kind: 'validation', cause: 'cross-org', retryable: false } },
    { label: '400 missing X-Account-Id', status: 400, message: 'X-Account-Id header is required', expected: { kind: 'validation', cause: 'account-header', retryable: false } },
    { label: '422 like 400', status: 422, message: 'addToWorkspaces must be a string', expected: { kind: 'validation', cause: 'validation', retryable: false } },
    { label: '403 invalid key', status: 403, message: 'Invalid API Key', expected: { kind: 'auth', cause: 'bad-key', retryable: false } },
    { label: '401 treated like 403', status: 401, message: 'Unauthorized', expected: { kind: 'auth', cause: 'bad-key', retryable: false } },
    { label: '403 account of another company', status: 403, message: 'Account does not belong to this company', expected: { kind: 'auth', cause: 'foreign-account', retryable: false } },
    { label: "403 account wording naming the key's company", status: 403, message: "X-Account-Id is not an account of this API key's company", expected: { kind: 'auth', cause: 'foreign-account', retryable: false } },
    { label: '403 no valid api key', status: 403, message: 'No valid api key found.', expected: { kind: 'auth', cause: 'bad-key', retryable: false } },
    { label: '400 invalid slug in path', status: 400, message: 'Invalid org slug "acme" in path: expected lowercase hex', expected: { kind: 'validation', cause: 'wrong-slug-form', retryable: false } },
    { label: '404 org on org route', status: 404, message: 'Not Found', expected: { kind: 'not-found', cause: 'org-not-visible', retryable: false } },
    { label: '404 says organization', status: 404, message: 'Organization not found', expected: { kind: 'not-found', cause: 'org-not-visible', retryable: false } },
    { label: '404 says folder', status: 404, message: 'Folder "x" does not exist.', expected: { kind: 'not-found', cause: 'folder-not-found', retryable: false } },
    { label: '404 workspace route', status: 404, message: 'Not Found', route: '/v1/workspace/:workspaceSlug', expected: { kind: 'not-found', cause: 'workspace-not-found', retryable: false } },
    { label: '404 unknown route', status: 404, message: 'Not found', route: '/v1/orgs', expected: { kind: 'not-found', cause: 'route-not-found', retryable: false } },
    { label: 'W1 empty-bodied 400 = not found (upstream)', status: 400, message: 'Bad Request', route: '/v1/workspace/:workspaceSlug', bodyEmpty: true, expected: { kind: 'not-found', cause: 'workspace-not-found', retryable: false } },
    { label: '408 retryable', status: 408, message: 'Request Timeout', expected: { kind: 'server', cause: 'response-timeout', retryable: true } },
    { label: '413 too large', status: 413, message: 'Payload Too Large', route: UPLOAD_ROUTE, method: 'POST', expected: { kind: 'too-large', cause: 'too-large', retryable: false } },
    { label: '429 rate limit', status: 429, message: 'Too Many Requests', expected: { kind: 'rate-limit', cause: 'rate-limit', retryable: true } },
    { label: '500 retryable', status: 500, message: 'Internal Server Error', expected: { kind: 'server', cause: 'server', retryable: true } },
    { label: '502 retryable', status: 502, message: 'Bad Gateway', expected: { kind: 'server', cause: 'server', retryable: true } },
    { label: '503 retryable', status: 503, message: 'Service Unavailable', expected: { kind: 'server', cause: 'server', retryable: true } },
    { label: '500 processor offline retryable', status: 500, message: 'Document processing API is not online.', route: UPLOAD_ROUTE, method: 'POST', expected: { kind: 'server', cause: 'server', retryable: true } },
    {
      label: '500 upload not supported: not retryable',
      status: 500,
      message: 'File extension .xyz not supported for parsing and cannot be assumed as text file type.',
      route: UPLOAD_ROUTE,
      method: 'POST',
      expected: { kind: 'server', cause: 'unsupported-file', retryable: false, rejectsContent: true },
    },
    { label: 'U9 500 no text content: permanent for the content', status: 500, message: 'No text content found in empty.md.', route: UPLOAD_ROUTE, method: 'POST', expected: { kind: 'server', cause: 'no-text-content', retryable: false, rejectsContent: true } },
    { label: 'U9 500 no file extension: permanent for the content', status: 500, message: 'No file extension found. This file cannot be processed.', route: UPLOAD_ROUTE, method: 'POST', expected: { kind: 'server', cause: 'no-file-extension', retryable: false, rejectsContent: true } },
    { label: '500 "no text content" outside an upload stays a server error', status: 500, message: 'No text content found in x.', route: ORG_ROUTE, method: 'GET', expected: { kind: 'server', cause: 'server', retryable: true } },
    { label: '422 unsupported upload: permanent for the content', status: 422, message: 'Unsupported file type', route: UPLOAD_ROUTE, method: 'POST', expected: { kind: 'validation', cause: 'unsupported-file', retryable: false, rejectsContent: true } },
    { label: '500 folder already exists: not retryable', status: 500, message: 'Folder by that name already exists', route: '/v1/org/:orgSlug/document/create-folder', method: 'POST', expected: { kind: 'server', cause: 'already-exists', retryable: false } },
    { label: '409 already exists', status: 409, message: 'Folder already exists', expected: { kind: 'validation', cause: 'already-exists', retryable: false } },
    { label: '301 redirect', status: 301, message: 'Moved Permanently', expected: { kind: 'protocol', cause: 'redirect', retryable: false } },
  ];
  for (const { label, status, message, route, method, bodyEmpty, expected } of cases) {
    it(label, () => {
      assert.deepEqual(
        classifyStatus({ status, serverMessage: message ?? '', route: route ?? ORG_ROUTE, method: method ?? 'GET', bodyEmpty: bodyEmpty ?? false }),
        expected,
      );
    });
  }
});

/** An error shaped like undici's, with a code and an optional cause chain. */
const coded = (code: string, cause?: unknown): Error => Object.assign(new Error(code, cause === undefined ? undefined : { cause }), { code });

describe('classifyNetworkError', () => {
  const cases: { label: string; error: unknown; cause: string; retryable: boolean; mayHaveApplied: boolean }[] = [
    { label: 'connection refused: never reached the server', error: coded('ECONNREFUSED'), cause: 'connect-refused', retryable: true, mayHaveApplied: false },
    { label: 'DNS failure', error: coded('ENOTFOUND'), cause: 'dns', retryable: true, mayHaveApplied: false },
    { label: 'connect timeout', error: coded('UND_ERR_CONNECT_TIMEOUT'), cause: 'connect-timeout', retryable: true, mayHaveApplied: false },
    { label: 'headers timeout: may have applied', error: coded('UND_ERR_HEADERS_TIMEOUT'), cause: 'response-timeout', retryable: true, mayHaveApplied: true },
    { label: 'body timeout: may have applied', error: coded('UND_ERR_BODY_TIMEOUT'), cause: 'response-timeout', retryable: true, mayHaveApplied: true },
    { label: 'socket closed: may have applied', error: coded('UND_ERR_SOCKET'), cause: 'connection-lost', retryable: true, mayHaveApplied: true },
    { label: 'reset: may have applied', error: coded('ECONNRESET'), cause: 'connection-lost', retryable: true, mayHaveApplied: true },
    { label: 'wrapped refused (cause chain)', error: coded('UND_ERR_SOCKET', coded('ECONNREFUSED')), cause: 'connect-refused', retryable: true, mayHaveApplied: false },
    { label: 'TLS untrusted: not retryable', error: coded('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), cause: 'tls', retryable: false, mayHaveApplied: false },
    { label: 'TLS self-signed: not retryable', error: coded('SELF_SIGNED_CERT_IN_CHAIN'), cause: 'tls', retryable: false, mayHaveApplied: false },
    { label: 'unknown error: conservative', error: new Error('boom'), cause: 'connection-lost', retryable: true, mayHaveApplied: true },
  ];
  for (const { label, error, cause, retryable, mayHaveApplied } of cases) {
    it(label, () => {
      assert.deepEqual(classifyNetworkError(error), { kind: 'network', cause, retryable, mayHaveApplied });
    });
  }

  it('errorCodes walks the cause chain', () => {
    assert.deepEqual(errorCodes(coded('A', coded('B', coded('C')))), ['A', 'B', 'C']);
    assert.deepEqual(errorCodes('not an error'), []);
  });
});
