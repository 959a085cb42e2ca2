/**
 * The emulator's request limits (`--rate-limit`, `--rate-limit-per-key`), counted the ways real
 * servers count them (`--rate-limit-kind`). LumenOne documents no limit, so which one a live
 * server uses is unknown; they differ in what a client sharing a key with others sees:
 *
 * - `sliding-window` (the default, the strictest): at most N arrivals in any 1 s. A client that
 *   paces evenly takes the slot its own request of a second ago frees, so a client that starts
 *   later only ever finds the slots the others leave.
 * - `fixed-window`: at most N arrivals per wall-clock second (the count resets on each whole
 *   second, as express-rate-limit's default store does); every client competes afresh each second.
 * - `token-bucket`: N tokens, refilled at N per second (nginx's `limit_req`, most API gateways): a
 *   burst of N after a quiet spell, then N per second.
 *
 * Retry-After is the whole seconds until a request would be let through (at least 1).
 */

export type RateLimitKind = 'sliding-window' | 'fixed-window' | 'token-bucket';
export const RATE_LIMIT_KINDS: readonly RateLimitKind[] = ['sliding-window', 'fixed-window', 'token-bucket'];
export const DEFAULT_RATE_LIMIT_KIND: RateLimitKind = 'sliding-window';

const retryAfterSeconds = (waitMs: number): number => Math.max(1, Math.ceil(waitMs / 1000));

/** What one limit remembers (all keys', or one key's), for each kind. */
export class RateCounter {
  /** sliding-window: arrivals let through in the last second, oldest first. */
  private readonly arrivals: number[] = [];
  /** fixed-window: the current second's start and count. */
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowCount = 0;
  /** token-bucket: tokens left as of `refilledAt` (undefined: full, never used). */
  private tokens: number | undefined;
  private refilledAt = 0;

  /**
   * Count a request arriving at `now` (ms) against `limit` per second, counted as `kind`:
   * undefined when it is let through, else the Retry-After seconds.
   */
  admit(now: number, limit: number, kind: RateLimitKind = DEFAULT_RATE_LIMIT_KIND): number | undefined {
    if (!(limit > 0)) return undefined;
    if (kind === 'fixed-window') return this.fixedWindow(now, limit);
    if (kind === 'token-bucket') return this.tokenBucket(now, limit);
    return this.slidingWindow(now, limit);
  }

  private slidingWindow(now: number, limit: number): number | undefined {
    const arrivals = this.arrivals;
    while (arrivals.length > 0 && arrivals[0]! <= now - 1000) arrivals.shift();
    if (arrivals.length < limit) {
      arrivals.push(now);
      return undefined;
    }
    return retryAfterSeconds(arrivals[0]! + 1000 - now);
  }

  private fixedWindow(now: number, limit: number): number | undefined {
    const start = Math.floor(now / 1000) * 1000;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.windowCount = 0;
    }
    if (this.windowCount < limit) {
      this.windowCount += 1;
      return undefined;
    }
    return retryAfterSeconds(start + 1000 - now);
  }

  private tokenBucket(now: number, limit: number): number | undefined {
    const capacity = Math.max(1, limit);
    const tokens = this.tokens === undefined ? capacity : Math.min(capacity, this.tokens + (Math.max(0, now - this.refilledAt) * limit) / 1000);
    this.refilledAt = now;
    if (tokens >= 1) {
      this.tokens = tokens - 1;
      return undefined;
    }
    this.tokens = tokens;
    return retryAfterSeconds(((1 - tokens) * 1000) / limit);
  }
}
