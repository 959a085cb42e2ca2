/** The items a mirror's passes failed, kept for `status`, `why` and the page, with how many passes in a row failed each. */
import type { FailureRecord } from '../stats/stats.js';

/** Failed items kept for `status`. */
export const MAX_FAILED_ITEMS = 200;

/** A failed item and the number of passes in a row that failed it. */
export type FailedItem = FailureRecord & { attempts?: number };

/**
 * Replace what a pass re-examined with what it failed: a full pass (`scope` undefined) replaces
 * everything, a scoped pass only its paths. An item failed again counts one more attempt.
 */
export function recordFailedItems(items: Map<string, FailedItem>, scope: readonly string[] | undefined, failures: readonly FailureRecord[]): void {
  const attempts = new Map([...items].map(([key, item]) => [key, item.attempts ?? 1]));
  if (scope === undefined) items.clear();
  else for (const relativePath of scope) items.delete(relativePath);
  for (const failure of failures) {
    if (items.size >= MAX_FAILED_ITEMS) break;
    const key = failure.relativePath ?? failure.docpath ?? `${failure.operation}:${failure.message}`;
    items.set(key, { ...failure, attempts: (attempts.get(key) ?? 0) + 1 });
  }
}
