/**
 * The batch result parser (contract §8): remove-files, move-files and update-embeddings answer
 * 200 (all applied) or 207 (partly applied). Field names are UNCONFIRMED, so every plausible
 * variant is accepted and missing keys are filled in from what was requested.
 */
import { isObject, normaliseDocpath, stringField } from './parse.js';
import type { BatchFailure, BatchResult } from './types.js';

/** Keys that may hold the path of a failed entry, in order of preference. */
const PATH_KEYS = ['docpath', 'file', 'path', 'name', 'from'] as const;
/** Keys that may hold the reason of a failed entry. */
const REASON_KEYS = ['reason', 'error', 'message'] as const;

/** Reason used when a 207 names no failures: whatever was not listed as purged failed. */
export const NOT_REPORTED_REASON = 'not reported as purged';
/** Reason used when a failed entry comes as a bare string. */
export const UNKNOWN_REASON = 'unknown reason';

const NOT_FOUND = /not\s*found|does not exist|no such/i;

/**
 * Reasons that are refusals: re-sending the same entry would be refused again. Anything else
 * (storage errors, timeouts, "not reported", unknown) is treated as retryable, because every
 * batch operation here is safe to repeat: removing or un-embedding twice does no harm, and a
 * retryable entry that keeps failing is bounded by the executor's retry budget.
 */
const REFUSAL = /invalid|malformed|not allowed|not permitted|forbidden|denied|refus|cannot|can't|must|belong|another organi[sz]ation|cross-org|hex|unembed them|embedded in|not supported|bad request|validation/i;

/** Classify one failure reason: `notFound` (already gone) and `retryable` (may succeed later). */
export function classifyFailureReason(reason: string): { notFound: boolean; retryable: boolean } {
  const notFound = NOT_FOUND.test(reason);
  return { notFound, retryable: !notFound && !REFUSAL.test(reason) };
}

/** One `failed` entry (a string or an object) → BatchFailure; undefined when it names no path. */
function parseFailure(entry: unknown, orgSlug: string): BatchFailure | undefined {
  let path: string | undefined;
  let reason: string | undefined;
  if (typeof entry === 'string') {
    path = entry;
  } else if (isObject(entry)) {
    for (const key of PATH_KEYS) {
      path ??= stringField(entry[key]);
    }
    for (const key of REASON_KEYS) {
      reason ??= stringField(entry[key]);
    }
  }
  if (path === undefined || path === '') return undefined;
  const finalReason = reason ?? UNKNOWN_REASON;
  return { docpath: normaliseDocpath(path, orgSlug), reason: finalReason, ...classifyFailureReason(finalReason) };
}

/** `purged` entries are strings, or objects with a path (`{from, to}` for moves → `from`). */
function parsePurged(entry: unknown, orgSlug: string): string | undefined {
  if (typeof entry === 'string' && entry !== '') return normaliseDocpath(entry, orgSlug);
  if (isObject(entry)) {
    for (const key of PATH_KEYS) {
      const value = stringField(entry[key]);
      if (value !== undefined) return normaliseDocpath(value, orgSlug);
    }
  }
  return undefined;
}

/** The array under the first present key, or undefined when none of them holds an array. */
function arrayUnder(body: unknown, keys: string[]): unknown[] | undefined {
  if (!isObject(body)) return undefined;
  for (const key of keys) {
    const value = body[key];
    if (Array.isArray(value)) return value;
  }
  return undefined;
}

/**
 * Batch answer → BatchResult. `requested` are the docpaths sent (for moves: the `from` side);
 * they fill in what the server left out: a 200 without `purged` means all of them applied, a
 * 207 without `failed` means every requested docpath not listed as purged failed with
 * "not reported as purged". Partial = status 207 or a non-empty `failed`.
 */
export function parseBatchResult(status: number, body: unknown, orgSlug: string, requested: readonly string[] = []): BatchResult {
  // U11: a 4xx/5xx that carries a `failed` list ("all failed" has no documented status) reads like a 207.
  const multi = status === 207 || status >= 400;
  const message = isObject(body) ? (stringField(body.message) ?? stringField(body.error)) : undefined;
  const requestedDocpaths = requested.map((docpath) => normaliseDocpath(docpath, orgSlug));
  const purgedRaw = arrayUnder(body, ['purged', 'removed', 'deleted', 'moved', 'succeeded']);
  const failedRaw = arrayUnder(body, ['failed', 'failures', 'errors']);

  const failed: BatchFailure[] = [];
  for (const entry of failedRaw ?? []) {
    const failure = parseFailure(entry, orgSlug);
    if (failure !== undefined) failed.push(failure);
  }
  let purged: string[];
  if (purgedRaw !== undefined) {
    purged = purgedRaw.map((entry) => parsePurged(entry, orgSlug)).filter((docpath): docpath is string => docpath !== undefined);
  } else {
    const failedSet = new Set(failed.map((failure) => failure.docpath));
    purged = (status === 207 && failedRaw === undefined) || status >= 400 ? [] : requestedDocpaths.filter((docpath) => !failedSet.has(docpath));
  }
  // A partial answer vouches only for what it lists: an entry neither purged nor failed is not known to be done.
  if (multi && (failedRaw === undefined || purgedRaw !== undefined || status >= 400)) {
    const accounted = new Set([...purged, ...failed.map((failure) => failure.docpath)]);
    for (const docpath of requestedDocpaths) {
      if (!accounted.has(docpath)) failed.push({ docpath, reason: NOT_REPORTED_REASON, ...classifyFailureReason(NOT_REPORTED_REASON) });
    }
  }
  return { status, partial: multi || failed.length > 0, purged, failed, message };
}
