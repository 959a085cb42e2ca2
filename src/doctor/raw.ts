/**
 * Raw HTTP for the doctor: what the client deliberately hides (status, headers, the body as
 * sent) is exactly what the clock check and the contract probes need. The key goes only into
 * the Authorization header; results never carry it.
 */
import { Agent, request, type FormData } from 'undici';

// Our own dispatcher: undici's global one may be Node's bundled copy (Node 24), which does not
// know this package's FormData. Short keep-alive: the doctor sends a handful of requests.
let agent: Agent | undefined;
const dispatcher = (): Agent => (agent ??= new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 }));

/** One raw exchange. */
export interface RawResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** Parsed JSON, or the text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** Local clock (ms) half-way through the exchange, for the skew check. */
  midpointMs: number;
}

/** What to send. `path` is appended to the API base URL (`…/api`) unless `absolutePath`. */
export interface RawRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  apiKey: string;
  /** X-Account-Id; omitted when undefined. */
  accountId?: string | undefined;
  json?: unknown;
  form?: FormData;
  /** Use `path` against the origin instead of the API base (to probe a bare `/v1`). */
  absolutePath?: boolean;
}

/** Send one request and read the whole answer (10 s budget: the doctor must stay quick). */
export async function rawRequest(apiBaseUrl: string, input: RawRequest): Promise<RawResponse> {
  const url = input.absolutePath ? new URL(input.path, apiBaseUrl).href : `${apiBaseUrl}${input.path}`;
  const headers: Record<string, string> = { authorization: `Bearer ${input.apiKey}`, accept: 'application/json' };
  if (input.accountId !== undefined) headers['x-account-id'] = input.accountId;
  let body: string | FormData | undefined;
  if (input.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(input.json);
  } else if (input.form !== undefined) body = input.form;
  const started = Date.now();
  const response = await request(url, { dispatcher: dispatcher(), method: input.method ?? 'GET', headers, body, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await response.body.text();
  const midpointMs = (started + Date.now()) / 2;
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      parsed = text;
    }
  }
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(response.headers)) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  return { status: response.statusCode, headers: flat, body: parsed, midpointMs };
}

/** True for a plain JSON object. */
export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A short JSON rendering of a body for `observed` (never a whole document dump). */
export const shortJson = (value: unknown, limit = 160): string => {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? 'undefined';
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
};
