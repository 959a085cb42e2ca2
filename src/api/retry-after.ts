/** Parse the `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */

/** Upper bound on any honoured delay: a broken header must not park the daemon for days. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/**
 * `Retry-After` value → milliseconds to wait from `nowMs`, clamped to 0..MAX_RETRY_AFTER_MS.
 * Returns undefined when the header is absent or unreadable, so callers fall back to backoff.
 * A date in the past (clock skew) becomes 0 rather than a negative wait.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number = Date.now()): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^-?\d+(?:\.\d+)?$/.test(text)) {
    const seconds = Number(text);
    return clamp(Math.round(seconds * 1000));
  }
  // Only accept strings that look like dates: Date.parse alone accepts odd inputs like "1".
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return clamp(at - nowMs);
}

const clamp = (ms: number): number => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
