/** The messages between the stat pool and its worker threads (shared by both sides). */

/** Numbers per name in a reply: kind, size, mtimeMs. */
export const STAT_ROW = 3;

/** What lstat found for one name. */
export const StatKind = {
  /** Vanished since readdir: not listed, not an error. */
  Gone: 0,
  File: 1,
  /** Replaced by a directory, symlink or special file since readdir: the next pass sees it. */
  Other: 2,
  /** lstat failed for another reason; the failure is in `failures`. */
  Failed: 3,
} as const;

/** One batch: the names of regular files in one directory. */
export interface StatRequest {
  id: number;
  directory: string;
  separator: string;
  names: readonly string[];
}

/** The answer to a StatRequest: `rows[i * STAT_ROW ...]` describes `names[i]`. */
export interface StatReply {
  id: number;
  rows: Float64Array;
  failures: { index: number; code: string; message: string }[];
}
