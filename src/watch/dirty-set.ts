/**
 * The watch daemon's dirty set: paths the watcher named, waiting to settle before a scoped
 * pass looks at them. Pure bookkeeping (the clock and the stat are passed in), so every rule
 * is table-tested:
 * - events coalesce per path; a path is ripe after `settleMs` of quiet and when its size and
 *   mtime are the same on two checks (a file still being written is not planned);
 * - a delete waits `deleteGraceMs`, and while a delete waits, changes wait with it, so an
 *   atomic save (temp + rename over) or a move inside the tree reaches the planner as one
 *   batch: one replacement, or one rename (no upload), never a delete plus an upload;
 * - past `maxDirty` paths it stops holding paths and asks for one full reconcile instead,
 *   so a burst of any size costs bounded memory.
 */

/** Size and mtime of a path, or undefined when it is gone. */
export type Fingerprint = { size: number; mtimeMs: number } | undefined;

/** Tunables of the dirty set (defaults are the documented `watch` defaults). */
export interface DirtySetOptions {
  /** Quiet time before a changed path is planned (default 1000 ms). */
  settleMs?: number;
  /** Quiet time before a deleted path is planned (default 2000 ms). */
  deleteGraceMs?: number;
  /** Wait between the two stability checks of a ripe path (default 250 ms). */
  recheckMs?: number;
  /** Longest a change may be held back behind waiting deletes (default 10 × settleMs). */
  maxHoldMs?: number;
  /** Paths held at most; past it, one full reconcile replaces them (default 5000). */
  maxDirty?: number;
}

interface DirtyPath {
  kind: 'change' | 'delete';
  firstEventAt: number;
  lastEventAt: number;
  /** Not planned before this time (a failed stability check pushes it). */
  notBefore: number;
  /** What the previous stability check saw ('unchecked' before the first). */
  seen: Fingerprint | 'unchecked';
}

/** What `take` hands to the daemon. */
export interface DirtyBatch {
  /** Relative paths for one scoped pass (sorted). */
  relativePaths: string[];
  /** When the earliest of their events came (undefined when the batch is empty). */
  firstEventAt?: number;
}

const sameFingerprint = (a: Fingerprint, b: Fingerprint): boolean =>
  a === undefined || b === undefined ? a === b : a.size === b.size && a.mtimeMs === b.mtimeMs;

/** Coalescing, settling, bounded set of dirty paths. */
export class DirtySet {
  private readonly paths = new Map<string, DirtyPath>();
  private readonly settleMs: number;
  private readonly deleteGraceMs: number;
  private readonly recheckMs: number;
  private readonly maxHoldMs: number;
  private readonly maxDirty: number;
  private overflowAt: number | undefined;
  private lastEventAt = 0;

  constructor(options: DirtySetOptions = {}) {
    this.settleMs = options.settleMs ?? 1000;
    this.deleteGraceMs = options.deleteGraceMs ?? 2000;
    this.recheckMs = options.recheckMs ?? 250;
    this.maxHoldMs = options.maxHoldMs ?? 10 * this.settleMs;
    this.maxDirty = options.maxDirty ?? 5000;
  }

  /** Paths waiting. */
  get size(): number {
    return this.paths.size;
  }

  /** True once the set overflowed: the daemon owes a full reconcile (see `takeOverflow`). */
  get overflowed(): boolean {
    return this.overflowAt !== undefined;
  }

  /** Age of the oldest waiting event at `now` (the daemon's "lag"), 0 when nothing waits. */
  lagMs(now: number): number {
    let oldest = this.overflowAt ?? Infinity;
    for (const entry of this.paths.values()) oldest = Math.min(oldest, entry.firstEventAt);
    return oldest === Infinity ? 0 : Math.max(0, now - oldest);
  }

  /**
   * Record one event. `seen` is the file's size and mtime when the event arrived (the first of
   * the two checks): if they still hold after the settle time the path is ripe at once, without
   * waiting another `recheckMs`. Without it the first check happens after the settle time.
   */
  mark(relativePath: string, kind: 'change' | 'delete', now: number, seen?: Fingerprint): void {
    this.lastEventAt = now;
    if (this.overflowAt !== undefined) return;
    const firstCheck = kind === 'change' && seen !== undefined ? seen : 'unchecked';
    const existing = this.paths.get(relativePath);
    if (existing) {
      existing.kind = kind;
      existing.lastEventAt = now;
      existing.notBefore = now;
      existing.seen = firstCheck;
      return;
    }
    if (this.paths.size >= this.maxDirty) {
      // Holding every path of a huge burst would grow without bound: one full reconcile finds them all.
      this.overflowAt = Math.min(now, ...[...this.paths.values()].map((entry) => entry.firstEventAt));
      this.paths.clear();
      return;
    }
    this.paths.set(relativePath, { kind, firstEventAt: now, lastEventAt: now, notBefore: now, seen: firstCheck });
  }

  /** Whether `relativePath` waits here. */
  has(relativePath: string): boolean {
    return this.paths.has(relativePath);
  }

  /** Up to `limit` waiting paths, for `status` (sorted). */
  pendingPaths(limit: number): string[] {
    return [...this.paths.keys()].sort().slice(0, limit);
  }

  /** When the overflow's full reconcile may start (events quiet for settleMs), or undefined. */
  overflowDueAt(): number | undefined {
    return this.overflowAt === undefined ? undefined : this.lastEventAt + this.settleMs;
  }

  /** Clear the overflow once its full reconcile starts; events after this are tracked again. */
  takeOverflow(): void {
    this.overflowAt = undefined;
    this.paths.clear();
  }

  /** Earliest time `take` may return something at or after `now`, or undefined when nothing waits. */
  nextDueAt(now: number): number | undefined {
    if (this.overflowAt !== undefined) return this.overflowDueAt();
    let next: number | undefined;
    for (const due of this.effectiveDues(now).values()) next = next === undefined ? due : Math.min(next, due);
    return next;
  }

  /**
   * Take the ripe paths at `now`. `probe` stats one path (undefined when gone); a changed path
   * whose fingerprint differs from the previous check is held for another `recheckMs`, and the
   * ripe deletes wait with it (it may be the other half of a move).
   */
  take(now: number, probe: (relativePath: string) => Fingerprint): DirtyBatch {
    if (this.overflowAt !== undefined) return { relativePaths: [] };
    const dues = this.effectiveDues(now);
    const ripe: string[] = [];
    const ripeDeletes: string[] = [];
    let changeRearmed = false;
    for (const [relativePath, entry] of this.paths) {
      if (now < (dues.get(relativePath) ?? 0)) continue;
      if (entry.kind === 'delete') {
        ripeDeletes.push(relativePath);
        continue;
      }
      const current = probe(relativePath);
      if (entry.seen === 'unchecked' || !sameFingerprint(entry.seen, current)) {
        entry.seen = current;
        entry.notBefore = now + this.recheckMs;
        changeRearmed = true;
        continue;
      }
      ripe.push(relativePath);
    }
    for (const relativePath of ripeDeletes) {
      const entry = this.paths.get(relativePath)!;
      if (!changeRearmed || now - entry.firstEventAt >= this.maxHoldMs) ripe.push(relativePath);
    }
    let firstEventAt: number | undefined;
    for (const relativePath of ripe) {
      firstEventAt = Math.min(firstEventAt ?? Infinity, this.paths.get(relativePath)!.firstEventAt);
      this.paths.delete(relativePath);
    }
    ripe.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return firstEventAt === undefined ? { relativePaths: ripe } : { relativePaths: ripe, firstEventAt };
  }

  /**
   * When each path may be taken. Changes wait for deletes still in their grace period (a delete
   * may be half of a rename or an atomic save) and deletes wait for changes not yet settled (the
   * other half), each never longer than `maxHoldMs` after its own first event.
   */
  private effectiveDues(now: number): Map<string, number> {
    let deletesUntil: number | undefined;
    for (const entry of this.paths.values()) {
      if (entry.kind !== 'delete') continue;
      const due = this.dueAt(entry);
      if (due > now) deletesUntil = Math.max(deletesUntil ?? due, due);
    }
    const dues = new Map<string, number>();
    let changesUntil: number | undefined;
    for (const [relativePath, entry] of this.paths) {
      if (entry.kind !== 'change') continue;
      const due = this.dueAt(entry);
      const held = deletesUntil === undefined ? due : Math.max(due, Math.min(deletesUntil, entry.firstEventAt + this.maxHoldMs));
      dues.set(relativePath, held);
      changesUntil = Math.max(changesUntil ?? held, held);
    }
    for (const [relativePath, entry] of this.paths) {
      if (entry.kind !== 'delete') continue;
      const due = this.dueAt(entry);
      const held = changesUntil === undefined || changesUntil <= due ? due : Math.max(due, Math.min(changesUntil, entry.firstEventAt + this.maxHoldMs));
      dues.set(relativePath, held);
    }
    return dues;
  }

  private dueAt(entry: DirtyPath): number {
    const quiet = entry.kind === 'delete' ? this.deleteGraceMs : this.settleMs;
    return Math.max(entry.lastEventAt + quiet, entry.notBefore);
  }
}
