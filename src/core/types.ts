/** Data shapes shared by scanner, journal, planner and executor. Plain data, serialisable. */

/** One regular file found under the mirror root. `relativePath` uses `/` separators. */
export interface LocalEntry {
  relativePath: string;
  size: number;
  mtimeMs: number;
  /** Lowercase hex SHA-256 of the content. */
  sha256: string;
}

/** A local problem that made one path unreadable during a scan. */
export interface LocalReadError {
  relativePath: string;
  /** errno code (EACCES, ENOENT, ELOOP…) or 'EGREW' / 'ECHANGED' for files that changed mid-read. */
  code: string;
  message: string;
}

/** Health of the mirror root itself, checked before anything else. */
export type RootStatus = 'ok' | 'missing' | 'not-directory' | 'unreadable';

/** What the scanner saw. `entries` is sorted by `relativePath` (code-unit order). */
export interface LocalListing {
  rootStatus: RootStatus;
  entries: LocalEntry[];
  /**
   * Files found at the size and mtime the journal recorded for them (the scan asked the journal
   * that plans with this listing): their content is their journal entry's. Listed by path only,
   * in no particular order (the planner sorts them only when it merges them with `entries`; a
   * no-op pass never does), disjoint from `entries`; the planner reads their entries from the journal.
   */
  journaled?: string[];
  /**
   * The journal's revision (JournalLookup.revision) the scan found `journaled` against, when it
   * did not change from the scan's start to its end: every one of those paths has an entry in a
   * journal still at this revision, which the planner then need not check path by path.
   */
  journaledRevision?: number;
  errors: LocalReadError[];
  /** When set, only these relative paths (and paths under these directories) were scanned. */
  scope?: string[];
  /** Scoped listings only: the root directory has no entry at all (a swapped or emptied root the scoped scan cannot see). */
  rootEmpty?: boolean;
  stats: { filesSeen: number; filesHashed: number; bytesHashed: number; ignored: number; durationMs: number };
}

/** What the journal remembers about one synced file. */
export interface JournalEntry {
  relativePath: string;
  docpath: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

/** Journal entries by relative path, as the planner reads them (a Map of entries satisfies it). */
export interface JournalLookup {
  get(relativePath: string): JournalEntry | undefined;
  has(relativePath: string): boolean;
  values(): IterableIterator<JournalEntry>;
  /** The relative paths, in the order of `values()` (no entry objects built). */
  keys(): IterableIterator<string>;
  readonly size: number;
  /** Changes with every change of an entry, and differs between two journals (optional); see LocalListing.journaledRevision. */
  readonly revision?: number;
  /** True when no two entries share a docpath (optional: without it the planner assumes they may). */
  docpathsUnique?(): boolean;
  /** Visit each entry's docpath and relative path, in `values()` order, without building entries (optional); `slot` is slotOf(relativePath). */
  forEachDocpath?(visit: (docpath: string, relativePath: string, slot: number) => void): void;
  /** A number below `slotLimit` that names `relativePath`'s entry while the journal does not change (optional, with forEachDocpath). */
  slotOf?(relativePath: string): number | undefined;
  readonly slotLimit?: number;
}

/** Mirror-level facts the journal keeps between runs. */
export interface JournalMeta {
  /** Original workspace slugs the mirror's documents were last embedded in. */
  workspaces: string[];
  orgSlug?: string;
  folder?: string;
  /** Time of the last pass that completed with nothing pending (ms since epoch). */
  lastReconcileAt?: number;
  /** Time the remote was last listed by a pass that then completed (journal-first passes, ms since epoch). */
  lastVerifiedAt?: number;
  /** The last pass ended with failures or blocked actions: the next pass lists the remote. */
  passIncomplete?: boolean;
  /** Which server and account the documents live on (a hash, see src/sync/verification.ts). */
  remoteId?: string;
}

/** A remote mutation the journal records before sending it. */
export type IntentOp = 'upload' | 'remove' | 'embed' | 'unembed' | 'create-folder';

export interface Intent {
  id: string;
  op: IntentOp;
  /** Relative paths concerned (upload: one; others may be several). */
  relativePaths: string[];
  /** Docpaths concerned (remove/embed/unembed). */
  docpaths: string[];
  /** ms since epoch. */
  at: number;
}
