/** A walk begun ahead of its scan (scan-prefetch.ts, walk-takeover.ts, subtree-walk.ts): same listing, both threads walking, failures never shrink it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scanTree, type ScanOptions } from '../../src/local/scanner.js';
import { ScanPrefetch } from '../../src/local/scan-prefetch.js';
import { hashRows, statRows, SubtreeWalk } from '../../src/local/subtree-walk.js';
import { SMALL_FILE_BYTES } from '../../src/local/hash.js';
import { IgnoreRules } from '../../src/local/ignore.js';
import { LumenSyncError } from '../../src/errors.js';
import type { LocalListing } from '../../src/core/types.js';
import { buildTree, makeTemp, removeTemp, type TreeSpec } from './fixtures.js';

/** 120 folders of 3 files, two levels deep, with ignore files and ignored names on the way. */
function wideTree(): TreeSpec {
  const tree: TreeSpec = { '.lumenignore': '*.tmp\n', 'top.txt': 'top', 'skip.tmp': 'x', 'node_modules/x.js': 'x' };
  for (let folder = 0; folder < 40; folder++) {
    for (let sub = 0; sub < 3; sub++) {
      const base = `f${folder}/s${sub}`;
      tree[`${base}/a.txt`] = `${base} a`;
      tree[`${base}/b.log`] = `${base} b`;
      tree[`${base}/c.tmp`] = `${base} c`;
    }
    if (folder % 10 === 0) tree[`f${folder}/.lumenignore`] = '*.log\n';
  }
  return tree;
}

const summary = (listing: LocalListing): unknown => ({
  entries: listing.entries.map((entry) => [entry.relativePath, entry.sha256, entry.size]),
  journaled: [...(listing.journaled ?? [])].sort(),
  errors: listing.errors.map((error) => [error.relativePath, error.code]),
  ignored: listing.stats.ignored,
  filesSeen: listing.stats.filesSeen,
  rootStatus: listing.rootStatus,
});

async function withTree(tree: TreeSpec, run: (root: string) => Promise<void>): Promise<void> {
  const root = await makeTemp();
  try {
    await buildTree(root, tree);
    await run(root);
  } finally {
    await removeTemp(root);
  }
}

test('a scan taking a walk over lists what a scan on its own lists, both threads walking', async () => {
  await withTree(wideTree(), async (root) => {
    const options: Partial<ScanOptions> = { ignore: ['/top.txt'] };
    // Files "found as journaled" for half of them: the listing splits them the same way.
    const journaled = (relativePath: string): string | undefined => (relativePath.endsWith('a.txt') && relativePath.includes('/s1/') ? relativePath : undefined);
    const alone = await scanTree({ root, ...options, scanThreads: 0, journaled });
    assert.ok(alone.entries.length > 40 && (alone.journaled?.length ?? 0) === 40);
    for (let round = 0; round < 3; round++) {
      // Kept one entry ahead, the worker waits for the scan, which then walks directories of its own.
      const prefetch = ScanPrefetch.start({ root, ignore: options.ignore ?? [], threads: 1, queueLimit: 1 }) as ScanPrefetch;
      const listing = await scanTree({ root, ...options, scanThreads: 1, journaled, prefetch });
      assert.deepEqual(summary(listing), summary(alone));
      assert.ok(prefetch.directoriesWalked.worker > 0, 'the worker walked');
      assert.ok(prefetch.directoriesWalked.main > 0, 'the main thread walked');
      assert.equal(prefetch.directoriesWalked.worker + prefetch.directoriesWalked.main, 1 + 40 + 120 - 0, 'every directory once (node_modules is ignored)');
    }
  });
});

test('a walk that ran ahead to its end is taken in whole', async () => {
  await withTree(wideTree(), async (root) => {
    const alone = await scanTree({ root, scanThreads: 0 });
    const prefetch = ScanPrefetch.start({ root, threads: 1 }) as ScanPrefetch;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const listing = await scanTree({ root, scanThreads: 1, prefetch });
    assert.deepEqual(summary(listing), summary(alone));
    assert.equal(prefetch.directoriesWalked.main, 0);
  });
});

test('a walk whose worker died fails the scan: a listing missing its directories would delete their files remotely', async () => {
  await withTree(wideTree(), async (root) => {
    const prefetch = ScanPrefetch.start({ root, threads: 1, queueLimit: 1 }) as ScanPrefetch;
    await prefetch.pool.close(); // what a crashed worker looks like from the main thread
    await assert.rejects(scanTree({ root, scanThreads: 1, prefetch }), (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_LOCAL_IO' && /walking thread stopped/.test(error.message));
  });
});

test('a walk that does not fit the scan (scoped, other ignore patterns, following symlinks) is closed, and the scan walks on its own', async () => {
  await withTree(wideTree(), async (root) => {
    const misfits: Partial<ScanOptions>[] = [{ scope: ['f1'] }, { ignore: ['*.txt'] }, { followSymlinks: true }, { root: path.join(root, 'f2') }];
    for (const misfit of misfits) {
      const prefetch = ScanPrefetch.start({ root, threads: 1 }) as ScanPrefetch;
      const options = { root, scanThreads: 0, ...misfit };
      const listing = await scanTree({ ...options, prefetch });
      assert.deepEqual(summary(listing), summary(await scanTree(options)), JSON.stringify(misfit));
      assert.equal(prefetch.directoriesWalked.worker + prefetch.directoriesWalked.main, 0, JSON.stringify(misfit));
    }
  });
});

test('an aborted scan stops taking the walk over and rejects as aborted', async () => {
  await withTree(wideTree(), async (root) => {
    const prefetch = ScanPrefetch.start({ root, threads: 1, queueLimit: 1 }) as ScanPrefetch;
    const controller = new AbortController();
    const scan = scanTree({ root, scanThreads: 1, prefetch, signal: controller.signal, onProgress: () => controller.abort() });
    controller.abort();
    await assert.rejects(scan, (error: unknown) => error instanceof LumenSyncError && error.code === 'LUMENSYNC_ABORTED');
  });
});

test('directories handed to the other thread keep the ignore rules of the .lumenignore above them', async () => {
  await withTree({ 'sub/.lumenignore': '*.log\n', 'sub/d1/x.log': 'x', 'sub/d1/y.txt': 'y', 'sub/d2/z.log': 'z', 'sub/d2/w.txt': 'w' }, async (root) => {
    const rootRules = IgnoreRules.forRoot([]);
    const first = new SubtreeWalk(rootRules);
    first.take([{ absolutePath: root, relativePath: '', rulesId: 0 }], []);
    assert.deepEqual(first.next()?.names, []); // the root: one subdirectory
    assert.deepEqual(first.next()?.relativePath, 'sub');
    const handed = first.giveAway(10);
    assert.equal(handed.frames.length, 1);
    assert.equal(handed.rules.length, 1, "the .lumenignore's rules travel with the frame");
    const second = new SubtreeWalk(rootRules);
    second.take(handed.frames, handed.rules);
    const walked = second.next();
    assert.ok(walked !== undefined);
    assert.equal(walked.names.length, 1);
    assert.ok(walked.names[0]?.endsWith('.txt'));
    assert.equal(walked.ignored, 1);
    assert.equal(second.next(), undefined);
    assert.equal(first.pending, 1);
  });
});

test('on a slow disk the walk goes back to the scanner, which overlaps many calls, and lists the same', async () => {
  await withTree(wideTree(), async (root) => {
    const alone = await scanTree({ root, scanThreads: 0 });
    const prefetch = ScanPrefetch.start({ root, threads: 1, queueLimit: 1 }) as ScanPrefetch;
    // forceAsync: what the scan switches to once synchronous calls measure slow (a network share).
    const listing = await scanTree({ root, scanThreads: 1, prefetch, hooks: { forceAsync: true } });
    assert.deepEqual(summary(listing), summary(alone));
    assert.equal(prefetch.directoriesWalked.main, 0, 'no directory walked synchronously on the main thread');
  });
});

test('a walk asked to hash (a first sync) lists the same hashes; those it made ahead are not made again', async () => {
  await withTree(wideTree(), async (root) => {
    const alone = await scanTree({ root, scanThreads: 0 });
    const hashing = ScanPrefetch.start({ root, threads: 1 }) as ScanPrefetch;
    hashing.hashFiles();
    await new Promise((resolve) => setTimeout(resolve, 300)); // ahead to its end, as while a session resolves the remote
    let readHere = 0;
    const listing = await scanTree({ root, scanThreads: 1, prefetch: hashing, hooks: { afterHashRead: () => readHere++ } });
    assert.deepEqual(summary(listing), summary(alone));
    assert.equal(hashing.filesHashedAhead, alone.entries.length, 'every file hashed by the worker');
    assert.equal(readHere, 0, 'none read again on the main thread');
    assert.equal(listing.stats.filesHashed, alone.stats.filesHashed, 'counted as hashed, as the scan on its own counts them');
    // Not asked: the worker only stats.
    const plain = ScanPrefetch.start({ root, threads: 1 }) as ScanPrefetch;
    assert.deepEqual(summary(await scanTree({ root, scanThreads: 1, prefetch: plain })), summary(alone));
    assert.equal(plain.filesHashedAhead, 0);
    // Kept one directory ahead, both threads walk and hash: still the same listing.
    const sharing = ScanPrefetch.start({ root, threads: 1, queueLimit: 1 }) as ScanPrefetch;
    sharing.hashFiles();
    readHere = 0;
    assert.deepEqual(summary(await scanTree({ root, scanThreads: 1, prefetch: sharing, hooks: { afterHashRead: () => readHere++ } })), summary(alone));
    assert.ok(readHere > 0 && sharing.filesHashedAhead > 0, `both threads hashed (worker: ${sharing.filesHashedAhead} files, main: ${readHere})`);
    assert.equal(readHere + sharing.filesHashedAhead, alone.entries.length, 'each file once');
  });
});

test('a walking worker hashes only small files read as their row describes them', async () => {
  await withTree({ 'kept.txt': 'kept', 'big.bin': 'x'.repeat(SMALL_FILE_BYTES + 1), 'touched.txt': 'before', 'gone.txt': 'gone', 'grown.txt': 'short' }, async (root) => {
    const names = ['big.bin', 'gone.txt', 'grown.txt', 'kept.txt', 'touched.txt'];
    const { rows } = statRows(root, path.sep, names);
    // After the lstat, before the read: one file removed, one rewritten longer, one touched to another mtime.
    await rm(path.join(root, 'gone.txt'));
    await writeFile(path.join(root, 'grown.txt'), 'much longer now');
    await utimes(path.join(root, 'touched.txt'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const hashes = hashRows(root, path.sep, names, rows);
    assert.deepEqual(hashes, [undefined, undefined, undefined, createHash('sha256').update('kept').digest('hex'), undefined]);
  });
});
