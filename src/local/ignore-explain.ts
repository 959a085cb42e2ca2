/**
 * Why a path is ignored: the same verdict as the scanner (IgnoreRules, built the same way from
 * `--ignore` and every `.lumenignore` on the way down), plus the rule that decided it and the
 * file that holds it, as `git check-ignore -v` reports. For `lumensync why`; reads only the
 * ignore files on the path's way down.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { DEFAULT_IGNORES, IGNORE_FILE_NAME, IgnoreRules } from './ignore.js';

/** The rule that decided a path is ignored. */
export interface IgnoreReason {
  /** The path the rule matched: the file itself or one of its parent directories. */
  matched: string;
  /** The pattern as written. */
  pattern: string;
  /** Where it is written: `built-in defaults`, `--ignore`, or the ignore file's path. */
  source: string;
  /** 1-based line in the ignore file. */
  line?: number;
}

interface RuleSource { prefix: string; source: string; patterns: { pattern: string; line?: number }[] }

const readIgnoreFile = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** The last of `source`'s patterns that speaks for `relativePath` (ignoring or re-including), if any. */
function lastMatch(source: RuleSource, relativePath: string, isDirectory: boolean): { pattern: string; line?: number; negative: boolean } | undefined {
  if (!relativePath.startsWith(source.prefix)) return undefined;
  const fromLevel = relativePath.slice(source.prefix.length) + (isDirectory ? '/' : '');
  let found: { pattern: string; line?: number; negative: boolean } | undefined;
  for (const { pattern, line } of source.patterns) {
    const trimmed = pattern.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const verdict = ignore({ ignorecase: false, allowRelativePaths: true }).add(pattern).test(fromLevel);
    if (verdict.ignored || verdict.unignored) found = { pattern: trimmed, ...(line !== undefined ? { line } : {}), negative: verdict.unignored };
  }
  return found;
}

/**
 * Whether `relativePath` (from the root, `/`-separated) is ignored under `root` with the extra
 * `patterns`, and by which rule. Undefined when it is not ignored.
 */
export function explainIgnore(root: string, patterns: readonly string[], relativePath: string, isDirectory: boolean): IgnoreReason | undefined {
  const parts = relativePath.split('/');
  let rules = IgnoreRules.forRoot(patterns);
  const sources: RuleSource[] = [
    { prefix: '', source: 'built-in defaults', patterns: DEFAULT_IGNORES.map((pattern) => ({ pattern })) },
    { prefix: '', source: '--ignore / config "ignore"', patterns: patterns.map((pattern) => ({ pattern })) },
  ];
  for (let depth = 0; depth < parts.length; depth += 1) {
    // The ignore file of the directory holding this part applies to it and below.
    const directory = parts.slice(0, depth).join('/');
    const ignoreFile = path.join(root, ...parts.slice(0, depth), IGNORE_FILE_NAME);
    const content = readIgnoreFile(ignoreFile);
    if (content !== undefined) {
      rules = rules.withIgnoreFile(directory, content);
      sources.push({ prefix: directory === '' ? '' : `${directory}/`, source: ignoreFile, patterns: content.split(/\r?\n/).map((pattern, index) => ({ pattern, line: index + 1 })) });
    }
    const current = parts.slice(0, depth + 1).join('/');
    const currentIsDirectory = depth < parts.length - 1 || isDirectory;
    if (!rules.isIgnored(current, currentIsDirectory)) continue;
    // Ignored: the last rule across the levels, in order, that ignores it decided.
    let reason: IgnoreReason | undefined;
    for (const source of sources) {
      const match = lastMatch(source, current, currentIsDirectory);
      if (match === undefined) continue;
      reason = match.negative ? undefined : { matched: current, pattern: match.pattern, source: source.source, ...(match.line !== undefined ? { line: match.line } : {}) };
    }
    return reason ?? { matched: current, pattern: '(built-in rule)', source: 'built-in defaults' };
  }
  return undefined;
}
