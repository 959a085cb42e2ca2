import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { DirtySet } from '../../src/watch/dirty-set.js';
import { pathsWithSiblings, uncoveredSiblings, type SiblingContext } from '../../src/watch/sibling-check.js';

const SETTLE_MS = 1000;

/** A tree where every kind of sibling is present once; `journal` holds what the last pass recorded. */
async function withTree(use: (fx: { root: string; journal: Map<string, { size: number; mtimeMs: number }> }) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'lumensync-siblings-'));
  const past = new Date(Date.now() - 30_000);
  const files: Record<string, string> = {
    'a.txt': 'unchanged\n', 'b.txt': 'grew since the journal\n', 'c.txt': 'new, settled\n', 'named.txt': 'in the batch\n',
    'waiting.txt': 'still settling\n', '.named.txt.swp': 'an editor\'s swap file\n', 'skip-me.log': 'ignored by --ignore\n', 'docs/d.txt': 'new, in the batch\'s directory\n', 'docs/deeper/e.txt': 'new, one level down\n',
  };
  for (const [relativePath, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relativePath)), { recursive: true });
    await writeFile(path.join(root, relativePath), content);
    // Written "30 s ago": settled (the rename or copy that put them here still set their ctime to now).
    await utimes(path.join(root, relativePath), past, past);
  }
  await writeFile(path.join(root, 'fresh.txt'), 'written just now\n');
  const journal = new Map<string, { size: number; mtimeMs: number }>();
  const stat = (relativePath: string) => lstatSync(path.join(root, relativePath));
  journal.set('a.txt', { size: stat('a.txt').size, mtimeMs: stat('a.txt').mtimeMs });
  journal.set('b.txt', { size: 3, mtimeMs: stat('b.txt').mtimeMs });
  try {
    await use({ root, journal });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const contextOf = (root: string, journal: Map<string, { size: number; mtimeMs: number }>, pending: readonly string[] = []): SiblingContext => ({
  root,
  ignored: (relativePath) => relativePath.endsWith('.swp') || relativePath.endsWith('.log'),
  settleMs: SETTLE_MS,
  unchanged: (relativePath, size, mtimeMs) => journal.get(relativePath)?.size === size && journal.get(relativePath)?.mtimeMs === mtimeMs,
  pending: (relativePath) => pending.includes(relativePath),
});

test('siblings: files of the batch\'s directories that the journal does not hold as they are, not those named or waiting, not subdirectories', () => withTree(async (fx) => {
  const now = Date.now();
  const found = await uncoveredSiblings(['named.txt', 'docs/gone.txt'], now - 1500, now, contextOf(fx.root, fx.journal, ['named.txt', 'waiting.txt']));
  assert.deepEqual(found.settled.sort(), ['b.txt', 'c.txt', 'docs/d.txt'], 'changed and new settled files, in the root and in docs/');
  assert.deepEqual(found.fresh.map((sibling) => sibling.relativePath), ['fresh.txt'], 'a file written within the settle time settles first');
  assert.equal(found.fresh[0]!.seen!.size, 'written just now\n'.length);
  assert.equal(found.skippedDirectories, 0);
}));

test('siblings: files last changed well before the batch\'s first event are left to the full reconcile', () => withTree(async (fx) => {
  const now = Date.now();
  const found = await uncoveredSiblings(['named.txt'], now + 60_000, now, contextOf(fx.root, fx.journal));
  assert.deepEqual(found, { settled: [], fresh: [], skippedDirectories: 0 });
}));

test('siblings: a directory whose names have not changed since shortly before the first event is not listed', () => withTree(async (fx) => {
  const now = Date.now();
  const past = new Date(now - 30_000);
  await utimes(path.join(fx.root, 'docs'), past, past);
  const quietDirectory = await uncoveredSiblings(['docs/gone.txt'], now, now, contextOf(fx.root, fx.journal));
  assert.deepEqual(quietDirectory, { settled: [], fresh: [], skippedDirectories: 0 }, 'docs/d.txt is new, but docs/ has not changed');
  await utimes(path.join(fx.root, 'docs'), new Date(now), new Date(now));
  const touched = await uncoveredSiblings(['docs/gone.txt'], now, now, contextOf(fx.root, fx.journal));
  assert.deepEqual(touched.settled, ['docs/d.txt']);
}));

test('siblings: a directory past the entry budget, gone or unreadable is skipped, not an error', () => withTree(async (fx) => {
  const now = Date.now();
  const overBudget = await uncoveredSiblings(['named.txt'], now, now, { ...contextOf(fx.root, fx.journal), maxEntries: 3 });
  assert.deepEqual(overBudget, { settled: [], fresh: [], skippedDirectories: 1 });
  const gone = await uncoveredSiblings(['nowhere/x.txt', 'docs/deeper/e.txt'], now, now, contextOf(fx.root, fx.journal));
  assert.deepEqual(gone, { settled: ['docs/deeper/e.txt'], fresh: [], skippedDirectories: 1 });
}));

test('pass paths: settled siblings join the batch in order, fresh ones wait in the dirty set, and the finding is logged', () => withTree(async (fx) => {
  const dirty = new DirtySet({ settleMs: SETTLE_MS });
  const now = Date.now();
  dirty.mark('waiting.txt', 'change', now);
  const logged: unknown[] = [];
  const log = { info: (fields: { count: number; paths: string[] }) => logged.push({ ...fields, paths: [...fields.paths].sort() }), debug: () => undefined } as unknown as Logger;
  const journal = { unchangedPath: (relativePath: string, size: number, mtimeMs: number) => (contextOf(fx.root, fx.journal).unchanged(relativePath, size, mtimeMs) ? relativePath : undefined) };
  let losses = 0;
  const lostEvents = (count: number): void => { losses += count; };
  const paths = await pathsWithSiblings({ relativePaths: ['named.txt'], firstEventAt: now - 1200 }, now, dirty, { spec: { root: fx.root, ignore: ['*.log'] }, journal, settleMs: SETTLE_MS, lostEvents }, log);
  assert.deepEqual(paths, ['b.txt', 'c.txt', 'named.txt'], 'not the swap file (a default ignore) nor skip-me.log (--ignore)');
  assert.ok(dirty.has('fresh.txt'), 'the fresh sibling settles like an event');
  assert.ok(dirty.has('waiting.txt'));
  assert.deepEqual(logged, [{ count: 3, paths: ['b.txt', 'c.txt', 'fresh.txt'] }]);
  assert.equal(losses, 3, 'the files found are counted as losses');
  const quiet = await pathsWithSiblings({ relativePaths: ['docs/deeper/e.txt'], firstEventAt: now }, now, dirty, { spec: { root: fx.root, ignore: ['*.log'] }, journal, settleMs: SETTLE_MS, lostEvents }, log);
  assert.deepEqual(quiet, ['docs/deeper/e.txt'], 'nothing else in that directory');
  assert.equal(logged.length, 1);
  assert.equal(losses, 3, 'nothing found, no loss reported');
}));
