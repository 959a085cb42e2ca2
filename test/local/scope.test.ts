/** normaliseScope: path clean-up, the scope tree, and paths that would leave the root. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normaliseScope, type ScopeTree } from '../../src/local/scope.js';
import { LumenSyncError } from '../../src/errors.js';

/** The tree as plain nested objects, easier to compare. */
const plain = (tree: ScopeTree): unknown => (tree === 'all' ? 'all' : Object.fromEntries([...tree].map(([name, child]) => [name, plain(child)])));

test('normaliseScope', async (t) => {
  const cases: Array<{ label: string; input: string[]; relativePaths: string[]; tree: unknown }> = [
    { label: 'nothing dirty scans nothing', input: [], relativePaths: [], tree: {} },
    { label: 'dot segments, doubled and trailing slashes', input: ['./a//b/', 'c/./d'], relativePaths: ['a/b', 'c/d'], tree: { a: { b: 'all' }, c: { d: 'all' } } },
    { label: 'a directory swallows paths inside it, in either order', input: ['a/b/c', 'a', 'x/y', 'x/y/z'], relativePaths: ['a', 'x/y'], tree: { a: 'all', x: { y: 'all' } } },
    { label: 'the root swallows everything', input: ['a', '.', 'b/c'], relativePaths: [''], tree: 'all' },
    { label: 'duplicates collapse; output sorted by code units', input: ['é', 'b', 'B', 'b'], relativePaths: ['B', 'b', 'é'], tree: { é: 'all', b: 'all', B: 'all' } },
    { label: 'names with spaces and newlines pass through', input: ['a b/c\nd'], relativePaths: ['a b/c\nd'], tree: { 'a b': { 'c\nd': 'all' } } },
  ];
  for (const testCase of cases) {
    await t.test(testCase.label, () => {
      const scope = normaliseScope(testCase.input);
      assert.deepEqual(scope.relativePaths, testCase.relativePaths);
      assert.deepEqual(plain(scope.tree), testCase.tree);
    });
  }
  for (const bad of ['../x', 'a/../../b', '/etc/passwd', 'a\\b', 'nul\0byte']) {
    await t.test(`rejects ${JSON.stringify(bad)}`, () => {
      assert.throws(() => normaliseScope([bad]), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_USAGE');
    });
  }
});
