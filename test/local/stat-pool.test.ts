/** StatPool: what a worker reports for each kind of name, and a closed pool. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { StatPool } from '../../src/local/stat-pool.js';
import { STAT_ROW, StatKind } from '../../src/local/stat-rows.js';
import { buildTree, makeTemp, removeTemp } from './fixtures.js';

test('a stat worker reports files with size and mtime, directories as other, vanished names as gone, failures with their code', async (t) => {
  const root = await makeTemp();
  const pool = new StatPool(1);
  t.after(async () => {
    await pool.close();
    await removeTemp(root);
  });
  await buildTree(root, { 'a.txt': 'hello', 'sub/b.txt': 'x' });
  const tooLong = 'n'.repeat(300);
  const names = ['a.txt', 'sub', 'vanished.txt', tooLong, 'a.txt/inside'];
  const reply = await pool.stat(root, path.sep, names);
  const kinds = names.map((_, index) => reply.rows[index * STAT_ROW]);
  assert.deepEqual(kinds, [StatKind.File, StatKind.Other, StatKind.Gone, StatKind.Failed, StatKind.Failed]);
  assert.equal(reply.rows[1], 5);
  assert.ok((reply.rows[2] as number) > 0);
  assert.deepEqual(reply.failures.map((failure) => [names[failure.index], failure.code]), [[tooLong, 'ENAMETOOLONG'], ['a.txt/inside', 'ENOTDIR']]);
  assert.equal(pool.leastQueued(), 0);
});

test('a closed pool refuses new batches, so the scan stats inline', async () => {
  const pool = new StatPool(1);
  await pool.close();
  await assert.rejects(pool.stat('/', path.sep, ['x']), /closed/);
});
