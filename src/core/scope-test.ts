/** Which relative paths a scoped pass covers (a watch event's dirty paths, a rename's sources). */

/** Up to this many scope paths are tested one by one; more go in a set. */
const FEW_SCOPE_PATHS = 8;

/**
 * A test for "`relativePath` is one of `scope` or lies under one of its directories". Set
 * lookups of the path and its ancestors: a watch pass checks every journal entry (100,000)
 * against a dirty set of up to thousands of paths.
 */
export const scopeTest = (scope: readonly string[] | undefined): ((relativePath: string) => boolean) => {
  if (scope === undefined || scope.includes('')) return () => true;
  // A few paths (a watch event's): compared by prefix, which fails at the first differing character.
  if (scope.length <= FEW_SCOPE_PATHS) {
    return (relativePath) => scope.some((item) => relativePath.startsWith(item) && (relativePath.length === item.length || relativePath.charCodeAt(item.length) === 0x2f));
  }
  const items = new Set(scope);
  return (relativePath) => {
    if (items.has(relativePath)) return true;
    for (let slash = relativePath.indexOf('/'); slash !== -1; slash = relativePath.indexOf('/', slash + 1)) {
      if (items.has(relativePath.slice(0, slash))) return true;
    }
    return false;
  };
};
