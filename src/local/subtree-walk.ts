/**
 * A depth-first walk of whole subtrees, synchronous, as a worker thread runs it (scan-prefetch.ts):
 * read a directory, sort its entries with the scanner's own rules (directory-entries.ts), lstat
 * its files, and describe it as one record. The main thread can take pending directories away
 * (giveAway) to walk them itself, so two cores share the walk. Symlinks are never followed here:
 * a scan that follows them walks on the main thread only.
 */
import { lstatSync, readdirSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { sortEntries, specialNames, INVALID_NAME_CODE, INVALID_NAME_MESSAGE } from './directory-entries.js';
import { invalidNamesInSync, readIgnoreFileTextSync } from './directory-reads.js';
import { IGNORE_FILE_NAME, IgnoreRules } from './ignore.js';
import { snapshotSmallFileSync, SMALL_FILE_BYTES } from './hash.js';
import { errnoCode, GONE_CODES, joinRelative } from './scan-results.js';
import { STAT_ROW, StatKind, type StatReply, type WalkedDirectory, type WalkFrameData, type WalkRulesTable } from './stat-rows.js';

/** lstat `names` in `directory`: one row per name (kind, size, mtimeMs) and the failures. */
export function statRows(directory: string, separator: string, names: readonly string[]): Pick<StatReply, 'rows' | 'failures'> {
  const rows = new Float64Array(names.length * STAT_ROW);
  const failures: StatReply['failures'] = [];
  for (let index = 0; index < names.length; index++) {
    const at = index * STAT_ROW;
    try {
      const stats = lstatSync(`${directory}${separator}${names[index]}`, { throwIfNoEntry: false });
      if (stats === undefined) rows[at] = StatKind.Gone;
      else if (stats.isFile()) {
        rows[at] = StatKind.File;
        rows[at + 1] = stats.size;
        rows[at + 2] = stats.mtimeMs;
      } else rows[at] = StatKind.Other;
    } catch (error) {
      rows[at] = StatKind.Failed;
      failures.push({ index, ...failureOf(error) });
    }
  }
  return { rows, failures };
}

/**
 * SHA-256 of the small regular files among `rows` (statRows' layout), each only when the version
 * read is the one its row describes (same size and mtime); a file that changed, vanished or could
 * not be read gets none, and the scan hashes it as it would any other (recording what failed).
 */
export function hashRows(directory: string, separator: string, names: readonly string[], rows: Float64Array): (string | undefined)[] {
  const hashes = new Array<string | undefined>(names.length).fill(undefined);
  for (let index = 0; index < names.length; index++) {
    const at = index * STAT_ROW;
    const size = rows[at + 1]!;
    if (rows[at] !== StatKind.File || size > SMALL_FILE_BYTES) continue;
    try {
      const snapshot = snapshotSmallFileSync(`${directory}${separator}${names[index]}`, { followSymlinks: false });
      if (snapshot.status === 'ok' && snapshot.size === size && snapshot.mtimeMs === rows[at + 2]) hashes[index] = snapshot.sha256;
    } catch {
      // Left to the scan, which records the failure with its code.
    }
  }
  return hashes;
}

const failureOf = (error: unknown): { code: string; message: string } => ({
  code: errnoCode(error) ?? 'EIO',
  message: error instanceof Error ? error.message : String(error),
});

interface Frame {
  absolutePath: string;
  relativePath: string;
  rulesId: number;
}

/** A walk's pending directories and the ignore rules met on the way; either thread runs one. */
export class SubtreeWalk {
  private readonly stack: Frame[] = [];
  /** Rules by id: 0 is the root's, others come from `.lumenignore` files found on the way. */
  private readonly rules = new Map<number, IgnoreRules>();
  private nextRulesId = 1;
  /** Asked before each directory: whether to hash its small files too (hashRows). */
  private readonly hashFiles: (() => boolean) | undefined;

  constructor(rootRules: IgnoreRules, hashFiles?: () => boolean) {
    this.rules.set(0, rootRules);
    this.hashFiles = hashFiles;
  }

  /** Directories not read yet. */
  get pending(): number {
    return this.stack.length;
  }

  /** Add directories to walk, handed over by the other thread with the rules they need (ids in its own table). */
  take(frames: readonly WalkFrameData[], rules: WalkRulesTable): void {
    const localIds = new Map<number, number>([[0, 0]]);
    for (const [rulesId, description] of rules) {
      localIds.set(rulesId, this.nextRulesId);
      this.rules.set(this.nextRulesId++, IgnoreRules.fromDescription(description));
    }
    for (const frame of frames) this.stack.push({ absolutePath: frame.absolutePath, relativePath: frame.relativePath, rulesId: localIds.get(frame.rulesId) ?? 0 });
  }

  /** Every pending directory with its rules, leaving none (the scan walks them another way). */
  takeAllPending(): { absolutePath: string; relativePath: string; rules: IgnoreRules }[] {
    return this.stack.splice(0).map((frame) => ({ absolutePath: frame.absolutePath, relativePath: frame.relativePath, rules: this.rules.get(frame.rulesId) as IgnoreRules }));
  }

  /** Read the next pending directory; undefined when there is none. */
  next(): WalkedDirectory | undefined {
    const frame = this.stack.pop();
    return frame === undefined ? undefined : this.read(frame);
  }

  /**
   * Hand over up to `limit` pending directories, at most half of them, from the bottom of the
   * stack (the shallowest: the biggest subtrees), with the rules they need that are not the root's.
   */
  giveAway(limit: number, all = false): { frames: WalkFrameData[]; rules: WalkRulesTable } {
    const count = all ? this.stack.length : Math.min(limit, Math.floor(this.stack.length / 2));
    const frames = this.stack.splice(0, count);
    const rules: WalkRulesTable = [];
    for (const rulesId of new Set(frames.map((frame) => frame.rulesId))) {
      if (rulesId !== 0) rules.push([rulesId, (this.rules.get(rulesId) as IgnoreRules).describe()]);
    }
    return { frames, rules };
  }

  private read(frame: Frame): WalkedDirectory {
    const startedAt = performance.now();
    const walked = this.readAt(frame);
    walked.elapsedMs = performance.now() - startedAt;
    return walked;
  }

  private readAt(frame: Frame): WalkedDirectory {
    const walked: WalkedDirectory = { absolutePath: frame.absolutePath, relativePath: frame.relativePath, names: [], rows: new Float64Array(0), failures: [], ignored: 0, errors: [], elapsedMs: 0 };
    let dirents: Dirent[];
    try {
      dirents = readdirSync(frame.absolutePath, { withFileTypes: true });
    } catch (error) {
      walked.errors.push({ relativePath: frame.relativePath, ...failureOf(error) });
      return walked;
    }
    const special = specialNames(dirents);
    let rulesId = frame.rulesId;
    let rules = this.rules.get(rulesId) as IgnoreRules;
    if (special.ignoreFile) {
      try {
        const content = readIgnoreFileTextSync(`${frame.absolutePath}${path.sep}${IGNORE_FILE_NAME}`);
        const derived = content === undefined ? rules : rules.withIgnoreFile(frame.relativePath, content);
        if (derived !== rules) {
          rules = derived;
          rulesId = this.nextRulesId++;
          this.rules.set(rulesId, rules);
        }
      } catch (error) {
        const code = errnoCode(error);
        // Unknown rules: listing this directory could upload what the user meant to keep out.
        if (code === undefined || !GONE_CODES.has(code)) {
          walked.errors.push({ relativePath: joinRelative(frame.relativePath, IGNORE_FILE_NAME), ...failureOf(error) });
          return walked;
        }
      }
    }
    let invalidNames: Set<string> | undefined;
    if (special.maybeInvalid) {
      try {
        invalidNames = invalidNamesInSync(frame.absolutePath);
      } catch (error) {
        walked.errors.push({ relativePath: frame.relativePath, ...failureOf(error) });
        return walked;
      }
    }
    const sorted = sortEntries(dirents, frame.relativePath, rules, invalidNames, false);
    walked.ignored = sorted.ignored;
    for (const relativePath of sorted.invalid) walked.errors.push({ relativePath, code: INVALID_NAME_CODE, message: INVALID_NAME_MESSAGE });
    for (const name of sorted.directories) {
      this.stack.push({ absolutePath: `${frame.absolutePath}${path.sep}${name}`, relativePath: joinRelative(frame.relativePath, name), rulesId });
    }
    walked.names = sorted.files;
    Object.assign(walked, statRows(frame.absolutePath, path.sep, sorted.files));
    if (this.hashFiles?.() === true) walked.sha256 = hashRows(frame.absolutePath, path.sep, walked.names, walked.rows);
    return walked;
  }
}
