/**
 * Candidate documents grouped by a key (content hash, or title + hash), handed out in
 * insertion order, each docpath at most once across every index sharing `claimed`.
 * Keeps matching linear: with a lost journal, 100,000 files meet 100,000 orphaned documents.
 */
export class CandidateIndex<T extends { docpath: string }> {
  private readonly groups = new Map<string, { items: T[]; next: number }>();

  constructor(private readonly claimed: Set<string>) {}

  /** Offer `candidate` under `key`. */
  add(key: string, candidate: T): void {
    const group = this.groups.get(key);
    if (group) group.items.push(candidate);
    else this.groups.set(key, { items: [candidate], next: 0 });
  }

  /** The first unclaimed candidate under `key`, now claimed; undefined when none is left. */
  take(key: string): T | undefined {
    const group = this.groups.get(key);
    if (!group) return undefined;
    while (group.next < group.items.length) {
      const candidate = group.items[group.next]!;
      group.next += 1;
      if (!this.claimed.has(candidate.docpath)) {
        this.claimed.add(candidate.docpath);
        return candidate;
      }
    }
    return undefined;
  }
}
