/** ScanOptions.journaled: files the journal saw at their size and mtime are listed by path only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { scanTree, type ScanOptions } from '../../src/local/scanner.js';
import { SMALL_FILE_BYTES } from '../../src/local/hash.js';
import { buildTree, makeTemp, removeTemp } from './fixtures.js';

const modes: { label: string; options: Partial<ScanOptions> }[] = [
  { label: 'inline', options: {} },
  { label: 'thread pool', options: { hooks: { forceAsync: true } } },
  { label: 'stat worker', options: { scanThreads: 1, hooks: { poolAfterFiles: 0 } } },
];

test('journaled: matching files are listed by path (in no set order); the others are hashed as entries', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  await buildTree(root, { 'b.txt': 'changed', 'a.txt': 'same', 'z/d.txt': 'same too', 'z/c.bin': Buffer.alloc(SMALL_FILE_BYTES * 3, 1), 'new.txt': 'new' });
  const remembered = new Map<string, { size: number; mtimeMs: number }>();
  for (const relativePath of ['a.txt', 'z/d.txt', 'z/c.bin']) {
    const stats = await stat(path.join(root, relativePath));
    remembered.set(relativePath, { size: stats.size, mtimeMs: stats.mtimeMs });
  }
  const bStats = await stat(path.join(root, 'b.txt'));
  remembered.set('b.txt', { size: bStats.size + 1, mtimeMs: bStats.mtimeMs });
  const journaled = (relativePath: string, size: number, mtimeMs: number): string | undefined => {
    const known = remembered.get(relativePath);
    return known !== undefined && known.size === size && known.mtimeMs === mtimeMs ? relativePath : undefined;
  };
  for (const mode of modes) {
    await t.test(mode.label, async () => {
      const listing = await scanTree({ root, journaled, ...mode.options });
      assert.deepEqual([...(listing.journaled ?? [])].sort(), ['a.txt', 'z/c.bin', 'z/d.txt']);
      assert.deepEqual(listing.entries.map((entry) => entry.relativePath), ['b.txt', 'new.txt']);
      assert.deepEqual([listing.stats.filesSeen, listing.stats.filesHashed], [5, 2], 'journaled files are not read');
    });
  }
  await t.test('a scoped scan lists the journaled files of its scope only', async () => {
    const listing = await scanTree({ root, journaled, scope: ['z'] });
    assert.deepEqual([...(listing.journaled ?? [])].sort(), ['z/c.bin', 'z/d.txt']);
    assert.deepEqual(listing.entries, []);
  });
  await t.test('without a match there is no journaled field, and knownHash is not asked for journaled files', async () => {
    let asked = 0;
    const none = await scanTree({ root, journaled: () => undefined });
    assert.equal(none.journaled, undefined);
    const listing = await scanTree({ root, journaled, knownHash: () => { asked += 1; return undefined; } });
    assert.equal(listing.journaled?.length, 3);
    assert.equal(asked, 2, 'knownHash only for the files the journal did not vouch for');
  });
  await t.test('a test that throws fails the scan (a bug is not a file error)', async () => {
    await assert.rejects(scanTree({ root, journaled: () => { throw new Error('journal closed'); } }), /journal closed/);
  });
});

test('journaled: a missing root lists nothing, journaled or not', async (t) => {
  const parent = await makeTemp();
  t.after(() => removeTemp(parent));
  const listing = await scanTree({ root: path.join(parent, 'gone'), journaled: (relativePath) => relativePath });
  assert.equal(listing.rootStatus, 'missing');
  assert.equal(listing.journaled, undefined);
  assert.deepEqual(listing.entries, []);
});
