/** FileIntake + ScanResults: journal trust, hashing on both I/O paths, vanished and changed files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { lstat, rm } from 'node:fs/promises';
import path from 'node:path';
import { FileIntake } from '../../src/local/file-intake.js';
import { SMALL_FILE_BYTES } from '../../src/local/hash.js';
import { ScanResults } from '../../src/local/scan-results.js';
import { buildTree, makeTemp, removeTemp } from './fixtures.js';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

test('FileIntake.statFiles', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  const big = Buffer.alloc(SMALL_FILE_BYTES + 1, 3);
  await buildTree(root, { 'small.txt': 'small', 'big.bin': big, 'trusted.txt': 'whatever', 'grows.txt': 'g' });
  const trustedStats = await lstat(path.join(root, 'trusted.txt'));
  const knownHash = (relativePath: string, size: number, mtimeMs: number): string | undefined =>
    relativePath === 'dir/trusted.txt' && size === trustedStats.size && mtimeMs === trustedStats.mtimeMs ? 'f'.repeat(64) : undefined;
  for (const forceAsync of [false, true]) {
    await t.test(forceAsync ? 'thread-pool I/O' : 'inline I/O', async () => {
      const results = new ScanResults(undefined, undefined);
      const afterHashRead = (relativePath: string): void => {
        if (relativePath === 'dir/grows.txt') appendFileSync(path.join(root, 'grows.txt'), 'more');
      };
      const intake = new FileIntake(results, { knownHash, forceAsync, afterHashRead });
      await intake.statFiles(root, 'dir', ['small.txt', 'big.bin', 'trusted.txt', 'grows.txt', 'vanished.txt']);
      await intake.settle();
      const listing = results.toListing(undefined);
      assert.deepEqual(listing.entries.map((entry) => [entry.relativePath, entry.sha256]), [
        ['dir/big.bin', sha256(big)],
        ['dir/small.txt', sha256('small')],
        ['dir/trusted.txt', 'f'.repeat(64)],
      ]);
      assert.deepEqual(listing.errors.map((error) => [error.relativePath, error.code]), [['dir/grows.txt', 'ECHANGED']]);
      assert.deepEqual([listing.stats.filesSeen, listing.stats.filesHashed, listing.stats.bytesHashed], [4, 2, big.length + 5], 'a file that changed mid-read counts as seen, not hashed');
    });
  }
  await t.test('a file deleted after its lstat is simply not listed', async () => {
    const results = new ScanResults(undefined, undefined);
    const intake = new FileIntake(results, {});
    const absolutePath = path.join(root, 'small.txt');
    const stats = await lstat(absolutePath);
    await rm(absolutePath);
    intake.accept('small.txt', absolutePath, stats, false);
    await intake.settle();
    assert.deepEqual([results.entries, results.errors], [[], []]);
  });
});

test('ScanResults.recordError', async (t) => {
  const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: failed`), { code });
  const cases: Array<{ label: string; relativePath: string; error: unknown; errors: number; rootStatus: string; fatal: boolean }> = [
    { label: 'vanished path is dropped', relativePath: 'a', error: errno('ENOENT'), errors: 0, rootStatus: 'ok', fatal: false },
    { label: 'parent replaced by a file is dropped', relativePath: 'a/b', error: errno('ENOTDIR'), errors: 0, rootStatus: 'ok', fatal: false },
    { label: 'permission error is recorded', relativePath: 'a', error: errno('EACCES'), errors: 1, rootStatus: 'ok', fatal: false },
    { label: 'an error on the root makes it unreadable', relativePath: '', error: errno('EIO'), errors: 1, rootStatus: 'unreadable', fatal: false },
    { label: 'a non-filesystem error is fatal', relativePath: 'a', error: new TypeError('bug'), errors: 0, rootStatus: 'ok', fatal: true },
  ];
  for (const testCase of cases) {
    await t.test(testCase.label, () => {
      const results = new ScanResults(undefined, undefined);
      results.recordError(testCase.relativePath, testCase.error);
      assert.deepEqual([results.errors.length, results.rootStatus, results.fatal !== undefined], [testCase.errors, testCase.rootStatus, testCase.fatal]);
    });
  }
});
