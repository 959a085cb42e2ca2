/**
 * The local listing: walk the mirror root, apply ignore rules, stat every regular file and hash
 * only what the journal cannot vouch for. Never writes anything (invariant 8) and never throws
 * for a problem with one path: those become `errors`, and the engine blocks deletes for the pass.
 */
import type { Dirent, Stats } from 'node:fs';
import { opendir, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { LumenSyncError } from '../errors.js';
import type { LocalListing } from '../core/types.js';
import { abortedError } from './hash.js';
import { FileIntake } from './file-intake.js';
import { INVALID_NAME_CODE, INVALID_NAME_MESSAGE, isIgnoredEntry, sortEntries, specialNames } from './directory-entries.js';
import { invalidNamesIn, readIgnoreFileText } from './directory-reads.js';
import { IGNORE_FILE_NAME, IgnoreRules } from './ignore.js';
import { errnoCode, GONE_CODES, joinRelative, ScanResults } from './scan-results.js';
import type { ScanOptions } from './scan-options.js';
import type { ScanPrefetch } from './scan-prefetch.js';
import { takeOverWalk } from './walk-takeover.js';
import { normaliseScope, type ScopeTree } from './scope.js';
import { defaultScanThreads } from './stat-pool.js';
import { Limiter } from './limiter.js';

export type { ScanHooks, ScanOptions } from './scan-options.js';

/** One directory being walked. `realChain` is kept only when following symlinks (loop detection). */
interface Frame {
  absolutePath: string;
  relativePath: string;
  rules: IgnoreRules;
  realChain: RealChain | undefined;
}

/** Real paths of the directories from the root down to the current one. */
interface RealChain {
  realPath: string;
  parent: RealChain | undefined;
}

/**
 * Directories listed at once. A walk that read every subdirectory as soon as it saw it held the
 * names of a whole 2,000-folder level in memory at once (100,000 files: +25 MB peak RSS, and more
 * scavenge work); the thread pool runs 4 reads at a time anyway, so 64 queued keep it busy.
 */
const DIRECTORIES_IN_FLIGHT = 64;

const withTrailingSep = (directory: string): string => (directory.endsWith(path.sep) ? directory : directory + path.sep);

/** Walk the mirror root (or the `scope` within it) and return the sorted listing. */
export async function scanTree(options: ScanOptions): Promise<LocalListing> {
  if (!path.isAbsolute(options.root)) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `scan root must be an absolute path: ${options.root}`, {
      hint: 'Resolve the folder against the current directory before scanning it.',
    });
  }
  const scope = options.scope === undefined ? undefined : normaliseScope(options.scope);
  const results = new ScanResults(options.signal, options.onProgress);
  // A walk started for another scan lists something else: stopped, and this scan walks on its own.
  const prefetch = options.prefetch?.fits(options) === true ? options.prefetch : undefined;
  if (options.prefetch !== undefined && prefetch === undefined) await options.prefetch.close();
  const walker = new TreeWalker(options, path.resolve(options.root), results, prefetch);
  await walker.run(scope?.tree ?? 'all');
  if (options.signal?.aborted) throw abortedError('scan');
  if (results.fatal) throw results.fatal.error;
  return results.toListing(scope?.relativePaths);
}

/** Walks directories, applies ignore rules and symlink policy, and hands regular files to the intake. */
class TreeWalker {
  private readonly options: ScanOptions;
  private readonly rootPath: string;
  private readonly results: ScanResults;
  private readonly intake: FileIntake;
  private readonly follow: boolean;
  private rootRealPath = '';
  /** Directories being read and stat'ed at once (see DIRECTORIES_IN_FLIGHT). */
  private readonly directoryLimiter: Limiter;
  private directoriesInFlight = 0;
  /** A walk begun before the scan, which this scan takes over (scan-prefetch.ts). */
  private readonly prefetch: ScanPrefetch | undefined;

  constructor(options: ScanOptions, rootPath: string, results: ScanResults, prefetch: ScanPrefetch | undefined) {
    this.prefetch = prefetch;
    this.options = options;
    this.rootPath = rootPath;
    this.results = results;
    this.follow = options.followSymlinks ?? false;
    this.directoryLimiter = new Limiter(options.directoryConcurrency ?? DIRECTORIES_IN_FLIGHT);
    this.intake = new FileIntake(results, {
      knownHash: options.knownHash,
      journaled: options.journaled,
      hashConcurrency: options.hashConcurrency,
      statConcurrency: options.statConcurrency,
      signal: options.signal,
      forceAsync: options.hooks?.forceAsync,
      afterHashRead: options.hooks?.afterHashRead,
      statThreads: options.scope === undefined ? (options.scanThreads ?? defaultScanThreads()) : 0,
      poolAfterFiles: options.hooks?.poolAfterFiles,
      onWorkerBatch: options.hooks?.onWorkerBatch,
      ...(prefetch ? { pool: prefetch.pool } : {}),
    });
  }

  /** Check the root, walk it, wait for every hash. Rejects only on a non-filesystem failure of the root check. */
  async run(scopeTree: ScopeTree): Promise<void> {
    try {
      if (!(await this.checkRoot(scopeTree !== 'all'))) return;
      if (this.prefetch) {
        await takeOverWalk(this.prefetch, this.results, this.intake, this.options.signal, (frame) => this.walkDirectory({ ...frame, realChain: undefined }, 'all'));
      }
      else {
        const rules = IgnoreRules.forRoot(this.options.ignore ?? []);
        const realChain = this.follow ? { realPath: this.rootRealPath, parent: undefined } : undefined;
        await this.walkDirectory({ absolutePath: this.rootPath, relativePath: '', rules, realChain }, scopeTree);
      }
      await this.intake.settle();
    } finally {
      await this.intake.close();
    }
  }

  /** Root health first: an unmounted drive must read as 'missing', never as an empty folder. */
  private async checkRoot(scoped: boolean): Promise<boolean> {
    try {
      const rootStats = await stat(this.rootPath);
      if (!rootStats.isDirectory()) {
        this.results.failRoot('not-directory', 'ENOTDIR', 'the mirror root is not a directory');
        return false;
      }
      if (this.follow) this.rootRealPath = await realpath(this.rootPath);
      // A scoped scan never lists the root, so prove here that it can be read.
      // Reading one entry also tells the root guard whether the root is empty (a swapped-in new folder).
      if (scoped) {
        const directory = await opendir(this.rootPath);
        try {
          this.results.rootEmpty = (await directory.read()) === null;
        } finally {
          await directory.close().catch(() => undefined);
        }
      }
      return true;
    } catch (error) {
      const code = errnoCode(error);
      if (code === undefined) throw error;
      this.results.failRoot(GONE_CODES.has(code) ? 'missing' : 'unreadable', code, (error as Error).message);
      return false;
    }
  }

  private childFrame(parent: Frame, rules: IgnoreRules, name: string, targetRealPath?: string): Frame {
    const realChain = parent.realChain
      ? { realPath: targetRealPath ?? `${parent.realChain.realPath}${path.sep}${name}`, parent: parent.realChain }
      : undefined;
    return { absolutePath: `${parent.absolutePath}${path.sep}${name}`, relativePath: joinRelative(parent.relativePath, name), rules, realChain };
  }

  /** The rules in force in `frame`'s directory with its `.lumenignore`; undefined when that file exists but cannot be read. */
  private async loadIgnoreFile(frame: Frame): Promise<IgnoreRules | undefined> {
    try {
      const content = await readIgnoreFileText(`${frame.absolutePath}${path.sep}${IGNORE_FILE_NAME}`);
      return content === undefined ? frame.rules : frame.rules.withIgnoreFile(frame.relativePath, content);
    } catch (error) {
      const code = errnoCode(error);
      if (code !== undefined && GONE_CODES.has(code)) return frame.rules;
      // Unknown rules: listing this directory could upload what the user meant to keep out.
      this.results.recordError(joinRelative(frame.relativePath, IGNORE_FILE_NAME), error);
      return undefined;
    }
  }

  /** Read a directory; undefined (and recorded) when it cannot be. */
  private async readDirectory(frame: Frame): Promise<Dirent[] | undefined> {
    try {
      return await readdir(frame.absolutePath, { withFileTypes: true });
    } catch (error) {
      const code = errnoCode(error);
      // The root vanishing after its check is an unmounted drive, not an empty folder.
      if (frame.relativePath === '' && code !== undefined && GONE_CODES.has(code)) this.results.failRoot('missing', code, (error as Error).message);
      else this.results.recordError(frame.relativePath, error);
      return undefined;
    }
  }

  /** Walk one directory: everything in it (`'all'`), or only the scoped children. */
  private async walkDirectory(frame: Frame, scope: ScopeTree): Promise<void> {
    if (this.results.stopped()) return;
    if (scope !== 'all') return this.walkScoped(frame, scope);
    // The slot covers reading and stat'ing this directory, not its subdirectories: they queue for
    // slots of their own after it is released (a slot held while waiting for them could deadlock).
    const subtasks = await this.directoryLimiter.run(async () => {
      this.options.hooks?.onDirectory?.(++this.directoriesInFlight);
      try {
        return await this.listDirectory(frame);
      } finally {
        this.directoriesInFlight--;
      }
    });
    await Promise.all(subtasks);
  }

  /** Read one directory, stat its files and start walking its subdirectories; returns those walks. */
  private async listDirectory(frame: Frame): Promise<Promise<void>[]> {
    const subtasks: Promise<void>[] = [];
    if (this.results.stopped()) return subtasks;
    const dirents = await this.readDirectory(frame);
    if (dirents === undefined) return subtasks;
    const special = specialNames(dirents);
    let rules = frame.rules;
    if (special.ignoreFile) {
      const loaded = await this.loadIgnoreFile(frame);
      if (loaded === undefined) return subtasks;
      rules = loaded;
    }
    let invalidNames: Set<string> | undefined;
    if (special.maybeInvalid) {
      try {
        invalidNames = await invalidNamesIn(frame.absolutePath);
      } catch (error) {
        this.results.recordError(frame.relativePath, error);
        return subtasks;
      }
    }
    const sorted = sortEntries(dirents, frame.relativePath, rules, invalidNames, this.follow);
    this.results.ignored += sorted.ignored;
    for (const relativePath of sorted.invalid) this.results.addError(relativePath, INVALID_NAME_CODE, INVALID_NAME_MESSAGE);
    for (const name of sorted.directories) subtasks.push(this.walkDirectory(this.childFrame(frame, rules, name), 'all'));
    for (const name of sorted.symlinks) subtasks.push(this.followSymlink(frame, rules, name, 'all'));
    // The subdirectories' walks are started (each waits for a slot) while this directory's files are
    // stat'ed: with 64 slots, other directories' reads keep the thread pool busy meanwhile.
    await this.intake.statFiles(frame.absolutePath, frame.relativePath, sorted.files);
    return subtasks;
  }

  /** Walk only the scoped children of a directory, without listing it. */
  private async walkScoped(frame: Frame, scope: Map<string, ScopeTree>): Promise<void> {
    const rules = await this.loadIgnoreFile(frame);
    if (rules === undefined) return;
    const visit = async (name: string, childScope: ScopeTree): Promise<void> => {
      const relativePath = joinRelative(frame.relativePath, name);
      const absolutePath = `${frame.absolutePath}${path.sep}${name}`;
      const stats = await this.intake.lstat(relativePath, absolutePath);
      if (stats === undefined) return;
      const isDirectory = stats.isDirectory();
      if (isIgnoredEntry(rules, frame.relativePath, name, isDirectory)) this.results.ignored++;
      else if (isDirectory) await this.walkDirectory(this.childFrame(frame, rules, name), childScope);
      else if (stats.isFile()) {
        // A scoped path that runs through a file ('a.txt/b') names nothing.
        if (childScope === 'all') this.intake.accept(relativePath, absolutePath, stats, false);
      } else if (stats.isSymbolicLink() && this.follow) await this.followSymlink(frame, rules, name, childScope);
      else this.results.ignored++;
    };
    await Promise.all(Array.from(scope, ([name, childScope]) => visit(name, childScope)));
  }

  /** Follow one symlink (followSymlinks: true): files and directories inside the root only, never a loop. */
  private async followSymlink(frame: Frame, rules: IgnoreRules, name: string, scope: ScopeTree): Promise<void> {
    const relativePath = joinRelative(frame.relativePath, name);
    const absolutePath = `${frame.absolutePath}${path.sep}${name}`;
    let targetStats: Stats;
    let targetRealPath: string;
    try {
      targetStats = await stat(absolutePath);
      targetRealPath = await realpath(absolutePath);
    } catch (error) {
      // A dangling link may point at an unmounted drive: report it, so deletes stay blocked.
      if (errnoCode(error) === 'ENOENT') this.results.addError(relativePath, 'ENOENT', 'symlink target does not exist; not followed');
      else this.results.recordError(relativePath, error);
      return;
    }
    if (targetRealPath !== this.rootRealPath && !targetRealPath.startsWith(withTrailingSep(this.rootRealPath))) {
      this.results.addError(relativePath, 'EOUTSIDE', `symlink points outside the mirror root (${targetRealPath}); not followed`);
    } else if (targetStats.isDirectory()) {
      if (isIgnoredEntry(rules, frame.relativePath, name, true)) this.results.ignored++;
      else if (loopsBack(frame.realChain, targetRealPath)) {
        this.results.addError(relativePath, 'ELOOP', `symlink loops back to ${targetRealPath}, which contains it; not followed`);
      } else {
        await this.walkDirectory(this.childFrame(frame, rules, name, targetRealPath), scope);
      }
    } else if (targetStats.isFile()) {
      if (scope === 'all') this.intake.accept(relativePath, absolutePath, targetStats, true);
    } else {
      this.results.ignored++;
    }
  }
}

/** True when `targetRealPath` is a directory being walked, or contains one: following it would never end. */
function loopsBack(chain: RealChain | undefined, targetRealPath: string): boolean {
  const targetPrefix = withTrailingSep(targetRealPath);
  for (let link = chain; link !== undefined; link = link.parent) {
    if (link.realPath === targetRealPath || link.realPath.startsWith(targetPrefix)) return true;
  }
  return false;
}
