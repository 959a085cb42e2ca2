/**
 * Cause of a failed LumenOne call → the one-sentence message and the hint that says what to do
 * (the errors page's "Fix" column). Pure text: no I/O, and never the API key.
 */

/** What went wrong, finer than RemoteErrorKind: one cause, one fix. */
export type RemoteCause =
  | 'bad-key'
  | 'foreign-account'
  | 'account-header'
  | 'wrong-slug-form'
  | 'cross-org'
  | 'org-not-visible'
  | 'workspace-not-found'
  | 'folder-not-found'
  | 'document-not-found'
  | 'route-not-found'
  | 'validation'
  | 'already-exists'
  | 'too-large'
  | 'rate-limit'
  | 'unsupported-file'
  | 'no-text-content'
  | 'no-file-extension'
  | 'server'
  | 'redirect'
  | 'connect-refused'
  | 'dns'
  | 'connect-timeout'
  | 'response-timeout'
  | 'send-stalled'
  | 'connection-lost'
  | 'tls'
  | 'protocol';

/** What the message and hint may mention about the failed request. */
export interface HintContext {
  method: string;
  /** Request URL with slugs, never the key. */
  url: string;
  status?: number;
  serverMessage?: string;
  accountId?: string;
  orgSlug?: string;
  workspaceSlug?: string;
  folder?: string;
  /** ISO time of the failure, for support tickets. */
  timestamp: string;
  /** Redirect target, for 3xx answers. */
  location?: string;
}

const quoted = (value: string | undefined, fallback: string): string => (value === undefined ? fallback : `"${value}"`);
const origin = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** The cause as one sentence (without the request details, which `describeFailure` appends). */
export function causeSentence(cause: RemoteCause, context: HintContext): string {
  const org = quoted(context.orgSlug, 'the organization');
  const account = quoted(context.accountId, 'the configured account');
  switch (cause) {
    case 'bad-key': return 'LumenOne rejected the API key as missing, invalid or revoked';
    case 'foreign-account': return `The account ${account} is unknown or belongs to another company than this API key`;
    case 'account-header': return 'LumenOne refused the account id (X-Account-Id missing or not a UUID)';
    case 'wrong-slug-form': return 'LumenOne refused a slug in the wrong form (URL paths take the hex form, bodies and docpaths the original)';
    case 'cross-org': return `LumenOne refused a cross-organization request: a workspace or docpath does not belong to organization ${org}`;
    case 'org-not-visible': return `Organization ${org} is not visible under account ${account}`;
    case 'workspace-not-found': return `Workspace ${quoted(context.workspaceSlug, '(unnamed)')} was not found under account ${account}`;
    case 'folder-not-found': return `Folder ${quoted(context.folder, '(unnamed)')} does not exist in organization ${org}`;
    case 'document-not-found': return `The document was not found in organization ${org}`;
    case 'route-not-found': return 'The server has no such endpoint';
    case 'validation': return 'LumenOne refused the request as invalid';
    case 'already-exists': return 'The folder already exists';
    case 'too-large': return 'The upload is larger than the server accepts';
    case 'rate-limit': return 'LumenOne is rate-limiting requests';
    case 'unsupported-file': return 'LumenOne cannot parse this file type';
    case 'no-text-content': return 'LumenOne found no text to index in this file (empty, or images only)';
    case 'no-file-extension': return 'LumenOne cannot process a file whose name has no extension';
    case 'server': return 'LumenOne failed with a server error';
    case 'redirect': return `The server redirected to ${quoted(context.location, 'another address')} instead of answering the API call`;
    case 'connect-refused': return `Nothing accepted the connection at ${origin(context.url)} (connection refused)`;
    case 'dns': return `The host name of ${origin(context.url)} could not be resolved`;
    case 'connect-timeout': return `Connecting to ${origin(context.url)} timed out`;
    case 'response-timeout': return 'LumenOne did not answer in time';
    case 'send-stalled': return 'the upload stopped moving (the server read nothing for --upload-idle-timeout)';
    case 'connection-lost': return 'The connection to LumenOne was lost before an answer arrived';
    case 'tls': return `The TLS certificate of ${origin(context.url)} could not be verified`;
    case 'protocol': return 'LumenOne answered with a body lumensync could not understand';
  }
}

/** The fix for a cause, concrete enough to act on. */
export function hintFor(cause: RemoteCause, context: HintContext): string {
  const org = context.orgSlug ?? '<org>';
  switch (cause) {
    case 'bad-key': return 'ask your LumenOne superadmin for a new key; check LUMENONE_API_KEY (the whole key, no quotes or spaces)';
    case 'foreign-account': return 'check LUMENONE_ACCOUNT_ID: it must be an account of the company the API key was issued to';
    case 'account-header': return 'set LUMENONE_ACCOUNT_ID to the account UUID, e.g. 11111111-2222-3333-4444-555555555555';
    case 'wrong-slug-form': return 'give original slugs (e.g. --org acme, not its hex form 61636d65): lumensync hex-encodes URL path segments itself; if you did, the server disagrees with the API contract — report it';
    case 'cross-org': return `use workspaces and docpaths of organization "${org}" only: check --org and --workspace (a workspace belongs to exactly one organization)`;
    case 'org-not-visible': return `check --org (the original slug, e.g. acme) and LUMENONE_ACCOUNT_ID: the organization must belong to that account`;
    case 'workspace-not-found': return `check --workspace (the original slug): it must be a workspace of organization "${org}" under the configured account`;
    case 'folder-not-found': return 'check the folder name; upload-into-folder creates a folder on first use';
    case 'document-not-found': return 'the document is gone remotely; the next full sync re-uploads it if the local file still exists';
    case 'route-not-found': return 'check that LUMENONE_HOST points at the LumenOne server (lumensync adds /api/v1 itself); this LumenOne version may lack the endpoint';
    case 'validation': return 'fix the request as the server message says; it is not retried';
    case 'already-exists': return 'nothing to do: the folder is there';
    case 'too-large': return 'exclude the file with an ignore rule, or ask the LumenOne admin to raise the upload limit (often a reverse proxy setting such as nginx client_max_body_size)';
    case 'rate-limit': return 'lumensync waits as long as Retry-After asks and retries; if it persists, lower the concurrency';
    case 'unsupported-file': return 'exclude the file with an ignore rule or convert it to a supported type (e.g. .doc → .docx, or .pdf)';
    case 'no-text-content': return 'add text to the file (a scanned PDF needs OCR first), or exclude it with an ignore rule';
    case 'no-file-extension': return 'give the file an extension that says its type (e.g. NOTES → NOTES.txt), or exclude it with an ignore rule';
    case 'server': return `retried automatically; if it persists, include this in a support ticket: URL ${context.method} ${context.url}, time ${context.timestamp}, account id ${context.accountId ?? '(none)'}`;
    case 'redirect': return 'set LUMENONE_HOST to the final address (often the https:// form of the same host)';
    case 'connect-refused': return 'check LUMENONE_HOST (scheme, host and port) and that the server is running';
    case 'dns': return 'check the host name in LUMENONE_HOST and your DNS or network connection';
    case 'connect-timeout': return 'check the network path to the host (VPN, firewall, proxy); retried automatically';
    case 'response-timeout': return 'retried automatically; uploads embed synchronously, so raise --upload-timeout if large files time out';
    case 'send-stalled': return 'retried automatically; on a slow link raise --upload-idle-timeout';
    case 'connection-lost': return 'retried automatically; the request may have been applied, so an upload is re-checked against the remote listing before it is sent again';
    case 'tls': return "give the CA bundle (PEM) of the server's certificate with the CA file setting; certificate verification is never disabled";
    case 'protocol': return 'check that LUMENONE_HOST points at the LumenOne API and not at a web page or proxy login; if it does, report the response shape';
  }
}

/** Full one-sentence message: the cause, then status, server message and request in brackets. */
export function describeFailure(cause: RemoteCause, context: HintContext): string {
  const details = [
    context.status === undefined ? undefined : `HTTP ${context.status}`,
    context.serverMessage === undefined ? undefined : JSON.stringify(context.serverMessage),
    `on ${context.method} ${context.url}`,
  ].filter((part): part is string => part !== undefined);
  return `${causeSentence(cause, context)} (${details.join(' ')}).`;
}
