/** The messages between the stat pool and its worker threads (shared by both sides). */
import type { IgnoreRulesDescription } from './ignore.js';

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

/** A directory a walking worker has yet to read; `rulesId` names its ignore rules in the walk's table (0: the root's). */
export interface WalkFrameData {
  absolutePath: string;
  relativePath: string;
  rulesId: number;
}

/** Ignore rules a walk derived from a `.lumenignore`, by id, as plain data (ignore.ts, IgnoreRules.describe). */
export type WalkRulesTable = [number, IgnoreRulesDescription][];

/** The cells of a walk's shared flags (an Int32Array over WalkRequest.flags). */
export const WALK_FLAG = {
  /** Set by the main thread: 1 asks for some pending directories, 2 for all of them and the end of the walk (a slow disk); the worker clears it when it answers. */
  giveBack: 0,
  /** Files and directories sent and not yet taken in (the worker adds, the main thread subtracts). */
  queued: 1,
  /** Set by the main thread: 1 has the worker hash the small files of the directories it walks from then on (nothing in a journal vouches for them). */
  hash: 2,
  count: 3,
} as const;

/** Walk whole subtrees (scan-prefetch.ts); see WALK_FLAG for what the shared flags say. */
export interface WalkRequest {
  walk: true;
  id: number;
  frames: WalkFrameData[];
  /** The rules of frames whose rulesId is not 0. */
  rules: WalkRulesTable;
  rootRules: IgnoreRulesDescription;
  flags: SharedArrayBuffer;
  /** At most this many directories given back per request. */
  giveAwayLimit: number;
  /** The worker waits while more than this many files and directories it sent are not taken in. */
  queueLimit: number;
}

/** One directory a worker read and stat'ed: its regular files as a StatReply's rows, what it ignored, what failed. */
export interface WalkedDirectory {
  absolutePath: string;
  relativePath: string;
  names: string[];
  rows: Float64Array;
  failures: StatReply['failures'];
  /** SHA-256 of `names[i]` (lowercase hex) when the worker hashed it (WALK_FLAG.hash): the content of the version its row describes. */
  sha256?: (string | undefined)[];
  ignored: number;
  /** The directory unreadable (its own path), its ignore file unreadable, names that are not UTF-8. */
  errors: { relativePath: string; code: string; message: string }[];
  /** How long reading and stat'ing it took: a slow disk is better walked with many calls in flight. */
  elapsedMs: number;
}

/** What a walking worker sends: a directory, directories given back, the end of its walk. */
export type WalkReply =
  | { id: number; walked: WalkedDirectory }
  | { id: number; given: WalkFrameData[]; rules: WalkRulesTable }
  | { id: number; done: true }
  | { id: number; failed: string };
