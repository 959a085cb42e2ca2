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

/** Scratch space of {@link crowdedForMs}, called before every start (one event loop: never used twice at once). */
let countedTimes = new Float64Array(1024);

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
  // Requests that started before the second can be counted in it only if they were in flight when
  // it began: at most `concurrency` of them. Below the rate, nothing to count (this is every start
  // of a run that sends slower than its rate: without it, a rate far above the sends walked the whole history).
  if (startedAfter(sent, now - 1000) + concurrency < perSecond) return 0;
  // Older requests started long before the window; only a late arrival of the last few can still be in it.
  const oldest = Math.max(0, sent.length - (perSecond + concurrency));
  if (sent.length - oldest < perSecond) return 0;
  if (countedTimes.length < sent.length - oldest) countedTimes = new Float64Array(2 * (sent.length - oldest));
  let count = 0;
  for (let i = oldest; i < sent.length; i += 1) {
    const { startedAt, answeredAt } = sent[i]!;
    const counted = answeredAt === undefined ? startedAt : Math.max(startedAt, answeredAt - minLatencyMs);
    if (counted > now - 1000) countedTimes[count++] = counted;
  }
  if (count < perSecond) return 0;
  // The perSecond-th latest arrival leaves the server's second 1 s after it.
  const times = countedTimes.subarray(0, count).sort();
  return Math.max(0, times[count - perSecond]! + 1000 - now);
}

/** How many of `sent` (oldest first) started after `time`: a binary search. */
function startedAfter(sent: readonly SentRequest[], time: number): number {
  let low = 0;
  let high = sent.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sent[middle]!.startedAt > time) high = middle;
    else low = middle + 1;
  }
  return sent.length - low;
}
