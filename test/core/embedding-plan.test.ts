import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planEmbeddings } from '../../src/core/embedding-plan.js';

test('planEmbeddings: batches come out sorted whatever the order of the kept docpaths', () => {
  const kept = ['o/f/c', 'o/f/a', 'o/f/e', 'o/f/b', 'o/f/d'];
  const actions = planEmbeddings({
    keptDocpaths: kept, embeddings: { ws: ['o/f/b'], old: ['o/f/e', 'o/f/a', 'o/f/x'] }, workspaces: ['ws'], previousWorkspaces: ['ws', 'old'], batchSize: 2,
  });
  assert.deepEqual(actions, [
    { kind: 'embed', workspaceSlug: 'ws', docpaths: ['o/f/a', 'o/f/c'] },
    { kind: 'embed', workspaceSlug: 'ws', docpaths: ['o/f/d', 'o/f/e'] },
    { kind: 'unembed', workspaceSlug: 'old', docpaths: ['o/f/a', 'o/f/e'] },
  ]);
  assert.deepEqual(kept, ['o/f/c', 'o/f/a', 'o/f/e', 'o/f/b', 'o/f/d'], 'the input is left as it was');
  assert.deepEqual(planEmbeddings({ keptDocpaths: kept, embeddings: undefined, workspaces: ['ws'], previousWorkspaces: [], batchSize: 2 }), []);
});
