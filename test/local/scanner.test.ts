/** scanTree: ignore rules, symlinks, errors, root health, journal trust, change detection, names, scope, order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { chmod, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scanTree, type ScanOptions } from '../../src/local/scanner.js';
import { ScanPrefetch } from '../../src/local/scan-prefetch.js';
import { EMPTY_SHA256, SMALL_FILE_BYTES } from '../../src/local/hash.js';
import { LumenSyncError } from '../../src/errors.js';
import type { LocalListing } from '../../src/core/types.js';
import { buildTree, makeTemp, removeTemp, runningAsRoot, type TreeSpec } from './fixtures.js';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const paths = (listing: LocalListing): string[] => listing.entries.map((entry) => entry.relativePath);
const errorCodes = (listing: LocalListing): Array<[string, string]> => listing.errors.map((error) => [error.relativePath, error.code]);

interface ScanCase {
  label: string;
  tree: TreeSpec;
  /** Extra setup with the root path (symlinks to absolute paths, modes, mtimes). */
  setup?: (root: string, outside: string) => Promise<void>;
  options?: (root: string) => Partial<ScanOptions>;
  expectPaths?: string[];
  expectErrors?: Array<[string, string]>;
  expectIgnored?: number;
  check?: (listing: LocalListing, root: string) => void | Promise<void>;
}

const scanCases: ScanCase[] = [
  {
    label: 'built-in defaults: VCS, dependencies, OS litter, editor temp files, the ignore file',
    tree: {
      '.git/config': 'x', '.git/objects/ab/cd': 'x', 'node_modules/pkg/index.js': 'x', '.DS_Store': 'x', 'sub/Thumbs.db': 'x',
      'doc.txt.swp': 'x', 'doc.txt.swo': 'x', 'doc.txt~': 'x', '~$report.docx': 'x', '.#doc.txt': 'x', 'keep.txt': 'kept', 'sub/real.md': 'y',
    },
    expectPaths: ['keep.txt', 'sub/real.md'],
    expectIgnored: 9,
  },
  {
    label: 'nested .lumenignore with negation, scoped to its directory',
    tree: {
      '.lumenignore': '*.log\n!important.log\n',
      'a.log': '1', 'important.log': '2', 'sub/.lumenignore': '!debug.log\nsecret/\n', 'sub/debug.log': '3', 'sub/other.log': '4',
      'sub/secret/x.txt': '5', 'other/secret/y.txt': '6',
    },
    expectPaths: ['important.log', 'other/secret/y.txt', 'sub/debug.log'],
    expectIgnored: 5, // two .lumenignore files, a.log, sub/other.log, sub/secret/
  },
  {
    label: '--ignore patterns, and a directory re-included by a deeper .lumenignore',
    tree: { 'build/out.js': 'x', 'src/build/x.js': 'x', 'a.tmp': 'x', 'top-only.txt': 'x', 'src/top-only.txt': 'x', 'docs/.lumenignore': '!build/\n', 'docs/build/page.md': 'x' },
    options: () => ({ ignore: ['build/', '*.tmp', '/top-only.txt'] }),
    expectPaths: ['docs/build/page.md', 'src/top-only.txt'],
  },
  {
    label: 'symlinks are skipped by default and counted as ignored',
    tree: { 'target.txt': 't', 'dir/inner.txt': 'i', 'link.txt': { symlink: 'target.txt' }, 'dirlink': { symlink: 'dir' }, 'dangling': { symlink: 'nowhere' } },
    expectPaths: ['dir/inner.txt', 'target.txt'],
    expectIgnored: 3,
  },
  {
    label: 'followSymlinks: links inside the root are followed, with the target content',
    tree: { 'target.txt': 'same bytes', 'dir/inner.txt': 'i', 'link.txt': { symlink: 'target.txt' }, 'a/dirlink': { symlink: '../dir' } },
    options: () => ({ followSymlinks: true }),
    expectPaths: ['a/dirlink/inner.txt', 'dir/inner.txt', 'link.txt', 'target.txt'],
    expectErrors: [],
    check: (listing) => assert.equal(listing.entries.find((entry) => entry.relativePath === 'link.txt')?.sha256, sha256('same bytes')),
  },
  {
    label: 'followSymlinks: loops, escapes and dangling links are errors, never followed',
    tree: { 'ok.txt': 'ok', 'a/b/up': { symlink: '..' }, 'a/root': { symlink: '..' }, 'a/parent-of-root': { symlink: '../..' }, 'self': { symlink: 'self' }, 'dangling': { symlink: 'missing' } },
    setup: async (root, outside) => {
      await writeFile(path.join(outside, 'secret.txt'), 'outside');
      await buildTree(root, { 'escape': { symlink: outside }, 'escape-file': { symlink: path.join(outside, 'secret.txt') } });
    },
    options: () => ({ followSymlinks: true }),
    expectPaths: ['ok.txt'],
    expectErrors: [['a/b/up', 'ELOOP'], ['a/parent-of-root', 'EOUTSIDE'], ['a/root', 'ELOOP'], ['dangling', 'ENOENT'], ['escape', 'EOUTSIDE'], ['escape-file', 'EOUTSIDE'], ['self', 'ELOOP']],
  },
  {
    label: 'FIFOs and other non-regular files are skipped without blocking',
    tree: { 'pipe': { fifo: true }, 'sub/pipe2': { fifo: true }, 'file.txt': 'f' },
    expectPaths: ['file.txt'],
    expectIgnored: 2,
  },
  {
    label: 'a FIFO named .lumenignore neither blocks nor hides anything',
    tree: { '.lumenignore': { fifo: true }, 'file.txt': 'f' },
    expectPaths: ['file.txt'],
  },
  {
    label: 'unreadable file and directory are errors; the scan goes on',
    tree: { 'locked.txt': 'secret', 'locked-dir/inner.txt': 'x', 'fine.txt': 'fine' },
    setup: async (root) => {
      await chmod(path.join(root, 'locked.txt'), 0o000);
      await chmod(path.join(root, 'locked-dir'), 0o000);
    },
    check: (listing) => {
      assert.ok(paths(listing).includes('fine.txt'));
      // Root ignores permission bits: there both files read fine, which proves only that the scan goes on.
      if (runningAsRoot()) return;
      assert.deepEqual(paths(listing), ['fine.txt']);
      assert.deepEqual(errorCodes(listing), [['locked-dir', 'EACCES'], ['locked.txt', 'EACCES']]);
    },
  },
  {
    label: 'a name that is not valid UTF-8 is an error entry, not a mangled path',
    tree: { 'good.txt': 'g' },
    setup: async (root) => {
      await writeFile(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.txt')]), 'b');
      await writeFile(path.join(root, 'real-\uFFFD.txt'), 'valid UTF-8 replacement character');
    },
    expectPaths: ['good.txt', 'real-\uFFFD.txt'],
    expectErrors: [['bad-\uFFFD\uFFFD.txt', 'EILSEQ']],
  },
  {
    label: 'names are kept as given: unicode, NFC/NFD twins, emoji, spaces, quotes, newlines',
    tree: {
      'caf\u00e9.txt': 'nfc', 'cafe\u0301.txt': 'nfd', '😀 emoji.md': 'e', ' spaced  name .txt': 's', 'quote"s and \'apos\'.txt': 'q',
      'line\nbreak.txt': 'n', 'dir with space/ünïcödé/日本語.txt': 'j',
    },
    check: (listing) => {
      assert.deepEqual(new Set(paths(listing)), new Set([
        'caf\u00e9.txt', 'cafe\u0301.txt', '😀 emoji.md', ' spaced  name .txt', 'quote"s and \'apos\'.txt', 'line\nbreak.txt', 'dir with space/ünïcödé/日本語.txt',
      ]));
      assert.equal(listing.entries.find((entry) => entry.relativePath === 'line\nbreak.txt')?.sha256, sha256('n'));
    },
  },
  {
    label: 'entries are sorted by UTF-16 code units, directories in place',
    tree: { 'a/b': '1', 'a.txt': '2', 'a0': '3', 'B': '4', 'é': '5', 'Z': '6', '😀': '7', '\uFF5E': '8', 'a/a': '9' },
    expectPaths: ['B', 'Z', 'a.txt', 'a/a', 'a/b', 'a0', 'é', '\uD83D\uDE00', '\uFF5E'],
  },
  {
    label: 'zero-byte files are entries with the empty hash',
    tree: { 'empty': '', 'sub/also-empty.txt': '' },
    check: (listing) => assert.deepEqual(listing.entries.map((entry) => [entry.relativePath, entry.size, entry.sha256]), [['empty', 0, EMPTY_SHA256], ['sub/also-empty.txt', 0, EMPTY_SHA256]]),
  },
  {
    label: 'an empty root is ok and lists nothing',
    tree: {},
    check: (listing) => assert.deepEqual([listing.rootStatus, listing.entries, listing.errors], ['ok', [], []]),
  },
  {
    label: 'scope limits the scan to the named files and directories',
    tree: { 'a/1.txt': '1', 'a/2.txt': '2', 'b/c/3.txt': '3', 'd/4.txt': '4', 'top.txt': 't', 'node_modules/x.js': 'x', 'e/.lumenignore': '*.log\n', 'e/f/x.log': 'l' },
    options: () => ({ scope: ['./a/1.txt', 'b/', 'missing/file.txt', 'top.txt/nothing', 'node_modules/x.js', 'e/f/x.log'] }),
    expectPaths: ['a/1.txt', 'b/c/3.txt'],
    expectErrors: [],
    check: (listing) => assert.deepEqual(listing.scope, ['a/1.txt', 'b', 'e/f/x.log', 'missing/file.txt', 'node_modules/x.js', 'top.txt/nothing']),
  },
  {
    label: 'a scope naming the root scans everything',
    tree: { 'a.txt': 'a', 'b/c.txt': 'c' },
    options: () => ({ scope: ['.', 'b'] }),
    expectPaths: ['a.txt', 'b/c.txt'],
  },
];

/**
 * Run every case three ways: inline I/O (fast local disk), thread-pool I/O (what a slow disk
 * switches to), and stat workers from the first directory (what a big scan switches to).
 */
let workerBatches = 0;
const ioModes: Array<{ label: string; options: Partial<ScanOptions> | ((root: string, caseOptions: Partial<ScanOptions>) => Partial<ScanOptions>) }> = [
  { label: 'inline', options: { scanThreads: 0 } },
  { label: 'thread-pool', options: { scanThreads: 0, hooks: { forceAsync: true } } },
  { label: 'stat-worker', options: { scanThreads: 1, hooks: { poolAfterFiles: 0, onWorkerBatch: () => { workerBatches++; } } } },
  // A walk begun ahead (what `sync` starts while its journal is read), its worker kept one entry ahead so both threads walk.
  { label: 'prefetch', options: (root, caseOptions) => ({ scanThreads: 1, prefetch: ScanPrefetch.start({ root, ignore: caseOptions.ignore ?? [], threads: 1, queueLimit: 1 }) as ScanPrefetch }) },
];
for (const mode of ioModes) {
  test(`scanTree cases (${mode.label} I/O)`, async (t) => {
    for (const scanCase of scanCases) {
      await t.test(scanCase.label, async () => {
        workerBatches = 0;
        const root = await makeTemp();
        const outside = await makeTemp();
        try {
          await buildTree(root, scanCase.tree);
          await scanCase.setup?.(root, outside);
          const caseOptions = scanCase.options?.(root) ?? {};
          const modeOptions = typeof mode.options === 'function' ? mode.options(root, caseOptions) : mode.options;
          const listing = await scanTree({ root, ...modeOptions, ...caseOptions });
          assert.equal(listing.rootStatus, 'ok');
          if (scanCase.expectPaths) assert.deepEqual(paths(listing), scanCase.expectPaths);
          if (scanCase.expectErrors) assert.deepEqual(errorCodes(listing), scanCase.expectErrors);
          if (scanCase.expectIgnored !== undefined) assert.equal(listing.stats.ignored, scanCase.expectIgnored);
          for (const entry of listing.entries) assert.match(entry.sha256, /^[0-9a-f]{64}$/);
          await scanCase.check?.(listing, root);
          // The stat workers really did the stats of a full scan (a worker that failed to start would fall back silently).
          const fullScan = scanCase.options?.(root).scope === undefined && listing.entries.length > 0;
          if (mode.label === 'stat-worker' && fullScan) assert.ok(workerBatches > 0, 'no batch went through a stat worker');
          // A walk ahead serves only a full scan that follows no symlinks; the others close it and walk on their own.
          const prefetch = modeOptions.prefetch;
          if (prefetch !== undefined && caseOptions.scope === undefined && caseOptions.followSymlinks !== true) {
            assert.ok(prefetch.directoriesWalked.worker > 0, 'the scan took in no directory the worker walked');
          }
        } finally {
          await removeTemp(root);
          await removeTemp(outside);
        }
      });
    }
  });
}

test('root health: missing, not a directory, unreadable — no entries, no throw', async (t) => {
  const temp = await makeTemp();
  t.after(() => removeTemp(temp));
  await buildTree(temp, { 'file.txt': 'x', 'locked/inner.txt': 'x', 'link-to-missing': { symlink: 'gone' } });
  const cases: Array<{ label: string; root: string; status: LocalListing['rootStatus']; scope?: string[]; skip?: boolean }> = [
    { label: 'missing', root: path.join(temp, 'does-not-exist'), status: 'missing' },
    { label: 'missing, scoped', root: path.join(temp, 'does-not-exist'), status: 'missing', scope: ['a'] },
    { label: 'under a file', root: path.join(temp, 'file.txt', 'x'), status: 'missing' },
    { label: 'a symlink to nothing', root: path.join(temp, 'link-to-missing'), status: 'missing' },
    { label: 'a file', root: path.join(temp, 'file.txt'), status: 'not-directory' },
    { label: 'unreadable', root: path.join(temp, 'locked'), status: 'unreadable', skip: runningAsRoot() },
    { label: 'unreadable, scoped', root: path.join(temp, 'locked'), status: 'unreadable', scope: ['inner.txt'], skip: runningAsRoot() },
  ];
  await chmod(path.join(temp, 'locked'), 0o000);
  for (const testCase of cases) {
    // Root reads every directory: the 'unreadable' rows are asserted only as a normal user.
    if (testCase.skip) continue;
    await t.test(testCase.label, async () => {
      const listing = await scanTree({ root: testCase.root, scope: testCase.scope });
      assert.equal(listing.rootStatus, testCase.status);
      assert.deepEqual(listing.entries, []);
      assert.equal(listing.errors.length, 1);
      assert.equal(listing.errors[0]?.relativePath, '');
    });
  }
});

/** A knownHash over remembered entries: their hash when size and mtime match. */
const knownHashOf = (known: ReadonlyMap<string, { size: number; mtimeMs: number; sha256: string }>) =>
  (relativePath: string, size: number, mtimeMs: number): string | undefined => {
    const entry = known.get(relativePath);
    return entry !== undefined && entry.size === size && entry.mtimeMs === mtimeMs ? entry.sha256 : undefined;
  };

test('knownHash: trusted when size and mtime match, re-hashed otherwise', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  await buildTree(root, { 'note.txt': 'new content', 'big.bin': Buffer.alloc(SMALL_FILE_BYTES * 3, 7) });
  const noteStats = await stat(path.join(root, 'note.txt'));
  const bigStats = await stat(path.join(root, 'big.bin'));
  const cases: Array<{ label: string; known: { size: number; mtimeMs: number; sha256: string }; expectSha: string; hashed: number }> = [
    // The cached hash deliberately matches no content: seeing it back proves the file was not read.
    { label: 'size and mtime match: cached hash kept, file not read', known: { size: noteStats.size, mtimeMs: noteStats.mtimeMs, sha256: 'c'.repeat(64) }, expectSha: 'c'.repeat(64), hashed: 0 },
    { label: 'size differs: re-hashed', known: { size: noteStats.size + 1, mtimeMs: noteStats.mtimeMs, sha256: 'c'.repeat(64) }, expectSha: sha256('new content'), hashed: 1 },
    { label: 'mtime differs: re-hashed', known: { size: noteStats.size, mtimeMs: noteStats.mtimeMs - 1000, sha256: 'c'.repeat(64) }, expectSha: sha256('new content'), hashed: 1 },
  ];
  for (const forceAsync of [false, true]) {
    for (const testCase of cases) {
      await t.test(`${testCase.label} (${forceAsync ? 'thread pool' : 'inline'})`, async () => {
        const known = new Map([['note.txt', testCase.known], ['big.bin', { size: bigStats.size, mtimeMs: bigStats.mtimeMs, sha256: 'b'.repeat(64) }]]);
        const listing = await scanTree({ root, knownHash: knownHashOf(known), hooks: { forceAsync } });
        assert.equal(listing.entries.find((entry) => entry.relativePath === 'note.txt')?.sha256, testCase.expectSha);
        assert.equal(listing.entries.find((entry) => entry.relativePath === 'big.bin')?.sha256, 'b'.repeat(64));
        assert.deepEqual([listing.stats.filesSeen, listing.stats.filesHashed], [2, testCase.hashed]);
      });
    }
  }
  await t.test('touching a file (new mtime, same size) triggers a re-hash', async () => {
    const before = await scanTree({ root });
    await utimes(path.join(root, 'note.txt'), new Date(), new Date(Date.now() + 5000));
    const known = new Map(before.entries.map((entry) => [entry.relativePath, entry]));
    const after = await scanTree({ root, knownHash: knownHashOf(known) });
    assert.equal(after.stats.filesHashed, 1);
    assert.deepEqual(after.entries.map((entry) => entry.sha256), before.entries.map((entry) => entry.sha256));
  });
});

test('a file that changes while being hashed is ECHANGED and not listed', async (t) => {
  const cases = [
    { label: 'small file, inline', size: 10, forceAsync: false },
    { label: 'small file, thread pool', size: 10, forceAsync: true },
    { label: 'large file, thread pool', size: SMALL_FILE_BYTES * 20, forceAsync: false },
  ];
  for (const testCase of cases) {
    await t.test(testCase.label, async () => {
      const root = await makeTemp();
      try {
        await buildTree(root, { 'growing.log': Buffer.alloc(testCase.size, 1), 'steady.txt': 's' });
        const afterHashRead = (relativePath: string): void => {
          if (relativePath === 'growing.log') appendFileSync(path.join(root, 'growing.log'), 'appended while hashing');
        };
        const listing = await scanTree({ root, hooks: { afterHashRead, forceAsync: testCase.forceAsync } });
        assert.deepEqual(paths(listing), ['steady.txt']);
        assert.deepEqual(errorCodes(listing), [['growing.log', 'ECHANGED']]);
        assert.match(listing.errors[0]?.message ?? '', /changed while being read/);
      } finally {
        await removeTemp(root);
      }
    });
  }
});

test('the scan never writes into the root', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  await buildTree(root, { 'a.txt': 'a', 'sub/b.txt': 'b', 'sub/.lumenignore': '*.tmp\n', 'sub/c.tmp': 'c' });
  const snapshot = async (): Promise<string> => {
    const names = await readdir(root, { recursive: true });
    const described = await Promise.all(names.sort().map(async (name) => {
      const info = await stat(path.join(root, name));
      return `${name}:${info.size}:${info.mtimeMs}:${info.mode}`;
    }));
    return `${(await stat(root)).mtimeMs}|${described.join('|')}`;
  };
  const before = await snapshot();
  const listing = await scanTree({ root, followSymlinks: true });
  assert.deepEqual(paths(listing), ['a.txt', 'sub/b.txt']);
  assert.equal(await snapshot(), before);
});

test('options: abort, progress, usage errors', async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  await buildTree(root, { 'a.txt': 'a', 'b/c.txt': 'c', 'b/d.bin': Buffer.alloc(SMALL_FILE_BYTES * 2) });
  const isCode = (code: string) => (error: unknown): boolean => error instanceof LumenSyncError && error.code === code;
  await t.test('an aborted signal rejects with LUMENSYNC_ABORTED', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(scanTree({ root, signal: controller.signal }), isCode('LUMENSYNC_ABORTED'));
  });
  await t.test('aborting mid-scan rejects with LUMENSYNC_ABORTED', async () => {
    const controller = new AbortController();
    const scan = scanTree({ root, signal: controller.signal, hooks: { afterHashRead: () => controller.abort() } });
    await assert.rejects(scan, isCode('LUMENSYNC_ABORTED'));
  });
  await t.test('onProgress ends with the final counts', async () => {
    const reports: Array<{ filesSeen: number; filesHashed: number; bytesHashed: number }> = [];
    const listing = await scanTree({ root, onProgress: (progress) => reports.push(progress) });
    assert.deepEqual(reports.at(-1), { filesSeen: 3, filesHashed: 3, bytesHashed: 2 + SMALL_FILE_BYTES * 2 });
    assert.deepEqual([listing.stats.filesSeen, listing.stats.filesHashed, listing.stats.bytesHashed], [3, 3, 2 + SMALL_FILE_BYTES * 2]);
  });
  const usageCases: Array<{ label: string; options: ScanOptions }> = [
    { label: 'a relative root', options: { root: 'relative/dir' } },
    { label: 'a scope leaving the root', options: { root, scope: ['../etc'] } },
    { label: 'an absolute scope', options: { root, scope: ['/etc'] } },
  ];
  for (const usageCase of usageCases) {
    await t.test(`${usageCase.label} is LUMENSYNC_USAGE`, async () => assert.rejects(scanTree(usageCase.options), isCode('LUMENSYNC_USAGE')));
  }
  await t.test('a throwing knownHash is not swallowed', async () => {
    await assert.rejects(scanTree({ root, knownHash: () => { throw new Error('journal bug'); } }), /journal bug/);
  });
});

test('directories in flight: bounded by directoryConcurrency, and a bound of 1 still walks a deep tree', { timeout: 30_000 }, async (t) => {
  const root = await makeTemp();
  t.after(() => removeTemp(root));
  // 40 top-level folders, each with a nested chain 3 deep: a walk that held a folder's slot while
  // waiting for its subfolders would hang at a bound of 1.
  const tree: TreeSpec = {};
  for (let folder = 0; folder < 40; folder++) {
    tree[`d${folder}/a.txt`] = `a${folder}`;
    tree[`d${folder}/x/y/z/b.txt`] = `b${folder}`;
  }
  await buildTree(root, tree);
  const expected = Object.keys(tree).sort();
  for (const bound of [1, 4, 64]) {
    const seen: number[] = [];
    const listing = await scanTree({ root, directoryConcurrency: bound, hooks: { onDirectory: (inFlight) => seen.push(inFlight) } });
    assert.deepEqual(paths(listing), expected, `bound ${bound}`);
    // root + 40 folders × (folder, x, y, z)
    assert.equal(seen.length, 1 + 40 * 4, `bound ${bound}: every directory listed once`);
    assert.ok(Math.max(...seen) <= bound, `bound ${bound}: at most ${bound} at once (saw ${Math.max(...seen)})`);
    if (bound > 1) assert.ok(Math.max(...seen) > 1, `bound ${bound}: directories overlap (saw ${Math.max(...seen)})`);
  }
  // Unbounded (the old walk), the 40 folders are all read at once: the bound is what keeps them apart.
  const unbounded: number[] = [];
  await scanTree({ root, directoryConcurrency: 1_000_000, hooks: { onDirectory: (inFlight) => unbounded.push(inFlight) } });
  assert.ok(Math.max(...unbounded) > 4, `unbounded: more than 4 at once (saw ${Math.max(...unbounded)})`);
});
