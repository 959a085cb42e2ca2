import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeListings } from '../../src/sync/engine.js';
import type { LocalListing } from '../../src/core/types.js';

const listing = (paths: string[], journaled: string[] | undefined, scope: string[]): LocalListing => ({
  rootStatus: 'ok', entries: paths.map((relativePath) => ({ relativePath, sha256: 'a'.repeat(64), size: 1, mtimeMs: 1 })), errors: [], scope,
  ...(journaled ? { journaled } : {}), stats: { filesSeen: paths.length + (journaled?.length ?? 0), filesHashed: paths.length, bytesHashed: 0, ignored: 0, durationMs: 1 },
});

test('mergeListings: entries and journaled paths of two scoped scans, each sorted', () => {
  const merged = mergeListings(listing(['d/b', 'd/z'], ['d/a', 'd/c'], ['d']), listing(['c/m'], ['a/x', 'e/y'], ['a/x', 'c', 'e/y']));
  assert.deepEqual(merged.entries.map((entry) => entry.relativePath), ['c/m', 'd/b', 'd/z']);
  assert.deepEqual(merged.journaled, ['a/x', 'd/a', 'd/c', 'e/y']);
  assert.deepEqual(merged.scope, ['d', 'a/x', 'c', 'e/y']);
  assert.equal(merged.stats.filesSeen, 7);
  assert.equal(mergeListings(listing(['a'], undefined, ['a']), listing(['b'], undefined, ['b'])).journaled, undefined);
});
