/**
 * Ignore rules with git's layering: built-in defaults, then `--ignore` patterns, then
 * `.lumenignore` files, each scoped to the directory that holds it; the last rule that matches
 * a path decides, and deeper files override shallower ones.
 */
import ignore, { type Ignore } from 'ignore';

/** Name of the per-directory ignore file (gitignore syntax). */
export const IGNORE_FILE_NAME = '.lumenignore';

/**
 * Always-ignored names: VCS and dependency folders, OS litter, editor swap/backup/lock files, and
 * the ignore file itself (it configures lumensync and is not content to mirror). A `!pattern`
 * in `--ignore` or a `.lumenignore` can re-include any of them.
 */
export const DEFAULT_IGNORES: readonly string[] = Object.freeze([
  '.git/',
  'node_modules/',
  '.DS_Store',
  'Thumbs.db',
  '*.swp',
  '*.swo',
  '*~',
  '~$*',
  '.#*',
  IGNORE_FILE_NAME,
]);

/**
 * DEFAULT_IGNORES as plain string tests on the entry's own name. Every default is a basename
 * pattern, so this is exact, and it keeps the per-file cost of a scan with no user patterns to a
 * few comparisons (a test checks it agrees with the `ignore` package on the patterns above).
 */
export function matchesDefaultIgnore(name: string, isDirectory: boolean): boolean {
  if (isDirectory && (name === '.git' || name === 'node_modules')) return true;
  if (name === '.DS_Store' || name === 'Thumbs.db' || name === IGNORE_FILE_NAME) return true;
  const last = name.charCodeAt(name.length - 1);
  if (last === 0x7e /* ~ */) return true;
  if (last === 0x70 /* p */ && name.endsWith('.swp')) return true;
  if (last === 0x6f /* o */ && name.endsWith('.swo')) return true;
  return name.startsWith('~$') || name.startsWith('.#');
}

/** One pattern source, anchored at the directory `prefix` ('' for the root, else 'a/b/'). */
interface IgnoreLevel {
  readonly prefix: string;
  readonly matcher: Ignore;
  /** The texts the matcher was built from, in order (what a worker thread rebuilds it from). */
  readonly sources: readonly IgnoreSource[];
}

/** What the `ignore` package was given: a file's text (split into lines) or a list of patterns (each one whole). */
type IgnoreSource = string | readonly string[];

/** IgnoreRules as plain data (structured-clone safe): each level's directory prefix and pattern sources. */
export type IgnoreRulesDescription = readonly { readonly prefix: string; readonly sources: readonly IgnoreSource[] }[];

type OwnVerdict = 'ignored' | 'unignored' | 'none';

/**
 * Test one path against one level's rules without the `ignore` package's parent-directory
 * check. We only ever test children of directories the combined rules let us into, and a
 * parent excluded by this level but re-included by a deeper file must not hide its children
 * (git's behaviour). The package's rule manager does exactly that per-path test; its public
 * `test()` adds the parent walk (and a per-path cache that grows with the tree).
 */
type RuleManager = { test(path: string, mode: string): { ignored: boolean; unignored: boolean } };
const OWN_TEST_MODE = 'regex';

function ownVerdict(matcher: Ignore, pathFromLevel: string): OwnVerdict {
  const rules = (matcher as unknown as { _rules?: RuleManager })._rules;
  const result = ownTestAvailable && rules ? rules.test(pathFromLevel, OWN_TEST_MODE) : matcher.test(pathFromLevel);
  return result.ignored ? 'ignored' : result.unignored ? 'unignored' : 'none';
}

/** Feature check, once: fall back to the public API if a future `ignore` changes its internals. */
const ownTestAvailable: boolean = (() => {
  try {
    const probe = ignore().add('a/');
    const rules = (probe as unknown as { _rules?: RuleManager })._rules;
    if (!rules || typeof rules.test !== 'function') return false;
    return rules.test('a/', OWN_TEST_MODE).ignored && !rules.test('a/b', OWN_TEST_MODE).ignored;
  } catch {
    return false;
  }
})();

/** True when `content` holds at least one rule (not only blank lines and comments). */
function hasRules(content: string): boolean {
  for (const line of content.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return true;
  }
  return false;
}

const newMatcher = (): Ignore => ignore({ ignorecase: false, allowRelativePaths: true });

/**
 * Immutable set of ignore rules in force in one directory. Build the root's with
 * {@link IgnoreRules.forRoot}, then derive a child's with {@link IgnoreRules.withIgnoreFile}
 * when that directory holds a `.lumenignore`; directories without one share their parent's.
 */
export class IgnoreRules {
  private readonly levels: readonly IgnoreLevel[];

  private constructor(levels: readonly IgnoreLevel[]) {
    this.levels = levels;
  }

  /** Rules at the mirror root: the defaults plus `extraPatterns` (`--ignore`, gitignore syntax, relative to the root). */
  static forRoot(extraPatterns: readonly string[] = []): IgnoreRules {
    const patterns = extraPatterns.filter((pattern) => hasRules(pattern));
    if (patterns.length === 0) return new IgnoreRules([]);
    return new IgnoreRules([{ prefix: '', matcher: newMatcher().add(patterns), sources: [patterns] }]);
  }

  /** Rules rebuilt from {@link IgnoreRules.describe}'s answer (in another thread). */
  static fromDescription(description: IgnoreRulesDescription): IgnoreRules {
    return new IgnoreRules(description.map(({ prefix, sources }) => ({ prefix, sources, matcher: sources.reduce((matcher, source) => matcher.add(source as string | string[]), newMatcher()) })));
  }

  /** These rules as plain data that {@link IgnoreRules.fromDescription} turns back into the same rules. */
  describe(): IgnoreRulesDescription {
    return this.levels.map(({ prefix, sources }) => ({ prefix, sources }));
  }

  /**
   * These rules plus the content of the `.lumenignore` found in `directoryRelativePath`
   * ('' for the root), whose patterns apply to paths under that directory only.
   */
  withIgnoreFile(directoryRelativePath: string, content: string): IgnoreRules {
    if (!hasRules(content)) return this;
    const prefix = directoryRelativePath === '' ? '' : `${directoryRelativePath}/`;
    const last = this.levels[this.levels.length - 1];
    if (last && last.prefix === prefix) {
      // Same directory (root `--ignore` then root `.lumenignore`): one matcher keeps the order exact.
      const merged = newMatcher().add(last.matcher).add(content);
      return new IgnoreRules([...this.levels.slice(0, -1), { prefix, matcher: merged, sources: [...last.sources, content] }]);
    }
    return new IgnoreRules([...this.levels, { prefix, matcher: newMatcher().add(content), sources: [content] }]);
  }

  /** True when no user pattern is in force (only the built-in defaults apply). */
  get onlyDefaults(): boolean {
    return this.levels.length === 0;
  }

  /**
   * Whether the entry at `relativePath` (from the root, `/`-separated, no trailing slash) is
   * ignored. The caller guarantees its parent directories are not ignored (the scanner does not
   * descend into ignored directories), as git does.
   */
  isIgnored(relativePath: string, isDirectory: boolean): boolean {
    const slash = relativePath.lastIndexOf('/');
    const name = slash < 0 ? relativePath : relativePath.slice(slash + 1);
    let ignored = matchesDefaultIgnore(name, isDirectory);
    for (const level of this.levels) {
      // A level only speaks for paths under its own directory.
      if (!relativePath.startsWith(level.prefix)) continue;
      const fromLevel = relativePath.slice(level.prefix.length);
      const verdict = ownVerdict(level.matcher, isDirectory ? `${fromLevel}/` : fromLevel);
      if (verdict === 'ignored') ignored = true;
      else if (verdict === 'unignored') ignored = false;
    }
    return ignored;
  }
}
