/** What a scan is asked to do (`scanTree` in scanner.ts), and its test seams. */
import type { ScanPrefetch } from './scan-prefetch.js';

/** The journal's sha256 for `relativePath` when it last saw the file at this size and mtimeMs. */
export type KnownHashLookup = (relativePath: string, size: number, mtimeMs: number) => string | undefined;
/**
 * When the journal last saw `relativePath` at this size and mtimeMs: the path to list (the
 * journal's own copy of it, so the listing adds no string per file); else undefined.
 */
export type JournaledTest = (relativePath: string, size: number, mtimeMs: number) => string | undefined;

/** What to scan and how. */
export interface ScanOptions {
  /** Absolute path of the mirror root. */
  root: string;
  /** Extra gitignore-syntax patterns (`--ignore`), relative to the root. */
  ignore?: string[];
  /** Default false: symlinks are skipped (counted as ignored). True: follow those whose real path stays inside the root; loops, escapes and dangling links are reported as errors. */
  followSymlinks?: boolean;
  /** The journal's sha256 for `relativePath` when it last saw the file at this size and mtimeMs: trusted, and the file is not read. */
  knownHash?: KnownHashLookup;
  /**
   * Files this says the journal saw at their size and mtimeMs are listed by path only, in the
   * listing's `journaled` (their content is the journal's), instead of as entries: what a
   * no-op pass holds per file shrinks to the path. Asked before knownHash.
   */
  journaled?: JournaledTest;
  /** Limit the scan to these relative paths (files or directories) — used by the watch daemon for dirty paths. */
  scope?: string[];
  /** Files hashed at once on the thread pool (default 4); small files on a fast disk are hashed inline. */
  hashConcurrency?: number;
  /** lstat calls in flight on the thread pool (default 64): scoped lookups, and every file once the disk measured slow. */
  statConcurrency?: number;
  /** Directories read and stat'ed at once (default 64): bounds the names a wide tree holds in memory. */
  directoryConcurrency?: number;
  /** Worker threads that lstat beside the walk once a scan passes a few thousand files (default: one per spare core, at most 2; 0 = none). */
  scanThreads?: number;
  /** Stops the scan; scanTree then rejects with LUMENSYNC_ABORTED. */
  signal?: AbortSignal;
  /** A walk of this root begun ahead (scan-prefetch.ts): taken over when it fits these options, else closed. The scan owns it from now on. */
  prefetch?: ScanPrefetch;
  /** Called now and then (at most every 100 ms) and once at the end. */
  onProgress?: (progress: { filesSeen: number; filesHashed: number; bytesHashed: number }) => void;
  /** Test seams; production code leaves this unset. */
  hooks?: ScanHooks;
}

/** Test seams into the scanner. */
export interface ScanHooks {
  /** Runs after a file's content was read for hashing and before its closing stat (simulates a concurrent writer). */
  afterHashRead?: (relativePath: string) => void;
  /** Use thread-pool stats and hashes from the start (the path taken once the disk measures slow). */
  forceAsync?: boolean;
  /** Start the stat workers after this many files instead of 4096 (0: from the first directory). */
  poolAfterFiles?: number;
  /** Called with the number of names each time a stat worker answers a batch. */
  onWorkerBatch?: (names: number) => void;
  /** Called as each directory starts being read, with the number being read and stat'ed at that moment (itself included). */
  onDirectory?: (inFlight: number) => void;
}
