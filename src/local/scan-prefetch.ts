/**
 * A scan begun before the journal is read. `lumensync sync` opens its journal (100,000 entries:
 * ~0.2 s of one core) before it can scan; meanwhile a stat worker already walks the mirror root
 * (subtree-walk.ts) and queues what it found. The scan then takes that walk over (scanner.ts):
 * it takes in the directories walked so far, and both threads share the rest: whichever runs out
 * of directories gets half of the other's pending ones. Only a full scan that follows no
 * symlinks can use it; any other scan closes it and walks as usual.
 */
import path from 'node:path';
import { IgnoreRules } from './ignore.js';
import { StatPool } from './stat-pool.js';
import { WALK_FLAG, type WalkedDirectory, type WalkFrameData, type WalkReply, type WalkRulesTable } from './stat-rows.js';

/** Directories handed over per request, either way: enough to keep a thread busy for a while, few enough that it asks again. */
export const GIVE_AWAY_LIMIT = 256;
/**
 * Files (and directories) the worker may have walked that no scan took in yet: it waits beyond
 * this. A 1,000,000-entry journal takes the main thread ~2 s to read, in which the worker would
 * otherwise queue ~300,000 names; this bound keeps what waits to ~10 MB.
 */
export const QUEUED_ENTRIES_LIMIT = 65_536;

/** What to walk. */
export interface ScanPrefetchOptions {
  /** Absolute path of the mirror root. */
  root: string;
  /** The mirror's `--ignore` patterns. */
  ignore?: readonly string[];
  /** Stat workers of the scan (the first one walks); below 1 there is no prefetch. */
  threads: number;
  /** Test seam: QUEUED_ENTRIES_LIMIT (a small one keeps the worker close behind the scan, so both threads walk). */
  queueLimit?: number;
}

/** A walk started ahead of its scan; the scan that fits it takes it over, anything else must close() it. */
export class ScanPrefetch {
  readonly root: string;
  readonly pool: StatPool;
  readonly rootRules: IgnoreRules;
  private readonly ignore: readonly string[];
  private readonly flags = new Int32Array(new SharedArrayBuffer(4 * WALK_FLAG.count));
  /** Answers that came before a scan listened. */
  private readonly early: WalkReply[] = [];
  private listener: ((reply: WalkReply) => void) | undefined;
  private readonly queueLimit: number;
  /** Directories each thread walked for the scan that took this over (tests, diagnostics). */
  readonly directoriesWalked = { worker: 0, main: 0 };
  /** Files whose hash came with the worker's directories (hashFiles). */
  filesHashedAhead = 0;

  /** Start walking `options.root`; undefined when no worker may be used. */
  static start(options: ScanPrefetchOptions): ScanPrefetch | undefined {
    if (options.threads < 1 || !path.isAbsolute(options.root)) return undefined;
    return new ScanPrefetch(options);
  }

  private constructor(options: ScanPrefetchOptions) {
    this.root = path.resolve(options.root);
    this.ignore = [...(options.ignore ?? [])];
    this.rootRules = IgnoreRules.forRoot(this.ignore);
    this.queueLimit = options.queueLimit ?? QUEUED_ENTRIES_LIMIT;
    this.pool = new StatPool(options.threads);
    this.walk([{ absolutePath: this.root, relativePath: '', rulesId: 0 }], []);
  }

  /** Have the worker walk these directories (rules ids as in `rules`; 0: the root's); it answers through the listener. */
  walk(frames: WalkFrameData[], rules: WalkRulesTable): void {
    Atomics.store(this.flags, WALK_FLAG.giveBack, 0);
    this.pool.startWalk(
      { frames, rules, rootRules: this.rootRules.describe(), flags: this.flags.buffer as SharedArrayBuffer, giveAwayLimit: GIVE_AWAY_LIMIT, queueLimit: this.queueLimit },
      (reply) => (this.listener ? this.listener(reply) : this.early.push(reply)),
    );
  }

  /** Whether a scan with `options` (ScanOptions' fields) lists exactly what this walk lists. */
  fits(options: { root: string; ignore?: readonly string[]; followSymlinks?: boolean; scope?: readonly string[] }): boolean {
    const ignore = options.ignore ?? [];
    return options.scope === undefined && options.followSymlinks !== true && path.resolve(options.root) === this.root
      && ignore.length === this.ignore.length && ignore.every((pattern, index) => pattern === this.ignore[index]);
  }

  /** Hear every answer of the walk: those that came already, then the rest as they come. */
  listen(listener: (reply: WalkReply) => void): void {
    this.listener = listener;
    for (const reply of this.early.splice(0)) listener(reply);
  }

  /**
   * From now on the worker also hashes the small files of the directories it walks: for a scan no
   * journal vouches for (a first sync), whose every file is hashed anyway. The session asks while
   * it resolves the remote, so the worker hashes in that wait; the main thread hashes the rest.
   */
  hashFiles(): void {
    Atomics.store(this.flags, WALK_FLAG.hash, 1);
  }

  /** Ask the worker for pending directories: answered by `given` (maybe none), or by `done` when its walk ends first. */
  requestDirectories(): void {
    Atomics.store(this.flags, WALK_FLAG.giveBack, 1);
  }

  /** Ask the worker for every pending directory, ending its walk: answered by `given`, then `done`. */
  requestAllDirectories(): void {
    Atomics.store(this.flags, WALK_FLAG.giveBack, 2);
  }

  /** A directory the worker walked was taken in: it may walk that much further ahead. */
  taken(walked: WalkedDirectory): void {
    this.directoriesWalked.worker++;
    if (walked.sha256 !== undefined) for (const sha256 of walked.sha256) if (sha256 !== undefined) this.filesHashedAhead++;
    Atomics.sub(this.flags, WALK_FLAG.queued, walked.names.length + 1);
    Atomics.notify(this.flags, WALK_FLAG.queued);
  }

  /** Stop the worker (a scan that took the walk over closes it with its own pool). */
  async close(): Promise<void> {
    this.listener = undefined;
    this.early.length = 0;
    await this.pool.close();
  }
}
