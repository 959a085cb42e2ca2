/**
 * The parts of undici the client uses, loaded on the first request (http.ts, upload-body.ts): a
 * pass that sends none (a journal-first no-op) never loads them. One ES module re-exporting
 * CommonJS by name lets the bundle (scripts/bundle.mjs) carry undici as one lazily loaded chunk:
 * Node then compiles one file instead of resolving, reading and wrapping ~80 (≈ 40 ms instead
 * of ≈ 60 ms at every start that sends a request; BENCHMARKS.md, eleventh session).
 */
export { Agent, FormData, request } from 'undici';
