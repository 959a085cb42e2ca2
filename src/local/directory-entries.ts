/**
 * What the walk does with each entry of a directory it read: ignore it, report its name, walk it,
 * follow it, or stat it. One set of rules for the scanner's walk on the main thread and for a
 * worker thread walking subtrees (subtree-walk.ts), so both list the same files.
 */
import type { Dirent } from 'node:fs';
import { IGNORE_FILE_NAME, matchesDefaultIgnore, type IgnoreRules } from './ignore.js';
import { joinRelative } from './scan-results.js';

/** The error recorded for a name that is not UTF-8. */
export const INVALID_NAME_CODE = 'EILSEQ';
export const INVALID_NAME_MESSAGE = 'name is not valid UTF-8, so it cannot be named remotely; rename it to sync it';

/** Whether the entry `name` of the directory at `directoryRelativePath` is ignored under `rules` (its path is built only when user patterns need it). */
export function isIgnoredEntry(rules: IgnoreRules, directoryRelativePath: string, name: string, isDirectory: boolean): boolean {
  return rules.onlyDefaults ? matchesDefaultIgnore(name, isDirectory) : rules.isIgnored(joinRelative(directoryRelativePath, name), isDirectory);
}

/** What must be read before a directory's entries can be sorted: its ignore file, its names as bytes. */
export function specialNames(dirents: readonly Dirent[]): { ignoreFile: boolean; maybeInvalid: boolean } {
  let ignoreFile = false;
  let maybeInvalid = false;
  for (const dirent of dirents) {
    if (dirent.name === IGNORE_FILE_NAME) ignoreFile = true;
    // Node decodes a name that is not UTF-8 with U+FFFD; only then are the names read again as bytes.
    else if (!maybeInvalid && dirent.name.includes('\uFFFD')) maybeInvalid = true;
  }
  return { ignoreFile, maybeInvalid };
}

/** One directory's entries, sorted by what the walk does with them. */
export interface SortedEntries {
  /** Regular files to stat (names). */
  files: string[];
  /** Subdirectories to walk (names). */
  directories: string[];
  /** Symbolic links to follow (names; only when following). */
  symlinks: string[];
  /** Entries ignored: by the rules, or symlinks not followed, FIFOs, sockets, devices. */
  ignored: number;
  /** Relative paths of names that are not UTF-8. */
  invalid: string[];
}

/** Sort `dirents` of the directory at `directoryRelativePath` under `rules`. */
export function sortEntries(dirents: readonly Dirent[], directoryRelativePath: string, rules: IgnoreRules, invalidNames: ReadonlySet<string> | undefined, followSymlinks: boolean): SortedEntries {
  const sorted: SortedEntries = { files: [], directories: [], symlinks: [], ignored: 0, invalid: [] };
  for (const dirent of dirents) {
    const name = dirent.name;
    const isDirectory = dirent.isDirectory();
    if (isIgnoredEntry(rules, directoryRelativePath, name, isDirectory)) sorted.ignored++;
    else if (invalidNames?.has(name)) sorted.invalid.push(joinRelative(directoryRelativePath, name));
    else if (isDirectory) sorted.directories.push(name);
    else if (dirent.isFile()) sorted.files.push(name);
    else if (dirent.isSymbolicLink() && followSymlinks) sorted.symlinks.push(name);
    else sorted.ignored++; // symlinks when not following; FIFOs, sockets, devices (reading a FIFO would block)
  }
  return sorted;
}
