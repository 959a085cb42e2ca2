/**
 * Scope of a partial scan (the watch daemon's dirty paths) as a tree of path segments, so the
 * scanner visits only the directories on the way to each scoped path.
 */
import { LumenSyncError } from '../errors.js';

/** A scoped subtree: `'all'` means everything below; a map names the only children to visit. */
export type ScopeTree = 'all' | Map<string, ScopeTree>;

/** The cleaned-up scope: sorted unique relative paths, and the tree the scanner walks (`'all'` when one of them is the root). */
export interface NormalisedScope {
  relativePaths: string[];
  tree: ScopeTree;
}

/** Split a scope path into segments, rejecting anything that could leave the root. */
function segmentsOf(scopePath: string): string[] {
  const segments = scopePath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (scopePath.startsWith('/') || segments.includes('..') || scopePath.includes('\\') || scopePath.includes('\0')) {
    throw new LumenSyncError('LUMENSYNC_USAGE', `scan scope must be a relative path inside the root: ${JSON.stringify(scopePath)}`, {
      hint: 'Pass paths relative to the mirror root, with "/" separators and no "..".',
    });
  }
  return segments;
}

/** Normalise scope paths ('./a//b/' → 'a/b') and build the tree; a path inside another scoped path adds nothing. */
export function normaliseScope(scopePaths: readonly string[]): NormalisedScope {
  const root = new Map<string, ScopeTree>();
  let wholeRoot = false;
  for (const scopePath of scopePaths) {
    const segments = segmentsOf(scopePath);
    if (segments.length === 0) {
      wholeRoot = true;
      continue;
    }
    let node: Map<string, ScopeTree> = root;
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index] as string;
      const isLast = index === segments.length - 1;
      const existing = node.get(segment);
      if (existing === 'all') break;
      if (isLast) {
        node.set(segment, 'all');
        break;
      }
      const child = existing ?? new Map<string, ScopeTree>();
      node.set(segment, child);
      node = child;
    }
  }
  if (wholeRoot) return { relativePaths: [''], tree: 'all' };
  const relativePaths: string[] = [];
  const collect = (tree: Map<string, ScopeTree>, prefix: string): void => {
    for (const [name, child] of tree) {
      const relativePath = prefix + name;
      if (child === 'all') relativePaths.push(relativePath);
      else collect(child, `${relativePath}/`);
    }
  };
  collect(root, '');
  relativePaths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { relativePaths, tree: root };
}
