/** The rate board's sweep: boards of another host or key nobody reads any more are emptied of old records and removed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GONE_MS, RateBoard, rateShareKey } from '../../src/journal/rate-board.js';

test('opening a board removes old records of boards nobody reads (a rotated key, a gone host), keeps fresh ones and anything not a board', async () => {
  const base = await mkdtemp(path.join(os.tmpdir(), 'lumensync-rate-sweep-'));
  try {
    const abandoned = path.join(base, rateShareKey('old-host:1', 'rotated-key'));
    const busy = path.join(base, rateShareKey('h:2', 'key'));
    const notABoard = path.join(base, 'notes');
    for (const directory of [abandoned, busy, notABoard]) await mkdir(directory, { mode: 0o700 });
    const past = new Date(Date.now() - GONE_MS - 5000);
    for (const [directory, name] of [[abandoned, 'killed-1.json'], [abandoned, 'killed-2.json'], [busy, 'old.json'], [notABoard, 'keep.txt']] as const) {
      await writeFile(path.join(directory, name), '{}');
      await utimes(path.join(directory, name), past, past);
    }
    await writeFile(path.join(busy, 'fresh.json'), '{}');
    const board = await RateBoard.open(base, 'h:1', 'key');
    try {
      assert.deepEqual((await readdir(base)).sort(), [path.basename(busy), rateShareKey('h:1', 'key'), 'notes'].sort(), 'the abandoned board is gone');
      assert.deepEqual(await readdir(busy), ['fresh.json'], 'a board in use keeps its fresh record, loses the old one');
      assert.deepEqual(await readdir(notABoard), ['keep.txt'], 'what is not a board is left alone');
    } finally {
      board.close();
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
