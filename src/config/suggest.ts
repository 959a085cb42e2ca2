/** "Did you mean …?" for unknown keys: the closest known name by edit distance. */

/** Levenshtein distance between two strings (case-insensitive: `apikey` vs `apiKey` is a typo, not a new key). */
export function editDistance(left: string, right: string): number {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known name closest to `unknown`, when close enough to be a plausible typo. */
export function didYouMean(unknown: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(unknown, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  // A third of the length (at least 2) keeps `workspace` → `workspaces` but not `colour` → `root`.
  const limit = Math.max(2, Math.floor(unknown.length / 3));
  return best !== undefined && best.distance <= limit ? best.name : undefined;
}
