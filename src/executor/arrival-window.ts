/**
 * The one-second counts a host pacer keeps of its own requests: how many started (or were
 * refused) in a second, and how long a start must wait so that the server's sliding one-second
 * count of arrivals never holds one request too many.
 */

/** A request as the window sees it: when it started and, once answered, when. */
export interface SentRequest { startedAt: number; answeredAt: number | undefined }

/** How long start times are kept (the window counted reaches back from a request's start, which may be seconds ago). */
export const HISTORY_MS = 5000;

/** Count of timestamps in (to − 1 s, to], after dropping those older than the history (the array is oldest first). */
export const inSecondBefore = (times: number[], to: number, now: number): number => {
  let drop = 0;
  while (drop < times.length && times[drop]! <= now - HISTORY_MS) drop += 1;
  if (drop > 0) times.splice(0, drop);
  let count = 0;
  for (let i = times.length - 1; i >= 0 && times[i]! > to - 1000; i -= 1) if (times[i]! <= to) count += 1;
  return count;
};

/**
 * How long a start now must wait so that no second holds more requests than the rate allows, as
 * the server counts them: timers fire late on a busy machine, and a late start followed by an
 * on-time one must not put one request too many into the server's (sliding) one-second count.
 * The server counts arrivals, not starts: a request answered later after its start than the
 * quickest answer seen may have arrived that much late (the first request of a run waits for
 * its connection: 25 ms late put 21 arrivals into the server's first second at --rate 20,
 * BENCHMARKS.md row 3), so an answered request counts from its answer less that quickest
 * latency. 0 when it may go.
 */
export function crowdedForMs(sent: readonly SentRequest[], minLatencyMs: number, concurrency: number, interval: number, now: number): number {
  if (interval <= 0) return 0;
  const perSecond = Math.max(1, Math.round(1000 / interval));
  const times: number[] = [];
  // Older requests started long before the window; only a late arrival of the last few can still be in it.
  for (let i = sent.length - 1; i >= 0 && sent.length - i <= perSecond + concurrency; i -= 1) {
    const { startedAt, answeredAt } = sent[i]!;
    const counted = answeredAt === undefined ? startedAt : Math.max(startedAt, answeredAt - minLatencyMs);
    if (counted > now - 1000) times.push(counted);
  }
  if (times.length < perSecond) return 0;
  times.sort((a, b) => b - a);
  return Math.max(0, times[perSecond - 1]! + 1000 - now);
}
