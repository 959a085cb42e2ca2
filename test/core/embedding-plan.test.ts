import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planEmbeddings } from '../../src/core/embedding-plan.js';

test('planEmbeddings: batches come out sorted whatever the order of the kept docpaths, and the kept set is consumed', () => {
  const kept = new Set(['o/f/c', 'o/f/a', 'o/f/e', 'o/f/b', 'o/f/d']);
  const actions = planEmbeddings({
    kept, embeddings: { ws: ['o/f/b'], old: ['o/f/e', 'o/f/a', 'o/f/x'] }, workspaces: ['ws'], previousWorkspaces: ['ws', 'old'], batchSize: 2,
  });
  assert.deepEqual(actions, [
    { kind: 'embed', workspaceSlug: 'ws', docpaths: ['o/f/a', 'o/f/c'] },
    { kind: 'embed', workspaceSlug: 'ws', docpaths: ['o/f/d', 'o/f/e'] },
    { kind: 'unembed', workspaceSlug: 'old', docpaths: ['o/f/a', 'o/f/e'] },
  ]);
  assert.equal(kept.size, 0, 'consumed');
  const unread = new Set(['o/f/a']);
  assert.deepEqual(planEmbeddings({ kept: unread, embeddings: undefined, workspaces: ['ws'], previousWorkspaces: [], batchSize: 2 }), []);
  assert.equal(unread.size, 0);
});

test('planEmbeddings: each wanted workspace gets what it lacks, duplicates in a listing count once, unread workspaces are skipped', () => {
  const kept = new Set(['o/f/a', 'o/f/b', 'o/f/c']);
  const actions = planEmbeddings({
    kept,
    // The server may list one embedding twice (contract §13): still one document, not a missing one elsewhere.
    embeddings: { one: ['o/f/a', 'o/f/a', 'o/f/z'], two: ['o/f/b', 'o/f/c'], gone: ['o/f/c', 'o/f/c', 'o/f/q'] },
    workspaces: ['one', 'two', 'unread'], previousWorkspaces: ['gone', 'gone', 'one'], batchSize: 10,
  });
  assert.deepEqual(actions, [
    { kind: 'embed', workspaceSlug: 'one', docpaths: ['o/f/b', 'o/f/c'] },
    { kind: 'embed', workspaceSlug: 'two', docpaths: ['o/f/a'] },
    { kind: 'unembed', workspaceSlug: 'gone', docpaths: ['o/f/c'] },
  ]);
  assert.equal(kept.size, 0);
});

test('planEmbeddings: no drift plans nothing', () => {
  const kept = new Set(['o/f/a', 'o/f/b']);
  assert.deepEqual(planEmbeddings({ kept, embeddings: { ws: ['o/f/b', 'o/f/a'] }, workspaces: ['ws'], previousWorkspaces: ['ws'], batchSize: 5 }), []);
});
