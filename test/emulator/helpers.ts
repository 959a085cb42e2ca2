/** Shared helpers for the emulator tests: seeded ids and small HTTP wrappers around fetch. */

import { toHexSlug } from '../../src/api/slugs.js';
import type { EmulatorHandle } from '../../src/emulator/server.js';

export const DEV_KEY = 'lumensync-dev-key';
export const OTHER_KEY = 'other-company-key';
export const ACME_ACCOUNT = '11111111-2222-3333-4444-555555555555';
export const GLOBEX_ACCOUNT = '22222222-3333-4444-5555-666666666666';
export const INITECH_ACCOUNT = '33333333-4444-5555-6666-777777777777';
export const ACME_HEX = toHexSlug('acme');
export const GLOBEX_HEX = toHexSlug('globex');

/** Options of one call: key/account undefined → header omitted, null → defaults. */
export interface CallOptions {
  key?: string | null;
  account?: string | null;
  json?: unknown;
  body?: RequestInit['body'];
  headers?: Record<string, string>;
}

/** Answer of one call, the body parsed as JSON when possible. */
export interface CallResult {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke into arbitrary JSON
  headers: Headers;
}

/** Call `/api/v1` + path; defaults: dev key, acme account. */
export const call = async (em: EmulatorHandle, method: string, path: string, options: CallOptions = {}): Promise<CallResult> => {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? DEV_KEY : options.key;
  const account = options.account === undefined ? ACME_ACCOUNT : options.account;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (account !== null) headers['x-account-id'] = account;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${em.url}/api/v1${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Keep the text.
  }
  return { status: response.status, body: parsed, headers: response.headers };
};

/** Upload options (defaults: acme, custom-documents, small text file). */
export interface UploadOptions extends Omit<CallOptions, 'json' | 'body'> {
  orgHex?: string;
  folder?: string;
  fileName?: string;
  content?: string | Uint8Array;
  addToWorkspaces?: string;
  metadata?: string | Record<string, unknown>;
  fileField?: string;
}

/** Multipart upload through D1 (or D2 with `folder`). */
export const upload = (em: EmulatorHandle, options: UploadOptions = {}): Promise<CallResult> => {
  const form = new FormData();
  if (options.addToWorkspaces !== undefined) form.append('addToWorkspaces', options.addToWorkspaces);
  if (options.metadata !== undefined) form.append('metadata', typeof options.metadata === 'string' ? options.metadata : JSON.stringify(options.metadata));
  form.append(options.fileField ?? 'file', new Blob([options.content ?? 'hello world']), options.fileName ?? 'notes.txt');
  const folderPart = options.folder === undefined ? '' : `/${encodeURIComponent(options.folder)}`;
  return call(em, 'POST', `/org/${options.orgHex ?? ACME_HEX}/document/upload${folderPart}`, { ...options, body: form });
};

/** Upload and return the new docpath (asserting success). */
export const uploadDocpath = async (em: EmulatorHandle, options: UploadOptions = {}): Promise<string> => {
  const result = await upload(em, options);
  if (result.status !== 200) throw new Error(`upload failed: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.documents[0].location as string;
};
