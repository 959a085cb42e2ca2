/**
 * From file name to listed entry: lstat, trust the journal's hash when size and mtime match,
 * else hash. Chooses between inline (synchronous) and thread-pool I/O by measuring the disk.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { lstat, lstatSync, type Stats } from 'node:fs';
import path from 'node:path';
import { snapshotFile, snapshotSmallFileSync, SMALL_FILE_BYTES } from './hash.js';
import { Limiter } from './limiter.js';
import { joinRelative, type ScanResults } from './scan-results.js';
import { StatPool } from './stat-pool.js';
import type { JournaledTest, KnownHashLookup } from './scan-options.js';
import { STAT_ROW, StatKind, type StatReply } from './stat-rows.js';

/** Files stat'ed synchronously between two yields to the event loop (well under 1 ms on a warm local disk). */
const SYNC_STAT_BATCH = 64;
/**
 * When synchronous stats are this slow the disk is remote or cold, and overlapping stats on the
 * thread pool wins: one batch over 2 ms per file, or a window of 1,024 files over 0.5 ms each.
 * The window keeps one GC pause or a CPU-starved moment from flipping a fast local scan.
 */
const SLOW_BATCH_MS_PER_FILE = 2;
const SLOW_WINDOW_FILES = 1024;
const SLOW_WINDOW_MS_PER_FILE = 0.5;
/** A scan starts its stat workers only after this many files: a small tree is done before a worker could start. */
const POOL_AFTER_FILES = 4096;
/** A directory goes to a worker while the least busy one has fewer names queued than this; else the main thread stats it. */
const POOL_QUEUE_FILES = 512;

/** Settings of a {@link FileIntake}. */
export interface FileIntakeOptions {
  /** The journal's cache; see ScanOptions.knownHash. */
  knownHash?: KnownHashLookup;
  /** Files listed by path only; see ScanOptions.journaled. */
  journaled?: JournaledTest;
  /** Files hashed at once on the thread pool (default 4). */
  hashConcurrency?: number;
  /** lstat calls in flight on the thread pool (default 64). */
  statConcurrency?: number;
  /** Stops hashing between chunks. */
  signal?: AbortSignal;
  /** Start with thread-pool stats and hashes (test seam; normally chosen by measurement). */
  forceAsync?: boolean;
  /** Test seam, see ScanHooks.afterHashRead. */
  afterHashRead?: (relativePath: string) => void;
  /** Worker threads that lstat big scans beside the main thread (0: none); see stat-pool.ts. */
  statThreads?: number;
  /** Files seen before the workers start (test seam; default 4096). */
  poolAfterFiles?: number;
  /** Test seam, see ScanHooks.onWorkerBatch. */
  onWorkerBatch?: (names: number) => void;
  /** A pool already running (a scan prefetch's): used from the first directory, closed with the intake. */
  pool?: StatPool;
}

/**
 * Stats and hashes the files of a scan. On a local disk synchronous lstat is 2-3× faster than
 * the thread pool (no hand-off per call), so it runs in bounded batches that yield to the event
 * loop, and small files are hashed inline too; when the batches turn out slow (network or cold
 * disk) the rest of the scan switches to concurrent thread-pool calls, which overlap latency.
 */
export class FileIntake {
  private readonly results: ScanResults;
  private readonly options: FileIntakeOptions;
  private readonly hashLimiter: Limiter;
  private readonly statLimiter: Limiter;
  private readonly hashTasks: Promise<void>[] = [];
  private inline: boolean;
  private windowFiles = 0;
  private windowMs = 0;
  private pool: StatPool | undefined;
  /** False once the pool is not wanted or could not run: every stat is then made here. */
  private poolWanted: boolean;

  constructor(results: ScanResults, options: FileIntakeOptions) {
    this.results = results;
    this.options = options;
    this.hashLimiter = new Limiter(options.hashConcurrency ?? 4);
    this.statLimiter = new Limiter(options.statConcurrency ?? 64);
    this.inline = !options.forceAsync;
    this.pool = options.pool;
    this.poolWanted = options.pool !== undefined || (options.statThreads ?? 0) > 0;
  }

  /** Stop the stat workers, if any were started. */
  async close(): Promise<void> {
    this.poolWanted = false;
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /** lstat and take in the regular files `names` of one directory. */
  async statFiles(directoryAbsolutePath: string, directoryRelativePath: string, names: readonly string[]): Promise<void> {
    if (names.length > 0 && (await this.statOnPool(directoryAbsolutePath, directoryRelativePath, names))) return;
    let index = 0;
    while (this.inline && index < names.length) {
      if (this.results.stopped()) return;
      const batchEnd = Math.min(names.length, index + SYNC_STAT_BATCH);
      const batchFiles = batchEnd - index;
      const startedAt = performance.now();
      for (; index < batchEnd; index++) {
        const name = names[index] as string;
        this.statFileSync(`${directoryAbsolutePath}${path.sep}${name}`, joinRelative(directoryRelativePath, name));
      }
      this.noteInlineTime(batchFiles, performance.now() - startedAt);
      if (index < names.length) await yieldToEventLoop();
    }
    if (index >= names.length) return;
    await Promise.all(
      names.slice(index).map(async (name) => {
        const relativePath = joinRelative(directoryRelativePath, name);
        const absolutePath = `${directoryAbsolutePath}${path.sep}${name}`;
        const stats = await this.lstat(relativePath, absolutePath);
        if (stats !== undefined) this.accept(relativePath, absolutePath, stats, false);
      }),
    );
  }

  /** Hand a directory's names to a stat worker when one is free enough; false when the caller must stat them itself. */
  private async statOnPool(directoryAbsolutePath: string, directoryRelativePath: string, names: readonly string[]): Promise<boolean> {
    // Only on the fast path: a slow (network) disk is better served by many overlapping thread-pool stats.
    if (!this.poolWanted || !this.inline || this.results.stopped()) return false;
    if (this.pool === undefined) {
      if (this.results.filesSeen < (this.options.poolAfterFiles ?? POOL_AFTER_FILES)) return false;
      this.pool = new StatPool(this.options.statThreads ?? 0);
    }
    this.pool.drain();
    if (this.pool.leastQueued() >= POOL_QUEUE_FILES) return false;
    let reply: StatReply;
    try {
      reply = await this.pool.stat(directoryAbsolutePath, path.sep, names);
    } catch {
      // A worker could not start or died: this scan goes on without the pool.
      this.poolWanted = false;
      return false;
    }
    this.options.onWorkerBatch?.(names.length);
    this.takeRows(directoryAbsolutePath, directoryRelativePath, names, reply);
    return true;
  }

  /** Take in the regular files `names` of one directory, lstat'ed in a worker (`rows` in StatReply's layout; `sha256`: the hashes it made, see WalkedDirectory). */
  takeRows(directoryAbsolutePath: string, directoryRelativePath: string, names: readonly string[], reply: Pick<StatReply, 'rows' | 'failures'> & { sha256?: (string | undefined)[] }): void {
    const { rows, sha256 } = reply;
    for (let index = 0; index < names.length; index++) {
      const kind = rows[index * STAT_ROW];
      if (kind !== StatKind.File) continue; // gone or replaced since readdir: the next pass sees it
      const name = names[index] as string;
      const relativePath = joinRelative(directoryRelativePath, name);
      const size = rows[index * STAT_ROW + 1] as number;
      const mtimeMs = rows[index * STAT_ROW + 2] as number;
      // The absolute path only for a file the journal does not vouch for (one string less per unchanged file).
      if (!this.takeJournaled(relativePath, size, mtimeMs)) this.takeContent(relativePath, `${directoryAbsolutePath}${path.sep}${name}`, size, mtimeMs, false, sha256?.[index]);
    }
    for (const failure of reply.failures) {
      const error = Object.assign(new Error(failure.message), { code: failure.code });
      this.results.recordError(joinRelative(directoryRelativePath, names[failure.index] as string), error);
    }
  }

  /** lstat one path on the thread pool, bounded by statConcurrency; undefined when gone or failed (recorded). */
  lstat(relativePath: string, absolutePath: string): Promise<Stats | undefined> {
    // Callback lstat wrapped by hand: measurably cheaper per call than fs/promises.lstat.
    const call = (): Promise<Stats | undefined> =>
      new Promise((resolve) => {
        lstat(absolutePath, (error, stats) => {
          if (error) this.results.recordError(relativePath, error);
          resolve(error ? undefined : stats);
        });
      });
    return this.statLimiter.run(call);
  }

  /**
   * A regular file was found (`stats` from lstat, or stat through a followed symlink): trust the
   * journal's hash when size and mtime match, else hash it.
   */
  accept(relativePath: string, absolutePath: string, stats: Stats, throughSymlink: boolean): void {
    if (!stats.isFile()) return; // replaced by something else since readdir: the next pass sees it
    this.acceptFile(relativePath, absolutePath, stats.size, stats.mtimeMs, throughSymlink);
  }

  /** A regular file of `size` bytes modified at `mtimeMs`: listed with the journal's hash, or hashed. */
  private acceptFile(relativePath: string, absolutePath: string, size: number, mtimeMs: number, throughSymlink: boolean): void {
    if (!this.takeJournaled(relativePath, size, mtimeMs)) this.takeContent(relativePath, absolutePath, size, mtimeMs, throughSymlink);
  }

  /** Count a file found, and list it by path when the journal saw it so; false when its content is still wanted. */
  private takeJournaled(relativePath: string, size: number, mtimeMs: number): boolean {
    const results = this.results;
    if (results.stopped()) return true;
    results.filesSeen++;
    if ((results.filesSeen & 1023) === 0) results.reportProgress(false);
    try {
      const journaledPath = this.options.journaled?.(relativePath, size, mtimeMs);
      if (journaledPath === undefined) return false;
      results.journaled.push(journaledPath);
    } catch (error) {
      results.fatal ??= { error };
    }
    return true;
  }

  /** A file the journal does not vouch for: listed with its known hash or the one a worker made (`hashedSha256`, of this size and mtime), or hashed. */
  private takeContent(relativePath: string, absolutePath: string, size: number, mtimeMs: number, throughSymlink: boolean, hashedSha256?: string): void {
    const results = this.results;
    let knownSha256: string | undefined;
    try {
      knownSha256 = this.options.knownHash?.(relativePath, size, mtimeMs);
    } catch (error) {
      results.fatal ??= { error };
      return;
    }
    if (knownSha256 !== undefined) {
      results.entries.push({ relativePath, size, mtimeMs, sha256: knownSha256 });
    } else if (hashedSha256 !== undefined) {
      results.recordSnapshot(relativePath, { status: 'ok', sha256: hashedSha256, bytes: size, size, mtimeMs });
    } else if (this.inline && size <= SMALL_FILE_BYTES) {
      this.hashInline(relativePath, absolutePath, throughSymlink);
    } else {
      this.hashTasks.push(this.hashLimiter.run(() => this.hashOnPool(relativePath, absolutePath, throughSymlink)));
    }
  }

  /** Wait for every queued hash. Never rejects: failures are recorded as they happen. */
  async settle(): Promise<void> {
    await Promise.all(this.hashTasks);
  }

  /** True once synchronous I/O measured slow (a network or cold disk): the rest of the scan overlaps calls on the thread pool. */
  get slowDisk(): boolean {
    return !this.inline;
  }

  /** Decide, from measured synchronous times (this thread's or a worker's), whether to switch to thread-pool I/O for the rest of the scan. */
  noteInlineTime(files: number, elapsedMs: number): void {
    this.windowFiles += files;
    this.windowMs += elapsedMs;
    const slowBatch = files >= 8 && elapsedMs > files * SLOW_BATCH_MS_PER_FILE;
    if (slowBatch || (this.windowFiles >= SLOW_WINDOW_FILES && this.windowMs > this.windowFiles * SLOW_WINDOW_MS_PER_FILE)) {
      this.inline = false;
    }
    if (this.windowFiles >= SLOW_WINDOW_FILES) {
      this.windowFiles = 0;
      this.windowMs = 0;
    }
  }

  private statFileSync(absolutePath: string, relativePath: string): void {
    let stats: Stats | undefined;
    try {
      stats = lstatSync(absolutePath, { throwIfNoEntry: false });
    } catch (error) {
      this.results.recordError(relativePath, error);
      return;
    }
    if (stats !== undefined) this.accept(relativePath, absolutePath, stats, false);
  }

  private afterRead(relativePath: string): (() => void) | undefined {
    const hook = this.options.afterHashRead;
    return hook ? () => hook(relativePath) : undefined;
  }

  /** Small file, fast disk: hash inline; the batch timer in statFiles still sees the cost. */
  private hashInline(relativePath: string, absolutePath: string, throughSymlink: boolean): void {
    try {
      const snapshot = snapshotSmallFileSync(absolutePath, { followSymlinks: throughSymlink, afterRead: this.afterRead(relativePath) });
      this.results.recordSnapshot(relativePath, snapshot);
    } catch (error) {
      this.results.recordError(relativePath, error);
    }
  }

  /** Hash one file on the thread pool; never rejects, so no task is left unobserved. */
  private async hashOnPool(relativePath: string, absolutePath: string, throughSymlink: boolean): Promise<void> {
    if (this.results.stopped()) return;
    try {
      const snapshot = await snapshotFile(absolutePath, {
        signal: this.options.signal,
        followSymlinks: throughSymlink,
        afterRead: this.afterRead(relativePath),
      });
      this.results.recordSnapshot(relativePath, snapshot);
    } catch (error) {
      this.results.recordError(relativePath, error);
    }
  }
}
