/**
 * The parts of undici the client uses, loaded on the first request (http.ts, upload-body.ts): a
 * pass that sends none (a journal-first no-op) never loads them. One ES module re-exporting
 * CommonJS by name lets the bundle (scripts/bundle.mjs) carry undici as one lazily loaded chunk:
 * Node then compiles one file instead of resolving, reading and wrapping ~80 (≈ 40 ms instead
 * of ≈ 60 ms at every start that sends a request; BENCHMARKS.md, eleventh session).
 *
 * Only the modules behind the three names are loaded, not undici's index: that one also loads
 * fetch, WebSocket, EventSource, cookies, the mock agents and the caches, and took ~44 ms to load
 * bundled where these take ~24 (BENCHMARKS.md, sixteenth session). The module paths are undici's
 * own files (it has no `exports` map); undici-internals.d.ts types them as the index's names.
 */
import Agent from 'undici/lib/dispatcher/agent.js';
import api from 'undici/lib/api/index.js';
import formData from 'undici/lib/web/fetch/formdata.js';
import type { Dispatcher } from 'undici';

export { Agent };
export const { FormData } = formData;

/** What {@link request} takes: undici's request options, with the agent that sends it. */
export type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher };

/** undici's `request(url, options)`: the dispatcher's request method with the URL split into origin and path, as undici's index does it. */
export function request(url: string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return api.request.call(options.dispatcher, { ...options, origin, path: `${pathname}${search}` });
}
